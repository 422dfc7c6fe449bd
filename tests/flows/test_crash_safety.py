"""Crash safety: ``docthrift ingest`` killed with SIGKILL leaves every document whole.

Each kill hits a real ``docthrift ingest --verbose`` process (with its ephemeral Prefect
server, in the same process group) that owns its own DOCTHRIFT_HOME. After each kill the index
must hold every document that was there before, each in its old or its new version with
exactly that version's chunks; other versions' chunks may be left only as invisible leftovers.
A rerun then converges to what an uninterrupted run into another home builds.

The kill during an upsert is made deterministic: the child process starts with a
``sitecustomize`` of the test's that writes chunks in batches of 8 and, once the first batch of
the 10-K's new version is in the index (Edge has logged it), stops the writer and tells the
test, which kills the process while the writer is stopped, between two batches.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pymupdf
import pytest

from core.models import DocumentRecord
from core.settings import load_settings
from extractors.sources import file_sha256
from flows.ingest import ingest_documents
from indexes import store
from tests.index_helpers import chunk_payloads

TENK, TENQ, EARNINGS = "northwind_2024_10K", "northwind_2025Q1_10Q", "contoso_2024Q4_earnings"
DEADLINE_S = 300
BATCH = 8
# Loaded by the child at start-up (before docthrift): small batches, and a stop after the
# first batch of the 10-K's chunks is written.
PAUSE = f"""
import os, pathlib, time
if os.environ.get("DOCTHRIFT_TEST_PAUSE"):
    import indexes.backend
    from indexes.edge_store import EdgeIndex

    indexes.backend.UPSERT_BATCH = {BATCH}
    _marker = pathlib.Path(os.environ["DOCTHRIFT_TEST_PAUSE"])
    _write = EdgeIndex._upsert_chunks

    def _upsert_then_stop(self, points, shared=None):
        _write(self, points, shared)
        if any(p.payload.get("doc_id") == "{TENK}" for p in points):
            _marker.write_text(str(len(points)))
            while True:
                time.sleep(60)

    EdgeIndex._upsert_chunks = _upsert_then_stop
"""


class Ingest:
    """A ``docthrift ingest FOLDER --verbose`` subprocess whose output is collected as it comes."""

    def __init__(self, home: Path, folder: Path, pause: Path | None = None) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        env.update(DOCTHRIFT_HOME=str(home), PYTHONUNBUFFERED="1",
                   PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120")
        if pause is not None:
            (pause.parent / "sitecustomize.py").write_text(PAUSE)
            env["PYTHONPATH"] = os.pathsep.join(
                [str(pause.parent), *filter(None, [env.get("PYTHONPATH")])])
            env["DOCTHRIFT_TEST_PAUSE"] = str(pause)
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "docthrift.cli", "ingest", str(folder), "--verbose"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
            start_new_session=True)  # its own process group: the Prefect server dies with it
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, ready: Callable[[], bool]) -> None:
        """Poll ``ready`` until it holds; fail with the output if the process ends first."""
        deadline = time.monotonic() + DEADLINE_S
        while not ready():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.kill()
                pytest.fail(f"the trigger never came (exit {self.proc.returncode}):\n"
                            f"{self.output[-4000:]}")
            time.sleep(0.002)

    def kill(self) -> None:
        """SIGKILL the whole process group and wait for it."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=30)
        self._reader.join(timeout=10)


def _index(home: Path) -> tuple[dict[str, DocumentRecord], list[dict[str, Any]]]:
    """Records by doc_id, and every chunk point (id, doc_id, version, position)."""
    settings = load_settings(home=home)
    try:
        records = {r.doc_id: r for r in store.get_index(settings).list_documents()}
        chunks = chunk_payloads(settings)
    finally:
        store.close_indexes()
    return records, chunks


def _assert_whole(home: Path, before: dict[str, DocumentRecord], files: dict[str, Path]
                  ) -> tuple[dict[str, DocumentRecord], list[dict[str, Any]]]:
    """Every document that was there is there, old or new, with exactly its chunks."""
    records, chunks = _index(home)
    assert set(records) == set(before)
    for doc_id, record in records.items():
        old = record.version == before[doc_id].version
        new = doc_id in files and record.sha256 == file_sha256(files[doc_id])
        assert old or new, doc_id
        mine = sorted(c["position"] for c in chunks
                      if c["doc_id"] == doc_id and c["doc_version"] == record.version)
        assert mine == list(range(record.chunks)), doc_id
    return records, chunks


