"""Split a document along its structure into chunks sized in o200k tokens.

Rules: a chunk never crosses a section boundary; text is cut at line boundaries, preferring
the end of a sentence; every table is its own chunk (split by row groups, header repeated,
only when it exceeds the table limit); every chunk keeps its 1-based page span. The text of
the pages is kept verbatim, so what a page says can always be found in the chunks that carry it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from core.models import Chunk, Document, Section, Table, chunk_id
from core.tokens import count_many, count_tokens, encoding

CHUNKER_VERSION = "chunker-2"
# A cut is moved back to the last sentence end when one lies in the last part of the chunk.
_SOFT_BREAK_SHARE = 0.35
_SENTENCE_END = (".", ":", ";", "?", "!", ")")


@dataclass(frozen=True)
class _Line:
    page: int
    text: str
    tokens: int


@dataclass(frozen=True)
class _Piece:
    page_start: int
    page_end: int
    text: str


def _lines(section: Section) -> list[_Line]:
    raw = [(part.page, line) for part in section.pages for line in part.text.split("\n")]
    raw = [(page, line) for page, line in raw if line.strip()]
    counts = count_many([line for _, line in raw])
    return [_Line(page, line, n + 1) for (page, line), n in zip(raw, counts, strict=True)]


def _split_long_line(line: _Line, limit: int) -> list[_Line]:
    """Cut one line longer than a chunk into token windows."""
    ids = encoding().encode_ordinary(line.text)
    return [
        _Line(line.page, encoding().decode(ids[i : i + limit]), len(ids[i : i + limit]))
        for i in range(0, len(ids), limit)
    ]


def _cut_point(window: list[_Line]) -> int:
    """Index after which to cut a full window: the last sentence end in its tail, else all."""
    floor = int(len(window) * (1 - _SOFT_BREAK_SHARE))
    for i in range(len(window) - 1, max(floor, 0) - 1, -1):
        if window[i].text.rstrip().endswith(_SENTENCE_END):
            return i + 1
    return len(window)


def _pack(lines: list[_Line], limit: int) -> Iterator[_Piece]:
    window: list[_Line] = []
    size = 0
    for line in lines:
        for part in _split_long_line(line, limit) if line.tokens > limit else [line]:
            if window and size + part.tokens > limit:
                cut = _cut_point(window)
                yield _piece(window[:cut])
                window = window[cut:]
                size = sum(item.tokens for item in window)
            window.append(part)
            size += part.tokens
    if window:
        yield _piece(window)


def _piece(lines: list[_Line]) -> _Piece:
    return _Piece(lines[0].page, lines[-1].page, "\n".join(line.text for line in lines))


def _table_pieces(table: Table, limit: int) -> Iterator[_Piece]:
    """A table whole, or by row groups with the header repeated when it is too long."""
    if count_tokens(table.markdown) <= limit:
        yield _Piece(table.page, table.page, table.markdown)
        return
    rows = table.markdown.split("\n")
    header, body = rows[:2], rows[2:]
    group: list[str] = []
    size = count_tokens("\n".join(header))
    for row, n in zip(body, count_many(body), strict=True):
        if group and size + n > limit:
            yield _Piece(table.page, table.page, "\n".join(header + group))
            group, size = [], count_tokens("\n".join(header))
        group.append(row)
        size += n + 1
    if group:
        yield _Piece(table.page, table.page, "\n".join(header + group))


def chunk_document(document: Document, *, chunk_tokens: int, max_table_tokens: int) -> list[Chunk]:
    """Split ``document`` into chunks in reading order, tables after the text of their page.

    Args:
        document: An extracted document.
        chunk_tokens: Target size of a text chunk in o200k tokens.
        max_table_tokens: Tables longer than this are split by row groups.

    Returns:
        The chunks, each with a deterministic id and position.
    """
    staged: list[tuple[str, str, _Piece]] = []  # (kind, section, piece)
    tables_by_section: dict[str, list[Table]] = {}
    for table in document.tables:
        tables_by_section.setdefault(table.section_path, []).append(table)
    for section in document.sections:
        for piece in _pack(_lines(section), chunk_tokens):
            staged.append(("text", section.heading, piece))
        for table in tables_by_section.pop(section.heading, []):
            for piece in _table_pieces(table, max_table_tokens):
                staged.append(("table", section.heading, piece))
    for heading, tables in tables_by_section.items():  # tables whose section was not found
        for table in tables:
            for piece in _table_pieces(table, max_table_tokens):
                staged.append(("table", heading, piece))

    counts = count_many([piece.text for _, _, piece in staged])
    chunks = []
    for position, ((kind, heading, piece), tokens) in enumerate(zip(staged, counts, strict=True)):
        content_hash = hashlib.sha256(piece.text.encode()).hexdigest()[:16]
        chunks.append(
            Chunk(
                id=chunk_id(document.doc_id, document.sha256, position),
                doc_id=document.doc_id,
                position=position,
                section=heading,
                page_start=piece.page_start,
                page_end=piece.page_end,
                kind=kind,  # type: ignore[arg-type]
                text=piece.text,
                tokens=tokens,
                content_hash=content_hash,
            )
        )
    return chunks
