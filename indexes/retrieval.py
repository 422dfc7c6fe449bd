"""Hybrid retrieval and context building under a token budget (docs/retrieval.md).

1. Route: the caller's document, or the documents the question names (company, period).
2. Search: dense (MiniLM) and sparse (BM25) ``prefetch`` in the index, fused with RRF by
   the engine, filtered to the routed documents' current versions. The sparse side weighs
   terms by their IDF among the documents in scope, not the whole index: within one 10-K,
   "revenue" is common and "retention" is rare, whatever the other filings say.
3. Cues: chunks that hold a phrase the question quotes go first; a metric question brings
   the financial statements its inputs sit in (of the best-matching document that has them).
4. Build (:mod:`indexes.selection`): the hits best first, each with its small section or its
   table whole; every hit until part of the budget is filled, then only strong hits, up to a
   cap, so a decisive question costs less than the budget and a spread one more. Pieces come
   out merged per section run and in document order.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from core.errors import DocumentNotFoundError, RetrievalError
from core.models import ContextPiece, DocumentRecord, RetrievedContext
from core.tokens import count_tokens
from indexes.backend import Fusion, Hit, Index
from indexes.catalog import StoredChunk, document_chunks, whole_text
from indexes.cues import MAX_MATCHES, phrase_positions, quoted_phrases
from indexes.embeddings import Embedder
from indexes.expansion import expand_query
from indexes.routing import Route, question_parts, route_question
from indexes.selection import build_pieces, choose, limits
from indexes.sparse import query_vector
from indexes.statements import statement_seed

__all__ = ["WHOLE_ROUTE", "Fusion", "Hit", "RetrievalOptions", "build_pieces", "retrieve",
           "search_chunks", "search_parts", "select_positions"]

WHOLE_ROUTE = "; whole document"  # ends the route of a context that is the documents whole


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
    # Across several documents: the share of the budget given out as per-document quotas
    # (indexes/budget_split.py); 1.0 measured best on the comparison set (docs/retrieval.md).
    split_share: float = 1.0

    @property
    def cap(self) -> int:
        """The most tokens one context may hold."""
        return int(self.budget * max(1.0, self.cap_share))


def search_chunks(index: Index, embedder: Embedder, question: str, versions: dict[str, str],
                  options: RetrievalOptions) -> list[Hit]:
    """Fused dense + sparse search over the current versions of the given documents, best
    first; equal scores (frequent with rank fusion) in document order, so the same question
    selects the same context in every process, and a document card stays byte-identical for
    a provider's prompt cache."""
    hits = index.search(embedder.embed_query(question), query_vector(expand_query(question)),
                        list(versions.values()), prefetch=options.prefetch,
                        limit=options.candidates, fusion=options.fusion,
                        scoped_idf=options.scoped_idf)
    return sorted(hits, key=lambda h: (-h.score, h.doc_id, h.position))


def search_parts(index: Index, embedder: Embedder, parts: list[str], versions: dict[str, str],
                 options: RetrievalOptions) -> list[Hit]:
    """:func:`search_chunks` for a question of several parts ("(1) ... (2) ...", sentences
    about different companies): each part searched alone and the lists merged by fused score,
    a chunk keeping its best. Searched as one text, the part with the rarer words takes the
    top of both lists and the other part's evidence falls below the budget; merged, every
    part's best hits come first (the scores are rank-based, so comparable across the lists)."""
    if len(parts) <= 1:
        return search_chunks(index, embedder, " ".join(parts), versions, options)
    best: dict[tuple[str, int], Hit] = {}
    for part in parts:
        for hit in search_chunks(index, embedder, part, versions, options):
            key = (hit.doc_id, hit.position)
            if key not in best or best[key].score < hit.score:
                best[key] = hit
    return sorted(best.values(), key=lambda h: (-h.score, h.doc_id, h.position))


