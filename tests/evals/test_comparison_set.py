"""The comparison set: questions across two documents built from single-document ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.errors import DatasetError
from evals.comparison import build_comparisons, company_and_year, write_comparisons
from evals.models import EvalQuestion
from tests.conftest import needs_dev_data


def _q(n: int, doc_id: str, pages: list[int]) -> EvalQuestion:
    return EvalQuestion(id=f"q{n}", question=f"Question {n}?", answer=f"Answer {n}.",
                        doc_id=doc_id, evidence_pages=pages)


QUESTIONS = [
    _q(1, "ACME_2022_10K", [5, 3]), _q(2, "ACME_2022_10K", [9]), _q(3, "Acme_2023Q2_10Q", [2]),
    _q(4, "GLOBEX_2022_10K", [40]), _q(5, "INITECH_2023Q4_EARNINGS", [1]),
    _q(6, "GLOBEX_2022Q4_EARNINGS", [7]),
]


def test_names_give_company_and_year() -> None:
    assert company_and_year("BESTBUY_2024Q2_10Q") == ("bestbuy", 2024)
    assert company_and_year("JOHNSON_JOHNSON_2023_8K_dated-2023-08-30") == ("johnson_johnson", 2023)
    with pytest.raises(DatasetError, match="COMPANY_YEAR_TYPE"):
        company_and_year("annual-report")


def test_pairs_follow_the_rule() -> None:
    items = build_comparisons(QUESTIONS)
    same_company = [i for i in items if i.kind == "same-company"]
    # Every pair across two documents of one company (case aside), never within one document.
    assert [i.parts for i in same_company] == [("q1", "q3"), ("q2", "q3"), ("q4", "q6")]
    first = same_company[0]
    assert first.question == "Answer both. (1) Question 1? (2) Question 3?"
    assert first.answer == "(1) Answer 1. (2) Answer 3."
    assert first.gold == {"ACME_2022_10K": [3, 5], "Acme_2023Q2_10Q": [2]}
    # One pair per pair of documents of two companies in one year: ACME/GLOBEX x2 in 2022,
    # Acme 10-Q/INITECH in 2023.
    same_year = [i for i in items if i.kind == "same-year"]
    assert sorted(tuple(sorted(i.gold)) for i in same_year) == [
        ("ACME_2022_10K", "GLOBEX_2022Q4_EARNINGS"), ("ACME_2022_10K", "GLOBEX_2022_10K"),
        ("Acme_2023Q2_10Q", "INITECH_2023Q4_EARNINGS")]
    assert all(len(i.gold) == 2 for i in items)


def test_the_draw_never_changes(tmp_path: Path) -> None:
    once, again = build_comparisons(QUESTIONS), build_comparisons(list(QUESTIONS))
    assert once == again
    path = tmp_path / "comparison.jsonl"
    assert write_comparisons(once, path) == len(once)
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert rows[0]["gold"] == {"ACME_2022_10K": [3, 5], "Acme_2023Q2_10Q": [2]}


@needs_dev_data
def test_the_dev_set_builds() -> None:
    from benchmarks.common import DEV
    from evals.datasets import load_dataset

    items = build_comparisons(load_dataset(DEV / "questions.jsonl"))
    assert {i.kind for i in items} == {"same-company", "same-year"}
    for item in items:
        (a, b) = item.gold
        same_company = company_and_year(a)[0] == company_and_year(b)[0]
        assert a != b and same_company == (item.kind == "same-company")
