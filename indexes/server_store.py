"""A docthrift index on a Qdrant server (``QDRANT_URL``), through qdrant-client: the scale-out.

Collections: ``<collection>`` holds the chunks, ``<collection>_documents`` the records (no
vectors), ``<collection>-naive-rag`` the naive-rag passages. Every process may talk to the
server at once; the server orders and applies the writes (``wait=True``) and builds its own
HNSW index once a segment outgrows its ``indexing_threshold``.

The same class runs on qdrant-client's local mode (``QdrantClient(":memory:")``), which speaks
the client API of a server: the tests use it as a stand-in where no server can run.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from qdrant_client import QdrantClient, models

from docthrift.errors import IndexingError
from docthrift.models import DocumentRecord
from indexes.backend import Fusion, Hit, Index, Part, Passage, StoredChunk, StoredPoint
from indexes.embeddings import DIMENSIONS
from indexes.schema import (
    CATALOG_FIELDS,
    DENSE,
    INTEGER_FIELDS,
    KEYWORD_FIELDS,
    SPARSE,
    UPSERT_BATCH,
    VERSION,
    documents_collection,
    passage_id,
    passages_collection,
    record_id,
)
from indexes.sparse import SparseVector

_PAGE = 1024


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


def _match(key: str, value: str) -> models.FieldCondition:
    return models.FieldCondition(key=key, match=models.MatchValue(value=value))


def _doc_filter(doc_id: str, *, other_than: str | None = None) -> models.Filter:
    """A document's chunks; with ``other_than``, those of every version but that one."""
    return models.Filter(must=[_match("doc_id", doc_id)],
                         must_not=[_match(VERSION, other_than)] if other_than else None)


def _sparse(vector: SparseVector) -> models.SparseVector:
    return models.SparseVector(indices=vector.indices, values=vector.values)


