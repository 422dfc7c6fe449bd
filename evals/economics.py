"""Dollars per answer under each provider's prompt caching, for every system of an evaluation
(pure; no I/O).

Each answer is seen as its calls (``core.cache_costs.PromptShape``: the stable prefix
the template shares across a document's questions, the fresh rest, the output) and billed by
``core.cache_costs.plan_cache`` under each pricing profile, for each grouping of
questions per document within one cache lifetime: the dataset's own (each document's
questions in the dataset's order, all within one lifetime) or N questions per document
(the document's questions cycled, N per lifetime, so each is asked N times and every group
of N starts cold). Definitions: docs/metrics.md#cost-under-prompt-caching.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate, cycle, islice

from core.cache_costs import CachedCall, PromptShape, plan_cache, uncached
from core.errors import ConfigError
from core.pricing import PricingProfile
from evals.models import BreakEven, EvalQuestion, ModelledCost, SystemAnswer

CANDIDATE, REFERENCE = "docthrift", "baseline"
DATASET = "dataset"
UNCACHED = "uncached"
MAX_BREAK_EVEN = 1000  # questions per document searched for a break-even


def parse_groupings(text: str) -> list[str]:
    """``dataset,1,10,50`` → the groupings in order (``dataset`` or a positive count)."""
    groupings: list[str] = []
    for raw in (part.strip().lower() for part in text.split(",")):
        if not raw:
            continue
        if raw != DATASET and not (raw.isdigit() and int(raw) >= 1):
            raise ConfigError(f"--questions-per-document: {raw!r} is neither a positive number "
                              f"of questions nor {DATASET!r} (the dataset's own grouping)")
        if raw not in groupings:
            groupings.append(raw if raw == DATASET else str(int(raw)))
    if not groupings:
        raise ConfigError("--questions-per-document: name at least one grouping, e.g. 1,10,50")
    return groupings


@dataclass(frozen=True)
class QuestionCost:
    """One question's modelled cost: means over the times the grouping asks it."""

    written: float
    read: float
    fresh: float
    output: float
    input_usd: float
    output_usd: float

    @property
    def usd(self) -> float:
        return self.input_usd + self.output_usd


def calls_of(answer: SystemAnswer) -> list[PromptShape]:
    """An answer as the calls it made: each with the stable prefix, the fresh rest and the
    output split evenly (the remainder on the first); one empty call for no prompt."""
    calls = max(answer.calls, 1)
    stable = answer.stable_prefix_tokens if answer.prompt_tokens else 0
    fresh = max(answer.prompt_tokens - calls * stable, 0)
    return [PromptShape(prefix_tokens=stable,
                        fresh_tokens=fresh // calls + (fresh % calls if i == 0 else 0),
                        output_tokens=answer.completion_tokens // calls
                        + (answer.completion_tokens % calls if i == 0 else 0))
            for i in range(calls)]


def question_costs(questions: Sequence[EvalQuestion], answers: Sequence[SystemAnswer],
                   profile: PricingProfile, grouping: str) -> list[QuestionCost]:
    """Each question's modelled cost under ``profile`` and ``grouping`` (or ``uncached``)."""
    costs: list[QuestionCost | None] = [None] * len(questions)
    for indexes in _by_document(questions).values():
        if grouping == UNCACHED:
            for i in indexes:
                costs[i] = _mean([uncached(calls_of(answers[i]), profile)])
            continue
        size = len(indexes) if grouping == DATASET else int(grouping)
        asked = list(islice(cycle(indexes), len(indexes) * (1 if grouping == DATASET else size)))
        billed: dict[int, list[list[CachedCall]]] = defaultdict(list)
        for start in range(0, len(asked), size):
            group = asked[start:start + size]
            shapes = [calls_of(answers[i]) for i in group]
            flat = plan_cache([c for calls in shapes for c in calls], profile)
            offset = 0
            for i, calls in zip(group, shapes, strict=True):
                billed[i].append(flat[offset:offset + len(calls)])
                offset += len(calls)
        for i in indexes:
            costs[i] = _mean(billed[i])
    return [c for c in costs if c is not None]


