"""What every request passes before the app sees it: the API key, then the body size (an API part).

A pure ASGI middleware, so that nothing reads a body before the key is checked: a request
without the right ``Authorization: Bearer <key>`` gets its 401 whatever it sends, and a body
larger than the limit gets a 413, from its ``Content-Length`` at once or, when it streams
without one, as soon as the bytes received pass the limit. The body of those errors is
``{"error": "..."}`` unless the app gives another shape for a path (the OpenAI-compatible
routes answer in OpenAI's).
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
ErrorBody = Callable[[str, int, str], dict[str, Any]]

UNAUTHORISED = "missing or wrong API key: send 'Authorization: Bearer <key>'"


def too_large(limit: int) -> str:
    """The message of a 413."""
    return (f"the request body is larger than the limit of {limit} bytes "
            "(DOCTHRIFT_MAX_REQUEST_BYTES)")


def plain_error(path: str, status: int, message: str) -> dict[str, Any]:
    """docthrift's error shape, whatever the path: ``{"error": message}``."""
    return {"error": message}


def bearer_matches(header: bytes | None, key: bytes) -> bool:
    """Whether an ``Authorization`` header value carries ``key``, compared as bytes.

    Header values are bytes on the wire; the key is compared as its UTF-8 bytes, so a
    non-ASCII key works and a non-ASCII token is simply wrong.
    """
    scheme, _, token = (header or b"").strip().partition(b" ")
    return scheme.lower() == b"bearer" and hmac.compare_digest(token.strip(), key)


class RequestGuard:
    """Checks the key (all paths but ``open_paths``), then caps the body at ``max_bytes``.

    ``error_body(path, status, message)`` shapes the body of its 401 and 413.
    """

    def __init__(self, app: ASGIApp, *, api_key: str | None, open_paths: frozenset[str],
                 max_bytes: int, error_body: ErrorBody = plain_error) -> None:
        self.app = app
        self.error_body = error_body
        self.key = api_key.encode("utf-8") if api_key is not None else None
        self.open_paths = open_paths
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        length = headers.get(b"content-length", b"0")
        # A body left unread must not be taken for the next request on this connection.
        unread = {"Connection": "close"} if length != b"0" or b"transfer-encoding" in headers \
            else {}
        if self.key is not None and scope["path"] not in self.open_paths \
                and not bearer_matches(headers.get(b"authorization"), self.key):
            await self._reply(scope, receive, send, 401, UNAUTHORISED,
                              {"WWW-Authenticate": "Bearer", **unread})
            return
        if length.isdigit() and int(length) > self.max_bytes:
            await self._reply(scope, receive, send, 413, too_large(self.max_bytes), unread)
            return
        await self.app(scope, self._counting(receive), send)

    def _counting(self, receive: Receive) -> Receive:
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:  # a streamed body: the app turns this into the 413
                raise HTTPException(413, too_large(self.max_bytes), {"Connection": "close"})
            return message

        return counted

    async def _reply(self, scope: Scope, receive: Receive, send: Send, status: int, error: str,
                     headers: dict[str, str]) -> None:
        body = self.error_body(scope["path"], status, error)
        await JSONResponse(body, status_code=status, headers=headers)(scope, receive, send)
