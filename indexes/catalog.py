"""Every chunk of a document, in order, without vectors: for neighbours and whole sections.

Loaded from the index once per document version and kept in memory (a 10-K is about a
thousand chunks); a changed document (new bytes or a new pipeline) has a new version, so a
stale entry is never used.
"""

from __future__ import annotations

import threading

from indexes.backend import Index, StoredChunk

__all__ = ["StoredChunk", "document_chunks", "whole_text"]

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


def whole_text(chunks: list[StoredChunk]) -> tuple[str, list[tuple[int, int, int]]]:
    """A document's whole text, the one way it is built: its text chunks in order, one per line
    (tables are already in the page text, so table chunks are left out).

    Returns:
        The text, and per text chunk its first page, last page and where it ends in the text.
    """
    parts: list[str] = []
    spans: list[tuple[int, int, int]] = []
    end = 0
    for chunk in chunks:
        if chunk.kind != "text":
            continue
        piece = chunk.text if not parts else "\n" + chunk.text
        parts.append(piece)
        end += len(piece)
        spans.append((chunk.page_start, chunk.page_end, end))
    return "".join(parts), spans
