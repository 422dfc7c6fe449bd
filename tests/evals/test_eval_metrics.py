"""Evaluation metrics: rule-based correctness, aggregates, bootstrap intervals, the gate."""

from __future__ import annotations

import math
from typing import Any

import pytest

from evals.gate import Thresholds, check_gate
from evals.models import SystemAnswer, SystemSummary
from evals.scoring import answer_correct
from evals.stats import bootstrap_ci, mean, paired_difference, percentile, summarize

CASES = [
    # numbers, scales and currencies
    ("$1577.00", "Capital expenditure was $1,577 million in FY2022.", True),
    ("$1577.00", "About $1.577 billion.", True),
    ("$1577.00", "$1.58 billion (p. 52).", True),
    ("$1577.00", "$1,677 million.", False),
    ("$9068.00", "Net PP&E was 9,068 (in USD millions).", True),
    ("AMCOR's Adj. EBITDA was $2,018mn in FY 2023", "Adjusted EBITDA: $2.018 bn.", True),
    ("JnJ realised $13.2 billion in cash proceeds.", "$13,200 million in cash.", True),
    ("Best Buy generated the most ($1.8 bn)", "FY2023, with $1,824M.", False),
    ("93.86", "The ratio is 93.9.", True),
    # percents, ratios, rounding
    ("24.26%", "The margin was 24.26%.", True),
    ("24.26%", "Roughly 24.3%.", True),
    ("24.26%", "About 24%.", False),
    ("24.26%", "0.2426", True),
    ("0.2426", "24.26%", True),
    ("30.8%", "30.8 percent of revenue", True),
    ("16.5%", "It was 18.5%.", False),
    # negatives and the sign rule
    ("-14.76%", "The effective tax rate was 14.76%.", False),
    ("-14.76%", "A tax benefit: the rate declined to negative 14.76%.", True),
    ("$(1,234)", "Net loss of $1,234.", True),
    ("$(1,234)", "Net income of $1,234.", False),
    ("The consumer segment shrunk by 0.9% organically.", "Organic sales: -0.9%.", True),
    # years, list markers and form names are not the key number
    ("In FY 2022 the ratio was 2.7.", "2.7 times in 2022", True),
    ("In FY 2022 the ratio was 2.7.", "Inventory turned over in 2022.", False),
    ("(1) usual and customary pricing: 45 cases", "There are 45 cases.", True),
    ("Per its 10-K, revenue rose 3.6%", "Revenue grew 3.6% (10-K p. 4).", True),
    ("Operating margin for 3M decreased by 1.7%", "3M's margin fell 1.7 points.", True),
    ("Treated as discontinued from August 30, 2023.", "Discontinued: 30 of them.", False),
    ("Best Buy generated the most ($1.8 bn)", "Best Buy: $1.8B from operations.", True),
    # yes / no
    ("Yes. Boeing has an improving gross margin profile.", "**Yes** — gross margin rose.", True),
    ("Yes, the margins have been consistent.", "No, margins fell sharply.", False),
    ("No, rate of growth is expected to decelerate from 3.6% to 3.5%.", "No. 3.5% vs 3.6%.", True),
    ("No the operating margins declined.", "Not really; they declined.", False),
    ("Yes", "yes.", True),
    # text
    ("Customer deposits", "The largest liability is customer deposits (p. 60).", True),
    ("Trillium, Array, and Therachon", "It acquired Array, Therachon and Trillium.", True),
    ("Developed Rest of the World", "Emerging markets", False),
    ("There are none", "None.", True),
    # no answer
    ("$1577.00", "NOT FOUND IN CONTEXT", False),
    ("Customer deposits", "not found in context — customer deposits are not shown", False),
    ("$1577.00", None, None),
]


@pytest.mark.parametrize(("gold", "answer", "expected"), CASES)
def test_answer_correct(gold: str, answer: str | None, expected: bool | None) -> None:
    assert answer_correct(gold, answer) is expected


def test_answer_correct_tolerance_is_a_parameter() -> None:
    assert answer_correct("24.26%", "About 24%.", rel_tol=0.02) is True
    assert answer_correct("$1577.00", "$1,580 million", rel_tol=0.001) is False


_DEFAULTS: dict[str, Any] = {
    "system": "docthrift", "question_id": "q", "answer": "x", "context_pages": [1],
    "context_tokens": 100, "prompt_tokens": 120, "completion_tokens": 20, "total_tokens": 140,
    "cost_usd": 0.01, "latency_ms": 100.0, "evidence_all": True, "evidence_any": True,
    "correct": True,
}


def _answer(**overrides: Any) -> SystemAnswer:
    return SystemAnswer(**{**_DEFAULTS, **overrides})


