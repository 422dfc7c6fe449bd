"""The one LLM client: any OpenAI-compatible endpoint through the ``openai`` package.

Retries with exponential backoff on 429 and 5xx are the ``openai`` client's own
(``max_retries``); a reply that cannot be used (no choices, empty content, JSON that does not
match the schema asked for) is asked again once. Usage is read from every response and summed,
so an answer's token count includes every call it made.

Inside a Prefect flow or task run each call holds a slot of the global concurrency limit
``docthrift-llm`` (``DOCTHRIFT_LLM_CONCURRENCY``), so flow runs that share a Prefect server
never send more calls at once than that; created with that size when missing, and a call goes
ahead unlimited when the limit cannot be reached. Queries served outside a run are not limited.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from core.errors import AnswerError, ConfigError
from core.settings import Settings

log = logging.getLogger(__name__)

T = TypeVar("T", bound=BaseModel)

LLM_LIMIT = "docthrift-llm"
_LIMITS_SEEN: set[str] = set()  # Prefect API URLs where the limit is known to exist
_LIMITS_LOCK = threading.Lock()

# Dollars per million tokens: input, cached input, output. Override with DOCTHRIFT_PRICES.
DEFAULT_PRICES: dict[str, tuple[float, float, float]] = {
    "gpt-4o": (2.50, 1.25, 10.00),
    "gpt-4o-mini": (0.15, 0.075, 0.60),
    "gpt-4.1": (2.00, 0.50, 8.00),
    "gpt-4.1-mini": (0.40, 0.10, 1.60),
    "gpt-4.1-nano": (0.10, 0.025, 0.40),
    "gpt-5": (1.25, 0.125, 10.00),
    "gpt-5-mini": (0.25, 0.025, 2.00),
    "gpt-5-nano": (0.05, 0.005, 0.40),
    "gpt-4-turbo": (10.00, 10.00, 30.00),
}


@dataclass
class Usage:
    """Tokens an answer spent, summed over all of its calls."""

    prompt_tokens: int = 0
    cached_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def add(self, other: Usage) -> None:
        """Add another usage into this one."""
        self.prompt_tokens += other.prompt_tokens
        self.cached_tokens += other.cached_tokens
        self.completion_tokens += other.completion_tokens
        self.calls += other.calls


def price_for(model: str, prices: dict[str, tuple[float, float, float]]) -> tuple[float, float, float] | None:
    """Prices of ``model``: exact name, else the longest known prefix (dated snapshots)."""
    if model in prices:
        return prices[model]
    matches = [name for name in prices if model.startswith(name)]
    return prices[max(matches, key=len)] if matches else None


def cost_usd(usage: Usage, model: str, prices: dict[str, tuple[float, float, float]]) -> float | None:
    """Dollar cost of ``usage``; None when the model has no known price."""
    price = price_for(model, prices)
    if price is None:
        return None
    fresh = usage.prompt_tokens - usage.cached_tokens
    return (fresh * price[0] + usage.cached_tokens * price[1] + usage.completion_tokens * price[2]) / 1e6


@dataclass
class ChatReply:
    """Text of a reply and what it cost."""

    text: str
    usage: Usage = field(default_factory=Usage)


class LLM:
    """A configured chat client. Build with :func:`make_llm` at an edge."""

    def __init__(self, *, model: str, base_url: str | None, api_key: str | None,
                 timeout_s: float, max_retries: int, concurrency: int = 4) -> None:
        from openai import OpenAI  # imported here: the CLI's --help must stay fast

        self.model = model
        self.concurrency = concurrency
        self._client = OpenAI(
            base_url=base_url,
            api_key=api_key or "not-needed",
            timeout=timeout_s,
            max_retries=max_retries,
        )

    def chat(self, messages: list[dict[str, str]], *, max_tokens: int = 512,
             json_schema: dict[str, Any] | None = None) -> ChatReply:
        """Send one chat completion; raise AnswerError with the endpoint's reason on failure."""
        import openai

        kwargs: dict[str, Any] = {"model": self.model, "messages": messages,
                                  "max_tokens": max_tokens, "temperature": 0}
        if json_schema is not None:
            kwargs["response_format"] = {"type": "json_schema", "json_schema": json_schema}
        try:
            with llm_slot(self.concurrency):
                response = self._client.chat.completions.create(**kwargs)
        except openai.APIStatusError as exc:
            raise AnswerError(
                f"the model endpoint answered HTTP {exc.status_code} for model {self.model!r}: "
                f"{_short(exc.message)}"
            ) from exc
        except openai.APIConnectionError as exc:
            raise AnswerError(
                f"cannot reach the model endpoint ({exc}); check OPENAI_BASE_URL and the network"
            ) from exc
        except (ValueError, TypeError, AttributeError) as exc:  # a body that is not a completion
            raise _Malformed(f"the model endpoint sent an unreadable reply ({exc})", Usage()) from exc
        usage = _usage_of(response)
        choices = getattr(response, "choices", None) or []
        text = choices[0].message.content if choices and choices[0].message else None
        if not isinstance(text, str) or not text.strip():
            raise _Malformed("the model endpoint returned no text", usage)
        return ChatReply(text=text.strip(), usage=usage)

    def chat_text(self, messages: list[dict[str, str]], *, max_tokens: int = 512) -> ChatReply:
        """Chat, asking once more when the reply is empty; usage covers both calls."""
        return self._with_one_retry(lambda: self.chat(messages, max_tokens=max_tokens))

    def chat_model(self, messages: list[dict[str, str]], schema: type[T], *,
                   max_tokens: int = 1024) -> tuple[T, Usage]:
        """Chat for a reply that validates as ``schema``; ask once more when it does not."""
        json_schema = {"name": schema.__name__, "schema": schema.model_json_schema()}
        spent = Usage()

        def attempt() -> ChatReply:
            reply = self.chat(messages, max_tokens=max_tokens, json_schema=json_schema)
            try:
                parsed = schema.model_validate_json(_strip_fences(reply.text))
            except (ValidationError, json.JSONDecodeError) as exc:
                raise _Malformed(f"the reply does not match {schema.__name__}: {exc}", reply.usage) from exc
            reply.parsed = parsed  # type: ignore[attr-defined]
            return reply

        reply = self._with_one_retry(attempt, spent)
        return reply.parsed, reply.usage  # type: ignore[attr-defined]

    def _with_one_retry(self, call: Any, spent: Usage | None = None) -> ChatReply:
        spent = spent if spent is not None else Usage()
        for attempt in (1, 2):
            try:
                reply: ChatReply = call()
            except _Malformed as exc:
                spent.add(exc.usage)
                if attempt == 2:
                    raise AnswerError(f"{exc.reason} (asked twice); check the model {self.model!r}") from exc
                log.warning("malformed reply from %s, asking again: %s", self.model, exc.reason)
                continue
            spent.add(reply.usage)
            reply.usage = spent
            return reply
        raise AssertionError("unreachable")


