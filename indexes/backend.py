"""The index interface: what docthrift asks of its store, whichever engine holds it.

Two backends implement :class:`Index`: Qdrant Edge in-process under ``DOCTHRIFT_HOME`` (the
default, :mod:`indexes.edge_store`) and a Qdrant server through qdrant-client
(:mod:`indexes.server_store`). Callers get one from :func:`indexes.store.get_index` and never
see the engine: records are :class:`~docthrift.models.DocumentRecord`, sparse vectors
:class:`~indexes.sparse.SparseVector`, hits and chunks the small types below.

The write order that keeps every document whole lives here, once, for both engines:

1. the new version's chunks are written (invisible: no record names their version yet);
2. the record is switched to the new version: one point, one atomic write;
3. once no query that began before the switch is still reading, the other versions' chunks
   are deleted (invisible since step 2).

A query holds :meth:`Index.reading` from the moment it reads the records until its last read
of chunks, so step 3 never removes chunks under a query that still names their version.
"""

from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from docthrift.errors import IndexingError
from docthrift.models import Chunk, Document, DocumentRecord
from indexes.schema import UPSERT_BATCH, chunk_fields, document_fields, point_id
from indexes.sparse import SparseVector

log = logging.getLogger(__name__)

Fusion = Literal["rrf", "dbsf"]
Part = Literal["chunks", "documents", "passages"]
PARTS: tuple[Part, ...] = ("chunks", "documents", "passages")
# How long removing a replaced version waits for queries that still read it; past that the
# chunks stay behind, invisible, and the next run's clean-up deletes them.
RETIRE_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Hit:
    """A fused search result."""

    doc_id: str
    position: int
    score: float


@dataclass(frozen=True)
class StoredChunk:
    """A chunk as stored in the index."""

    doc_id: str
    position: int
    section: str
    page_start: int
    page_end: int
    kind: str
    text: str
    tokens: int


@dataclass(frozen=True)
class Passage:
    """A naive-rag passage: a fixed-size piece of a document's text and the pages it spans."""

    position: int
    text: str
    pages: list[int]
    # The cosine similarity a search found it with (not part of the passage itself).
    score: float = field(default=0.0, compare=False)


@dataclass(frozen=True)
class StoredPoint:
    """A point as moved between indexes (migration, copy): id, payload and its vectors."""

    id: str
    payload: dict[str, Any]
    dense: list[float] | None = None
    sparse: SparseVector | None = None


class _Epochs:
    """Which queries began before a record switch, so the chunks they read outlive them.

    A query registers with the current epoch; a switch opens a new epoch and waits until no
    query of an older one is left. New queries never wait (they read the new record).
    """

    def __init__(self) -> None:
        self.epoch = 0
        self.active: dict[int, int] = {}
        self.cond = threading.Condition()
        self.mine = threading.local()  # this thread's registrations, by epoch

    def enter(self) -> int:
        with self.cond:
            epoch = self.epoch
            self.active[epoch] = self.active.get(epoch, 0) + 1
        held = self.mine.__dict__.setdefault("held", {})
        held[epoch] = held.get(epoch, 0) + 1
        return epoch

    def leave(self, epoch: int) -> None:
        self.mine.held[epoch] -= 1
        with self.cond:
            self.active[epoch] -= 1
            if not self.active[epoch]:
                del self.active[epoch]
            self.cond.notify_all()

    def retire(self, timeout: float) -> bool:
        """Open a new epoch; wait for the older queries (not this thread's own) to end."""
        own = self.mine.__dict__.get("held", {})
        with self.cond:
            self.epoch += 1
            newest = self.epoch
            return self.cond.wait_for(
                lambda: all(count <= own.get(e, 0) for e, count in self.active.items()
                            if e < newest), timeout)


class _Reading:
    """The context manager of :meth:`Index.reading` (a class: it runs on every query)."""

    __slots__ = ("_epochs", "_epoch")

    def __init__(self, epochs: _Epochs) -> None:
        self._epochs = epochs
        self._epoch = 0

    def __enter__(self) -> None:
        self._epoch = self._epochs.enter()

    def __exit__(self, *exc: object) -> None:
        self._epochs.leave(self._epoch)


