"""Assemble an evaluation's report from the systems' answers (pure; no I/O).

Aggregates, paired differences and the gate are computed here with ``evals/stats.py`` and
``evals/gate.py``, the same way for every system (definitions: docs/metrics.md).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from core.models import DocumentRecord
from core.pricing import PricingProfile
from evals.economics import (
    DATASET,
    break_even,
    modelled_costs,
    question_costs,
    stable_share,
)
from evals.gate import Thresholds, check_gate
from evals.models import (
    Economics,
    EvalQuestion,
    EvalReport,
    IngestionCost,
    PairedDifference,
    SystemAnswer,
    SystemSummary,
)
from evals.stats import paired_difference, summarize

CANDIDATE, REFERENCE = "docthrift", "baseline"
# Paired metrics: name → value of one answer (None: not measured for that answer).
_PAIRED: dict[str, Callable[[SystemAnswer], float | None]] = {
    "prompt_tokens": lambda a: float(a.prompt_tokens),
    "total_tokens": lambda a: float(a.total_tokens),
    "cost_usd": lambda a: a.cost_usd,
    "evidence_all": lambda a: float(a.evidence_all),
    "evidence_any": lambda a: float(a.evidence_any),
    "correct": lambda a: None if a.correct is None else float(a.correct),
    "judged_correct": lambda a: None if a.judged_correct is None else float(a.judged_correct),
    "latency_ms": lambda a: a.latency_ms,
}


def build_report(dataset: str, questions: list[EvalQuestion],
                 answers: dict[str, list[SystemAnswer]], *, model: str | None,
                 context_window: int, thresholds: Thresholds,
                 records: list[DocumentRecord],
                 profiles: dict[str, PricingProfile] | None = None,
                 groupings: Sequence[str] = (DATASET,)) -> EvalReport:
    """The report of one evaluation run.

    Args:
        dataset: Name of the dataset file.
        questions: The questions, in order.
        answers: Each system's answers, in the questions' order.
        model: The model that answered, or None when none was configured.
        context_window: The baseline's default context window.
        thresholds: The gate's thresholds.
        records: The index records of the dataset's documents (for ingestion cost).
        profiles: Pricing profiles for the costs under prompt caching (None: not modelled).
        groupings: Questions per document within one cache lifetime, ``dataset`` or counts.
    """
    systems = {name: summarize(rows) for name, rows in answers.items()}
    economics = _economics(questions, answers, profiles, groupings, records) if profiles else None
    modelled = _modelled_rows(questions, answers, profiles, groupings[0]) if profiles else None
    return EvalReport(
        dataset=dataset, n=len(questions), model=model, context_window=context_window,
        systems=systems, paired=_paired(answers),
        gate=check_gate(systems, thresholds, candidate=CANDIDATE, reference=REFERENCE,
                        costs=economics.costs if economics else ()),
        ingestion=_ingestion(systems, records), economics=economics,
        questions=[_question_row(q, answers, i, modelled) for i, q in enumerate(questions)],
    )


def _economics(questions: list[EvalQuestion], answers: dict[str, list[SystemAnswer]],
               profiles: dict[str, PricingProfile], groupings: Sequence[str],
               records: list[DocumentRecord]) -> Economics:
    return Economics(
        profiles={name: profile.model_dump() for name, profile in profiles.items()},
        groupings=list(groupings),
        stable_prefix_share={name: stable_share(rows) for name, rows in answers.items()},
        costs=modelled_costs(questions, answers, profiles, groupings),
        break_even=break_even(questions, answers, profiles,
                              {r.doc_id: r.enrichment_tokens for r in records}))


def _modelled_rows(questions: list[EvalQuestion], answers: dict[str, list[SystemAnswer]],
                   profiles: dict[str, PricingProfile] | None,
                   grouping: str) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Per system and profile, each question's modelled cost under ``grouping``."""
    return {name: {profile.name: [
        {"grouping": grouping, "written_tokens": c.written, "read_tokens": c.read,
         "fresh_tokens": c.fresh, "usd": c.usd}
        for c in question_costs(questions, rows, profile, grouping)]
        for profile in (profiles or {}).values()} for name, rows in answers.items()}


def _paired(answers: dict[str, list[SystemAnswer]]) -> dict[str, PairedDifference]:
    if CANDIDATE not in answers or REFERENCE not in answers:
        return {}
    paired = {}
    for metric, value in _PAIRED.items():
        candidate = [value(a) for a in answers[CANDIDATE]]
        reference = [value(a) for a in answers[REFERENCE]]
        if not candidate or any(v is None for v in candidate + reference):
            continue  # not measured for every question: never estimated
        paired[metric] = paired_difference(metric, [float(v) for v in candidate if v is not None],
                                           [float(v) for v in reference if v is not None])
    return paired


def _ingestion(systems: dict[str, SystemSummary], records: list[DocumentRecord]) -> IngestionCost:
    tokens = sum(r.enrichment_tokens for r in records)
    costs = [r.enrichment_cost_usd for r in records]
    cost = None if any(c is None for c in costs) else float(sum(c for c in costs if c is not None))
    saved = None
    if CANDIDATE in systems and REFERENCE in systems:
        saved = systems[REFERENCE].mean_total_tokens - systems[CANDIDATE].mean_total_tokens
    if tokens == 0:
        break_even: float | None = 0.0
    elif saved is None or saved <= 0:
        break_even = None
    else:
        break_even = tokens / saved
    return IngestionCost(enrichment_tokens=tokens, enrichment_cost_usd=cost,
                         saved_tokens_per_question=saved, break_even_questions=break_even)


def _question_row(question: EvalQuestion, answers: dict[str, list[SystemAnswer]], index: int,
                  modelled: dict[str, dict[str, list[dict[str, Any]]]] | None) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": question.id, "question": question.question, "doc_id": question.doc_id,
        "evidence_pages": question.evidence_pages, "gold_answer": question.answer,
        "systems": {name: rows[index].model_dump(mode="json") for name, rows in answers.items()},
    }
    if modelled:
        row["modelled"] = {name: {profile: costs[index] for profile, costs in by.items()}
                           for name, by in modelled.items()}
    return row
