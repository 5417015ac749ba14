# Shared environment and helpers for the project's scripts (sourced, not run).

# Build output lives outside the clone by default so that a fresh clone on the
# same machine (as CI makes) reuses earlier builds; cargo keeps them apart safely.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/ikz-werkstatt-target}"
# The release that scripts/build.sh makes and scripts/run.sh serves: the binary
# `ikz-werkstatt` and beside it `site/` (wasm bundle, CSS, public/), which the
# binary serves by default. The folder can be copied to another machine as is.
export IKZ_DIST="${IKZ_DIST:-$CARGO_TARGET_DIR/dist}"
export IKZ_SITE_ROOT="$IKZ_DIST/site"
export IKZ_BIN="$IKZ_DIST/ikz-werkstatt"
# wasm-opt (npm binaryen) and Playwright come from end2end/node_modules.
export PATH="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"

# step "what" command…: prints what runs, then how long it took, so a first run
# shows progress instead of silence. Fails when the command fails.
step() {
  local what=$1 start=$SECONDS
  shift
  printf '\n\033[1;34m==> %s\033[0m\n' "$what"
  "$@"
  printf '\033[1;32m    done: %s (%s)\033[0m\n' "$what" "$(duration $((SECONDS - start)))"
}

duration() {
  local s=$1
  if [ "$s" -ge 60 ]; then printf '%d min %02d s' $((s / 60)) $((s % 60)); else printf '%d s' "$s"; fi
}

# Clippy as the compiler of our own crates, as scripts/test.sh builds the
# release (see there). scripts/bench.sh builds the release the same way, so
# it reuses the test command's build instead of compiling it again.
clippy_as_compiler() {
  export RUSTC_WORKSPACE_WRAPPER="$(rustc --print sysroot)/bin/clippy-driver"
  # CLIPPY_ARGS is how cargo-clippy hands `-- -D warnings` to clippy-driver.
  export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
}
