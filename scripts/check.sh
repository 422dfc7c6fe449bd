#!/usr/bin/env bash
# Static checks: the import floors (import-linter, contracts in pyproject.toml) and types (mypy).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/lint-imports
.venv/bin/python -m mypy core extractors indexes answering evals flows docthrift samples
