"""docthrift as an OpenAI-compatible model: ``GET /v1/models`` and ``POST /v1/chat/completions``.

Any OpenAI client (the ``openai`` SDKs, LangChain, LlamaIndex, Open WebUI) can point its base
URL at ``docthrift serve`` and ask the model ``docthrift``:

- The last user message is the question. Earlier user and assistant turns reach the upstream
  model before it (the most recent ones, see :func:`core.prompting.recent_history`);
  system and developer messages are ignored, since docthrift's instructions govern the answer;
  retrieval and routing read the question alone.
- Scope: the body field ``docthrift: {"doc_ids": [...], "budget": N}``, or the same keys in
  ``metadata`` as strings (``{"doc_ids": "a,b", "budget": "2000"}``, since OpenAI's metadata
  holds strings); ``docthrift`` wins when both are given. Without them, the question routes.
- The answer comes from the same ladder as ``POST /v1/query``; ``usage`` is the upstream
  model's, summed over the ladder's calls (zeros when no model is configured and the answer is
  extractive, which its text says). docthrift's own figures travel in the extension field
  ``docthrift``, which standard clients ignore.
- Streaming runs the whole ladder first (it reads each reply to decide whether to climb), then
  sends the final text in chunks of a few words; the role chunk goes out at once.
- Errors on these routes use OpenAI's shape, ``{"error": {"message", "type", "param", "code"}}``,
  whatever the rest of the API does: the request guard's 401 and 413 (through
  :func:`error_body`), the framework's errors and docthrift's own.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool

from answering.answering import QueryService, answer_question
from answering.scope import check_ids, scope_ids
from core.errors import (
    AnswerError,
    DocthriftError,
    DocumentNotFoundError,
    IndexingError,
    RetrievalError,
)
from core.models import Answer
from core.prompting import count_message_tokens, recent_history
from core.settings import Settings
from core.validation import MAX_BUDGET, MIN_BUDGET, check_question

log = logging.getLogger(__name__)

MODEL_ID = "docthrift"
OPENAI_PATHS = ("/v1/models", "/v1/chat/completions")
_WORDS_PER_CHUNK = 4
# OpenAI's codes for the statuses the guard and the framework answer on their own.
_CODES = {401: "invalid_api_key", 404: "not_found", 405: "method_not_allowed",
          413: "request_too_large"}


class OpenAIError(Exception):
    """An error answered in OpenAI's shape."""

    def __init__(self, status: int, message: str, *, kind: str = "invalid_request_error",
                 param: str | None = None, code: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.kind = status, message, kind
        self.param, self.code, self.headers = param, code, headers

    def body(self) -> dict[str, Any]:
        """``{"error": {"message", "type", "param", "code"}}``."""
        return {"error": {"message": self.message, "type": self.kind, "param": self.param,
                          "code": self.code}}

    def response(self) -> JSONResponse:
        """The error as a JSON response."""
        return JSONResponse(self.body(), status_code=self.status, headers=self.headers)


def speaks_openai(path: str) -> bool:
    """Whether ``path`` is one of the OpenAI-compatible routes."""
    return any(path == p or path.startswith(p + "/") for p in OPENAI_PATHS)


def error_body(path: str, status: int, message: str) -> dict[str, Any]:
    """An error's body for ``path``: OpenAI's shape on its routes, ``{"error": message}``
    elsewhere (see :class:`docthrift.api_guard.RequestGuard`)."""
    if not speaks_openai(path):
        return {"error": message}
    kind = "api_error" if status >= 500 else "invalid_request_error"
    return OpenAIError(status, message, kind=kind, code=_CODES.get(status)).body()


def _from_exception(exc: Exception) -> OpenAIError:
    """Any failure on these routes, in OpenAI's terms."""
    if isinstance(exc, OpenAIError):
        return exc
    if isinstance(exc, HTTPException):
        if exc.status_code == 401:
            return OpenAIError(401, str(exc.detail), code="invalid_api_key",
                               headers=dict(exc.headers or {}))
        kind = "invalid_request_error" if exc.status_code < 500 else "api_error"
        return OpenAIError(exc.status_code, str(exc.detail), kind=kind,
                           headers=dict(exc.headers or {}))
    if isinstance(exc, RequestValidationError):
        return _invalid(exc.errors())
    if isinstance(exc, DocumentNotFoundError):
        return OpenAIError(404, str(exc), param="docthrift.doc_ids", code="document_not_found")
    if isinstance(exc, RetrievalError):
        return OpenAIError(400, str(exc))
    if isinstance(exc, AnswerError):
        return OpenAIError(502, str(exc), kind="api_error", code="upstream_error")
    if isinstance(exc, IndexingError):
        return OpenAIError(503, str(exc), kind="api_error", code="index_unavailable")
    if isinstance(exc, DocthriftError):  # ConfigError and the rest: the server's side
        return OpenAIError(500, str(exc), kind="api_error")
    log.error("chat completion failed", exc_info=exc)
    return OpenAIError(500, f"internal error ({type(exc).__name__}); see the server's log",
                       kind="api_error")


def _invalid(errors: Any) -> OpenAIError:
    first = errors[0] if errors else {}
    param = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or None
    reasons = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ()) if p != 'body') or 'body'}: {e.get('msg')}"
        for e in errors)
    return OpenAIError(400, f"invalid request: {reasons}", param=param)


