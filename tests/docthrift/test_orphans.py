"""``kill -9`` of ``docthrift ingest`` and ``docthrift serve``: nothing of theirs lives on.

Real processes with Prefect's ephemeral server (no PREFECT_API_URL), each in a home of its own.
The embedded Prefect server must end with the process that started it, the runs it left
unfinished must be marked crashed at the next start, and the API must still answer for runs
of an earlier server process.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import DEV_DATA, needs_dev_data
from tests.server_helpers import wait_for

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
DEADLINE_S = 240


def _wait_for(what: str, check: Callable[[], Any], timeout_s: float = DEADLINE_S) -> Any:
    return wait_for(what, check, timeout_s, every_s=0.2)


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    return {**env, "DOCTHRIFT_HOME": str(home), "PYTHONUNBUFFERED": "1",
            "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120", **extra}


def _prefect_children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` and that run Prefect's server."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes()
        except (OSError, IndexError):
            continue
        if int(stat[1]) == pid and b"prefect.server.api.server" in cmdline:
            found.append(int(entry.name))
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"  # a zombie has ended; only its exit status waits to be read


def _kill_9(proc: subprocess.Popen[Any]) -> list[int]:
    """SIGKILL the process alone (not its group); return its Prefect server's pid(s)."""
    servers = _wait_for("the Prefect server child", lambda: _prefect_children(proc.pid), 120)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    return servers


def _assert_gone(servers: list[int]) -> None:
    try:
        _wait_for("the orphaned Prefect server to end", lambda: not any(map(_running, servers)), 60)
    finally:
        for pid in servers:  # never leave one behind, whatever the outcome
            if _running(pid):
                os.kill(pid, signal.SIGKILL)


def _flow_run_states(home: Path) -> dict[str, str]:
    """Flow run id → state type, from the ephemeral server's database (names can repeat)."""
    with sqlite3.connect(home / "prefect" / "prefect.db") as db:
        return dict(db.execute("SELECT id, state_type FROM flow_run").fetchall())


def test_a_killed_ingest_takes_its_prefect_server_along(  # type: ignore[no-untyped-def]
        samples_dir, tmp_path) -> None:
    folder, home = tmp_path / "in", tmp_path / "home"
    folder.mkdir()
    for pdf in samples_dir.glob("*.pdf"):
        shutil.copy(pdf, folder / pdf.name)
    command = [sys.executable, "-m", "docthrift.cli", "ingest", str(folder)]
    log = tmp_path / "ingest.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([*command, "--verbose"], env=_env(home), stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_for("a document being extracted", lambda: b": extracting" in log.read_bytes())
        servers = _kill_9(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
    _assert_gone(servers)
    assert set(_flow_run_states(home).values()) == {"RUNNING"}  # what the kill left

    done = subprocess.run([*command, "--json"], env=_env(home), capture_output=True,
                          timeout=DEADLINE_S)
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    assert sorted(_flow_run_states(home).values()) == ["COMPLETED", "CRASHED"]


@contextmanager
def _serve(home: Path, source: Path, log: Path) -> Iterator[tuple[subprocess.Popen[Any], str]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "docthrift.cli", "serve", "--port", str(port)],
            env=_env(home, DOCTHRIFT_SOURCE_DIR=str(source)), stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        if proc.poll() is not None:
            raise AssertionError(f"serve exited {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            return httpx.get(f"{url}/healthz", timeout=5).status_code == 200
        except httpx.TransportError:
            return False

    try:
        _wait_for("the server", up)
        yield proc, url
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


@needs_dev_data
def test_serve_after_kill_9_knows_earlier_runs_and_a_second_serve_says_one_line(  # type: ignore[no-untyped-def]
        samples_dir, tmp_path) -> None:
    source, home, log = tmp_path / "source", tmp_path / "home", tmp_path / "serve.log"
    source.mkdir()
    shutil.copy(samples_dir / "contoso_2024Q4_earnings.pdf", source)

    with _serve(home, source, log) as (proc, url):
        first = httpx.post(f"{url}/v1/ingest", timeout=60).json()["run_id"]
        done = _wait_for("the first run", lambda: (r := httpx.get(
            f"{url}/v1/ingest/{first}", timeout=60).json())["status"] != "running" and r)
        assert done["status"] == "completed", done
        shutil.copy(DEV_DATA / "pdfs" / "AMCOR_2023Q4_EARNINGS.pdf", source)
        second = httpx.post(f"{url}/v1/ingest", timeout=60)
        assert second.status_code == 202 and second.json()["status"] == "running"
        servers = _kill_9(proc)  # while the second run extracts a real filing
    _assert_gone(servers)

    with _serve(home, source, log) as (_, url):
        earlier = httpx.get(f"{url}/v1/ingest/{first}", timeout=60).json()
        assert earlier["status"] == "completed", earlier
        assert [d["doc_id"] for d in earlier["summary"]["documents"]] == ["contoso_2024Q4_earnings"]
        killed = httpx.get(f"{url}/v1/ingest/{second.json()['run_id']}", timeout=60).json()
        assert killed["status"] == "crashed" and "ended before the run finished" in killed["error"]

        other = subprocess.run([sys.executable, "-m", "docthrift.cli", "serve", "--port", "0"],
                               env=_env(home, DOCTHRIFT_SOURCE_DIR=str(source)),
                               capture_output=True, text=True, timeout=DEADLINE_S)
    lines = [line for line in (other.stdout + other.stderr).splitlines() if line.strip()]
    assert other.returncode == 1 and len(lines) == 1, lines
    assert lines[0].startswith("error: the local index at") and "in use" in lines[0]
