"""What only the embedded index (Qdrant Edge) does: one process per folder, queries in parallel
with writes, the move from the earlier local-mode layout, and building HNSW on demand."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from docthrift.cli import app
from docthrift.settings import load_settings
from indexes import store
from indexes.backend import Index
from indexes.schema import DENSE, SPARSE, documents_collection, passage_id, passages_collection
from indexes.sparse import query_vector
from tests.index_helpers import Prepared, prepare

TENK, EARNINGS = "northwind_2024_10K", "contoso_2024Q4_earnings"
runner = CliRunner()


@pytest.fixture(scope="module")
def docs(samples_dir: Path, embedder, tmp_path_factory) -> dict[str, Prepared]:  # type: ignore[no-untyped-def]
    import pymupdf

    changed = tmp_path_factory.mktemp("changed") / f"{TENK}.pdf"
    with pymupdf.open(samples_dir / f"{TENK}.pdf") as pdf:
        pdf.new_page().insert_text((72, 72), "Subsequent event: Northwind opened a plant in Ohio.")
        changed.write_bytes(pdf.tobytes())
    return {"tenk": prepare(samples_dir / f"{TENK}.pdf", embedder, TENK),
            "tenk2": prepare(changed, embedder, TENK),
            "earnings": prepare(samples_dir / f"{EARNINGS}.pdf", embedder, EARNINGS)}


def _docthrift(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "docthrift.cli", *args], capture_output=True,
                          text=True, timeout=300, env={**os.environ, "DOCTHRIFT_HOME": str(home)})


def test_a_second_process_gets_one_line(home: Path) -> None:
    store.get_index(load_settings(home=home))  # this process holds the folder
    done = _docthrift(home, "docs")
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0, done.stderr
    assert "is in use by another docthrift process" in done.stderr
    assert "QDRANT_URL" in done.stderr and "Traceback" not in done.stderr


def test_queries_in_parallel_with_rewrites_never_see_half_a_document(tmp_path: Path, docs,  # type: ignore[no-untyped-def]
                                                                      embedder) -> None:
    from indexes.edge_store import EdgeIndex, EdgeShards

    index = EdgeIndex(EdgeShards(tmp_path / "edge"), "parallel")
    versions = [docs["tenk"], docs["tenk2"]]
    index.write_document(*_args(versions[0]))
    index.write_document(*_args(docs["earnings"]))
    stop, seen, problems = threading.Event(), [], []
    question = embedder.embed_query("Northwind revenue"), query_vector("Northwind revenue")

    def reader() -> None:
        while not stop.is_set():
            with index.reading():
                record = index.get_document(TENK)
                assert record is not None
                chunks = index.document_chunks(TENK, record.current_version)
                hits = index.search(*question, [record.current_version], prefetch=60, limit=20)
            if len(chunks) != record.chunks or {h.doc_id for h in hits} != {TENK} \
                    or any(h.position >= record.chunks for h in hits):
                problems.append((record.current_version, len(chunks), record.chunks))
            seen.append(record.current_version)

    readers = [threading.Thread(target=reader) for _ in range(4)]
    for thread in readers:
        thread.start()
    try:
        for turn in range(6):  # switch the 10-K back and forth while they read
            index.write_document(*_args(versions[(turn + 1) % 2]))
    finally:
        stop.set()
        for thread in readers:
            thread.join(60)
    assert not problems
    assert {v.record.current_version for v in versions} <= set(seen)
    assert index.count_chunks(TENK) == len(versions[0].chunks)  # the last write's, only
    index.close()


def _args(item: Prepared) -> tuple:  # type: ignore[type-arg]
    return item.document, item.chunks, item.dense, item.sparse, item.record


def _write_local_mode(folder: Path, docs: dict[str, Prepared]) -> None:
    """An index as the earlier docthrift wrote it: qdrant-client local mode, three collections,
    one document from before versions existed."""
    from qdrant_client import QdrantClient, models

    from indexes.schema import chunk_payload, point_id, record_id

    client = QdrantClient(path=str(folder))
    client.create_collection("docthrift", vectors_config={
        DENSE: models.VectorParams(size=384, distance=models.Distance.COSINE)},
        sparse_vectors_config={SPARSE: models.SparseVectorParams(modifier=models.Modifier.IDF)})
    client.create_collection(documents_collection("docthrift"), vectors_config={})
    client.create_collection(passages_collection("docthrift"), vectors_config=models.VectorParams(
        size=384, distance=models.Distance.COSINE))
    for key, versioned in (("tenk", True), ("earnings", False)):
        item = docs[key]
        record = item.record.model_dump()
        version = item.record.current_version if versioned else item.document.sha256
        if not versioned:
            for field in ("version", "fingerprint", "source_path"):
                record.pop(field)
        points = []
        for i, chunk in enumerate(item.chunks):
            payload = chunk_payload(chunk, item.document, version)
            if not versioned:
                payload.pop("doc_version")
            points.append(models.PointStruct(
                id=point_id(chunk.id, version), payload=payload,
                vector={DENSE: item.dense[i].tolist(), SPARSE: models.SparseVector(
                    indices=item.sparse[i].indices, values=item.sparse[i].values)}))
        client.upsert("docthrift", points=points)
        client.upsert(documents_collection("docthrift"), points=[models.PointStruct(
            id=record_id(item.document.doc_id), vector={}, payload=record)])
    client.upsert(passages_collection("docthrift"), points=[models.PointStruct(
        id=passage_id(EARNINGS, docs["earnings"].document.sha256, 0), vector=[0.1] * 384,
        payload={"doc_id": EARNINGS, "sha256": docs["earnings"].document.sha256,
                 "text": "Revenue grew.", "pages": [1], "position": 0})])
    client.close()


def test_an_old_index_says_what_to_run_and_migrates_whole(home: Path, docs) -> None:  # type: ignore[no-untyped-def]
    folder = home / "qdrant"
    folder.mkdir(parents=True)
    _write_local_mode(folder, docs)
    refused = _docthrift(home, "docs")
    assert refused.returncode == 1 and refused.stderr.strip().count("\n") == 0, refused.stderr
    assert "earlier docthrift" in refused.stderr and "docthrift index migrate" in refused.stderr

    migrated = runner.invoke(app, ["index", "migrate", "--json"])
    assert migrated.exit_code == 0, migrated.output
    moved = json.loads(migrated.stdout)
    tenk, earnings = docs["tenk"], docs["earnings"]
    assert moved["moved"] == {"docthrift": {
        "chunks": len(tenk.chunks) + len(earnings.chunks), "documents": 2, "passages": 1}}
    assert (folder / "local-mode-backup" / "meta.json").is_file()
    assert not (folder / "collection").exists() and not (folder / "edge.migrating").exists()

    index: Index = store.get_index(load_settings(home=home))
    records = {r.doc_id: r for r in index.list_documents()}
    assert records[TENK] == tenk.record
    assert records[EARNINGS].version is None  # from before versions: it names its sha256
    for item in (tenk, earnings):
        record = records[item.document.doc_id]
        chunks = index.document_chunks(record.doc_id, record.current_version)
        assert sorted(c.position for c in chunks) == [c.position for c in item.chunks]
    assert index.count_passages(EARNINGS, earnings.document.sha256) == 1
    answered = runner.invoke(app, ["ask", "What revenue did Contoso report?", "--doc", EARNINGS,
                                   "--retrieve-only", "--json"])
    assert answered.exit_code == 0, answered.output
    assert json.loads(answered.stdout)["citations"]
    again = runner.invoke(app, ["index", "migrate"])
    assert again.exit_code == 1 and "nothing to migrate" in str(again.exception)


def test_optimize_builds_hnsw_and_search_still_finds_the_same(tmp_path: Path, docs,  # type: ignore[no-untyped-def]
                                                              embedder) -> None:
    from indexes.edge_store import EdgeIndex, EdgeShards

    index = EdgeIndex(EdgeShards(tmp_path / "edge"), "hnsw")
    for key in ("tenk", "earnings"):
        index.write_document(*_args(docs[key]))
    versions = [docs[k].record.current_version for k in ("tenk", "earnings")]
    query = embedder.embed_query("net revenue"), query_vector("net revenue")
    before = index.search(*query, versions, prefetch=50, limit=10)
    said = index.optimize()
    points = len(docs["tenk"].chunks) + len(docs["earnings"].chunks) + 2  # and the two records
    assert f"{points} points" in said, said
    after = index.search(*query, versions, prefetch=50, limit=10, exact=True)
    assert [(h.doc_id, h.position) for h in after][:3] == [(h.doc_id, h.position) for h in before][:3]
    index.write_document(*_args(docs["tenk2"]))  # writes go on after an optimisation
    assert index.count_chunks(TENK) == len(docs["tenk2"].chunks)
    index.close()
