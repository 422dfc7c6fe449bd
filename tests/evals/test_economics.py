"""The evaluation's modelled costs: groupings of questions per document, ratios to the uncached
and the cached baseline, cost per correct answer and the break-even with ingestion."""

from __future__ import annotations

import pytest

from core.errors import ConfigError
from core.pricing import ANTHROPIC, OPENAI
from evals.economics import (
    break_even,
    calls_of,
    modelled_costs,
    parse_groupings,
    question_costs,
    stable_share,
)
from evals.models import EvalQuestion, SystemAnswer

DOC = 80_000
CARD = 2_000


def _questions(per_doc: dict[str, int]) -> list[EvalQuestion]:
    return [EvalQuestion(id=f"{d}-{i}", question=f"q{i}", answer="1", doc_id=d, evidence_pages=[1])
            for d, count in per_doc.items() for i in range(count)]


def _answers(questions: list[EvalQuestion], stable: int, fresh: int, *, completion: int = 0,
             correct: bool | None = None, calls: int = 1) -> list[SystemAnswer]:
    return [SystemAnswer(system="s", question_id=q.id, context_pages=[1], context_tokens=fresh,
                         prompt_tokens=calls * stable + fresh, stable_prefix_tokens=stable,
                         calls=calls, completion_tokens=completion,
                         total_tokens=calls * stable + fresh + completion, cost_usd=None,
                         latency_ms=1.0, evidence_all=True, evidence_any=True, correct=correct)
            for q in questions]


def test_parse_groupings() -> None:
    assert parse_groupings("dataset, 1,10,50,10") == ["dataset", "1", "10", "50"]
    for bad in ("0", "ten", "-3", " , "):
        with pytest.raises(ConfigError, match="questions-per-document"):
            parse_groupings(bad)


def test_dataset_grouping_writes_once_per_document_in_order() -> None:
    questions = _questions({"a": 3, "b": 1})
    costs = question_costs(questions, _answers(questions, DOC, 50), ANTHROPIC, "dataset")
    assert [c.written for c in costs] == [DOC, 0, 0, 0]  # b's single question writes nothing
    assert [c.read for c in costs] == [0, DOC, DOC, 0]
    assert [c.fresh for c in costs] == [50, 50, 50, DOC + 50]


def test_n_per_lifetime_cycles_the_documents_questions() -> None:
    questions = _questions({"a": 3})
    answers = _answers(questions, DOC, 50)
    ten = question_costs(questions, answers, ANTHROPIC, "10")
    # Each question asked ten times, one cold call in ten: 1.25 + 9 x 0.1 of the prefix.
    expected = (DOC * (1.25 * 3.00 + 9 * 0.30) / 10 + 50 * 3.00) / 1e6
    assert sum(c.input_usd for c in ten) / 3 == pytest.approx(expected)
    one = question_costs(questions, answers, ANTHROPIC, "1")
    assert all(c.read == 0 and c.written == 0 and c.fresh == DOC + 50 for c in one)


def test_ratios_to_both_baselines_and_cost_per_correct() -> None:
    questions = _questions({"a": 4, "b": 6})
    answers = {"baseline": _answers(questions, DOC, 40, completion=100, correct=True),
               "docthrift": _answers(questions, CARD, 2_500, completion=100,
                                     correct=None)}
    answers["docthrift"] = [a.model_copy(update={"correct": i % 2 == 0})
                            for i, a in enumerate(answers["docthrift"])]
    rows = modelled_costs(questions, answers, {"openai": OPENAI}, ["dataset", "10"])
    by = {(r.system, r.grouping): r for r in rows}
    assert set(by) == {(s, g) for s in answers for g in ("uncached", "dataset", "10")}
    base_uncached = by[("baseline", "uncached")]
    assert base_uncached.vs_baseline == pytest.approx(1.0)
    assert base_uncached.usd == pytest.approx(((DOC + 40) * 0.25 + 100 * 2.00) / 1e6)
    cached = by[("baseline", "10")]
    assert cached.vs_cached_baseline == pytest.approx(1.0) and cached.vs_baseline < 0.3
    doc = by[("docthrift", "10")]
    assert doc.vs_cached_baseline == pytest.approx(doc.usd / cached.usd)
    assert doc.vs_baseline == pytest.approx(doc.usd / base_uncached.usd)
    assert doc.usd_per_correct == pytest.approx(doc.usd * 10 / 5)
    assert by[("docthrift", "dataset")].questions_per_document == pytest.approx(5.0)
    assert doc.written_tokens + doc.read_tokens + doc.fresh_tokens == pytest.approx(CARD + 2_500)
    # No model: no correctness, no cost per correct answer.
    unscored = modelled_costs(questions, {"baseline": _answers(questions, DOC, 40)},
                              {"openai": OPENAI}, ["10"])
    assert all(r.usd_per_correct is None for r in unscored)


def test_break_even_counts_ingestion() -> None:
    questions = _questions({"a": 2, "b": 2})
    answers = {"baseline": _answers(questions, DOC, 40),
               "docthrift": _answers(questions, CARD, 2_500)}
    free = break_even(questions, answers, {"anthropic": ANTHROPIC}, {})
    assert free[0].questions_per_document == 1 and free[0].ingestion_usd == 0
    enrichment = {"a": 40_000, "b": 40_000, "elsewhere": 90_000}  # not in the dataset: ignored
    paid = break_even(questions, answers, {"anthropic": ANTHROPIC}, enrichment)[0]
    assert paid.ingestion_usd == pytest.approx(80_000 * 15.00 / 1e6)
    # Per document, the first question saves $0.22662 (nothing is written for a lone
    # question), two save $0.30114 (both prefixes written, then read), and each further
    # question $0.01602 (a baseline read at $0.30 per million against the card's read plus
    # 2,500 fresh tokens): $1.20 of ingestion for two documents is back after 21 questions.
    assert paid.questions_per_document == 21
    never = break_even(questions, {"baseline": answers["docthrift"],
                                   "docthrift": answers["baseline"]},
                       {"anthropic": ANTHROPIC}, enrichment)
    assert never[0].questions_per_document is None


def test_calls_split_the_fresh_tokens_and_share_the_prefix() -> None:
    questions = _questions({"a": 1})
    answer = _answers(questions, CARD, 3_001, completion=11, calls=2)[0]
    calls = calls_of(answer)
    assert [(c.prefix_tokens, c.fresh_tokens, c.output_tokens) for c in calls] == \
        [(CARD, 1_501, 6), (CARD, 1_500, 5)]
    assert stable_share([answer]) == pytest.approx(2 * CARD / (2 * CARD + 3_001))
