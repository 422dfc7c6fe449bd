"""Every chunk of a document, in order, without vectors: for neighbours and whole sections.

Loaded from the index once per document version and kept in memory (a 10-K is about a
thousand chunks); a changed document (new bytes or a new pipeline) has a new version, so a
stale entry is never used.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from qdrant_client import QdrantClient, models

from indexes.store import version_filter

_CACHE: dict[tuple[str, str, str], list[StoredChunk]] = {}
_LOCK = threading.Lock()
_MAX_DOCUMENTS = 256


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


def document_chunks(client: QdrantClient, collection: str, doc_id: str,
                    version: str) -> list[StoredChunk]:
    """The chunks of one document version, sorted by position (cached).

    ``version`` is the record's (:func:`indexes.records.record_version`).
    """
    key = (collection, doc_id, version)
    with _LOCK:
        if key in _CACHE:
            return _CACHE[key]
    selector = models.Filter(must=[
        models.FieldCondition(key="doc_id", match=models.MatchValue(value=doc_id)),
        version_filter([version]),
    ])
    chunks: list[StoredChunk] = []
    offset = None
    while True:
        points, offset = client.scroll(collection, scroll_filter=selector, limit=1024,
                                       offset=offset, with_payload=True, with_vectors=False)
        for point in points:
            p = point.payload or {}
            chunks.append(StoredChunk(p["doc_id"], p["position"], p["section"], p["page_start"],
                                      p["page_end"], p["kind"], p["text"], p["tokens"]))
        if offset is None:
            break
    chunks.sort(key=lambda c: c.position)
    with _LOCK:
        if len(_CACHE) >= _MAX_DOCUMENTS:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = chunks
    return chunks


def document_text(chunks: list[StoredChunk]) -> str:
    """The whole document's text from its text chunks (tables are already in the text)."""
    return "\n".join(c.text for c in chunks if c.kind == "text")
