#!/usr/bin/env bash
# Installs what is missing, then runs every check: formatting, clippy for the
# server (ssr) and browser (hydrate, wasm32) builds, the release build that
# scripts/run.sh serves, all Rust tests, and the end-to-end suite in Chromium
# against that release build. Each thing is built once: the Rust tests use the
# release profile, so they share their dependencies with the served binary.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
scripts/setup.sh --test
source scripts/env.sh

step "cargo fmt --check" cargo fmt --all -- --check

step "clippy (server build, ssr)" \
  cargo clippy -p app -p server --features app/ssr --all-targets -- -D warnings

step "clippy (browser build, hydrate on wasm32)" \
  cargo clippy -p app --lib --no-default-features --features hydrate \
  --target wasm32-unknown-unknown -- -D warnings

# Exactly what scripts/run.sh builds; fails when the release hydrate build breaks.
scripts/build.sh

rust_tests() {
  local log
  log=$(mktemp)
  cargo test --release -p app -p server --features app/ssr 2>&1 | tee "$log"
  local passed
  passed=$(grep -Eo 'test result: ok\. [0-9]+ passed' "$log" | awk '{s+=$4} END {print s+0}')
  rm -f "$log"
  if [ "$passed" -eq 0 ]; then echo "no Rust tests ran" >&2; return 1; fi
  echo "Rust tests passed: $passed"
}
step "Rust tests (app with ssr, server; release profile)" rust_tests

# The end-to-end suite runs against the release binary and site that
# scripts/run.sh serves, on a fresh database and a free port.
end_to_end() {
  local data port status=0
  data=$(mktemp -d)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  IKZ_DATA_DIR="$data/db" IKZ_LISTEN="127.0.0.1:$port" \
    "$IKZ_BIN" 2>"$data/server.log" &
  e2e_server=$!
  trap 'kill "$e2e_server" 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    kill -0 "$e2e_server" 2>/dev/null || break
    sleep 0.2
  done
  (cd end2end && IKZ_E2E_BASE_URL="http://127.0.0.1:$port" npx playwright test) || status=$?
  kill "$e2e_server" 2>/dev/null || true
  wait "$e2e_server" 2>/dev/null || true
  if [ "$status" -ne 0 ]; then echo "server log (last 50 lines):"; tail -50 "$data/server.log"; fi
  rm -rf "$data"
  return "$status"
}
step "end-to-end (Playwright, system Chromium, release build)" end_to_end

printf '\n\033[1;32m==> all checks passed in %s\033[0m\n' "$(duration $((SECONDS - started)))"
