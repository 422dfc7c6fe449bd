"""Extraction in a worker process, so one document is embedded while the next is read.

Extraction (PyMuPDF, then the structure and table code in Python) holds the GIL for most of
its time; embedding spends its time in ONNX Runtime, which releases it. Run in one process,
one after the other, extraction leaves a core idle. Here a child process extracts the next
documents while the caller embeds and writes the current one::

    caller:  embed 1 │ upsert 1 │ embed 2 │ upsert 2 │ embed 3 ...
    worker:  extract 2          │ extract 3         │ extract 4 ...

- :class:`ExtractionWorker` owns one child process (``spawn``, so no thread or lock of the
  caller is copied into it), started on first use. What the child logs while it extracts is
  sent back with the document and logged again in the caller under the same logger name.
- If the child dies (killed, out of memory, a crash inside MuPDF), the document it was
  reading fails with an :class:`~core.errors.ExtractionError` saying so, and the next
  document gets a fresh child.
- :func:`run_ahead` keeps up to ``ahead`` items started past the one the caller works on, and
  hands items back in their order.
"""

from __future__ import annotations

import logging
import os
import pickle
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from core.errors import ExtractionError
from core.models import Document
from core.paths import shown

T = TypeVar("T")
S = TypeVar("S")


@dataclass(frozen=True)
class LogLine:
    """A log record of the child, reduced to what can be logged again in the caller."""

    logger: str
    level: int
    message: str


@dataclass(frozen=True)
class Extracted:
    """A document read in the worker, with the seconds it took and what it logged."""

    document: Document
    seconds: float
    logs: tuple[LogLine, ...] = ()


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[LogLine] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(LogLine(record.name, record.levelno, record.getMessage()))


def _extract_here(path: Path, doc_id: str | None) -> Extracted:
    """Extract, keeping the extractors' log lines for the caller instead of logging them."""
    from extractors.pdf import extract_document

    collect = _Collect()
    root = logging.getLogger("extractors")
    root.addHandler(collect)
    root.setLevel(logging.INFO)
    root.propagate = False  # the caller logs them, once
    started = time.perf_counter()
    try:
        document = extract_document(path, doc_id=doc_id)
    finally:
        root.removeHandler(collect)
    return Extracted(document, time.perf_counter() - started, tuple(collect.lines))


def serve_requests() -> None:
    """The child's loop: read (path, doc_id) requests on stdin, write replies on stdout."""
    inbox, outbox = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the replies
    caller = os.getppid()
    while True:
        try:
            path, doc_id = pickle.load(inbox)
        except EOFError:  # the caller closed the pipe: done
            return
        if os.getppid() != caller:  # the caller died: what it queued is nobody's work
            return
        try:
            reply = pickle.dumps((True, _extract_here(path, doc_id)))
        except Exception as exc:  # noqa: BLE001 - handed back to the caller, who raises it
            try:
                reply = pickle.dumps((False, exc))
            except Exception:  # noqa: BLE001 - one that cannot be pickled: its text
                reply = pickle.dumps((False, ExtractionError(
                    f"{shown(path.name)}: extraction failed ({type(exc).__name__}: {exc})")))
        outbox.write(reply)
        outbox.flush()


@dataclass
class _Request:
    path: Path
    doc_id: str | None
    done: Future[Extracted]
    attempts_left: int = 2


@dataclass
class _Child:
    process: subprocess.Popen[bytes]
    waiting: deque[_Request] = field(default_factory=deque)  # sent, oldest first
    closed: bool = False