@contextmanager
def llm_slot(size: int) -> Iterator[None]:
    """Hold a slot of the ``docthrift-llm`` limit when inside a Prefect flow or task run.

    Outside a run (queries, the CLI's ``ask``) this does nothing. Inside one, the limit is
    created with ``size`` slots when the server has none (never resized: the deployment
    commands set it), and a failure to reach it never fails the call.
    """
    context = sys.modules.get("prefect.context")  # no Prefect imported: not in a run
    if context is None or not (context.FlowRunContext.get() or context.TaskRunContext.get()):
        yield
        return
    from prefect.concurrency.sync import concurrency

    _ensure_limit(size)
    slot = ExitStack()
    try:
        slot.enter_context(concurrency(LLM_LIMIT, occupy=1, strict=False))
    except Exception as exc:  # the server is unreachable: the call itself will say so
        log.warning("cannot take a slot of %r, calling unlimited: %s", LLM_LIMIT, exc)
    with slot:
        yield


def _ensure_limit(size: int) -> None:
    """Create the limit once per Prefect API when it does not exist; log, never raise."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
    from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound
    from prefect.settings import PREFECT_API_URL

    url = str(PREFECT_API_URL.value() or "ephemeral")
    with _LIMITS_LOCK:
        if url in _LIMITS_SEEN:
            return
        try:
            with get_client(sync_client=True) as client:
                try:
                    client.read_global_concurrency_limit_by_name(LLM_LIMIT)
                except ObjectNotFound:
                    try:
                        client.create_global_concurrency_limit(
                            GlobalConcurrencyLimitCreate(name=LLM_LIMIT, limit=size))
                    except ObjectAlreadyExists:  # created meanwhile by another process
                        pass
            _LIMITS_SEEN.add(url)
        except Exception as exc:  # the limit is a guard rail: never fail a call over it
            log.warning("cannot prepare the Prefect concurrency limit %r: %s", LLM_LIMIT, exc)


class _Malformed(Exception):
    def __init__(self, reason: str, usage: Usage) -> None:
        super().__init__(reason)
        self.reason = reason
        self.usage = usage


def _usage_of(response: Any) -> Usage:
    usage = getattr(response, "usage", None)
    if usage is None:
        return Usage(calls=1)
    details = getattr(usage, "prompt_tokens_details", None)
    cached = getattr(details, "cached_tokens", 0) if details is not None else 0
    return Usage(
        prompt_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
        cached_tokens=int(cached or 0),
        completion_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
        calls=1,
    )


def _strip_fences(text: str) -> str:
    text = text.strip()
    if text.startswith("```"):
        text = text.split("\n", 1)[1] if "\n" in text else ""
        text = text.rsplit("```", 1)[0]
    return text


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def make_llm(settings: Settings) -> LLM:
    """The LLM client for these settings; ConfigError when no endpoint is configured."""
    if not settings.llm_configured:
        raise ConfigError(
            "no language model endpoint is configured; set OPENAI_API_KEY "
            "(and OPENAI_BASE_URL for a non-OpenAI endpoint)"
        )
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    return LLM(model=settings.model, base_url=settings.openai_base_url, api_key=key,
               timeout_s=settings.llm_timeout_s, max_retries=settings.llm_max_retries,
               concurrency=settings.llm_concurrency)
