"""How an ingestion run reads in Prefect: its one-line summary, its table, a log line a document.

The one-line summary (:func:`describe`) is the run's state message and the summary table's
description, short enough for a card on the Prefect UI's Artifacts page: ``"2 added, 1 failed
(bad.pdf: not a PDF file)"``. The full reasons are in the table (:func:`table_rows`, the error
right after the status) and in one log line a document (:func:`outcome_line`).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from docthrift.models import DocumentResult, IngestSummary

STATUSES = ("added", "updated", "unchanged", "duplicate", "removed", "failed")
# The error comes right after the status, so a failure's reason is on screen in the UI.
TABLE_COLUMNS = ("doc_id", "status", "error", "warnings", "note", "file", "pages", "sections",
                 "tables", "chunks", "enrichment_tokens", "seconds")
MAX_LISTED_FAILURES = 3


def describe(summary: IngestSummary) -> str:
    """One line: the counts, then up to three failures with their short reasons.

    Example: ``"2 added, 1 failed (bad.pdf: not a PDF file)"``. No "Ingestion:" in front: the
    flow's name and the artifact's key say that already, and a card shows about 45 characters.
    """
    totals = summary.totals
    counts = ", ".join(f"{totals[s]} {s}" for s in STATUSES if totals[s]) or "no PDF to ingest"
    failures = [d for d in summary.documents if d.status == "failed"]
    if not failures:
        return counts
    shown = [short_reason(d) for d in failures[:MAX_LISTED_FAILURES]]
    if len(failures) > MAX_LISTED_FAILURES:
        shown.append(f"{len(failures) - MAX_LISTED_FAILURES} more")
    return f"{counts} ({'; '.join(shown)})"


def short_reason(result: DocumentResult) -> str:
    """``"bad.pdf: not a PDF file"``: the file and the first clause of its error.

    Errors read "<file or path>: <what is wrong> (<detail>); <what to do>"; the detail and the
    advice stay in the table and the log.
    """
    error = result.error or "failed"
    head, sep, rest = error.partition(": ")
    if sep and Path(head).name == result.file:
        error = rest
    for cut in ("; ", " ("):
        error = error.split(cut, 1)[0]
    return f"{result.file}: {error}"


def table_rows(summary: IngestSummary) -> list[dict[str, Any]]:
    """A row a document for the table artifact; no value is shown as an empty cell."""
    rows = []
    for document in summary.documents:
        values = {**document.model_dump(), "warnings": "; ".join(document.warnings)}
        rows.append({c: "" if values[c] is None else values[c] for c in TABLE_COLUMNS})
    return rows


def outcome_line(result: DocumentResult) -> tuple[int, str]:
    """The log level and line that say what became of one document.

    A failure is a warning without a traceback: a file that cannot be read is expected
    trouble with the input, and the line says which file and why.
    """
    if result.status == "failed":
        return logging.WARNING, f"failed {result.doc_id}: {result.error}"
    if result.status in ("added", "updated"):
        ocr = f"; {len(result.needs_ocr)} pages need OCR" if result.needs_ocr else ""
        line = (f"{result.status} {result.doc_id}: {result.pages} pages, "
                f"{result.chunks} chunks{ocr} ({result.seconds:.1f} s)")
        if result.warnings:  # indexed, but the file was damaged: say what was left out
            return logging.WARNING, f"{line}; {'; '.join(result.warnings)}"
        return logging.INFO, line
    if result.status == "duplicate":
        return logging.INFO, f"duplicate {result.doc_id}: {result.note}"
    if result.status == "removed":
        return logging.INFO, (f"removed {result.doc_id}: {result.file} is no longer in the "
                              "folder it was ingested from")
    return logging.INFO, f"unchanged {result.doc_id}"
