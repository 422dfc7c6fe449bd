"""The report's section on dollars per answer under prompt caching (Markdown; figures from
:class:`~evals.models.Economics`, computed in ``evals/economics.py``; nothing computed here)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from evals.models import EvalReport, ModelledCost

COST_COLUMNS = ("system", "questions per document", "written · read · fresh tokens",
                "$ per answer", "$ per correct answer", "vs baseline (uncached)",
                "vs baseline (cached, same grouping)")


def cost_section(report: EvalReport) -> list[str]:
    """Markdown lines: the profiles, then per profile each system's cost per answer."""
    economics = report.economics
    lines = ["## Cost under prompt caching", ""]
    if economics is None:
        return [*lines, "Not modelled.", ""]
    lines += [("Dollars per answer as each provider would bill the same prompts, for "
               "questions asked per document within one cache lifetime (docs/metrics.md, prices "
               "and sources in docs/pricing.md). *uncached*: every prompt token fresh."), ""]
    lines += _table(("profile", "model", "input $/M", "cached $/M", "cache write",
                     "output $/M", "min prefix", "step", "lifetime"),
                    [_profile_row(p) for p in economics.profiles.values()])
    shares = ", ".join(f"{name} {share:.1%}" for name, share in economics.stable_prefix_share.items())
    lines += ["", (f"Stable prefix (the same for every question about a document) as a share "
                   f"of prompt tokens: {shares}.")]
    base = report.systems.get("baseline")
    if base is not None and base.truncated:
        lines.append(f"The whole-document baseline was cut to the context window for "
                     f"{base.truncated:,} of {report.n:,} questions; its costs are the cut "
                     "prompt's.")
    for profile in economics.profiles:
        rows = [c for c in economics.costs if c.profile == profile]
        lines += ["", f"### {profile}", "", *_table(COST_COLUMNS, [_cost_row(c) for c in rows])]
        found = next((b for b in economics.break_even if b.profile == profile), None)
        if found is not None:
            lines += ["", _break_even_line(found.questions_per_document, found.ingestion_usd)]
    return [*lines, ""]


def cost_summary(report: EvalReport) -> list[dict[str, str]]:
    """docthrift's cost per answer against the cached baseline, one row per profile."""
    economics = report.economics
    if economics is None:
        return []
    rows = []
    for profile in economics.profiles:
        row = {"profile": profile}
        for c in economics.costs:
            if c.profile == profile and c.system == "docthrift":
                ratio = c.vs_baseline if c.grouping == "uncached" else c.vs_cached_baseline
                row[_grouping(c)] = "—" if ratio is None else f"{ratio:.1%}"
        rows.append(row)
    return rows


def _profile_row(profile: dict[str, Any]) -> list[str]:
    lifetime = profile.get("lifetime_s")
    return [profile["name"], profile.get("model") or "—", f"{profile['input']:g}",
            f"{profile['cached_input']:g}", f"{profile['cache_write']:g}×",
            f"{profile['output']:g}", f"{profile['min_prefix']:,}", f"{profile['granularity']:,}",
            "not documented" if lifetime is None else f"{lifetime / 60:g} min"]


def _cost_row(c: ModelledCost) -> list[str]:
    tokens = " · ".join(f"{round(v):,}" for v in (c.written_tokens, c.read_tokens, c.fresh_tokens))
    return [c.system, _grouping(c), tokens, _usd(c.usd),
            "not measured" if c.usd_per_correct is None else _usd(c.usd_per_correct),
            _share(c.vs_baseline), "—" if c.grouping == "uncached" else _share(c.vs_cached_baseline)]


def _grouping(c: ModelledCost) -> str:
    if c.grouping == "uncached":
        return "uncached"
    if c.grouping == "dataset":
        return f"dataset's own ({c.questions_per_document:.1f})"
    return c.grouping


def _break_even_line(count: int | None, ingestion: float) -> str:
    spent = f"ingestion {_usd(ingestion)} of LLM enrichment"
    if count is None:
        return f"Break-even ({spent}): not within 1,000 questions per document."
    return (f"Break-even ({spent}): {count:,} question{'' if count == 1 else 's'} per document "
            "within one cache lifetime, against the cached baseline.")


def _usd(value: float) -> str:
    if value == 0 or not math.isfinite(value):
        return f"${value:.2f}"
    return f"${value:,.5f}" if abs(value) < 0.01 else f"${value:,.4f}"


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    head = list(header)
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head),
            *("| " + " | ".join(row) + " |" for row in rows)]
