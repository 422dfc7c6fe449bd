"""The evaluation report's chart: tokens per answer against evidence recall and accuracy per
system, per-question prompt tokens, and each system's dollars per answer against the uncached
and the cached baseline per pricing profile (matplotlib, imported only when drawing)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from evals.models import EvalReport

BASELINE = "baseline"
MARKER_AREA = 90  # points², the chart's system markers
FIXED_COLOURS = {BASELINE: "#5f5f5f", "docthrift": "#1763c6", "naive-rag": "#f28e1c"}
BASELINE_VARIANT_COLOURS = ("#b3b3b3", "#d2d2d2", "#9a9a9a")
PALETTE = ("#2ca02c", "#9467bd", "#d62728", "#8c564b", "#e377c2", "#17becf", "#bcbd22")


def render_chart(report: EvalReport, path: Path) -> None:
    """Draw the report's chart as a PNG.

    Left: per system, mean prompt tokens per answer (log x) against evidence recall (filled)
    and accuracy when measured (hollow). Middle: prompt tokens per question and system (log
    y), with a red × above each bar whose context missed a gold page. Right (when costs were
    modelled): each system's dollars per answer as a share of the baseline's, uncached and
    then cached at each grouping of questions per document, one line per pricing profile.

    Args:
        report: The evaluation's result.
        path: Where to write the PNG.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colours = system_colours(report.systems)
    costs = report.economics is not None and bool(report.economics.costs)
    fig, axes = plt.subplots(1, 3 if costs else 2, figsize=(19 if costs else 13, 5.5), dpi=130,
                             gridspec_kw={"width_ratios": [1, 1.35, 1] if costs else [1, 1.35]})
    left, right = axes[0], axes[1]
    try:
        labels = _draw_tradeoff(left, report, colours)
        _draw_questions(right, report, colours)
        if costs:
            _draw_costs(axes[2], report, colours)
        fig.suptitle(f"{report.dataset}: {report.n:,} questions", fontsize=13)
        fig.tight_layout()
        _place_labels(fig, left, labels)
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=130)
    finally:
        plt.close(fig)


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


PROFILE_STYLES = ("-", "--", ":", "-.")
PROFILE_MARKERS = ("o", "s", "^", "D", "v")


def _draw_costs(ax: Any, report: EvalReport, colours: dict[str, str]) -> None:
    """Right panel: cost per answer as a share of the baseline's, by grouping and profile."""
    from matplotlib.lines import Line2D

    economics = report.economics
    assert economics is not None
    groupings = ["uncached", *economics.groupings]
    names = [n for n in report.systems if n != BASELINE]
    profiles = list(economics.profiles)
    for p, profile in enumerate(profiles):
        for name in names:
            points = {c.grouping: (c.vs_baseline if c.grouping == "uncached"
                                   else c.vs_cached_baseline)
                      for c in economics.costs if c.profile == profile and c.system == name}
            xs = [i for i, g in enumerate(groupings) if points.get(g) is not None]
            ys = [points[groupings[i]] * 100 for i in xs]  # type: ignore[operator]
            ax.plot(xs, ys, color=colours[name], ls=PROFILE_STYLES[p % len(PROFILE_STYLES)],
                    marker=PROFILE_MARKERS[p % len(PROFILE_MARKERS)], ms=5, lw=1.4)
    ax.set_xticks(range(len(groupings)))
    ax.set_xticklabels(["uncached" if g == "uncached" else
                        ("dataset" if g == "dataset" else f"{g}/doc") for g in groupings])
    ax.set_xlim(-0.4, len(groupings) - 0.6)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("questions per document within one cache lifetime")
    ax.set_ylabel("% of the baseline's $ per answer (cached from the 2nd point on)")
    ax.set_title("Dollars per answer vs the whole-document baseline", fontsize=11)
    ax.grid(True, axis="y", alpha=0.3)
    handles = [Line2D([], [], color=colours[n], lw=2, label=n) for n in names]
    handles += [Line2D([], [], color="#555555", ls=PROFILE_STYLES[i % len(PROFILE_STYLES)],
                       marker=PROFILE_MARKERS[i % len(PROFILE_MARKERS)], label=profile)
                for i, profile in enumerate(profiles)]
    ax.legend(handles=handles, fontsize=8, loc="upper left")
