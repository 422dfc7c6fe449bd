"""Hybrid retrieval and context building under a token budget (docs/retrieval.md).

1. Route: the caller's document, or the documents the question names (company, period).
2. Search: dense (MiniLM) and sparse (BM25) ``prefetch`` in the index, fused with RRF by
   the engine, filtered to the routed documents' current versions. The sparse side weighs
   terms by their IDF among the documents in scope, not the whole index: within one 10-K,
   "revenue" is common and "retention" is rare, whatever the other filings say.
3. Cues: chunks that hold a phrase the question quotes go first; a metric question brings
   the financial statements its inputs sit in (of the best-matching document).
4. Build (:mod:`indexes.selection`): the hits best first, each with its small section or its
   table whole; every hit until part of the budget is filled, then only strong hits, up to a
   cap, so a decisive question costs less than the budget and a spread one more. Pieces come
   out merged per section run and in document order.
"""

from __future__ import annotations

from dataclasses import dataclass

from docthrift.errors import RetrievalError
from docthrift.models import ContextPiece, DocumentRecord, RetrievedContext
from docthrift.tokens import count_tokens
from indexes.backend import Fusion, Hit, Index
from indexes.catalog import StoredChunk, document_chunks
from indexes.cues import MAX_MATCHES, phrase_positions, quoted_phrases
from indexes.embeddings import Embedder
from indexes.expansion import expand_query
from indexes.routing import route_question
from indexes.selection import build_pieces, choose, limits
from indexes.sparse import query_vector
from indexes.statements import statement_chunks, statements_for

__all__ = ["Fusion", "Hit", "RetrievalOptions", "build_pieces", "retrieve", "search_chunks",
           "select_positions"]


@dataclass(frozen=True)
class RetrievalOptions:
    """How retrieval trades tokens for recall; defaults chosen on two dev sets (docs/retrieval.md).

    ``budget`` is the context a question aims at on average: every context holds at least
    ``floor_share`` of it and strong hits may take it to ``cap_share`` of it
    (:mod:`indexes.selection`). With ``cap_share`` 1 the budget is fixed: every context fills
    it and stops there.
    """

    budget: int = 4000
    statement_share: float = 0.6
    candidates: int = 200
    prefetch: int = 200
    fusion: Fusion = "rrf"
    small_section_tokens: int = 600
    neighbours: int = 0
    floor_share: float = 0.6
    cap_share: float = 1.5
    scoped_idf: bool = True

    @property
    def cap(self) -> int:
        """The most tokens one context may hold."""
        return int(self.budget * max(1.0, self.cap_share))


def search_chunks(index: Index, embedder: Embedder, question: str, versions: dict[str, str],
                  options: RetrievalOptions) -> list[Hit]:
    """Fused dense + sparse search over the current versions of the given documents."""
    return index.search(embedder.embed_query(question), query_vector(expand_query(question)),
                        list(versions.values()), prefetch=options.prefetch,
                        limit=options.candidates, fusion=options.fusion,
                        scoped_idf=options.scoped_idf)


def select_positions(hits: list[Hit], catalog: dict[str, list[StoredChunk]],
                     options: RetrievalOptions,
                     seed: dict[str, list[int]] | None = None) -> dict[str, dict[int, float]]:
    """Chunks to send, per document, with the best score that brought each in.

    ``seed`` chunks (the statements a metric question needs) go first, within
    ``statement_share`` of the budget; then the hits, best first (:func:`indexes.selection.choose`).
    """
    bounds = limits(options.budget, floor_share=options.floor_share, cap_share=options.cap_share)
    return choose(hits, catalog, bounds, seed=seed,
                  seed_tokens=int(options.budget * options.statement_share),
                  small_section_tokens=options.small_section_tokens,
                  neighbours=options.neighbours)


def quoted_hits(question: str, hits: list[Hit], catalog: dict[str, list[StoredChunk]]) -> list[Hit]:
    """The hits with the chunks that hold a quoted phrase moved to the top (best rank first)."""
    phrases = quoted_phrases(question)
    if not phrases or not hits:
        return hits
    rank = {(h.doc_id, h.position): i for i, h in enumerate(hits)}
    found: list[tuple[str, int]] = []
    for phrase in phrases:
        matches = [(doc_id, p) for doc_id, chunks in catalog.items()
                   for p in phrase_positions(chunks, phrase)]
        matches.sort(key=lambda key: rank.get(key, len(rank)))
        found.extend(matches[:MAX_MATCHES])
    top = hits[0].score
    first = [Hit(doc_id, p, top) for doc_id, p in dict.fromkeys(found)]
    return first + [h for h in hits if (h.doc_id, h.position) not in set(found)]


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


def _statement_seed(question: str, hits: list[Hit], catalog: dict[str, list[StoredChunk]],
                    by_id: dict[str, DocumentRecord]) -> dict[str, list[int]]:
    """The statement chunks a metric question needs, from the document of its best hit only
    (with several documents in scope, one set of statements is what the budget allows)."""
    needed = statements_for(question)
    if not needed or not hits:
        return {}
    best = hits[0].doc_id
    positions = statement_chunks(catalog[best], by_id[best].statements, needed)
    return {best: positions} if positions else {}


def retrieve(index: Index, embedder: Embedder, question: str, *, doc_id: str | None = None,
             options: RetrievalOptions = RetrievalOptions(),
             records: list[DocumentRecord] | None = None) -> RetrievedContext:
    """Select context for ``question``: about ``options.budget`` tokens, at most ``options.cap``.

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
    hits = quoted_hits(question, hits, catalog)
    seed = _statement_seed(question, hits, catalog, by_id)
    chosen = select_positions(hits, catalog, options, seed)
    pieces = build_pieces(chosen, catalog, doc_ids)
    return RetrievedContext(question=question, doc_ids=doc_ids, route=reason,
                            budget=options.budget, pieces=pieces)
