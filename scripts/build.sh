#!/usr/bin/env bash
# Builds the release that scripts/run.sh serves and scripts/test.sh tests:
#   1. the browser bundle: the `app` crate for wasm32 with feature `hydrate`,
#      profile `wasm-release`, then wasm-bindgen and wasm-opt;
#   2. the site: the bundle, style/main.css and public/ under $IKZ_DIST/site;
#   3. the server binary $IKZ_DIST/ikz-werkstatt (profile `release`, feature `ssr`).
# Plain cargo, wasm-bindgen and wasm-opt: no cargo-leptos (24 minutes to
# install on a fresh 2-core machine, longer than the app takes to build).
# Expects the tools of scripts/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

NAME=ikz_werkstatt
WASM_TARGET=wasm32-unknown-unknown
PKG="$IKZ_SITE_ROOT/pkg"

browser_bundle() {
  cargo build -p app --lib --target "$WASM_TARGET" --profile wasm-release \
    --no-default-features --features hydrate
  local staging="$CARGO_TARGET_DIR/site-staging"
  rm -rf "$staging" && mkdir -p "$staging"
  wasm-bindgen --target web --no-typescript --out-dir "$staging" --out-name "$NAME" \
    "$CARGO_TARGET_DIR/$WASM_TARGET/wasm-release/app.wasm"
  # Leptos loads /pkg/<name>.js and /pkg/<name>.wasm (LEPTOS_OUTPUT_NAME is set
  # for every build in .cargo/config.toml).
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$staging/${NAME}_bg.wasm" -o "$staging/$NAME.wasm"
  rm "$staging/${NAME}_bg.wasm"
}

site() {
  local staging="$CARGO_TARGET_DIR/site-staging"
  cp style/main.css "$staging/$NAME.css"
  local next="$IKZ_SITE_ROOT.next"
  rm -rf "$next" && mkdir -p "$next/pkg"
  cp -r public/. "$next/"
  cp "$staging"/* "$next/pkg/"
  # Swap in the finished site by renames, so a running server never serves a half-copied one.
  rm -rf "$IKZ_SITE_ROOT.old"
  [ -d "$IKZ_SITE_ROOT" ] && mv "$IKZ_SITE_ROOT" "$IKZ_SITE_ROOT.old"
  mv "$next" "$IKZ_SITE_ROOT"
  rm -rf "$IKZ_SITE_ROOT.old"
  local file
  for file in "$NAME.wasm" "$NAME.js" "$NAME.css"; do
    printf '    %s: %s bytes (%s gzip)\n' "$file" "$(wc -c < "$PKG/$file")" "$(gzip -9c "$PKG/$file" | wc -c)"
  done
}

server_binary() {
  cargo build -p server --bin ikz-werkstatt --release
  mkdir -p "$IKZ_DIST"
  # Copy, then rename: a running server keeps its old file.
  cp "$CARGO_TARGET_DIR/release/ikz-werkstatt" "$IKZ_BIN.next"
  mv "$IKZ_BIN.next" "$IKZ_BIN"
}

step "build: browser bundle (app → wasm32, profile wasm-release, wasm-bindgen, wasm-opt)" browser_bundle
step "build: site under $IKZ_SITE_ROOT" site
step "build: server binary (profile release)" server_binary
