"""Evaluation datasets: JSONL files of questions, loaded into ``EvalQuestion`` records.

Two formats are read; each line is recognised on its own, so a file may mix them:

- **FinanceBench** (the upstream format of ``financebench-dev/questions.jsonl``): a line with
  ``financebench_id``, or with both ``doc_name`` and ``evidence``. Mapped as id =
  ``financebench_id``, doc_id = ``doc_name``, evidence_pages = the sorted unique
  ``evidence[].evidence_page_num + 1`` (upstream pages are zero-based), answer_type =
  ``question_type``. Upstream fields docthrift does not use are ignored.
- **Canonical**, every other line: ``{"id", "question", "answer", "doc_id",
  "evidence_pages": [1-based ints], "answer_type"?}``. Any other field is an error, so a
  misspelt field name is caught instead of silently dropped.

Blank lines are skipped. Every problem in a file is collected and reported in one
``DatasetError`` as ``file:line: what is wrong``, so the file can be fixed in one pass.
``write_dataset`` writes the canonical format, which also converts a FinanceBench file.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Any, TypeGuard

from core.errors import DatasetError
from evals.models import EvalQuestion

CANONICAL_FIELDS = ("id", "question", "answer", "doc_id", "evidence_pages", "answer_type")
CANONICAL_TEXT_FIELDS = ("id", "question", "answer", "doc_id")
FINANCEBENCH_TEXT_FIELDS = ("financebench_id", "question", "answer", "doc_name")
# Problems listed in full in one error; the rest are counted.
MAX_LISTED = 10
_SHOWN_CHARS = 60


def load_dataset(path: Path) -> list[EvalQuestion]:
    """Load every question of a JSONL dataset, in file order.

    Args:
        path: The JSONL file, canonical or FinanceBench lines (see the module docstring).

    Returns:
        The questions, pages 1-based.

    Raises:
        DatasetError: The file is missing or unreadable, holds no question, or has lines that
            do not validate (all of them are listed, ``file:line: problem``).
    """
    source = str(path)
    questions: list[EvalQuestion] = []
    problems: list[str] = []
    first_line: dict[str, int] = {}
    for line_no, line in enumerate(_read_text(path).split("\n"), start=1):
        question, qid, line_problems = _parse(line, line_no, source)
        problems.extend(line_problems)
        # Ids of invalid lines count too, so a repeat is reported in the same pass.
        if qid is not None and qid in first_line:
            problems.append(
                f"{source}:{line_no}: duplicate id {_show(qid)}, already used on line "
                f"{first_line[qid]}; give each question its own id"
            )
            continue
        if qid is not None:
            first_line[qid] = line_no
        if question is not None:
            questions.append(question)
    if problems:
        raise DatasetError(_summarise(f"{source}: ", "fix these lines and load again", problems))
    if not questions:
        raise DatasetError(
            f"{source}: no questions: the file is empty or holds only blank lines; "
            "write one JSON object a line"
        )
    return questions


def parse_line(text: str, line_no: int, source: str) -> EvalQuestion | None:
    """Parse one line of a dataset file.

    Args:
        text: The line, canonical or FinanceBench format.
        line_no: Its 1-based line number, for messages.
        source: The file's name, for messages.

    Returns:
        The question, or None for a blank line.

    Raises:
        DatasetError: The line does not validate; every problem of the line is listed.
    """
    question, _, problems = _parse(text, line_no, source)
    if problems:
        raise DatasetError("\n".join(problems))
    return question


def write_dataset(questions: Iterable[EvalQuestion], path: Path) -> int:
    """Write questions as canonical JSONL, one object a line (creates parent folders).

    Args:
        questions: The questions, written in this order.
        path: The file to write; replaced if it exists.

    Returns:
        How many questions were written.

    Raises:
        DatasetError: There is no question, or one that ``load_dataset`` would reject
            (a page below 1, an empty field, a repeated id); nothing is written then.
    """
    rows = [question.model_dump(mode="json") for question in questions]
    problems: list[str] = []
    first_position: dict[str, int] = {}
    for position, row in enumerate(rows, start=1):
        label = f"question {position} (id {_show(row['id'])})"
        problems.extend(f"{label}: {problem}" for problem in _canonical_problems(row))
        if row["id"] in first_position:
            problems.append(f"{label}: duplicate id, already used by question "
                            f"{first_position[row['id']]}")
        first_position.setdefault(row["id"], position)
    if problems:
        raise DatasetError(_summarise(f"cannot write {path}: ", "fix the questions", problems))
    if not rows:
        raise DatasetError(f"cannot write {path}: no questions; an empty dataset cannot be loaded")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows),
                    encoding="utf-8")
    return len(rows)


def restrict(questions: Iterable[EvalQuestion], doc_ids: AbstractSet[str]) -> list[EvalQuestion]:
    """Keep the questions about the given documents, in their original order.

    Args:
        questions: The questions to filter.
        doc_ids: Document ids to keep (a set, so a single id string cannot slip in).

    Returns:
        The questions whose ``doc_id`` is in ``doc_ids``.
    """
    return [question for question in questions if question.doc_id in doc_ids]


def _read_text(path: Path) -> str:
    """The file's text (a UTF-8 byte-order mark is dropped), or a DatasetError saying why not."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise DatasetError(f"{path}: dataset file not found; check the path") from exc
    except IsADirectoryError as exc:
        raise DatasetError(f"{path}: is a folder; pass the JSONL file of questions") from exc
    except UnicodeDecodeError as exc:
        raise DatasetError(
            f"{path}: not UTF-8 text (bad byte at offset {exc.start}); save it as UTF-8 JSONL"
        ) from exc
    except OSError as exc:
        message = f"{path}: cannot be read ({exc.strerror}); check its permissions"
        raise DatasetError(message) from exc


