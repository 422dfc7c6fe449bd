"""The Python API: its public names, and ingest → ask → retrieve → read on the samples."""

from __future__ import annotations

from pathlib import Path

import pytest

import docthrift
from answering.extractive import EXTRACTIVE_LABEL
from core.tokens import count_tokens
from docthrift import Docthrift

NW_10K, NW_10Q, CONTOSO = "northwind_2024_10K", "northwind_2025Q1_10Q", "contoso_2024Q4_earnings"

PUBLIC = [
    "Answer", "AnswerError", "AnswerUsage", "Citation", "ConfigError", "ContextPiece",
    "DatasetError", "Docthrift", "DocthriftError", "DocumentMetadata", "DocumentNotFoundError",
    "DocumentRecord", "DocumentResult", "DocumentShare", "ExtractionError",
    "IndexingError", "IngestSummary", "OutlineSection", "Passage", "RetrievalError",
    "RetrievedContext", "RouteStep", "Settings", "__version__",
]


def test_public_names_are_pinned() -> None:
    assert sorted(docthrift.__all__) == PUBLIC
    for name in docthrift.__all__:
        assert getattr(docthrift, name) is not None, name
    assert all(getattr(Docthrift, m).__doc__ for m in (
        "ingest", "ask", "retrieve", "documents", "document", "outline", "read", "close"))


def test_ingest_ask_retrieve_read(prefect_harness, corpus: Path, tmp_path: Path, llm_server) -> None:  # type: ignore[no-untyped-def]
    home = tmp_path / "home"
    with Docthrift(home, collection="api") as dt:
        assert dt.documents() == []
        summary = dt.ingest(corpus)
        assert not summary.failed and summary.totals["added"] == 3
        assert [d.doc_id for d in dt.documents()] == sorted([NW_10K, NW_10Q, CONTOSO])
        assert dt.document(NW_10K).metadata.doc_type == "10-K"
        with pytest.raises(docthrift.RetrievalError, match="no such document"):
            dt.document("missing")

        answer = dt.ask("What was Northwind's net revenue in FY2024?")
        assert isinstance(answer, docthrift.Answer) and answer.answer_mode == "extractive"
        assert answer.answer.startswith(EXTRACTIVE_LABEL)
        assert {c.doc_id for c in answer.citations} == {NW_10K}
        assert answer.baseline_tokens > answer.usage.context_tokens > 0

        context = dt.retrieve("revenue in the quarter", doc_ids=[CONTOSO, NW_10Q], budget=600)
        assert isinstance(context, docthrift.RetrievedContext)
        assert context.pieces and {p.doc_id for p in context.pieces} <= {CONTOSO, NW_10Q}
        assert sum(count_tokens(p.text) for p in context.pieces) == context.tokens <= 600
        with pytest.raises(docthrift.RetrievalError, match="nope: no such document"):
            dt.retrieve("revenue", doc_ids=[CONTOSO, "nope"])
        with pytest.raises(docthrift.RetrievalError, match="budget"):
            dt.ask("revenue?", budget=10)

        outline = dt.outline(NW_10K, max_level=1)
        assert outline and all(isinstance(e, docthrift.OutlineSection) for e in outline)
        passage = dt.read(NW_10K, section=outline[-1].section, budget=100)
        assert passage.tokens == count_tokens(passage.text) <= 100
        assert passage.truncated == (outline[-1].tokens > 100)

    with pytest.raises(docthrift.ConfigError, match="closed"):
        dt.documents()
    # Closed means released: the same local index opens again, here with a model configured.
    with Docthrift(home, collection="api", openai_base_url=llm_server.base_url,
                   openai_api_key="k") as dt:
        llm_server.responder = lambda request: "Revenue was $212.4 million."
        history = [{"role": "user", "content": "Tell me about Contoso."},
                   {"role": "assistant", "content": "Contoso is a drug maker."}]
        answer = dt.ask("What was revenue in Q4 2024?", doc_ids=[CONTOSO], history=history)
        assert answer.answer_mode == "llm" and answer.answer == "Revenue was $212.4 million."
        sent = llm_server.requests[-1]["messages"]
        assert [m["content"] for m in sent[2:4]] == [h["content"] for h in history]
        assert answer.usage.prompt_tokens == llm_server.usages[-1]["prompt_tokens"]
