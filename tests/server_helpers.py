"""Running the API in a test: a free port, a uvicorn server in a thread, waiting for a state."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import uvicorn


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(app: Any, timeout_s: float = 120) -> tuple[uvicorn.Server, threading.Thread, int]:
    """``app`` served by uvicorn in a daemon thread on a free port, once it has started."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + timeout_s
    while not server.started and time.time() < deadline:
        time.sleep(0.1)
    assert server.started, "the API did not start"
    return server, thread, port


def wait_for(what: str, check: Callable[[], Any], timeout_s: float = 90,
             every_s: float = 0.5) -> Any:
    """``check()``'s first truthy result, polled every ``every_s``; fails after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(every_s)
    raise AssertionError(f"timed out after {timeout_s:g} s waiting for {what}")
