"""The ingest-documents flow end to end: real PDFs, model, the embedded index and Prefect."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from docthrift.models import IngestSummary
from docthrift.settings import Settings
from flows.ingest import ingest_documents
from flows.ingest_summary import describe
from flows.outcome import FailedOutcome, result_of
from indexes import store
from tests.index_helpers import chunk_payloads
from tests.conftest import DEV_DATA, needs_dev_data


def _run(settings: Settings, *paths: Path, force: bool = False):  # type: ignore[no-untyped-def]
    state = ingest_documents([str(p) for p in paths], overrides={
        "home": str(settings.home), "collection": settings.collection}, force=force,
        return_state=True)
    return result_of(state, IngestSummary)  # a run with failed documents still has its summary


def _points(settings: Settings, doc_id: str) -> list[dict]:
    return chunk_payloads(settings, doc_id)


def test_ingest_then_unchanged_then_one_changed(prefect_harness, settings, corpus) -> None:  # type: ignore[no-untyped-def]
    first = _run(settings, corpus)
    assert {d.status for d in first.documents} == {"added"}
    assert first.totals["documents"] == 3 and first.totals["chunks"] > 50
    tenk = next(d for d in first.documents if d.doc_id == "northwind_2024_10K")
    assert tenk.pages == 15 and tenk.sections > 10 and tenk.tables >= 3
    assert len(_points(settings, "northwind_2024_10K")) == tenk.chunks

    second = _run(settings, corpus)
    assert {d.status for d in second.documents} == {"unchanged"}
    assert second.totals["embedded"] == 0
    assert [d.chunks for d in second.documents] == [d.chunks for d in first.documents]

    # Change one file: a page of extra text. Only that one is re-indexed; no stale chunk stays.
    target = corpus / "northwind_2025Q1_10Q.pdf"
    old_sha = {p["doc_sha256"] for p in _points(settings, "northwind_2025Q1_10Q")}
    with pymupdf.open(target) as doc:
        page = doc.new_page()
        page.insert_text((72, 72), "Subsequent event: Northwind opened a plant in Ohio.")
        data = doc.tobytes()
    target.write_bytes(data)
    third = _run(settings, corpus)
    status = {d.doc_id: d.status for d in third.documents}
    assert status == {"northwind_2025Q1_10Q": "updated", "northwind_2024_10K": "unchanged",
                      "contoso_2024Q4_earnings": "unchanged"}
    points = _points(settings, "northwind_2025Q1_10Q")
    new_sha = {p["doc_sha256"] for p in points}
    assert len(new_sha) == 1 and not new_sha & old_sha
    assert any("plant in Ohio" in p["text"] for p in points)
    assert len(points) == next(d.chunks for d in third.documents if d.status == "updated")
    record = store.get_index(settings).get_document("northwind_2025Q1_10Q")
    assert record is not None and record.sha256 == new_sha.pop()


def test_payload_carries_metadata_and_pages(prefect_harness, settings, corpus) -> None:  # type: ignore[no-untyped-def]
    _run(settings, corpus / "northwind_2024_10K.pdf")
    payloads = _points(settings, "northwind_2024_10K")
    sample = payloads[0]
    for key in ("doc_id", "content_hash", "section", "page_start", "page_end", "kind", "tokens",
                "text", "company", "doc_type", "fiscal_year", "fiscal_period"):
        assert key in sample, key
    assert {p["doc_type"] for p in payloads} == {"10-K"}
    assert {p["fiscal_year"] for p in payloads} == {2024}
    tables = [p for p in payloads if p["kind"] == "table"]
    assert tables and all(p["text"].startswith("|") for p in tables)
    assert all(1 <= p["page_start"] <= p["page_end"] <= 15 for p in payloads)


def test_bad_files_fail_alone_and_leave_nothing(prefect_harness, settings, corpus, tmp_path) -> None:  # type: ignore[no-untyped-def]
    (corpus / "notes.pdf").write_text("this is a text file with a .pdf name")
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20)
    with pytest.raises(FailedOutcome) as failed:  # called directly, the run's failure raises
        ingest_documents([str(corpus)], overrides={
            "home": str(settings.home), "collection": settings.collection})
    summary = failed.value.result
    assert isinstance(summary, IngestSummary)
    assert str(failed.value) == describe(summary)
    status = {d.doc_id: d for d in summary.documents}
    assert status["notes"].status == "failed" and "notes.pdf" in (status["notes"].error or "")
    assert "not a PDF" in (status["notes"].error or "")
    assert status["broken"].status == "failed" and "broken.pdf" in (status["broken"].error or "")
    assert sum(d.status == "added" for d in summary.documents) == 3
    assert summary.failed
    assert _points(settings, "notes") == [] and _points(settings, "broken") == []
    assert store.get_index(settings).get_document("broken") is None


def test_missing_path_is_a_clear_error(prefect_harness, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from docthrift.errors import ExtractionError

    with pytest.raises(ExtractionError, match="no such file"):
        _run(settings, tmp_path / "nowhere" / "*.pdf")


@needs_dev_data
def test_damaged_copies_fail_or_are_indexed_with_warnings(prefect_harness, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from rich.console import Console

    from docthrift.cli_views import print_ingest_summary

    folder = tmp_path / "damaged"
    folder.mkdir()
    data = (DEV_DATA / "pdfs" / "AMCOR_2023Q4_EARNINGS.pdf").read_bytes()
    (folder / "amcor_half.pdf").write_bytes(data[: len(data) // 2])  # glyph codes only
    (folder / "amcor_90.pdf").write_bytes(data[: len(data) * 9 // 10])  # pages 1-6 lost

    summary = _run(settings, folder)

    by_id = {d.doc_id: d for d in summary.documents}
    assert by_id["amcor_half"].status == "failed"
    assert "14 of 14 pages have unreadable text" in (by_id["amcor_half"].error or "")
    flagged = by_id["amcor_90"]
    assert flagged.status == "added" and flagged.needs_ocr == []
    assert any("pages 1-6 came back empty" in w for w in flagged.warnings), flagged.warnings
    shown = {d["doc_id"]: d for d in summary.to_json()["documents"]}  # type: ignore[attr-defined]
    assert shown["amcor_90"]["warnings"] == flagged.warnings
    record = store.get_index(settings).get_document("amcor_90")
    assert record is not None and record.warnings == flagged.warnings
    assert _points(settings, "amcor_half") == []
    texts = [p["text"] for p in _points(settings, "amcor_90")]
    assert texts and not any(ch < " " and ch not in "\n\r\t" for t in texts for ch in t)
    console = Console(record=True, width=200)
    print_ingest_summary(console, summary)
    assert "warning: amcor_90.pdf: pages 1-6 came back empty" in console.export_text()
