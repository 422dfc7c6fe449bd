"""The ``docthrift`` command line: one entry point, a subcommand per job.

Heavy imports (Prefect, torch, sentence-transformers) happen inside the commands that need
them, so ``docthrift --help`` answers at once. Errors become one red line and exit code 1.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from docthrift.cli_support import check_schedule as _check_schedule
from docthrift.cli_support import doc_summary as _doc_summary
from docthrift.cli_support import prefect_run as _prefect_run
from docthrift.errors import DocthriftError
from docthrift.settings import Settings, load_settings

if TYPE_CHECKING:
    from docthrift.models import DocumentRecord

app = typer.Typer(
    name="docthrift",
    help="Answer questions over long PDFs from only the relevant sections.\n\n"
    "Examples:\n\n"
    "  docthrift demo\n\n"
    "  docthrift ingest reports/ annual-2024.pdf 'archive/**/*.pdf'\n\n"
    "  docthrift docs --json\n\n"
    "  docthrift eval questions.jsonl --docs filings/\n\n"
    "  docthrift index migrate",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)

HomeOption = Annotated[
    Path | None, typer.Option("--home", help="Data folder (default: $DOCTHRIFT_HOME or .docthrift).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
SourceOption = Annotated[Path | None, typer.Option(
    "--source", help="Folder of PDFs that scheduled ingestion reads "
    "(default: $DOCTHRIFT_SOURCE_DIR).")]


def _settings(home: Path | None, verbose: bool = False, source: Path | None = None,
              quiet_failures: bool = False) -> Settings:
    from docthrift.runtime import prepare_environment

    settings = load_settings(home=home, source_dir=source)
    prepare_environment(settings, verbose=verbose, quiet_failures=quiet_failures)
    return settings


def _absolute(path: str) -> str:
    """``path`` made absolute (glob characters kept), as flow runs store it for reruns."""
    return os.path.abspath(os.path.expanduser(path))


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


@app.command(epilog="Example: docthrift ingest filings/ extra/annual-2024.pdf --json")
def ingest(
    paths: Annotated[list[str], typer.Argument(help="PDF files, folders or glob patterns.")],
    home: HomeOption = None,
    force: Annotated[bool, typer.Option("--force", help="Re-index unchanged documents too.")] = False,
    replace: Annotated[bool, typer.Option(
        "--replace", help="Let these files take over the document ids of files with the same "
        "name in other folders (refused without it).")] = False,
    as_json: JsonOption = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect's logs.")] = False,
) -> None:
    """Extract, chunk, embed and index PDFs; unchanged ones are skipped.

    A file's document id is its name without .pdf. A file whose id belongs to a file with
    the same name in another folder, still there, fails unless --replace is given; the same
    bytes under the same name are one document (a duplicate).
    """
    settings = _settings(home, verbose, quiet_failures=True)
    from docthrift.cli_progress import ingest_progress
    from docthrift.models import IngestSummary
    from docthrift.prefect_runtime import owned
    from flows.deployments import run_overrides
    from flows.ingest import ingest_documents
    from flows.outcome import result_of

    with _prefect_run(settings), ingest_progress(enabled=not as_json and sys.stderr.isatty(),
                                                 console=err):
        # The run ends Failed when a document failed; its summary is the result either way.
        state = owned(ingest_documents)([_absolute(p) for p in paths],
                                        overrides=run_overrides(settings), force=force,
                                        replace=replace, return_state=True)
        summary = result_of(state, IngestSummary)
    if as_json:
        _print_json(summary.to_json())
    else:
        from docthrift.cli_views import print_ingest_summary

        print_ingest_summary(out, summary)
    raise typer.Exit(1 if summary.failed else 0)


@app.command(epilog="Example: docthrift docs --json")
def docs(home: HomeOption = None, as_json: JsonOption = False) -> None:
    """List the indexed documents with their metadata."""
    settings = _settings(home)
    from indexes import store

    records = store.get_index(settings).list_documents()
    if as_json:
        _print_json({"documents": [_doc_summary(r) for r in records]})
        return
    from docthrift.cli_views import print_documents

    print_documents(out, records)


@app.command(epilog="Example: docthrift show 3M_2022_10K --json")
def show(
    doc_id: Annotated[str, typer.Argument(help="Document id (see 'docthrift docs').")],
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show one document's metadata and outline (heading paths with pages)."""
    settings = _settings(home)
    from indexes import store

    record = store.get_index(settings).get_document(doc_id)
    if record is None:
        raise DocthriftError(f"{doc_id}: no such document in the index; see 'docthrift docs'")
    if as_json:
        _print_json(record.model_dump())
        return
    from docthrift.cli_views import print_document

    print_document(out, record)


