"""One contract, two backends: every index operation behaves the same on both.

``edge`` is the embedded index (Qdrant Edge shards in ``tmp_path``). ``server`` is the Qdrant
server backend on qdrant-client's in-memory local mode, which runs the same client code as a
server (no server binary can run here). Documents are the generated sample reports, extracted,
chunked and embedded for real.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.errors import IndexingError
from indexes.backend import Hit, Index, Passage
from indexes.schema import DOCUMENT_FIELDS, point_id
from indexes.sparse import query_vector
from indexes.transfer import copy_index
from tests.index_helpers import Prepared
from tests.indexes.conftest import EARNINGS, TENK


def _server_index(name: str) -> Index:
    from qdrant_client import QdrantClient

    from indexes.server_store import ServerIndex

    return ServerIndex(QdrantClient(":memory:"), name, ":memory:")


@pytest.fixture(params=["edge", "server"])
def index(request, tmp_path: Path) -> Iterator[Index]:  # type: ignore[no-untyped-def]
    if request.param == "server":
        made = _server_index("contract")
    else:
        from indexes.edge_store import EdgeIndex, EdgeShards

        made = EdgeIndex(EdgeShards(tmp_path / "edge"), "contract")
    yield made
    made.close()


def _write(index: Index, item: Prepared) -> None:
    index.write_document(item.document, item.chunks, item.dense, item.sparse, item.record)


def _query(index: Index, item: Prepared, embedder, text: str, **kwargs):  # type: ignore[no-untyped-def]
    return index.search(embedder.embed_query(text), query_vector(text),
                        [item.record.current_version], prefetch=120, limit=20, **kwargs)


def _scored(hits: list[Hit]) -> set[tuple[str, int, float]]:
    """Hits with their scores, but those tied with the last (which of them made the cut is
    the engine's choice)."""
    last = round(hits[-1].score, 4) if hits else 0.0
    return {(h.doc_id, h.position, round(h.score, 4)) for h in hits if round(h.score, 4) > last}


def _stored_ids(index: Index) -> set[str]:
    return {p.id for batch in index.export_points("chunks") for p in batch}


def test_write_then_read_records_chunks_and_counts(index: Index, docs) -> None:  # type: ignore[no-untyped-def]
    tenk, earnings = docs["tenk"], docs["earnings"]
    written: list[int] = []
    index.write_document(tenk.document, tenk.chunks, tenk.dense, tenk.sparse, tenk.record,
                         progress=written.append)
    _write(index, earnings)
    assert sum(written) == len(tenk.chunks)
    assert [r.doc_id for r in index.list_documents()] == [EARNINGS, TENK]
    assert index.get_document(TENK) == tenk.record
    assert index.get_document("nothing") is None
    assert index.get_document(TENK).model_dump() == tenk.record.model_dump()  # type: ignore[union-attr]
    assert index.count_chunks(TENK) == len(tenk.chunks)
    assert index.count_chunks() == len(tenk.chunks) + len(earnings.chunks)
    stored = sorted(index.document_chunks(TENK, tenk.record.current_version),
                    key=lambda c: c.position)
    assert [c.position for c in stored] == [c.position for c in tenk.chunks]
    assert [c.text for c in stored] == [c.text for c in tenk.chunks]
    assert _stored_ids(index) == {point_id(c.id, item.record.current_version)
                                  for item in (tenk, earnings) for c in item.chunks}


def test_search_fuses_both_sides_within_the_given_versions(index: Index, docs, embedder) -> None:  # type: ignore[no-untyped-def]
    tenk, earnings = docs["tenk"], docs["earnings"]
    _write(index, tenk)
    _write(index, earnings)
    for fusion in ("rrf", "dbsf"):
        hits = _query(index, tenk, embedder, "Northwind net revenue", fusion=fusion)
        assert hits and {h.doc_id for h in hits} == {TENK}
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
        assert len({h.position for h in hits}) == len(hits)
    # RRF with k = 2 scores rank r (from 0) of a list 1 / (2 + r): the best hit holds at least
    # the top of one list (1/2), and nothing beats the top of both (1). The adaptive budget's
    # strength threshold (indexes/selection.py) is stated in these terms.
    fused = _query(index, tenk, embedder, "Northwind net revenue")
    assert 0.5 <= fused[0].score <= 1.0
    # No HNSW graph is built: the default search is the exact one (ties may come in any order).
    exact = _query(index, tenk, embedder, "Northwind net revenue", exact=True)
    assert _scored(exact) == _scored(_query(index, tenk, embedder, "Northwind net revenue"))
    both = index.search(embedder.embed_query("revenue"), query_vector("revenue"),
                        [tenk.record.current_version, earnings.record.current_version],
                        prefetch=120, limit=200)
    assert {h.doc_id for h in both} == {TENK, EARNINGS}
    assert index.search(embedder.embed_query("revenue"), query_vector("revenue"), ["nope"],
                        prefetch=10, limit=10) == []


def test_new_version_replaces_the_old_whole(index: Index, docs, embedder) -> None:  # type: ignore[no-untyped-def]
    old, new = docs["tenk"], docs["tenk2"]
    assert old.record.current_version != new.record.current_version
    _write(index, old)
    _write(index, old)  # the same version again rewrites the same points
    assert index.count_chunks(TENK) == len(old.chunks)
    _write(index, new)
    assert index.get_document(TENK) == new.record
    assert index.count_chunks(TENK) == len(new.chunks)
    assert index.document_chunks(TENK, old.record.current_version) == []
    assert any("plant in Ohio" in c.text
               for c in index.document_chunks(TENK, new.record.current_version))
    assert _query(index, old, embedder, "revenue") == []


def test_delete_document_and_leftovers(index: Index, docs) -> None:  # type: ignore[no-untyped-def]
    tenk, earnings = docs["tenk"], docs["earnings"]
    _write(index, tenk)
    _write(index, earnings)
    # What an interrupted run leaves: chunks of a version no record names.
    stale = [p for batch in index.export_points("chunks") for p in batch
             if p.payload["doc_id"] == EARNINGS]
    index.import_points("chunks", [
        type(p)(point_id(p.id, "old"), {**p.payload, "doc_version": "old"}, p.dense, p.sparse)
        for p in stale])
    assert index.count_chunks(EARNINGS) == 2 * len(earnings.chunks)
    assert index.delete_leftovers() == len(earnings.chunks)
    assert index.delete_leftovers() == 0
    assert index.count_chunks(EARNINGS) == len(earnings.chunks)
    index.delete_document(EARNINGS)
    assert index.get_document(EARNINGS) is None
    assert index.count_chunks(EARNINGS) == 0
    assert [r.doc_id for r in index.list_documents()] == [TENK]
    index.delete_document(TENK)
    assert index.list_documents() == [] and index.count_chunks() == 0


def test_set_source_path_is_seen_at_once(index: Index, docs) -> None:  # type: ignore[no-untyped-def]
    _write(index, docs["earnings"])
    assert index.list_documents()[0].source_path != "/moved/here.pdf"
    index.set_source_path(EARNINGS, "/moved/here.pdf")
    assert index.list_documents()[0].source_path == "/moved/here.pdf"
    assert index.get_document(EARNINGS).version == docs["earnings"].record.version  # type: ignore[union-attr]


def test_passages_are_kept_per_document_bytes(index: Index, embedder) -> None:  # type: ignore[no-untyped-def]
    texts = ["Net revenue was 4.2 billion dollars.", "The board met twice.", "Cash rose."]
    passages = [Passage(i, t, [i + 1]) for i, t in enumerate(texts)]
    vectors = embedder.embed(texts)
    assert index.count_passages("d", "sha-1") == 0
    index.write_passages("d", "sha-1", passages, vectors)
    assert index.count_passages("d", "sha-1") == 3
    found = index.search_passages(embedder.embed_query("How much revenue?"), "d", "sha-1", 2)
    assert found[0] == passages[0] and len(found) == 2
    assert index.search_passages(embedder.embed_query("revenue"), "other", "sha-1", 5) == []
    index.write_passages("d", "sha-2", passages[:1], vectors[:1])  # the document changed
    assert index.count_passages("d", "sha-1") == 0 and index.count_passages("d", "sha-2") == 1


def test_a_query_keeps_reading_its_version_while_a_switch_waits(index: Index, docs) -> None:  # type: ignore[no-untyped-def]
    old, new = docs["tenk"], docs["tenk2"]
    _write(index, old)
    switched, done = threading.Event(), threading.Event()
    with index.reading():
        version = index.get_document(TENK).current_version  # type: ignore[union-attr]
        # The writer reports each batch; the record switch follows the last one, then the
        # writer waits for this query before deleting the old version.
        writer = threading.Thread(target=lambda: (index.write_document(
            new.document, new.chunks, new.dense, new.sparse, new.record,
            progress=lambda n: switched.set()), done.set()))
        writer.start()
        assert switched.wait(60)
        assert not done.wait(0.5)  # still waiting for this query
        # The record names the new version; the old one is still whole for this query.
        assert index.get_document(TENK).current_version != version  # type: ignore[union-attr]
        assert len(index.document_chunks(TENK, version)) == len(old.chunks)
    writer.join(30)
    assert done.is_set()
    assert index.document_chunks(TENK, version) == []


def test_copy_to_a_server_moves_every_point_with_its_vectors(index: Index, docs, embedder) -> None:  # type: ignore[no-untyped-def]
    tenk, earnings = docs["tenk"], docs["earnings"]
    _write(index, tenk)
    _write(index, earnings)
    index.write_passages(EARNINGS, earnings.record.sha256,
                         [Passage(0, "Revenue grew.", [1])], embedder.embed(["Revenue grew."]))
    target = _server_index("copied")
    try:
        copied = copy_index(index, target)
        assert copied["chunks"] == len(tenk.chunks) + len(earnings.chunks)
        assert copied["documents"] == 2 and copied["passages"] == 1
        assert target.list_documents() == index.list_documents()
        assert _stored_ids(target) == _stored_ids(index)
        # The server gets the full payload: the chunk's fields and its document's.
        payloads = [p.payload for batch in target.export_points("chunks") for p in batch]
        assert all(DOCUMENT_FIELDS <= set(p) for p in payloads)
        assert {p["company"] for p in payloads if p["doc_id"] == TENK} == \
            {tenk.document.metadata.company}
        question = "What was Northwind's net revenue?"
        assert _scored(_query(target, tenk, embedder, question)) == \
            _scored(_query(index, tenk, embedder, question))
        assert target.count_passages(EARNINGS, earnings.record.sha256) == 1
        assert copy_index(index, target)["chunks"] == copied["chunks"]  # again: same points
        assert target.count_chunks() == copied["chunks"]
    finally:
        target.close()


def test_a_failed_write_leaves_the_previous_version(index: Index, docs) -> None:  # type: ignore[no-untyped-def]
    old, new = docs["tenk"], docs["tenk2"]
    _write(index, old)

    def disk_full(count: int) -> None:  # the first batch is written, then the writes fail
        raise OSError("No space left on device")

    with pytest.raises(IndexingError, match=f"{new.document.source}: writing to the index "
                       "failed .No space left on device"):
        index.write_document(new.document, new.chunks, new.dense, new.sparse, new.record,
                             progress=disk_full)
    assert index.get_document(TENK) == old.record
    assert len(index.document_chunks(TENK, old.record.current_version)) == len(old.chunks)
    assert index.delete_leftovers() > 0  # what the failed write left, invisible until now
    assert index.count_chunks(TENK) == len(old.chunks)
