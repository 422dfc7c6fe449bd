"""In-process progress events, so an edge (the CLI's progress bar) can follow long work.

Library code and tasks call :func:`report`; nothing happens unless an edge subscribed.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from typing import Any, Iterator

Listener = Callable[[str, dict[str, Any]], None]
_listeners: list[Listener] = []


def report(event: str, **data: Any) -> None:
    """Tell every subscribed listener that ``event`` happened."""
    for listener in list(_listeners):
        listener(event, data)


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Subscribe ``listener`` for the duration of a ``with`` block."""
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)
