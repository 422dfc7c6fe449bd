"""Records of an evaluation: questions, one system's answer to one question, the report.

The metrics are defined in docs/metrics.md and computed in ``evals/scoring.py`` and
``evals/stats.py``, the same way for every system.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from core.models import Frozen


class EvalQuestion(Frozen):
    """One question of a dataset, in the canonical format (pages are 1-based)."""

    id: str
    question: str
    answer: str
    doc_id: str
    evidence_pages: list[int]
    answer_type: str | None = None


class SystemAnswer(Frozen):
    """What one system did for one question, and the per-question metrics."""

    system: str
    question_id: str
    answer: str | None = Field(None, description="The model's answer; None when no model answered.")
    route: list[str] = Field(default_factory=list, description="Ladder rungs (docthrift).")
    context_pages: list[int] = Field(description="Pages of the question's document in the context.")
    context_tokens: int
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    cost_usd: float | None
    latency_ms: float
    truncated: bool = False
    evidence_all: bool
    evidence_any: bool
    correct: bool | None = None
    judged_correct: bool | None = None
    judge_tokens: int = 0


class SystemSummary(Frozen):
    """Aggregates of one system over every question (docs/metrics.md)."""

    n: int
    mean_prompt_tokens: float
    mean_completion_tokens: float
    mean_total_tokens: float
    mean_context_tokens: float
    evidence_recall_all: float
    evidence_recall_any: float
    accuracy: float | None
    judged_accuracy: float | None
    cost_usd: float | None = Field(description="Total over the questions; None without prices.")
    mean_cost_usd: float | None
    tokens_per_correct: float | None
    cost_per_correct: float | None
    truncated: int = Field(description="Questions whose context was cut to the context window.")
    latency_p50_ms: float
    latency_p95_ms: float
    judge_tokens: int


class PairedDifference(Frozen):
    """Mean of per-question differences docthrift − baseline, with a bootstrap 95% CI."""

    metric: str
    mean: float
    ci_low: float
    ci_high: float
    n: int


class GateResult(Frozen):
    """The release gate's verdict; ``passed`` is None when it could not be evaluated."""

    passed: bool | None
    reasons: list[str]
    checks: dict[str, Any] = Field(default_factory=dict)


class IngestionCost(Frozen):
    """What ingestion spent on the LLM for the dataset's documents, and when it pays back."""

    enrichment_tokens: int
    enrichment_cost_usd: float | None
    saved_tokens_per_question: float | None
    break_even_questions: float | None


class EvalReport(Frozen):
    """The evaluation's result; ``report.json`` is its JSON form."""

    dataset: str
    n: int
    model: str | None = Field(description="Model that answered; None when none was configured.")
    context_window: int
    systems: dict[str, SystemSummary]
    paired: dict[str, PairedDifference]
    gate: GateResult
    ingestion: IngestionCost
    questions: list[dict[str, Any]]
