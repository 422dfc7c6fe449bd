"""Answer a question with the cheapest rung of the escalation ladder that works.

1. ``metadata``: a question about a document-level field is answered from the extracted
   metadata, with zero context tokens.
2. ``retrieval``: context at the budget, after the document card (the same for every question
   about the document, so a provider's prompt cache can reuse it; with a card the excerpts get
   the card's budget); the model answers or says, in a fixed form, that the context does not
   contain the answer.
3. ``wider``: on that, one wider retrieval (larger budget, more neighbours, larger sections).
4. ``full-document``: the whole document(s), only when enabled in settings.

With no model configured the answer is ``extractive`` (the most relevant sentences of the
context, labelled as such), and ``retrieve_only`` returns the context alone.

The question is routed once (:func:`answering.scope.resolve_scope`) and every rung reads that
scope; it becomes context in one place, :func:`answering.scope.retrieve_in_scope`; earlier turns of a conversation (``history``) reach
the model after the stable prefix and before the question, on every rung.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from answering.card import DocumentCard, document_card
from answering.extractive import extractive_answer
from answering.metadata_answers import answer_from_metadata
from answering.scope import Scope, resolve_scope, retrieve_in_scope, scope_ids
from answering.whole_document import WholeContext, whole_document_context
from core.llm import DEFAULT_PRICES, LLM, Usage, cost_usd
from core.models import (
    Answer,
    AnswerUsage,
    Citation,
    ContextPiece,
    DocumentRecord,
    DocumentShare,
    RetrievedContext,
    RouteStep,
)
from core.prompting import (
    metadata_header,
    recent_history,
    render_context,
    render_messages,
    says_not_in_context,
    stable_prefix_tokens,
)
from indexes.backend import Index
from indexes.budget_split import MAX_SPLIT_DOCUMENTS
from indexes.embeddings import Embedder
from indexes.retrieval import WHOLE_ROUTE, RetrievalOptions

History = Sequence[Mapping[str, str]]


@dataclass
class QueryService:
    """What answering needs, built once at an edge (a CLI command, the API's start)."""

    index: Index
    embedder: Embedder
    llm: LLM | None
    options: RetrievalOptions
    wide_budget: int
    full_document_fallback: bool = False
    context_window: int = 128_000
    prices: dict[str, tuple[float, float, float]] = field(default_factory=lambda: dict(DEFAULT_PRICES))
    card_tokens: int = 0  # excerpts in the document card, per document; 0: none
    card_budget: int = 0  # budget of the question's excerpts after a card (0: the budget)
    card_topic_tokens: int = 0  # budget of each checklist topic in the card; 0: statements only
    card_outline_tokens: int = 0
    card_max_documents: int = 1

    def records(self) -> list[DocumentRecord]:
        """Every indexed document's record."""
        return self.index.list_documents()

    def whole(self, question: str, records: list[DocumentRecord], *,
              window: int | None = None) -> WholeContext:
        """The whole documents as one context, cut to the context window (or ``window``)."""
        return whole_document_context(self.index, question, records,
                                      window or self.context_window)

    def card(self, scope: list[DocumentRecord], budget: int,
             excerpts: int | None = None) -> DocumentCard | None:
        """The document card of ``scope``, or None: turned off, too many documents in scope,
        documents small enough to be sent whole within ``budget``, or a card that with
        ``excerpts`` tokens of excerpts (default ``budget``) would not be smaller than the
        documents themselves (a card must never make a prompt dearer than the whole text)."""
        whole = sum(r.document_tokens for r in scope)
        if not scope or (self.card_tokens <= 0 and self.card_outline_tokens <= 0) \
                or len(scope) > self.card_max_documents or whole <= budget:
            return None
        card = document_card(self.index, self.embedder, scope,
                             max_tokens=self.card_tokens, topic_tokens=self.card_topic_tokens,
                             outline_tokens=self.card_outline_tokens)
        return card if card.tokens + (excerpts or budget) < whole else None


@dataclass(frozen=True)
class Prompt:
    """What docthrift sends (or would send) for a question: the messages of its last rung."""

    messages: list[dict[str, str]]
    stable_tokens: int  # the leading tokens every question about the documents shares


def build_prompt(service: QueryService, question: str, scope: list[DocumentRecord],
                 context: RetrievedContext, card: DocumentCard | None,
                 history: History = ()) -> Prompt:
    """The one template: the card as reference and the context as excerpts, or, when the
    documents were small enough to be sent whole, exactly the whole-document prompt."""
    if context.route.endswith(WHOLE_ROUTE):
        whole = service.whole(question, scope)
        messages = render_messages(question, metadata_header(scope), "", whole.reference,
                                   history)
        return Prompt(messages=messages, stable_tokens=whole.stable_tokens)
    messages = render_messages(question, metadata_header(scope),
                               render_context(_citations(context)), card.text if card else "",
                               history)
    return Prompt(messages=messages, stable_tokens=stable_prefix_tokens(messages))


def baseline_tokens(service: QueryService, question: str, records: list[DocumentRecord]) -> int:
    """Prompt tokens of the same template with the whole document(s) as context."""
    return service.whole(question, records).prompt_tokens


def _citations(context: RetrievedContext) -> list[Citation]:
    return _plain(context.pieces)


def document_shares(context: RetrievedContext,
                    scope: list[DocumentRecord]) -> list[DocumentShare]:
    """The citations per document of the scope (only the cited ones of a wide scope)."""
    cited = {p.doc_id for p in context.pieces}
    shown = scope if len(scope) <= MAX_SPLIT_DOCUMENTS else [r for r in scope if r.doc_id in cited]
    return [DocumentShare(
        doc_id=r.doc_id,
        pages=sorted({pg for p in context.pieces if p.doc_id == r.doc_id for pg in p.pages}),
        context_tokens=sum(p.tokens for p in context.pieces if p.doc_id == r.doc_id),
        document_tokens=r.document_tokens) for r in shown]


def answer_question(service: QueryService, question: str, *, doc_id: str | None = None,
                    budget: int | None = None, retrieve_only: bool = False,
                    doc_ids: Sequence[str] | None = None, history: History = ()) -> Answer:
    """Run the ladder for one question and account for every token it spent.

    Args:
        service: The query service.
        question: The question.
        doc_id: Answer from this document only.
        budget: Context budget in o200k tokens (default: the service's).
        retrieve_only: Return the context alone, with no answer.
        doc_ids: Answer from these documents (instead of ``doc_id``); see
            :mod:`answering.scope` for how several are searched.
        history: Earlier ``{"role", "content"}`` turns of a conversation, sent to the model
            before the question: the most recent user and assistant messages within
            :func:`core.prompting.recent_history`'s limits; unused without a model.

    Raises:
        RetrievalError: a named document is not indexed, or the index is empty.
        AnswerError: the model endpoint failed.
    """
    return answer_with_prompt(service, question, doc_id=doc_id, budget=budget,
                              retrieve_only=retrieve_only, doc_ids=doc_ids, history=history)[0]


def answer_with_prompt(service: QueryService, question: str, *, doc_id: str | None = None,
                       budget: int | None = None, retrieve_only: bool = False,
                       doc_ids: Sequence[str] | None = None,
                       history: History = ()) -> tuple[Answer, Prompt | None]:
    """:func:`answer_question`, and the prompt of its last rung (None: no prompt, the
    metadata answered). Without a model the prompt is the one a model would have been sent.

    The records read at the start name the versions every later read uses; holding
    ``index.reading()`` keeps those versions readable while an ingestion switches documents.
    """
    ids = scope_ids(doc_id, doc_ids)
    with service.index.reading():
        return _answer(service, question, ids, budget, retrieve_only, recent_history(history))


def _answer(service: QueryService, question: str, ids: list[str] | None, budget: int | None,
            retrieve_only: bool, history: History) -> tuple[Answer, Prompt | None]:
    started = time.perf_counter()
    records = service.records()
    resolved = resolve_scope(question, records, ids)
    scope = resolved.documents
    options = replace(service.options, budget=budget or service.options.budget)
    steps: list[RouteStep] = []
    usage = Usage()
    mode, text = "none", ""
    prompt: Prompt | None = None
    meta = None if retrieve_only else answer_from_metadata(question, scope)
    # Without an explicit budget, the excerpts after a card get the card's budget.
    excerpts = service.card_budget if budget is None and service.card_budget else options.budget
    card = None if meta is not None else service.card(scope, options.budget, excerpts)
    if card is not None:
        options = replace(options, budget=excerpts)
    if meta is not None:
        steps.append(RouteStep(step="metadata"))
        mode, text = "metadata", meta
        context = RetrievedContext(question=question, doc_ids=[r.doc_id for r in scope],
                                   route="metadata", budget=options.budget, pieces=[])
    else:
        context = retrieve_in_scope(service, question, resolved, options,
                                    held=card.held if card else None)
        if retrieve_only or service.llm is None:
            steps.append(RouteStep(step="retrieval",
                                   context_tokens=context.tokens + (card.tokens if card else 0)))
            prompt = build_prompt(service, question, scope, context, card, history)
            if not retrieve_only:
                mode, text = "extractive", extractive_answer(question, context.pieces)
        else:
            mode = "llm"
            text, context, prompt = _ask_with_ladder(service, question, resolved, options,
                                                     context, card, steps, usage, history)
    cost = cost_usd(usage, service.llm.model, service.prices) if service.llm and usage.calls else (
        0.0 if not usage.calls else None)
    held = card.pieces if card and meta is None and steps[-1].step != "full-document" else []
    answer = Answer(
        question=question, answer=text, answer_mode=mode,  # type: ignore[arg-type]
        route=steps, citations=[*_plain(held), *_citations(context)],
        usage=AnswerUsage(context_tokens=sum(s.context_tokens for s in steps),
                          prompt_tokens=usage.prompt_tokens, cached_tokens=usage.cached_tokens,
                          completion_tokens=usage.completion_tokens,
                          total_tokens=usage.total_tokens, cost_usd=cost),
        baseline_tokens=baseline_tokens(service, question, scope),
        latency_ms=round((time.perf_counter() - started) * 1000, 1),
        documents=document_shares(context, scope),
    )
    return answer, prompt


def _plain(pieces: list[ContextPiece]) -> list[Citation]:
    return [Citation(**p.model_dump(exclude={"position", "score"})) for p in pieces]


def _ask(service: QueryService, messages: list[dict[str, str]], step: str, context_tokens: int,
         steps: list[RouteStep], usage: Usage) -> str:
    assert service.llm is not None
    reply = service.llm.chat_text(messages)
    usage.add(reply.usage)
    steps.append(RouteStep(step=step, context_tokens=context_tokens,
                           prompt_tokens=reply.usage.prompt_tokens,
                           completion_tokens=reply.usage.completion_tokens))
    return reply.text


def _ask_with_ladder(service: QueryService, question: str, resolved: Scope,
                     options: RetrievalOptions, context: RetrievedContext,
                     card: DocumentCard | None, steps: list[RouteStep], usage: Usage,
                     history: History) -> tuple[str, RetrievedContext, Prompt]:
    scope = resolved.documents
    card_tokens = card.tokens if card else 0
    prompt = build_prompt(service, question, scope, context, card, history)
    text = _ask(service, prompt.messages, "retrieval", context.tokens + card_tokens, steps, usage)
    if not says_not_in_context(text):
        return text, context, prompt
    wide = replace(options, budget=max(service.wide_budget, options.budget * 2),
                   neighbours=options.neighbours + 1,
                   small_section_tokens=options.small_section_tokens * 2)
    # The wider search reads the same scope: the same documents, no second routing.
    context = retrieve_in_scope(service, question, resolved, wide,
                                held=card.held if card else None)
    prompt = build_prompt(service, question, scope, context, card, history)
    text = _ask(service, prompt.messages, "wider", context.tokens + card_tokens, steps, usage)
    if not says_not_in_context(text) or not service.full_document_fallback:
        return text, context, prompt
    whole = service.whole(question, scope)
    messages = render_messages(question, metadata_header(scope), "", whole.reference, history)
    text = _ask(service, messages, "full-document", whole.context_tokens, steps, usage)
    return text, context, Prompt(messages=messages, stable_tokens=whole.stable_tokens)
