"""Progress bars for ingestion and evaluation, fed by :mod:`core.progress` events."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from core import progress


@contextmanager
def ingest_progress(*, enabled: bool, console: Console) -> Iterator[None]:
    """Show documents done out of total, and the embedding of the current one."""
    if not enabled:
        with nullcontext():
            yield
        return
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), console=console, transient=True)
    docs = bar.add_task("documents", total=None)
    chunks = bar.add_task("embedding", total=None, visible=False)

    def on_event(event: str, data: dict[str, Any]) -> None:
        if event == "planned":
            bar.update(docs, total=data["total"])
        elif event == "document-started":
            bar.update(docs, description=f"documents ({data['doc_id']})")
        elif event == "chunked":
            bar.reset(chunks, total=data["chunks"], visible=True)
        elif event == "embedded":
            bar.advance(chunks, data["count"])
        elif event == "document-done":
            bar.advance(docs)
            bar.update(chunks, visible=False)

    with bar, progress.listening(on_event):
        yield


@contextmanager
def eval_progress(*, enabled: bool, console: Console) -> Iterator[None]:
    """Show ingestion, then the questions answered by each system."""
    if not enabled:
        yield
        return
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), console=console, transient=True)
    tasks: dict[str, Any] = {}

    def on_event(event: str, data: dict[str, Any]) -> None:
        if event == "planned":
            tasks["ingest"] = bar.add_task("ingesting", total=data["total"])
        elif event == "document-done" and "ingest" in tasks:
            bar.advance(tasks["ingest"])
        elif event == "eval-question":
            name = data["system"]
            if name not in tasks:
                tasks[name] = bar.add_task(name, total=data["total"])
            bar.update(tasks[name], completed=data["done"])

    with bar, progress.listening(on_event):
        yield
