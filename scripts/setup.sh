#!/usr/bin/env bash
# Installs what IKZ-Werkstatt needs to build, run and test, skipping what is already
# there in the right version. Safe to run again and again.
#   scripts/setup.sh          build + run tools (Rust target, cargo-leptos, wasm-bindgen, wasm-opt)
#   scripts/setup.sh --test   additionally Chromium, Playwright and PostgreSQL
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.10
WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' Cargo.toml)
with_test=${1:-}

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

apt_updated=""
apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ -z "$apt_updated" ]; then apt-get update -qq; apt_updated=1; fi
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
  log "installing cargo-leptos $CARGO_LEPTOS_VERSION (takes ~14 minutes once)"
  cargo install --locked cargo-leptos --version "$CARGO_LEPTOS_VERSION"
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (must equal the crate pin)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# wasm-opt (npm binaryen) and Playwright live in end2end/node_modules.
if ! (cd end2end && npm ls --depth=0 >/dev/null 2>&1); then
  log "npm ci in end2end/"
  (cd end2end && npm ci --no-audit --no-fund)
fi

if [ "$with_test" = "--test" ]; then
  command -v chromium >/dev/null || apt_install chromium
  command -v pdftotext >/dev/null || apt_install poppler-utils
  # LibreOffice headless opens every export in the tests (DOCX, ODT, XLSX, CSV).
  command -v soffice >/dev/null || apt_install libreoffice-writer-nogui libreoffice-calc-nogui

fi
log "ready"
