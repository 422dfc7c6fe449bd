"""The LLM client against the local OpenAI-compatible stand-in: retries, usage, cost."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from core.errors import AnswerError, ConfigError
from core.llm import DEFAULT_PRICES, LLM, Usage, cost_usd, make_llm
from core.settings import load_settings


def _llm(server, retries: int = 2) -> LLM:  # type: ignore[no-untyped-def]
    return LLM(model="gpt-4o-mini", base_url=server.base_url, api_key="test", timeout_s=10,
               max_retries=retries)


def test_answer_and_usage(llm_server) -> None:  # type: ignore[no-untyped-def]
    llm_server.responder = lambda request: "42"
    reply = _llm(llm_server).chat_text([{"role": "user", "content": "What is six times seven?"}])
    assert reply.text == "42"
    assert reply.usage.calls == 1 and reply.usage.completion_tokens == 1
    assert reply.usage.prompt_tokens > 5


def test_429_and_500_are_retried(llm_server) -> None:  # type: ignore[no-untyped-def]
    llm_server.failures = ["429", "500"]
    llm_server.responder = lambda request: "ok"
    reply = _llm(llm_server).chat_text([{"role": "user", "content": "hi"}])
    assert reply.text == "ok" and len(llm_server.requests) == 3


def test_retries_exhausted_gives_clear_error(llm_server) -> None:  # type: ignore[no-untyped-def]
    llm_server.failures = ["500", "500", "500"]
    with pytest.raises(AnswerError, match="HTTP 500"):
        _llm(llm_server, retries=2).chat_text([{"role": "user", "content": "hi"}])
    assert len(llm_server.requests) == 3


def test_empty_reply_is_asked_again_and_usage_summed(llm_server) -> None:  # type: ignore[no-untyped-def]
    llm_server.failures = ["empty"]
    llm_server.responder = lambda request: "fine"
    reply = _llm(llm_server).chat_text([{"role": "user", "content": "hello there"}])
    assert reply.text == "fine" and reply.usage.calls == 2
    one = reply.usage.prompt_tokens // 2
    assert reply.usage.prompt_tokens == 2 * one  # both calls' prompts counted


def test_malformed_http_body_raises(llm_server) -> None:  # type: ignore[no-untyped-def]
    llm_server.failures = ["malformed", "malformed"]
    with pytest.raises(AnswerError):
        _llm(llm_server).chat_text([{"role": "user", "content": "hi"}])


class Pair(BaseModel):
    a: int
    b: str


def test_schema_reply_validated_and_retried(llm_server) -> None:  # type: ignore[no-untyped-def]
    llm_server.failures = ["badjson"]
    llm_server.responder = lambda request: '{"a": 1, "b": "x"}'
    parsed, usage = _llm(llm_server).chat_model([{"role": "user", "content": "pair"}], Pair)
    assert parsed == Pair(a=1, b="x") and usage.calls == 2
    assert llm_server.requests[0]["response_format"]["type"] == "json_schema"


def test_cost_uses_cached_price_and_prefix_match() -> None:
    usage = Usage(prompt_tokens=1_000_000, cached_tokens=400_000, completion_tokens=100_000, calls=1)
    inp, cached, out = DEFAULT_PRICES["gpt-4o-mini"]
    expected = (600_000 * inp + 400_000 * cached + 100_000 * out) / 1e6
    assert cost_usd(usage, "gpt-4o-mini-2024-07-18", DEFAULT_PRICES) == pytest.approx(expected)
    assert cost_usd(usage, "my-local-model", DEFAULT_PRICES) is None


def test_cached_tokens_come_from_usage_and_are_priced_as_cached(llm_server) -> None:  # type: ignore[no-untyped-def]
    llm_server.prefix_cache = True
    llm_server.responder = lambda request: "ok"
    card = "Revenue was 1,284 million dollars in fiscal 2024. " * 150  # 2,101 tokens
    first = _llm(llm_server).chat_text([{"role": "user", "content": card},
                                        {"role": "user", "content": "Question one?"}])
    second = _llm(llm_server).chat_text([{"role": "user", "content": card},
                                         {"role": "user", "content": "Another question?"}])
    short = _llm(llm_server).chat_text([{"role": "user", "content": card[:2000]},
                                        {"role": "user", "content": "Question one?"}])
    assert first.usage.cached_tokens == 0
    # Shared: the card's message (4 framing tokens and 2,101) and the next message's framing:
    # 2,109 tokens, cached from 1,024 in whole steps of 128.
    assert second.usage.cached_tokens == 1024 + 8 * 128 == 2048
    assert second.usage.prompt_tokens > 2109
    assert short.usage.cached_tokens == 0  # about 580 shared tokens: under the minimum
    inp, cached, out = DEFAULT_PRICES["gpt-4o-mini"]
    u = second.usage
    assert cost_usd(u, "gpt-4o-mini", DEFAULT_PRICES) == pytest.approx(
        ((u.prompt_tokens - u.cached_tokens) * inp + u.cached_tokens * cached
         + u.completion_tokens * out) / 1e6)


def test_no_endpoint_is_a_config_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        make_llm(load_settings(home=tmp_path))
