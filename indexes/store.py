"""The Qdrant index: one collection of chunks and one of document records.

Chunks live in ``<collection>`` with two named vectors, ``dense`` (all-MiniLM-L6-v2, 384,
cosine) and ``sparse`` (BM25 weights, ``Modifier.IDF``). Document records (metadata, outline,
content hash, pipeline fingerprint) live in ``<collection>_documents`` with no vectors.

Writes are ordered so that a failure never leaves a document half-indexed: the new version's
chunks are written first (their ids derive from the new content hash, so they never overwrite
the old version's), then the document record is switched to the new version, then the old
version's chunks are deleted. A failure before the switch removes what was written.
"""

from __future__ import annotations

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

log = logging.getLogger(__name__)

DENSE = "dense"
SPARSE = "sparse"
UPSERT_BATCH = 256
KEYWORD_FIELDS = ("doc_id", "doc_sha256", "kind", "company_key", "doc_type", "fiscal_period")
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


def ensure_collections(client: QdrantClient, collection: str) -> None:
    """Create the chunk and document collections and payload indexes when missing."""
    try:
        if not client.collection_exists(collection):
            client.create_collection(
                collection,
                vectors_config={
                    DENSE: models.VectorParams(size=DIMENSIONS, distance=models.Distance.COSINE)
                },
                sparse_vectors_config={SPARSE: models.SparseVectorParams(modifier=models.Modifier.IDF)},
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


def _doc_filter(doc_id: str, *, sha256: str | None = None, other_than: str | None = None) -> models.Filter:
    must: list[models.Condition] = [
        models.FieldCondition(key="doc_id", match=models.MatchValue(value=doc_id))
    ]
    must_not: list[models.Condition] = []
    if sha256:
        must.append(models.FieldCondition(key="doc_sha256", match=models.MatchValue(value=sha256)))
    if other_than:
        must_not.append(
            models.FieldCondition(key="doc_sha256", match=models.MatchValue(value=other_than))
        )
    return models.Filter(must=must, must_not=must_not or None)


def chunk_payload(chunk: Chunk, document: Document) -> dict[str, Any]:
    """Everything a chunk carries: its own fields and the document's metadata."""
    from extractors.metadata import normalize_company

    meta = document.metadata
    return {
        "doc_id": chunk.doc_id,
        "doc_sha256": document.sha256,
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
    """Index a document's chunks and switch its record to this version, all or nothing."""
    name = document.source
    try:
        for start in range(0, len(chunks), UPSERT_BATCH):
            batch = range(start, min(start + UPSERT_BATCH, len(chunks)))
            client.upsert(
                collection,
                points=[
                    models.PointStruct(
                        id=chunks[i].id,
                        vector={DENSE: dense[i].tolist(), SPARSE: sparse[i]},
                        payload=chunk_payload(chunks[i], document),
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
        _delete(client, collection, _doc_filter(document.doc_id, sha256=document.sha256))
        raise IndexingError(f"{name}: writing to the index failed ({exc}); nothing was kept") from exc
    # Only now that the record points at the new version, drop the old version's chunks.
    _delete(client, collection, _doc_filter(document.doc_id, other_than=document.sha256))


def _delete(client: QdrantClient, collection: str, selector: models.Filter) -> None:
    try:
        client.delete(collection, points_selector=models.FilterSelector(filter=selector), wait=True)
    except Exception:  # best effort cleanup; the next run converges
        log.exception("cleanup of %s failed", collection)


def delete_document(client: QdrantClient, collection: str, doc_id: str) -> None:
    """Remove a document's record and all its chunks."""
    client.delete(
        documents_collection(collection),
        points_selector=models.PointIdsList(points=[_record_id(doc_id)]),
        wait=True,
    )
    _delete(client, collection, _doc_filter(doc_id))


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