def _leftovers(records: dict[str, DocumentRecord], chunks: list[dict[str, Any]]) -> set[str]:
    """doc_ids with chunks of a version their record does not name (invisible to queries)."""
    current = {r.version for r in records.values()}
    return {c["doc_id"] for c in chunks if c["doc_version"] not in current}


def _append_page(pdf: Path, text: str) -> None:
    with pymupdf.open(pdf) as doc:
        doc.new_page().insert_text((72, 72), text)
        data = doc.tobytes()
    pdf.write_bytes(data)


def _ingest_in_process(home: Path, folder: Path) -> dict[str, str]:
    try:
        summary = ingest_documents([str(folder)], overrides={"home": str(home)})
    finally:
        store.close_indexes()
    return {d.doc_id: d.status for d in summary.documents}


def test_killed_runs_leave_documents_whole_and_the_next_run_converges(  # type: ignore[no-untyped-def]
        prefect_harness, samples_dir, tmp_path) -> None:
    folder, home, reference = tmp_path / "in", tmp_path / "home", tmp_path / "reference"
    folder.mkdir()
    for pdf in samples_dir.glob("*.pdf"):
        (folder / pdf.name).write_bytes(pdf.read_bytes())
    assert set(_ingest_in_process(home, folder).values()) == {"added"}
    before, _ = _index(home)

    # A new version of two documents, and one file gone.
    _append_page(folder / f"{TENK}.pdf", "Subsequent event: Northwind opened a plant in Ohio.")
    _append_page(folder / f"{TENQ}.pdf", "Subsequent event: Northwind sold its Texas unit.")
    (folder / f"{EARNINGS}.pdf").unlink()
    files = {TENK: folder / f"{TENK}.pdf", TENQ: folder / f"{TENQ}.pdf"}

    # Kill 1: during the upsert of the 10-K's new version, its old version being indexed.
    stopped = tmp_path / "pause" / "stopped"
    stopped.parent.mkdir()
    run = Ingest(home, folder, pause=stopped)
    run.wait_for(stopped.exists)
    run.kill()
    assert f"{TENK}.pdf: extracting" in run.output
    assert f"{TENK}: wrote" not in run.output  # stopped inside the first batch's write
    records, chunks = _assert_whole(home, before, files)
    assert records[TENK].version == before[TENK].version  # the switch never happened
    assert _leftovers(records, chunks) == {TENK}  # part of the new version, invisible
    partial = [c for c in chunks if c["doc_id"] == TENK and c["doc_version"] != records[TENK].version]
    assert len(partial) == BATCH < before[TENK].chunks  # one batch of several was written

    # Kill 2: right after the 10-K's new version went in, while the 10-Q's is being made (its
    # reading ran ahead, during the first run or this one).
    run = Ingest(home, folder)
    run.wait_for(lambda: f"{TENK}: switched to the new version" in run.output)
    run.kill()
    assert "chunks left behind by an interrupted run" in run.output  # kill 1's leftovers
    assert f"{TENK}.pdf: extracting" not in run.output  # the extraction came from the cache
    assert f"{TENK}: switched to the new version" in run.output
    records, chunks = _assert_whole(home, before, files)
    assert records[TENK].sha256 == file_sha256(files[TENK])
    assert records[TENQ].version == before[TENQ].version
    assert EARNINGS in records  # removals come last: not reached

    # The next run finishes the work and the index is what an uninterrupted run builds.
    assert _ingest_in_process(home, folder) == {TENK: "unchanged", TENQ: "updated",
                                                EARNINGS: "removed"}
    assert set(_ingest_in_process(reference, folder).values()) == {"added"}
    records, chunks = _index(home)
    expected, expected_chunks = _index(reference)
    keys = ("sha256", "version", "chunks", "source_path")
    assert {d: [getattr(r, k) for k in keys] for d, r in records.items()} \
        == {d: [getattr(r, k) for k in keys] for d, r in expected.items()}
    assert {c["id"] for c in chunks} == {c["id"] for c in expected_chunks}
