"""Tables: synthetic ruled tables and the statements of real 10-Ks come out as Markdown."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from core.models import PageText, Section
from extractors.tables import find_tables, looks_tabular

DEV_DATA = Path(__file__).resolve().parents[2].parent / "shared/data/financebench-dev"
PDFS = DEV_DATA / "pdfs"
needs_dev_data = pytest.mark.skipif(not DEV_DATA.is_dir(), reason="financebench-dev data absent")

ROWS = [("Widgets", "1,200", "$4.50"), ("Gears", "860", "$12.25"), ("Springs", "15,000", "$0.10")]


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _rows(markdown: str) -> list[list[str]]:
    return [_cells(line) for line in markdown.splitlines()]


def _ruled_table_pdf(path: Path) -> Path:
    """One page: a sentence, then a 4 x 3 table drawn with ruling lines."""
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 60), "Inventory on hand at year end was as follows.", fontsize=11)
    x = [72, 272, 372, 472]
    y = [100 + 24 * i for i in range(len(ROWS) + 2)]
    for xi in x:
        page.draw_line((xi, y[0]), (xi, y[-1]))
    for yi in y:
        page.draw_line((x[0], yi), (x[-1], yi))
    for r, row in enumerate([("Item", "Quantity", "Unit price"), *ROWS]):
        for c, text in enumerate(row):
            page.insert_text((x[c] + 6, y[r] + 16), text, fontsize=10)
    doc.save(path)
    return path


def test_ruled_table_becomes_markdown_with_its_header(tmp_path: Path) -> None:
    doc = pymupdf.open(_ruled_table_pdf(tmp_path / "ruled.pdf"))
    texts = [page.get_text() for page in doc]
    section = Section(
        path=["Item 7", "Inventory"],
        page_start=1,
        page_end=1,
        pages=[PageText(page=1, text=texts[0])],
    )

    tables = find_tables(doc, texts, [section])

    assert len(tables) == 1
    table = tables[0]
    rows = _rows(table.markdown)
    assert rows[0] == ["Item", "Quantity", "Unit price"]
    assert set(table.markdown.splitlines()[1]) <= {"|", "-"}
    assert rows[2:] == [list(row) for row in ROWS]
    assert (table.page, table.rows, table.cols) == (1, 3, 3)
    assert table.section_path == "Item 7 > Inventory"


def _unruled_statement_pdf(path: Path) -> Path:
    """A statement laid out with spaces only: no lines, amounts right-aligned under years."""
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 60), "Consolidated Statement of Income", fontsize=12)
    page.insert_text(
        (72, 80), "This statement should be read with the notes that follow it.", fontsize=10
    )

    def right(text: str, x: float, y: float) -> None:
        page.insert_text((x - pymupdf.get_text_length(text, fontsize=10), y), text, fontsize=10)

    page.insert_text((72, 120), "(in millions)", fontsize=10)
    right("2023", 400, 120)
    right("2022", 500, 120)
    for i, (label, a, b) in enumerate(STATEMENT):
        y = 140 + 16 * i
        page.insert_text((72, y), label, fontsize=10)
        if label.startswith(("Revenue", "Net income")):
            page.insert_text((330, y), "$", fontsize=10)
            page.insert_text((430, y), "$", fontsize=10)
        right(a, 400, y)
        right(b, 500, y)
    doc.save(path)
    return path


STATEMENT = [
    ("Revenue", "1,234", "1,100"),
    ("Cost of sales", "600", "550"),
    ("Other expense, net", "(12)", "-"),
    ("Net income", "622", "550"),
]


def test_unruled_statement_becomes_markdown_with_its_years(tmp_path: Path) -> None:
    doc = pymupdf.open(_unruled_statement_pdf(tmp_path / "unruled.pdf"))
    texts = [page.get_text() for page in doc]

    tables = find_tables(doc, texts, [])

    assert len(tables) == 1
    rows = _rows(tables[0].markdown)
    assert rows[0] == ["(in millions)", "2023", "2022"]
    assert rows[2] == ["Revenue", "$1,234", "$1,100"]
    assert rows[4] == ["Other expense, net", "(12)", "-"]
    assert rows[5] == ["Net income", "$622", "$550"]
    assert (tables[0].rows, tables[0].cols) == (4, 3)


def test_pages_without_numbers_are_not_searched(tmp_path: Path) -> None:
    doc = pymupdf.open(_ruled_table_pdf(tmp_path / "ruled.pdf"))
    texts = [page.get_text() for page in doc]

    assert looks_tabular(texts[0])
    assert not looks_tabular("Revenue grew 4% in 2022.\nWe expect growth to continue.\n")
    assert find_tables(doc, [""], []) == []


def test_section_is_the_one_whose_text_holds_the_table(tmp_path: Path) -> None:
    doc = pymupdf.open(_ruled_table_pdf(tmp_path / "ruled.pdf"))
    texts = [page.get_text() for page in doc]
    cut = texts[0].index("Item")
    first = Section(
        path=["Intro"], page_start=1, page_end=1, pages=[PageText(page=1, text=texts[0][:cut])]
    )
    second = Section(
        path=["Stock"], page_start=1, page_end=1, pages=[PageText(page=1, text=texts[0][cut:])]
    )
    later = Section(path=["Later"], page_start=2, page_end=3, pages=[PageText(page=2, text="x")])

    tables = find_tables(doc, texts, [second, first, later])

    assert [t.section_path for t in tables] == ["Stock"]


# (file, 1-based page, row label, expected value in the first year column, years in the header)
STATEMENTS = [
    ("3M_2022_10K", 48, "Net sales", "34,229", ["2022", "2021", "2020"]),
    ("3M_2022_10K", 50, "Total assets", "46,455", ["2022", "2021"]),
    ("PEPSICO_2022_10K", 62, "Net Revenue", "86,392", ["2022", "2021", "2020"]),
    ("PEPSICO_2022_10K", 66, "Total Assets", "92,187", ["2022", "2021"]),
    ("AMAZON_2017_10K", 38, "Total net sales", "107,006", ["2015", "2016", "2017"]),
    ("AMAZON_2017_10K", 40, "Total assets", "83,402", ["2016", "2017"]),
    ("BOEING_2022_10K", 55, "Total revenues", "66,608", ["2022", "2021", "2020"]),
    ("BOEING_2022_10K", 57, "Total assets", "137,100", ["2022", "2021"]),
    # no ruling lines at all: the table is found from the rows of the page's words
    ("ADOBE_2022_10K", 54, "Total revenue", "17,606", ["2022", "2021", "2020"]),
    ("ADOBE_2022_10K", 53, "Total assets", "27,165", ["2022", "2021"]),
]


@needs_dev_data
@pytest.mark.parametrize(("name", "page", "label", "value", "years"), STATEMENTS)
def test_financial_statements_of_real_10ks(
    name: str, page: int, label: str, value: str, years: list[str]
) -> None:
    doc = pymupdf.open(PDFS / f"{name}.pdf")
    texts = [doc[i].get_text() if i + 1 == page else "" for i in range(doc.page_count)]
    assert label in texts[page - 1] and value in texts[page - 1]  # the page says so

    tables = find_tables(doc, texts, [])

    rows = [(table, row) for table in tables for row in _rows(table.markdown) if row[0] == label]
    assert rows, f"no row {label!r} in the tables of {name} page {page}"
    table, row = rows[0]
    assert table.page == page
    header = _rows(table.markdown)[0]
    assert [next(y for y in years if y in cell) for cell in header[1:]] == years
    assert row[1].lstrip("$") == value
    assert len(row) == len(header) == table.cols


@needs_dev_data
def test_table_cut_into_side_by_side_halves_is_joined() -> None:
    doc = pymupdf.open(PDFS / "JOHNSON_JOHNSON_2022Q4_EARNINGS.pdf")
    texts = [doc[0].get_text()] + [""] * (doc.page_count - 1)

    tables = find_tables(doc, texts, [])

    rows = _rows(tables[0].markdown)
    assert rows[0] == [
        "($ in Millions, except EPS)",
        "Q4 2022",
        "Q4 2021",
        "Q4 % Change",
        "Full Year 2022",
        "Full Year 2021",
        "Full Year % Change",
    ]
    assert rows[2] == [
        "Reported Sales",
        "$23,706",
        "$24,804",
        "(4.4)%",
        "$94,943",
        "$93,775",
        "1.3%",
    ]
