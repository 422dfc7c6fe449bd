"""Chunking follows the structure and keeps every page's text."""

from __future__ import annotations

import re

from core.models import Document, DocumentMetadata, PageText, Section, Table
from core.tokens import count_tokens
from extractors.chunking import chunk_document


def _doc() -> Document:
    para = "Revenue grew because customers bought more robots. " * 30
    sections = [
        Section(path=["Item 1. Business"], page_start=1, page_end=2,
                pages=[PageText(page=1, text=para), PageText(page=2, text="Short tail line.")]),
        Section(path=["Item 7. MD&A", "Liquidity"], level=2, page_start=2, page_end=3,
                pages=[PageText(page=2, text="Cash was $412 million.\n" * 40),
                       PageText(page=3, text="Debt fell.")]),
    ]
    table = Table(page=3, markdown="| | 2024 | 2023 |\n|---|---|---|\n| Net revenue | 1,284 | 1,088 |",
                  rows=2, cols=3, section_path="Item 7. MD&A > Liquidity")
    return Document(doc_id="d", source="d.pdf", sha256="ab" * 32, page_count=3,
                    metadata=DocumentMetadata(), sections=sections, tables=[table])


def test_chunks_respect_sections_size_and_pages() -> None:
    chunks = chunk_document(_doc(), chunk_tokens=120, max_table_tokens=500)
    text_chunks = [c for c in chunks if c.kind == "text"]
    assert all(c.tokens <= 120 + 5 for c in text_chunks)
    # No chunk mixes sections: every chunk's text comes from its own section.
    assert {c.section for c in chunks} == {"Item 1. Business", "Item 7. MD&A > Liquidity"}
    assert any(c.page_start == 1 and c.page_end == 2 for c in chunks) or any(
        c.page_end == 2 and c.section == "Item 1. Business" for c in chunks)
    assert [c.position for c in chunks] == list(range(len(chunks)))
    table = [c for c in chunks if c.kind == "table"]
    assert len(table) == 1 and table[0].page_start == 3 and table[0].text.startswith("| | 2024")
    assert chunks[-1].kind == "table"  # after the text of its section


def test_no_text_lost_and_ids_deterministic() -> None:
    doc = _doc()
    chunks = chunk_document(doc, chunk_tokens=100, max_table_tokens=500)
    norm = lambda s: re.sub(r"\s+", " ", s).strip()  # noqa: E731
    joined = norm(" ".join(c.text for c in chunks if c.kind == "text"))
    for section in doc.sections:
        assert norm(section.text) in joined
    again = chunk_document(doc, chunk_tokens=100, max_table_tokens=500)
    assert [c.id for c in chunks] == [c.id for c in again]
    other = chunk_document(doc.model_copy(update={"sha256": "cd" * 32}), chunk_tokens=100,
                           max_table_tokens=500)
    assert not {c.id for c in chunks} & {c.id for c in other}


def test_long_table_split_by_rows_with_header() -> None:
    rows = "\n".join(f"| Item {i} | {i * 100:,} | {i * 90:,} |" for i in range(200))
    table = Table(page=1, markdown="| | 2024 | 2023 |\n|---|---|---|\n" + rows, rows=201, cols=3,
                  section_path="S")
    doc = Document(doc_id="t", source="t.pdf", sha256="00" * 32, page_count=1,
                   metadata=DocumentMetadata(), tables=[table],
                   sections=[Section(path=["S"], page_start=1, page_end=1,
                                     pages=[PageText(page=1, text="x")])])
    parts = [c for c in chunk_document(doc, chunk_tokens=200, max_table_tokens=300) if c.kind == "table"]
    assert len(parts) > 3
    assert all(p.text.startswith("| | 2024 | 2023 |\n|---|---|---|") for p in parts)
    assert all(count_tokens(p.text) <= 320 for p in parts)
