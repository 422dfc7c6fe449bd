"""Scheduled ingestion inside the API process, on the API's own index (an API part).

Local Qdrant lets one process hold a storage folder and the API holds it, so a Prefect runner or
worker, which starts each flow run in a subprocess, cannot write the index. Instead the API
process registers the ingestion deployment with its schedule, and one background thread, every
few seconds:

1. skips the round while the deployment is paused (in the UI), registers it again when it is
   gone (a fresh server database), and asks the server to schedule its next two runs (``POST
   /deployments/{id}/schedule``, the call the server's scheduler service makes; the runs'
   idempotency keys make it a no-op where a full server did it already). An ephemeral
   server (no ``PREFECT_API_URL``) runs no scheduler service: this is what makes the schedule
   work there too;
2. reads the runs that are due (``get_scheduled_flow_runs_for_deployments``);
3. claims the newest (Scheduled → Pending; a run the server will not hand over is left
   alone), labels it with this process (:mod:`docthrift.prefect_runtime`) and cancels the
   older ones still waiting, since one run covers the whole folder;
4. executes it in this thread with ``prefect.flow_engine.run_flow`` (Running → Completed, or
   Failed when a document failed, with the run's summary as the state message), holding the
   lock that API-started ingestion holds too.

The flow builds its settings from the deployment's parameters; ``indexes.store.get_index``
keeps one index object per storage folder and collection, so the run writes through the API's
own index while its queries go on in parallel (the engine needs no lock around it).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from docthrift.errors import disk_full_message
from docthrift.prefect_runtime import owner_labels
from docthrift.settings import Settings

if TYPE_CHECKING:
    from prefect.client.orchestration import SyncPrefectClient
    from prefect.client.schemas.objects import FlowRun, State
    from prefect.client.schemas.responses import FlowRunResponse

log = logging.getLogger(__name__)

RUNS_AHEAD = 2
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class IngestSchedule:
    """When to ingest the source folder: a cron expression (UTC) or an interval in seconds."""

    cron: str | None = None
    interval: float | None = None

    def options(self) -> dict[str, Any]:
        """``{"cron": ...}`` or ``{"interval": ...}`` for ``to_deployment``; ConfigError if bad."""
        from flows.deployments import schedule_options

        return schedule_options(self.cron, self.interval)

    @property
    def poll_seconds(self) -> float:
        """How often to look for due runs: half the interval, between 1 and 10 seconds."""
        return min(10.0, max(1.0, self.interval / 2)) if self.interval else 10.0


class ScheduledIngestion:
    """Registers the ingestion deployment and runs its due flow runs in this process."""

    def __init__(self, settings: Settings, schedule: IngestSchedule, lock: threading.Lock) -> None:
        self.settings = settings
        self.schedule = schedule
        self.lock = lock
        self.deployment_id: UUID | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Create or update the deployment and the LLM limit, then start polling.

        Raises:
            ConfigError: no source folder, or a bad schedule.
        """
        from flows.deployments import set_llm_limit

        self._register()
        set_llm_limit(self.settings)
        self._thread = threading.Thread(target=self._loop, name="docthrift-scheduler", daemon=True)
        self._thread.start()

    def _register(self) -> UUID:
        from flows.deployments import apply_deployment, ingest_deployment

        deployment = ingest_deployment(self.settings, self.schedule.options())
        self.deployment_id = apply_deployment(deployment)
        log.info("scheduled ingestion: deployment %s (%s)", deployment.name, self.deployment_id)
        return self.deployment_id

    def stop(self, wait_s: float = 5.0) -> None:
        """Stop polling; a run in progress gets ``wait_s`` seconds to finish."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(wait_s)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_due()
            except Exception:  # the server may be restarting: try again at the next poll
                log.exception("scheduled ingestion: polling the Prefect server failed")
            self._stop.wait(self.schedule.poll_seconds)

    def run_due(self) -> UUID | None:
        """Schedule the next runs, then execute the newest due one; return its id."""
        from prefect.client.orchestration import get_client
        from prefect.exceptions import ObjectNotFound

        deployment_id = self.deployment_id or self._register()
        with get_client(sync_client=True) as client:
            try:
                if client.read_deployment(deployment_id).paused:  # paused in the UI
                    return None
            except ObjectNotFound:  # deleted, or a fresh server database: register again
                deployment_id = self._register()
            _schedule_next_runs(client, deployment_id)
            due = client.get_scheduled_flow_runs_for_deployments(
                [deployment_id], scheduled_before=datetime.now(UTC))
            if not due:
                return None
            newest, *older = sorted(due, key=_start_time, reverse=True)
            for run in older:
                _supersede(client, run, newest)
            with self.lock:
                if self._stop.is_set() or not _claim(client, newest):
                    return None
                # Named after this process: if it dies, the next start marks the run crashed.
                client.update_flow_run_labels(newest.id, owner_labels())
                self._execute(client.read_flow_run(newest.id))
        return newest.id

    def _execute(self, flow_run: FlowRun) -> None:
        from prefect.client.schemas.objects import State
        from prefect.flow_engine import run_flow

        from flows.ingest import ingest_documents

        # Failed when a document failed (the others are indexed), with the summary as message.
        state = cast("State[Any]", run_flow(ingest_documents, flow_run=flow_run,
                                             return_type="state"))
        log.log(logging.INFO if state.is_completed() else logging.WARNING,
                "scheduled ingestion %s: %s (%s)", flow_run.name, state.name, state.message)
        if state.is_failed():
            reason = disk_full_message(state.result(raise_on_failure=False), self.settings.home)
            if reason is not None:
                log.error("scheduled ingestion %s: %s", flow_run.name, reason)


def _schedule_next_runs(client: SyncPrefectClient, deployment_id: UUID) -> None:
    client.request("POST", "/deployments/{id}/schedule", path_params={"id": deployment_id},
                   json={"min_runs": RUNS_AHEAD, "max_runs": RUNS_AHEAD, "min_time": 0.0}
                   ).raise_for_status()


def _start_time(run: FlowRunResponse) -> datetime:
    return run.next_scheduled_start_time or run.expected_start_time or run.created or _EPOCH


def _claim(client: SyncPrefectClient, run: FlowRunResponse) -> bool:
    """Scheduled → Pending; False when the server will not hand the run over."""
    from prefect.exceptions import Abort
    from prefect.states import Pending
    from prefect.utilities.engine import propose_state_sync

    try:
        return propose_state_sync(client, Pending(), flow_run_id=run.id).is_pending()
    except Abort:
        return False


def _supersede(client: SyncPrefectClient, run: FlowRunResponse, newer: FlowRunResponse) -> None:
    from prefect.exceptions import Abort
    from prefect.states import Cancelled
    from prefect.utilities.engine import propose_state_sync

    try:
        propose_state_sync(client, Cancelled(
            message=f"superseded by {newer.name}: one run ingests the whole folder"),
            flow_run_id=run.id)
    except Abort:
        pass
