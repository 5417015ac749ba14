#!/usr/bin/env bash
# A short coverage-guided fuzz run of every target in app/fuzz (libFuzzer via
# libfuzzer-sys), as part of scripts/test.sh; longer runs by hand:
#   FUZZ_SECONDS=600 scripts/fuzz.sh            or   scripts/fuzz.sh client_msg
#
# It builds the targets the way `cargo fuzz build -s none` does (SanitizerCoverage
# through stable -C flags, debug assertions and overflow checks on), so it needs
# neither nightly nor cargo-fuzz. The targets depend on the ikz-domain crate
# only, so the build takes about two minutes cold. Each run starts from the
# committed seeds (app/fuzz/seeds/<target>) in a fresh corpus; a crash leaves
# its input under $CARGO_TARGET_DIR/fuzz/artifacts/<target>/ and fails.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

seconds=${FUZZ_SECONDS:-20}
host=$(rustc -vV | sed -n 's/^host: //p')
fuzz_target_dir="$CARGO_TARGET_DIR/fuzz"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(sed -n 's/^name = "\(.*\)"$/\1/p' app/fuzz/Cargo.toml | grep -v '^app-fuzz$')
fi

# The flags cargo-fuzz passes for `--sanitizer none`; --target keeps them off
# build scripts and proc macros.
(
  cd app/fuzz
  RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks" \
    CARGO_TARGET_DIR="$fuzz_target_dir" \
    cargo build --locked --release --bins --target "$host"
)

for target in "${targets[@]}"; do
  corpus=$(mktemp -d)
  artifacts="$fuzz_target_dir/artifacts/$target"
  mkdir -p "$artifacts"
  echo "fuzzing $target for ${seconds} s (seeds: app/fuzz/seeds/$target)"
  if ! "$fuzz_target_dir/$host/release/$target" "$corpus" "app/fuzz/seeds/$target" \
    -max_total_time="$seconds" -artifact_prefix="$artifacts/" -print_final_stats=1 \
    >"$corpus.log" 2>&1; then
    tail -40 "$corpus.log"
    echo "fuzz target $target failed; the input is in $artifacts/" >&2
    rm -rf "$corpus" "$corpus.log"
    exit 1
  fi
  grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)' "$corpus.log" || tail -3 "$corpus.log"
  rm -rf "$corpus" "$corpus.log"
done
