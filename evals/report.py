"""The evaluation report in the forms people and machines read it.

``report.json`` (:func:`report_json`), the Markdown tables (:func:`render_markdown`), a chart
(:func:`render_chart`), all three at once (:func:`write_report`), and the same report as Prefect
artifacts (:func:`publish_artifacts`). The figures come from :class:`~evals.models.EvalReport`
as computed elsewhere; nothing here computes a metric. matplotlib and Prefect are imported
inside the functions that draw or publish, so importing this module stays light.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from evals.models import EvalReport, PairedDifference, SystemSummary

BASELINE = "baseline"
NOT_MEASURED = "not measured"
MAX_ID_CHARS = 28
MARKER_AREA = 90  # points², the chart's system markers

# The keys report.json promises first for every system; the other SystemSummary fields follow.
SYSTEM_KEYS = ("mean_prompt_tokens", "mean_total_tokens", "evidence_recall_all",
               "evidence_recall_any", "accuracy", "cost_usd", "tokens_per_correct", "truncated")
REPORT_KEYS = ("dataset", "n", "model", "context_window", "systems", "paired", "gate",
               "ingestion", "questions")

SYSTEM_COLUMNS = ("system", "mean prompt tokens", "mean total tokens", "tokens vs baseline",
                  "evidence recall (all)", "evidence recall (any)", "accuracy",
                  "tokens per correct", "cost per answer", "truncated", "p50 latency")

# Fixed colours, so one system looks the same in every chart.
FIXED_COLOURS = {BASELINE: "#5f5f5f", "docthrift": "#1763c6", "naive-rag": "#f28e1c"}
BASELINE_VARIANT_COLOURS = ("#b3b3b3", "#d2d2d2", "#9a9a9a")
PALETTE = ("#2ca02c", "#9467bd", "#d62728", "#8c564b", "#e377c2", "#17becf", "#bcbd22")

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
        Header, gate verdict, systems, paired differences, ingestion cost, per question.
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


def render_chart(report: EvalReport, path: Path) -> None:
    """Draw the report's chart as a PNG.

    Left: per system, mean prompt tokens per answer (log x) against evidence recall (filled)
    and accuracy when measured (hollow). Right: prompt tokens per question and system (log y),
    with a red × above each bar whose context missed a gold page.

    Args:
        report: The evaluation's result.
        path: Where to write the PNG.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colours = system_colours(report.systems)
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5.5), dpi=130,
                                      gridspec_kw={"width_ratios": [1, 1.35]})
    try:
        labels = _draw_tradeoff(left, report, colours)
        _draw_questions(right, report, colours)
        fig.suptitle(f"{report.dataset}: {report.n:,} questions", fontsize=13)
        fig.tight_layout()
        _place_labels(fig, left, labels)
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=130)
    finally:
        plt.close(fig)


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


def publish_artifacts(report: EvalReport) -> None:
    """Publish the report as Prefect artifacts: the Markdown and the systems table.

    Call it inside a Prefect flow or task run so the artifacts attach to that run.

    Args:
        report: The evaluation's result.
    """
    from prefect.artifacts import create_markdown_artifact, create_table_artifact

    what = f"{report.dataset}, {report.n:,} questions"
    # _sync: this function is synchronous, so run Prefect's sync path even when an event
    # loop is running in this thread (otherwise it returns an unawaited coroutine).
    create_markdown_artifact(  # type: ignore[call-arg]
        key="evaluation-report", markdown=render_markdown(report),
        description=f"Evaluation report: {what}", _sync=True)
    create_table_artifact(  # type: ignore[call-arg]
        key="evaluation-systems", table=system_rows(report),
        description=f"Per-system summary: {what}", _sync=True)


def system_colours(names: Iterable[str]) -> dict[str, str]:
    """A fixed colour per system name: baselines grey, docthrift blue, naive-rag orange."""
    colours: dict[str, str] = {}
    variants = iter(BASELINE_VARIANT_COLOURS)
    others = iter(PALETTE)
    for name in names:
        if name in FIXED_COLOURS:
            colours[name] = FIXED_COLOURS[name]
        elif name.startswith(f"{BASELINE}@"):
            colours[name] = next(variants, "#c4c4c4")
        else:
            colours[name] = next(others, "#7f7f7f")
    return colours


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


# --- Chart panels ----------------------------------------------------------------------------


