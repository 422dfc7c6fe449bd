"""Prefect deployments of the two flows, and the ways to run them.

- ``ingest-documents/<name>``: ingests the configured source folder on a cron or interval
  schedule; unchanged files are skipped, changed ones re-indexed, removed ones dropped.
- ``evaluate-release/<name>``: no schedule; started on demand (the UI, or
  ``prefect deployment run 'evaluate-release/<name>' --param dataset=questions.jsonl``).

``<name>`` names the index the runs write (:func:`deployment_name`), so processes that share a
Prefect server but not an index never run each other's schedules.

Three ways to execute their runs, by where the index lives:

- local Qdrant (the default): in the API process, ``docthrift serve --schedule-*``
  (``docthrift/scheduler.py``), since one process holds a local storage folder;
- a Qdrant server: :func:`serve_deployments` (``docthrift schedule``), a Prefect Runner that
  starts each run in a subprocess, or :func:`deploy_to_pool` and :func:`start_worker`
  (``docthrift worker``) for several machines sharing a process work pool.

Entrypoints are module paths (``flows.ingest.ingest_documents``), so a runner or worker
anywhere the package is installed can load them, whatever its working directory.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from docthrift.errors import ConfigError
from docthrift.llm import LLM_LIMIT
from docthrift.settings import Settings

if TYPE_CHECKING:
    from prefect.deployments.runner import RunnerDeployment

DEFAULT_CRON = "0 2 * * *"
PATH_FIELDS = ("home", "cache", "qdrant_path", "source_dir")


def schedule_options(cron: str | None = None, interval: float | None = None) -> dict[str, Any]:
    """The schedule keyword of ``to_deployment``: ``{"cron": ...}`` or ``{"interval": ...}``.

    Args:
        cron: A five-field cron expression, evaluated in UTC.
        interval: Seconds between runs.

    Raises:
        ConfigError: both are given, the interval is under a second, or the cron is invalid.
    """
    if cron is not None and interval is not None:
        raise ConfigError("give a cron expression or an interval, not both")
    if interval is not None:
        if interval < 1:
            raise ConfigError(f"a schedule interval of {interval:g} s is too short; give 1 or more")
        return {"interval": timedelta(seconds=interval)}
    from prefect.client.schemas.schedules import CronSchedule

    expression = cron or DEFAULT_CRON
    try:
        CronSchedule(cron=expression)
    except ValueError as exc:
        raise ConfigError(f"{expression!r} is not a cron expression; give five fields, "
                          "for example '0 2 * * *' (every day at 02:00 UTC)") from exc
    return {"cron": expression}


def deployment_name(settings: Settings) -> str:
    """The deployments' name: the collection, plus a digest of the storage folder in local mode."""
    if settings.qdrant_url:
        return settings.collection
    where = str(settings.local_qdrant_path.resolve())
    return f"{settings.collection}-{hashlib.sha256(where.encode()).hexdigest()[:8]}"


def portable_overrides(settings: Settings) -> dict[str, Any]:
    """``settings.overrides()`` with absolute paths, so a run started elsewhere finds them."""
    overrides = settings.overrides()
    for key in PATH_FIELDS:
        value = getattr(settings, key)
        if value is not None:
            overrides[key] = str(value.expanduser().resolve())
    return overrides


def run_overrides(settings: Settings) -> dict[str, Any]:
    """The ``overrides`` parameter of a run started now: what is really in force.

    Paths are absolute (a rerun from the Prefect UI finds the same folders), and ``model`` is
    None when no endpoint is configured, since no model answers then (the report says so too).
    """
    overrides = portable_overrides(settings)
    if not settings.llm_configured:
        overrides["model"] = None
    return overrides


def ingest_deployment(settings: Settings, schedule: dict[str, Any]) -> RunnerDeployment:
    """The scheduled ingestion of ``settings.source_dir``.

    Raises:
        ConfigError: no source folder is configured, or it is not a folder.
    """
    from prefect.types.entrypoint import EntrypointType

    from flows.ingest import ingest_documents

    source = settings.source_dir
    if source is None or not source.expanduser().is_dir():
        shown = f" ({source} is not a folder)" if source is not None else ""
        raise ConfigError(f"scheduled ingestion needs a source folder{shown}; set "
                          "DOCTHRIFT_SOURCE_DIR or pass --source with a folder of PDFs")
    deployment = ingest_documents.to_deployment(  # type: ignore[call-arg]
        name=deployment_name(settings),
        parameters={"paths": [str(source.expanduser().resolve())],
                    "overrides": portable_overrides(settings)},
        description=f"Ingest the PDFs under {source} into collection {settings.collection!r}.",
        tags=["docthrift"],
        concurrency_limit=1,  # one run covers the whole folder: two at once only duplicate work
        entrypoint_type=EntrypointType.MODULE_PATH,
        _sync=True,  # Prefect dispatches on the caller; this is the sync API, always
        **schedule,
    )
    return cast("RunnerDeployment", deployment)


