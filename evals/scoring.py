"""Per-question metrics, defined once (docs/metrics.md) and used for every system alike."""

from __future__ import annotations

from collections.abc import Iterable


def evidence_hit_all(gold_pages: Iterable[int], cited_pages: Iterable[int]) -> bool:
    """Evidence recall (all): every gold page is among the pages of the context."""
    gold = set(gold_pages)
    return bool(gold) and gold <= set(cited_pages)


def evidence_hit_any(gold_pages: Iterable[int], cited_pages: Iterable[int]) -> bool:
    """Evidence recall (any): at least one gold page is among the pages of the context."""
    return bool(set(gold_pages) & set(cited_pages))
