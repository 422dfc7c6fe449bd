"""The Qdrant index: one collection of chunks and one of document records.

Chunks live in ``<collection>`` with two named vectors, ``dense`` (all-MiniLM-L6-v2, 384,
cosine) and ``sparse`` (BM25 weights, ``Modifier.IDF``). Document records (metadata, outline,
content hash, pipeline fingerprint, version, source path) live in ``<collection>_documents``
with no vectors.

Every chunk carries its document's version (``doc_version``: id, content hash and pipeline
fingerprint, see :mod:`indexes.records`) and its point id derives from the chunk and that
version, so two versions of a document never share a point. Queries read only the chunks of
the version each record names. Writes are ordered so that a process killed at any moment
leaves each document whole, in its old version or its new one:

1. the new version's chunks are written (invisible: no record names their version yet);
2. the record is switched to the new version: one point, one atomic write;
3. the other versions' chunks are deleted (invisible since step 2).

Removal deletes the record first, then the chunks. Whatever a kill leaves behind (chunks of a
version no record names) is invisible and :func:`delete_leftovers` removes it on the next run.
"""

from __future__ import annotations

import atexit
import logging
import threading
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from qdrant_client import QdrantClient, models

from docthrift.errors import IndexingError
from docthrift.models import ID_NAMESPACE, Chunk, Document
from docthrift.settings import Settings
from indexes.embeddings import DIMENSIONS
from indexes.records import record_version

log = logging.getLogger(__name__)

DENSE = "dense"
SPARSE = "sparse"
UPSERT_BATCH = 256
VERSION = "doc_version"
KEYWORD_FIELDS = ("doc_id", "doc_sha256", VERSION, "kind", "company_key", "doc_type",
                  "fiscal_period")
INTEGER_FIELDS = ("fiscal_year", "page_start", "page_end")


def documents_collection(collection: str) -> str:
    """Name of the collection that holds document records."""
    return f"{collection}_documents"


def _record_id(doc_id: str) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, f"document:{doc_id}"))


_CLIENTS: dict[tuple[str | None, str | None], QdrantClient] = {}
_CLIENTS_LOCK = threading.Lock()


class _Serialized:
    """A local-mode client whose calls run one at a time.

    Local mode is plain Python over numpy arrays with no locking of its own; the API's
    threads and an ingestion run share one client, so each call (short: one upsert batch,
    one query) holds a lock. A Qdrant server needs none of this.
    """

    def __init__(self, client: QdrantClient) -> None:
        self._client = client
        self._lock = threading.RLock()

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._client, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                return attr(*args, **kwargs)

        return call


def _open(url: str | None, api_key: str | None, path: str | None) -> QdrantClient:
    if url:
        return QdrantClient(url=url, api_key=api_key, timeout=60)
    try:
        return _Serialized(QdrantClient(path=path))  # type: ignore[return-value]
    except RuntimeError as exc:  # local storage is held by another process
        raise IndexingError(
            f"the local index at {path} is in use by another docthrift process "
            "(for example 'docthrift serve'); stop it, or point every process at one Qdrant "
            "server with QDRANT_URL"
        ) from exc


def get_client(settings: Settings) -> QdrantClient:
    """The process-wide Qdrant client for these settings (local mode allows one per folder)."""
    if settings.qdrant_url:
        key = settings.qdrant_api_key.get_secret_value() if settings.qdrant_api_key else None
        where: tuple[str | None, str | None] = (settings.qdrant_url, None)
        args: tuple[str | None, str | None, str | None] = (settings.qdrant_url, key, None)
    else:
        path = settings.local_qdrant_path
        path.mkdir(parents=True, exist_ok=True)
        where = (None, str(path.resolve()))
        args = (None, None, where[1])
    with _CLIENTS_LOCK:
        if where not in _CLIENTS:
            _CLIENTS[where] = _open(*args)
        return _CLIENTS[where]


def close_clients() -> None:
    """Close every client this process opened (releases local storage folders)."""
    with _CLIENTS_LOCK:
        for client in _CLIENTS.values():
            client.close()
        _CLIENTS.clear()


# Close before the interpreter tears modules down (a flow run in a subprocess ends that way).
atexit.register(close_clients)


