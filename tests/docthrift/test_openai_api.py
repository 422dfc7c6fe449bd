"""The OpenAI-compatible endpoint through the official ``openai`` client, against a real
``docthrift serve`` app (uvicorn in a thread) over the indexed samples, with the stand-in as
the upstream model."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
import uvicorn

from answering.extractive import EXTRACTIVE_LABEL
from core.prompting import INSTRUCTIONS, NOT_IN_CONTEXT
from flows.ingest import ingest_documents
from indexes import store
from tests.server_helpers import start_server

KEY = "s3cret"
ANSWER = "Net revenue was $1,284.6 million in fiscal 2024 (p. 9)."
NW_10K, NW_10Q, CONTOSO = "northwind_2024_10K", "northwind_2025Q1_10Q", "contoso_2024Q4_earnings"


def _serve(settings: Any) -> tuple[uvicorn.Server, threading.Thread, str]:
    from docthrift.api import create_app

    server, thread, port = start_server(create_app(settings))
    return server, thread, f"http://127.0.0.1:{port}/v1"


@pytest.fixture(scope="module")
def home(prefect_harness, samples_dir: Path, tmp_path_factory) -> Iterator[Path]:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("openai-home")
    summary = ingest_documents([str(samples_dir)], overrides={"home": str(folder),
                                                              "collection": "chat"})
    assert not summary.failed
    yield folder
    store.close_indexes()


@pytest.fixture(scope="module")
def base_url(home: Path, fake_llm) -> Iterator[str]:  # type: ignore[no-untyped-def]
    from core.settings import load_settings

    settings = load_settings(home=home, collection="chat", api_key=KEY,
                             openai_base_url=fake_llm.base_url, openai_api_key="upstream-key",
                             model="gpt-4o-mini", llm_max_retries=0)
    server, thread, url = _serve(settings)
    yield url
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def client(base_url: str, llm_server) -> openai.OpenAI:  # type: ignore[no-untyped-def]
    llm_server.responder = lambda request: ANSWER
    return openai.OpenAI(base_url=base_url, api_key=KEY, max_retries=0)


def _summed(usages: list[dict[str, Any]]) -> tuple[int, int, int]:
    return (sum(u["prompt_tokens"] for u in usages), sum(u["completion_tokens"] for u in usages),
            sum(u["total_tokens"] for u in usages))


def test_models_list_docthrift(client: openai.OpenAI) -> None:
    assert [m.id for m in client.models.list()] == ["docthrift"]
    assert client.models.retrieve("docthrift").owned_by == "docthrift"
    with pytest.raises(openai.NotFoundError) as caught:
        client.models.retrieve("gpt-4o")
    assert caught.value.code == "model_not_found"


def test_answer_has_upstream_usage_and_citations(client: openai.OpenAI, llm_server) -> None:  # type: ignore[no-untyped-def]
    question = "What was Northwind's net revenue in FY2024?"
    done = client.chat.completions.create(
        model="docthrift", messages=[{"role": "user", "content": question}])
    assert done.object == "chat.completion" and done.model == "docthrift"
    assert done.choices[0].message.content == ANSWER
    assert done.choices[0].finish_reason == "stop"
    assert len(llm_server.usages) == 1
    assert done.usage is not None
    assert (done.usage.prompt_tokens, done.usage.completion_tokens,
            done.usage.total_tokens) == _summed(llm_server.usages)
    sent = llm_server.requests[-1]["messages"]
    # instructions, the documents (the stable prefix a provider caches), then the question
    assert [m["role"] for m in sent] == ["system", "user", "user"]
    assert sent[0]["content"] == INSTRUCTIONS and sent[1]["content"].startswith("Documents:")
    assert sent[-1]["content"].endswith(f"Question: {question}\nAnswer:")
    figures = done.model_extra["docthrift"]  # the extension field, kept by the client
    assert figures["answer_mode"] == "llm" and [s["step"] for s in figures["route"]] == ["retrieval"]
    assert figures["citations"] and {c["doc_id"] for c in figures["citations"]} == {NW_10K}
    assert all(p >= 1 for c in figures["citations"] for p in c["pages"])
    assert figures["usage"]["prompt_tokens"] == done.usage.prompt_tokens
    assert 0 < figures["usage"]["context_tokens"] <= 4000
    assert figures["tokens_avoided"] == figures["baseline_tokens"] - done.usage.prompt_tokens > 0


def test_ladder_usage_is_summed_over_steps(client: openai.OpenAI, llm_server) -> None:  # type: ignore[no-untyped-def]
    replies = iter([NOT_IN_CONTEXT, ANSWER])
    llm_server.responder = lambda request: next(replies)
    done = client.chat.completions.create(
        model="docthrift", messages=[{"role": "user", "content": "Northwind net revenue FY2024?"}])
    assert done.choices[0].message.content == ANSWER
    assert len(llm_server.usages) == 2
    assert done.usage is not None
    assert (done.usage.prompt_tokens, done.usage.completion_tokens,
            done.usage.total_tokens) == _summed(llm_server.usages)
    assert [s["step"] for s in done.model_extra["docthrift"]["route"]] == ["retrieval", "wider"]


def test_streaming_sends_chunks_then_usage(client: openai.OpenAI, llm_server) -> None:  # type: ignore[no-untyped-def]
    stream = client.chat.completions.create(
        model="docthrift", stream=True, stream_options={"include_usage": True},
        messages=[{"role": "user", "content": "What was Northwind's net revenue in FY2024?"}])
    chunks = list(stream)
    assert all(c.object == "chat.completion.chunk" for c in chunks)
    assert len({c.id for c in chunks}) == 1
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == ANSWER
    assert sum(1 for c in chunks if c.choices and c.choices[0].delta.content) > 1
    finish = [c for c in chunks if c.choices and c.choices[0].finish_reason]
    assert len(finish) == 1 and finish[0].choices[0].finish_reason == "stop"
    figures = finish[0].model_extra["docthrift"]
    assert figures["citations"] and figures["citations"][0]["doc_id"] == NW_10K
    last = chunks[-1]
    assert last.choices == [] and last.usage is not None
    assert (last.usage.prompt_tokens, last.usage.completion_tokens,
            last.usage.total_tokens) == _summed(llm_server.usages)
    assert all(c.usage is None for c in chunks[:-1])
    # Without include_usage no chunk carries usage.
    plain = list(client.chat.completions.create(
        model="docthrift", stream=True,
        messages=[{"role": "user", "content": "Northwind net revenue FY2024?"}]))
    assert all(c.usage is None for c in plain) and all(c.choices for c in plain)


def test_history_and_scope_reach_answering(client: openai.OpenAI, llm_server) -> None:  # type: ignore[no-untyped-def]
    turns: list[Any] = [
        {"role": "system", "content": "You are a pirate."},
        {"role": "user", "content": "Which drugs does Contoso sell?"},
        {"role": "assistant", "content": "Contoso sells several medicines."},
        {"role": "user", "content": "What was revenue in the quarter?"},
    ]
    done = client.chat.completions.create(
        model="docthrift", messages=turns,
        extra_body={"docthrift": {"doc_ids": [CONTOSO], "budget": 1000}})
    sent = llm_server.requests[-1]["messages"]
    assert [m["role"] for m in sent] == ["system", "user", "user", "assistant", "user"]
    assert sent[0]["content"] == INSTRUCTIONS  # the client's system message is not sent
    assert [m["content"] for m in sent[2:4]] == [turns[1]["content"], turns[2]["content"]]
    figures = done.model_extra["docthrift"]
    assert {c["doc_id"] for c in figures["citations"]} == {CONTOSO}
    assert figures["usage"]["context_tokens"] <= 1000
    assert figures["history_messages"] == {"received": 2, "kept": 2}
    # The same scope through OpenAI's metadata, whose values are strings.
    done = client.chat.completions.create(
        model="docthrift", messages=[{"role": "user", "content": "What was net revenue?"}],
        metadata={"doc_ids": NW_10Q, "budget": "800"})
    figures = done.model_extra["docthrift"]
    assert {c["doc_id"] for c in figures["citations"]} == {NW_10Q}
    assert figures["usage"]["context_tokens"] <= 800


def test_several_documents_restrict_routing(client: openai.OpenAI) -> None:
    scope = {"docthrift": {"doc_ids": [NW_10K, CONTOSO], "budget": 2000}}
    named = client.chat.completions.create(
        model="docthrift", extra_body=scope,
        messages=[{"role": "user", "content": "What was Contoso's revenue in Q4 2024?"}])
    assert {c["doc_id"] for c in named.model_extra["docthrift"]["citations"]} == {CONTOSO}
    unnamed = client.chat.completions.create(
        model="docthrift", extra_body=scope,
        messages=[{"role": "user", "content": "How many employees are there?"}])
    cited = {c["doc_id"] for c in unnamed.model_extra["docthrift"]["citations"]}
    assert cited and cited <= {NW_10K, CONTOSO}


def test_bad_key_is_an_openai_401(base_url: str) -> None:
    bad = openai.OpenAI(base_url=base_url, api_key="wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError) as caught:
        bad.chat.completions.create(model="docthrift",
                                    messages=[{"role": "user", "content": "revenue?"}])
    assert caught.value.status_code == 401
    assert caught.value.code == "invalid_api_key" and caught.value.type == "invalid_request_error"
    assert "Bearer" in caught.value.message
    with pytest.raises(openai.AuthenticationError):
        bad.models.list()
    missing = httpx.get(f"{base_url}/models")
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    assert missing.json()["error"]["code"] == "invalid_api_key"


def test_guard_and_framework_errors_are_openai_shaped_here_only(base_url: str) -> None:
    auth = {"Authorization": f"Bearer {KEY}"}
    # The guard refuses the key before reading a body it would also refuse for its size.
    huge = b"x" * 2_000_000
    unread = httpx.post(f"{base_url}/chat/completions", content=huge, timeout=60)
    assert unread.status_code == 401
    assert unread.json()["error"]["code"] == "invalid_api_key"
    big = httpx.post(f"{base_url}/chat/completions", content=huge, headers=auth, timeout=60)
    assert big.status_code == 413
    assert big.json()["error"]["code"] == "request_too_large" and "bytes" in big.json()["error"]["message"]
    wrong_method = httpx.get(f"{base_url}/chat/completions", headers=auth)
    assert wrong_method.status_code == 405
    assert set(wrong_method.json()["error"]) == {"message", "type", "param", "code"}
    # The rest of the API keeps docthrift's shape, under the same guard.
    plain = httpx.get(f"{base_url}/documents")
    assert plain.status_code == 401 and isinstance(plain.json()["error"], str)
    plain_big = httpx.post(f"{base_url}/query", content=huge, headers=auth, timeout=60)
    assert plain_big.status_code == 413 and isinstance(plain_big.json()["error"], str)


@pytest.mark.parametrize("request_body,status,param", [
    ({"model": "gpt-4o", "messages": [{"role": "user", "content": "x"}]}, 404, "model"),
    ({"model": "docthrift", "messages": []}, 400, "messages"),
    ({"model": "docthrift", "messages": [{"role": "assistant", "content": "x"}]}, 400, "messages"),
    ({"model": "docthrift", "messages": [{"role": "user", "content": [
        {"type": "image_url", "image_url": {"url": "http://x/y.png"}}]}]}, 400, "messages.0.content"),
    ({"model": "docthrift", "messages": [{"role": "user", "content": "   "}]}, 400, "messages"),
    ({"model": "docthrift", "messages": [{"role": "user", "content": "x"}], "n": 2}, 400, "n"),
    ({"model": "docthrift", "messages": [{"role": "user", "content": "x"}],
      "docthrift": {"budget": 5}}, 400, "docthrift.budget"),
    ({"model": "docthrift", "messages": [{"role": "user", "content": "x"}],
      "docthrift": {"doc_ids": ["nope"]}}, 404, "docthrift.doc_ids"),
    ({"model": "docthrift", "messages": [{"role": "user", "content": "x"}],
      "docthrift": {"doc_ids": []}}, 400, "docthrift.doc_ids"),
    ({"model": "docthrift", "messages": [{"role": "user", "content": "x"}],
      "metadata": {"budget": "lots"}}, 400, "metadata"),
])
def test_bad_input_is_openai_shaped(base_url: str, request_body, status, param) -> None:  # type: ignore[no-untyped-def]
    r = httpx.post(f"{base_url}/chat/completions", json=request_body, timeout=60,
                   headers={"Authorization": f"Bearer {KEY}"})
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert error["type"] == "invalid_request_error" and error["param"] == param and error["message"]


def test_upstream_failure_is_a_5xx_and_a_stream_error(client: openai.OpenAI, llm_server) -> None:  # type: ignore[no-untyped-def]
    llm_server.failures = ["500"]
    with pytest.raises(openai.InternalServerError) as caught:
        client.chat.completions.create(model="docthrift",
                                       messages=[{"role": "user", "content": "Northwind revenue?"}])
    assert caught.value.status_code == 502 and "HTTP 500" in caught.value.message
    llm_server.failures = ["500"]
    stream = client.chat.completions.create(
        model="docthrift", stream=True,
        messages=[{"role": "user", "content": "Northwind revenue?"}])
    with pytest.raises(openai.APIError, match="HTTP 500"):
        list(stream)


def test_without_a_model_the_answer_is_extractive(home: Path) -> None:
    from core.settings import load_settings

    server, thread, url = _serve(load_settings(home=home, collection="chat"))
    try:
        done = openai.OpenAI(base_url=url, api_key="unused", max_retries=0).chat.completions.create(
            model="docthrift",
            messages=[{"role": "user", "content": "What was Northwind's net revenue in FY2024?"}])
    finally:
        server.should_exit = True
        thread.join(10)
    content = done.choices[0].message.content or ""
    assert content.startswith(EXTRACTIVE_LABEL)
    assert done.usage is not None
    assert (done.usage.prompt_tokens, done.usage.completion_tokens, done.usage.total_tokens) == (0, 0, 0)
    figures = done.model_extra["docthrift"]
    assert figures["answer_mode"] == "extractive" and figures["citations"]
    assert figures["tokens_avoided"] == figures["baseline_tokens"]
