"""``docthrift serve`` in its own process answers queries while it ingests real filings.

The server holds the local index, runs an ephemeral Prefect inside (no PREFECT_API_URL) and
its schedule: a scheduled run indexes the samples; then two real filings join the folder, an
ingestion starts through the API, and several clients query until it is done.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import DEV_DATA, needs_dev_data
from tests.server_helpers import free_port

FILINGS = ("BESTBUY_2024Q2_10Q.pdf", "JOHNSON_JOHNSON_2022Q4_EARNINGS.pdf")
CLIENTS = 3


def _wait(what: str, check: Any, timeout_s: float, proc: subprocess.Popen[bytes], log: Path) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"docthrift serve exited ({proc.returncode}):\n{log.read_text()}")
        try:
            result = check()
        except httpx.TransportError:
            result = None
        if result:
            return result
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout_s:g} s waiting for {what}:\n{log.read_text()}")


@pytest.fixture
def server(samples_dir: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    source = tmp_path / "source"
    source.mkdir()
    for pdf in samples_dir.glob("*.pdf"):
        shutil.copy(pdf, source / pdf.name)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(DOCTHRIFT_HOME=str(tmp_path / "home"), DOCTHRIFT_SOURCE_DIR=str(source))
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "docthrift.cli", "serve", "--port", str(port),
             "--schedule-interval", "3"], env=env, stdout=out, stderr=subprocess.STDOUT)
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120)
    try:
        _wait("the server", lambda: client.get("/healthz").status_code == 200, 180, proc, log)
        yield client, source, proc, log
    finally:
        client.close()
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()


def _questions(samples_dir: Path) -> list[str]:
    lines = (samples_dir / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines]


@needs_dev_data
def test_queries_keep_answering_during_a_long_ingestion(server, samples_dir: Path) -> None:  # type: ignore[no-untyped-def]
    api, source, proc, log = server

    # The schedule works on the ephemeral Prefect inside the server: the samples get indexed.
    def indexed() -> set[str]:
        return {d["doc_id"] for d in api.get("/v1/documents").json()["documents"]}

    samples = {p.stem for p in source.glob("*.pdf")}
    _wait("a scheduled run to index the samples", lambda: indexed() >= samples, 180, proc, log)

    for name in FILINGS:
        shutil.copy(DEV_DATA / "pdfs" / name, source / name)
    started = api.post("/v1/ingest")
    assert started.status_code == 202, started.text
    run_id = started.json()["run_id"]

    questions = _questions(samples_dir)
    done = threading.Event()
    results: list[tuple[int, float, bool]] = []  # status, seconds, answer and citations
    lock = threading.Lock()

    def ask(worker: int) -> None:
        with httpx.Client(base_url=str(api.base_url), timeout=120) as client:
            i = worker
            while not done.is_set():
                t0 = time.monotonic()
                reply = client.post("/v1/query", json={"question": questions[i % len(questions)]})
                seconds = time.monotonic() - t0
                body = reply.json() if reply.status_code == 200 else {}
                with lock:
                    results.append((reply.status_code, seconds,
                                    bool(body.get("answer")) and bool(body.get("citations"))))
                i += CLIENTS

    threads = [threading.Thread(target=ask, args=(w,), daemon=True) for w in range(CLIENTS)]
    t_start = time.monotonic()
    for thread in threads:
        thread.start()
    def finished() -> dict[str, Any] | None:
        run = api.get(f"/v1/ingest/{run_id}").json()
        return None if run["status"] == "running" else run

    status = _wait("the ingestion to finish", finished, 240, proc, log)
    ingest_s = time.monotonic() - t_start
    done.set()
    for thread in threads:
        thread.join(120)

    assert status["status"] == "completed", status
    filings = {Path(name).stem for name in FILINGS}
    assert filings <= indexed()
    latencies = sorted(seconds for _, seconds, _ in results)
    failed = [r for r in results if r[0] != 200 or not r[2]]
    report = (f"{len(results)} queries from {CLIENTS} clients during {ingest_s:.1f} s of "
              f"ingestion; {len(failed)} failed; latency p50 {statistics.median(latencies):.2f} s, "
              f"p95 {latencies[int(0.95 * (len(latencies) - 1))]:.2f} s, max {latencies[-1]:.2f} s")
    print(report)
    assert not failed, report + f"; failures (status, seconds, had answer): {failed[:5]}"
    assert len(results) >= 10, report
