"""The embedded index: Qdrant Edge, Qdrant's own engine, in this process, under DOCTHRIFT_HOME.

Layout: ``<home>/qdrant/edge/<collection>/`` is one Edge shard holding the chunks and, as points
of their own kind (payload ``kind: "document"``, no vector), the document records; the naive-rag
passages have a shard of their own, ``<collection>-naive-rag``. Records live in the chunk shard
so that one write-ahead log orders every write: the record switch is logged after the chunks it
names, and a replay after a crash can never apply the switch without them.

Every payload field costs about 20 µs to hand to the engine (the binding converts values one
by one), so the payloads here are lean: a chunk leaves out what it would repeat from its record
(the document's hash and metadata, :data:`~indexes.schema.DOCUMENT_FIELDS`: filters on a server
use them, none here does), half of its write time; and a record, whose outline alone has
hundreds of fields, is kept as its JSON in one field beside ``doc_id`` and ``kind``.
:meth:`EdgeIndex.export_points` gives both back in full, so a copy to a server carries exactly
the server's payloads.

Edge locks a shard's folder for the process that opened it: shards are opened once per process
(:class:`EdgeShards`, shared by every collection under one folder) and a second process gets a
clear error. Queries release the GIL and run in parallel with each other and with writes; no
lock of docthrift's is needed around the engine. Search is exact (brute force) until
``docthrift index optimize`` builds HNSW graphs.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import qdrant_edge as qe

from docthrift.errors import IndexingError
from indexes.backend import Fusion, Hit, Index, Part, Passage, StoredChunk, StoredPoint
from indexes.embeddings import DIMENSIONS
from indexes.schema import (
    CATALOG_FIELDS,
    DENSE,
    DOCUMENT_FIELDS,
    PASSAGE_FIELDS,
    SPARSE,
    UPSERT_BATCH,
    VERSION,
    passage_id,
    passages_collection,
    record_fields,
    record_id,
)
from indexes.sparse import SparseVector

EDGE_FOLDER = "edge"
RECORD_KIND = "document"
RECORD_JSON = "record"
# Filters on the chunk shard use these; indexing more would only slow every upsert down.
CHUNK_INDEXES = ("doc_id", VERSION, "kind")
_PAGE = 1024
_IS_RECORD = qe.FieldCondition(key="kind", match=qe.MatchValue(RECORD_KIND))


def in_use_error(folder: Path) -> IndexingError:
    """The one-line error a second process gets for a folder another process holds."""
    return IndexingError(
        f"the local index at {folder} is in use by another docthrift process (for example "
        "'docthrift serve'); stop it, or point every process at one Qdrant server with QDRANT_URL")


class EdgeShards:
    """The Edge shards under one folder, each opened once and kept open for the process."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._shards: dict[str, qe.EdgeShard] = {}
        self._lock = threading.Lock()

    def exists(self, name: str) -> bool:
        """Whether a shard of this name was ever created here."""
        return name in self._shards or (self.root / name / "edge_config.json").exists()

    def get(self, name: str, config: qe.EdgeConfig, keywords: Sequence[str]) -> qe.EdgeShard:
        """The shard ``name``, opened or created (with keyword indexes on ``keywords``)."""
        with self._lock:
            if name not in self._shards:
                self._shards[name] = self._open(self.root / name, config, keywords)
            return self._shards[name]

    def _open(self, path: Path, config: qe.EdgeConfig, keywords: Sequence[str]) -> qe.EdgeShard:
        try:
            if (path / "edge_config.json").exists():
                shard = qe.EdgeShard.load(str(path))
            else:
                path.mkdir(parents=True, exist_ok=True)
                shard = qe.EdgeShard.create(str(path), config)
            indexed = set(shard.info().payload_schema)
            for key in keywords:
                if key not in indexed:
                    shard.update(qe.UpdateOperation.create_field_index(
                        key, qe.PayloadSchemaType.Keyword))
        except Exception as exc:
            if "WouldBlock" in str(exc):  # the WAL's file lock: another process has the shard
                raise in_use_error(self.root.parent) from exc
            raise IndexingError(f"cannot open the index at {path}: {exc}") from exc
        return shard

    def close(self, names: Sequence[str] | None = None) -> None:
        """Flush and close open shards, all or those named (releases their folders)."""
        with self._lock:
            for name in list(self._shards) if names is None else names:
                shard = self._shards.pop(name, None)
                if shard is not None:
                    shard.close()


def _chunk_config() -> qe.EdgeConfig:
    return qe.EdgeConfig(
        vectors={DENSE: qe.EdgeVectorParams(size=DIMENSIONS, distance=qe.Distance.Cosine)},
        sparse_vectors={SPARSE: qe.EdgeSparseVectorParams(modifier=qe.Modifier.Idf)})


def _passage_config() -> qe.EdgeConfig:
    return qe.EdgeConfig(vectors=qe.EdgeVectorParams(size=DIMENSIONS, distance=qe.Distance.Cosine))


def _match(key: str, value: str) -> qe.FieldCondition:
    return qe.FieldCondition(key=key, match=qe.MatchValue(value))


