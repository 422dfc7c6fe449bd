"""BM25-style sparse vectors."""

from __future__ import annotations

from indexes.expansion import expand_query
from indexes.sparse import document_vector, query_vector, term_id, terms


def test_terms_normalise_numbers_and_plurals() -> None:
    assert terms("Net sales were $34,229 million; 3M's assets") == [
        "net", "sale", "34229", "million", "3m", "asset"]


def test_document_weights_saturate_and_query_is_flat() -> None:
    once = document_vector("revenue growth")
    many = document_vector("revenue " * 20 + "growth")
    rid = term_id("revenue")
    w_once = once.values[once.indices.index(rid)]
    w_many = many.values[many.indices.index(rid)]
    assert w_once < w_many < 2.2 * w_once  # more is more, but saturating
    q = query_vector("revenue revenue growth")
    assert sorted(q.indices) == q.indices and q.values == [1.0, 1.0]


def test_query_expansion_reads_m_and_a_and_organic_growth() -> None:
    # "M&A" splits into single letters for BM25: the expansion gives it the filing's words.
    assert "acquisition" in expand_query("How much did M&A add to revenue?")
    # Growth excluding acquisitions and divestitures is what filings call organic.
    question = "If we exclude the impact of M&A, which segment grew the least?"
    assert "organic" in terms(expand_query(question))
    assert "organic" not in terms(question)
    # Excluding currency alone is constant currency, not organic growth.
    assert "organic" not in expand_query("What was growth excluding the impact of FX?")
