"""``evaluate-release``: run the systems on a dataset, write the report, apply the gate."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from docthrift import progress
from docthrift.errors import DatasetError
from docthrift.settings import Settings, load_settings
from evals.datasets import load_dataset, restrict
from evals.economics import DATASET, parse_groupings
from evals.gate import Thresholds
from evals.models import EvalQuestion, EvalReport, SystemAnswer
from evals.systems import SystemSpec, parse_systems, pdf_paths
from flows.ingest import ingest_documents

DEFAULT_SYSTEMS = "baseline,docthrift,naive-rag"


@task(name="load-questions", cache_policy=NO_CACHE)
def load_questions(dataset: Path, doc_ids: list[str] | None) -> list[EvalQuestion]:
    """Read and validate the dataset; keep the named documents' questions when asked."""
    questions = load_dataset(dataset)
    if doc_ids:
        questions = restrict(questions, set(doc_ids))
        if not questions:
            raise DatasetError(f"{dataset}: no question is about {', '.join(doc_ids)}")
    return questions


@task(name="locate-documents", cache_policy=NO_CACHE)
def locate_documents(questions: list[EvalQuestion], docs: Path | None) -> dict[str, Path]:
    """The PDF of each document the questions are about, where --docs has it."""
    return pdf_paths(docs, {q.doc_id for q in questions})


@task(name="check-index", cache_policy=NO_CACHE)
def check_index(questions: list[EvalQuestion], settings: Settings) -> list[dict[str, Any]]:
    """Every document the questions need must be indexed; return their records."""
    from indexes import store

    records = {r["doc_id"]: r for r in store.list_documents(store.get_client(settings),
                                                             settings.collection)}
    needed = sorted({q.doc_id for q in questions})
    missing = [d for d in needed if d not in records]
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        raise DatasetError(f"{len(missing)} document(s) of the dataset are neither indexed nor "
                           f"found under --docs: {shown}; pass --docs with the folder of their PDFs")
    return [records[d] for d in needed]


@task(name="build-naive-store", cache_policy=NO_CACHE)
def build_naive_store(records: list[dict[str, Any]], pdfs: dict[str, Path],
                      settings: Settings) -> int:
    """Index the documents the naive way, once per document version."""
    from docthrift.service import make_service
    from evals.naive_rag import ensure_indexed

    service = make_service(settings)
    total = 0
    for record in records:
        pdf = pdfs.get(record["doc_id"], Path(record.get("source") or record["doc_id"]))
        total += ensure_indexed(service.client, settings.collection, service.embedder, record, pdf,
                                batch_size=settings.embedding_batch_size)
    return total


@task(name="answer-questions", cache_policy=NO_CACHE)
def answer_questions(spec: SystemSpec, questions: list[EvalQuestion], settings: Settings,
                     judge: bool) -> list[SystemAnswer]:
    """Run one system over every question."""
    from docthrift.llm import make_llm
    from docthrift.service import make_service
    from evals.systems import Runner

    runner = Runner(service=make_service(settings), budget=settings.budget_tokens,
                    judge=make_llm(settings) if judge else None, model=settings.model)
    answers = []
    for done, question in enumerate(questions, start=1):
        answers.append(runner.run(spec, question))
        progress.report("eval-question", system=spec.name, done=done, total=len(questions))
    get_run_logger().info("%s: %d questions answered", spec.name, len(answers))
    return answers


@task(name="assemble-report", cache_policy=NO_CACHE)
def assemble_report(dataset: Path, questions: list[EvalQuestion],
                    answers: dict[str, list[SystemAnswer]], records: list[dict[str, Any]],
                    settings: Settings, groupings: list[str]) -> EvalReport:
    """Aggregate, pair, model the costs under prompt caching, and gate."""
    from docthrift.pricing import pricing_profiles
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


@task(name="write-report", cache_policy=NO_CACHE)
def write_outputs(report: EvalReport, out: Path) -> dict[str, Path]:
    """Write report.json, report.md and report.png, and publish the Prefect artifacts."""
    from evals.report import publish_artifacts, write_report

    paths = write_report(report, out)
    publish_artifacts(report)
    return paths


@flow(name="evaluate-release")
def evaluate_release(dataset: str, docs: str | None = None, systems: str = DEFAULT_SYSTEMS,
                     out: str | None = None, overrides: dict[str, Any] | None = None,
                     judge: bool = False, doc_ids: list[str] | None = None,
                     questions_per_document: str = DATASET) -> EvalReport:
    """Compare docthrift with the whole-document baseline (and naive RAG) on a dataset.

    Args:
        dataset: Questions in the canonical JSONL format or FinanceBench's own.
        docs: Folder of the PDFs the questions are about; missing or changed ones are ingested.
        systems: Comma-separated systems: baseline, baseline@32k, docthrift, naive-rag.
        out: Folder for report.json, report.md and report.png (default home/reports/<dataset>).
        overrides: Settings to override on top of the environment (gate thresholds, budget, ...).
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
        ingest_documents([str(p) for p in pdfs.values()], overrides=settings.overrides())
    records = check_index(questions, settings)
    if any(spec.kind == "naive-rag" for spec in specs):
        build_naive_store(records, pdfs, settings)
    answers = {spec.name: answer_questions(spec, questions, settings, judge) for spec in specs}
    report = assemble_report(Path(dataset), questions, answers, records, settings, groupings)
    write_outputs(report, Path(out) if out else settings.reports_dir / Path(dataset).stem)
    return report
