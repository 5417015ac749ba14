#!/usr/bin/env bash
# Installs what is missing, then builds and serves IKZ-Werkstatt at
# http://127.0.0.1:3000 with SQLite under ./data.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh
exec cargo leptos serve --release "$@"
