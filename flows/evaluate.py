"""``evaluate-release``: run the systems on a dataset, write the report, apply the gate.

A run whose release gate fails ends ``Failed``, with the gate's verdict and reasons as its state
message, after the report files and artifacts are written (:mod:`flows.outcome`).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from core import progress
from core.errors import DatasetError
from core.models import DocumentRecord, IngestSummary
from core.settings import Settings, load_settings
from evals.datasets import load_dataset, restrict
from evals.economics import DATASET, parse_groupings
from evals.gate import Thresholds
from evals.models import EvalQuestion, EvalReport, SystemAnswer
from evals.report import gate_line
from evals.systems import SystemSpec, parse_systems, pdf_paths
from flows.deployments import run_overrides
from flows.ingest import ingest_documents
from flows.ingest_summary import describe
from flows.outcome import finish, result_of

DEFAULT_SYSTEMS = "baseline,docthrift,naive-rag"
# The ingestion step's summary table: its own key, so the latest user ingestion stays on view.
INGEST_KEY = "evaluation-ingest-summary"


@task(name="load-questions", task_run_name="load-questions", cache_policy=NO_CACHE)
def load_questions(dataset: Path, doc_ids: list[str] | None) -> list[EvalQuestion]:
    """Read and validate the dataset; keep the named documents' questions when asked."""
    questions = load_dataset(dataset)
    if doc_ids:
        questions = restrict(questions, set(doc_ids))
        if not questions:
            raise DatasetError(f"{dataset}: no question is about {', '.join(doc_ids)}")
    return questions


@task(name="locate-documents", task_run_name="locate-documents", cache_policy=NO_CACHE)
def locate_documents(questions: list[EvalQuestion], docs: Path | None) -> dict[str, Path]:
    """The PDF of each document the questions are about, where --docs has it."""
    return pdf_paths(docs, {q.doc_id for q in questions})


@task(name="check-index", task_run_name="check-index", cache_policy=NO_CACHE)
def check_index(questions: list[EvalQuestion], settings: Settings) -> list[DocumentRecord]:
    """Every document the questions need must be indexed; return their records."""
    from indexes import store

    records = {r.doc_id: r for r in store.get_index(settings).list_documents()}
    needed = sorted({q.doc_id for q in questions})
    missing = [d for d in needed if d not in records]
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        raise DatasetError(f"{len(missing)} document(s) of the dataset are neither indexed nor "
                           f"found under --docs: {shown}; pass --docs with the folder of their PDFs")
    return [records[d] for d in needed]


@task(name="build-naive-store", task_run_name="build-naive-store", cache_policy=NO_CACHE)
def build_naive_store(records: list[DocumentRecord], pdfs: dict[str, Path],
                      settings: Settings) -> int:
    """Index the documents the naive way, once per document version."""
    from answering.service import make_service
    from evals.naive_rag import ensure_indexed

    service = make_service(settings)
    total = 0
    for record in records:
        pdf = pdfs.get(record.doc_id, Path(record.source or record.doc_id))
        total += ensure_indexed(service.index, service.embedder, record, pdf,
                                batch_size=settings.embedding_batch_size)
    return total


@task(name="answer-questions", task_run_name="answer-questions [{spec.name}]",
      cache_policy=NO_CACHE)
def answer_questions(spec: SystemSpec, questions: list[EvalQuestion], settings: Settings,
                     judge: bool) -> list[SystemAnswer]:
    """Run one system over every question."""
    from answering.service import make_service
    from core.llm import make_llm
    from evals.systems import Runner

    runner = Runner(service=make_service(settings), budget=settings.budget_tokens,
                    judge=make_llm(settings) if judge else None, model=settings.model)
    answers = []
    for done, question in enumerate(questions, start=1):
        answers.append(runner.run(spec, question))
        progress.report("eval-question", system=spec.name, done=done, total=len(questions))
    get_run_logger().info("%s: %d questions answered", spec.name, len(answers))
    return answers


@task(name="assemble-report", task_run_name="assemble-report", cache_policy=NO_CACHE)
def assemble_report(dataset: Path, questions: list[EvalQuestion],
                    answers: dict[str, list[SystemAnswer]], records: list[DocumentRecord],
                    settings: Settings, groupings: list[str]) -> EvalReport:
    """Aggregate, pair, model the costs under prompt caching, and gate."""
    from core.pricing import pricing_profiles
    from evals.results import build_report

    return build_report(
        dataset.name, questions, answers,
        model=settings.model if settings.llm_configured else None,
        context_window=settings.context_window_tokens, records=records,
        thresholds=Thresholds(min_token_reduction=settings.gate_min_token_reduction,
                              max_recall_drop=settings.gate_max_recall_drop,
                              max_accuracy_drop=settings.gate_max_accuracy_drop,
                              max_cost_ratio=settings.gate_max_cost_ratio),
        profiles=pricing_profiles(settings.custom_pricing), groupings=groupings)


