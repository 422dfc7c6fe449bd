"""Helpers of the CLI commands: Prefect for flow runs, schedule checks, document summaries."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from docthrift.errors import DocthriftError, disk_full_message
from docthrift.models import DocumentRecord
from docthrift.settings import Settings


@contextmanager
def prefect_run(settings: Settings) -> Iterator[None]:
    """Start Prefect for flow runs here (see :mod:`docthrift.prefect_runtime`), and say so
    plainly when they end on a full disk."""
    from docthrift.prefect_runtime import start_prefect

    try:
        start_prefect()
        yield
    except DocthriftError:
        raise
    except Exception as exc:
        message = disk_full_message(exc, settings.home)
        if message is None:
            raise
        raise DocthriftError(message) from exc


def check_schedule(settings: Settings, cron: str | None, interval: float | None) -> dict[str, Any]:
    """The schedule options; a clear error for a bad schedule or a missing source folder."""
    from flows.deployments import schedule_options

    options = schedule_options(cron, interval)
    folder = settings.source_dir
    if folder is None or not folder.is_dir():
        shown = f": {folder} is not a folder" if folder is not None else ""
        raise DocthriftError(f"scheduled ingestion needs a source folder{shown}; pass --source "
                             "or set DOCTHRIFT_SOURCE_DIR to a folder of PDFs")
    return options


def doc_summary(record: DocumentRecord) -> dict[str, Any]:
    """The fields of a record that ``docthrift docs --json`` lists."""
    keys = ("doc_id", "source", "sha256", "page_count", "sections", "tables", "chunks",
            "needs_ocr", "warnings", "document_tokens", "ingested_at", "summary")
    data = record.model_dump()
    return {**{k: data[k] for k in keys}, "metadata": data["metadata"]}
