"""Incremental ingestion end to end: removed, renamed, moved and re-fingerprinted documents.

Real PDFs, model, the embedded index (Qdrant Edge) and Prefect (the session's test harness), no mocks.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from rich.console import Console

from docthrift.cli_views import print_ingest_summary
from docthrift.models import DocumentRecord, IngestSummary
from docthrift.settings import Settings
from extractors.sources import plan_changes
from flows.ingest import ingest_documents
from flows.outcome import result_of
from indexes import store
from tests.index_helpers import chunk_payloads

TENK, TENQ, EARNINGS = "northwind_2024_10K", "northwind_2025Q1_10Q", "contoso_2024Q4_earnings"


def _run(settings: Settings, *paths: Path | str, force: bool = False, replace: bool = False,
         **overrides: Any) -> IngestSummary:
    state = ingest_documents([str(p) for p in paths], overrides={
        "home": str(settings.home), "collection": settings.collection, **overrides}, force=force,
        return_state=True, **({"replace": True} if replace else {}))
    return result_of(state, IngestSummary)  # a run with failed documents still has its summary


def _status(summary: IngestSummary) -> dict[str, str]:
    return {d.doc_id: d.status for d in summary.documents}


def _chunks(settings: Settings) -> list[dict[str, Any]]:
    """Every chunk point's payload, the id included."""
    return chunk_payloads(settings)


def _records(settings: Settings) -> dict[str, DocumentRecord]:
    return {r.doc_id: r for r in store.get_index(settings).list_documents()}


def _assert_whole(settings: Settings) -> None:
    """Each record's version has exactly its chunks, and no other chunk exists."""
    records, chunks = _records(settings), _chunks(settings)
    for doc_id, record in records.items():
        mine = [c for c in chunks if c["doc_id"] == doc_id]
        assert len(mine) == record.chunks, doc_id
        assert {c["doc_version"] for c in mine} == {record.version}, doc_id
    assert {c["doc_id"] for c in chunks} <= set(records)


def test_deleted_file_is_removed_with_every_chunk(prefect_harness, settings, corpus) -> None:  # type: ignore[no-untyped-def]
    first = _run(settings, corpus)
    assert set(_status(first).values()) == {"added"}
    records = _records(settings)
    assert records[EARNINGS].source_path == str((corpus / f"{EARNINGS}.pdf").resolve())

    (corpus / f"{EARNINGS}.pdf").unlink()
    second = _run(settings, corpus)
    assert _status(second) == {TENK: "unchanged", TENQ: "unchanged", EARNINGS: "removed"}
    assert second.totals["removed"] == 1 and second.totals["unchanged"] == 2
    assert second.totals["documents"] == 3 and second.to_json()["totals"]["removed"] == 1  # type: ignore[index]
    assert EARNINGS not in _records(settings)
    assert not [c for c in _chunks(settings) if c["doc_id"] == EARNINGS]
    _assert_whole(settings)

    console = Console(record=True, width=120)
    print_ingest_summary(console, second)
    shown = console.export_text()
    assert "1 removed" in shown and f"removed: {EARNINGS}" in shown

    third = _run(settings, corpus)  # removed once, then forgotten
    assert _status(third) == {TENK: "unchanged", TENQ: "unchanged"}


