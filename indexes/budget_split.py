"""Context across several documents: a quota for each, then the rest to the best hits.

Retrieval under one budget takes the best hits first, so a comparison ("how did capital
expenditure change from the 2021 to the 2022 10-K", "which of AMCOR and Pfizer ...") can spend
the whole budget in one document and send nothing from the other. Across ``n`` documents
(2 to :data:`MAX_SPLIT_DOCUMENTS`) and a budget ``B``, the rule is:

1. **Quota**: each document gets ``floor(B * split_share / n)`` tokens (``split_share`` is a
   :class:`~indexes.retrieval.RetrievalOptions` field, 1.0 by default: the whole budget), filled with its own
   best hits, searched with the part of the question about it (its
   :class:`~indexes.routing.Subject` text, else the whole question); first the statements a
   metric question needs, up to the quota's cap. A document whose hits do
   not fill its quota (a group that does not fit, a short document) leaves the rest to step 2.
   Each quota is filled as a budget of its own (:func:`indexes.selection.choose`, with the
   whole quota as its floor and up to its cap for strong hits), so the whole context stays
   within the budget's cap as with one document.
2. **The rest**: what is left of ``B`` goes to the best hits over all the documents, whatever
   their document: the documents' own hit lists merged by their fused scores (rank-based, so
   comparable across the searches).

Documents that fit the budget whole together are sent whole, as with one document. Pieces
come out per document, in the order the documents were named.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from core.models import DocumentRecord, RetrievedContext
from indexes.backend import Index
from indexes.catalog import StoredChunk, document_chunks
from indexes.embeddings import Embedder
from indexes.retrieval import RetrievalOptions, retrieve, search_chunks
from indexes.routing import Subject
from indexes.selection import Limits, build_pieces, choose, limits
from indexes.statements import statement_seed

# Beyond this many documents a quota is too small to hold a section: one budget, best first.
MAX_SPLIT_DOCUMENTS = 8


def quota_for(options: RetrievalOptions, documents: int) -> int:
    """Each document's quota of the budget (step 1 of the rule)."""
    return int(options.budget * options.split_share) // max(1, documents)


def retrieve_split(index: Index, embedder: Embedder, question: str, subjects: Sequence[Subject],
                   records: Sequence[DocumentRecord], options: RetrievalOptions,
                   reason: str) -> RetrievedContext:
    """Context for ``question`` over the subjects' documents under the module's rule.

    Args:
        index: The index.
        embedder: The query embedder.
        question: The whole question (the context's label).
        subjects: The parts of the question and the documents each names.
        records: The records of (at least) those documents, read inside ``index.reading()``.
        options: Retrieval options, the budget and ``split_share`` included.
        reason: Why these documents (the route's reason), kept in the context.
    """
    by_id = {r.doc_id: r for r in records}
    doc_ids = list(dict.fromkeys(d for s in subjects for d in s.doc_ids))
    texts = {d: " ".join(dict.fromkeys(s.text for s in subjects if d in s.doc_ids))
             for d in doc_ids}
    versions = {d: by_id[d].current_version for d in doc_ids}
    if (len(doc_ids) > MAX_SPLIT_DOCUMENTS
            or sum(by_id[d].document_tokens for d in doc_ids) <= options.budget):
        return retrieve(index, embedder, question, options=options,
                        records=[by_id[d] for d in doc_ids])
    quota = quota_for(options, len(doc_ids))
    own = {d: search_chunks(index, embedder, texts[d], {d: versions[d]}, options) for d in doc_ids}
    catalog = {d: document_chunks(index, d, versions[d]) for d in doc_ids}
    chosen: dict[str, dict[int, float]] = defaultdict(dict)
    for d in doc_ids if quota > 0 else []:
        seed = statement_seed(texts[d], [d], catalog, {d: by_id[d].statements})
        # Each quota is filled whole (a document named must get its share), up to its cap
        # for strong hits. The statements a metric question needs are this document's
        # evidence and may take the quota up to its cap (one document keeps part of its budget
        # for the search, `statement_share`; a quota is too small to share with them).
        bounds = _limits(quota, options, floor_share=1.0)
        picked = choose(own[d], catalog, bounds, seed=seed, seed_tokens=bounds.cap,
                        small_section_tokens=options.small_section_tokens,
                        neighbours=options.neighbours)
        chosen[d].update(picked.get(d, {}))
    left = options.budget - _tokens(chosen, catalog)
    if left > 0:
        rest = [h for h in sorted((h for d in doc_ids for h in own[d]), key=lambda h: -h.score)
                if h.position not in chosen[h.doc_id]]
        for d, positions in choose(rest, catalog, _limits(left, options),
                                   small_section_tokens=options.small_section_tokens,
                                   neighbours=options.neighbours).items():
            chosen[d].update(positions)
    pieces = build_pieces(chosen, catalog, doc_ids)
    return RetrievedContext(question=question, doc_ids=doc_ids,
                            route=f"{reason}; {quota} tokens a document, then the best hits",
                            budget=options.budget, pieces=pieces)


def _limits(budget: int, options: RetrievalOptions, floor_share: float | None = None) -> Limits:
    return limits(budget, floor_share=options.floor_share if floor_share is None else floor_share,
                  cap_share=options.cap_share)


def _tokens(chosen: dict[str, dict[int, float]], catalog: dict[str, list[StoredChunk]]) -> int:
    return sum(catalog[d][p].tokens for d, positions in chosen.items() for p in positions)


def document_subjects(question: str, doc_ids: Sequence[str]) -> list[Subject]:
    """One subject per document, each with the whole question: the split for a caller's
    documents when the question itself does not tell them apart."""
    return [Subject(question, [d]) for d in doc_ids]