def ensure_collections(client: QdrantClient, collection: str) -> None:
    """Create the chunk and document collections and payload indexes when missing."""
    try:
        if not client.collection_exists(collection):
            client.create_collection(
                collection,
                vectors_config={
                    DENSE: models.VectorParams(size=DIMENSIONS, distance=models.Distance.COSINE)
                },
                sparse_vectors_config={
                    SPARSE: models.SparseVectorParams(modifier=models.Modifier.IDF)
                },
            )
            _create_payload_indexes(client, collection)
        if not client.collection_exists(documents_collection(collection)):
            client.create_collection(documents_collection(collection), vectors_config={})
    except Exception as exc:  # network or storage failure
        raise IndexingError(f"cannot prepare Qdrant collection {collection!r}: {exc}") from exc


def _create_payload_indexes(client: QdrantClient, collection: str) -> None:
    """Payload indexes speed up filters on a Qdrant server; local mode ignores them."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for field in KEYWORD_FIELDS:
            client.create_payload_index(collection, field, models.PayloadSchemaType.KEYWORD)
        for field in INTEGER_FIELDS:
            client.create_payload_index(collection, field, models.PayloadSchemaType.INTEGER)


def point_id(chunk_id: str, version: str) -> str:
    """The point id of a chunk in one version of its document (uuid5, deterministic)."""
    return str(uuid.uuid5(ID_NAMESPACE, f"{chunk_id}:{version}"))


def version_filter(versions: Sequence[str]) -> models.Filter:
    """Chunks that belong to one of these versions (see :func:`indexes.records.record_version`).

    A record written before versions existed names its sha256, and its chunks have no
    ``doc_version``: the second clause keeps such an index readable until it is re-ingested.
    """
    values = sorted(set(versions))
    return models.Filter(should=[
        models.FieldCondition(key=VERSION, match=models.MatchAny(any=values)),
        models.Filter(must=[
            models.FieldCondition(key="doc_sha256", match=models.MatchAny(any=values)),
            models.IsEmptyCondition(is_empty=models.PayloadField(key=VERSION)),
        ]),
    ])


def _doc_filter(doc_id: str, *, other_than: str | None = None) -> models.Filter:
    """A document's chunks; with ``other_than``, those of every version but that one."""
    must_not: list[models.Condition] = []
    if other_than:
        must_not.append(
            models.FieldCondition(key=VERSION, match=models.MatchValue(value=other_than)))
    return models.Filter(
        must=[models.FieldCondition(key="doc_id", match=models.MatchValue(value=doc_id))],
        must_not=must_not or None,
    )


def chunk_payload(chunk: Chunk, document: Document, version: str) -> dict[str, Any]:
    """Everything a chunk carries: its own fields, its version and the document's metadata."""
    from extractors.metadata import normalize_company

    meta = document.metadata
    return {
        "doc_id": chunk.doc_id,
        "doc_sha256": document.sha256,
        VERSION: version,
        "content_hash": chunk.content_hash,
        "position": chunk.position,
        "section": chunk.section,
        "page_start": chunk.page_start,
        "page_end": chunk.page_end,
        "kind": chunk.kind,
        "tokens": chunk.tokens,
        "text": chunk.text,
        **meta.payload(),
        "company_key": normalize_company(meta.company) if meta.company else None,
    }


