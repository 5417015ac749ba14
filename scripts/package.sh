#!/usr/bin/env bash
# Packs the release that scripts/build.sh made into a release archive for a
# Kommune's IT; builds nothing itself.
#
#   scripts/package.sh [OUT_DIR]
#
# Reads $IKZ_DIST (default $CARGO_TARGET_DIR/dist: the binary `ikz-werkstatt`
# and `site/` beside it) and writes
#   OUT_DIR/ikz-werkstatt-<version>-linux-<arch>.tar.gz   (+ .sha256)
# (OUT_DIR defaults to $CARGO_TARGET_DIR) holding one folder with the binary,
# site/, install.sh, the systemd unit, the nginx example, LICENSE and INSTALL.
# The archive is reproducible: sorted names, owner root, fixed times.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

fail() { echo "package.sh: $*" >&2; exit 1; }

out_dir=${1:-$CARGO_TARGET_DIR}
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
[ -n "$version" ] || fail "no version in Cargo.toml"
arch=${IKZ_ARCH:-$(uname -m)}
[ -x "$IKZ_BIN" ] || fail "no binary at $IKZ_BIN (run scripts/build.sh first, or set IKZ_DIST)"
[ -d "$IKZ_SITE_ROOT" ] || fail "no site at $IKZ_SITE_ROOT (run scripts/build.sh first, or set IKZ_DIST)"

name="ikz-werkstatt-$version-linux-$arch"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root="$stage/$name"
mkdir -p "$root"
cp "$IKZ_BIN" "$root/ikz-werkstatt"
cp -R "$IKZ_SITE_ROOT" "$root/site"
cp scripts/install.sh "$root/install.sh"
cp scripts/ikz-werkstatt.service "$root/ikz-werkstatt.service"
cp docs/nginx.conf "$root/nginx.conf.example"
cp docs/INSTALL.md "$root/INSTALL.md"
cp LICENSE "$root/LICENSE"
chmod 0755 "$root/ikz-werkstatt" "$root/install.sh"
chmod -R u=rwX,go=rX "$root"

mkdir -p "$out_dir"
archive="$(cd "$out_dir" && pwd)/$name.tar.gz"
# Times from the last commit when there is one, so the same tree packs the same.
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" \
  -C "$stage" -cf - "$name" | gzip -n > "$archive.tmp"
mv "$archive.tmp" "$archive"
(cd "$(dirname "$archive")" && sha256sum "$(basename "$archive")" > "$archive.sha256")
echo "$archive ($(du -h "$archive" | cut -f1))"
