#!/usr/bin/env bash
# Installs what is missing, builds the release and serves IKZ-Werkstatt at
# http://127.0.0.1:3000 with SQLite under ./data. Flags go to the server
# (`scripts/run.sh --help`), e.g. `--listen 0.0.0.0:3000` for a room's WiFi.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
scripts/setup.sh
scripts/build.sh
source scripts/env.sh
printf '\n\033[1;32m==> ready after %s: serving the release build\033[0m\n' "$(duration $((SECONDS - started)))"
exec "$IKZ_BIN" "$@"
