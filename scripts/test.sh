#!/usr/bin/env bash
# Set up, then run the test suite (real model, real Qdrant Edge engine, real Prefect).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export HF_HUB_OFFLINE=1
.venv/bin/python -m pytest "$@"