def evaluate_deployment(settings: Settings) -> RunnerDeployment:
    """The on-demand release evaluation (no schedule); runs name their ``dataset``."""
    from prefect.types.entrypoint import EntrypointType

    from flows.evaluate import evaluate_release

    deployment = evaluate_release.to_deployment(  # type: ignore[call-arg]
        name=deployment_name(settings),
        parameters={"overrides": portable_overrides(settings)},
        description="Compare docthrift with the whole-document baseline; pass dataset "
        "(and docs) as parameters.",
        tags=["docthrift"],
        entrypoint_type=EntrypointType.MODULE_PATH,
        _sync=True,
    )
    return cast("RunnerDeployment", deployment)


def apply_deployment(deployment: RunnerDeployment) -> UUID:
    """Create or update the deployment on the Prefect server; return its id."""
    return cast(UUID, deployment.apply(_sync=True))  # type: ignore[call-arg]


def set_llm_limit(settings: Settings) -> None:
    """Create or resize the global concurrency limit on LLM calls to ``llm_concurrency``."""
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        client.upsert_global_concurrency_limit_by_name(LLM_LIMIT, settings.llm_concurrency)


def require_server() -> str:
    """The Prefect server's API URL.

    Raises:
        ConfigError: PREFECT_API_URL is not set (an ephemeral API runs no scheduler).
    """
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    if not url:
        raise ConfigError(
            "PREFECT_API_URL is not set: runners and workers need a Prefect server; start "
            "one with 'prefect server start' and export "
            "PREFECT_API_URL=http://127.0.0.1:4200/api (with the local index, schedule in "
            "the API process instead: docthrift serve --schedule-cron '0 2 * * *')")
    return str(url)


def serve_deployments(settings: Settings, schedule: dict[str, Any]) -> None:
    """Serve both deployments from this process until interrupted (``prefect.serve``).

    Each run starts in a subprocess; with the local index the runner takes one run at a time,
    and the index must not be held by another process (``docthrift serve``).
    """
    require_server()
    from prefect import serve

    ingest, evaluate = ingest_deployment(settings, schedule), evaluate_deployment(settings)
    set_llm_limit(settings)
    serve(ingest, evaluate, limit=None if settings.qdrant_url else 1)


def deploy_to_pool(settings: Settings, pool: str, schedule: dict[str, Any]) -> list[UUID]:
    """Register both deployments with a process work pool, creating the pool when missing."""
    require_server()
    from prefect import deploy
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectNotFound
    from prefect.workers.process import ProcessWorker

    ingest, evaluate = ingest_deployment(settings, schedule), evaluate_deployment(settings)
    with get_client(sync_client=True) as client:
        try:
            found = client.read_work_pool(pool)
        except ObjectNotFound:
            found = client.create_work_pool(WorkPoolCreate(
                name=pool, type="process",
                base_job_template=ProcessWorker.get_default_base_job_template()))
    if found.type != "process":
        raise ConfigError(f"work pool {pool!r} is of type {found.type!r}; docthrift's workers "
                          "need a process pool: prefect work-pool create NAME --type process")
    set_llm_limit(settings)
    ids = deploy(ingest, evaluate, work_pool_name=pool, build=False, push=False,
                 print_next_steps_message=False, ignore_warnings=True, _sync=True)  # type: ignore[call-arg]
    return cast(list[UUID], ids)


def start_worker(pool: str, limit: int | None = None) -> None:
    """Run a Prefect process worker on ``pool`` until interrupted."""
    import asyncio

    from prefect.workers.process import ProcessWorker

    require_server()
    worker = ProcessWorker(work_pool_name=pool, limit=limit, create_pool_if_not_found=False)
    try:
        asyncio.run(worker.start())
    except KeyboardInterrupt:
        pass
