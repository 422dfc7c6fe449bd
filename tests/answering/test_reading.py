"""Reading by structure: heading matching, page specs, and cutting a passage to a budget."""

from __future__ import annotations

import pytest

from answering.reading import find_section, headings, outline, parse_pages, read_passage
from core.errors import RetrievalError
from core.models import DocumentRecord, OutlineEntry
from core.tokens import count_tokens
from indexes.catalog import StoredChunk

ITEM7 = "Part II > Item 7. Management's Discussion and Analysis"
PATHS = ["Front matter", f"{ITEM7} > Results", f"{ITEM7} > Liquidity",
         "Part II > Item 7A. Market Risk", "Part II > Item 10. Directors"]
RECORD = DocumentRecord(doc_id="acme", sha256="0" * 64, page_count=9, outline=[
    OutlineEntry(section=p, level=p.count(" > ") + 1, page_start=i + 1, page_end=i + 2)
    for i, p in enumerate(PATHS)])
LINE = "Revenue grew in every segment and margins widened as volumes rose. "
CHUNKS = [StoredChunk("acme", i, p, i + 1, i + 2, "text", f"{p}\n" + LINE * 40, 0)
          for i, p in enumerate(PATHS)]


@pytest.mark.parametrize("wanted,found", [
    (f"{ITEM7} > Results", f"{ITEM7} > Results"),          # the whole path
    ("liquidity", f"{ITEM7} > Liquidity"),                 # its last heading, any case
    ("Item 7", ITEM7),                                     # the start of a heading, not 7A
    ("Item 7A", "Part II > Item 7A. Market Risk"),
    ("Management's  Discussion", ITEM7),                   # a part: the heading above both
])
def test_find_section(wanted: str, found: str) -> None:
    assert find_section(list(headings(RECORD)), wanted) == found


def test_unclear_or_unknown_sections_say_so() -> None:
    with pytest.raises(RetrievalError, match="matches 3 sections"):
        find_section(list(headings(RECORD)), "Item")
    with pytest.raises(RetrievalError, match="not in the outline"):
        find_section(list(headings(RECORD)), "Item 9")


def test_page_specs() -> None:
    assert parse_pages("3, 5,7-9", 9) == [3, 5, 7, 8, 9]
    for bad in ("0", "8-12", "x", "5-3"):
        with pytest.raises(RetrievalError, match="pages"):
            parse_pages(bad, 9)


def test_outline_counts_subsections_and_groups() -> None:
    entries = {e.section: e for e in outline(RECORD, CHUNKS)}
    assert list(entries)[:3] == ["Front matter", "Part II", ITEM7]
    results, liquidity = entries[f"{ITEM7} > Results"], entries[f"{ITEM7} > Liquidity"]
    assert entries[ITEM7].tokens == count_tokens(CHUNKS[1].text + "\n" + CHUNKS[2].text)
    assert entries[ITEM7].tokens > results.tokens == count_tokens(CHUNKS[1].text) > 0
    assert liquidity.tokens == count_tokens(CHUNKS[2].text)
    assert (entries[ITEM7].page_start, entries[ITEM7].page_end, entries[ITEM7].level) == (2, 4, 2)
    assert [e.level for e in outline(RECORD, CHUNKS, max_level=1)] == [1, 1]


def test_passage_cut_to_budget_says_where_to_go_on() -> None:
    whole = read_passage(RECORD, CHUNKS, section="Item 7", budget=10_000)
    assert not whole.truncated and whole.pages == [2, 3, 4]
    assert whole.tokens == whole.total_tokens == count_tokens(whole.text)
    cut = read_passage(RECORD, CHUNKS, section="Item 7", budget=whole.tokens // 2 + 5)
    assert cut.truncated and cut.tokens == count_tokens(cut.text) <= whole.tokens // 2 + 5
    assert whole.text.startswith(cut.text) and cut.total_tokens == whole.tokens
    assert cut.continue_from_page == 3  # the second chunk (pages 3-4) was not returned whole
    pages = read_passage(RECORD, CHUNKS, pages="1", budget=50)
    assert pages.pages == [1, 2] and pages.tokens <= 50 and pages.continue_from_page == 1
    with pytest.raises(RetrievalError, match="not both"):
        read_passage(RECORD, CHUNKS, section="Item 7", pages="1", budget=50)
