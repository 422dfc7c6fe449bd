"""Retrieval, budgeting and the answer ladder over the sample reports, with the LLM stand-in."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from answering.answering import QueryService, answer_question
from answering.extractive import EXTRACTIVE_LABEL
from answering.scope import retrieve_context
from core.llm import LLM
from core.prompting import NOT_IN_CONTEXT
from core.tokens import count_tokens
from flows.ingest import ingest_documents
from indexes import store
from indexes.catalog import StoredChunk, document_chunks
from indexes.retrieval import (
    Hit,
    RetrievalOptions,
    build_pieces,
    retrieve,
    search_chunks,
    select_positions,
)


@pytest.fixture(scope="module")
def indexed(prefect_harness, samples_dir: Path, tmp_path_factory, embedder):  # type: ignore[no-untyped-def]
    from core.settings import load_settings

    settings = load_settings(home=tmp_path_factory.mktemp("query-home"), collection="query")
    summary = ingest_documents([str(samples_dir)], overrides={"home": str(settings.home),
                                                              "collection": "query"})
    assert not summary.failed
    yield settings
    store.close_indexes()


@pytest.fixture
def service(indexed, embedder) -> QueryService:  # type: ignore[no-untyped-def]
    return QueryService(index=store.get_index(indexed), embedder=embedder, llm=None,
                        options=RetrievalOptions(budget=1500), wide_budget=4000)


def _questions(samples_dir: Path) -> list[dict]:
    return [json.loads(line) for line in (samples_dir / "questions.jsonl").read_text().splitlines()]


def test_context_within_cap_in_document_order(service, samples_dir) -> None:  # type: ignore[no-untyped-def]
    for budget in (300, 800, 2000):
        options = replace(service.options, budget=budget)
        context = retrieve(service.index, service.embedder,
                           "What was Northwind Robotics' net revenue in FY2024?", options=options)
        assert 0 < context.tokens <= options.cap == int(1.5 * budget)
        fixed = retrieve(service.index, service.embedder,
                         "What was Northwind Robotics' net revenue in FY2024?",
                         options=replace(options, cap_share=1.0))
        assert 0 < fixed.tokens <= budget
        positions = [(p.doc_id, p.position) for p in context.pieces]
        assert positions == sorted(positions, key=lambda x: (context.doc_ids.index(x[0]), x[1]))
        for piece in context.pieces:
            assert piece.pages and all(p >= 1 for p in piece.pages) and piece.section is not None
            assert piece.tokens == count_tokens(piece.text)


def test_routing_finds_the_filing_and_evidence(service, samples_dir) -> None:  # type: ignore[no-untyped-def]
    found = 0
    questions = _questions(samples_dir)
    for q in questions:
        answer = answer_question(service, q["question"], budget=2000, retrieve_only=True)
        docs = {c.doc_id for c in answer.citations}
        assert docs == {q["doc_id"]}, (q["question"], docs)
        pages = {p for c in answer.citations for p in c.pages}
        found += set(q["evidence_pages"]) <= pages
        assert answer.answer_mode == "none" and answer.answer == ""
        assert answer.usage.context_tokens == sum(c.tokens for c in answer.citations) <= 3000
        assert answer.baseline_tokens > answer.usage.context_tokens
    assert found >= len(questions) - 1, f"evidence found for {found} of {len(questions)}"


def _chunk(position: int, section: str, page: int, kind: str = "text", tokens: int = 100) -> StoredChunk:
    return StoredChunk("d", position, section, page, page, kind, f"{kind} {position}", tokens)


CATALOG = {"d": [
    _chunk(0, "A", 1), _chunk(1, "A", 1), _chunk(2, "A", 2),            # small section A: 300
    _chunk(3, "B", 3), _chunk(4, "B", 3), _chunk(5, "B", 4), _chunk(6, "B", 4),
    _chunk(7, "B", 5), _chunk(8, "B", 5), _chunk(9, "B", 6),            # big section B: 700
    _chunk(10, "B", 6, "table", tokens=250),                            # table on page 6
    _chunk(11, "C", 9, "table", tokens=400),                            # table alone in C
]}


def test_small_section_whole_big_section_neighbours_tables_whole() -> None:
    options = RetrievalOptions(budget=2000, small_section_tokens=350, neighbours=1, cap_share=1.0)
    chosen = select_positions([Hit("d", 1, 0.9)], CATALOG, options)
    assert sorted(chosen["d"]) == [0, 1, 2]                      # the whole small section
    chosen = select_positions([Hit("d", 5, 0.9)], CATALOG, options)
    assert sorted(chosen["d"]) == [4, 5, 6]                      # hit and its neighbours
    chosen = select_positions([Hit("d", 11, 0.9)], CATALOG, options)
    assert sorted(chosen["d"]) == [11]                           # a table, whole and alone
    pieces = build_pieces(chosen, CATALOG, ["d"])
    assert pieces[0].kind == "table" and pieces[0].pages == [9]


def test_budget_stops_and_covered_tables_are_dropped() -> None:
    options = RetrievalOptions(budget=450, small_section_tokens=350, neighbours=1, cap_share=1.0)
    hits = [Hit("d", 10, 0.9), Hit("d", 9, 0.8), Hit("d", 1, 0.7), Hit("d", 11, 0.6)]
    chosen = select_positions(hits, CATALOG, options)
    # table 10 (250) fits, then text 8-9 (200) fills the budget and covers page 6: table dropped.
    assert sorted(chosen["d"]) == [8, 9]
    assert sum(CATALOG["d"][p].tokens for p in chosen["d"]) <= 450
    pieces = build_pieces(chosen, CATALOG, ["d"])
    assert len(pieces) == 1 and pieces[0].pages == [5, 6] and pieces[0].position == 8


def test_equal_scores_come_in_document_order(service) -> None:  # type: ignore[no-untyped-def]
    # Rank fusion gives hits the same score (a dense-only and a sparse-only hit at the same
    # rank); their order must not depend on the engine's, so a context (and a document card)
    # is the same in every process.
    versions = {r.doc_id: r.current_version for r in service.records()}
    hits = search_chunks(service.index, service.embedder, "revenue operating income cash",
                         versions, RetrievalOptions(prefetch=8, candidates=16))
    assert len({h.score for h in hits}) < len(hits), "expected tied scores to order"
    assert hits == sorted(hits, key=lambda h: (-h.score, h.doc_id, h.position))


def test_held_chunks_are_never_chosen_again() -> None:
    options = RetrievalOptions(budget=2000, small_section_tokens=350, neighbours=1)
    held = {"d": {1, 10}}
    chosen = select_positions([Hit("d", 1, 0.9), Hit("d", 10, 0.8), Hit("d", 5, 0.7)], CATALOG,
                              options, seed={"d": [10, 11]}, held=held)
    # Held hits (1, 10) and the held seed chunk (10) are skipped; the rest as without it.
    assert sorted(chosen["d"]) == [4, 5, 6, 11]
    chosen = select_positions([Hit("d", 4, 0.9)], CATALOG, options, held={"d": {3, 5}})
    assert sorted(chosen["d"]) == [4]  # its neighbours are held


def test_document_card_leads_the_prompt_and_is_not_sent_again(service, llm_server) -> None:  # type: ignore[no-untyped-def]
    llm_server.responder = lambda request: "12.5% (p. 9)."
    svc = _with_llm(service, llm_server, card_tokens=3000, card_outline_tokens=200)
    doc = "northwind_2024_10K"
    record = next(r for r in svc.records() if r.doc_id == doc)
    card = svc.card([record], 1500)
    assert card is not None and card.pieces, "the sample 10-K's statements belong in its card"
    assert card.text.startswith("Document card:\nOutline (section: pages):\n")
    assert "Primary financial statements and key passages:" in card.text
    answer = answer_question(svc, "What was Northwind's operating margin in FY2024?", doc_id=doc,
                             budget=1500)
    first = llm_server.requests[-1]["messages"]
    assert first[1]["content"].endswith(card.text) and "Excerpts:" not in first[1]["content"]
    for piece in card.pieces:  # retrieval skips what the card holds
        assert piece.text not in first[2]["content"]
    cited = {p for c in answer.citations for p in c.pages}
    assert card.pages[doc] <= cited
    assert answer.route[0].context_tokens >= card.tokens + 1
    # Another question about the same document shares the stable prefix exactly.
    answer_question(svc, "Who was Northwind's largest customer in fiscal 2024?", doc_id=doc,
                    budget=1500)
    assert llm_server.requests[-1]["messages"][:2] == first[:2]
    # Without an explicit budget the excerpts after a card get the card's budget.
    lean = answer_question(replace(svc, card_budget=400), "Northwind research and development?",
                           doc_id=doc)
    assert 0 < lean.route[0].context_tokens - card.tokens <= 400
    # No card for a document that fits the budget whole, nor when turned off, nor when the
    # card and the excerpts would not be smaller than the document (5,400 tokens): the
    # question gets plain retrieval at the budget, never a prompt dearer than the whole text.
    assert svc.card([record], 100_000) is None
    big = replace(svc, card_tokens=8000, card_topic_tokens=700, card_budget=1200)
    assert big.card([record], 4000, 1200) is None
    plain = answer_question(big, "Who was Northwind's largest customer in fiscal 2024?",
                            doc_id=doc)
    assert "Document card:" not in llm_server.requests[-1]["messages"][1]["content"]
    assert plain.usage.prompt_tokens < plain.baseline_tokens
    assert replace(svc, card_tokens=0, card_outline_tokens=0).card([record], 1500) is None


def test_tables_are_cited_whole(service) -> None:  # type: ignore[no-untyped-def]
    answer = answer_question(service, "Northwind consolidated balance sheet total assets 2024",
                             doc_id="northwind_2024_10K", budget=600, retrieve_only=True)
    assert answer.citations
    tables = {c.text for c in answer.citations if c.kind == "table"}
    version = next(r.current_version for r in service.records()
                   if r.doc_id == "northwind_2024_10K")
    chunks = document_chunks(service.index, "northwind_2024_10K", version)
    stored = {c.text for c in chunks if c.kind == "table"}
    assert tables <= stored  # never a fragment of a table


def test_small_documents_go_whole(service) -> None:  # type: ignore[no-untyped-def]
    answer = answer_question(service, "Contoso guidance for 2025?", budget=4000, retrieve_only=True)
    record = next(r for r in service.records() if r.doc_id == "contoso_2024Q4_earnings")
    assert answer.usage.context_tokens <= record.document_tokens + 20
    assert sorted({p for c in answer.citations for p in c.pages}) == [1, 2, 3]
    assert answer.baseline_tokens > answer.usage.context_tokens


def test_extractive_without_model_is_labelled(service) -> None:  # type: ignore[no-untyped-def]
    answer = answer_question(service, "Who was Northwind's largest customer in fiscal 2024?")
    assert answer.answer_mode == "extractive"
    assert answer.answer.startswith(EXTRACTIVE_LABEL) and "Meridian" in answer.answer
    assert answer.usage.prompt_tokens == 0 and answer.usage.cost_usd == 0.0


def test_metadata_rung_spends_no_context(service) -> None:  # type: ignore[no-untyped-def]
    answer = answer_question(service, "What type of document is this?", doc_id="northwind_2025Q1_10Q")
    assert answer.answer_mode == "metadata" and "10-Q" in answer.answer
    assert answer.usage.context_tokens == 0 and answer.citations == []
    assert [s.step for s in answer.route] == ["metadata"]


def test_unknown_document_is_a_retrieval_error(service) -> None:  # type: ignore[no-untyped-def]
    from core.errors import DocumentNotFoundError

    with pytest.raises(DocumentNotFoundError, match="no such document"):
        answer_question(service, "Revenue?", doc_id="nope")


def _with_llm(service: QueryService, server, **kw) -> QueryService:  # type: ignore[no-untyped-def]
    llm = LLM(model="gpt-4o-mini", base_url=server.base_url, api_key="k", timeout_s=10, max_retries=2)
    return replace(service, llm=llm, **kw)


def test_llm_answer_usage_and_cost(service, llm_server) -> None:  # type: ignore[no-untyped-def]
    llm_server.responder = lambda request: "$1,284 million (p. 10)."
    llm_server.failures = ["429", "500"]  # retried by the client; only the success has usage
    answer = answer_question(_with_llm(service, llm_server), "Northwind net revenue FY2024?")
    assert answer.answer_mode == "llm" and answer.answer.startswith("$1,284")
    assert [s.step for s in answer.route] == ["retrieval"]
    assert len(llm_server.requests) == 3
    prompt = llm_server.requests[-1]["messages"]
    # Instructions, then the documents' header (the stable prefix), then excerpts and question.
    assert [m["role"] for m in prompt] == ["system", "user", "user"]
    assert prompt[1]["content"].startswith("Documents:\ndocument: northwind_2024_10K")
    assert prompt[2]["content"].index("Excerpts:") < prompt[2]["content"].index("Question:")
    step = answer.route[0]
    assert answer.usage.prompt_tokens == step.prompt_tokens > step.context_tokens > 0
    assert answer.usage.total_tokens == answer.usage.prompt_tokens + answer.usage.completion_tokens
    expected = (answer.usage.prompt_tokens * 0.15 + answer.usage.completion_tokens * 0.60) / 1e6
    assert answer.usage.cost_usd == pytest.approx(expected)


def test_ladder_widens_then_falls_back_to_whole_document(service, llm_server) -> None:  # type: ignore[no-untyped-def]
    replies = iter([NOT_IN_CONTEXT, NOT_IN_CONTEXT, "Found it in the whole document."])
    llm_server.responder = lambda request: next(replies)
    llm_server.cached_tokens = 10
    svc = _with_llm(service, llm_server, full_document_fallback=True)
    answer = answer_question(svc, "What is Northwind's policy on office plants?",
                             doc_id="northwind_2024_10K")
    assert [s.step for s in answer.route] == ["retrieval", "wider", "full-document"]
    first, wide, whole = answer.route
    assert first.context_tokens < wide.context_tokens < whole.context_tokens
    assert answer.usage.prompt_tokens == first.prompt_tokens + wide.prompt_tokens + whole.prompt_tokens
    assert answer.usage.context_tokens == first.context_tokens + wide.context_tokens + whole.context_tokens
    assert answer.answer == "Found it in the whole document."
    # Without the fallback the ladder stops after the wider retrieval.
    replies2 = iter([NOT_IN_CONTEXT, NOT_IN_CONTEXT])
    llm_server.responder = lambda request: next(replies2)
    answer = answer_question(_with_llm(service, llm_server), "Office plants policy?",
                             doc_id="northwind_2024_10K")
    assert [s.step for s in answer.route] == ["retrieval", "wider"]


def test_malformed_reply_twice_is_an_answer_error(service, llm_server) -> None:  # type: ignore[no-untyped-def]
    from core.errors import AnswerError

    llm_server.failures = ["malformed", "malformed"]
    with pytest.raises(AnswerError):
        answer_question(_with_llm(service, llm_server), "Northwind revenue?")


def test_several_documents_restrict_routing(service) -> None:  # type: ignore[no-untyped-def]
    from core.errors import RetrievalError

    pair = ["northwind_2024_10K", "contoso_2024Q4_earnings"]
    named = answer_question(service, "Contoso revenue Q4 2024?", doc_ids=pair, retrieve_only=True)
    assert {c.doc_id for c in named.citations} == {"contoso_2024Q4_earnings"}
    # A question that does not narrow the caller's documents splits the budget across them.
    unnamed = answer_question(service, "How many employees?", doc_ids=pair, retrieve_only=True)
    assert {c.doc_id for c in unnamed.citations} == set(pair)
    # The 10-Q is outside the scope even though the question names its quarter.
    outside = answer_question(service, "Northwind revenue in Q1 2025?", doc_ids=pair,
                              retrieve_only=True)
    assert {c.doc_id for c in outside.citations} == {"northwind_2024_10K"}
    with pytest.raises(RetrievalError, match="nope: no such document"):
        answer_question(service, "revenue?", doc_ids=[*pair, "nope"])
    with pytest.raises(RetrievalError, match="not both"):
        answer_question(service, "revenue?", doc_id=pair[0], doc_ids=pair)
    with pytest.raises(RetrievalError, match="empty"):
        answer_question(service, "revenue?", doc_ids=[])


def test_history_goes_before_the_question_most_recent_first_kept(service, llm_server) -> None:  # type: ignore[no-untyped-def]
    from core.prompting import HISTORY_MESSAGES, HISTORY_TOKENS

    llm_server.responder = lambda request: "$1,284 million."
    turns = [{"role": "user" if i % 2 == 0 else "assistant", "content": f"turn {i}"}
             for i in range(HISTORY_MESSAGES + 4)]
    answer_question(_with_llm(service, llm_server), "Northwind net revenue FY2024?",
                    history=[{"role": "system", "content": "ignored"}, *turns])
    sent = llm_server.requests[-1]["messages"]
    # instructions, the documents (the stable prefix), the history, then the question
    assert sent[1]["content"].startswith("Documents:")
    assert [m["content"] for m in sent[2:-1]] == [t["content"] for t in turns[-HISTORY_MESSAGES:]]
    assert sent[0]["role"] == "system" and "ignored" not in sent[0]["content"]
    assert sent[-1]["content"].endswith("Question: Northwind net revenue FY2024?\nAnswer:")
    # A long turn stops the history there: only what comes after it is kept.
    long_turn = {"role": "assistant", "content": "revenue " * HISTORY_TOKENS}
    answer_question(_with_llm(service, llm_server), "Northwind net revenue FY2024?",
                    history=[turns[0], long_turn, turns[1]])
    assert [m["content"] for m in llm_server.requests[-1]["messages"][2:-1]] == ["turn 1"]


COMPARISON = ("Answer both. (1) What was Northwind Robotics' net revenue in FY2024? "
              "(2) What was Contoso's revenue in Q4 2024?")


def test_a_question_naming_two_documents_splits_the_budget(service) -> None:  # type: ignore[no-untyped-def]
    from answering.answering import baseline_tokens
    from indexes.budget_split import quota_for

    pair = ["northwind_2024_10K", "contoso_2024Q4_earnings"]
    budget = 1200
    answer = answer_question(service, COMPARISON, budget=budget, retrieve_only=True)
    assert 0 < answer.usage.context_tokens <= replace(service.options, budget=budget).cap
    # Citations per document: both documents, each with pages and tokens, in naming order.
    shares = {d.doc_id: d for d in answer.documents}
    assert set(shares) == set(pair)
    assert all(d.pages and d.context_tokens > 0 for d in shares.values())
    assert sum(d.context_tokens for d in shares.values()) == answer.usage.context_tokens
    for doc_id, share in shares.items():
        cited = sorted({p for c in answer.citations if c.doc_id == doc_id for p in c.pages})
        assert share.pages == cited
    # The whole-document baseline counts both documents.
    records = [r for r in service.records() if r.doc_id in pair]
    assert answer.baseline_tokens == baseline_tokens(service, COMPARISON, records)
    assert answer.baseline_tokens > baseline_tokens(service, COMPARISON, records[:1])
    context = retrieve_context(service, COMPARISON, budget=budget)
    assert f"{quota_for(replace(service.options, budget=budget), 2)} tokens a document" in context.route


def test_quota_then_best_hits(service) -> None:  # type: ignore[no-untyped-def]
    from indexes.budget_split import quota_for, retrieve_split
    from indexes.routing import Subject

    records = service.records()
    pair = ["northwind_2024_10K", "contoso_2024Q4_earnings"]
    # The whole question is about Northwind; the second subject still gets its quota.
    question = "What was Northwind Robotics' net revenue in FY2024?"
    subjects = [Subject(question, [pair[0]]), Subject("Contoso revenue", [pair[1]])]
    options = replace(service.options, budget=3000, split_share=0.5)
    with service.index.reading():
        split = retrieve_split(service.index, service.embedder, question, subjects, records,
                               options, "test")
    per_doc = {d: sum(p.tokens for p in split.pieces if p.doc_id == d) for d in pair}
    assert all(tokens > 0 for tokens in per_doc.values()), per_doc
    assert 0 < split.tokens <= options.cap
    assert f"{quota_for(options, 2)} tokens a document" in split.route
    assert [p.doc_id for p in split.pieces] == sorted(
        (p.doc_id for p in split.pieces), key=pair.index)


def test_metadata_rung_lists_the_filings_of_a_company(service) -> None:  # type: ignore[no-untyped-def]
    answer = answer_question(service, "Which filings exist for Northwind Robotics?")
    assert answer.answer_mode == "metadata" and answer.usage.context_tokens == 0
    assert "northwind_2024_10K" in answer.answer and "northwind_2025Q1_10Q" in answer.answer
    assert "contoso" not in answer.answer and answer.answer.startswith("2 documents")
    quarterly = answer_question(service, "List the 10-Qs of Northwind Robotics")
    assert quarterly.answer.startswith("1 document: northwind_2025Q1_10Q")
    # A question about what the filings say is not a listing.
    assert answer_question(service, "Which reports mention Northwind's revenue?",
                           ).answer_mode == "extractive"


def test_a_question_is_routed_once_on_every_rung(service, llm_server, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import answering.scope
    import indexes.retrieval
    import indexes.routing

    calls: list[str] = []

    def counted(question, records):  # type: ignore[no-untyped-def]
        calls.append(question)
        return indexes.routing.route_question(question, records)

    for module in (answering.scope, indexes.retrieval):
        monkeypatch.setattr(module, "route_question", counted)
    replies = iter([NOT_IN_CONTEXT, NOT_IN_CONTEXT])
    llm_server.responder = lambda request: next(replies)
    answer = answer_question(_with_llm(service, llm_server),
                             "What is Northwind's policy on office plants in FY2024?")
    assert [s.step for s in answer.route] == ["retrieval", "wider"]
    assert len(calls) == 1, calls  # the scope is routed once, then both rungs read it
    calls.clear()
    answer_question(service, "What was Northwind's net revenue in FY2024?", retrieve_only=True)
    assert len(calls) == 1, calls


def test_a_quota_holds_its_documents_statements(service) -> None:  # type: ignore[no-untyped-def]
    """A metric question's statements are its document's evidence: in a quota they may take
    it up to its cap, where one document leaves part of its budget to the search."""
    from indexes.budget_split import retrieve_split
    from indexes.catalog import document_chunks
    from indexes.routing import Subject
    from indexes.statements import statement_chunks

    records = {r.doc_id: r for r in service.records()}
    annual, release = records["northwind_2024_10K"], records["contoso_2024Q4_earnings"]
    with service.index.reading():
        chunks = document_chunks(service.index, annual.doc_id, annual.current_version)
    balance = statement_chunks(chunks, annual.statements, {"balance"})
    size = sum(chunks[p].tokens for p in balance)
    assert balance and size > 0
    # Each quota is the statements' size: 60% of it (one document's statement share) would
    # not hold them, its cap (1.5 times) does.
    options = replace(service.options, budget=2 * size)
    subjects = [Subject("Has Northwind's quick ratio improved?", [annual.doc_id]),
                Subject("Contoso revenue in Q4 2024", [release.doc_id])]
    with service.index.reading():
        split = retrieve_split(service.index, service.embedder, "Compare them.", subjects,
                               list(records.values()), options, "test")
    sent = "\n".join(p.text for p in split.pieces if p.doc_id == annual.doc_id)
    assert all(chunks[p].text in sent for p in balance)
    assert any(p.doc_id == release.doc_id for p in split.pieces)  # the other quota still filled
    assert split.tokens <= options.cap