def _start_child() -> _Child:
    # The caller's import path, so the child imports the same packages (a checkout that
    # shadows an installed copy, say).
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    process = subprocess.Popen(
        [sys.executable, "-c", "from extractors.worker import serve_requests; serve_requests()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
    return _Child(process)


class ExtractionWorker:
    """One child process that extracts PDFs in the order they are submitted.

    The child is a fresh interpreter (``python -c``), not a ``multiprocessing`` one, so it
    never imports the caller's ``__main__`` (a script without a ``__main__`` guard would run
    again in it). Thread-safe: several threads may submit and wait at once.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._child: _Child | None = None
        self._users = 0

    @contextmanager
    def in_use(self) -> Iterator[ExtractionWorker]:
        """Hold the worker for a run; the child stops when the last holder is done.

        Runs that overlap in one process (an API serving two ingestions) share the child.
        """
        with self._lock:
            self._users += 1
        try:
            yield self
        finally:
            with self._lock:
                self._users -= 1
                last = self._users == 0
            if last:
                self.close()

    def submit(self, path: Path, doc_id: str | None = None) -> Future[Extracted]:
        """Queue a PDF for extraction; the future gives an :class:`Extracted` or raises.

        When the child dies, the documents it had queued go to a fresh child; a document
        whose second attempt dies too fails.

        Raises (from the future's ``result()``):
            ExtractionError: The file cannot be read as a PDF (as ``extract_document``), the
                child died twice while reading it, or the worker was closed first.
        """
        request = _Request(path, doc_id, Future())
        with self._lock:
            self._send(request)
        return request.done

    def _send(self, request: _Request) -> None:  # holding the lock
        if self._child is None:
            self._child = _start_child()
            threading.Thread(target=self._read_replies, args=(self._child,), daemon=True,
                             name="extraction-replies").start()
        child = self._child
        child.waiting.append(request)
        try:
            assert child.process.stdin is not None
            pickle.dump((request.path, request.doc_id), child.process.stdin)
            child.process.stdin.flush()
        except OSError:  # it died; its reader thread resends what it held
            pass

    def _read_replies(self, child: _Child) -> None:
        assert child.process.stdout is not None
        while True:
            try:
                ok, value = pickle.load(child.process.stdout)
            except (EOFError, OSError, pickle.UnpicklingError):
                break
            with self._lock:
                request = child.waiting.popleft()
            if ok:
                request.done.set_result(value)
            else:
                request.done.set_exception(value)
        child.process.wait()
        with self._lock:
            if self._child is child:
                self._child = None
            for position, request in enumerate(child.waiting):
                request.attempts_left -= position == 0  # the first was being read
                if child.closed or request.attempts_left < 1:
                    request.done.set_exception(self._stopped(request, child))
                else:
                    self._send(request)
            child.waiting.clear()

    @staticmethod
    def _stopped(request: _Request, child: _Child) -> ExtractionError:
        name = shown(request.path.name)
        if child.closed:
            return ExtractionError(f"{name}: extraction was stopped before it finished")
        return ExtractionError(
            f"{name}: the extraction process stopped while reading it (exit status "
            f"{child.process.returncode}); if this happens again, the PDF crashes the PDF "
            "library: export it again or leave it out")

    def extract(self, path: Path, doc_id: str | None = None) -> Document:
        """Extract one PDF in the child and wait for it (see :meth:`submit`).

        What the child logged is logged here, under the same logger names.
        """
        extracted = self.submit(path, doc_id).result()
        for line in extracted.logs:
            logging.getLogger(line.logger).log(line.level, "%s", line.message)
        return extracted.document

    def pid(self) -> int | None:
        """The child's process id, or None while none runs."""
        with self._lock:
            return self._child.process.pid if self._child is not None else None

    def close(self) -> None:
        """Stop the child; what it still held fails. The next submit starts a new one."""
        with self._lock:
            child, self._child = self._child, None
            if child is None:
                return
            child.closed = True
            busy = bool(child.waiting)
        assert child.process.stdin is not None
        child.process.stdin.close()  # an idle child sees the end and exits
        if busy:
            child.process.terminate()
        child.process.wait()


_shared = ExtractionWorker()


def extraction_worker() -> ExtractionWorker:
    """The process's extraction worker (its child starts on first use)."""
    return _shared


def run_ahead(items: Sequence[T], start: Callable[[T], S], ahead: int) -> Iterator[tuple[T, S]]:
    """Yield each item with what ``start(item)`` returned, in order, starting ahead.

    When item ``i`` is handed out, ``start`` has been called on items up to ``i + ahead``
    (never further), so their work runs while the caller handles item ``i``.

    Args:
        items: The items, in the order they are handed back.
        start: Starts an item's work and returns a handle to it (a future, say).
        ahead: How many items past the current one to start; 0 starts each when it is due.
    """
    if ahead < 0:
        raise ValueError(f"ahead must be 0 or more, got {ahead}")
    started: dict[int, S] = {}
    upcoming = 0
    for index, item in enumerate(items):
        while upcoming < len(items) and upcoming <= index + ahead:
            started[upcoming] = start(items[upcoming])
            upcoming += 1
        yield item, started.pop(index)
