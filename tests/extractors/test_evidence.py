"""Every gold evidence text of the dev questions is found in the chunks that carry its page.

For each evidence item whose text occurs in its page's text at all (whitespace- and
case-normalised), the text chunks carrying that page, joined in order, must contain it.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

import pytest

from core.models import Chunk
from core.settings import Settings
from extractors.chunking import chunk_document
from extractors.pdf import extract_document
from tests.conftest import DEV_DATA, needs_dev_data


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


@lru_cache(maxsize=None)
def _chunks(doc_id: str) -> tuple[list[Chunk], list[str]]:
    import pymupdf

    path = DEV_DATA / "pdfs" / f"{doc_id}.pdf"
    settings = Settings()
    document = extract_document(path)
    chunks = chunk_document(document, chunk_tokens=settings.chunk_tokens,
                            max_table_tokens=settings.max_table_tokens)
    with pymupdf.open(path) as pdf:
        pages = [page.get_text() for page in pdf]
    return chunks, pages


def _evidence() -> list[tuple[str, int, str]]:
    if not DEV_DATA.is_dir():
        return []
    items = []
    for line in (DEV_DATA / "questions.jsonl").read_text().splitlines():
        question = json.loads(line)
        for e in question["evidence"]:
            items.append((question["doc_name"], e["evidence_page_num"] + 1, e["evidence_text"]))
    return items


@needs_dev_data
def test_every_findable_evidence_text_is_in_the_chunks_of_its_page() -> None:
    checked = missing = 0
    failures = []
    for doc_id, page, text in _evidence():
        chunks, pages = _chunks(doc_id)
        if _norm(text) not in _norm(pages[page - 1]):
            missing += 1  # the gold text is not on that page at all: nothing to check
            continue
        carrying = [c for c in chunks if c.kind == "text" and c.page_start <= page <= c.page_end]
        joined = _norm(" ".join(c.text for c in carrying))
        checked += 1
        if _norm(text) not in joined:
            failures.append(f"{doc_id} p.{page}: {text[:60]!r}")
    assert checked >= 35, f"only {checked} evidence items could be checked"  # 41 in the dev set
    assert not failures, failures


@needs_dev_data
@pytest.mark.parametrize("doc_id", ["3M_2022_10K", "BOEING_2022_10K", "PFIZER_2021_10K"])
def test_a_10k_comes_out_with_items_and_subsections(doc_id: str) -> None:
    chunks, pages = _chunks(doc_id)
    sections = {c.section for c in chunks}
    items = {s.split(" > ")[1] if " > " in s else s for s in sections if "Item" in s}
    assert any(s.startswith("Item 7") for s in items) and any(s.startswith("Item 8") for s in items)
    assert any(s.count(" > ") >= 2 for s in sections), "no subsections under the Items"
    assert 30 < len(sections) < len(pages) * 3
