"""Retrieval, budgeting and the answer ladder over the sample reports, with the LLM stand-in."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from docthrift.answering import QueryService, answer_question
from docthrift.extractive import EXTRACTIVE_LABEL
from docthrift.llm import LLM
from docthrift.prompting import NOT_IN_CONTEXT
from docthrift.tokens import count_tokens
from flows.ingest import ingest_documents
from indexes import store
from indexes.catalog import StoredChunk, document_chunks
from indexes.retrieval import Hit, RetrievalOptions, build_pieces, retrieve, select_positions


@pytest.fixture(scope="module")
def indexed(prefect_harness, samples_dir: Path, tmp_path_factory, embedder):  # type: ignore[no-untyped-def]
    from docthrift.settings import load_settings

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
    from docthrift.errors import RetrievalError

    with pytest.raises(RetrievalError, match="no such document"):
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
    assert prompt[1]["content"].index("Excerpts:") < prompt[1]["content"].index("Question:")
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
    from docthrift.errors import AnswerError

    llm_server.failures = ["malformed", "malformed"]
    with pytest.raises(AnswerError):
        answer_question(_with_llm(service, llm_server), "Northwind revenue?")
