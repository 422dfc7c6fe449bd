"""Aggregates over questions: means, percentiles, bootstrap intervals, a system's summary.

Definitions are in docs/metrics.md. Everything here is deterministic: the bootstrap draws
from a numpy Generator with a fixed seed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from evals.models import PairedDifference, SystemAnswer, SystemSummary

# Resampled means computed per block, to bound memory on long datasets.
_BLOCK_CELLS = 2_000_000


def mean(values: Sequence[float]) -> float:
    """Arithmetic mean; nan for no values (a mean of nothing is undefined, not 0)."""
    return math.fsum(values) / len(values) if values else math.nan


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile: the smallest value with at least ``share`` of values ≤ it.

    Args:
        values: The values, in any order.
        share: Between 0 and 1 (0.5 for the median, 0.95 for p95).

    Returns:
        One of the values; nan for no values.

    Raises:
        ValueError: ``share`` is outside [0, 1].
    """
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"percentile share must be between 0 and 1, got {share}")
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return float(ordered[rank - 1])


def bootstrap_ci(values: Sequence[float], *, resamples: int = 2000, seed: int = 0,
                 confidence: float = 0.95) -> tuple[float, float, float]:
    """Mean with a percentile-bootstrap confidence interval over the mean.

    Args:
        values: One value per question.
        resamples: Bootstrap resamples drawn with replacement.
        seed: Seed of the numpy Generator; the same inputs give the same interval.
        confidence: Coverage of the interval (0.95 for a 95% interval).

    Returns:
        (mean, low, high); the interval collapses to the mean for one value or equal values,
        and is (nan, nan, nan) for no values.

    Raises:
        ValueError: ``resamples`` < 1 or ``confidence`` outside (0, 1).
    """
    if resamples < 1:
        raise ValueError(f"resamples must be at least 1, got {resamples}")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    center = mean(values)
    data = np.asarray(values, dtype=float)
    if data.size == 0:
        return center, math.nan, math.nan
    if data.size == 1 or np.ptp(data) == 0:
        return center, center, center
    rng = np.random.default_rng(seed)
    block = max(1, _BLOCK_CELLS // data.size)
    means = np.concatenate([
        data[rng.integers(0, data.size, size=(min(block, resamples - start), data.size))]
        .mean(axis=1)
        for start in range(0, resamples, block)
    ])
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(means, [tail, 1.0 - tail])
    return center, float(low), float(high)


def paired_difference(metric: str, candidate: Sequence[float], reference: Sequence[float], *,
                      resamples: int = 2000, seed: int = 0,
                      confidence: float = 0.95) -> PairedDifference:
    """Mean of per-question differences candidate − reference, with a bootstrap interval.

    Args:
        metric: Name of the metric, kept in the result.
        candidate: The candidate system's value per question (docthrift).
        reference: The reference system's value for the same questions, in the same order.
        resamples: See :func:`bootstrap_ci`.
        seed: See :func:`bootstrap_ci`.
        confidence: See :func:`bootstrap_ci`.

    Raises:
        ValueError: The two sequences differ in length.
    """
    if len(candidate) != len(reference):
        raise ValueError(f"{metric}: {len(candidate)} candidate values but {len(reference)} "
                         "reference values; pair them question by question")
    diffs = [c - r for c, r in zip(candidate, reference, strict=True)]
    center, low, high = bootstrap_ci(diffs, resamples=resamples, seed=seed,
                                     confidence=confidence)
    return PairedDifference(metric=metric, mean=center, ci_low=low, ci_high=high, n=len(diffs))


def summarize(answers: Sequence[SystemAnswer]) -> SystemSummary:
    """One system's aggregates over its answers (docs/metrics.md).

    Accuracy (and judged accuracy) is the share correct only when every answer was scored,
    else None: it is never estimated from a subset. Cost is the sum only when every answer
    has a cost. Tokens and cost per correct answer divide the totals by the number of
    correct answers, and are None when accuracy is None or nothing was correct.

    Raises:
        ValueError: No answers.
    """
    if not answers:
        raise ValueError("no answers to summarize; the dataset selection is empty")
    n = len(answers)
    accuracy = _share_scored([a.correct for a in answers])
    costs = [a.cost_usd for a in answers]
    total_cost = math.fsum(c for c in costs if c is not None) if None not in costs else None
    n_correct = sum(1 for a in answers if a.correct)
    per_correct = accuracy is not None and n_correct > 0
    latencies = [a.latency_ms for a in answers]
    return SystemSummary(
        n=n,
        mean_prompt_tokens=mean([a.prompt_tokens for a in answers]),
        mean_completion_tokens=mean([a.completion_tokens for a in answers]),
        mean_total_tokens=mean([a.total_tokens for a in answers]),
        mean_context_tokens=mean([a.context_tokens for a in answers]),
        evidence_recall_all=mean([float(a.evidence_all) for a in answers]),
        evidence_recall_any=mean([float(a.evidence_any) for a in answers]),
        accuracy=accuracy,
        judged_accuracy=_share_scored([a.judged_correct for a in answers]),
        cost_usd=total_cost,
        mean_cost_usd=total_cost / n if total_cost is not None else None,
        tokens_per_correct=(sum(a.total_tokens for a in answers) / n_correct
                            if per_correct else None),
        cost_per_correct=(total_cost / n_correct
                          if per_correct and total_cost is not None else None),
        truncated=sum(1 for a in answers if a.truncated),
        latency_p50_ms=percentile(latencies, 0.50),
        latency_p95_ms=percentile(latencies, 0.95),
        judge_tokens=sum(a.judge_tokens for a in answers),
    )


def _share_scored(verdicts: Sequence[bool | None]) -> float | None:
    if not verdicts or any(v is None for v in verdicts):
        return None
    return mean([float(bool(v)) for v in verdicts])
