"""Datasets load from canonical or FinanceBench JSONL; every bad line is named with its field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from core.errors import DatasetError
from evals.datasets import load_dataset, parse_line, restrict, write_dataset
from evals.models import EvalQuestion
from tests.conftest import DEV_DATA, needs_dev_data


def _canonical(qid: str = "q1", **changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": qid,
        "question": "What was revenue in FY2022?",
        "answer": "$34,229 million",
        "doc_id": "3M_2022_10K",
        "evidence_pages": [48],
    }
    row.update(changes)
    return row


def _financebench(fid: str = "financebench_id_00001", **changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "financebench_id": fid,
        "company": "3M",
        "doc_name": "3M_2022_10K",
        "question_type": "metrics-generated",
        "question_reasoning": "Information extraction",
        "question": "What is the FY2022 capital expenditure?",
        "answer": "$1,749 million",
        "justification": "",
        "evidence": [
            {"evidence_text": "Purchases of PP&E", "doc_name": "3M_2022_10K",
             "evidence_page_num": 59, "evidence_text_full_page": "..."},
            {"evidence_text": "Net sales", "doc_name": "3M_2022_10K",
             "evidence_page_num": 47, "evidence_text_full_page": "..."},
            {"evidence_text": "Net sales again", "doc_name": "3M_2022_10K",
             "evidence_page_num": 47, "evidence_text_full_page": "..."},
        ],
    }
    row.update(changes)
    return row


def _write(path: Path, *lines: dict[str, Any] | str) -> Path:
    text = [line if isinstance(line, str) else json.dumps(line) for line in lines]
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    return path


def _error(path: Path) -> str:
    with pytest.raises(DatasetError) as caught:
        load_dataset(path)
    return str(caught.value)


def test_canonical_lines_load_in_order(tmp_path: Path) -> None:
    path = _write(tmp_path / "questions.jsonl",
                  _canonical("b", evidence_pages=[3, 5], answer_type="numeric"),
                  _canonical("a"))
    questions = load_dataset(path)
    assert [q.id for q in questions] == ["b", "a"]
    assert questions[0].evidence_pages == [3, 5]
    assert questions[0].answer_type == "numeric"
    assert questions[1].answer_type is None
    assert questions[1].doc_id == "3M_2022_10K"


def test_financebench_pages_become_one_based_sorted_and_unique(tmp_path: Path) -> None:
    path = _write(tmp_path / "fb.jsonl", _financebench())
    [question] = load_dataset(path)
    assert question.id == "financebench_id_00001"
    assert question.doc_id == "3M_2022_10K"
    assert question.evidence_pages == [48, 60]
    assert question.answer_type == "metrics-generated"
    assert question.answer == "$1,749 million"


def test_financebench_page_zero_is_the_first_page(tmp_path: Path) -> None:
    evidence = [{"evidence_page_num": 0, "doc_name": "3M_2022_10K"}]
    path = _write(tmp_path / "fb.jsonl", _financebench(evidence=evidence, question_type=None))
    [question] = load_dataset(path)
    assert question.evidence_pages == [1]
    assert question.answer_type is None


def test_line_format_is_detected_per_line(tmp_path: Path) -> None:
    # A line without financebench_id is still FinanceBench when it has doc_name and evidence.
    upstream = _financebench()
    del upstream["financebench_id"]
    path = _write(tmp_path / "mixed.jsonl", _canonical("c1"), _financebench("fb1"), upstream)
    message = _error(path)
    assert 'mixed.jsonl:3: missing field "financebench_id"' in message
    assert ":1:" not in message and ":2:" not in message


def test_blank_lines_are_skipped_but_counted(tmp_path: Path) -> None:
    path = tmp_path / "questions.jsonl"
    path.write_text("\n" + json.dumps(_canonical("a")) + "\n   \n\t\n"
                    + json.dumps(_canonical("b", doc_id="")) + "\n\n", encoding="utf-8")
    message = _error(path)
    assert 'questions.jsonl:5: field "doc_id": expected a non-empty string, got ""' in message
    path.write_text("\n" + json.dumps(_canonical("a")) + "\n   \n\r\n", encoding="utf-8")
    assert [q.id for q in load_dataset(path)] == ["a"]


def test_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    path = _write(tmp_path / "questions.jsonl", _canonical("a"), _canonical("b"),
                  '{"id": "c" "question": "x"}')
    message = _error(path)
    assert "questions.jsonl:3: not valid JSON (Expecting ',' delimiter at column 12)" in message


def test_line_that_is_not_an_object(tmp_path: Path) -> None:
    path = _write(tmp_path / "questions.jsonl", _canonical("a"), '["q", "a"]')
    assert 'questions.jsonl:2: expected a JSON object {...}, got ["q", "a"]' in _error(path)


def test_missing_field_is_named(tmp_path: Path) -> None:
    row = _canonical("e")
    del row["doc_id"]
    path = _write(tmp_path / "questions.jsonl", *[_canonical(f"q{n}") for n in range(4)], row)
    assert 'questions.jsonl:5: missing field "doc_id"' in _error(path)


@pytest.mark.parametrize("value", [0, 42, "", "   ", None])
def test_text_fields_must_be_non_empty_strings(tmp_path: Path, value: object) -> None:
    path = _write(tmp_path / "questions.jsonl", _canonical(question=value))
    expected = f'field "question": expected a non-empty string, got {json.dumps(value)}'
    assert f"questions.jsonl:1: {expected}" in _error(path)


@pytest.mark.parametrize("pages", [[0, 3], [], [-1], [True], [1.0], ["2"], 3, "1", None])
def test_evidence_pages_must_be_one_based_ints(tmp_path: Path, pages: object) -> None:
    path = _write(tmp_path / "questions.jsonl", _canonical(evidence_pages=pages))
    message = _error(path)
    assert ('questions.jsonl:1: field "evidence_pages": expected a non-empty list of page '
            f"numbers starting at 1, got {json.dumps(pages)}") in message


def test_zero_based_pages_get_a_hint(tmp_path: Path) -> None:
    path = _write(tmp_path / "questions.jsonl", _canonical(evidence_pages=[0, 3]))
    assert "pages are 1-based" in _error(path)


def test_unknown_field_is_an_error_with_a_suggestion(tmp_path: Path) -> None:
    path = _write(tmp_path / "questions.jsonl",
                  _canonical("a", evidence_page=[2]), _canonical("b", notes="x"))
    message = _error(path)
    assert 'questions.jsonl:1: unknown field "evidence_page"; did you mean "evidence_pages"?' \
        in message
    assert 'questions.jsonl:2: unknown field "notes"; the fields are id, question' in message


def test_answer_type_must_be_text_or_null(tmp_path: Path) -> None:
    path = _write(tmp_path / "questions.jsonl", _canonical(answer_type=3))
    assert 'questions.jsonl:1: field "answer_type": expected a non-empty string or null, got 3' \
        in _error(path)


@pytest.mark.parametrize("page", [-1, 1.5, "3", True, None])
def test_financebench_page_must_be_an_int_from_zero(tmp_path: Path, page: object) -> None:
    evidence = [{"evidence_page_num": 4}, {"evidence_page_num": page}]
    path = _write(tmp_path / "fb.jsonl", _financebench(evidence=evidence))
    assert ('fb.jsonl:1: field "evidence[1].evidence_page_num": expected a page number starting '
            f"at 0 (FinanceBench pages are zero-based), got {json.dumps(page)}") in _error(path)


def test_financebench_evidence_shape_errors(tmp_path: Path) -> None:
    no_evidence = _financebench("f1")
    del no_evidence["evidence"]
    no_page: dict[str, Any] = {"evidence_text": "x"}
    path = _write(tmp_path / "fb.jsonl",
                  no_evidence,
                  _financebench("f2", evidence=[]),
                  _financebench("f3", evidence=["page 4"]),
                  _financebench("f4", evidence=[no_page]))
    message = _error(path)
    assert 'fb.jsonl:1: missing field "evidence"' in message
    assert 'fb.jsonl:2: field "evidence": expected a non-empty list of evidence objects, got []' \
        in message
    assert 'fb.jsonl:3: field "evidence[0]": expected an object with "evidence_page_num"' in message
    assert 'fb.jsonl:4: missing field "evidence[0].evidence_page_num"' in message


def test_financebench_evidence_from_another_document_is_rejected(tmp_path: Path) -> None:
    evidence = [{"evidence_page_num": 3, "doc_name": "AMD_2022_10K"}]
    path = _write(tmp_path / "fb.jsonl", _financebench(evidence=evidence))
    assert ('fb.jsonl:1: field "evidence[0].doc_name": names "AMD_2022_10K" but the question\'s '
            'doc_name is "3M_2022_10K"') in _error(path)


def test_every_problem_of_one_line_is_reported(tmp_path: Path) -> None:
    path = _write(tmp_path / "questions.jsonl",
                  {"id": "a", "question": "", "evidence_pages": [0], "typo": 1})
    message = _error(path)
    assert message.startswith(f"{path}: 5 problems; fix these lines and load again:")
    for part in ('unknown field "typo"', 'field "question"', 'missing field "answer"',
                 'missing field "doc_id"', 'field "evidence_pages"'):
        assert f"questions.jsonl:1: {part}" in message


def test_duplicate_ids_name_both_lines(tmp_path: Path) -> None:
    path = _write(tmp_path / "questions.jsonl",
                  _canonical("a"), _canonical("dup"), _canonical("b"), _financebench("dup"))
    assert 'questions.jsonl:4: duplicate id "dup", already used on line 2' in _error(path)


def test_duplicate_of_an_invalid_line_is_reported_in_the_same_pass(tmp_path: Path) -> None:
    path = _write(tmp_path / "questions.jsonl", _canonical("a", doc_id=""), _canonical("a"))
    message = _error(path)
    assert 'questions.jsonl:1: field "doc_id"' in message
    assert 'questions.jsonl:2: duplicate id "a", already used on line 1' in message


def test_all_bad_lines_are_collected_then_counted(tmp_path: Path) -> None:
    rows = [_canonical(f"q{n}", evidence_pages=[0]) for n in range(15)]
    path = _write(tmp_path / "questions.jsonl", _canonical("good"), *rows)
    message = _error(path)
    assert message.startswith(f"{path}: 15 problems; fix these lines and load again:")
    assert "questions.jsonl:2:" in message and "questions.jsonl:11:" in message
    assert "questions.jsonl:12:" not in message
    assert message.endswith("... and 5 more")


@pytest.mark.parametrize("text", ["", "\n\n", "  \n\t\n"])
def test_file_without_questions_is_an_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "questions.jsonl"
    path.write_text(text, encoding="utf-8")
    assert f"{path}: no questions" in _error(path)


def test_missing_file_says_so(tmp_path: Path) -> None:
    assert "nowhere.jsonl: dataset file not found; check the path" in _error(
        tmp_path / "nowhere.jsonl")


def test_folder_instead_of_file(tmp_path: Path) -> None:
    assert f"{tmp_path}: is a folder" in _error(tmp_path)


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "questions.jsonl"
    path.write_bytes(b'{"id": "\xff"}\n')
    assert f"{path}: not UTF-8 text" in _error(path)


def test_byte_order_mark_is_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "questions.jsonl"
    path.write_text(json.dumps(_canonical("a")) + "\n", encoding="utf-8-sig")
    assert [q.id for q in load_dataset(path)] == ["a"]


def test_parse_line(tmp_path: Path) -> None:
    assert parse_line("   ", 7, "x.jsonl") is None
    question = parse_line(json.dumps(_financebench(evidence=[{"evidence_page_num": 9}])), 1, "x")
    assert question is not None and question.evidence_pages == [10]
    with pytest.raises(DatasetError, match=r'^x\.jsonl:7: missing field "answer"$'):
        parse_line(json.dumps({k: v for k, v in _canonical().items() if k != "answer"}),
                   7, "x.jsonl")


def test_restrict_keeps_order_and_only_the_given_documents() -> None:
    questions = [EvalQuestion(id=str(n), question="q", answer="a", doc_id=doc, evidence_pages=[1])
                 for n, doc in enumerate(["A", "B", "A", "C", "B"])]
    assert [q.id for q in restrict(questions, {"B", "A"})] == ["0", "1", "2", "4"]
    assert [q.id for q in restrict(questions, frozenset({"C"}))] == ["3"]
    assert restrict(questions, set()) == []


def test_write_then_load_roundtrip(tmp_path: Path) -> None:
    questions = load_dataset(_write(
        tmp_path / "fb.jsonl",
        _financebench("f1"),
        _financebench("f2", question="Wie hoch war der Umsatz — in €?", question_type=None)))
    path = tmp_path / "out" / "canonical.jsonl"
    assert write_dataset(questions, path) == 2
    assert load_dataset(path) == questions
    first = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    assert first == {"id": "f1", "question": questions[0].question, "answer": "$1,749 million",
                     "doc_id": "3M_2022_10K", "evidence_pages": [48, 60],
                     "answer_type": "metrics-generated"}
    assert "€" in path.read_text(encoding="utf-8")


def test_write_refuses_what_load_would_reject(tmp_path: Path) -> None:
    good = EvalQuestion(id="a", question="q", answer="a", doc_id="d", evidence_pages=[1])
    zero = good.model_copy(update={"id": "z", "evidence_pages": [0]})
    path = tmp_path / "out.jsonl"
    with pytest.raises(DatasetError) as caught:
        write_dataset([good, zero, good], path)
    message = str(caught.value)
    assert 'question 2 (id "z"): field "evidence_pages"' in message
    assert 'question 3 (id "a"): duplicate id, already used by question 1' in message
    with pytest.raises(DatasetError, match="no questions"):
        write_dataset([], path)
    assert not path.exists()


@needs_dev_data
def test_real_financebench_dev_questions() -> None:
    path = DEV_DATA / "questions.jsonl"
    questions = load_dataset(path)
    assert len(questions) == 67
    assert len({q.id for q in questions}) == 67
    assert all(q.evidence_pages and min(q.evidence_pages) >= 1 for q in questions)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    for row, question in zip(rows, questions, strict=True):
        assert question.id == row["financebench_id"]
        assert question.doc_id == row["doc_name"]
        assert question.evidence_pages == sorted(
            {item["evidence_page_num"] + 1 for item in row["evidence"]})
    first_page = rows[0]["evidence"][0]["evidence_page_num"]
    assert first_page + 1 in questions[0].evidence_pages
    assert first_page not in questions[0].evidence_pages
    assert (DEV_DATA / "pdfs" / f"{questions[0].doc_id}.pdf").is_file()