def _versions(versions: Sequence[str]) -> qe.FieldCondition:
    return qe.FieldCondition(key=VERSION, match=qe.MatchAny(any=sorted(set(versions))))


def _chunks_of(doc_id: str | None, keep: str | None = None) -> qe.Filter:
    """A document's chunks (all documents' when None), but those of version ``keep``."""
    excluded: list[Any] = [_IS_RECORD] + ([_match(VERSION, keep)] if keep else [])
    return qe.Filter(must=[_match("doc_id", doc_id)] if doc_id else None, must_not=excluded)


def _sparse(vector: SparseVector) -> qe.SparseVector:
    return qe.SparseVector(vector.indices, vector.values)


class EdgeIndex(Index):
    """A docthrift index in Edge shards (see the module doc)."""

    def __init__(self, shards: EdgeShards, collection: str) -> None:
        super().__init__(collection, cache_records=True)
        self._shards = shards
        self._chunks = shards.get(collection, _chunk_config(), CHUNK_INDEXES)

    @property
    def location(self) -> str:
        return str(self._shards.root / self.collection)

    def _passages(self) -> qe.EdgeShard:
        return self._shards.get(passages_collection(self.collection), _passage_config(),
                                PASSAGE_FIELDS)

    def _scroll(self, shard: qe.EdgeShard, where: qe.Filter | None, payload: Any,
                vectors: bool = False, page: int = _PAGE) -> Iterator[list[Any]]:
        offset = None
        while True:
            points, offset = shard.scroll(qe.ScrollRequest(
                offset=offset, limit=page, filter=where, with_payload=payload,
                with_vector=vectors))
            if points:
                yield points
            if offset is None:
                return

    # -- reads -----------------------------------------------------------------------------

    def count_chunks(self, doc_id: str | None = None) -> int:
        return self._chunks.count(qe.CountRequest(exact=True, filter=_chunks_of(doc_id)))

    def search(self, dense: Sequence[float], sparse: SparseVector, versions: Sequence[str], *,
               prefetch: int, limit: int, fusion: Fusion = "rrf",
               exact: bool = False, scoped_idf: bool = False) -> list[Hit]:
        where = qe.Filter(must=[_versions(versions)])
        params = qe.SearchParams(exact=True) if exact else None
        sparse_params = qe.SearchParams(exact=exact, idf=qe.IdfParams(corpus=where)) \
            if scoped_idf else params
        found = self._chunks.query(qe.QueryRequest(
            limit=limit,
            prefetches=[
                qe.Prefetch(limit=prefetch, query=qe.Query.Nearest(list(dense), using=DENSE),
                            filter=where, params=params),
                qe.Prefetch(limit=prefetch, query=qe.Query.Nearest(_sparse(sparse), using=SPARSE),
                            filter=where, params=sparse_params),
            ],
            # The stubs name the Fusion class; the binary takes its variants.
            query=qe.Fusion.Rrf(k=2) if fusion == "rrf" else qe.Fusion.Dbsf(),  # type: ignore[arg-type]
            with_payload=["doc_id", "position"]))
        return [Hit(p.payload["doc_id"], p.payload["position"], p.score)
                for p in found if p.payload]

    def document_chunks(self, doc_id: str, version: str) -> list[StoredChunk]:
        where = qe.Filter(must=[_match("doc_id", doc_id), _match(VERSION, version)])
        return [StoredChunk(**{k: p.payload[k] for k in CATALOG_FIELDS})
                for page in self._scroll(self._chunks, where, CATALOG_FIELDS) for p in page]

    def _scroll_records(self) -> list[dict[str, Any]]:
        where = qe.Filter(must=[_IS_RECORD])
        return [json.loads(p.payload[RECORD_JSON])
                for page in self._scroll(self._chunks, where, [RECORD_JSON]) for p in page]

    # -- writes ----------------------------------------------------------------------------

    def _upsert_chunks(self, points: Sequence[StoredPoint],
                       shared: dict[str, Any] | None = None) -> None:
        # The document's fields stay in its record: given apart (``shared``) they are skipped,
        # within a full payload (a copy, a migration) they are dropped.
        self._chunks.update(qe.UpdateOperation.upsert_points([
            qe.Point(p.id, {DENSE: p.dense, SPARSE: _sparse(p.sparse)},
                     p.payload if shared is not None else
                     {k: v for k, v in p.payload.items() if k not in DOCUMENT_FIELDS})
            for p in points if p.dense is not None and p.sparse is not None]))

    def _put_record(self, doc_id: str, payload: dict[str, Any]) -> None:
        self._chunks.update(qe.UpdateOperation.upsert_points([_record_point(record_id(doc_id),
                                                                            payload)]))

    def _drop_record(self, doc_id: str) -> None:
        self._chunks.update(qe.UpdateOperation.delete_points([record_id(doc_id)]))

    def _patch_record(self, doc_id: str, fields: dict[str, Any]) -> None:
        found = self._chunks.retrieve([record_id(doc_id)], with_payload=[RECORD_JSON],
                                      with_vector=False)
        if not found or not found[0].payload:
            raise IndexingError(f"{doc_id}: no such document in the index")
        self._put_record(doc_id, {**json.loads(found[0].payload[RECORD_JSON]), **fields})

    def _drop_chunks(self, doc_id: str, keep: str | None) -> None:
        self._chunks.update(qe.UpdateOperation.delete_points_by_filter(_chunks_of(doc_id, keep)))

    def _drop_leftovers(self, versions: Sequence[str]) -> int:
        excluded: list[Any] = [_IS_RECORD] + ([_versions(versions)] if versions else [])
        where = qe.Filter(must_not=excluded)
        found = self._chunks.count(qe.CountRequest(exact=True, filter=where))
        if found:
            self._chunks.update(qe.UpdateOperation.delete_points_by_filter(where))
        return found

    # -- naive-rag passages ----------------------------------------------------------------

    def count_passages(self, doc_id: str, sha256: str) -> int:
        where = qe.Filter(must=[_match("doc_id", doc_id), _match("sha256", sha256)])
        return self._passages().count(qe.CountRequest(exact=True, filter=where))

    def write_passages(self, doc_id: str, sha256: str, passages: Sequence[Passage],
                       vectors: np.ndarray) -> None:
        shard = self._passages()
        for start in range(0, len(passages), UPSERT_BATCH):
            shard.update(qe.UpdateOperation.upsert_points([
                qe.Point(passage_id(doc_id, sha256, p.position), vectors[start + i].tolist(),
                         {"doc_id": doc_id, "sha256": sha256, "text": p.text, "pages": p.pages,
                          "position": p.position})
                for i, p in enumerate(passages[start:start + UPSERT_BATCH])]))
        shard.update(qe.UpdateOperation.delete_points_by_filter(qe.Filter(
            must=[_match("doc_id", doc_id)], must_not=[_match("sha256", sha256)])))

    def search_passages(self, vector: Sequence[float], doc_id: str, sha256: str,
                        limit: int) -> list[Passage]:
        where = qe.Filter(must=[_match("doc_id", doc_id), _match("sha256", sha256)])
        found = self._passages().query(qe.QueryRequest(
            limit=limit, query=qe.Query.Nearest(list(vector)), filter=where,
            with_payload=["text", "pages", "position"]))
        return [Passage(p.payload["position"], p.payload["text"], p.payload["pages"], p.score)
                for p in found if p.payload]

    # -- maintenance -----------------------------------------------------------------------

    def export_points(self, part: Part, batch: int = UPSERT_BATCH) -> Iterator[list[StoredPoint]]:
        if part == "chunks":
            current = {r.current_version: record_fields(r) for r in self.list_documents()}
            for page in self._scroll(self._chunks, _chunks_of(None), True, True, batch):
                yield [StoredPoint(str(p.id), {**p.payload, **current.get(p.payload[VERSION], {})},
                                   p.vector[DENSE],
                                   SparseVector(list(p.vector[SPARSE].indices),
                                                list(p.vector[SPARSE].values))) for p in page]
        elif part == "documents":
            for page in self._scroll(self._chunks, qe.Filter(must=[_IS_RECORD]), [RECORD_JSON],
                                     False, batch):
                yield [StoredPoint(str(p.id), json.loads(p.payload[RECORD_JSON])) for p in page]
        elif self._shards.exists(passages_collection(self.collection)):
            for page in self._scroll(self._passages(), None, True, True, batch):
                yield [StoredPoint(str(p.id), p.payload, _unnamed(p.vector)) for p in page]

    def import_points(self, part: Part, points: Sequence[StoredPoint]) -> None:
        if part == "chunks":
            self._upsert_chunks(points)
        elif part == "documents":
            self._chunks.update(qe.UpdateOperation.upsert_points(
                [_record_point(p.id, p.payload) for p in points]))
            self._changed()
        else:
            self._passages().update(qe.UpdateOperation.upsert_points(
                [qe.Point(p.id, p.dense or [], p.payload) for p in points]))

    def optimize(self) -> str:
        started = time.perf_counter()
        shards = [self._chunks]
        if self._shards.exists(passages_collection(self.collection)):
            shards.append(self._passages())
        for shard in shards:
            shard.optimize()
        info = self._chunks.info()
        return (f"{self.location}: optimized in {time.perf_counter() - started:.1f} s; "
                f"{info.points_count} points in {info.segments_count} segments (segments past "
                "the indexing threshold, about 6,500 chunks, now have HNSW graphs)")

    def close(self) -> None:
        self._shards.close([self.collection, passages_collection(self.collection)])


def _record_point(point: str, payload: dict[str, Any]) -> qe.Point:
    """A record as stored here: its JSON, and the two fields filters use."""
    return qe.Point(point, {}, {"doc_id": payload["doc_id"], "kind": RECORD_KIND,
                                RECORD_JSON: json.dumps(payload)})


def _unnamed(vector: Any) -> list[float] | None:
    """The one vector of a passage point (Edge returns it bare or under the empty name)."""
    if isinstance(vector, dict):
        return vector.get("")
    return list(vector) if vector is not None else None
