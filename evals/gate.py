"""The release gate: docthrift must cut prompt tokens and dollars without losing evidence or
accuracy."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from evals.models import GateResult, ModelledCost, SystemSummary

# Slack in comparisons, so a value exactly at a threshold passes despite float rounding.
EPSILON = 1e-9


@dataclass(frozen=True)
class Thresholds:
    """What the gate requires; shares in [0, 1] (0.10 is 10 points of recall)."""

    min_token_reduction: float = 0.8
    max_recall_drop: float = 0.10
    max_accuracy_drop: float = 0.02
    max_cost_ratio: float = 0.30


def check_gate(systems: Mapping[str, SystemSummary], thresholds: Thresholds, *,
               candidate: str = "docthrift", reference: str = "baseline",
               costs: Sequence[ModelledCost] = ()) -> GateResult:
    """Compare the candidate with the reference system against ``thresholds``.

    Checks: token reduction (1 − candidate / reference mean prompt tokens) at least
    ``min_token_reduction``; evidence recall (all) drop at most ``max_recall_drop``;
    accuracy drop at most ``max_accuracy_drop``, skipped when either accuracy was not
    measured; the candidate's cost per answer over the cached reference's at most
    ``max_cost_ratio`` under every pricing profile and grouping in ``costs`` (the worst
    one counts). ``passed`` is True when every check that ran passed, and None when either
    system is missing.
    """
    if candidate not in systems or reference not in systems:
        return GateResult(passed=None, reasons=[
            f"not evaluated: the gate compares {candidate!r} with {reference!r}; run both systems"
        ])
    cand, ref = systems[candidate], systems[reference]
    reasons: list[str] = []
    checks: dict[str, Any] = {}

    if ref.mean_prompt_tokens > 0:
        reduction = 1.0 - cand.mean_prompt_tokens / ref.mean_prompt_tokens
        ok = reduction >= thresholds.min_token_reduction - EPSILON
        reasons.append(f"token reduction {reduction:.1%} {'≥' if ok else '<'} "
                       f"{thresholds.min_token_reduction:.1%} required: {_word(ok)}")
    else:
        reduction, ok = None, False
        reasons.append(f"token reduction: {reference} used no prompt tokens, nothing to "
                       f"compare: {_word(ok)}")
    checks["token_reduction"] = {"value": reduction,
                                 "required_min": thresholds.min_token_reduction, "passed": ok}

    reasons.append(_drop_check(checks, "evidence_recall_drop", "evidence recall drop",
                               ref.evidence_recall_all - cand.evidence_recall_all,
                               thresholds.max_recall_drop))
    if cand.accuracy is not None and ref.accuracy is not None:
        reasons.append(_drop_check(checks, "accuracy_drop", "accuracy drop",
                                   ref.accuracy - cand.accuracy, thresholds.max_accuracy_drop))
    else:
        reasons.append("accuracy: not measured (no model configured); not checked")
        checks["accuracy_drop"] = {"value": None, "allowed_max": thresholds.max_accuracy_drop,
                                   "passed": None}

    reasons.append(_cost_check(checks, costs, candidate, thresholds.max_cost_ratio))

    ran = [check["passed"] for check in checks.values() if check["passed"] is not None]
    return GateResult(passed=all(ran), reasons=reasons, checks=checks)


def _drop_check(checks: dict[str, Any], key: str, label: str, drop: float,
                allowed: float) -> str:
    """Record a "falls at most ``allowed``" check in ``checks``; return its reason line."""
    ok = drop <= allowed + EPSILON
    checks[key] = {"value": drop, "allowed_max": allowed, "passed": ok}
    return (f"{label} {drop * 100:.1f} points {'≤' if ok else '>'} {allowed * 100:.1f} allowed: "
            f"{_word(ok)}")


def _cost_check(checks: dict[str, Any], costs: Sequence[ModelledCost], candidate: str,
                allowed: float) -> str:
    """The worst cost ratio to the cached reference, over every profile and grouping."""
    ratios = [c for c in costs if c.system == candidate and c.grouping != "uncached"
              and c.vs_cached_baseline is not None]
    if not ratios:
        checks["cost_ratio"] = {"value": None, "allowed_max": allowed, "passed": None}
        return "cost ratio: no modelled costs to compare; not checked"
    worst = max(ratios, key=lambda c: c.vs_cached_baseline or 0.0)
    value = worst.vs_cached_baseline or 0.0
    ok = value <= allowed + EPSILON
    checks["cost_ratio"] = {"value": value, "allowed_max": allowed, "passed": ok,
                            "profile": worst.profile, "grouping": worst.grouping}
    return (f"cost per answer vs the cached baseline {value:.1%} {'≤' if ok else '>'} "
            f"{allowed:.1%} allowed (worst: {worst.profile}, {worst.grouping} questions per "
            f"document): {_word(ok)}")


def _word(ok: bool) -> str:
    return "pass" if ok else "FAIL"
