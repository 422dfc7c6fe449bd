"""Sections: outline, layout headings and per-page fallback, on small PDFs and real filings."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pymupdf
import pytest

from core.models import Section
from extractors.layout import clean_heading
from extractors.sections import FRONT_MATTER, build_sections

DATA = Path(__file__).resolve().parents[2].parent / "shared/data/financebench-dev"
PDFS = sorted((DATA / "pdfs").glob("*.pdf")) if DATA.is_dir() else []
real_data = pytest.mark.skipif(not DATA.is_dir(), reason=f"{DATA} is absent")

BODY = "This paragraph is ordinary body text that goes on for a while to look like prose."


def _texts(doc: pymupdf.Document) -> list[str]:
    return [doc[n].get_text() for n in range(doc.page_count)]


def _page_text(sections: list[Section], page: int) -> str:
    return "".join(part.text for s in sections for part in s.pages if part.page == page)


def _section_with(sections: list[Section], needle: str) -> Section:
    return next(s for s in sections if needle in s.text)


def test_outline_gives_the_heading_paths(tmp_path: Path) -> None:
    doc = pymupdf.open()
    for title in ("Introduction", "Methods", "Results"):
        page = doc.new_page()
        page.insert_text((72, 72), title, fontsize=11)
        page.insert_text((72, 100), f"{BODY} ({title.lower()})", fontsize=11)
        if title == "Methods":
            page.insert_text((72, 300), "Data Collection", fontsize=11)
            page.insert_text((72, 330), f"{BODY} (data)", fontsize=11)
    doc.set_toc(
        [[1, "Introduction", 1], [1, "Methods", 2], [2, "Data Collection", 2], [1, "Results", 3]]
    )
    doc.save(tmp_path / "outline.pdf")
    doc = pymupdf.open(tmp_path / "outline.pdf")

    sections = build_sections(doc, _texts(doc))

    assert [s.path for s in sections] == [
        ["Introduction"],
        ["Methods"],
        ["Methods", "Data Collection"],
        ["Results"],
    ]
    data = sections[2]
    assert (data.level, data.page_start, data.page_end) == (2, 2, 2)
    assert data.text.startswith("Data Collection") and "(data)" in data.text
    assert "(data)" not in sections[1].text and "(methods)" in sections[1].text


def test_a_one_entry_outline_is_ignored(tmp_path: Path) -> None:
    doc = pymupdf.open()
    for n in range(1, 4):
        doc.new_page().insert_text((72, 72), f"{BODY} {n}", fontsize=11)
    doc.set_toc([[1, "Annual Report", 1]])
    doc.save(tmp_path / "junk.pdf")
    doc = pymupdf.open(tmp_path / "junk.pdf")

    sections = build_sections(doc, _texts(doc))

    assert [s.path for s in sections] == [["Page 1"], ["Page 2"], ["Page 3"]]


def test_bold_and_large_headings_without_outline(tmp_path: Path) -> None:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 60), "Table of Contents", fontname="helv", fontsize=9)
    page.insert_text((72, 90), "PART II", fontname="hebo", fontsize=11)
    page.insert_text(
        (72, 120), "Item 7. Management's Discussion and Analysis", fontname="hebo", fontsize=11
    )
    page.insert_text((72, 150), "The year in review was a good one for the company.", fontsize=10)
    page.insert_text((72, 180), "Liquidity and Capital Resources", fontname="hebo", fontsize=10)
    for n in range(6):
        page.insert_text((72, 210 + 14 * n), f"{BODY} {n}", fontsize=10)
    page = doc.new_page()
    page.insert_text((72, 60), "Table of Contents", fontname="helv", fontsize=9)
    page.insert_text((72, 90), "Item 8. Financial Statements", fontname="hebo", fontsize=11)
    page.insert_text((72, 120), "Consolidated Statement of Income", fontname="hebo", fontsize=14)
    page.insert_text((72, 150), "Net sales were 34,229 million dollars this year.", fontsize=10)
    page.insert_text((300, 180), "2022", fontname="hebo", fontsize=10)  # a table header, no heading
    page.insert_text((72, 180), "Revenue", fontsize=10)
    page = doc.new_page()
    page.insert_text((72, 60), "Table of Contents", fontname="helv", fontsize=9)
    page.insert_text((72, 90), f"{BODY} end", fontsize=10)
    texts = _texts(doc)

    sections = build_sections(doc, texts)
    paths = [s.path for s in sections]

    item7 = "Item 7. Management's Discussion and Analysis"
    assert ["Part II", item7] in paths
    assert ["Part II", item7, "Liquidity and Capital Resources"] in paths
    assert ["Part II", "Item 8. Financial Statements", "Consolidated Statement of Income"] in paths
    assert not any("2022" in s.heading or "Table of Contents" in s.heading for s in sections)
    liquidity = _section_with(sections, "Liquidity and Capital Resources")
    assert f"{BODY} 5" in liquidity.text and "Item 8" not in liquidity.text
    assert sections[-1].page_end == 3  # the heading-less last page joins the section before
    assert all(_page_text(sections, n + 1) == t for n, t in enumerate(texts))


def test_plain_pages_fall_back_to_one_section_per_page(tmp_path: Path) -> None:
    doc = pymupdf.open()
    for n in range(1, 4):
        page = doc.new_page()
        for row in range(5):
            page.insert_text((72, 72 + 14 * row), f"{BODY} {n}.{row}", fontsize=10)
    texts = _texts(doc)

    sections = build_sections(doc, texts)

    assert [s.path for s in sections] == [["Page 1"], ["Page 2"], ["Page 3"]]
    assert [(s.page_start, s.page_end, s.level) for s in sections] == [
        (1, 1, 1),
        (2, 2, 1),
        (3, 3, 1),
    ]
    assert [s.text for s in sections] == texts


def test_pages_without_text_still_give_sections() -> None:
    doc = pymupdf.open()
    doc.new_page()
    doc.new_page()

    sections = build_sections(doc, _texts(doc))

    assert [(s.path, s.text) for s in sections] == [(["Page 1"], ""), (["Page 2"], "")]


def test_text_before_the_first_heading_is_front_matter(tmp_path: Path) -> None:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), "A cover line in plain type.", fontsize=10)
    page.insert_text((72, 110), "Overview", fontname="hebo", fontsize=14)
    page.insert_text((72, 140), BODY, fontsize=10)
    page.insert_text((72, 170), "Outlook", fontname="hebo", fontsize=14)
    page.insert_text((72, 200), BODY, fontsize=10)

    sections = build_sections(doc, _texts(doc))

    assert [s.path for s in sections] == [[FRONT_MATTER], ["Overview"], ["Outlook"]]
    assert sections[0].text.strip() == "A cover line in plain type."


def test_clean_heading_collapses_and_caps() -> None:
    assert clean_heading("  Item\xa07.\xa0\xa0 Business \n") == "Item 7. Business"
    long = clean_heading("word " * 60)
    assert len(long) <= 121 and long.endswith("…")


def test_wrong_number_of_texts_is_refused() -> None:
    doc = pymupdf.open()
    doc.new_page()
    with pytest.raises(ValueError, match="expected 1 page texts"):
        build_sections(doc, [])


# --- real filings ------------------------------------------------------------------------


@cache
def _real(name: str) -> tuple[list[str], list[Section]]:
    doc = pymupdf.open(DATA / "pdfs" / f"{name}.pdf")
    texts = _texts(doc)
    return texts, build_sections(doc, texts)


@real_data
@pytest.mark.parametrize("pdf", PDFS, ids=lambda p: p.stem)
def test_no_text_is_lost_or_reordered(pdf: Path) -> None:
    texts, sections = _real(pdf.stem)
    for number, text in enumerate(texts, start=1):
        carried = _page_text(sections, number)
        position = 0
        for line in filter(str.strip, text.split("\n")):
            found = carried.find(line, position)
            assert found >= 0, f"page {number}: {line!r} is missing or out of order"
            position = found + len(line)
    assert all(s.page_start <= s.page_end for s in sections)
    assert all(s.path and all(len(h) <= 121 for h in s.path) for s in sections)


@real_data
def test_a_10k_shows_its_items_and_their_subsections() -> None:
    _, sections = _real("3M_2022_10K")
    headings = [s.heading for s in sections]
    item7 = [s for s in sections if any(h.startswith("Item 7.") for h in s.path)]
    item8 = [s for s in sections if any(h.startswith("Item 8.") for h in s.path)]
    assert item7 and item8
    assert item7[0].path[0] == "Part II" and item7[0].page_start == 19
    assert any(s.path[-1] == "FINANCIAL CONDITION AND LIQUIDITY" for s in item7)
    note10 = [s for s in item8 if s.path[2:3] == ["Note 10. Income Taxes"]]
    assert note10 and any(s.path[-1] == "Income Before Income Taxes" for s in note10)
    assert len(sections) > 100 and len(set(headings)) > 0.8 * len(headings)
    # The table of contents on pages 2-3 lists every Item but opens no section.
    assert not any(s.page_start in (2, 3) and "Item" in s.heading for s in sections)


@real_data
def test_gold_evidence_sits_in_the_sections_of_its_page() -> None:
    def norm(text: str) -> str:
        return re.sub(r"\s+", " ", text).strip().lower()

    checked = 0
    for row in (json.loads(line) for line in (DATA / "questions.jsonl").open()):
        for evidence in row["evidence"]:
            if not (DATA / "pdfs" / f"{evidence['doc_name']}.pdf").exists():
                continue
            texts, sections = _real(evidence["doc_name"])
            page = evidence["evidence_page_num"] + 1  # zero-based in the dataset
            wanted = norm(evidence["evidence_text"])
            if wanted in norm(texts[page - 1]):  # only what the page's text really holds
                assert wanted in norm(_page_text(sections, page))
                checked += 1
    assert checked > 0


@real_data
def test_an_outline_is_used_when_it_is_sane() -> None:
    _, sections = _real("ADOBE_2022_10K")
    item7 = next(s for s in sections if s.path[-1].startswith("Item 7."))
    assert item7.path[0] == "Part II." and item7.page_start == 36
    assert any(s.path[-1] == "Liquidity and Capital Resources" for s in sections)