def _parse(
    text: str, line_no: int, source: str
) -> tuple[EvalQuestion | None, str | None, list[str]]:
    """One line's question, its id and its problems (``file:line:`` first).

    The question is None when the line is blank or invalid; the id is None when the line has
    no usable one.
    """
    if not text.strip():
        return None, None, []
    where = f"{source}:{line_no}"
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        reason = f"{exc.msg} at column {exc.colno}"
        return None, None, [f"{where}: not valid JSON ({reason}); write one JSON object a line"]
    if not isinstance(raw, dict):
        return None, None, [f"{where}: expected a JSON object {{...}}, got {_show(raw)}"]
    if _is_financebench(raw):
        id_field, problems = "financebench_id", _financebench_problems(raw)
        question = None if problems else _from_financebench(raw)
    else:
        id_field, problems = "id", _canonical_problems(raw)
        question = None if problems else _from_canonical(raw)
    qid = None if _text_problem(raw, id_field) else raw[id_field]
    return question, qid, [f"{where}: {problem}" for problem in problems]


def _is_financebench(raw: dict[str, Any]) -> bool:
    """Whether a line is in FinanceBench's upstream format rather than the canonical one."""
    return "financebench_id" in raw or ("doc_name" in raw and "evidence" in raw)


def _canonical_problems(raw: dict[str, Any]) -> list[str]:
    """What is wrong with a canonical line: unknown fields, bad text fields, bad pages."""
    problems = [_unknown_field(name) for name in raw if name not in CANONICAL_FIELDS]
    problems += [p for name in CANONICAL_TEXT_FIELDS if (p := _text_problem(raw, name))]
    if "evidence_pages" not in raw:
        problems.append('missing field "evidence_pages"')
    elif not _is_page_list(raw["evidence_pages"]):
        problems.append(_pages_problem(raw["evidence_pages"]))
    if answer_type := _optional_text_problem(raw, "answer_type"):
        problems.append(answer_type)
    return problems


def _financebench_problems(raw: dict[str, Any]) -> list[str]:
    """What is wrong with a FinanceBench line; fields docthrift does not use are not checked."""
    problems = [p for name in FINANCEBENCH_TEXT_FIELDS if (p := _text_problem(raw, name))]
    if question_type := _optional_text_problem(raw, "question_type"):
        problems.append(question_type)
    evidence = raw.get("evidence")
    if "evidence" not in raw:
        problems.append('missing field "evidence"')
    elif not isinstance(evidence, list) or not evidence:
        problems.append(f'field "evidence": expected a non-empty list of evidence objects, '
                        f"got {_show(evidence)}")
    else:
        for index, item in enumerate(evidence):
            problems.extend(_evidence_problems(item, f"evidence[{index}]", raw.get("doc_name")))
    return problems


