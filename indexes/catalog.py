"""Every chunk of a document, in order, without vectors: for neighbours and whole sections.

Loaded from the index once per document version and kept in memory (a 10-K is about a
thousand chunks); a changed document (new bytes or a new pipeline) has a new version, so a
stale entry is never used.
"""

from __future__ import annotations

import threading

from indexes.backend import Index, StoredChunk

__all__ = ["StoredChunk", "document_chunks", "document_text"]

_CACHE: dict[tuple[str, str, str, str], list[StoredChunk]] = {}
_LOCK = threading.Lock()
_MAX_DOCUMENTS = 256


def document_chunks(index: Index, doc_id: str, version: str) -> list[StoredChunk]:
    """The chunks of one document version, sorted by position (cached).

    ``version`` is the record's (:func:`indexes.records.record_version`).
    """
    key = (index.location, index.collection, doc_id, version)
    with _LOCK:
        if key in _CACHE:
            return _CACHE[key]
    chunks = sorted(index.document_chunks(doc_id, version), key=lambda c: c.position)
    with _LOCK:
        if len(_CACHE) >= _MAX_DOCUMENTS:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = chunks
    return chunks


def document_text(chunks: list[StoredChunk]) -> str:
    """The whole document's text from its text chunks (tables are already in the text)."""
    return "\n".join(c.text for c in chunks if c.kind == "text")
