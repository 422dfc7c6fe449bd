"""``docthrift eval``: compare docthrift with the whole-document baseline on a question set,
in the Prefect flow ``evaluate-release``, and exit 1 when the release gate fails."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from core.errors import DocthriftError
from core.settings import load_settings
from docthrift.cli_options import HomeOption, JsonOption, err, out
from docthrift.cli_options import absolute as _absolute
from docthrift.cli_options import print_json as _print_json
from docthrift.cli_support import prefect_run

EVAL_EPILOG = ("Examples:\n\n"
               "  docthrift eval questions.jsonl --docs filings/\n\n"
               "  docthrift eval financebench.jsonl --docs pdfs/ --systems baseline,baseline@32k,docthrift "
               "--out reports/release-1.4\n\n"
               "  docthrift eval questions.jsonl --docs filings/ --only AMCOR_2023_10K --json\n\n"
               "  docthrift eval questions.jsonl --docs filings/ --questions-per-document 1,10,50")


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
        "--min-token-reduction", help="Gate: least share of the baseline's prompt tokens saved (0.8).")] = None,
    max_recall_drop: Annotated[float | None, typer.Option(
        "--max-recall-drop", help="Gate: largest evidence-recall drop allowed (0.10).")] = None,
    max_accuracy_drop: Annotated[float | None, typer.Option(
        "--max-accuracy-drop", help="Gate: largest accuracy drop allowed (0.02).")] = None,
    max_cost_ratio: Annotated[float | None, typer.Option(
        "--max-cost-ratio", help="Gate: largest cost per answer over the cached baseline's, "
        "under every pricing profile and grouping (0.30).")] = None,
    questions_per_document: Annotated[str, typer.Option(
        "--questions-per-document", help="Questions per document within one cache lifetime "
        "for the modelled costs: 'dataset' (its own) and/or counts such as 1,10,50.")] = "dataset",
    judge: Annotated[bool, typer.Option("--judge", help="Also grade answers with the LLM judge.")] = False,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Compare docthrift with the whole-document baseline; exit 1 when the release gate fails."""
    from docthrift.runtime import prepare_environment
    from evals.datasets import load_dataset
    from evals.economics import parse_groupings
    from evals.systems import parse_systems

    load_dataset(dataset)  # fail fast on a bad line, before anything starts
    parse_groupings(questions_per_document)
    if docs is not None and not docs.is_dir():
        raise DocthriftError(f"--docs {docs}: no such folder")
    settings = load_settings(home=home, gate_min_token_reduction=min_token_reduction,
                             gate_max_recall_drop=max_recall_drop,
                             gate_max_accuracy_drop=max_accuracy_drop,
                             gate_max_cost_ratio=max_cost_ratio)
    parse_systems(systems, settings.context_window_tokens)
    prepare_environment(settings, quiet_failures=True)
    if judge and not settings.llm_configured:
        raise DocthriftError("--judge needs a model endpoint; set OPENAI_API_KEY "
                             "(and OPENAI_BASE_URL for a non-OpenAI endpoint)")
    from docthrift.cli_progress import eval_progress
    from evals.models import EvalReport
    from flows.deployments import run_overrides
    from flows.evaluate import evaluate_release
    from flows.outcome import result_of
    from flows.prefect_runtime import owned

    target = Path(_absolute(str(out_dir or settings.reports_dir / dataset.stem)))
    with prefect_run(settings), eval_progress(enabled=not as_json and sys.stderr.isatty(),
                                               console=err):
        # The run ends Failed when the gate fails; its report is the result either way.
        state = owned(evaluate_release)(
            _absolute(str(dataset)), docs=_absolute(str(docs)) if docs else None,
            systems=systems, out=str(target), overrides=run_overrides(settings), judge=judge,
            doc_ids=[d.strip() for d in only.split(",") if d.strip()] if only else None,
            questions_per_document=questions_per_document, return_state=True)
        report = result_of(state, EvalReport)
    if as_json:
        from evals.report import report_json

        _print_json(report_json(report))
    else:
        from docthrift.cli_views import print_eval_report

        print_eval_report(out, report, target)
    raise typer.Exit(1 if report.gate.passed is False else 0)