def _draw_tradeoff(ax: Any, report: EvalReport, colours: dict[str, str]) -> list[Any]:
    """Left panel; returns the name labels, placed later by :func:`_place_labels`."""
    from matplotlib.lines import Line2D

    xs, labels = [], []
    for name, s in report.systems.items():
        x = max(s.mean_prompt_tokens, 1.0)  # a log axis cannot show 0
        xs.append(x)
        recall = s.evidence_recall_all * 100
        if s.accuracy is not None:
            accuracy = s.accuracy * 100
            ax.plot([x, x], [recall, accuracy], color=colours[name], lw=1, ls=":", zorder=2)
            # Larger than the filled marker, so a ring shows when accuracy equals recall.
            ax.scatter([x], [accuracy], s=MARKER_AREA * 1.8, facecolors="white",
                       edgecolors=colours[name], linewidths=2, zorder=3)
        ax.scatter([x], [recall], s=MARKER_AREA, color=colours[name], edgecolors="black",
                   linewidths=0.6, zorder=4)
        labels.append(ax.annotate(
            name, (x, recall), xytext=(8, 6), textcoords="offset points", fontsize=9,
            bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.8},
            zorder=5))
    ax.set_xscale("log")
    if xs:
        ax.set_xlim(min(xs) / 2.5, max(xs) * 3)  # room either side for the names
    ax.set_ylim(-4, 106)
    ax.set_xlabel("mean prompt tokens per answer (log)")
    ax.set_ylabel("% of questions")
    ax.set_title("Tokens per answer vs evidence recall / accuracy", fontsize=11)
    ax.grid(True, which="major", alpha=0.3)
    measured = any(s.accuracy is not None for s in report.systems.values())
    handles = [Line2D([], [], ls="", marker="o", ms=9, color="#777777", mec="black",
                      label="evidence recall (all gold pages)"),
               Line2D([], [], ls="", marker="o", ms=11, mfc="white", mec="#777777", mew=2,
                      label="accuracy" if measured else "accuracy: not measured (no model)")]
    ax.legend(handles=handles, loc="lower right", fontsize=9)
    return labels


def _place_labels(fig: Any, ax: Any, labels: list[Any]) -> None:
    """Move each system name to the first nearby spot that covers no marker, name or legend."""
    from matplotlib.transforms import Bbox

    renderer = fig.canvas.get_renderer()
    radius = math.sqrt(MARKER_AREA) / 2 * fig.dpi / 72 + 2
    taken = [Bbox.from_bounds(px - radius, py - radius, 2 * radius, 2 * radius)
             for collection in ax.collections
             for px, py in ax.transData.transform(collection.get_offsets())]
    legend = ax.get_legend()
    if legend is not None:
        taken.append(legend.get_window_extent(renderer))
    inside = ax.get_window_extent(renderer)
    spots = [(8, 6, "left"), (8, -16, "left"), (-8, 6, "right"), (-8, -16, "right"),
             (8, 20, "left"), (-8, 20, "right"), (8, -30, "left"), (-8, -30, "right")]
    for label in labels:
        for dx, dy, align in [*spots, spots[0]]:
            label.xyann = (dx, dy)
            label.set_horizontalalignment(align)
            box = label.get_window_extent(renderer)
            fits = inside.containsx(box.x0) and inside.containsx(box.x1) \
                and inside.containsy(box.y0) and inside.containsy(box.y1)
            if fits and not any(box.overlaps(other) for other in taken):
                break
        taken.append(label.get_window_extent(renderer))


def _draw_questions(ax: Any, report: EvalReport, colours: dict[str, str]) -> None:
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    names = list(report.systems)
    if not report.questions or not names:
        ax.text(0.5, 0.5, "no questions", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return
    width = 0.8 / len(names)
    for k, name in enumerate(names):
        answers = [q.get("systems", {}).get(name) or {} for q in report.questions]
        positions = [i + 1 - 0.4 + width * (k + 0.5) for i in range(len(answers))]
        heights = [max(a.get("prompt_tokens", 0), 1) for a in answers]
        ax.bar(positions, heights, width=width, color=colours[name], label=name)
        # Mark only the misses: one mark per bar would bury the bars at 67 questions.
        missed = [(x, h * 1.3) for x, h, a in zip(positions, heights, answers, strict=True)
                  if a and not a.get("evidence_all")]
        if missed:
            ax.scatter(*zip(*missed, strict=True), marker="x", s=14, linewidths=1,
                       color="#c00000", zorder=3)
    ax.set_yscale("log")
    ax.set_xlim(0.4, len(report.questions) + 0.6)
    ax.set_ylim(top=ax.get_ylim()[1] * 1.6)  # room for the marks above the tallest bars
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=12))
    ax.set_xlabel("question")
    ax.set_ylabel("prompt tokens")
    ax.set_title("Prompt tokens per question and system (× a gold page missing from the context)",
                 fontsize=11)
    ax.grid(True, axis="y", which="major", alpha=0.3)
    handles = [Patch(color=colours[name], label=name) for name in names]
    ax.legend(handles=handles, fontsize=9, ncols=min(len(handles), 4), loc="upper center",
              bbox_to_anchor=(0.5, -0.12), frameon=False)


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
