"""Files with odd names and links, end to end: each is ingested or fails alone, named.

Real sample PDFs, model, Qdrant local mode and Prefect (the session's test harness).
"""

from __future__ import annotations

import errno
import io
import json
import os
import shutil
from pathlib import Path

from rich.console import Console
from typer.testing import CliRunner

from docthrift.cli import app
from docthrift.cli_progress import ingest_progress
from docthrift.models import IngestSummary
from docthrift.settings import Settings
from flows.ingest import ingest_documents
from flows.outcome import result_of
from indexes import store

runner = CliRunner()
LATIN1 = os.fsdecode(b"r\xe9sultats_2024.pdf")  # "résultats" saved by a Latin-1 system
SHOWN = "r\\xe9sultats_2024.pdf"
BROKEN = os.fsdecode(b"bilan_\xe9t\xe9.pdf")


def _run(settings: Settings, *paths: Path | str):  # type: ignore[no-untyped-def]
    state = ingest_documents([str(p) for p in paths], overrides={
        "home": str(settings.home), "collection": settings.collection}, return_state=True)
    return result_of(state, IngestSummary)  # a run with failed documents still has its summary


def test_names_that_are_not_utf8_are_ingested_or_fail_alone(  # type: ignore[no-untyped-def]
        prefect_harness, home, samples_dir, tmp_path) -> None:
    from prefect.artifacts import Artifact

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(samples_dir / "contoso_2024Q4_earnings.pdf", folder)
    shutil.copy(samples_dir / "northwind_2025Q1_10Q.pdf", folder / LATIN1)
    (folder / BROKEN).write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)

    with ingest_progress(enabled=True, console=Console(file=io.StringIO(), force_terminal=True)):
        result = runner.invoke(app, ["ingest", str(folder), "--json"])

    assert result.exit_code == 1, result.output  # the broken one failed, alone
    body = json.loads(result.stdout)
    by_file = {d["file"]: d for d in body["documents"]}
    assert set(by_file) == {"contoso_2024Q4_earnings.pdf", SHOWN, "bilan_\\xe9t\\xe9.pdf"}
    latin = by_file[SHOWN]
    assert latin["status"] == "added" and latin["doc_id"].startswith("r_sultats_2024-")
    broken = by_file["bilan_\\xe9t\\xe9.pdf"]
    assert broken["status"] == "failed" and broken["error"].startswith("bilan_\\xe9t\\xe9.pdf: ")
    assert body["totals"]["added"] == 2 and body["totals"]["failed"] == 1
    artifact = Artifact.get("ingest-summary")
    assert artifact is not None and SHOWN in {row["file"] for row in json.loads(str(artifact.data))}

    docs = json.loads(runner.invoke(app, ["docs", "--json"]).stdout)["documents"]
    assert {d["source"] for d in docs} == {"contoso_2024Q4_earnings.pdf", SHOWN}
    table = runner.invoke(app, ["ingest", str(folder)])  # the table view
    assert table.exit_code == 1 and "failed: bilan_\\xe9t\\xe9.pdf: " in table.stdout, table.output
    again = json.loads(runner.invoke(app, ["ingest", str(folder), "--json"]).stdout)
    assert {d["file"]: d["status"] for d in again["documents"]}[SHOWN] == "unchanged"
    (folder / LATIN1).unlink()
    gone = json.loads(runner.invoke(app, ["ingest", str(folder), "--json"]).stdout)
    assert {d["file"]: d["status"] for d in gone["documents"]}[SHOWN] == "removed"
    store.close_indexes()


def test_an_explicit_looping_link_is_named_and_the_batch_goes_on(  # type: ignore[no-untyped-def]
        prefect_harness, settings, samples_dir, tmp_path) -> None:
    good = tmp_path / "contoso_2024Q4_earnings.pdf"
    shutil.copy(samples_dir / good.name, good)
    loop = tmp_path / "loop.pdf"
    loop.symlink_to(loop.name)  # loop.pdf -> loop.pdf

    summary = _run(settings, loop, good)

    by_id = {d.doc_id: d for d in summary.documents}
    assert by_id["contoso_2024Q4_earnings"].status == "added"
    assert by_id["loop"].status == "failed"
    assert "loop.pdf: is a symbolic link that loops" in (by_id["loop"].error or "")


def test_a_full_disk_is_said_to_be_one(  # type: ignore[no-untyped-def]
        prefect_harness, home, samples_dir, tmp_path, monkeypatch) -> None:
    from docthrift.errors import DocthriftError

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(samples_dir / "contoso_2024Q4_earnings.pdf", folder)

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(home / "qdrant"))

    from indexes.edge_store import EdgeIndex

    monkeypatch.setattr(EdgeIndex, "write_document", full)  # what the index writer meets
    result = runner.invoke(app, ["ingest", str(folder)])

    assert result.exit_code == 1
    assert isinstance(result.exception, DocthriftError), result.exception
    message = str(result.exception)
    assert message.startswith("the disk is full (no space left on device)"), message
    assert "free some space and run again" in message
    monkeypatch.undo()
    assert runner.invoke(app, ["docs", "--json"]).stdout.count('"doc_id"') == 0