def _evidence_problems(item: object, field: str, doc_name: object) -> list[str]:
    """What is wrong with one FinanceBench evidence object (its page is zero-based)."""
    if not isinstance(item, dict):
        return [f'field "{field}": expected an object with "evidence_page_num", got {_show(item)}']
    problems = []
    page = item.get("evidence_page_num")
    if "evidence_page_num" not in item:
        problems.append(f'missing field "{field}.evidence_page_num"')
    elif not _is_int(page) or page < 0:
        problems.append(f'field "{field}.evidence_page_num": expected a page number starting at '
                        f"0 (FinanceBench pages are zero-based), got {_show(page)}")
    # Evidence on another document would be scored against the wrong PDF's pages.
    for key in ("doc_name", "evidence_doc_name"):
        if key in item and isinstance(doc_name, str) and item[key] != doc_name:
            problems.append(f'field "{field}.{key}": names {_show(item[key])} but the question\'s '
                            f"doc_name is {_show(doc_name)}; evidence must be in the same document")
    return problems


def _from_canonical(raw: dict[str, Any]) -> EvalQuestion:
    """A validated canonical line as a question."""
    return EvalQuestion(
        id=raw["id"],
        question=raw["question"],
        answer=raw["answer"],
        doc_id=raw["doc_id"],
        evidence_pages=raw["evidence_pages"],
        answer_type=raw.get("answer_type"),
    )


def _from_financebench(raw: dict[str, Any]) -> EvalQuestion:
    """A validated FinanceBench line as a question, its zero-based pages made 1-based."""
    pages = sorted({item["evidence_page_num"] + 1 for item in raw["evidence"]})
    return EvalQuestion(
        id=raw["financebench_id"],
        question=raw["question"],
        answer=raw["answer"],
        doc_id=raw["doc_name"],
        evidence_pages=pages,
        answer_type=raw.get("question_type"),
    )


def _text_problem(raw: dict[str, Any], name: str) -> str | None:
    """The problem with a required text field, or None when it is a non-empty string."""
    if name not in raw:
        return f'missing field "{name}"'
    value = raw[name]
    if not isinstance(value, str) or not value.strip():
        return f'field "{name}": expected a non-empty string, got {_show(value)}'
    return None


def _optional_text_problem(raw: dict[str, Any], name: str) -> str | None:
    """The problem with an optional text field, or None when absent, null or non-empty text."""
    value = raw.get(name)
    if value is None or (isinstance(value, str) and value.strip()):
        return None
    return f'field "{name}": expected a non-empty string or null, got {_show(value)}'


def _is_int(value: object) -> TypeGuard[int]:
    """Whether a JSON value is an integer (``true`` is not, though Python's bool is an int)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _is_page_list(value: object) -> bool:
    """Whether a value is a non-empty list of 1-based page numbers."""
    return isinstance(value, list) and bool(value) and all(
        _is_int(page) and page >= 1 for page in value
    )


def _pages_problem(value: object) -> str:
    """The message for a bad ``evidence_pages``, with a hint when it looks zero-based."""
    message = (f'field "evidence_pages": expected a non-empty list of page numbers starting '
               f"at 1, got {_show(value)}")
    if isinstance(value, list) and 0 in value and all(_is_int(page) for page in value):
        message += " (pages are 1-based: the PDF's first page is 1)"
    return message


def _unknown_field(name: str) -> str:
    """The message for a field the canonical format does not have, with a likely fix."""
    message = f'unknown field "{name}"'
    close = difflib.get_close_matches(name, CANONICAL_FIELDS, n=1)
    if close:
        return f'{message}; did you mean "{close[0]}"?'
    return f"{message}; the fields are {', '.join(CANONICAL_FIELDS)}"


def _show(value: object) -> str:
    """A value as JSON for a message, shortened so one bad answer cannot flood the error."""
    shown = json.dumps(value, ensure_ascii=False)
    return shown if len(shown) <= _SHOWN_CHARS else shown[: _SHOWN_CHARS - 1] + "…"


def _summarise(prefix: str, action: str, problems: list[str]) -> str:
    """One message listing the first problems and counting the rest."""
    count = f"{len(problems)} problem" + ("" if len(problems) == 1 else "s")
    lines = [f"{prefix}{count}; {action}:"]
    lines += [f"  {problem}" for problem in problems[:MAX_LISTED]]
    if len(problems) > MAX_LISTED:
        lines.append(f"  ... and {len(problems) - MAX_LISTED} more")
    return "\n".join(lines)