class _OpenAIRoute(APIRoute):
    """Answers every failure of its route, the auth dependency's included, in OpenAI's shape."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            # Every failure in OpenAI's shape; unknown ones are logged with their traceback.
            except Exception as exc:  # noqa: BLE001
                return _from_exception(exc).response()

        return handle


class ChatMessage(BaseModel):
    """One message of the conversation; content is a string or a list of text parts."""

    model_config = ConfigDict(extra="allow")

    role: str
    content: str | list[dict[str, Any]] | None = None


class DocthriftOptions(BaseModel):
    """The request's ``docthrift`` field: the documents in scope and the context budget."""

    model_config = ConfigDict(extra="forbid")

    doc_ids: list[str] | None = Field(
        None, description="Answer from these documents; without it, the question routes.")
    budget: int | None = Field(None, ge=MIN_BUDGET, le=MAX_BUDGET,
                               description="Context budget in o200k tokens.")


class StreamOptions(BaseModel):
    """``stream_options``: only ``include_usage`` has an effect."""

    model_config = ConfigDict(extra="allow")

    include_usage: bool = False


class ChatRequest(BaseModel):
    """Body of ``POST /v1/chat/completions``; other OpenAI parameters are accepted and ignored
    (docthrift's answering settings apply: temperature 0, its own reply length)."""

    model_config = ConfigDict(extra="allow")

    model: str
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False
    stream_options: StreamOptions | None = None
    n: int | None = None
    metadata: dict[str, Any] | None = None
    docthrift: DocthriftOptions | None = None


@dataclass(frozen=True)
class _Question:
    """What a chat request asks, ready for answering."""

    question: str
    history: list[dict[str, str]]
    doc_ids: list[str] | None
    budget: int | None


def _text(message: ChatMessage, index: int) -> str:
    if message.content is None or isinstance(message.content, str):
        return message.content or ""
    parts = []
    for part in message.content:
        if part.get("type") != "text" or not isinstance(part.get("text"), str):
            raise OpenAIError(400, f"messages[{index}]: only text content is supported, "
                              f"not {part.get('type')!r}", param=f"messages.{index}.content")
        parts.append(part["text"])
    return "\n".join(parts)


def _scope_from_metadata(metadata: dict[str, Any]) -> DocthriftOptions:
    raw_ids, raw_budget = metadata.get("doc_ids"), metadata.get("budget")
    try:
        ids = raw_ids.split(",") if isinstance(raw_ids, str) else raw_ids
        budget = int(raw_budget) if isinstance(raw_budget, str | int) else raw_budget
        return DocthriftOptions(doc_ids=ids, budget=budget)
    except (ValueError, ValidationError) as exc:
        raise OpenAIError(400, f"metadata: doc_ids must be comma-separated document ids and "
                          f"budget a number of tokens ({exc})", param="metadata") from exc


def read_question(body: ChatRequest, settings: Settings) -> _Question:
    """The question, the conversation before it and the scope of a chat request.

    Raises:
        OpenAIError: an unknown model, no user message, non-text content, a bad scope.
    """
    if body.model != MODEL_ID:
        raise OpenAIError(404, f"the model {body.model!r} does not exist; this server "
                          f"serves {MODEL_ID!r}", param="model", code="model_not_found")
    if body.n not in (None, 1):
        raise OpenAIError(400, "n must be 1: docthrift gives one answer", param="n")
    users = [i for i, m in enumerate(body.messages) if m.role == "user"]
    if not users or users[-1] != len(body.messages) - 1:
        raise OpenAIError(400, "the last message must be the user's question",
                          param="messages")
    question = _text(body.messages[-1], users[-1]).strip()
    history = [{"role": m.role, "content": _text(m, i)} for i, m in enumerate(body.messages[:-1])
               if m.role in ("user", "assistant")]
    options = body.docthrift or (_scope_from_metadata(body.metadata) if body.metadata
                                 else DocthriftOptions())
    try:
        check_question(question, options.budget, settings)
    except RetrievalError as exc:
        raise OpenAIError(400, str(exc), param="messages") from exc
    try:
        ids = scope_ids(doc_ids=options.doc_ids)
    except RetrievalError as exc:
        raise OpenAIError(400, str(exc), param="docthrift.doc_ids") from exc
    return _Question(question=question, history=history, doc_ids=ids, budget=options.budget)