@app.command(epilog="Example: docthrift demo --home demo-data")
def demo(
    home: HomeOption = None,
    questions: Annotated[int, typer.Option("--questions", help="Sample questions to ask.")] = 3,
) -> None:
    """Generate sample reports, ingest them, and answer sample questions (no API key needed)."""
    settings = _settings(home)
    from docthrift.answering import answer_question
    from docthrift.cli_progress import ingest_progress
    from docthrift.cli_views import print_answer, print_documents, print_ingest_summary
    from docthrift.models import IngestSummary
    from docthrift.prefect_runtime import owned
    from docthrift.samples import generate_samples
    from docthrift.service import make_service
    from flows.deployments import run_overrides
    from flows.ingest import ingest_documents
    from flows.outcome import result_of
    from indexes import store

    folder = settings.home / "samples"
    files = generate_samples(folder)
    out.print(f"Generated {len(files)} sample PDFs in {folder}")
    with _prefect_run(settings), ingest_progress(enabled=sys.stderr.isatty(), console=err):
        state = owned(ingest_documents)([_absolute(str(folder))],
                                        overrides=run_overrides(settings), return_state=True)
        summary = result_of(state, IngestSummary)
    print_ingest_summary(out, summary)
    print_documents(out, store.get_index(settings).list_documents())
    service = make_service(settings)
    lines = (folder / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    for line in lines[:questions]:
        item = json.loads(line)
        out.rule(f"[bold]{item['question']}[/bold]")
        print_answer(out, answer_question(service, item["question"]))
        out.print(f"expected: {item['answer']} (pages {item['evidence_pages']})", highlight=False)
    raise typer.Exit(1 if summary.failed else 0)


@app.command(epilog="Examples:\n\n  docthrift ask \"What was 3M's FY2022 capex?\"\n\n"
             "  docthrift ask \"Total assets?\" --doc 3M_2022_10K --budget 2000 --json\n\n"
             "  docthrift ask \"Net revenue in 2024?\" --retrieve-only")
def ask(
    question: Annotated[str, typer.Argument(help="The question, in plain language.")],
    doc: Annotated[str | None, typer.Option("--doc", help="Answer from this document only.")] = None,
    budget: Annotated[int | None, typer.Option(
        "--budget", help="Context budget in tokens: what a context holds on average; one may "
        "take up to DOCTHRIFT_BUDGET_CAP_SHARE (1.5) times it.")] = None,
    retrieve_only: Annotated[bool, typer.Option("--retrieve-only", help="Return the context only.")] = False,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Answer a question from only the relevant sections, and say what it cost."""
    settings = _settings(home)
    from docthrift.answering import answer_question
    from docthrift.service import make_service
    from docthrift.validation import check_question

    check_question(question, budget, settings)
    answer = answer_question(make_service(settings), question, doc_id=doc, budget=budget,
                             retrieve_only=retrieve_only)
    if as_json:
        _print_json(answer.model_dump())
        return
    from docthrift.cli_views import print_answer

    print_answer(out, answer)


@app.command(name="eval", epilog="Examples:\n\n"
             "  docthrift eval questions.jsonl --docs filings/\n\n"
             "  docthrift eval financebench.jsonl --docs pdfs/ --systems baseline,baseline@32k,docthrift "
             "--out reports/release-1.4\n\n"
             "  docthrift eval questions.jsonl --docs filings/ --only AMCOR_2023_10K --json")
def evaluate(
    dataset: Annotated[Path, typer.Argument(help="Questions: canonical JSONL or FinanceBench's format.")],
    docs: Annotated[Path | None, typer.Option("--docs", help="Folder of the questions' PDFs; "
                                              "missing or changed ones are ingested.")] = None,
    systems: Annotated[str, typer.Option("--systems", help="Comma-separated: baseline, "
                                         "baseline@32k, docthrift, naive-rag.")] = "baseline,docthrift,naive-rag",
    out_dir: Annotated[Path | None, typer.Option("--out", help="Report folder (default: "
                                                 "<home>/reports/<dataset name>).")] = None,
    only: Annotated[str | None, typer.Option("--only", help="Comma-separated document ids: "
                                             "evaluate their questions only.")] = None,
    min_token_reduction: Annotated[float | None, typer.Option(
        "--min-token-reduction", help="Gate: least share of the baseline's prompt tokens saved (0.9).")] = None,
    max_recall_drop: Annotated[float | None, typer.Option(
        "--max-recall-drop", help="Gate: largest evidence-recall drop allowed (0.10).")] = None,
    max_accuracy_drop: Annotated[float | None, typer.Option(
        "--max-accuracy-drop", help="Gate: largest accuracy drop allowed (0.02).")] = None,
    judge: Annotated[bool, typer.Option("--judge", help="Also grade answers with the LLM judge.")] = False,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Compare docthrift with the whole-document baseline; exit 1 when the release gate fails."""
    from docthrift.runtime import prepare_environment
    from evals.datasets import load_dataset
    from evals.systems import parse_systems

    load_dataset(dataset)  # fail fast on a bad line, before anything starts
    if docs is not None and not docs.is_dir():
        raise DocthriftError(f"--docs {docs}: no such folder")
    settings = load_settings(home=home, gate_min_token_reduction=min_token_reduction,
                             gate_max_recall_drop=max_recall_drop,
                             gate_max_accuracy_drop=max_accuracy_drop)
    parse_systems(systems, settings.context_window_tokens)
    prepare_environment(settings, quiet_failures=True)
    if judge and not settings.llm_configured:
        raise DocthriftError("--judge needs a model endpoint; set OPENAI_API_KEY "
                             "(and OPENAI_BASE_URL for a non-OpenAI endpoint)")
    from docthrift.cli_progress import eval_progress
    from docthrift.prefect_runtime import owned
    from evals.models import EvalReport
    from flows.deployments import run_overrides
    from flows.evaluate import evaluate_release
    from flows.outcome import result_of

    target = Path(_absolute(str(out_dir or settings.reports_dir / dataset.stem)))
    with _prefect_run(settings), eval_progress(enabled=not as_json and sys.stderr.isatty(),
                                               console=err):
        # The run ends Failed when the gate fails; its report is the result either way.
        state = owned(evaluate_release)(
            _absolute(str(dataset)), docs=_absolute(str(docs)) if docs else None,
            systems=systems, out=str(target), overrides=run_overrides(settings), judge=judge,
            doc_ids=[d.strip() for d in only.split(",") if d.strip()] if only else None,
            return_state=True)
        report = result_of(state, EvalReport)
    if as_json:
        from evals.report import report_json

        _print_json(report_json(report))
    else:
        from docthrift.cli_views import print_eval_report

        print_eval_report(out, report, target)
    raise typer.Exit(1 if report.gate.passed is False else 0)


@app.command(epilog="Examples:\n\n  DOCTHRIFT_API_KEY=secret docthrift serve --port 8000\n\n"
             "  docthrift serve --source filings/ --schedule-cron '0 2 * * *'\n\n"
             "  docthrift serve --source filings/ --schedule-interval 300")
def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    home: HomeOption = None,
    schedule_cron: Annotated[str | None, typer.Option(
        "--schedule-cron", help="Also ingest the source folder on this cron schedule (UTC), "
        "in this process.")] = None,
    schedule_interval: Annotated[float | None, typer.Option(
        "--schedule-interval", help="Also ingest the source folder every SECONDS, in this "
        "process.", metavar="SECONDS")] = None,
    source: SourceOption = None,
) -> None:
    """Serve the HTTP API (query, documents, ingest); OpenAPI docs at /docs.

    With a schedule, the server also registers the Prefect deployment of the ingestion flow
    and runs its scheduled runs itself, on its own index client (the way to schedule with the
    local index, which one process holds).
    """
    settings = _settings(home, source=source)
    from docthrift.scheduler import IngestSchedule

    schedule = None
    if schedule_cron is not None or schedule_interval is not None:
        schedule = IngestSchedule(cron=schedule_cron, interval=schedule_interval)
        _check_schedule(settings, schedule.cron, schedule.interval)
    import signal

    import uvicorn

    from docthrift.api import create_app
    from docthrift.prefect_runtime import start_prefect
    from docthrift.service import make_service

    # Before the server starts, so that what stops it (the index held by another process,
    # say) is one line, not a failed start-up with its traceback.
    service = make_service(settings)
    start_prefect()
    # uvicorn shuts down gracefully on SIGTERM, then raises it again: exit through Python
    # instead, so the index is closed and the ephemeral Prefect server stopped (atexit).
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    uvicorn.run(create_app(settings, service, schedule=schedule), host=host, port=port,
                log_level="warning")


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


@app.command(epilog="Examples:\n\n  prefect server start   # in another terminal\n\n"
             "  export PREFECT_API_URL=http://127.0.0.1:4200/api QDRANT_URL=http://qdrant:6333\n\n"
             "  docthrift schedule --source filings/ --cron '0 2 * * *'\n\n"
             "  docthrift schedule --source filings/ --interval 600")
def schedule(
    cron: Annotated[str | None, typer.Option(
        "--cron", help="Cron schedule of the ingestion, UTC (default '0 2 * * *').")] = None,
    interval: Annotated[float | None, typer.Option(
        "--interval", help="Ingest every SECONDS instead.", metavar="SECONDS")] = None,
    source: SourceOption = None,
    home: HomeOption = None,
) -> None:
    """Serve the ingestion (scheduled) and evaluation (on demand) deployments from this process.

    A Prefect runner: it needs a Prefect server (PREFECT_API_URL) and starts each run in a
    subprocess, so it suits a Qdrant server (QDRANT_URL). With the local index, schedule in
    the API process instead: docthrift serve --schedule-cron.
    """
    settings = _settings(home, source=source)
    options = _check_schedule(settings, cron, interval)
    from flows.deployments import serve_deployments

    if not settings.qdrant_url:
        err.print("[yellow]note:[/yellow] local index: runs go one at a time and fail while "
                  "another process (docthrift serve) holds it", highlight=False)
    serve_deployments(settings, options)


@app.command(epilog="Examples:\n\n  prefect work-pool create docthrift --type process\n\n"
             "  docthrift worker --pool docthrift --source /shared/filings --cron '0 2 * * *'")
def worker(
    pool: Annotated[str, typer.Option("--pool", help="Process work pool to poll.")],
    cron: Annotated[str | None, typer.Option(
        "--cron", help="Cron schedule of the ingestion, UTC (default '0 2 * * *').")] = None,
    interval: Annotated[float | None, typer.Option(
        "--interval", help="Ingest every SECONDS instead.", metavar="SECONDS")] = None,
    source: SourceOption = None,
    limit: Annotated[int | None, typer.Option(
        "--limit", help="Most flow runs this worker runs at once.")] = None,
    home: HomeOption = None,
) -> None:
    """Register both deployments with a process work pool, then work on that pool's runs.

    For scale-out: start one on each machine, all against one Prefect server
    (PREFECT_API_URL) and one Qdrant server (QDRANT_URL); the pool is created when missing.
    """
    settings = _settings(home, source=source)
    options = _check_schedule(settings, cron, interval)
    if not settings.qdrant_url:
        raise DocthriftError("workers run flows in subprocesses, which cannot share the local "
                             "index: set QDRANT_URL to a Qdrant server (or schedule in the API "
                             "process: docthrift serve --schedule-cron)")
    from flows.deployments import deploy_to_pool, start_worker

    deploy_to_pool(settings, pool, options)
    err.print(f"Deployments registered with work pool {pool!r}; starting the worker")
    start_worker(pool, limit=limit)



def _add_groups() -> None:
    from docthrift.cli_index import index_app

    app.add_typer(index_app)


_add_groups()


def main() -> None:
    """Entry point: run the app, turning docthrift's errors into one line and exit code 1."""
    try:
        app()
    except DocthriftError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        sys.exit(1)
    finally:
        if "indexes.store" in sys.modules:  # release the local index before the interpreter ends
            sys.modules["indexes.store"].close_indexes()


if __name__ == "__main__":
    main()
