# Shared environment for the project's scripts (sourced, not run).
# Build output lives outside the clone by default so that a fresh clone on the
# same machine (as CI makes) reuses earlier builds; cargo keeps them apart safely.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/ikz-werkstatt-target}"
# wasm-opt (npm binaryen) and Playwright come from end2end/node_modules.
export PATH="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
