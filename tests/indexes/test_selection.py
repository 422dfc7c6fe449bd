"""The adaptive budget and quoted phrases, on hand-made catalogs (no index needed)."""

from __future__ import annotations

import pytest

from indexes.catalog import StoredChunk
from indexes.cues import phrase_positions, quoted_phrases
from indexes.retrieval import Hit, RetrievalOptions, quoted_hits, select_positions
from indexes.selection import limits, strength_threshold
from indexes.statements import statement_seed


def _chunk(position: int, tokens: int = 500, text: str = "", section: str = "") -> StoredChunk:
    return StoredChunk("d", position, section or f"S{position}", position + 1, position + 1, "text",
                       text or f"chunk {position}", tokens)


CATALOG = {"d": [_chunk(p) for p in range(40)]}  # 40 one-chunk sections of 500 tokens
OPTIONS = RetrievalOptions(budget=4000)  # floor 2,400, cap 6,000, strong from 0.15


def _rrf(rank_dense: int | None, rank_sparse: int | None) -> float:
    """Qdrant's RRF score (k = 2) of a chunk at these 0-based ranks."""
    return sum(1 / (2 + r) for r in (rank_dense, rank_sparse) if r is not None)


def _tokens(chosen: dict[str, dict[int, float]]) -> int:
    return sum(CATALOG["d"][p].tokens for p in chosen["d"])


def test_strength_is_top_five_of_one_list_or_top_twelve_of_both_at_4000() -> None:
    tau = strength_threshold(4000)
    assert tau == pytest.approx(0.15)
    assert _rrf(4, None) >= tau > _rrf(5, None)
    assert _rrf(11, 11) >= tau > _rrf(12, 12)
    assert strength_threshold(1000) > strength_threshold(2000) > tau > strength_threshold(8000)
    bounds = limits(4000, floor_share=0.6, cap_share=1.5)
    assert (bounds.floor, bounds.cap) == (2400, 6000)
    assert limits(4000, floor_share=0.6, cap_share=1.0).cap == 4000


def test_decisive_hits_stop_below_the_budget() -> None:
    # Both lists agree on the same three chunks; everything after is weak.
    hits = [Hit("d", p, _rrf(i, i)) for i, p in enumerate([7, 8, 9])]
    hits += [Hit("d", p, _rrf(i + 20, None)) for i, p in enumerate(range(10, 30))]
    chosen = select_positions(hits, CATALOG, OPTIONS)
    assert sorted(chosen["d"])[:3] == [7, 8, 9]
    assert 2400 - 500 < _tokens(chosen) <= 2400  # filled to the floor and no further
    fixed = select_positions(hits, CATALOG, RetrievalOptions(budget=4000, cap_share=1.0))
    assert _tokens(fixed) == 4000  # a fixed budget spends it all


def test_spread_hits_grow_past_the_budget_and_never_past_the_cap() -> None:
    # The lists disagree: each has its own top four, and two more chunks rank about eleventh
    # in both; all ten are strong, then come weak ones (from rank 5 of one list).
    hits = [Hit("d", r, _rrf(r, None)) for r in range(4)]
    hits += [Hit("d", 20 + r, _rrf(None, r)) for r in range(4)]
    hits += [Hit("d", 30, _rrf(10, 10)), Hit("d", 31, _rrf(11, 11))]
    hits += [Hit("d", 10 + r, _rrf(r + 5, None)) for r in range(6)]
    hits.sort(key=lambda h: -h.score)
    chosen = select_positions(hits, CATALOG, OPTIONS)
    assert sorted(chosen["d"]) == [0, 1, 2, 3, 20, 21, 22, 23, 30, 31]
    assert _tokens(chosen) == 5000 > OPTIONS.budget
    many = [Hit("d", p, 1.0) for p in range(40)]  # all strong: the cap holds
    assert _tokens(select_positions(many, CATALOG, OPTIONS)) == OPTIONS.cap == 6000


def test_quoted_phrases_are_quotes_not_apostrophes() -> None:
    assert quoted_phrases('What does the section "RESULTS ON LONG INPUTS" compare?') \
        == ["results on long inputs"]
    assert quoted_phrases("the label 'Label.Other' in this work") == ["label.other"]
    assert quoted_phrases("In the “Cleaning Your  Oven” section") \
        == ["cleaning your oven"]
    assert quoted_phrases("the paper `BERT: Pre-training of Deep Bidirectional Transformers`") \
        == ["bert: pre-training of deep bidirectional transformers"]
    assert quoted_phrases("Where did the drivers' union meet, and what's its name?") == []
    assert quoted_phrases("JnJ's and 3M's margins") == []


def test_chunks_holding_a_quoted_phrase_go_first() -> None:
    chunks = [_chunk(0, text="Overview of the plan"),
              _chunk(1, text="The coastal\nwalks take three days"),
              _chunk(2, text="Maps", section="Guide > Coastal Walks"),
              _chunk(3, text="Food and drink")]
    assert phrase_positions(chunks, "coastal walks") == [1, 2]
    hits = [Hit("d", 3, 0.6), Hit("d", 0, 0.5), Hit("d", 2, 0.1)]
    moved = quoted_hits('How many days do the "coastal walks" take?', hits, {"d": chunks})
    assert [(h.position, h.score) for h in moved] == [(2, 0.6), (1, 0.6), (3, 0.6), (0, 0.5)]
    assert quoted_hits("No quotes here?", hits, {"d": chunks}) == hits


def test_statements_come_from_the_best_ranked_document_that_has_them() -> None:
    def table(doc: str, position: int, page: int) -> StoredChunk:
        return StoredChunk(doc, position, "Balance sheet", page, page, "table", "| a | b |", 300)

    catalog = {"release": [_chunk(0)], "annual": [_chunk(0), table("annual", 1, 52)]}
    pages = {"release": {}, "annual": {"balance": 52}}
    # The release ranks first but has no statement the reader recognised: the 10-K's are used.
    assert statement_seed("Has the quick ratio improved?", ["release", "annual", "release"],
                          catalog, pages) == {"annual": [1]}
    assert statement_seed("Has the quick ratio improved?", ["release"], catalog, pages) == {}
    assert statement_seed("Who is the CEO?", ["annual"], catalog, pages) == {}
