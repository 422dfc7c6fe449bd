#!/usr/bin/env bash
# Create .venv and install docthrift with what it needs (CPU torch first, then the rest).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/pip install -q --disable-pip-version-check "torch==2.13.0"
.venv/bin/pip install -q --disable-pip-version-check -e ".[dev${DOCTHRIFT_EXTRAS:+,$DOCTHRIFT_EXTRAS}]"