def test_files_and_globs_never_remove(prefect_harness, settings, corpus, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _run(settings, corpus)
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(corpus / f"{EARNINGS}.pdf", other / "contoso_copy.pdf")
    (corpus / f"{TENQ}.pdf").unlink()

    one = _run(settings, other / "contoso_copy.pdf")
    assert _status(one) == {"contoso_copy": "added"}
    by_glob = _run(settings, f"{corpus}/*.pdf")
    assert _status(by_glob) == {TENK: "unchanged", EARNINGS: "unchanged"}
    by_file = _run(settings, corpus / f"{TENK}.pdf")
    assert _status(by_file) == {TENK: "unchanged"}
    assert set(_records(settings)) == {TENK, TENQ, EARNINGS, "contoso_copy"}

    # Scanning the other folder removes nothing from the first; scanning the first does.
    assert _status(_run(settings, other)) == {"contoso_copy": "unchanged"}
    assert _status(_run(settings, corpus))[TENQ] == "removed"
    assert set(_records(settings)) == {TENK, EARNINGS, "contoso_copy"}
    _assert_whole(settings)


def test_renamed_is_removed_and_added_moved_is_repointed(  # type: ignore[no-untyped-def]
        prefect_harness, settings, corpus) -> None:
    _run(settings, corpus)
    before = _records(settings)
    (corpus / f"{EARNINGS}.pdf").rename(corpus / "contoso_q4.pdf")
    (corpus / "archive").mkdir()
    moved = corpus / "archive" / f"{TENK}.pdf"
    (corpus / f"{TENK}.pdf").rename(moved)

    summary = _run(settings, corpus)
    assert _status(summary) == {"contoso_q4": "added", TENK: "unchanged", TENQ: "unchanged",
                                EARNINGS: "removed"}
    assert [d.status for d in summary.documents][-1] == "removed"  # after the new one is in
    records = _records(settings)
    assert set(records) == {"contoso_q4", TENK, TENQ}
    renamed = records["contoso_q4"]
    assert renamed.sha256 == before[EARNINGS].sha256
    assert renamed.source == "contoso_q4.pdf" and renamed.chunks == before[EARNINGS].chunks
    assert records[TENK].source_path == str(moved.resolve())
    assert records[TENK].version == before[TENK].version
    _assert_whole(settings)


def test_fingerprint_change_updates_all_and_reuses_extraction(  # type: ignore[no-untyped-def]
        prefect_harness, settings, corpus) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    first = _run(settings, corpus)
    before = _records(settings)
    state = ingest_documents([str(corpus)], overrides={
        "home": str(settings.home), "collection": settings.collection, "chunk_tokens": 256},
        return_state=True)
    second: IngestSummary = state.result()  # type: ignore[assignment]
    assert set(_status(second).values()) == {"updated"}
    records = _records(settings)
    for doc_id, record in records.items():
        assert record.sha256 == before[doc_id].sha256
        assert record.version != before[doc_id].version
    tenk = {d.doc_id: d for d in first.documents}[TENK]
    assert records[TENK].chunks > tenk.chunks  # smaller chunks, more of them
    _assert_whole(settings)  # no chunk of the 512-token version is left, none is shared

    # The extraction did not change, so it came from the task cache.
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(flow_run_filter=FlowRunFilter(
            id=FlowRunFilterId(any_=[state.state_details.flow_run_id])))
    extracts = [r for r in runs if r.name.startswith("extract-document")]
    assert len(extracts) == 3 and all(r.state and r.state.name == "Cached" for r in extracts)


def test_leftovers_are_invisible_and_cleaned(prefect_harness, settings, corpus, embedder) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from indexes.catalog import document_chunks
    from indexes.retrieval import RetrievalOptions, search_chunks
    from indexes.schema import point_id

    _run(settings, corpus / f"{EARNINGS}.pdf")
    index = store.get_index(settings)
    points = [p for batch in index.export_points("chunks") for p in batch]
    # What an interrupted run leaves: another version of a known document, and an orphan.
    stale = [replace(p, id=point_id(p.id, tag),
                     payload={**p.payload, "doc_version": tag, "doc_id": doc_id})
             for p in points for tag, doc_id in (("old", EARNINGS), ("gone", "orphan"))]
    index.import_points("chunks", stale)
    record = _records(settings)[EARNINGS]
    assert record.version is not None

    stored = document_chunks(index, EARNINGS, record.version)
    assert [c.position for c in stored] == list(range(record.chunks))
    hits = search_chunks(index, embedder, "Contoso revenue guidance",
                         {EARNINGS: record.version}, RetrievalOptions())
    keys = [(h.doc_id, h.position) for h in hits]
    assert keys and len(keys) == len(set(keys)) and {h.doc_id for h in hits} == {EARNINGS}

    again = _run(settings, corpus / f"{EARNINGS}.pdf")
    assert _status(again) == {EARNINGS: "unchanged"}
    assert index.count_chunks() == len(points)
    _assert_whole(settings)


def test_plan_fails_same_name_other_bytes_and_notes_identical_copies(  # type: ignore[no-untyped-def]
        tmp_path, samples_dir) -> None:
    for sub, source in (("a", EARNINGS), ("b", TENQ), ("c", EARNINGS)):
        (tmp_path / sub).mkdir()
        shutil.copy(samples_dir / f"{source}.pdf", tmp_path / sub / "report.pdf")
    plan = plan_changes([str(tmp_path)], [], "fp")
    assert [f.status for f in plan.files] == ["added", "failed", "duplicate"]
    assert "same document id 'report'" in (plan.files[1].error or "")
    assert "rename one of the two files" in (plan.files[1].error or "")
    assert "same bytes as" in (plan.files[2].note or "") and plan.files[2].error is None
    assert plan.removed == [] and plan.todo == 1


def _collections(tmp_path: Path, samples_dir: Path, second: str) -> tuple[Path, Path]:
    """Two folders that each hold a report.pdf: the earnings release, then ``second``."""
    col_a, col_b = tmp_path / "colA", tmp_path / "colB"
    for folder, source in ((col_a, EARNINGS), (col_b, second)):
        folder.mkdir()
        shutil.copy(samples_dir / f"{source}.pdf", folder / "report.pdf")
    return col_a, col_b


def test_a_name_from_another_folder_never_takes_over_a_document(  # type: ignore[no-untyped-def]
        prefect_harness, settings, samples_dir, tmp_path) -> None:
    col_a, col_b = _collections(tmp_path, samples_dir, TENQ)
    assert _status(_run(settings, col_a)) == {"report": "added"}
    owner = _records(settings)["report"]

    refused = _run(settings, col_b)

    result = refused.documents[0]
    assert (result.doc_id, result.status) == ("report", "failed") and refused.failed
    assert str(col_a / "report.pdf") in (result.error or "")
    assert "--replace" in (result.error or "") and "rename" in (result.error or "")
    assert _records(settings)["report"].version == owner.version  # nothing changed
    assert _records(settings)["report"].source_path == str((col_a / "report.pdf").resolve())

    replaced = _run(settings, col_b, replace=True)
    assert _status(replaced) == {"report": "updated"}
    assert _records(settings)["report"].source_path == str((col_b / "report.pdf").resolve())
    assert _status(_run(settings, col_a)) == {"report": "failed"}  # now colB's: refused back
    _assert_whole(settings)


def test_identical_copies_in_two_folders_are_one_document(  # type: ignore[no-untyped-def]
        prefect_harness, settings, samples_dir, tmp_path) -> None:
    col_a, col_b = _collections(tmp_path, samples_dir, EARNINGS)

    both = _run(settings, col_a, col_b)  # one run

    assert [d.status for d in both.documents] == ["added", "duplicate"]
    assert not both.failed and both.totals["duplicate"] == 1
    assert str(col_a / "report.pdf") in (both.documents[1].note or "")
    console = Console(record=True, width=200)
    print_ingest_summary(console, both)
    assert "duplicate: report.pdf" in console.export_text()

    later = _run(settings, col_b)  # a run over the other folder alone
    assert _status(later) == {"report": "duplicate"} and not later.failed
    assert _records(settings)["report"].source_path == str((col_a / "report.pdf").resolve())
    assert len(_records(settings)) == 1
    _assert_whole(settings)


def test_a_linked_pdf_is_named_by_its_link_and_goes_with_it(  # type: ignore[no-untyped-def]
        prefect_harness, settings, samples_dir, tmp_path) -> None:
    elsewhere, folder = tmp_path / "elsewhere", tmp_path / "scanned"
    elsewhere.mkdir()
    folder.mkdir()
    shutil.copy(samples_dir / f"{EARNINGS}.pdf", elsewhere / "q4_release.pdf")
    link = folder / "linked_report.pdf"
    link.symlink_to(elsewhere / "q4_release.pdf")

    first = _run(settings, folder)

    assert _status(first) == {"linked_report": "added"}
    assert _records(settings)["linked_report"].source_path == str(folder.resolve() / link.name)
    link.unlink()
    assert _status(_run(settings, folder)) == {"linked_report": "removed"}
    assert _records(settings) == {} and (elsewhere / "q4_release.pdf").exists()
