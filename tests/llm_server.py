"""A small OpenAI-compatible chat server on 127.0.0.1: the tests' only stand-in.

It speaks ``POST /v1/chat/completions`` with real HTTP, so the real ``openai`` client, its
retries and its ``usage`` parsing run. Tests queue failures (429, 500, malformed replies) and
set a responder that turns the request into reply text.

``usage.prompt_tokens_details.cached_tokens`` is ``cached_tokens`` as a test sets it, or, with
``prefix_cache`` on, what OpenAI's automatic prompt caching would report: the longest prefix
the prompt shares with an earlier request, in tokens, counted from 1,024 in steps of 128.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from core.cache_costs import cacheable
from core.pricing import OPENAI
from core.tokens import encoding

Responder = Callable[[dict[str, Any]], str]


def _default_responder(request: dict[str, Any]) -> str:
    if request.get("response_format"):
        return json.dumps({"summary": "A summary.", "sections": []})
    return "The context does not say."


class FakeLLM:
    """State shared with the handler: queued failures, the responder, requests seen."""

    def __init__(self) -> None:
        self.responder: Responder = _default_responder
        self.failures: list[str] = []  # "429", "500", "malformed", "empty", "badjson"
        self.requests: list[dict[str, Any]] = []
        self.usages: list[dict[str, Any]] = []  # the usage of every completion sent
        self.cached_tokens = 0
        self.prefix_cache = False
        self._seen: list[list[int]] = []  # the prompts' tokens, for prefix_cache
        self.lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> FakeLLM:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def reset(self) -> None:
        with self.lock:
            self.responder = _default_responder
            self.failures.clear()
            self.requests.clear()
            self.usages.clear()
            self.cached_tokens = 0
            self.prefix_cache = False
            self._seen.clear()

    def _cached(self, tokens: list[int]) -> int:
        """Cached prompt tokens of a prompt, as the test set them or as OpenAI counts them."""
        with self.lock:
            if not self.prefix_cache:
                return self.cached_tokens
            shared = max((len(os.path.commonprefix([tokens, seen])) for seen in self._seen),
                         default=0)
            self._seen.append(tokens)
        return cacheable(shared, OPENAI)

    def reply(self, request: dict[str, Any]) -> tuple[int, dict[str, Any] | str]:
        with self.lock:
            self.requests.append(request)
            failure = self.failures.pop(0) if self.failures else None
        if failure == "429":
            return 429, {"error": {"message": "rate limited", "type": "rate_limit"}}
        if failure == "500":
            return 500, {"error": {"message": "internal error", "type": "server_error"}}
        if failure == "malformed":
            return 200, "{not json"
        tokens = _prompt_tokens(request["messages"])
        prompt = len(tokens)
        cached = self._cached(tokens)
        text = "" if failure == "empty" else self.responder(request)
        if failure == "badjson":
            text = "this is not the JSON you asked for"
        completion = len(encoding().encode_ordinary(text))
        usage = {"prompt_tokens": prompt, "completion_tokens": completion,
                 "total_tokens": prompt + completion,
                 "prompt_tokens_details": {"cached_tokens": cached}}
        with self.lock:
            self.usages.append(usage)
        return 200, {
            "id": f"chatcmpl-{len(self.requests)}",
            "object": "chat.completion",
            "created": 0,
            "model": request.get("model", "test-model"),
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": text}}],
            "usage": usage,
        }


def _prompt_tokens(messages: list[dict[str, Any]]) -> list[int]:
    """The prompt as token ids: per message four framing tokens (its role's), then its text."""
    tokens: list[int] = []
    for message in messages:
        tokens += [-sum(map(ord, message.get("role") or ""))] * 4
        tokens += encoding().encode_ordinary(message.get("content") or "")
    return tokens


def _handler(state: FakeLLM) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep test output clean
            pass

        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            length = int(self.headers.get("Content-Length", 0))
            request = json.loads(self.rfile.read(length) or b"{}")
            if not self.path.endswith("/chat/completions"):
                self._send(404, {"error": {"message": f"no route {self.path}"}})
                return
            status, body = state.reply(request)
            self._send(status, body)

        def _send(self, status: int, body: dict[str, Any] | str) -> None:
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            if status == 429:
                self.send_header("Retry-After", "0")
            self.end_headers()
            self.wfile.write(data)

    return Handler