class Index(ABC):
    """One docthrift index: document records, their chunks and the naive-rag passages.

    Thread-safe: queries run in parallel with each other and with one ingestion run writing.
    Get one with :func:`indexes.store.get_index` (one object per location and collection in a
    process); do not build engines directly.
    """

    def __init__(self, collection: str, *, cache_records: bool) -> None:
        self.collection = collection
        self._cache_records = cache_records
        self._records: list[DocumentRecord] | None = None
        self._generation = 0
        self._lock = threading.Lock()
        self._epochs = _Epochs()

    # -- what each engine provides ---------------------------------------------------------

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the index lives (a folder or a server URL), for messages."""

    @abstractmethod
    def count_chunks(self, doc_id: str | None = None) -> int:
        """Number of chunk points, of one document (every version) or of all."""

    @abstractmethod
    def search(self, dense: Sequence[float], sparse: SparseVector, versions: Sequence[str], *,
               prefetch: int, limit: int, fusion: Fusion = "rrf",
               exact: bool = False, scoped_idf: bool = False) -> list[Hit]:
        """Dense and sparse prefetch over the chunks of ``versions``, fused by the engine.

        Args:
            dense: The query's dense vector.
            sparse: The query's sparse vector.
            versions: Document versions to search (each record's current version).
            prefetch: Candidates each side brings.
            limit: Fused hits returned, best first.
            fusion: ``rrf`` (reciprocal rank, k=2) or ``dbsf`` (distribution-based).
            exact: Force brute force even where an HNSW graph was built.
            scoped_idf: Weigh sparse terms by their IDF among the chunks of ``versions``
                rather than the whole index.
        """

    @abstractmethod
    def document_chunks(self, doc_id: str, version: str) -> list[StoredChunk]:
        """Every chunk of one document version, in any order, without vectors."""

    @abstractmethod
    def count_passages(self, doc_id: str, sha256: str) -> int:
        """Naive-rag passages stored for this document's bytes."""

    @abstractmethod
    def write_passages(self, doc_id: str, sha256: str, passages: Sequence[Passage],
                       vectors: np.ndarray) -> None:
        """Store a document's naive-rag passages and drop those of its other bytes."""

    @abstractmethod
    def search_passages(self, vector: Sequence[float], doc_id: str, sha256: str,
                        limit: int) -> list[Passage]:
        """The passages of one document nearest to ``vector`` (cosine), best first."""

    @abstractmethod
    def export_points(self, part: Part, batch: int = UPSERT_BATCH) -> Iterator[list[StoredPoint]]:
        """Every point of one part, vectors included, in batches (nothing when it is absent)."""

    @abstractmethod
    def import_points(self, part: Part, points: Sequence[StoredPoint]) -> None:
        """Write points as they are (ids, payloads, vectors): the other end of an export."""

    @abstractmethod
    def optimize(self) -> str:
        """Build the approximate (HNSW) search index where the engine leaves it to the user.

        Returns a sentence saying what was done. Blocks until it is built.
        """

    @abstractmethod
    def close(self) -> None:
        """Release the engine (the embedded index's folder lock)."""

    @abstractmethod
    def _upsert_chunks(self, points: Sequence[StoredPoint],
                       shared: dict[str, Any] | None = None) -> None:
        """Write chunk points; ``shared`` is the payload part every one of them has (their
        document's fields), given apart so an engine that keeps it elsewhere skips it."""

    @abstractmethod
    def _put_record(self, doc_id: str, payload: dict[str, Any]) -> None: ...

    @abstractmethod
    def _drop_record(self, doc_id: str) -> None: ...

    @abstractmethod
    def _patch_record(self, doc_id: str, fields: dict[str, Any]) -> None: ...

    @abstractmethod
    def _scroll_records(self) -> list[dict[str, Any]]: ...

    @abstractmethod
    def _drop_chunks(self, doc_id: str, keep: str | None) -> None:
        """Delete a document's chunks, but those of version ``keep``."""

    @abstractmethod
    def _drop_leftovers(self, versions: Sequence[str]) -> int:
        """Delete the chunks of no version in ``versions``; return how many there were."""

    # -- records ---------------------------------------------------------------------------

    def list_documents(self) -> list[DocumentRecord]:
        """Every document record, sorted by doc_id.

        The embedded index keeps the list in memory and refreshes it after its own writes
        (one process holds it); a server index reads it each time (others may write).
        """
        if not self._cache_records:
            return self._read_records()
        with self._lock:
            if self._records is not None:
                return self._records
            generation = self._generation
        records = self._read_records()
        with self._lock:
            if generation == self._generation:  # no write since the read began
                self._records = records
        return records

    def get_document(self, doc_id: str) -> DocumentRecord | None:
        """One document record, or None when it is not indexed."""
        return next((r for r in self.list_documents() if r.doc_id == doc_id), None)

    def reading(self) -> AbstractContextManager[None]:
        """Hold while a query reads records and then chunks: their versions stay readable."""
        return _Reading(self._epochs)

    def _read_records(self) -> list[DocumentRecord]:
        records = [DocumentRecord.model_validate(p) for p in self._scroll_records()]
        return sorted(records, key=lambda record: record.doc_id)

    def _changed(self) -> None:
        with self._lock:
            self._generation += 1
            self._records = None

    # -- writes ----------------------------------------------------------------------------

    def write_document(self, document: Document, chunks: Sequence[Chunk], dense: np.ndarray,
                       sparse: Sequence[SparseVector], record: DocumentRecord,
                       progress: Callable[[int], None] | None = None) -> None:
        """Index a document's chunks and switch its record to this version (module doc).

        Idempotent: the point ids derive from the chunks and the version, so writing the same
        version again (a retry, a rerun after a crash) rewrites the same points.

        Args:
            document: The document the chunks come from.
            chunks: Its chunks.
            dense: One dense vector a chunk.
            sparse: One sparse vector a chunk.
            record: The new record (from :func:`indexes.records.document_record`).
            progress: Called with the number of chunks of each batch written.

        Raises:
            IndexingError: A write failed. The record still names the previous version (or
                none, for a new document), so queries are unaffected; the next run removes the
                chunks that were written.
        """
        version = record.current_version
        shared = document_fields(document.sha256, document.metadata)  # the same on every chunk
        try:
            for start in range(0, len(chunks), UPSERT_BATCH):
                batch = range(start, min(start + UPSERT_BATCH, len(chunks)))
                self._upsert_chunks([
                    StoredPoint(id=point_id(chunks[i].id, version),
                                payload=chunk_fields(chunks[i], version),
                                dense=dense[i].tolist(), sparse=sparse[i])
                    for i in batch], shared)
                if progress:
                    progress(len(batch))
            self._put_record(document.doc_id, record.model_dump(mode="json"))
        except Exception as exc:
            self._changed()  # the record may or may not have been switched: read it again
            if isinstance(exc, IndexingError):
                raise
            raise IndexingError(
                f"{document.source}: writing to the index failed ({exc}); the previous version "
                "stays searchable, and the next run removes what was written"
            ) from exc
        self._changed()
        self._after_switch(lambda: self._drop_chunks(document.doc_id, version))

    def delete_document(self, doc_id: str) -> None:
        """Remove a document: its record first (queries stop seeing it at once), then its chunks.

        Raises:
            IndexingError: The record could not be deleted; the document is still indexed.
        """
        try:
            self._drop_record(doc_id)
        except Exception as exc:
            raise IndexingError(f"{doc_id}: removing it from the index failed ({exc}); "
                                "it stays indexed and the next run tries again") from exc
        self._changed()
        self._after_switch(lambda: self._drop_chunks(doc_id, None))

    def delete_leftovers(self) -> int:
        """Delete the chunks that no record's current version names; return how many there were.

        Such chunks are what an interrupted run leaves: a new version written but never
        switched to, an old version not yet deleted, a removed document's chunks. Queries never
        see them. Runs against one index must not overlap (the embedded index enforces it), or
        this would delete another run's version before it switches to it.
        """
        return self._drop_leftovers([r.current_version for r in self._read_records()])

    def set_source_path(self, doc_id: str, path: str) -> None:
        """Record where a document's file now is (it moved, its bytes did not change)."""
        self._patch_record(doc_id, {"source_path": path})
        self._changed()

    def _after_switch(self, drop: Callable[[], None]) -> None:
        """Delete what a switch replaced once the queries that may still read it are done."""
        if not self._epochs.retire(RETIRE_TIMEOUT_S):
            log.warning("queries still read a replaced version after %.0f s; its chunks stay "
                        "behind, invisible, until the next run's clean-up", RETIRE_TIMEOUT_S)
            return
        try:
            drop()
        except Exception:  # best effort: what is left is invisible and the next run deletes it
            log.exception("removing replaced chunks from %s failed", self.location)
