"""The demo's sample PDFs: structure, tables, evidence pages and determinism."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pymupdf
import pytest

from samples import generate as samples
from samples.generate import build_samples, generate_samples

TEN_K, TEN_Q, RELEASE = "northwind_2024_10K", "northwind_2025Q1_10Q", "contoso_2024Q4_earnings"
PAGE_RANGES = {TEN_K: (12, 18), TEN_Q: (6, 8), RELEASE: (3, 4)}
YEAR = re.compile(r"(19|20)\d\d")


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("samples")
    paths = generate_samples(out)
    assert [path.name for path in paths] == [f"{doc_id}.pdf" for doc_id in PAGE_RANGES]
    return out


@pytest.fixture(scope="module")
def questions(sample_dir: Path) -> list[dict[str, object]]:
    lines = (sample_dir / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def normalise(text: str) -> str:
    return " ".join(text.split())


def page_text(path: Path, page: int) -> str:
    """Whitespace-normalised text of a 1-based page."""
    with pymupdf.open(path) as doc:
        return normalise(doc[page - 1].get_text())


def cell_values(page: pymupdf.Page, table: pymupdf.table.Table) -> dict[str, list[float]]:
    """Rows of a numeric table by label, with '(12)' read as -12."""
    values = {}
    for row in table.rows[1:]:
        cells = [page.get_textbox(pymupdf.Rect(cell)).strip() for cell in row.cells]
        numbers = [c.replace(",", "").replace("(", "-").rstrip(")") for c in cells[1:]]
        values[cells[0]] = [float(n) for n in numbers]
    return values


def test_pdfs_open_with_expected_page_counts(sample_dir: Path) -> None:
    for doc_id, (low, high) in PAGE_RANGES.items():
        with pymupdf.open(sample_dir / f"{doc_id}.pdf") as doc:
            assert low <= doc.page_count <= high, (doc_id, doc.page_count)
            assert doc.metadata["creationDate"].startswith("D:2025")
            assert all(page.get_text().strip() for page in doc), f"{doc_id} has a blank page"


def test_10k_cover_reads_like_an_sec_filing(sample_dir: Path) -> None:
    cover = page_text(sample_dir / f"{TEN_K}.pdf", 1)
    for line in ("UNITED STATES SECURITIES AND EXCHANGE COMMISSION", "FORM 10-K",
                 "ANNUAL REPORT PURSUANT TO SECTION 13 OR 15(d)",
                 "For the fiscal year ended December 31, 2024",
                 "Northwind Robotics, Inc. (Exact name of registrant as specified in its charter)",
                 "Trading Symbol(s)", "NWRB"):
        assert line in cover
    quarterly = page_text(sample_dir / f"{TEN_Q}.pdf", 1)
    assert "FORM 10-Q" in quarterly
    assert "For the quarterly period ended March 31, 2025" in quarterly


def test_10k_outline_points_at_the_items(sample_dir: Path) -> None:
    path = sample_dir / f"{TEN_K}.pdf"
    with pymupdf.open(path) as doc:
        toc = doc.get_toc()
    titles = [title for _, title, _ in toc]
    assert [level for level, title, _ in toc if title in ("PART I", "PART II")] == [1, 1]
    for prefix in ("Item 7.", "Item 8."):
        level, title, page = next(entry for entry in toc if entry[1].startswith(prefix))
        assert level == 2
        assert title in page_text(path, page)
        assert f"{title} {page}" in page_text(path, 2)  # the printed table of contents
    item7 = titles.index(next(t for t in titles if t.startswith("Item 7.")))
    assert titles[item7 + 1: item7 + 3] == ["Results of Operations",
                                            "Liquidity and Capital Resources"]
    for level, title, page in toc:
        if level == 3 and title.startswith("Consolidated"):
            assert title in page_text(path, page)


def test_headings_are_bold_and_larger_without_an_outline(sample_dir: Path) -> None:
    with pymupdf.open(sample_dir / f"{TEN_Q}.pdf") as doc:
        assert doc.get_toc() == []
        spans = [span for page in doc for block in page.get_text("dict")["blocks"]
                 for line in block.get("lines", []) for span in line["spans"]]
    heading = next(s for s in spans if s["text"].startswith("Item 2. Management"))
    body = next(s for s in spans if s["text"].startswith("We design, manufacture"))
    assert "Bold" in heading["font"] and "Bold" not in body["font"]
    assert heading["size"] > body["size"]


def test_statement_of_operations_is_a_table_that_adds_up(sample_dir: Path) -> None:
    with pymupdf.open(sample_dir / f"{TEN_K}.pdf") as doc:
        toc = doc.get_toc()
        page_no = next(p for _, t, p in toc if t == "Consolidated Statements of Operations")
        page = doc[page_no - 1]
        tables = page.find_tables().tables
        assert len(tables) == 1
        header = [re.sub(r"\s", "", name) for name in tables[0].header.names]
        assert header[1:] == ["2024", "2023", "2022"]
        rows = cell_values(page, tables[0])
    for year in range(3):
        revenue, cost = rows["Net revenue"][year], rows["Cost of revenue"][year]
        assert rows["Gross profit"][year] == revenue - cost
        assert rows["Operating income"][year] == (
            rows["Gross profit"][year] - rows["Total operating expenses"][year])
        assert rows["Net income"][year] == (
            rows["Income before income taxes"][year] - rows["Provision for income taxes"][year])
    assert rows["Net revenue"][0] == 1284


def test_balance_sheet_balances(sample_dir: Path) -> None:
    with pymupdf.open(sample_dir / f"{TEN_K}.pdf") as doc:
        page_no = next(p for _, t, p in doc.get_toc() if t == "Consolidated Balance Sheets")
        page = doc[page_no - 1]
        rows = cell_values(page, page.find_tables(use_layout=False).tables[0])
    for year in range(2):
        assert rows["Total assets"][year] == (
            rows["Total liabilities"][year] + rows["Total shareholders' equity"][year])


def test_earnings_release_has_outline_and_results_tables(sample_dir: Path) -> None:
    path = sample_dir / f"{RELEASE}.pdf"
    with pymupdf.open(path) as doc:
        toc = doc.get_toc()
        assert toc[0][1] == "Contoso Reports Fourth Quarter and Full Year 2024 Results"
        page = doc[doc.page_count - 1]
        tables = page.find_tables(use_layout=False).tables
        assert len(tables) == 2
        assert "Q42024" in [re.sub(r"\s", "", name) for name in tables[0].header.names]
    assert "2025 Financial Guidance" in [title for _, title, _ in toc]


def test_question_facts_are_on_their_evidence_pages(
    sample_dir: Path, questions: list[dict[str, object]]
) -> None:
    assert len(questions) >= 8
    for question in questions:
        assert set(question) == {"id", "question", "answer", "doc_id", "evidence_pages"}
        path = sample_dir / f"{question['doc_id']}.pdf"
        pages = question["evidence_pages"]
        assert isinstance(pages, list) and pages, question["id"]
        texts = [page_text(path, page) for page in pages]
        figures = [f for f in re.findall(r"\d[\d,]*(?:\.\d+)?", str(question["answer"]))
                   if not YEAR.fullmatch(f)]
        assert figures, question["id"]
        # Every evidence page holds one of the answer's figures; together they hold all.
        for page, text in zip(pages, texts, strict=True):
            found = [f for f in figures if re.search(rf"(?<![\d.,]){re.escape(f)}(?![\d])", text)]
            assert found, f"{question['id']}: none of {figures} on page {page}"
        assert all(any(f in text for text in texts) for f in figures), question["id"]


def test_questions_name_company_and_period(questions: list[dict[str, object]]) -> None:
    for question in questions:
        text = str(question["question"])
        assert "Northwind Robotics" in text or "Contoso Pharmaceuticals" in text
        assert re.search(r"FY20\d\d|Q[1-4] 20\d\d", text), text


def test_generation_is_deterministic(sample_dir: Path, tmp_path: Path,
                                     questions: list[dict[str, object]]) -> None:
    again = generate_samples(tmp_path)
    for path in again:
        assert path.read_bytes() == (sample_dir / path.name).read_bytes(), path.name
    assert (tmp_path / "questions.jsonl").read_text() == (
        sample_dir / "questions.jsonl").read_text()
    assert questions == samples.SAMPLE_QUESTIONS


def test_another_seed_reorders_prose_but_keeps_the_facts(
    sample_dir: Path, questions: list[dict[str, object]]
) -> None:
    pdfs, other = build_samples(seed=8)
    assert pdfs[f"{TEN_K}.pdf"] != (sample_dir / f"{TEN_K}.pdf").read_bytes()
    assert [q["answer"] for q in other] == [q["answer"] for q in questions]
    assert all(q["evidence_pages"] for q in other)
