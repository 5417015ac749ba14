#!/usr/bin/env bash
# Builds the release that scripts/run.sh serves and scripts/test.sh tests:
#   1. the browser bundle: the `app` crate for wasm32 with feature `hydrate`,
#      profile `wasm-release`, then wasm-bindgen and wasm-opt;
#   2. the site: the bundle, style/main.css and public/ under $IKZ_DIST/site,
#      script and wasm named by content hash ($IKZ_DIST/hash.txt), each file
#      with a .br and .gz beside it (tools/precompress), the wasm's brotli
#      size checked against bundle-budget.toml;
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
  local input="$CARGO_TARGET_DIR/$WASM_TARGET/wasm-release/app.wasm"
  # wasm-bindgen and wasm-opt -Oz take ~4 minutes on 2 cores: skipped when
  # the compiled app, the tools and this script are what they were last time.
  local key
  key="$(sha256sum "$input" scripts/build.sh | cut -c 1-64 | tr '\n' ' ')$(wasm-bindgen --version) $(wasm-opt --version)"
  if [ -f "$staging/$NAME.wasm" ] && [ -f "$staging/$NAME.js" ] \
    && [ "$(cat "$staging/.key" 2>/dev/null)" = "$key" ]; then
    echo "    app.wasm unchanged: wasm-bindgen and wasm-opt output of the last build kept"
    return 0
  fi
  rm -rf "$staging" && mkdir -p "$staging"
  wasm-bindgen --target web --no-typescript --out-dir "$staging" --out-name "$NAME" \
    "$CARGO_TARGET_DIR/$WASM_TARGET/wasm-release/app.wasm"
  # Leptos loads /pkg/<name>.js and /pkg/<name>.wasm (LEPTOS_OUTPUT_NAME is set
  # for every build in .cargo/config.toml).
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$staging/${NAME}_bg.wasm" -o "$staging/$NAME.wasm"
  rm "$staging/${NAME}_bg.wasm"
  printf '%s' "$key" > "$staging/.key"
}

site() {
  local staging="$CARGO_TARGET_DIR/site-staging"
  cp style/main.css "$staging/$NAME.css"
  local next="$IKZ_SITE_ROOT.next"
  rm -rf "$next" && mkdir -p "$next/pkg" "$IKZ_DIST"
  cp -r public/. "$next/"
  # Script and wasm named by their content hash: browsers may cache them for
  # a year (the server says so for hashed names) and never run an old one
  # after an update. Leptos links the names listed in hash.txt beside the
  # binary. The stylesheet keeps its name (the app's shell links it) and is
  # revalidated instead.
  local js_hash wasm_hash
  js_hash=$(content_hash "$staging/$NAME.js")
  wasm_hash=$(content_hash "$staging/$NAME.wasm")
  local js="$NAME.$js_hash.js" wasm="$NAME.$wasm_hash.wasm" css="$NAME.css"
  cp "$staging/$NAME.js" "$next/pkg/$js"
  cp "$staging/$NAME.wasm" "$next/pkg/$wasm"
  cp "$staging/$NAME.css" "$next/pkg/$css"
  printf 'js: %s\nwasm: %s\n' "$js_hash" "$wasm_hash" > "$IKZ_DIST/hash.txt.next"
  # Brotli and gzip beside each file: served as they are, never compressed per request.
  local sizes="$CARGO_TARGET_DIR/site-sizes.tsv"
  "$CARGO_TARGET_DIR/release/precompress" "$next/pkg/$wasm" "$next/pkg/$js" "$next/pkg/$css" > "$sizes"
  local file raw br gz
  while IFS=$'\t' read -r file raw br gz; do
    printf '    %s: %s bytes (%s brotli, %s gzip)\n' "$(basename "$file")" "$raw" "$br" "$gz"
  done < "$sizes"
  check_bundle_budget "$(head -n 1 "$sizes" | cut -f 3)"
  # Swap in the finished site by renames, so a running server never serves a half-copied one.
  rm -rf "$IKZ_SITE_ROOT.old"
  [ -d "$IKZ_SITE_ROOT" ] && mv "$IKZ_SITE_ROOT" "$IKZ_SITE_ROOT.old"
  mv "$next" "$IKZ_SITE_ROOT"
  mv "$IKZ_DIST/hash.txt.next" "$IKZ_DIST/hash.txt"
  rm -rf "$IKZ_SITE_ROOT.old"
}

content_hash() {
  sha256sum "$1" | cut -c 1-16
}

# The brotli size of the wasm bundle must stay within bundle-budget.toml
# (lower the budget there when the bundle shrinks); over it, the build fails.
check_bundle_budget() {
  local size=$1 budget
  budget=$(sed -n 's/^wasm_brotli_bytes *= *\([0-9][0-9]*\).*/\1/p' bundle-budget.toml)
  if [ -z "$budget" ]; then
    echo "bundle-budget.toml: no wasm_brotli_bytes = <number>" >&2
    return 1
  fi
  if [ "$size" -gt "$budget" ]; then
    printf '    wasm bundle: %s bytes brotli, OVER the budget of %s bytes (bundle-budget.toml)\n' "$size" "$budget" >&2
    return 1
  fi
  printf '    wasm bundle: %s bytes brotli, within the budget of %s bytes (bundle-budget.toml)\n' "$size" "$budget"
}

precompress_tool() {
  cargo build --release -p precompress
}

server_binary() {
  cargo build -p server --bin ikz-werkstatt --release
  mkdir -p "$IKZ_DIST"
  # Copy, then rename: a running server keeps its old file.
  cp "$CARGO_TARGET_DIR/release/ikz-werkstatt" "$IKZ_BIN.next"
  mv "$IKZ_BIN.next" "$IKZ_BIN"
}

step "build: browser bundle (app → wasm32, profile wasm-release, wasm-bindgen, wasm-opt)" browser_bundle
step "build: precompress helper (tools/precompress)" precompress_tool
step "build: site under $IKZ_SITE_ROOT (hashed names, brotli + gzip, bundle budget)" site
step "build: server binary (profile release)" server_binary
