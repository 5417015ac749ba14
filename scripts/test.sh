#!/usr/bin/env bash
# Installs what is missing, then runs every check: formatting, clippy for the
# server (ssr) and browser (hydrate, wasm32) builds, all Rust tests, and the
# end-to-end suite in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
source scripts/env.sh

step() { printf '\n\033[1;34m==> %s\033[0m\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy (server build, ssr)"
cargo clippy -p app -p server --features app/ssr --all-targets -- -D warnings

step "clippy (browser build, hydrate on wasm32)"
cargo clippy -p app --lib --features hydrate --target wasm32-unknown-unknown -- -D warnings

step "Rust tests (app with ssr, server)"
log=$(mktemp)
cargo test -p app --features ssr 2>&1 | tee "$log"
cargo test -p server 2>&1 | tee -a "$log"
passed=$(grep -Eo 'test result: ok\. [0-9]+ passed' "$log" | awk '{s+=$4} END {print s+0}')
rm -f "$log"
if [ "$passed" -eq 0 ]; then echo "no Rust tests ran" >&2; exit 1; fi
echo "Rust tests passed: $passed"

step "end-to-end (Playwright, system Chromium)"
# A fresh database for every run; the server under test is the real binary.
IKZ_DATA_DIR=$(mktemp -d)
export IKZ_DATA_DIR
trap 'rm -rf "$IKZ_DATA_DIR"' EXIT
cargo leptos end-to-end
