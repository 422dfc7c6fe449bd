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
    cached_tokens: int = Field(0, description="Prompt tokens the endpoint read from its cache.")
    stable_prefix_tokens: int = Field(
        0, description="Leading prompt tokens shared by every question about the document.")
    calls: int = Field(
        1, description="Model calls the answer made; without a model, the prompts it would send.")
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


class ModelledCost(Frozen):
    """One system's modelled cost per answer under one pricing profile and grouping."""

    profile: str
    system: str
    grouping: str = Field(description="'uncached', 'dataset' (the dataset's own questions per "
                          "document) or a number of questions per document per cache lifetime.")
    questions_per_document: float | None
    written_tokens: float = Field(description="Mean prompt tokens written to the cache.")
    read_tokens: float = Field(description="Mean prompt tokens read from the cache.")
    fresh_tokens: float = Field(description="Mean prompt tokens billed as fresh input.")
    input_usd: float
    output_usd: float
    usd: float = Field(description="Mean dollars per answer, input and output.")
    usd_per_correct: float | None
    vs_baseline: float | None = Field(description="usd ÷ the baseline's, uncached.")
    vs_cached_baseline: float | None = Field(
        description="usd ÷ the baseline's under the same profile and grouping.")


class BreakEven(Frozen):
    """When docthrift's ingestion is paid back, under one pricing profile."""

    profile: str
    ingestion_usd: float
    questions_per_document: int | None = Field(
        description="Fewest questions per document, within one cache lifetime, at which "
        "ingestion plus docthrift's answers cost no more than the cached baseline's answers.")


class Economics(Frozen):
    """Dollars per answer under each provider's prompt caching (docs/metrics.md)."""

    profiles: dict[str, dict[str, Any]]
    groupings: list[str]
    stable_prefix_share: dict[str, float]
    costs: list[ModelledCost]
    break_even: list[BreakEven]


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
    economics: Economics | None = None
    questions: list[dict[str, Any]]