def extension(answer: Answer, history: list[dict[str, str]]) -> dict[str, Any]:
    """The ``docthrift`` field of a completion: ``POST /v1/query``'s figures and the history kept.

    ``tokens_avoided`` is what sending the whole document(s) once, with the same history,
    would have cost in prompt tokens, less the prompt tokens the answer spent (all of it when
    no model was called); it is negative when the ladder climbed past that.
    """
    kept = recent_history(history)
    history_tokens = count_message_tokens(kept) if kept else 0
    spent = answer.usage.prompt_tokens
    avoided = answer.baseline_tokens + (history_tokens if spent else 0) - spent
    return {**answer.model_dump(exclude={"question", "answer"}), "tokens_avoided": avoided,
            "history_messages": {"received": len(history), "kept": len(kept)}}


def _usage(answer: Answer) -> dict[str, int]:
    u = answer.usage
    return {"prompt_tokens": u.prompt_tokens, "completion_tokens": u.completion_tokens,
            "total_tokens": u.total_tokens}


def _words(text: str) -> list[str]:
    words = re.findall(r"\s*\S+", text)
    return ["".join(words[i:i + _WORDS_PER_CHUNK]) for i in range(0, len(words), _WORDS_PER_CHUNK)]


def openai_router(settings: Settings, get_service: Callable[[], QueryService],
                  dependencies: Sequence[Any] = ()) -> APIRouter:
    """The OpenAI-compatible routes. The API's request guard checks the key before they run
    (its 401 in OpenAI's shape through :func:`error_body`).

    Args:
        settings: The server's settings (question limits).
        get_service: Returns the server's query service (built at start-up).
        dependencies: The API's route dependencies (the bearer scheme in its OpenAPI docs).
    """
    router = APIRouter(route_class=_OpenAIRoute, dependencies=list(dependencies),
                       tags=["OpenAI-compatible"])
    started = int(time.time())
    model = {"id": MODEL_ID, "object": "model", "created": started, "owned_by": "docthrift"}

    @router.get("/v1/models")
    def models() -> dict[str, Any]:
        return {"object": "list", "data": [model]}

    @router.get("/v1/models/{model_id}")
    def one_model(model_id: str) -> dict[str, Any]:
        if model_id != MODEL_ID:
            raise OpenAIError(404, f"the model {model_id!r} does not exist; this server serves "
                              f"{MODEL_ID!r}", param="model", code="model_not_found")
        return model

    @router.post("/v1/chat/completions", response_model=None)
    async def chat_completions(request: Request) -> Response:
        # The body is read here, inside the route, so that its errors take OpenAI's shape.
        try:
            body = ChatRequest.model_validate_json(await request.body())
        except ValidationError as exc:
            raise _invalid(exc.errors()) from exc
        asked = read_question(body, settings)
        service = get_service()
        if asked.doc_ids is not None:
            check_ids(asked.doc_ids, await run_in_threadpool(service.records))

        def answer() -> Answer:
            return answer_question(service, asked.question, doc_ids=asked.doc_ids,
                                   budget=asked.budget, history=asked.history)

        ident, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
        if not body.stream:
            done = await run_in_threadpool(answer)
            return JSONResponse({
                "id": ident, "object": "chat.completion", "created": created, "model": MODEL_ID,
                "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                             "message": {"role": "assistant", "content": done.answer,
                                         "refusal": None}}],
                "usage": _usage(done), "docthrift": extension(done, asked.history)})
        usage_chunk = bool(body.stream_options and body.stream_options.include_usage)
        return StreamingResponse(
            _stream(answer, asked.history, ident, created, usage_chunk),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    return router


async def _stream(answer: Callable[[], Answer], history: list[dict[str, str]], ident: str,
                  created: int, usage_chunk: bool) -> AsyncIterator[str]:
    """Server-sent events: the role, the text in chunks, the finish with ``docthrift``, the
    usage chunk when asked, then ``[DONE]``; a failure is one ``error`` event."""

    def event(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        chunk: dict[str, Any] = {
            "id": ident, "object": "chat.completion.chunk", "created": created, "model": MODEL_ID,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
            **({"usage": None} if usage_chunk else {}), **extra}
        return f"data: {json.dumps(chunk)}\n\n"

    yield event({"role": "assistant", "content": ""})
    try:
        done = await run_in_threadpool(answer)
    except Exception as exc:  # noqa: BLE001 (the stream has started: the failure is an event)
        yield f"data: {json.dumps(_from_exception(exc).body())}\n\n"
        return
    for piece in _words(done.answer):
        yield event({"content": piece})
    yield event({}, "stop", docthrift=extension(done, history))
    if usage_chunk:
        final = {"id": ident, "object": "chat.completion.chunk", "created": created,
                 "model": MODEL_ID, "choices": [], "usage": _usage(done)}
        yield f"data: {json.dumps(final)}\n\n"
    yield "data: [DONE]\n\n"
