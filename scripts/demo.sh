#!/usr/bin/env bash
# Set up, then run the demo end to end on the embedded defaults:
# generated sample PDFs, the embedded Qdrant Edge index, ephemeral Prefect, the bundled model, no API key.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export HF_HUB_OFFLINE=1
.venv/bin/docthrift demo "$@"
