"""The document card: what docthrift sends about a document with every question, before the
question's excerpts, so that a provider's prompt cache can reuse it from one question to the
next.

It holds the outline (top-level sections with their pages), the primary financial statements
found at ingestion (income statement, balance sheet, cash flow statement: the inputs of the
metric questions analysts ask most), and the passages that answer an analyst's standard
checklist about a filing (segments, geographies, tax rate, what drove the results, deals,
litigation, liquidity, debt, shareholder returns, customers, outlook), found by the same
hybrid search as any question, all within a token cap. It depends only on the document
version, so it is built once per version and kept in memory. Retrieval is told which chunks
the card holds and never sends them again (``indexes.retrieval.retrieve(held=...)``).
Whether it pays, and when, is measured in docs/metrics.md#the-document-card.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from core.models import ContextPiece, DocumentRecord
from core.prompting import context_block
from core.tokens import count_tokens
from indexes.backend import Index
from indexes.catalog import StoredChunk, document_chunks
from indexes.embeddings import Embedder
from indexes.retrieval import RetrievalOptions, build_pieces, search_chunks, select_positions
from indexes.statements import statement_chunks

CARD_TITLE = "Document card"
STATEMENT_KINDS = ("income", "balance", "cash_flow")
# An analyst's standard questions about a filing, besides its statements: general financial
# vocabulary, not any evaluation question's wording. Each brings its best passages, within
# the per-topic budget, while the card has room.
CHECKLIST = (
    "revenue by segment and segment operating income",
    "net sales by geographic area, countries and regions where the company operates",
    "effective income tax rate",
    "results of operations: what drove the changes in revenue, gross margin and operating income",
    "acquisitions and divestitures during the year",
    "legal proceedings and litigation",
    "liquidity, capital expenditures and cash flows",
    "long-term debt, borrowings and credit facilities",
    "dividends and share repurchases",
    "principal customers and concentration of revenue",
    "outlook and guidance for the next year",
)
_MAX_CACHED = 64
_cache: dict[tuple[str, str, tuple[tuple[str, str], ...], int, int, int], DocumentCard] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class DocumentCard:
    """The card of the documents in scope and what it holds.

    Attributes:
        text: The card as the prompt carries it (after the documents' header).
        pieces: The statement excerpts it holds, cited like retrieved excerpts.
        held: Chunk positions the card holds, per document.
        tokens: Tokens of ``text``.
    """

    text: str
    pieces: list[ContextPiece]
    held: dict[str, frozenset[int]]
    tokens: int

    @property
    def pages(self) -> dict[str, set[int]]:
        """Pages whose content the card holds, per document."""
        pages: dict[str, set[int]] = {}
        for piece in self.pieces:
            pages.setdefault(piece.doc_id, set()).update(piece.pages)
        return pages


def document_card(index: Index, embedder: Embedder, records: list[DocumentRecord], *,
                  max_tokens: int, topic_tokens: int,
                  outline_tokens: int) -> DocumentCard:
    """The card of ``records`` (cached per document versions and caps).

    Args:
        index: The index.
        embedder: The query embedder, for the checklist's searches.
        records: The documents in scope, in order.
        max_tokens: Most tokens of excerpts (statements, then checklist) per document.
        topic_tokens: Budget of each checklist topic's search (0: statements only).
        outline_tokens: Most tokens of outline per document.
    """
    key = (index.location, index.collection,
           tuple((r.doc_id, r.current_version) for r in records), max_tokens, topic_tokens,
           outline_tokens)
    with _lock:
        if key in _cache:
            return _cache[key]
    several = len(records) > 1
    blocks, pieces, held = [], [], {}
    for record in records:
        doc_id = record.doc_id
        chunks = document_chunks(index, doc_id, record.current_version)
        chosen = _statement_positions(chunks, record, max_tokens)
        if topic_tokens > 0:
            chosen = _checklist_positions(index, embedder, record, chunks, chosen, max_tokens,
                                          topic_tokens)
        doc_pieces = build_pieces({doc_id: dict.fromkeys(chosen, 1.0)}, {doc_id: chunks},
                                  [doc_id])
        held[doc_id] = frozenset(chosen)
        pieces.extend(doc_pieces)
        blocks.append(_render(record, doc_pieces, outline_tokens, several))
    text = f"{CARD_TITLE}:\n" + "\n\n".join(b for b in blocks if b)
    made = DocumentCard(text=text, pieces=pieces, held=held, tokens=count_tokens(text))
    with _lock:
        if len(_cache) >= _MAX_CACHED:
            _cache.pop(next(iter(_cache)))
        _cache[key] = made
    return made


def _statement_positions(chunks: list[StoredChunk], record: DocumentRecord,
                         max_tokens: int) -> list[int]:
    """The statement chunks, income first, while they fit ``max_tokens``."""
    chosen: list[int] = []
    used = 0
    for kind in STATEMENT_KINDS:
        positions = [p for p in statement_chunks(chunks, record.statements, {kind})
                     if p not in chosen]
        cost = sum(chunks[p].tokens for p in positions)
        if positions and used + cost <= max_tokens:
            chosen.extend(positions)
            used += cost
    return sorted(chosen)


def _checklist_positions(index: Index, embedder: Embedder, record: DocumentRecord,
                         chunks: list[StoredChunk], chosen: list[int], max_tokens: int,
                         topic_tokens: int) -> list[int]:
    """``chosen`` and, topic by topic, the chunks each checklist search selects within
    ``topic_tokens``, while the card stays within ``max_tokens``."""
    doc_id = record.doc_id
    versions = {doc_id: record.current_version}
    taken = list(chosen)
    used = sum(chunks[p].tokens for p in taken)
    for topic in CHECKLIST:
        hits = search_chunks(index, embedder, topic, versions, RetrievalOptions())
        picked = select_positions(hits, {doc_id: chunks},
                                  RetrievalOptions(budget=topic_tokens, cap_share=1.0),
                                  held={doc_id: set(taken)})
        for position in sorted(picked.get(doc_id, {})):
            if used + chunks[position].tokens <= max_tokens:
                taken.append(position)
                used += chunks[position].tokens
    return sorted(taken)


def _render(record: DocumentRecord, pieces: list[ContextPiece], outline_tokens: int,
            several: bool) -> str:
    parts = [f"[{record.doc_id}]"] if several else []
    outline = _outline(record, outline_tokens)
    if outline:
        parts.append("Outline (section: pages):\n" + outline)
    if pieces:
        parts.append("Primary financial statements and key passages:\n" + "\n\n".join(
            context_block(None, p.section, p.pages, p.text) for p in pieces))
    return "\n\n".join(parts)


def _outline(record: DocumentRecord, max_tokens: int) -> str:
    """Top-level sections with their pages, while they fit ``max_tokens``."""
    entries = record.outline
    top = min((e.level for e in entries), default=1)
    lines, used = [], 0
    for entry in entries:
        if entry.level != top:
            continue
        start, end = entry.page_start, entry.page_end
        line = f"{entry.section}: {start}" + (f"-{end}" if end != start else "")
        cost = count_tokens(line) + 1
        if used + cost > max_tokens:
            break
        lines.append(line)
        used += cost
    return "\n".join(lines)
