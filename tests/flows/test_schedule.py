"""Scheduled ingestion in the API process: a real Prefect server, uvicorn, a watched folder.

A file dropped into the folder is answered from after the next scheduled run, a changed file is
re-indexed, a deleted one is dropped; the runs show on the Prefect server as Completed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pymupdf
import pytest
from prefect import flow, task
from typer.testing import CliRunner

from core.errors import DocthriftError
from core.llm import LLM, LLM_LIMIT
from core.settings import Settings, load_settings
from docthrift.cli import app
from extractors.sources import file_sha256
from flows.scheduler import IngestSchedule
from indexes import store
from tests.server_helpers import start_server, wait_for

INTERVAL_S = 3
DOC = "watched_report"


def _drop(data: bytes, target: Path) -> None:
    """Write a whole file at once (rename), as a copy into a watched folder should."""
    staging = target.parent.parent / f".{target.name}.part"
    staging.write_bytes(data)
    os.replace(staging, target)


@pytest.fixture
def scheduled_api(prefect_harness, tmp_path: Path) -> Iterator[tuple[httpx.Client, Path, Settings]]:  # type: ignore[no-untyped-def]
    from docthrift.api import create_app

    watched = tmp_path / "watched"
    watched.mkdir()
    settings = load_settings(home=tmp_path / "home", collection=f"s{uuid.uuid4().hex[:10]}",
                             source_dir=watched)
    app = create_app(settings, schedule=IngestSchedule(interval=INTERVAL_S))
    server, thread, port = start_server(app)
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60)
    yield client, watched, settings
    client.close()
    server.should_exit = True
    thread.join(30)
    store.close_indexes()


def _record(api: httpx.Client) -> dict[str, Any] | None:
    reply = api.get(f"/v1/documents/{DOC}")
    return reply.json() if reply.status_code == 200 else None


def test_scheduled_runs_add_update_and_remove(scheduled_api, samples_dir: Path) -> None:  # type: ignore[no-untyped-def]
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId

    from flows.deployments import deployment_name

    api, watched, settings = scheduled_api
    started = time.monotonic()
    with get_client(sync_client=True) as prefect:
        deployment = prefect.read_deployment_by_name(
            f"ingest-documents/{deployment_name(settings)}")
    assert deployment.schedules and deployment.schedules[0].active
    assert deployment.parameters["paths"] == [str(watched.resolve())]

    # Added: a file dropped into the folder is answered from after the next run.
    target = watched / f"{DOC}.pdf"
    original = (samples_dir / "contoso_2024Q4_earnings.pdf").read_bytes()
    _drop(original, target)
    first = wait_for("the dropped file to be indexed", lambda: _record(api))
    assert first["sha256"] == file_sha256(target)
    question = "What revenue did Contoso report for Q4 2024?"
    answer = api.post("/v1/query", json={"question": question})
    assert answer.status_code == 200, answer.text
    assert answer.json()["answer"] and DOC in {c["doc_id"] for c in answer.json()["citations"]}
    added_s = time.monotonic() - started

    # Updated: the same file with a page appended is re-indexed by a later run.
    with pymupdf.open(stream=original, filetype="pdf") as doc:
        page = doc.new_page()
        page.insert_text((72, 72), "Subsequent event: Contoso opened a research lab in Reykjavik.")
        changed = doc.tobytes()
    _drop(changed, target)
    new_sha = file_sha256(target)
    second = wait_for("the changed file to be re-indexed",
                   lambda: (r := _record(api)) and r["sha256"] == new_sha and r)
    assert second["page_count"] == first["page_count"] + 1
    lab = api.post("/v1/query", json={"question": "Where did Contoso open a research lab?",
                                      "doc_id": DOC, "retrieve_only": True}).json()
    assert any("Reykjavik" in c["text"] for c in lab["citations"]), lab
    updated_s = time.monotonic() - started

    # Removed: deleting the file drops the document at a later run.
    target.unlink()
    wait_for("the deleted file to leave the index", lambda: _record(api) is None)
    assert DOC not in {d["doc_id"] for d in api.get("/v1/documents").json()["documents"]}
    removed_s = time.monotonic() - started

    # The runs are the deployment's, executed here, and Completed on the Prefect server.
    def settled() -> list[str] | None:
        with get_client(sync_client=True) as prefect:
            runs = prefect.read_flow_runs(deployment_filter=DeploymentFilter(
                id=DeploymentFilterId(any_=[deployment.id])))
        states = [r.state.type.value if r.state else "NONE" for r in runs]
        return None if {"PENDING", "RUNNING"} & set(states) else states

    states = wait_for("the last run to finish", settled, 60)
    completed = states.count("COMPLETED")
    assert completed >= 3, states
    assert set(states) <= {"COMPLETED", "CANCELLED", "SCHEDULED"}, states
    print(f"added after {added_s:.1f} s, updated after {updated_s:.1f} s, removed after "
          f"{removed_s:.1f} s; {completed} completed runs, states {sorted(set(states))}")


def test_a_backlog_runs_once_and_a_paused_deployment_not_at_all(prefect_harness, settings,
                                                               tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime, timedelta

    from prefect.client.orchestration import get_client
    from prefect.states import Scheduled

    from flows.scheduler import ScheduledIngestion

    watched = tmp_path / "empty"
    watched.mkdir()
    local = settings.model_copy(update={"source_dir": watched})
    scheduler = ScheduledIngestion(local, IngestSchedule(interval=3600), threading.Lock())
    deployment_id = scheduler._register()
    with get_client(sync_client=True) as prefect:
        now = datetime.now(UTC)
        late = [prefect.create_flow_run_from_deployment(
            deployment_id, state=Scheduled(scheduled_time=now - timedelta(minutes=m)))
            for m in (3, 2, 1)]
        prefect.pause_deployment(deployment_id)
        assert scheduler.run_due() is None  # paused: nothing runs
        assert all(prefect.read_flow_run(r.id).state.is_scheduled() for r in late)  # type: ignore[union-attr]
        prefect.resume_deployment(deployment_id)

        assert scheduler.run_due() == late[-1].id  # the newest of the backlog runs, once
        states = [prefect.read_flow_run(r.id).state for r in late]
        assert [s.type.value for s in states] == ["CANCELLED", "CANCELLED", "COMPLETED"], states  # type: ignore[union-attr]
        assert "superseded" in (states[0].message or "")  # type: ignore[union-attr]
        assert scheduler.run_due() is None  # the next ones are an hour away
        upcoming = prefect.get_scheduled_flow_runs_for_deployments(
            [deployment_id], scheduled_before=now + timedelta(hours=3))
        assert len(upcoming) == 2 and all(r.auto_scheduled for r in upcoming)


def test_a_scheduled_run_with_a_failed_document_ends_failed(prefect_harness, settings,  # type: ignore[no-untyped-def]
                                                           samples_dir: Path, tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from prefect.client.orchestration import get_client
    from prefect.states import Scheduled

    from answering.answering import answer_question
    from answering.service import make_service
    from flows.scheduler import ScheduledIngestion

    watched = tmp_path / "watched"
    watched.mkdir()
    _drop((samples_dir / "contoso_2024Q4_earnings.pdf").read_bytes(), watched / "contoso.pdf")
    (watched / "notes.pdf").write_text("minutes of the meeting, saved as text")
    local = settings.model_copy(update={"source_dir": watched})
    scheduler = ScheduledIngestion(local, IngestSchedule(interval=3600), threading.Lock())
    deployment_id = scheduler._register()
    with get_client(sync_client=True) as prefect:
        due = prefect.create_flow_run_from_deployment(
            deployment_id, state=Scheduled(scheduled_time=datetime.now(UTC) - timedelta(minutes=1)))
        assert scheduler.run_due() == due.id
        state = prefect.read_flow_run(due.id).state
    # Failed, so the UI shows it red and automations on failed runs fire; the summary says why.
    assert state is not None and state.type.value == "FAILED", state
    assert state.message == "1 added, 1 failed (notes.pdf: not a PDF file)"
    # The good document is indexed all the same.
    answer = answer_question(make_service(local), "What revenue did Contoso report for Q4 2024?",
                             retrieve_only=True)
    assert {c.doc_id for c in answer.citations} == {"contoso"}


def test_bad_schedules_and_a_missing_folder_are_config_errors(tmp_path: Path) -> None:
    from core.errors import ConfigError
    from flows.deployments import ingest_deployment, schedule_options

    with pytest.raises(ConfigError, match="not both"):
        schedule_options("0 2 * * *", 60)
    with pytest.raises(ConfigError, match="cron expression"):
        schedule_options("every day", None)
    with pytest.raises(ConfigError, match="too short"):
        schedule_options(None, 0.5)
    assert schedule_options() == {"cron": "0 2 * * *"}
    with pytest.raises(ConfigError, match="source folder"):
        ingest_deployment(load_settings(home=tmp_path), {"interval": 60})
    missing = tmp_path / "nope"
    with pytest.raises(ConfigError, match="not a folder"):
        ingest_deployment(load_settings(home=tmp_path, source_dir=missing), {"interval": 60})


def test_deployments_register_with_a_process_pool(prefect_harness, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from prefect.client.orchestration import get_client

    from flows.deployments import deploy_to_pool

    source = tmp_path / "filings"
    source.mkdir()
    settings = load_settings(home=tmp_path / "home", collection="pooled", source_dir=source,
                             llm_concurrency=3)
    pool = f"docthrift-{uuid.uuid4().hex[:6]}"
    ingest_id, evaluate_id = deploy_to_pool(settings, pool, {"cron": "30 1 * * *"})
    with get_client(sync_client=True) as prefect:
        ingest = prefect.read_deployment(ingest_id)
        evaluate = prefect.read_deployment(evaluate_id)
        assert prefect.read_work_pool(pool).type == "process"
        assert prefect.read_global_concurrency_limit_by_name(LLM_LIMIT).limit == 3
        prefect.upsert_global_concurrency_limit_by_name(LLM_LIMIT, 4)
    assert ingest.work_pool_name == evaluate.work_pool_name == pool
    assert ingest.entrypoint == "flows.ingest.ingest_documents"
    assert evaluate.entrypoint == "flows.evaluate.evaluate_release"
    assert [s.schedule.cron for s in ingest.schedules] == ["30 1 * * *"]  # type: ignore[union-attr]
    assert evaluate.schedules == []
    assert ingest.parameters["overrides"]["home"] == str((tmp_path / "home").resolve())


class _InFlight:
    """A responder that sleeps and records the most requests the LLM server saw at once."""

    def __init__(self) -> None:
        self.now = self.most = 0
        self.lock = threading.Lock()

    def __call__(self, request: dict[str, Any]) -> str:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
        time.sleep(0.4)
        with self.lock:
            self.now -= 1
        return "ok"


@task
def _ask(base_url: str, i: int) -> str:
    llm = LLM(model="gpt-4o-mini", base_url=base_url, api_key="k", timeout_s=30, max_retries=0)
    return llm.chat([{"role": "user", "content": f"question {i}"}]).text


@flow
def _burst(base_url: str, calls: int) -> list[str]:
    return [f.result() for f in _ask.map(base_url, list(range(calls)))]


def test_llm_calls_in_runs_share_the_concurrency_limit(prefect_harness, llm_server) -> None:  # type: ignore[no-untyped-def]
    from concurrent.futures import ThreadPoolExecutor

    from prefect.client.orchestration import get_client

    llm_server.responder = seen = _InFlight()
    with get_client(sync_client=True) as prefect:
        prefect.upsert_global_concurrency_limit_by_name(LLM_LIMIT, 2)
    try:
        assert _burst(llm_server.base_url, 6) == ["ok"] * 6
    finally:
        with get_client(sync_client=True) as prefect:
            prefect.upsert_global_concurrency_limit_by_name(LLM_LIMIT, 4)
    assert seen.most == 2, seen.most  # tasks ran side by side, two calls at a time

    seen.most = 0  # outside a run (queries) nothing is limited
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda i: _ask.fn(llm_server.base_url, i), range(4)))
    assert seen.most > 2, seen.most


def test_schedule_commands_explain_what_is_missing(tmp_path: Path) -> None:
    runner = CliRunner()
    for command in (["schedule"], ["worker"]):
        result = runner.invoke(app, [*command, "--help"])
        assert result.exit_code == 0 and "Example" in result.output, command
    source = tmp_path / "filings"
    source.mkdir()
    home = str(tmp_path / "home")
    bad = runner.invoke(app, ["serve", "--home", home, "--source", str(source),
                              "--schedule-cron", "at noon"])
    assert isinstance(bad.exception, DocthriftError) and "cron expression" in str(bad.exception)
    no_folder = runner.invoke(app, ["serve", "--home", home, "--schedule-interval", "60"])
    assert isinstance(no_folder.exception, DocthriftError)
    assert "source folder" in str(no_folder.exception)
    local = runner.invoke(app, ["worker", "--pool", "p", "--home", home, "--source", str(source)])
    assert isinstance(local.exception, DocthriftError) and "QDRANT_URL" in str(local.exception)

    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    argv = ["docthrift", "schedule", "--home", home, "--source", str(source)]
    code = f"import sys; from docthrift.cli import main; sys.argv={argv!r}; main()"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 1, done.stderr
    assert "PREFECT_API_URL is not set" in done.stderr and "prefect server start" in done.stderr
    assert "Traceback" not in done.stderr
