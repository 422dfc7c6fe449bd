"""LLM enrichment at ingestion: typed replies, tokens recorded as cost, cached by content hash."""

from __future__ import annotations

import hashlib
import json

from flows.ingest import ingest_documents
from indexes import store


def _responder(request: dict) -> str:
    prompt = request["messages"][-1]["content"]
    numbers = [int(line[1 : line.index("]")]) for line in prompt.splitlines()
               if line.startswith("[") and "]" in line and line[1 : line.index("]")].isdigit()]
    return json.dumps({"summary": "An earnings release of Contoso.",
                       "sections": [{"index": i, "summary": f"Section {i} in brief."} for i in numbers]})


def test_enrichment_summaries_cost_and_cache(prefect_harness, settings, samples_dir, llm_server, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OPENAI_BASE_URL", llm_server.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    llm_server.responder = _responder
    pdf = samples_dir / "contoso_2024Q4_earnings.pdf"
    overrides = {"home": str(settings.home), "collection": settings.collection}
    # The cache is shared by the test run (it also holds the exported model): start this
    # document's enrichment from nothing, so the first run really calls the model.
    sha = hashlib.sha256(pdf.read_bytes()).hexdigest()
    for cached in (settings.cache_dir / "enrichment").glob(f"{sha}-*.json"):
        cached.unlink()

    first = ingest_documents([str(pdf)], overrides=overrides)
    result = first.documents[0]
    assert result.status == "added" and result.enrichment_tokens > 0
    calls = len(llm_server.requests)
    assert calls >= 1 and llm_server.requests[0]["response_format"]["type"] == "json_schema"
    record = store.get_index(settings).get_document(result.doc_id)
    assert record is not None and record.summary == "An earnings release of Contoso."
    assert record.enrichment_tokens == result.enrichment_tokens
    assert all(s.summary == f"Section {i} in brief." for i, s in enumerate(record.outline))

    # Forced re-index of the same bytes: the cached reply is used, no call, no cost.
    again = ingest_documents([str(pdf)], overrides=overrides, force=True)
    assert again.documents[0].status == "updated" and again.documents[0].enrichment_tokens == 0
    assert len(llm_server.requests) == calls
