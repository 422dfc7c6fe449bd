"""The documents a question is answered from, and the one place where a scope becomes context.

A caller names no document (routing picks them from the question), one document, or several
(``doc_ids``: the OpenAI endpoint's ``docthrift.doc_ids``, the MCP tool ``search_documents``,
the Python API's ``ask`` and ``retrieve``). The question is routed once, by
:func:`resolve_scope`; every path that needs context (each rung of the answering ladder,
``retrieve_only``, the MCP tools, the Python API) then goes through :func:`retrieve_in_scope`
with that :class:`Scope`:

- no ids: routing over every indexed document (the company, period and type a question names);
- one id: that document;
- several ids: routing restricted to them; a question that names one of them narrows to it.

The budget is split across documents (:mod:`indexes.budget_split`: a quota per document, then
what is left to the best hits overall) when the question names several documents apart (two
companies, or one company's filings of two periods, in different parts of the question), or
when the caller's several documents stay several after routing. Otherwise one budget, best
hits first. :attr:`Scope.documents` gives the same documents, for the metadata rung and the
whole-document baseline, which counts all of them.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from core.errors import DocumentNotFoundError, RetrievalError
from core.models import DocumentRecord, RetrievedContext
from indexes.budget_split import document_subjects, retrieve_split
from indexes.retrieval import RetrievalOptions, retrieve
from indexes.routing import Route, Subject, route_question

if TYPE_CHECKING:
    from answering.answering import QueryService


def scope_ids(doc_id: str | None = None, doc_ids: Sequence[str] | None = None) -> list[str] | None:
    """The caller's scope as one list of ids, or None for routing over the whole index.

    Raises:
        RetrievalError: both forms were given, or the list is empty.
    """
    if doc_id is not None and doc_ids is not None:
        raise RetrievalError("give one document (doc_id) or a list (doc_ids), not both")
    if doc_id is not None:
        return [doc_id]
    if doc_ids is None:
        return None
    ids = list(dict.fromkeys(d.strip() for d in doc_ids if d and d.strip()))
    if not ids:
        raise RetrievalError("doc_ids is empty; name at least one document, or leave it out "
                             "to let the question pick them")
    return ids


def check_ids(doc_ids: Sequence[str], records: list[DocumentRecord]) -> list[DocumentRecord]:
    """The records of ``doc_ids``, in the order given.

    Raises:
        RetrievalError: some ids are not indexed (the message names them).
    """
    by_id = {r.doc_id: r for r in records}
    missing = [d for d in doc_ids if d not in by_id]
    if missing:
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        names = ", ".join(missing[:5]) + more
        raise DocumentNotFoundError(names)
    return [by_id[d] for d in doc_ids]


@dataclass(frozen=True)
class Scope:
    """A question's documents, routed once; every rung of the ladder reads this one.

    ``candidates``: the caller's documents (checked) or every indexed one. ``route``: the
    question routed over them, or None when the caller named exactly one document.
    """

    candidates: list[DocumentRecord]
    caller_ids: list[str] | None
    route: Route | None

    @property
    def documents(self) -> list[DocumentRecord]:
        """The records a question is answered from: the caller's documents narrowed by the
        route, or the routed documents when the caller named none (all when none routed)."""
        if self.route is None:
            return self.candidates
        if self.route.doc_ids is None:
            return sorted(self.candidates, key=lambda r: r.doc_id)
        chosen = set(self.route.doc_ids)
        return [r for r in self.candidates if r.doc_id in chosen]


def resolve_scope(question: str, records: list[DocumentRecord],
                  doc_ids: Sequence[str] | None) -> Scope:
    """Check the caller's ids and route the question, once.

    Raises:
        DocumentNotFoundError: some ids are not indexed.
    """
    ids = list(doc_ids) if doc_ids is not None else None
    candidates = check_ids(ids, records) if ids is not None else records
    route = None if ids is not None and len(ids) == 1 else route_question(question, candidates)
    return Scope(candidates, ids, route)


def retrieve_in_scope(service: QueryService, question: str, scope: Scope,
                      options: RetrievalOptions, *,
                      held: Mapping[str, Collection[int]] | None = None) -> RetrievedContext:
    """Context for ``question`` within ``options.budget`` over a resolved scope (no routing
    again: the scope's route decides the documents).

    Args:
        service: The query service (index, embedder).
        question: The question.
        scope: :func:`resolve_scope` of the question.
        options: Retrieval options, budget included.
        held: Chunk positions per document the prompt already carries (the document card).

    Raises:
        RetrievalError: the index is empty.
    """
    with service.index.reading():
        records = scope.candidates
        if scope.route is None:
            return retrieve(service.index, service.embedder, question,
                            doc_id=records[0].doc_id, options=options, records=records,
                            held=held)
        route = scope.route
        subjects = split_subjects(question, route,
                                  [r.doc_id for r in records] if scope.caller_ids else None)
        if subjects:
            return retrieve_split(service.index, service.embedder, question, subjects, records,
                                  options, route.reason if route.doc_ids else
                                  "documents named by the caller")
        return retrieve(service.index, service.embedder, question, options=options,
                        records=records, held=held, route=route)


def split_subjects(question: str, route: Route, scoped: list[str] | None) -> list[Subject]:
    """The subjects a budget is split across, or none for one budget, best hits first.

    Split: a question that names several sets of documents apart (two companies, two
    periods: the route's subjects), or a caller's several documents that the question does
    not narrow to one (one subject per document, each with the whole question).
    """
    if len(route.subjects) > 1:
        return route.subjects
    ids = route.doc_ids or scoped  # a question naming none of the caller's: all of them
    if scoped is not None and ids is not None and len(ids) > 1:
        return document_subjects(question, ids)
    return []


def retrieve_context(service: QueryService, question: str, *,
                     doc_ids: Sequence[str] | None = None,
                     budget: int | None = None) -> RetrievedContext:
    """The budgeted context alone (no model call): what the MCP tool and the Python API return.

    Args:
        service: The query service.
        question: The question.
        doc_ids: The documents to search; None lets the question pick them.
        budget: Context budget in o200k tokens (default: the service's).
    """
    options = replace(service.options, budget=budget or service.options.budget)
    with service.index.reading():
        scope = resolve_scope(question, service.records(), doc_ids)
        return retrieve_in_scope(service, question, scope, options)
