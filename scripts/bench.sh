#!/usr/bin/env bash
# The load benchmark (server/bench): the release server that scripts/run.sh
# serves against a bare axum broadcast hub (the baseline), both started and
# measured by the same harness in one run, server pinned to core 0 and load
# to core 1. Prints one table with each figure's ratio to the baseline.
# Arguments go to the harness: --seconds N, --kill-cycles N, --idle N.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
# The release binary and site exactly as scripts/run.sh serves them; the
# harness is built on its own, so neither changes the other's dependencies.
# Built as scripts/test.sh builds it (clippy as the compiler of our crates),
# so a benchmark after the test command compiles nothing again.
(clippy_as_compiler && scripts/build.sh)
cargo build --release -p bench
exec "$CARGO_TARGET_DIR/release/bench" --server "$IKZ_BIN" "$@"
