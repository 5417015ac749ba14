#!/usr/bin/env bash
# Installs what IKZ-Werkstatt needs to build, run and test, skipping what is already
# there in the right version. Safe to run again and again.
#   scripts/setup.sh          build + run tools (wasm32 target, wasm-bindgen-cli, wasm-opt)
#   scripts/setup.sh --test   additionally Chromium, Playwright, poppler, LibreOffice and
#                             PostgreSQL's server binaries (the PostgreSQL tests start their own cluster)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' Cargo.toml)
with_test=${1:-}

apt_updated=""
apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ -z "$apt_updated" ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "setup: rustup target add wasm32-unknown-unknown" rustup target add wasm32-unknown-unknown
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  step "setup: cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION (must equal the crate pin; ~4 min once)" \
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# wasm-opt (npm binaryen) and Playwright live in end2end/node_modules.
if ! (cd end2end && npm ls --depth=0 >/dev/null 2>&1); then
  step "setup: npm ci in end2end/ (wasm-opt, Playwright, axe-core)" \
    bash -c 'cd end2end && npm ci --no-audit --no-fund'
fi

# LibreOffice's first start builds its caches; several first starts at once (as
# parallel tests make) have aborted. One conversion here makes them once.
warm_up_libreoffice() {
  local dir
  dir=$(mktemp -d)
  printf 'IKZ-Werkstatt\n' > "$dir/warm-up.txt"
  soffice "-env:UserInstallation=file://$dir/profile" --headless --convert-to pdf \
    --outdir "$dir" "$dir/warm-up.txt" >/dev/null 2>&1
  test -s "$dir/warm-up.pdf"
  rm -rf "$dir"
}

if [ "$with_test" = "--test" ]; then
  missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  command -v pdftotext >/dev/null || missing+=(poppler-utils)
  # server/tests/publiccode.rs parses publiccode.yml with Python's yaml.
  python3 -c 'import yaml' 2>/dev/null || missing+=(python3-yaml)
  # server/tests/nginx.rs runs docs/nginx.conf in front of the server.
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
  # LibreOffice headless opens every export in the tests (DOCX, ODT, XLSX, CSV).
  command -v soffice >/dev/null || missing+=(libreoffice-writer-nogui libreoffice-calc-nogui)
  # initdb/pg_ctl for the tests' private PostgreSQL cluster (server/tests/common/pg.rs
  # finds them in /usr/lib/postgresql/<version>/bin, IKZ_PG_BIN or PATH).
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null; then
    missing+=(postgresql)
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    step "setup: apt-get install ${missing[*]}" apt_install "${missing[@]}"
  fi
  step "setup: LibreOffice first start" warm_up_libreoffice
fi
