#!/usr/bin/env bash
# Installs what is missing, then runs every check: formatting, clippy for the
# server (ssr) and browser (hydrate, wasm32) builds, the release build that
# scripts/run.sh serves, all Rust tests, and the end-to-end suite in Chromium
# against that release build. Each thing is built once: clippy runs during the
# release build, and the Rust tests use the release profile, so they share
# their dependencies with the served binary.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
scripts/setup.sh --test
source scripts/env.sh

step "cargo fmt --check" cargo fmt --all -- --check

# Clippy runs as the compiler of our own crates (app, server) while the
# release is built, the way `cargo clippy` runs it, so the lints cost no second
# build of the dependencies: a separate `cargo clippy` (check mode) would
# compile the whole dependency tree a third time, ~20 minutes on 2 cores.
clippy_as_compiler

# The tests must not need their own build of a dependency: a crate that a
# dev-dependency compiles with more features than the release binary has is
# built twice (with everything above it, e.g. the typst tree: ~10 minutes).
same_dependency_features() {
  local build test differs=""
  features() { cargo tree -e features --prefix none "$@" 2>/dev/null | grep ' feature ' | sed 's/ (.*)$//' | sort -u; }
  build=$(features -p server -e normal,build)
  test=$(features -p ikz-domain -p ikz-antrag -p app -p server --features app/ssr -e normal,build,dev)
  for crate in $(comm -13 <(echo "$build") <(echo "$test") | awk '{print $1}' | sort -u); do
    grep -q "^$crate " <<<"$build" && differs="$differs $crate"
  done
  if [ -n "$differs" ]; then
    echo "dev-dependencies turn on features the release binary lacks in:$differs" >&2
    echo "add those features to server/Cargo.toml [dependencies] (see the note there)" >&2
    return 1
  fi
}
step "release binary and tests share their dependencies' features" same_dependency_features

# Server side first, with every target (lib, binary, unit and integration
# tests): clippy for the ssr build, and the release profile, so the tests share
# every compiled dependency with the served binary.
RUST_TESTS=(cargo test --release -p ikz-domain -p ikz-antrag -p app -p server --features app/ssr)
step "release build of server and tests, clippy -D warnings (ssr)" "${RUST_TESTS[@]}" --no-run

# Exactly what scripts/run.sh builds (the server binary is already built, with
# the same features); the browser bundle gets clippy for hydrate on wasm32.
# Fails when the release hydrate build breaks.
scripts/build.sh

rust_tests() {
  local log
  log=$(mktemp)
  "${RUST_TESTS[@]}" 2>&1 | tee "$log"
  local passed
  passed=$(grep -Eo 'test result: ok\. [0-9]+ passed' "$log" | awk '{s+=$4} END {print s+0}')
  rm -f "$log"
  if [ "$passed" -eq 0 ]; then echo "no Rust tests ran" >&2; return 1; fi
  echo "Rust tests passed: $passed"
}
step "Rust tests (app with ssr, server; release profile)" rust_tests

# A short coverage-guided run of each fuzz target (decoder and apply), built
# on stable from the domain crate alone (~2 min cold, 20 s per target).
step "fuzz the message decoder and apply (libFuzzer, ${FUZZ_SECONDS:-20} s per target)" scripts/fuzz.sh

# The end-to-end suite runs against the release binary and site that
# scripts/run.sh serves, on a fresh database and a free port; the arguments
# pick spec files (none: all).
end_to_end() {
  local data port status=0
  data=$(mktemp -d)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  RUST_BACKTRACE=1 IKZ_DATA_DIR="$data/db" IKZ_LISTEN="127.0.0.1:$port" \
    "$IKZ_BIN" >"$data/server.log" 2>&1 &
  e2e_server=$!
  trap 'kill "$e2e_server" 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    kill -0 "$e2e_server" 2>/dev/null || break
    sleep 0.2
  done
  (cd end2end && IKZ_E2E_BASE_URL="http://127.0.0.1:$port" IKZ_E2E_SERVER_LOG="$data/server.log" npx playwright test "$@") || status=$?
  kill "$e2e_server" 2>/dev/null || true
  wait "$e2e_server" 2>/dev/null || true
  if [ "$status" -ne 0 ]; then echo "server log (last 50 lines):"; tail -50 "$data/server.log"; fi
  rm -rf "$data"
  return "$status"
}
# Every browser of the suite comes from one address, and the server lets one
# address make a preparation day's burst of 30 sessions (then one every six
# minutes, server/src/access.rs; tested in the server's tests). The suite
# makes more than 30, so it runs as two days, each on a fresh server: the
# methods' walkthroughs, then everything else.
WALKTHROUGHS=(further.spec.ts rest.spec.ts methods.spec.ts stands.spec.ts swot.spec.ts kosten.spec.ts lotse.spec.ts)
OTHER_SPECS=()
for spec in end2end/tests/*.spec.ts; do
  spec=$(basename "$spec")
  [[ " ${WALKTHROUGHS[*]} " == *" $spec "* ]] || OTHER_SPECS+=("$spec")
done
step "end-to-end, part 1: the methods' walkthroughs (Playwright, system Chromium, release build)" end_to_end "${WALKTHROUGHS[@]}"
step "end-to-end, part 2: ${OTHER_SPECS[*]}" end_to_end "${OTHER_SPECS[@]}"

printf '\n\033[1;32m==> all checks passed in %s\033[0m\n' "$(duration $((SECONDS - started)))"
