"""The ``docthrift`` command line: one entry point, a subcommand per job.

Heavy imports (Prefect, torch, sentence-transformers) happen inside the commands that need
them, so ``docthrift --help`` answers at once. Errors become one red line and exit code 1.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from core.errors import DocthriftError, DocumentNotFoundError
from docthrift.cli_eval import EVAL_EPILOG, evaluate
from docthrift.cli_options import HomeOption, JsonOption, err, out
from docthrift.cli_options import absolute as _absolute
from docthrift.cli_options import print_json as _print_json
from docthrift.cli_options import settings_for as _settings
from docthrift.cli_support import doc_summary as _doc_summary
from docthrift.cli_support import prefect_run as _prefect_run

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
    from core.models import IngestSummary
    from docthrift.cli_progress import ingest_progress
    from flows.deployments import run_overrides
    from flows.ingest import ingest_documents
    from flows.outcome import result_of
    from flows.prefect_runtime import owned

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
        raise DocumentNotFoundError(doc_id)
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
    from answering.answering import answer_question
    from answering.service import make_service
    from core.models import IngestSummary
    from docthrift.cli_progress import ingest_progress
    from docthrift.cli_views import print_answer, print_documents, print_ingest_summary
    from flows.deployments import run_overrides
    from flows.ingest import ingest_documents
    from flows.outcome import result_of
    from flows.prefect_runtime import owned
    from indexes import store
    from samples.generate import generate_samples

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
             "  docthrift ask \"Net revenue in 2024?\" --retrieve-only\n\n"
             "  docthrift ask \"Capex?\" --doc 3M_2022_10K --doc BOEING_2022_10K\n\n"
             "  docthrift ask \"Which filings exist for 3M?\"")
def ask(
    question: Annotated[str, typer.Argument(help="The question, in plain language.")],
    doc: Annotated[list[str] | None, typer.Option(
        "--doc", help="Answer from this document only; repeat it for several (the budget is "
        "then split across them).")] = None,
    budget: Annotated[int | None, typer.Option(
        "--budget", help="Context budget in tokens: what a context holds on average; one may "
        "take up to DOCTHRIFT_BUDGET_CAP_SHARE (1.5) times it.")] = None,
    retrieve_only: Annotated[bool, typer.Option("--retrieve-only", help="Return the context only.")] = False,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Answer a question from only the relevant sections, and say what it cost."""
    settings = _settings(home)
    from answering.answering import answer_question
    from answering.service import make_service
    from core.validation import check_question

    check_question(question, budget, settings)
    answer = answer_question(make_service(settings), question, doc_ids=doc or None,
                             budget=budget, retrieve_only=retrieve_only)
    if as_json:
        _print_json(answer.model_dump())
        return
    from docthrift.cli_views import print_answer

    print_answer(out, answer)


app.command(name="eval", epilog=EVAL_EPILOG)(evaluate)


def _add_groups() -> None:
    from docthrift.cli_index import index_app
    from docthrift.cli_serve import register

    register(app)
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