def write_document(
    client: QdrantClient,
    collection: str,
    document: Document,
    chunks: Sequence[Chunk],
    dense: np.ndarray,
    sparse: Sequence[models.SparseVector],
    record: dict[str, Any],
    progress: Callable[[int], None] | None = None,
) -> None:
    """Index a document's chunks and switch its record to this version (see the module doc).

    Idempotent: the point ids derive from the chunks and the version, so writing the same
    version again (a retry, a rerun after a crash) rewrites the same points.

    Args:
        client: The Qdrant client.
        collection: The chunk collection.
        document: The document the chunks come from.
        chunks: Its chunks.
        dense: One dense vector a chunk.
        sparse: One sparse vector a chunk.
        record: The new record (from :func:`indexes.records.document_record`).
        progress: Called with the number of chunks of each batch written.

    Raises:
        IndexingError: A write failed. The record still names the previous version (or none,
            for a new document), so queries are unaffected; the next run removes the chunks
            that were written.
    """
    version = record_version(record)
    try:
        for start in range(0, len(chunks), UPSERT_BATCH):
            batch = range(start, min(start + UPSERT_BATCH, len(chunks)))
            client.upsert(
                collection,
                points=[
                    models.PointStruct(
                        id=point_id(chunks[i].id, version),
                        vector={DENSE: dense[i].tolist(), SPARSE: sparse[i]},
                        payload=chunk_payload(chunks[i], document, version),
                    )
                    for i in batch
                ],
                wait=True,
            )
            if progress:
                progress(len(batch))
        client.upsert(
            documents_collection(collection),
            points=[models.PointStruct(id=_record_id(document.doc_id), vector={}, payload=record)],
            wait=True,
        )
    except Exception as exc:
        raise IndexingError(
            f"{document.source}: writing to the index failed ({exc}); the previous version "
            "stays searchable, and the next run removes what was written"
        ) from exc
    # Only now that the record names the new version, drop the other versions' chunks.
    _delete(client, collection, _doc_filter(document.doc_id, other_than=version))


def _delete(client: QdrantClient, collection: str, selector: models.Filter) -> None:
    try:
        client.delete(collection, points_selector=models.FilterSelector(filter=selector), wait=True)
    except Exception:  # best effort: what is left is invisible and the next run deletes it
        log.exception("cleanup of %s failed", collection)


def delete_document(client: QdrantClient, collection: str, doc_id: str) -> None:
    """Remove a document: its record first (queries stop seeing it at once), then its chunks.

    Raises:
        IndexingError: The record could not be deleted; the document is still indexed.
    """
    try:
        client.delete(
            documents_collection(collection),
            points_selector=models.PointIdsList(points=[_record_id(doc_id)]),
            wait=True,
        )
    except Exception as exc:
        raise IndexingError(f"{doc_id}: removing it from the index failed ({exc}); "
                            "it stays indexed and the next run tries again") from exc
    _delete(client, collection, _doc_filter(doc_id))


def delete_leftovers(client: QdrantClient, collection: str) -> int:
    """Delete the chunks that no record's current version names; return how many there were.

    Such chunks are what an interrupted run leaves: a new version written but never switched
    to, an old version not yet deleted, a removed document's chunks. Queries never see them.
    Runs against one index must not overlap (local mode enforces it), or this would delete
    another run's version before it switches to it.
    """
    versions = [record_version(r) for r in list_documents(client, collection)]
    stale = models.Filter(must_not=[version_filter(versions)]) if versions else models.Filter()
    found = client.count(collection, count_filter=stale, exact=True).count
    if found:
        client.delete(collection, points_selector=models.FilterSelector(filter=stale), wait=True)
    return found


def set_source_path(client: QdrantClient, collection: str, doc_id: str, path: str) -> None:
    """Record where a document's file now is (it moved, its bytes did not change)."""
    client.set_payload(documents_collection(collection), payload={"source_path": path},
                       points=[_record_id(doc_id)], wait=True)


def list_documents(client: QdrantClient, collection: str) -> list[dict[str, Any]]:
    """Every document record, sorted by doc_id."""
    name = documents_collection(collection)
    if not client.collection_exists(name):
        return []
    records: list[dict[str, Any]] = []
    offset = None
    while True:
        points, offset = client.scroll(name, limit=256, offset=offset, with_payload=True)
        records.extend(point.payload or {} for point in points)
        if offset is None:
            break
    return sorted(records, key=lambda record: record.get("doc_id", ""))


def get_document(client: QdrantClient, collection: str, doc_id: str) -> dict[str, Any] | None:
    """One document record, or None when it is not indexed."""
    name = documents_collection(collection)
    if not client.collection_exists(name):
        return None
    points = client.retrieve(name, ids=[_record_id(doc_id)], with_payload=True)
    return (points[0].payload or None) if points else None


def count_chunks(client: QdrantClient, collection: str, doc_id: str | None = None) -> int:
    """Number of chunk points, for one document or all."""
    selector = _doc_filter(doc_id) if doc_id else None
    return client.count(collection, count_filter=selector, exact=True).count
