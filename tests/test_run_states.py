"""What the Prefect UI shows for an ingestion, read back through the Prefect API: the final
state and its message, the summary artifact's key and description, task run names, and one log
line a document (a warning without traceback for a file that is not a PDF)."""

from __future__ import annotations

import json
import logging
import re
from typing import Any
from uuid import UUID

from docthrift.answering import answer_question
from docthrift.models import IngestSummary
from docthrift.service import make_service
from docthrift.settings import Settings
from flows.ingest import ingest_documents
from flows.outcome import result_of

NOT_A_PDF = "this is a text file with a .pdf name"


def _ingest(settings: Settings, *paths: Any) -> tuple[UUID, IngestSummary]:
    state = ingest_documents([str(p) for p in paths], overrides={
        "home": str(settings.home), "collection": settings.collection}, return_state=True)
    flow_run_id = state.state_details.flow_run_id
    assert flow_run_id is not None
    return flow_run_id, result_of(state, IngestSummary)


def _read_back(flow_run_id: UUID) -> dict[str, Any]:
    """The run, its task runs, artifacts and logs, as the Prefect UI reads them."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        FlowRunFilter,
        FlowRunFilterId,
        LogFilter,
        LogFilterFlowRunId,
    )
    from prefect.logging.handlers import APILogHandler

    APILogHandler().flush()  # logs are sent in batches: send what is queued
    with get_client(sync_client=True) as client:
        return {
            "run": client.read_flow_run(flow_run_id),
            "tasks": client.read_task_runs(flow_run_filter=FlowRunFilter(
                id=FlowRunFilterId(any_=[flow_run_id]))),
            "artifacts": client.read_artifacts(artifact_filter=ArtifactFilter(
                flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]))),
            "logs": client.read_logs(log_filter=LogFilter(
                flow_run_id=LogFilterFlowRunId(any_=[flow_run_id]))),
        }


def test_failed_document_fails_the_run_and_the_rest_is_indexed(prefect_harness, settings,  # type: ignore[no-untyped-def]
                                                             corpus) -> None:
    (corpus / "notes.pdf").write_text(NOT_A_PDF)
    flow_run_id, summary = _ingest(settings, corpus)
    assert summary.totals["added"] == 3 and summary.totals["failed"] == 1

    seen = _read_back(flow_run_id)
    run = seen["run"]
    assert run.state.type.value == "FAILED" and run.state.name == "Failed"
    assert run.state.message == "3 added, 1 failed (notes.pdf: not a PDF file)"
    assert run.name == f"ingest {corpus.name}"
    assert run.parameters["artifact_key"] == "ingest-summary"

    # The good documents are indexed and answer questions.
    answer = answer_question(make_service(settings), "What revenue did Contoso report for Q4 2024?",
                             retrieve_only=True)
    assert answer.citations and answer.citations[0].doc_id == "contoso_2024Q4_earnings"

    # The summary table: the run's own key, a plain-words description, the error third.
    (artifact,) = seen["artifacts"]
    assert artifact.key == "ingest-summary" and artifact.type == "table"
    assert artifact.description == run.state.message
    rows = json.loads(artifact.data) if isinstance(artifact.data, str) else artifact.data
    assert list(rows[0])[:3] == ["doc_id", "status", "error"]
    failed = next(r for r in rows if r["doc_id"] == "notes")
    assert failed["status"] == "failed" and "not a PDF file" in failed["error"]

    # Task runs carry the document id; the unreadable file is not a crashed task.
    names = {t.name: t for t in seen["tasks"]}
    for step in ("extract-document", "chunk-document", "embed-chunks", "upsert-document"):
        assert f"{step} [northwind_2024_10K]" in names, sorted(names)
    assert names["extract-document [notes]"].state.type.value == "COMPLETED"
    assert not any(t.state.is_failed() for t in seen["tasks"])

    # One line a document: INFO for the indexed ones, one WARNING, no error, no traceback.
    logs = seen["logs"]
    assert not [log.message for log in logs if log.level >= logging.ERROR]
    assert not any("Traceback" in log.message for log in logs)
    warnings = [log.message for log in logs if log.level == logging.WARNING]
    assert len(warnings) == 1 and warnings[0].startswith("failed notes: notes.pdf: not a PDF")
    added = [log.message for log in logs if re.match(r"added \w+: \d+ pages, \d+ chunks", log.message)]
    assert len(added) == 3, [log.message for log in logs]

    # The same bad bytes fail again: the failure was not cached by the extraction cache.
    again_id, again = _ingest(settings, corpus)
    assert again.totals["unchanged"] == 3 and again.totals["failed"] == 1
    extract = next(t for t in _read_back(again_id)["tasks"] if t.name == "extract-document [notes]")
    assert extract.state.name == "Completed", extract.state


def test_clean_run_completes_with_the_summary_as_message(prefect_harness, settings,  # type: ignore[no-untyped-def]
                                                       samples_dir) -> None:
    flow_run_id, summary = _ingest(settings, samples_dir / "contoso_2024Q4_earnings.pdf")
    assert not summary.failed
    run = _read_back(flow_run_id)["run"]
    assert run.state.type.value == "COMPLETED"
    assert run.state.message == "1 added"
    assert run.name == "ingest contoso_2024Q4_earnings.pdf"
