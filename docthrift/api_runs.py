"""Ingestion runs started through the API, kept by Prefect, and what a client may see of paths.

A run's id is its Prefect flow run id; its state and summary (the flow's result, persisted in
Prefect's result storage) are read back from Prefect, so ``GET /v1/ingest/{id}`` answers after
the server restarts, for runs the schedule started too. Clients see paths relative to the
source folder, never where the server keeps its files.
"""

from __future__ import annotations

import logging
import re
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from pydantic import BaseModel

from docthrift.errors import ConfigError, disk_full_message
from docthrift.models import DocumentRecord, IngestSummary
from docthrift.settings import Settings
from flows.outcome import FailedOutcome

log = logging.getLogger(__name__)

FLOW_NAME = "ingest-documents"
_FOLDERS = re.compile(r"/(?:[^/\s:;,'\"()]+/)+")  # an absolute path's folders


class IngestRun(BaseModel):
    """An ingestion run: ``running``, ``completed``, ``failed`` (some documents failed, or the
    run did), ``crashed`` (its process ended first) or ``cancelled``."""

    run_id: str
    status: str
    summary: dict[str, Any] | None = None
    error: str | None = None


class IngestRuns:
    """Starts ingestion of the source folder in this process, one at a time; reads runs back."""

    def __init__(self, settings: Settings, run_lock: threading.Lock) -> None:
        self.settings = settings
        self.run_lock = run_lock  # one ingestion at a time, scheduled ones included
        self._lock = threading.Lock()
        self._current: tuple[str, threading.Thread] | None = None

    def start(self) -> IngestRun:
        """Start a run over the source folder, or return the one still running.

        Raises:
            ConfigError: no source folder is configured, or it is not a folder.
        """
        source = self.settings.source_dir
        if source is None:
            raise ConfigError("no source folder is configured; set DOCTHRIFT_SOURCE_DIR (or "
                              "start the server with --source) to a folder of PDFs")
        if not source.is_dir():
            raise ConfigError("the configured source folder is not a folder; check "
                              "DOCTHRIFT_SOURCE_DIR on the server")
        with self._lock:
            if self._current is not None and self._current[1].is_alive():
                run_id, thread = self._current
                run = self.read(run_id) or IngestRun(run_id=run_id, status="running")
                if run.status == "running":
                    return run  # one at a time: this request joins it
                thread.join(30)  # the run is over, its thread is finishing
            flow, flow_run = self._create(source)
            thread = threading.Thread(target=self._execute, args=(flow, flow_run),
                                      name="docthrift-ingest", daemon=True)
            self._current = (str(flow_run.id), thread)
            thread.start()
        return IngestRun(run_id=str(flow_run.id), status="running")

    def _create(self, source: Path) -> tuple[Any, Any]:
        from prefect.client.orchestration import get_client

        from docthrift.prefect_runtime import owner_labels
        from flows.ingest import ingest_documents

        flow = ingest_documents.with_options(persist_result=True)  # the summary outlives us
        with get_client(sync_client=True) as client:
            flow_run = client.create_flow_run(
                flow, name=f"api-{datetime.now(UTC):%Y%m%d-%H%M%S}",
                parameters={"paths": [str(source)], "overrides": self.settings.overrides()})
            client.update_flow_run_labels(flow_run.id, owner_labels())
        return flow, flow_run

    def _execute(self, flow: Any, flow_run: Any) -> None:
        from prefect.flow_engine import run_flow

        try:
            with self.run_lock:
                run_flow(flow, flow_run=flow_run, return_type="state")
        except Exception:  # Prefect itself failed; the next start marks the run crashed
            log.exception("ingestion run %s could not be run", flow_run.id)

    def read(self, run_id: str) -> IngestRun | None:
        """The run's status and summary, from Prefect; None for an unknown id."""
        from prefect.client.orchestration import get_client
        from prefect.exceptions import ObjectNotFound

        try:
            uid = UUID(run_id)
        except ValueError:
            return None
        with get_client(sync_client=True) as client:
            try:
                flow_run = client.read_flow_run(uid)
            except ObjectNotFound:
                return None
            if client.read_flow(flow_run.flow_id).name != FLOW_NAME:
                return None
        return self._status(run_id, flow_run.state)

    def _status(self, run_id: str, state: Any) -> IngestRun:
        if state is None or not state.is_final():
            return IngestRun(run_id=run_id, status="running")
        if state.is_cancelled() or state.is_crashed():
            status = "cancelled" if state.is_cancelled() else "crashed"
            return IngestRun(run_id=run_id, status=status, error=self.client_text(state.message))
        try:
            result = state.result(raise_on_failure=False, retry_result_failure=False)
        except Exception:  # not persisted (a scheduled run), or storage was cleared
            log.debug("run %s: its result cannot be read", run_id, exc_info=True)
            result = None
        if isinstance(result, FailedOutcome):  # documents failed: the run carries its summary
            result = result.result
        if isinstance(result, IngestSummary):
            return IngestRun(run_id=run_id, status="failed" if result.failed else "completed",
                             summary=self.client_summary(result))
        if state.is_completed():
            return IngestRun(run_id=run_id, status="completed",
                             error="the run's summary was not kept; see the run in Prefect")
        reason = disk_full_message(result, self.settings.home) if isinstance(
            result, BaseException) else None
        return IngestRun(run_id=run_id, status="crashed",
                         error=self.client_text(reason or str(result or state.message or "")))

    def client_summary(self, summary: IngestSummary) -> dict[str, Any]:
        """The summary's JSON with every error and note in client terms."""
        body = summary.to_json()
        for document in body["documents"]:  # type: ignore[attr-defined]
            for key in ("error", "note"):
                if document.get(key):
                    document[key] = self.client_text(document[key])
            document["warnings"] = [self.client_text(w) for w in document.get("warnings", [])]
        return body

    def client_text(self, text: str | None) -> str | None:
        """A message with paths relative to the source folder and no other server folder."""
        if not text:
            return text
        source = self.settings.source_dir
        for folder in {str(source), str(source.resolve())} if source else ():
            text = text.replace(folder.rstrip("/") + "/", "")
        return _FOLDERS.sub("…/", text)

    def client_record(self, record: DocumentRecord) -> dict[str, Any]:
        """A document record as a client sees it: its path relative to the source folder,
        or none when it came from elsewhere."""
        return {**record.model_dump(), "source_path": self._relative(record.source_path)}

    def _relative(self, path: str | None) -> str | None:
        source = self.settings.source_dir
        if not path or source is None:
            return None
        for folder in (source, source.resolve()):
            if Path(path).is_relative_to(folder):
                return str(Path(path).relative_to(folder))
        return None