def test_summary_means_shares_and_per_correct() -> None:
    answers = [
        _answer(prompt_tokens=100, total_tokens=120, latency_ms=10, correct=True, truncated=True),
        _answer(prompt_tokens=200, total_tokens=220, latency_ms=20, correct=False,
                evidence_all=False, judge_tokens=7),
        _answer(prompt_tokens=300, total_tokens=320, latency_ms=30, correct=True,
                evidence_all=False, evidence_any=False, judged_correct=None),
        _answer(prompt_tokens=400, total_tokens=420, latency_ms=40, correct=True, judge_tokens=3),
    ]
    summary = summarize(answers)
    assert summary.n == 4
    assert summary.mean_prompt_tokens == 250.0 and summary.mean_total_tokens == 270.0
    assert summary.evidence_recall_all == 0.5 and summary.evidence_recall_any == 0.75
    assert summary.accuracy == 0.75
    assert summary.tokens_per_correct == pytest.approx(1080 / 3)
    assert summary.cost_usd == pytest.approx(0.04) and summary.mean_cost_usd == pytest.approx(0.01)
    assert summary.cost_per_correct == pytest.approx(0.04 / 3)
    assert summary.judged_accuracy is None  # no answer was judged
    assert summary.truncated == 1 and summary.judge_tokens == 10
    assert summary.latency_p50_ms == 20.0 and summary.latency_p95_ms == 40.0


def test_summary_never_estimates_accuracy_or_cost_from_a_subset() -> None:
    answers = [_answer(correct=True, cost_usd=None), _answer(correct=None, judged_correct=True)]
    summary = summarize(answers)
    assert summary.accuracy is None and summary.tokens_per_correct is None
    assert summary.cost_usd is None and summary.mean_cost_usd is None
    assert summary.cost_per_correct is None
    judged = summarize([_answer(judged_correct=True), _answer(judged_correct=False)])
    assert judged.judged_accuracy == 0.5


def test_summary_without_a_correct_answer_has_no_per_correct_figures() -> None:
    summary = summarize([_answer(correct=False), _answer(correct=False)])
    assert summary.accuracy == 0.0
    assert summary.tokens_per_correct is None and summary.cost_per_correct is None


def test_summary_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError, match="no answers"):
        summarize([])


def test_mean_and_percentile() -> None:
    assert mean([1, 2, 3, 6]) == 3.0 and math.isnan(mean([]))
    values = [15, 20, 35, 40, 50]
    assert percentile(values, 0.05) == 15 and percentile(values, 0.30) == 20
    assert percentile(values, 0.40) == 20 and percentile(values, 0.50) == 35
    assert percentile(values, 1.0) == 50 and percentile(values, 0.0) == 15
    assert math.isnan(percentile([], 0.5))
    with pytest.raises(ValueError):
        percentile(values, 95)


def test_bootstrap_is_deterministic_and_contains_the_mean() -> None:
    values = [0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.0, 1.0, 1.0]
    first = bootstrap_ci(values, seed=7)
    assert first == bootstrap_ci(values, seed=7)
    center, low, high = first
    assert center == 0.7 and low < center < high
    spread = [0.3, 1.7, 2.2, 0.9, 5.1, 3.3, 0.2, 4.4]
    assert bootstrap_ci(spread, seed=8) != bootstrap_ci(spread, seed=9)  # the seed is used
    narrow = bootstrap_ci(values, confidence=0.5)
    assert narrow[1] >= low and narrow[2] <= high


def test_bootstrap_known_case_and_collapse() -> None:
    center, low, high = bootstrap_ci([1, 2, 3, 4])
    assert center == 2.5 and 1 <= low < 2.5 < high <= 4
    assert bootstrap_ci([0.3] * 12) == (0.3, 0.3, 0.3)
    assert bootstrap_ci([5]) == (5.0, 5.0, 5.0)
    assert all(math.isnan(x) for x in bootstrap_ci([]))


def test_paired_difference() -> None:
    paired = paired_difference("prompt_tokens", [10, 20, 30, 40], [11, 22, 33, 44])
    assert paired.metric == "prompt_tokens" and paired.n == 4
    assert paired.mean == -2.5 and -4 <= paired.ci_low <= paired.mean <= paired.ci_high <= -1
    constant = paired_difference("correct", [1, 0, 1], [0, -1, 0])
    assert (constant.mean, constant.ci_low, constant.ci_high) == (1.0, 1.0, 1.0)
    with pytest.raises(ValueError, match="pair them"):
        paired_difference("x", [1, 2], [1])