def select_positions(hits: list[Hit], catalog: dict[str, list[StoredChunk]],
                     options: RetrievalOptions,
                     seed: dict[str, list[int]] | None = None,
                     held: Mapping[str, Collection[int]] | None = None) -> dict[str, dict[int, float]]:
    """Chunks to send, per document, with the best score that brought each in.

    ``seed`` chunks (the statements a metric question needs) go first, within
    ``statement_share`` of the budget; then the hits, best first (:func:`indexes.selection.choose`).
    ``held`` chunks are already in the prompt (the document card holds them): never chosen again.
    """
    bounds = limits(options.budget, floor_share=options.floor_share, cap_share=options.cap_share)
    return choose(hits, catalog, bounds, seed=seed,
                  seed_tokens=int(options.budget * options.statement_share),
                  small_section_tokens=options.small_section_tokens,
                  neighbours=options.neighbours, held=held)


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
        text, spans = whole_text(document_chunks(index, doc_id, versions[doc_id]))
        if not spans:
            continue
        pieces.append(ContextPiece(
            doc_id=doc_id, section="", pages=list(range(1, max(s[1] for s in spans) + 1)),
            kind="text", text=text, tokens=count_tokens(text), position=0, score=1.0))
    if not pieces or sum(p.tokens for p in pieces) > options.budget:
        return None
    return RetrievedContext(question=question, doc_ids=doc_ids, route=f"{reason}{WHOLE_ROUTE}",
                            budget=options.budget, pieces=pieces)


def retrieve(index: Index, embedder: Embedder, question: str, *, doc_id: str | None = None,
             options: RetrievalOptions = RetrievalOptions(),
             records: list[DocumentRecord] | None = None,
             held: Mapping[str, Collection[int]] | None = None,
             route: Route | None = None) -> RetrievedContext:
    """Select context for ``question``: about ``options.budget`` tokens, at most ``options.cap``.

    Call it inside ``index.reading()`` when ``records`` were read before (so their versions
    stay readable); without ``records`` it reads them and holds that itself. ``held``: chunk
    positions per document that the prompt already carries (the document card): retrieval
    skips them and spends the budget on the rest. ``route``: the question already routed over
    ``records`` (the caller routes once per question); without it, and without ``doc_id``,
    the question is routed here.

    Raises:
        DocumentNotFoundError: the named document is not indexed.
        RetrievalError: the index is empty.
    """
    with index.reading():
        return _retrieve(index, embedder, question, doc_id, options,
                         records if records is not None else index.list_documents(), held, route)


def _retrieve(index: Index, embedder: Embedder, question: str, doc_id: str | None,
              options: RetrievalOptions, records: list[DocumentRecord],
              held: Mapping[str, Collection[int]] | None,
              route: Route | None) -> RetrievedContext:
    by_id = {r.doc_id: r for r in records}
    if doc_id is not None:
        if doc_id not in by_id:
            raise DocumentNotFoundError(doc_id)
        doc_ids, reason = [doc_id], "document named by the caller"
    else:
        if not records:
            raise RetrievalError("the index is empty; add documents with 'docthrift ingest PATH'")
        route = route if route is not None else route_question(question, records)
        doc_ids, reason = route.doc_ids or sorted(by_id), route.reason
    versions = {d: by_id[d].current_version for d in doc_ids}
    if sum(by_id[d].document_tokens for d in doc_ids) <= options.budget:
        whole = _whole_documents(index, question, doc_ids, versions, reason, options)
        if whole is not None:
            return whole
    parts = question_parts(question, [by_id[d] for d in doc_ids])  # about the documents in scope
    hits = search_parts(index, embedder, parts, versions, options)
    catalog = {d: document_chunks(index, d, versions[d]) for d in {h.doc_id for h in hits}}
    hits = quoted_hits(question, hits, catalog)
    seed = statement_seed(question, [h.doc_id for h in hits], catalog,
                          {d: by_id[d].statements for d in catalog})
    chosen = select_positions(hits, catalog, options, seed, held)
    pieces = build_pieces(chosen, catalog, doc_ids)
    return RetrievedContext(question=question, doc_ids=doc_ids, route=reason,
                            budget=options.budget, pieces=pieces)
