"""The evaluation report in the forms people and machines read it.

``report.json`` (:func:`report_json`), the Markdown tables (:func:`render_markdown`), a chart
(:func:`render_chart`), all three at once (:func:`write_report`), the same report as Prefect
artifacts (:func:`publish_artifacts`), and the gate's verdict in one line (:func:`gate_line`),
the evaluation run's state message. The figures come from :class:`~evals.models.EvalReport`
as computed elsewhere; nothing here computes a metric. matplotlib and Prefect are imported
inside the functions that draw or publish, so importing this module stays light.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from evals.chart import render_chart
from evals.models import EvalReport, PairedDifference, SystemSummary
from evals.report_costs import cost_section

BASELINE = "baseline"
NOT_MEASURED = "not measured"
MAX_ID_CHARS = 28

# The keys report.json promises first for every system; the other SystemSummary fields follow.
SYSTEM_KEYS = ("mean_prompt_tokens", "mean_total_tokens", "evidence_recall_all",
               "evidence_recall_any", "accuracy", "cost_usd", "tokens_per_correct", "truncated")
REPORT_KEYS = ("dataset", "n", "model", "context_window", "systems", "paired", "gate",
               "ingestion", "economics", "questions")

SYSTEM_COLUMNS = ("system", "mean prompt tokens", "mean total tokens", "tokens vs baseline",
                  "evidence recall (all)", "evidence recall (any)", "accuracy",
                  "tokens per correct", "cost per answer", "truncated", "p50 latency")

# Fixed colours, so one system looks the same in every chart.

PAIRED_LABELS = {"prompt_tokens": "prompt tokens", "total_tokens": "total tokens",
                 "context_tokens": "context tokens", "evidence_all": "evidence recall (all)",
                 "evidence_any": "evidence recall (any)", "correct": "accuracy",
                 "judged_correct": "judged accuracy", "cost_usd": "cost per answer",
                 "latency_ms": "latency"}


def report_json(report: EvalReport) -> dict[str, Any]:
    """The report as JSON-ready data (the content of ``report.json``).

    Accuracy and tokens per correct answer are ``null`` when no model answered.

    Args:
        report: The evaluation's result.

    Returns:
        ``report.model_dump(mode="json")`` with the keys the format promises first.
    """
    data = report.model_dump(mode="json")
    data["systems"] = {name: _keys_first(summary, SYSTEM_KEYS)
                       for name, summary in data["systems"].items()}
    return _keys_first(data, REPORT_KEYS)


def render_markdown(report: EvalReport) -> str:
    """The report as the Markdown tables a person reads.

    Args:
        report: The evaluation's result.

    Returns:
        Header, gate verdict, systems, paired differences, ingestion cost, cost under prompt
        caching, per question.
    """
    model = report.model or "none configured: correctness not measured"
    lines = [f"# Evaluation: {report.dataset}", "",
             f"- questions: {report.n:,}", f"- model: {model}",
             f"- context window: {report.context_window:,} tokens", "",
             "## Gate", "", f"**{_verdict(report.gate.passed)}**", ""]
    lines += [f"- {reason}" for reason in report.gate.reasons]
    lines += ["", "## Systems", "",
              *_table(SYSTEM_COLUMNS, [list(row.values()) for row in system_rows(report)]),
              "", "Tokens vs baseline: mean prompt tokens as a share of the baseline's.", ""]
    lines += _paired_section(report.paired)
    lines += _ingestion_section(report)
    lines += cost_section(report)
    lines += _questions_section(report)
    return "\n".join(lines) + "\n"


def system_rows(report: EvalReport) -> list[dict[str, str]]:
    """One row per system, formatted as in the Markdown systems table."""
    base = report.systems.get(BASELINE)
    base_tokens = base.mean_prompt_tokens if base else 0.0
    rows = []
    for name, s in report.systems.items():
        share = _pct(s.mean_prompt_tokens / base_tokens) if base_tokens > 0 else "—"
        cells = [name, _int(s.mean_prompt_tokens), _int(s.mean_total_tokens), share,
                 _pct(s.evidence_recall_all), _pct(s.evidence_recall_any),
                 _pct(s.accuracy) if s.accuracy is not None else NOT_MEASURED,
                 _tokens_per_correct(s), _usd(s.mean_cost_usd), f"{s.truncated:,}",
                 f"{s.latency_p50_ms:,.0f} ms"]
        rows.append(dict(zip(SYSTEM_COLUMNS, cells, strict=True)))
    return rows


def write_report(report: EvalReport, out_dir: Path) -> dict[str, Path]:
    """Write ``report.json``, ``report.md`` and ``report.png`` into ``out_dir``.

    Args:
        report: The evaluation's result.
        out_dir: Folder for the files; created when missing.

    Returns:
        The written paths by kind: ``json``, ``markdown``, ``chart``.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"json": out_dir / "report.json", "markdown": out_dir / "report.md",
             "chart": out_dir / "report.png"}
    paths["json"].write_text(json.dumps(report_json(report), indent=2) + "\n", encoding="utf-8")
    paths["markdown"].write_text(render_markdown(report), encoding="utf-8")
    render_chart(report, paths["chart"])
    return paths


def gate_line(report: EvalReport) -> str:
    """The release gate's verdict and every reason, in one line.

    Example: ``"Release gate FAIL on q.jsonl (4 questions): token reduction 96.1% ≥ 90.0%
    required: pass; evidence recall drop 25.0 points > 10.0 allowed: FAIL; ..."``.
    """
    return (f"Release gate {_verdict(report.gate.passed)} on {report.dataset} "
            f"({report.n:,} questions): " + "; ".join(report.gate.reasons))


