#!/usr/bin/env bash
# Install (first time) and start Bianmin on http://127.0.0.1:8000 with SQLite and the demo county.
# Extra arguments go to `bianmin up`, e.g. ./run.sh --port 9000 --no-demo
set -euo pipefail
cd "$(dirname "$0")"
scripts/install
exec .venv/bin/bianmin up "$@"
