"""Extraction in a worker process, overlapped with embedding: order, completeness, failures.

Real PDFs (the generated samples), a real child process, real Prefect runs of the flow.
"""

from __future__ import annotations

import logging
import os
import signal
from pathlib import Path

import pymupdf
import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

from core.errors import ExtractionError
from core.models import IngestSummary
from core.settings import Settings
from extractors.pdf import extract_document
from extractors.worker import ExtractionWorker, extraction_worker, run_ahead
from flows.ingest import ingest_documents
from flows.outcome import result_of

EARNINGS, TENK, TENQ = "contoso_2024Q4_earnings", "northwind_2024_10K", "northwind_2025Q1_10Q"


def test_run_ahead_keeps_order_and_starts_only_so_far() -> None:
    items = list(range(7))
    for ahead in (0, 1, 3, 10):
        started: list[int] = []
        seen = []
        def start(i: int, started: list[int] = started) -> str:
            started.append(i)
            return f"h{i}"

        for item, handle in run_ahead(items, start, ahead):
            assert handle == f"h{item}"
            assert started == items[: min(len(items), item + ahead + 1)]  # never further
            seen.append(item)
        assert seen == items
    assert list(run_ahead([], lambda i: i, 2)) == []
    with pytest.raises(ValueError, match="ahead"):
        list(run_ahead(items, lambda i: i, -1))


def _blank_page_pdf(path: Path) -> Path:
    with pymupdf.open() as doc:
        doc.new_page().insert_text((72, 72), "Contoso annual report. " * 20)
        doc.new_page()  # no text: needs OCR, which the extractor logs
        doc.save(path)
    return path


def test_worker_returns_what_extraction_in_process_returns(samples_dir, tmp_path, caplog) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "notes.pdf"
    bad.write_text("not a pdf")
    scanned = _blank_page_pdf(tmp_path / "scanned.pdf")
    paths = [samples_dir / f"{EARNINGS}.pdf", bad, scanned, samples_dir / f"{TENK}.pdf"]
    worker = ExtractionWorker()
    try:
        futures = [worker.submit(path) for path in paths]  # all queued at once
        assert futures[0].result(timeout=300).document == extract_document(paths[0])
        with pytest.raises(ExtractionError, match="notes.pdf: not a PDF file"):
            futures[1].result(timeout=300)
        assert futures[2].result(timeout=300).document.needs_ocr == [2]
        assert futures[3].result(timeout=300).document == extract_document(paths[3])
        # What the child logged is logged again here, under the extractor's logger.
        with caplog.at_level(logging.INFO, logger="extractors"):
            worker.extract(scanned)
        assert any(r.name == "extractors.pdf" and "1 of 2 pages need OCR" in r.getMessage()
                   for r in caplog.records)
        assert worker.pid() is not None
    finally:
        worker.close()
    assert worker.pid() is None


def test_a_killed_child_is_replaced_and_loses_no_document(samples_dir) -> None:  # type: ignore[no-untyped-def]
    worker = ExtractionWorker()
    try:
        futures = [worker.submit(samples_dir / f"{doc}.pdf") for doc in (TENK, TENQ, EARNINGS)]
        first = worker.pid()
        assert first is not None
        os.kill(first, signal.SIGKILL)  # as the kernel's OOM killer, or a crash in MuPDF
        assert [f.result(timeout=300).document.doc_id for f in futures] == [TENK, TENQ, EARNINGS]
        assert worker.pid() not in (None, first)
    finally:
        worker.close()


def _ingest(settings: Settings, folder: Path, home: Path, ahead: int) -> tuple[IngestSummary, dict]:
    state = ingest_documents([str(folder)], overrides={
        "home": str(home), "collection": settings.collection, "extract_ahead": ahead},
        return_state=True)
    summary = result_of(state, IngestSummary)
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(flow_run_filter=FlowRunFilter(
            id=FlowRunFilterId(any_=[state.state_details.flow_run_id])))
    return summary, {run.name: run for run in runs}


def test_flow_overlaps_extraction_and_keeps_every_result(prefect_harness, settings, corpus,  # type: ignore[no-untyped-def]
                                                          tmp_path) -> None:
    (corpus / "middle.pdf").write_text("a text file in the middle of the run")
    order = [EARNINGS, "middle", TENK, TENQ]  # the plan's order: sorted by file name

    overlapped, tasks = _ingest(settings, corpus, tmp_path / "overlapped", ahead=2)
    inline, inline_tasks = _ingest(settings, corpus, tmp_path / "inline", ahead=0)

    for summary in (overlapped, inline):
        assert [d.doc_id for d in summary.documents] == order
        assert [d.status for d in summary.documents] == ["added", "failed", "added", "added"]
        assert "middle.pdf: not a PDF file" in (summary.documents[1].error or "")
    shape = [(d.pages, d.sections, d.tables, d.chunks, d.embedded) for d in overlapped.documents]
    assert shape == [(d.pages, d.sections, d.tables, d.chunks, d.embedded)
                     for d in inline.documents]

    # Overlapped, the next documents were being read while the first one was embedded;
    # inline, a document is read only after the one before it is written.
    embedded_first = tasks[f"embed-chunks [{EARNINGS}]"]
    assert tasks[f"extract-document [{TENK}]"].start_time < embedded_first.end_time
    written_first = inline_tasks[f"upsert-document [{EARNINGS}]"]
    assert inline_tasks[f"extract-document [{TENK}]"].start_time > written_first.end_time
    assert extraction_worker().pid() is None  # the run stopped its child
