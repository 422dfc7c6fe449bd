"""Helpers shared by the benchmarks: the dev data, its questions, and a settings factory."""

from __future__ import annotations

import json
import os
import statistics
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
DEV = DATA / "financebench-dev"
MMLONGBENCH = DATA / "mmlongbench-dev"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


def dev_questions(path: Path = DEV / "questions.jsonl") -> list[dict[str, Any]]:
    """FinanceBench questions with 1-based evidence pages."""
    rows = []
    for line in path.read_text().splitlines():
        q = json.loads(line)
        pages = sorted({e["evidence_page_num"] + 1 for e in q["evidence"]})
        rows.append({"id": q["financebench_id"], "question": q["question"],
                     "doc_id": q["doc_name"], "pages": pages})
    return rows


def evidence_texts(path: Path = DEV / "questions.jsonl") -> dict[str, list[str]]:
    """FinanceBench's gold evidence passages by question id (for the text-level check)."""
    texts = {}
    for line in path.read_text().splitlines():
        q = json.loads(line)
        texts[q["financebench_id"]] = [e["evidence_text"] for e in q["evidence"]]
    return texts


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))] if ordered else float("nan")
