#!/usr/bin/env bash
# The release gate on a slice of the FinanceBench development set: three filings (a 10-K of
# 156 pages, a 10-K of 75, a 10-Q of 30) and their ten questions, baseline against docthrift,
# default thresholds. Exits 1 when the gate fails. Usage: scripts/release-gate.sh [REPORT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${DOCTHRIFT_DEV_DATA:-../shared/data/financebench-dev}
if [ ! -f "$DATA/questions.jsonl" ]; then
  echo "release gate: no dataset at $DATA (set DOCTHRIFT_DEV_DATA)" >&2
  exit 1
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export HF_HUB_OFFLINE=1
export DOCTHRIFT_CACHE=${DOCTHRIFT_CACHE:-.docthrift/test-cache}  # reuse the exported model
.venv/bin/docthrift eval "$DATA/questions.jsonl" --docs "$DATA/pdfs" \
  --only AMCOR_2023_10K,BESTBUY_2023_10K,BESTBUY_2024Q2_10Q \
  --systems baseline,docthrift --home "$WORK/home" --out "${1:-$WORK/report}"