class ServerIndex(Index):
    """A docthrift index in the collections of a Qdrant server (see the module doc)."""

    def __init__(self, client: QdrantClient, collection: str, location: str) -> None:
        super().__init__(collection, cache_records=False)
        self.client = client
        self._location = location
        self._records_name = documents_collection(collection)
        self._passages_name = passages_collection(collection)
        self._ensure()

    @property
    def location(self) -> str:
        return self._location

    def _ensure(self) -> None:
        """Create the chunk and record collections and the payload indexes when missing."""
        try:
            if not self.client.collection_exists(self.collection):
                self.client.create_collection(
                    self.collection,
                    vectors_config={DENSE: models.VectorParams(
                        size=DIMENSIONS, distance=models.Distance.COSINE)},
                    sparse_vectors_config={SPARSE: models.SparseVectorParams(
                        modifier=models.Modifier.IDF)})
                with warnings.catch_warnings():  # local mode warns that it ignores them
                    warnings.simplefilter("ignore", UserWarning)
                    for key in KEYWORD_FIELDS:
                        self.client.create_payload_index(self.collection, key,
                                                         models.PayloadSchemaType.KEYWORD)
                    for key in INTEGER_FIELDS:
                        self.client.create_payload_index(self.collection, key,
                                                         models.PayloadSchemaType.INTEGER)
            if not self.client.collection_exists(self._records_name):
                self.client.create_collection(self._records_name, vectors_config={})
        except Exception as exc:  # network or storage failure
            raise IndexingError(f"cannot prepare Qdrant collection {self.collection!r} at "
                                f"{self._location}: {exc}") from exc

    def _ensure_passages(self) -> None:
        if not self.client.collection_exists(self._passages_name):
            self.client.create_collection(self._passages_name, vectors_config=models.VectorParams(
                size=DIMENSIONS, distance=models.Distance.COSINE))

    def _scroll(self, name: str, where: models.Filter | None, payload: Any,
                vectors: bool = False, page: int = _PAGE) -> Iterator[list[models.Record]]:
        offset = None
        while True:
            points, offset = self.client.scroll(name, scroll_filter=where, limit=page,
                                                offset=offset, with_payload=payload,
                                                with_vectors=vectors)
            if points:
                yield points
            if offset is None:
                return

    # -- reads -----------------------------------------------------------------------------

    def count_chunks(self, doc_id: str | None = None) -> int:
        where = _doc_filter(doc_id) if doc_id else None
        return self.client.count(self.collection, count_filter=where, exact=True).count

    def search(self, dense: Sequence[float], sparse: SparseVector, versions: Sequence[str], *,
               prefetch: int, limit: int, fusion: Fusion = "rrf",
               exact: bool = False, scoped_idf: bool = False) -> list[Hit]:
        where = version_filter(versions)
        params = models.SearchParams(exact=True) if exact else None
        sparse_params = models.SearchParams(
            exact=exact, idf=models.IdfCorpusParams(corpus=where)) if scoped_idf else params
        result = self.client.query_points(
            self.collection,
            prefetch=[
                models.Prefetch(query=list(dense), using=DENSE, limit=prefetch, filter=where,
                                params=params),
                models.Prefetch(query=_sparse(sparse), using=SPARSE, limit=prefetch,
                                filter=where, params=sparse_params),
            ],
            query=models.FusionQuery(
                fusion=models.Fusion.RRF if fusion == "rrf" else models.Fusion.DBSF),
            limit=limit, with_payload=["doc_id", "position"])
        return [Hit(p.payload["doc_id"], p.payload["position"], p.score)
                for p in result.points if p.payload]

    def document_chunks(self, doc_id: str, version: str) -> list[StoredChunk]:
        where = models.Filter(must=[_match("doc_id", doc_id), version_filter([version])])
        return [StoredChunk(**{k: (p.payload or {})[k] for k in CATALOG_FIELDS})
                for page in self._scroll(self.collection, where, CATALOG_FIELDS) for p in page]

    def get_document(self, doc_id: str) -> DocumentRecord | None:
        if not self.client.collection_exists(self._records_name):
            return None
        found = self.client.retrieve(self._records_name, ids=[record_id(doc_id)], with_payload=True)
        return DocumentRecord.model_validate(found[0].payload) if found and found[0].payload else None

    def _scroll_records(self) -> list[dict[str, Any]]:
        if not self.client.collection_exists(self._records_name):
            return []
        return [p.payload or {} for page in self._scroll(self._records_name, None, True)
                for p in page]

    # -- writes ----------------------------------------------------------------------------

    def _upsert_chunks(self, points: Sequence[StoredPoint],
                       shared: dict[str, Any] | None = None) -> None:
        self.client.upsert(self.collection, wait=True, points=[
            models.PointStruct(id=p.id, payload={**p.payload, **(shared or {})}, vector={
                DENSE: p.dense or [], SPARSE: _sparse(p.sparse or SparseVector([], []))})
            for p in points])

    def _put_record(self, doc_id: str, payload: dict[str, Any]) -> None:
        self.client.upsert(self._records_name, wait=True, points=[
            models.PointStruct(id=record_id(doc_id), vector={}, payload=payload)])

    def _drop_record(self, doc_id: str) -> None:
        self.client.delete(self._records_name, wait=True,
                           points_selector=models.PointIdsList(points=[record_id(doc_id)]))

    def _patch_record(self, doc_id: str, fields: dict[str, Any]) -> None:
        self.client.set_payload(self._records_name, payload=fields, points=[record_id(doc_id)],
                                wait=True)

    def _drop_chunks(self, doc_id: str, keep: str | None) -> None:
        self.client.delete(self.collection, wait=True, points_selector=models.FilterSelector(
            filter=_doc_filter(doc_id, other_than=keep)))

    def _drop_leftovers(self, versions: Sequence[str]) -> int:
        stale = models.Filter(must_not=[version_filter(versions)]) if versions else models.Filter()
        found = self.client.count(self.collection, count_filter=stale, exact=True).count
        if found:
            self.client.delete(self.collection, wait=True,
                               points_selector=models.FilterSelector(filter=stale))
        return found

    # -- naive-rag passages ----------------------------------------------------------------

    def _passage_filter(self, doc_id: str, sha256: str) -> models.Filter:
        return models.Filter(must=[_match("doc_id", doc_id), _match("sha256", sha256)])

    def count_passages(self, doc_id: str, sha256: str) -> int:
        self._ensure_passages()
        return self.client.count(self._passages_name, exact=True,
                                 count_filter=self._passage_filter(doc_id, sha256)).count

    def write_passages(self, doc_id: str, sha256: str, passages: Sequence[Passage],
                       vectors: np.ndarray) -> None:
        self._ensure_passages()
        for start in range(0, len(passages), UPSERT_BATCH):
            self.client.upsert(self._passages_name, wait=True, points=[
                models.PointStruct(
                    id=passage_id(doc_id, sha256, p.position), vector=vectors[start + i].tolist(),
                    payload={"doc_id": doc_id, "sha256": sha256, "text": p.text,
                             "pages": p.pages, "position": p.position})
                for i, p in enumerate(passages[start:start + UPSERT_BATCH])])
        self.client.delete(self._passages_name, wait=True, points_selector=models.FilterSelector(
            filter=models.Filter(must=[_match("doc_id", doc_id)],
                                 must_not=[_match("sha256", sha256)])))

    def search_passages(self, vector: Sequence[float], doc_id: str, sha256: str,
                        limit: int) -> list[Passage]:
        self._ensure_passages()
        found = self.client.query_points(
            self._passages_name, query=list(vector), limit=limit, with_payload=True,
            query_filter=self._passage_filter(doc_id, sha256)).points
        return [Passage(p.payload["position"], p.payload["text"], p.payload["pages"], p.score)
                for p in found if p.payload]

    # -- maintenance -----------------------------------------------------------------------

    def export_points(self, part: Part, batch: int = UPSERT_BATCH) -> Iterator[list[StoredPoint]]:
        name = {"chunks": self.collection, "documents": self._records_name,
                "passages": self._passages_name}[part]
        if not self.client.collection_exists(name):
            return
        for page in self._scroll(name, None, True, part != "documents", batch):
            yield [_stored(p, part) for p in page]

    def import_points(self, part: Part, points: Sequence[StoredPoint]) -> None:
        if part == "chunks":
            self._upsert_chunks(points)
        elif part == "documents":
            self.client.upsert(self._records_name, wait=True, points=[
                models.PointStruct(id=p.id, vector={}, payload=p.payload) for p in points])
        else:
            self._ensure_passages()
            self.client.upsert(self._passages_name, wait=True, points=[
                models.PointStruct(id=p.id, vector=p.dense or [], payload=p.payload)
                for p in points])

    def optimize(self) -> str:
        return (f"{self._location}: a Qdrant server builds its HNSW index itself once a "
                "segment outgrows its indexing_threshold; nothing to do")

    def close(self) -> None:
        self.client.close()


def _stored(point: models.Record, part: Part) -> StoredPoint:
    vector: Any = point.vector
    if part == "chunks" and isinstance(vector, dict):
        sparse = vector.get(SPARSE)
        return StoredPoint(str(point.id), point.payload or {}, list(vector.get(DENSE) or []),
                           SparseVector(list(sparse.indices), list(sparse.values))
                           if sparse is not None else None)
    if part == "passages":
        return StoredPoint(str(point.id), point.payload or {},
                           list(vector) if isinstance(vector, list) else None)
    return StoredPoint(str(point.id), point.payload or {})
