"""BM25-style sparse vectors."""

from __future__ import annotations

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
