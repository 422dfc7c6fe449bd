"""Where a financial document keeps its primary statements.

A statement page names its statement in its first lines ("Consolidated Statements of
Operations", "Consolidated Balance Sheets", "Statements of Cash Flows") and is mostly
numbers. Many pages mention a statement (notes, MD&A, the audit opinion); the page kept for
each kind is the one whose title opens the page and that carries the most figures.
"""

from __future__ import annotations

import re

from extractors.tables import looks_tabular

KINDS = ("income", "balance", "cash_flow")
_LEAD = r"^(?:consolidated\s+|condensed\s+|combined\s+)*"
_TITLES = {
    "income": re.compile(
        _LEAD + r"(?:statements?\s+of\s+(?:consolidated\s+)?(?:income|operations|earnings)"
        r"(?!\s+and\s+comprehensive)|income\s+statements?)\b", re.I),
    "balance": re.compile(
        _LEAD + r"(?:balance\s+sheets?|statements?\s+of\s+(?:consolidated\s+)?financial\s+"
        r"(?:position|condition))\b", re.I),
    "cash_flow": re.compile(
        _LEAD + r"statements?\s+of\s+(?:consolidated\s+)?cash\s+flows?\b", re.I),
}
_TOP_LINES = 8
_NUMBER_LINE = re.compile(r"^[$(]*\s*-?\d[\d,]*(\.\d+)?\)?%?\s*$")


def _figures(text: str) -> int:
    return sum(1 for line in text.splitlines() if _NUMBER_LINE.match(line.strip()))


def find_statement_pages(texts: list[str]) -> dict[str, int]:
    """The 1-based page of each primary statement found: income, balance, cash_flow."""
    best: dict[str, tuple[int, int]] = {}
    for number, text in enumerate(texts, start=1):
        top = [line.strip() for line in text.splitlines() if line.strip()][:_TOP_LINES]
        if not top or not looks_tabular(text):
            continue
        for kind, title in _TITLES.items():
            if any(title.match(line) and len(line) < 120 for line in top):
                score = _figures(text) + (25 if any("consolidated" in l.lower() for l in top) else 0)
                if score > best.get(kind, (-1, 0))[0]:
                    best[kind] = (score, number)
    return {kind: page for kind, (_, page) in best.items()}
