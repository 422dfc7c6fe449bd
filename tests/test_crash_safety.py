"""Crash safety: ``docthrift ingest`` killed with SIGKILL leaves every document whole.

Each kill hits a real ``docthrift ingest --verbose`` process (with its ephemeral Prefect
server, in the same process group) that owns its own DOCTHRIFT_HOME. After each kill the index
must hold every document that was there before, each in its old or its new version with
exactly that version's chunks; other versions' chunks may be left only as invisible leftovers.
A rerun then converges to what an uninterrupted run into another home builds.

The kill during an upsert is made deterministic: local Qdrant commits each point in its own
SQLite transaction, so the test waits for the first new chunk to be committed and then holds a
read lock on the chunk store, which keeps the writer from committing the next one, and kills
the process while the writer is blocked.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pymupdf
import pytest

from docthrift.settings import load_settings
from extractors.sources import file_sha256
from flows.ingest import ingest_documents
from indexes import store

TENK, TENQ, EARNINGS = "northwind_2024_10K", "northwind_2025Q1_10Q", "contoso_2024Q4_earnings"
DEADLINE_S = 300


class Ingest:
    """A ``docthrift ingest FOLDER --verbose`` subprocess whose output is collected as it comes."""

    def __init__(self, home: Path, folder: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        env.update(DOCTHRIFT_HOME=str(home), PYTHONUNBUFFERED="1",
                   PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120")
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


def _chunk_store(home: Path) -> Path:
    return home / "qdrant" / "collection" / "docthrift" / "storage.sqlite"


def _rows(db: sqlite3.Connection) -> int:
    return int(db.execute("SELECT count(*) FROM points").fetchone()[0])


def _index(home: Path) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """Records by doc_id, and every chunk point (id, doc_id, version, position)."""
    settings = load_settings(home=home)
    try:
        client = store.get_client(settings)
        records = {r["doc_id"]: r for r in store.list_documents(client, settings.collection)}
        points, _ = client.scroll(settings.collection, limit=100_000,
                                  with_payload=["doc_id", "doc_version", "position"])
        chunks = [{"id": str(p.id), **(p.payload or {})} for p in points]
    finally:
        store.close_clients()
    return records, chunks


def _assert_whole(home: Path, before: dict[str, dict[str, Any]],
                  files: dict[str, Path]) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """Every document that was there is there, old or new, with exactly its chunks."""
    records, chunks = _index(home)
    assert set(records) == set(before)
    for doc_id, record in records.items():
        old = record["version"] == before[doc_id]["version"]
        new = doc_id in files and record["sha256"] == file_sha256(files[doc_id])
        assert old or new, doc_id
        mine = sorted(c["position"] for c in chunks
                      if c["doc_id"] == doc_id and c["doc_version"] == record["version"])
        assert mine == list(range(record["chunks"])), doc_id
    return records, chunks


def _leftovers(records: dict[str, dict[str, Any]], chunks: list[dict[str, Any]]) -> set[str]:
    """doc_ids with chunks of a version their record does not name (invisible to queries)."""
    current = {r["version"] for r in records.values()}
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
        store.close_clients()
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
    db = sqlite3.connect(_chunk_store(home), timeout=30, isolation_level=None)
    try:
        baseline = _rows(db)
        run = Ingest(home, folder)

        def first_new_chunk_committed() -> bool:
            db.execute("BEGIN")
            if _rows(db) > baseline:  # keep the read lock: the writer cannot commit the next
                return True
            db.execute("COMMIT")
            return False

        run.wait_for(first_new_chunk_committed)
        run.kill()
        db.execute("COMMIT")
    finally:
        db.close()
    assert f"{TENK}.pdf: extracting" in run.output
    records, chunks = _assert_whole(home, before, files)
    assert records[TENK]["version"] == before[TENK]["version"]  # the switch never happened
    assert _leftovers(records, chunks) == {TENK}  # part of the new version, invisible

    # Kill 2: during the extraction of the 10-Q, after the 10-K's new version went in.
    run = Ingest(home, folder)
    run.wait_for(lambda: f"{TENQ}.pdf: extracting" in run.output)
    run.kill()
    assert "chunks left behind by an interrupted run" in run.output  # kill 1's leftovers
    assert f"{TENK}.pdf: extracting" not in run.output  # the extraction came from the cache
    assert f"{TENK}: switched to the new version" in run.output
    records, chunks = _assert_whole(home, before, files)
    assert records[TENK]["sha256"] == file_sha256(files[TENK])
    assert records[TENQ]["version"] == before[TENQ]["version"]
    assert EARNINGS in records  # removals come last: not reached

    # The next run finishes the work and the index is what an uninterrupted run builds.
    assert _ingest_in_process(home, folder) == {TENK: "unchanged", TENQ: "updated",
                                                EARNINGS: "removed"}
    assert set(_ingest_in_process(reference, folder).values()) == {"added"}
    records, chunks = _index(home)
    expected, expected_chunks = _index(reference)
    keys = ("sha256", "version", "chunks", "source_path")
    assert {d: [r[k] for k in keys] for d, r in records.items()} \
        == {d: [r[k] for k in keys] for d, r in expected.items()}
    assert {c["id"] for c in chunks} == {c["id"] for c in expected_chunks}
