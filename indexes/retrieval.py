"""Hybrid retrieval and context building under a token budget.

1. Route: the caller's document, or the documents the question names (company, period).
2. Search: dense (MiniLM) and sparse (BM25) ``prefetch`` in the index, fused with RRF by the
   engine, filtered to the routed documents' current versions.
3. Build: walk the fused hits best first; grow a text hit to its whole section when the
   section is small, else to its neighbours in the section; keep tables whole; stop adding at
   the budget. Pieces come out merged per section run and in document order.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from docthrift.errors import RetrievalError
from docthrift.models import ContextPiece, DocumentRecord, RetrievedContext
from docthrift.tokens import count_tokens
from indexes.backend import Fusion, Hit, Index
from indexes.catalog import StoredChunk, document_chunks
from indexes.embeddings import Embedder
from indexes.expansion import expand_query
from indexes.routing import route_question
from indexes.sparse import query_vector
from indexes.statements import statement_chunks, statements_for

__all__ = ["Fusion", "Hit", "RetrievalOptions", "add_seed", "build_pieces", "drop_covered_tables",
           "fill", "retrieve", "search_chunks", "select_positions"]


@dataclass(frozen=True)
class RetrievalOptions:
    """How retrieval trades tokens for recall; defaults chosen on the dev set (docs/retrieval.md)."""

    budget: int = 4000
    statement_share: float = 0.6
    candidates: int = 60
    prefetch: int = 120
    fusion: Fusion = "rrf"
    small_section_tokens: int = 600
    neighbours: int = 0
    # Across several documents: the share of the budget given out as per-document quotas
    # (indexes/budget_split.py); 1.0 measured best on the comparison set (docs/retrieval.md).
    split_share: float = 1.0


def search_chunks(index: Index, embedder: Embedder, question: str, versions: dict[str, str],
                  options: RetrievalOptions) -> list[Hit]:
    """Fused dense + sparse search over the current versions of the given documents."""
    return index.search(embedder.embed_query(question), query_vector(expand_query(question)),
                        list(versions.values()), prefetch=options.prefetch,
                        limit=options.candidates, fusion=options.fusion)


def _group(chunks: list[StoredChunk], position: int, options: RetrievalOptions) -> list[int]:
    """The positions a hit brings in: whole small section, else the hit and its neighbours."""
    hit = chunks[position]
    if hit.kind == "table":
        return [position]
    start = position
    while start > 0 and chunks[start - 1].section == hit.section and chunks[start - 1].kind == "text":
        start -= 1
    stop = position
    while stop + 1 < len(chunks) and chunks[stop + 1].section == hit.section and chunks[stop + 1].kind == "text":
        stop += 1
    if sum(c.tokens for c in chunks[start : stop + 1]) <= options.small_section_tokens:
        return list(range(start, stop + 1))
    return list(range(max(start, position - options.neighbours), min(stop, position + options.neighbours) + 1))


def select_positions(hits: list[Hit], catalog: dict[str, list[StoredChunk]],
                     options: RetrievalOptions,
                     seed: dict[str, list[int]] | None = None) -> dict[str, dict[int, float]]:
    """Chunks to send, per document, with the best score that brought each in.

    ``seed`` chunks (the statements a metric question needs) go first, within
    ``statement_share`` of the budget; then the hits, best first, until the budget.
    """
    chosen: dict[str, dict[int, float]] = defaultdict(dict)
    used = 0
    for doc_id, positions in (seed or {}).items():
        used = add_seed(chosen, catalog, doc_id, positions, used,
                        options.budget * options.statement_share)
    fill(hits, catalog, options, chosen, used, options.budget)
    drop_covered_tables(chosen, catalog)
    return chosen


def add_seed(chosen: dict[str, dict[int, float]], catalog: dict[str, list[StoredChunk]],
             doc_id: str, positions: list[int], used: int, limit: float) -> int:
    """Add the seed chunks of one document while ``used`` stays within ``limit``."""
    for p in positions:
        cost = catalog[doc_id][p].tokens
        if used + cost <= limit:
            chosen[doc_id][p] = 1.0
            used += cost
    return used


def fill(hits: list[Hit], catalog: dict[str, list[StoredChunk]], options: RetrievalOptions,
         chosen: dict[str, dict[int, float]], used: int, limit: int) -> int:
    """Add hits, best first (each grown by :func:`_group`, else alone), to ``chosen`` while
    the tokens used stay within ``limit``; return the tokens used."""
    for hit in hits:
        chunks = catalog[hit.doc_id]
        if hit.position >= len(chunks) or hit.position in chosen[hit.doc_id]:
            continue
        for group in (_group(chunks, hit.position, options), [hit.position]):
            new = [p for p in group if p not in chosen[hit.doc_id]]
            cost = sum(chunks[p].tokens for p in new)
            if used + cost <= limit:
                for p in new:
                    chosen[hit.doc_id][p] = hit.score
                used += cost
                break
        if used >= limit:
            break
    return used


def drop_covered_tables(chosen: dict[str, dict[int, float]],
                         catalog: dict[str, list[StoredChunk]]) -> None:
    """A table whose page is already in a chosen text chunk of its section is sent once."""
    for doc_id, positions in chosen.items():
        chunks = catalog[doc_id]
        covered = {(chunks[p].section, page) for p in positions if chunks[p].kind == "text"
                   for page in range(chunks[p].page_start, chunks[p].page_end + 1)}
        for p in [p for p in positions if chunks[p].kind == "table"]:
            if (chunks[p].section, chunks[p].page_start) in covered:
                del positions[p]


def build_pieces(chosen: dict[str, dict[int, float]], catalog: dict[str, list[StoredChunk]],
                 doc_order: list[str]) -> list[ContextPiece]:
    """Merge chosen chunks into runs of one section and kind, in document order."""
    pieces: list[ContextPiece] = []
    for doc_id in doc_order:
        positions = sorted(chosen.get(doc_id, {}))
        run: list[StoredChunk] = []
        for p in positions + [-1]:
            chunk = catalog[doc_id][p] if p >= 0 else None
            if run and (chunk is None or chunk.position != run[-1].position + 1
                        or chunk.section != run[-1].section or chunk.kind != run[-1].kind):
                text = "\n".join(c.text for c in run)
                pages = sorted({pg for c in run for pg in range(c.page_start, c.page_end + 1)})
                pieces.append(ContextPiece(
                    doc_id=doc_id, section=run[0].section, pages=pages, kind=run[0].kind,  # type: ignore[arg-type]
                    text=text, tokens=count_tokens(text), position=run[0].position,
                    score=max(chosen[doc_id][c.position] for c in run)))
                run = []
            if chunk is not None:
                run.append(chunk)
    return pieces


def _whole_documents(index: Index, question: str, doc_ids: list[str], versions: dict[str, str],
                     reason: str, options: RetrievalOptions) -> RetrievedContext | None:
    """Documents that fit the budget whole are sent whole, one block each, exactly as the
    whole-document prompt sends them: cheaper than any selection, never dearer than it."""
    pieces = []
    for doc_id in doc_ids:
        stored = document_chunks(index, doc_id, versions[doc_id])
        texts = [c for c in stored if c.kind == "text"]
        if not texts:
            continue
        text = "\n".join(c.text for c in texts)
        pieces.append(ContextPiece(
            doc_id=doc_id, section="", pages=list(range(1, max(c.page_end for c in texts) + 1)),
            kind="text", text=text, tokens=count_tokens(text), position=0, score=1.0))
    if not pieces or sum(p.tokens for p in pieces) > options.budget:
        return None
    return RetrievedContext(question=question, doc_ids=doc_ids, route=f"{reason}; whole document",
                            budget=options.budget, pieces=pieces)


def retrieve(index: Index, embedder: Embedder, question: str, *, doc_id: str | None = None,
             options: RetrievalOptions = RetrievalOptions(),
             records: list[DocumentRecord] | None = None) -> RetrievedContext:
    """Select context for ``question`` within ``options.budget`` tokens.

    Call it inside ``index.reading()`` when ``records`` were read before (so their versions
    stay readable); without ``records`` it reads them and holds that itself.

    Raises:
        RetrievalError: the named document is not indexed, or the index is empty.
    """
    with index.reading():
        return _retrieve(index, embedder, question, doc_id, options,
                         records if records is not None else index.list_documents())


def _retrieve(index: Index, embedder: Embedder, question: str, doc_id: str | None,
              options: RetrievalOptions, records: list[DocumentRecord]) -> RetrievedContext:
    by_id = {r.doc_id: r for r in records}
    if doc_id is not None:
        if doc_id not in by_id:
            raise RetrievalError(f"{doc_id}: no such document in the index; see 'docthrift docs'")
        doc_ids, reason = [doc_id], "document named by the caller"
    else:
        if not records:
            raise RetrievalError("the index is empty; add documents with 'docthrift ingest PATH'")
        route = route_question(question, records)
        doc_ids, reason = route.doc_ids or sorted(by_id), route.reason
    versions = {d: by_id[d].current_version for d in doc_ids}
    if sum(by_id[d].document_tokens for d in doc_ids) <= options.budget:
        whole = _whole_documents(index, question, doc_ids, versions, reason, options)
        if whole is not None:
            return whole
    hits = search_chunks(index, embedder, question, versions, options)
    catalog = {d: document_chunks(index, d, versions[d]) for d in {h.doc_id for h in hits}}
    seed: dict[str, list[int]] = {}
    needed = statements_for(question)
    if needed:
        for d in dict.fromkeys(h.doc_id for h in hits):  # documents in order of their best hit
            positions = statement_chunks(catalog[d], by_id[d].statements, needed)
            if positions:
                seed[d] = positions
    chosen = select_positions(hits, catalog, options, seed)
    pieces = build_pieces(chosen, catalog, doc_ids)
    return RetrievedContext(question=question, doc_ids=doc_ids, route=reason,
                            budget=options.budget, pieces=pieces)