def publish_artifacts(report: EvalReport) -> None:
    """Publish the report as Prefect artifacts: the Markdown and the systems table.

    Call it inside a Prefect flow or task run so the artifacts attach to that run. Their
    descriptions, shown on the artifact cards, carry the gate's verdict.

    Args:
        report: The evaluation's result.
    """
    from prefect.artifacts import create_markdown_artifact, create_table_artifact

    # The verdict first: a card on the Artifacts page shows about 45 characters.
    verdict = f"gate {_verdict(report.gate.passed)}"
    what = f"{report.dataset}, {report.n:,} questions"
    # _sync: this function is synchronous, so run Prefect's sync path even when an event
    # loop is running in this thread (otherwise it returns an unawaited coroutine).
    create_markdown_artifact(  # type: ignore[call-arg]
        key="evaluation-report", markdown=render_markdown(report),
        description=f"Release {verdict}: {what}", _sync=True)
    create_table_artifact(  # type: ignore[call-arg]
        key="evaluation-systems", table=system_rows(report),
        description=f"Systems, {verdict}: {what}", _sync=True)


# --- Markdown sections -------------------------------------------------------------------


def _paired_section(paired: dict[str, PairedDifference]) -> list[str]:
    lines = ["## Paired differences (docthrift − baseline)", ""]
    if not paired:
        return [*lines, "No paired differences computed.", ""]
    rows = [[PAIRED_LABELS.get(name, name.replace("_", " ")), _signed(name, d.mean),
             f"[{_signed(name, d.ci_low)}, {_signed(name, d.ci_high)}]", f"{d.n:,}"]
            for name, d in paired.items()]
    lines += _table(("metric", "mean difference", "95% CI", "n"), rows)
    return [*lines, "", "Shares in percentage points (pp); 95% CI by bootstrap over questions.",
            ""]


def _ingestion_section(report: EvalReport) -> list[str]:
    cost = report.ingestion
    lines = ["## Ingestion cost", "", f"- enrichment tokens: {cost.enrichment_tokens:,}"]
    if cost.enrichment_cost_usd is not None:
        lines.append(f"- enrichment cost: {_usd(cost.enrichment_cost_usd)}")
    if cost.saved_tokens_per_question is not None:
        lines.append(f"- tokens saved per question: {_int(cost.saved_tokens_per_question)}")
    if cost.enrichment_tokens == 0:
        lines.append("- no enrichment tokens spent")
    elif cost.break_even_questions is None:
        lines.append("- no break-even: docthrift saves no tokens per question")
    else:
        count = math.ceil(cost.break_even_questions)
        lines.append(f"- break-even after {count:,} question{'' if count == 1 else 's'}")
    return [*lines, ""]


def _questions_section(report: EvalReport) -> list[str]:
    names = list(report.systems)
    measured = {name: s.accuracy is not None for name, s in report.systems.items()}
    header = ["id", "document", "gold pages"]
    header += [f"{name} (tokens · evidence{' · correct' if measured[name] else ''})"
               for name in names]
    rows = []
    for q in report.questions:
        answers = q.get("systems", {})
        row = [_short(str(q.get("id", ""))), str(q.get("doc_id", "")),
               ", ".join(str(p) for p in q.get("evidence_pages", []))]
        row += [_answer_cell(answers.get(name), measured[name]) for name in names]
        rows.append(row)
    legend = ("Evidence ✓: every gold page was in the context. "
              "Correct is shown for systems whose answers were scored.")
    return ["## Per question", "", *_table(header, rows), "", legend]


def _answer_cell(answer: dict[str, Any] | None, measured: bool) -> str:
    if answer is None:
        return "—"
    parts = [_int(answer.get("prompt_tokens", 0)), _mark(answer.get("evidence_all"))]
    if measured:
        parts.append(_mark(answer.get("correct")))
    return " · ".join(parts)


def _table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    head = [_cell(h) for h in header]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


# --- Formatting ----------------------------------------------------------------------------


def _keys_first(data: dict[str, Any], first: Iterable[str]) -> dict[str, Any]:
    ordered = {key: data[key] for key in first if key in data}
    ordered.update((key, value) for key, value in data.items() if key not in ordered)
    return ordered


def _verdict(passed: bool | None) -> str:
    return "not evaluated" if passed is None else ("PASS" if passed else "FAIL")


def _int(value: float) -> str:
    return f"{round(value):,}"


def _pct(share: float) -> str:
    return f"{share * 100:.1f}%"


def _usd(value: float | None) -> str:
    if value is None:
        return "no price"
    return f"${value:,.4f}" if abs(value) < 1 else f"${value:,.2f}"


def _tokens_per_correct(summary: SystemSummary) -> str:
    if summary.accuracy is None:
        return NOT_MEASURED
    if summary.tokens_per_correct is None:
        return "no correct answers"
    return _int(summary.tokens_per_correct)


def _signed(metric: str, value: float) -> str:
    """A paired difference in its unit: tokens whole, cost in dollars, shares in pp."""
    if "tokens" in metric:
        text = f"{abs(round(value)):,}"
    elif "cost" in metric:
        text = f"${abs(value):,.4f}"
    elif "latency" in metric or metric.endswith("_ms"):
        text = f"{abs(value):,.0f} ms"
    else:
        text = f"{abs(value) * 100:.1f} pp"
    if not any(c in "123456789" for c in text):
        return text  # zero as shown: no sign
    return ("-" if value < 0 else "+") + text


def _mark(value: object) -> str:
    return "–" if value is None else ("✓" if value else "✗")


def _short(text: str) -> str:
    if len(text) <= MAX_ID_CHARS:
        return text
    keep = MAX_ID_CHARS - 1
    return text[: keep - 8] + "…" + text[-8:]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