def modelled_costs(questions: Sequence[EvalQuestion], answers: dict[str, list[SystemAnswer]],
                   profiles: dict[str, PricingProfile],
                   groupings: Sequence[str]) -> list[ModelledCost]:
    """Per profile, system and grouping (``uncached`` first): the mean cost per answer and
    its ratios to the uncached and the cached baseline's."""
    rows: list[ModelledCost] = []
    for profile in profiles.values():
        table: dict[tuple[str, str], list[QuestionCost]] = {
            (name, grouping): question_costs(questions, rows_, profile, grouping)
            for name, rows_ in answers.items() for grouping in (UNCACHED, *groupings)}
        for (name, grouping), costs in table.items():
            base = table.get((REFERENCE, UNCACHED))
            cached_base = table.get((REFERENCE, grouping))
            usd = _mean_of([c.usd for c in costs])
            correct = [a.correct for a in answers[name]]
            n_correct = sum(1 for c in correct if c)
            per_correct = (sum(c.usd for c in costs) / n_correct
                           if correct and None not in correct and n_correct else None)
            rows.append(ModelledCost(
                profile=profile.name, system=name, grouping=grouping,
                questions_per_document=_per_document(questions, grouping),
                written_tokens=_mean_of([c.written for c in costs]),
                read_tokens=_mean_of([c.read for c in costs]),
                fresh_tokens=_mean_of([c.fresh for c in costs]),
                input_usd=_mean_of([c.input_usd for c in costs]),
                output_usd=_mean_of([c.output_usd for c in costs]), usd=usd,
                usd_per_correct=per_correct,
                vs_baseline=_ratio(usd, base), vs_cached_baseline=_ratio(usd, cached_base)))
    return rows


def break_even(questions: Sequence[EvalQuestion], answers: dict[str, list[SystemAnswer]],
               profiles: dict[str, PricingProfile],
               enrichment: Mapping[str, int]) -> list[BreakEven]:
    """Per profile: the fewest questions per document, asked within one cache lifetime, at
    which docthrift's ingestion plus its answers cost no more than the cached baseline's
    answers, over the dataset's documents (None: not within ``MAX_BREAK_EVEN``).

    ``enrichment``: the LLM enrichment tokens ingestion spent, per document id."""
    if CANDIDATE not in answers or REFERENCE not in answers:
        return []
    documents = _by_document(questions)
    found = []
    for profile in profiles.values():
        ingestion = sum(enrichment.get(d, 0) for d in documents) * profile.output / 1e6
        totals = {name: [sum(per_doc) for per_doc in zip(*(
            _group_totals([answers[name][i] for i in indexes], profile)
            for indexes in documents.values()), strict=True)]
            for name in (CANDIDATE, REFERENCE)}
        count = next((q + 1 for q, (cand, ref) in enumerate(
            zip(totals[CANDIDATE], totals[REFERENCE], strict=True))
            if ingestion + cand <= ref + 1e-12), None)
        found.append(BreakEven(profile=profile.name, ingestion_usd=ingestion,
                               questions_per_document=count))
    return found


def stable_share(answers: Sequence[SystemAnswer]) -> float:
    """Share of the prompt tokens that are a stable prefix, over all of a system's calls."""
    prompt = sum(a.prompt_tokens for a in answers)
    stable = sum(a.stable_prefix_tokens * max(a.calls, 1) for a in answers if a.prompt_tokens)
    return stable / prompt if prompt else 0.0


def _group_totals(answers: list[SystemAnswer], profile: PricingProfile) -> list[float]:
    """Cost of a group of 1, 2, ... ``MAX_BREAK_EVEN`` questions about one document.

    A group of two or more bills its first call the same whatever follows, so their totals
    are the running sums over one long group; a lone question is billed on its own (a client
    that asks once does not pay to write the cache)."""
    shapes = [calls_of(a) for a in islice(cycle(answers), MAX_BREAK_EVEN)]
    flat = iter(plan_cache([c for calls in shapes for c in calls], profile))
    totals = list(accumulate(sum(next(flat).usd for _ in calls) for calls in shapes))
    totals[0] = sum(c.usd for c in plan_cache(shapes[0], profile))
    return totals


def _by_document(questions: Sequence[EvalQuestion]) -> dict[str, list[int]]:
    documents: dict[str, list[int]] = defaultdict(list)
    for i, question in enumerate(questions):
        documents[question.doc_id].append(i)
    return dict(documents)


def _per_document(questions: Sequence[EvalQuestion], grouping: str) -> float | None:
    if grouping == UNCACHED:
        return None
    if grouping == DATASET:
        return len(questions) / max(len(_by_document(questions)), 1)
    return float(grouping)


def _mean(asked: list[list[CachedCall]]) -> QuestionCost:
    """The mean over the times a question was asked of the sums over its calls."""
    times = len(asked)

    def total(field: str) -> float:
        return math.fsum(getattr(c, field) for calls in asked for c in calls) / times

    return QuestionCost(written=total("written"), read=total("read"), fresh=total("fresh"),
                        output=total("output"), input_usd=total("input_usd"),
                        output_usd=total("output_usd"))


def _mean_of(values: list[float]) -> float:
    return math.fsum(values) / len(values) if values else 0.0


def _ratio(value: float, reference: list[QuestionCost] | None) -> float | None:
    if reference is None:
        return None
    base = _mean_of([c.usd for c in reference])
    return value / base if base > 0 else None
