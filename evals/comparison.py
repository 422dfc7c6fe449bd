"""Questions across documents, built from single-document FinanceBench questions.

Two questions about two different documents become one question, and the gold evidence is
the union of their gold pages, each under its document. The rule, applied to the questions
in file order, with nothing chosen by hand:

1. A document's company and fiscal year come from its FinanceBench name,
   ``COMPANY_YEAR[Qn]_TYPE`` (``BESTBUY_2024Q2_10Q``: company ``BESTBUY``, year 2024);
   companies compare without case (``Pfizer`` and ``PFIZER`` are one company).
2. **same company**: every pair of questions on two different documents of one company
   (``AMCOR_2023_10K`` with ``AMCOR_2023Q4_EARNINGS``), the earlier question first.
3. **same year**: for every pair of documents of two different companies with the same fiscal
   year, one pair of questions, one from each document, drawn by ``random.Random`` seeded with
   the two document names (``"3M_2022_10K|ADOBE_2022_10K"``), so the draw never changes.
4. The question reads ``"Answer both. (1) <first question> (2) <second question>"`` and the
   answer ``"(1) <first answer> (2) <second answer>"``, both taken from the data unchanged.

A question names its company the way the source question does; no document id is given to
the system, so routing has to find both documents from the words.
"""

from __future__ import annotations

import itertools
import json
import random
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from core.errors import DatasetError
from evals.models import EvalQuestion

_NAME = re.compile(r"^(?P<company>.+?)_(?P<year>(?:19|20)\d{2})(?:Q[1-4])?_")
PairKind = Literal["same-company", "same-year"]


@dataclass(frozen=True)
class ComparisonQuestion:
    """One question across two documents, with each document's gold pages (1-based)."""

    id: str
    kind: PairKind
    question: str
    answer: str
    gold: dict[str, list[int]]
    parts: tuple[str, str]

    def to_json(self) -> dict[str, object]:
        """One line of the comparison set."""
        return {"id": self.id, "kind": self.kind, "question": self.question,
                "answer": self.answer, "gold": self.gold, "parts": list(self.parts)}


def company_and_year(doc_id: str) -> tuple[str, int]:
    """The company (case-folded) and fiscal year a FinanceBench document name carries.

    Raises:
        DatasetError: the name does not follow ``COMPANY_YEAR[Qn]_TYPE``.
    """
    match = _NAME.match(doc_id)
    if match is None:
        raise DatasetError(f"{doc_id}: not a FinanceBench document name (COMPANY_YEAR_TYPE); "
                           "the comparison set needs the company and year it carries")
    return match["company"].casefold(), int(match["year"])


def combine(first: EvalQuestion, second: EvalQuestion, kind: PairKind) -> ComparisonQuestion:
    """Two questions on two documents as one question, gold pages kept per document."""
    return ComparisonQuestion(
        id=f"{first.id}+{second.id}", kind=kind,
        question=f"Answer both. (1) {first.question.strip()} (2) {second.question.strip()}",
        answer=f"(1) {first.answer.strip()} (2) {second.answer.strip()}",
        gold={first.doc_id: sorted(first.evidence_pages),
              second.doc_id: sorted(second.evidence_pages)},
        parts=(first.id, second.id))


def build_comparisons(questions: Sequence[EvalQuestion]) -> list[ComparisonQuestion]:
    """The comparison set by the module's rule: same-company pairs, then same-year pairs."""
    by_doc: dict[str, list[EvalQuestion]] = defaultdict(list)
    for q in questions:
        by_doc[q.doc_id].append(q)
    keys = {doc: company_and_year(doc) for doc in by_doc}
    order = {q.id: n for n, q in enumerate(questions)}
    out: list[ComparisonQuestion] = []
    for first, second in itertools.combinations(questions, 2):
        if first.doc_id != second.doc_id and keys[first.doc_id][0] == keys[second.doc_id][0]:
            out.append(combine(first, second, "same-company"))
    for doc_a, doc_b in itertools.combinations(sorted(by_doc), 2):
        (company_a, year_a), (company_b, year_b) = keys[doc_a], keys[doc_b]
        if company_a == company_b or year_a != year_b:
            continue
        draw = random.Random(f"{doc_a}|{doc_b}")
        pair = sorted((draw.choice(by_doc[doc_a]), draw.choice(by_doc[doc_b])),
                      key=lambda q: order[q.id])
        out.append(combine(pair[0], pair[1], "same-year"))
    return out


def write_comparisons(items: Iterable[ComparisonQuestion], path: Path) -> int:
    """Write the set as JSON lines; return how many were written."""
    lines = [json.dumps(item.to_json(), ensure_ascii=False) for item in items]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return len(lines)