def _summary(prompt: float, recall: float, accuracy: float | None) -> SystemSummary:
    return SystemSummary(
        n=10, mean_prompt_tokens=prompt, mean_completion_tokens=10, mean_total_tokens=prompt + 10,
        mean_context_tokens=prompt, evidence_recall_all=recall, evidence_recall_any=recall,
        accuracy=accuracy, judged_accuracy=None, cost_usd=None, mean_cost_usd=None,
        tokens_per_correct=None, cost_per_correct=None, truncated=0, latency_p50_ms=1,
        latency_p95_ms=2, judge_tokens=0,
    )


def _gate(candidate: SystemSummary, reference: SystemSummary):  # type: ignore[no-untyped-def]
    return check_gate({"docthrift": candidate, "baseline": reference}, Thresholds())


def test_gate_passes() -> None:
    result = _gate(_summary(3_400, 0.80, 0.60), _summary(100_000, 0.85, 0.61))
    assert result.passed is True
    assert result.reasons[0] == "token reduction 96.6% ≥ 80.0% required: pass"
    assert result.reasons[1] == "evidence recall drop 5.0 points ≤ 10.0 allowed: pass"
    assert result.reasons[2] == "accuracy drop 1.0 points ≤ 2.0 allowed: pass"
    assert result.checks["token_reduction"]["value"] == pytest.approx(0.966)


def test_gate_fails_on_tokens() -> None:
    result = _gate(_summary(25_000, 0.85, 0.6), _summary(100_000, 0.85, 0.6))
    assert result.passed is False
    assert result.reasons[0] == "token reduction 75.0% < 80.0% required: FAIL"
    assert result.checks["token_reduction"]["passed"] is False


def test_gate_fails_on_recall() -> None:
    result = _gate(_summary(1_000, 0.73, None), _summary(100_000, 0.85, None))
    assert result.passed is False
    assert "evidence recall drop 12.0 points > 10.0 allowed: FAIL" in result.reasons


def test_gate_fails_on_accuracy() -> None:
    result = _gate(_summary(1_000, 0.85, 0.55), _summary(100_000, 0.85, 0.60))
    assert result.passed is False
    assert "accuracy drop 5.0 points > 2.0 allowed: FAIL" in result.reasons


def test_gate_skips_accuracy_without_a_model() -> None:
    result = _gate(_summary(1_000, 0.85, None), _summary(100_000, 0.85, None))
    assert result.passed is True
    assert "accuracy: not measured (no model configured); not checked" in result.reasons
    assert result.checks["accuracy_drop"]["passed"] is None


def test_gate_not_evaluated_without_baseline() -> None:
    result = check_gate({"docthrift": _summary(1_000, 0.85, None)}, Thresholds())
    assert result.passed is None
    assert result.reasons == [
        "not evaluated: the gate compares 'docthrift' with 'baseline'; run both systems"
    ]


def test_gate_exact_thresholds_pass() -> None:
    result = _gate(_summary(20_000, 0.70, 0.58), _summary(100_000, 0.80, 0.60))
    assert result.passed is True, result.reasons
    strict = check_gate({"docthrift": _summary(20_000, 0.80, 0.6),
                         "baseline": _summary(100_000, 0.80, 0.6)},
                        Thresholds(min_token_reduction=0.8000001))
    assert strict.passed is False


def _cost(profile: str, grouping: str, ratio: float | None, system: str = "docthrift"):  # type: ignore[no-untyped-def]
    from evals.models import ModelledCost

    return ModelledCost(profile=profile, system=system, grouping=grouping,
                        questions_per_document=None, written_tokens=0, read_tokens=0,
                        fresh_tokens=0, input_usd=0, output_usd=0, usd=0, usd_per_correct=None,
                        vs_baseline=0.05, vs_cached_baseline=ratio)


def test_gate_checks_the_worst_cost_ratio_to_the_cached_baseline() -> None:
    systems = {"docthrift": _summary(3_400, 0.80, None), "baseline": _summary(100_000, 0.85, None)}
    costs = [_cost("openai", "10", 0.19), _cost("anthropic", "50", 0.29),
             _cost("openai", "uncached", 9.0), _cost("openai", "10", 0.95, system="naive-rag"),
             _cost("anthropic", "10", 1.0, system="baseline")]
    passed = check_gate(systems, Thresholds(), costs=costs)
    assert passed.passed is True
    assert passed.reasons[-1] == ("cost per answer vs the cached baseline 29.0% ≤ 30.0% allowed "
                                  "(worst: anthropic, 50 questions per document): pass")
    failed = check_gate(systems, Thresholds(max_cost_ratio=0.2), costs=costs)
    assert failed.passed is False and failed.checks["cost_ratio"]["profile"] == "anthropic"
    # No modelled costs: said so, and not counted.
    skipped = check_gate(systems, Thresholds())
    assert skipped.passed is True and skipped.checks["cost_ratio"]["passed"] is None
    assert "cost ratio: no modelled costs to compare; not checked" in skipped.reasons
