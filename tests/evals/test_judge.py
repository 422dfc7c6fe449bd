"""The optional LLM judge against the local OpenAI-compatible stand-in."""

from __future__ import annotations

import json

import pytest

from core.errors import AnswerError
from core.llm import LLM
from evals.judge import judge_answer


def _llm(server) -> LLM:  # type: ignore[no-untyped-def]
    return LLM(model="gpt-4o-mini", base_url=server.base_url, api_key="test", timeout_s=10,
               max_retries=1)


@pytest.mark.parametrize("verdict", [True, False])
def test_judge_returns_verdict_and_own_usage(  # type: ignore[no-untyped-def]
        llm_server, verdict: bool) -> None:
    llm_server.responder = lambda request: json.dumps({"correct": verdict, "reason": "Same."})
    correct, usage = judge_answer(_llm(llm_server), "What was FY2022 capex?", "$1577.00",
                                  "$1.58 billion")
    assert correct is verdict
    assert usage.calls == 1 and usage.prompt_tokens > 0 and usage.completion_tokens > 0
    request = llm_server.requests[0]
    assert request["response_format"]["type"] == "json_schema"
    prompt = " ".join(m["content"] for m in request["messages"])
    assert "$1577.00" in prompt and "$1.58 billion" in prompt and "judge" in prompt


def test_judge_usage_counts_a_repeated_ask(llm_server) -> None:  # type: ignore[no-untyped-def]
    llm_server.failures = ["badjson"]
    llm_server.responder = lambda request: json.dumps({"correct": True, "reason": "ok"})
    correct, usage = judge_answer(_llm(llm_server), "q", "Yes", "Yes.")
    assert correct is True and usage.calls == 2


def test_judge_failure_is_an_answer_error(llm_server) -> None:  # type: ignore[no-untyped-def]
    llm_server.failures = ["badjson", "badjson"]
    with pytest.raises(AnswerError):
        judge_answer(_llm(llm_server), "q", "Yes", "Yes.")