@task(name="write-report", task_run_name="write-report", cache_policy=NO_CACHE)
def write_outputs(report: EvalReport, out: Path) -> dict[str, Path]:
    """Write report.json, report.md and report.png, and publish the Prefect artifacts."""
    from evals.report import publish_artifacts, write_report

    paths = write_report(report, out)
    publish_artifacts(report)
    return paths


def ingest_missing(pdfs: dict[str, Path], settings: Settings) -> IngestSummary:
    """Ingest the dataset's PDFs that are new or changed, as a subflow of this run.

    Raises:
        DatasetError: A PDF the questions need could not be ingested.
    """
    from prefect.runtime import flow_run

    subflow = ingest_documents.with_options(
        flow_run_name=f"ingest {len(pdfs)} document(s) for {flow_run.name}")
    state = subflow([str(p) for p in pdfs.values()], overrides=run_overrides(settings),
                    artifact_key=INGEST_KEY, return_state=True)
    summary = result_of(state, IngestSummary)
    if summary.failed:
        raise DatasetError(f"the questions' PDFs could not all be ingested: {describe(summary)}; "
                           "replace the files under --docs or leave their questions out (--only)")
    return summary


def _run_name() -> str:
    """``evaluate questions.jsonl`` (``[DOC_ID, ...]`` when restricted to some documents)."""
    from prefect.runtime import flow_run

    parameters = flow_run.parameters
    only = parameters.get("doc_ids") or []
    return f"evaluate {Path(parameters['dataset']).name}" + (f" [{', '.join(only)}]" if only else "")


@flow(name="evaluate-release", flow_run_name=_run_name)
def evaluate_release(dataset: str, docs: str | None = None, systems: str = DEFAULT_SYSTEMS,
                     out: str | None = None, overrides: dict[str, Any] | None = None,
                     judge: bool = False, doc_ids: list[str] | None = None,
                     questions_per_document: str = DATASET) -> EvalReport:
    """Compare docthrift with the whole-document baseline (and naive RAG) on a dataset.

    The run ends Completed when the release gate passes or could not be evaluated, and Failed
    when it fails; either way the report is written and its state message is the gate's
    verdict with every reason. Called directly, a failed gate raises
    :class:`flows.outcome.FailedOutcome` whose ``result`` is the report; ``return_state=True``
    with :func:`flows.outcome.result_of` gives the report either way.

    Args:
        dataset: Questions in the canonical JSONL format or FinanceBench's own. Paths are best
            absolute: a rerun from the Prefect UI resolves relative ones against the folder
            the run starts in.
        docs: Folder of the PDFs the questions are about; missing or changed ones are ingested.
        systems: Comma-separated systems: baseline, baseline@32k, docthrift, naive-rag.
        out: Folder for report.json, report.md and report.png (default home/reports/<dataset>).
        overrides: Settings to override on top of the environment (gate thresholds, budget, ...),
            as JSON for the same reason as ``ingest_documents``'s; its ingestion subflow gets
            them again the same way.
        judge: Also grade answers with the LLM judge (its tokens are counted apart).
        doc_ids: Only the questions about these documents.
        questions_per_document: Groupings of questions per document within one cache
            lifetime for the modelled costs: ``dataset`` (its own) and/or counts, "1,10,50".
    """
    settings = load_settings(**(overrides or {}))
    specs = parse_systems(systems, settings.context_window_tokens)
    groupings = parse_groupings(questions_per_document)
    source = Path(docs) if docs else settings.source_dir
    questions = load_questions(Path(dataset), doc_ids)
    pdfs = locate_documents(questions, source)
    if pdfs:
        ingest_missing(pdfs, settings)
    records = check_index(questions, settings)
    if any(spec.kind == "naive-rag" for spec in specs):
        build_naive_store(records, pdfs, settings)
    answers = {spec.name: answer_questions(spec, questions, settings, judge) for spec in specs}
    report = assemble_report(Path(dataset), questions, answers, records, settings, groupings)
    write_outputs(report, Path(out) if out else settings.reports_dir / Path(dataset).stem)
    verdict = gate_line(report)
    get_run_logger().log(logging.WARNING if report.gate.passed is False else logging.INFO,
                         "%s", verdict)
    # Prefect makes the returned state the run's final state; callers get the report.
    return finish(report, verdict, failed=report.gate.passed is False)  # type: ignore[return-value]
