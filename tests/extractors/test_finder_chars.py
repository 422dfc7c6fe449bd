"""The table finder reading the page's words as its characters finds the tables it found
reading every character, and only inside ``words_as_chars``."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest
from pymupdf import table as finder_module

from extractors import finder_chars
from extractors.tables import looks_tabular, page_tables

DEV_DATA = Path(__file__).resolve().parents[2].parent / "shared/data/financebench-dev"
needs_dev_data = pytest.mark.skipif(not DEV_DATA.is_dir(), reason="financebench-dev data absent")


def _stock_tables(page: pymupdf.Page, monkeypatch: pytest.MonkeyPatch) -> list:
    with monkeypatch.context() as patch:
        patch.setattr(finder_chars, "supported", lambda: False)
        return page_tables(page)


def test_this_pymupdf_is_supported() -> None:
    assert finder_chars.supported(), "PyMuPDF changed: extraction would run the slow finder"


def test_shaded_rows_without_rules_are_still_found(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    doc = pymupdf.open()
    page = doc.new_page()
    rows = [("Segment", "2023", "2022"), ("Americas", "$1,200", "$1,050"),
            ("Europe", "860", "790"), ("Asia", "1,500", "1,410"), ("Total", "$3,560", "$3,250")]
    for r, row in enumerate(rows):
        top = 100 + 22 * r
        if r % 2 == 0:
            page.draw_rect(pymupdf.Rect(72, top, 472, top + 22), color=None, fill=(0.85, 0.9, 1))
        for c, text in enumerate(row):
            page.insert_text((78 + 170 * c if c == 0 else 250 + 110 * c, top + 15), text,
                             fontsize=10)
    doc.save(tmp_path / "shaded.pdf")
    page = pymupdf.open(tmp_path / "shaded.pdf")[0]

    found = page_tables(page)

    assert found == _stock_tables(page, monkeypatch)
    assert any(["Europe", "860", "790"] in grid for grid in found)


@needs_dev_data
def test_same_tables_as_the_stock_finder_on_a_real_filing(monkeypatch: pytest.MonkeyPatch) -> None:
    doc = pymupdf.open(DEV_DATA / "pdfs" / "ADOBE_2022_10K.pdf")
    pages = [doc[i] for i in range(doc.page_count) if looks_tabular(doc[i].get_text())]
    assert len(pages) > 30

    for page in pages:
        assert page_tables(page) == _stock_tables(page, monkeypatch), f"page {page.number + 1}"


def test_outside_the_block_the_finder_lists_every_character(tmp_path: Path) -> None:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "Net sales 1,200 1,050", fontsize=10)
    page = doc[0]
    textpage = page.get_textpage()
    words = [w[:5] for w in page.get_text("words", textpage=textpage)]

    with finder_chars.words_as_chars(textpage, words):
        page.find_tables(use_layout=False)
        inside = list(finder_module.CHARS)
    page.find_tables(use_layout=False)
    outside = list(finder_module.CHARS)

    assert [c["text"] for c in inside] == ["Net", "sales", "1,200", "1,050"]
    assert "".join(c["text"] for c in outside) == "Net sales 1,200 1,050"
    assert all("fontname" in c for c in outside)
