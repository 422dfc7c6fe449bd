"""Metadata: type, company, ticker and period from synthetic covers and real filings."""

from __future__ import annotations

import re
from pathlib import Path

import pymupdf
import pytest

from core.names import normalize_company
from extractors.metadata import LABEL_PAGES, extract_metadata

DEV_DATA = Path(__file__).resolve().parents[2].parent / "shared/data/financebench-dev"
PDFS = DEV_DATA / "pdfs"
needs_dev_data = pytest.mark.skipif(not DEV_DATA.is_dir(), reason="financebench-dev data absent")

TEN_Q_COVER = """UNITED STATES
SECURITIES AND EXCHANGE COMMISSION
Washington, D.C. 20549
FORM 10-Q
QUARTERLY REPORT PURSUANT TO SECTION 13 OR 15(d) OF THE SECURITIES EXCHANGE ACT OF 1934
For the quarterly period ended June 30, 2023
Commission File Number 001-12345
Acme Widgets, Inc.
(Exact name of registrant as specified in its charter)
Delaware
Securities registered pursuant to Section 12(b) of the Act:
Title of each class
Trading Symbol(s)
Name of each exchange on which registered
Common Stock, $0.01 par value
ACME
New York Stock Exchange
Securities registered pursuant to Section 12(g) of the Act: None
As of July 28, 2023, 12,345,678 shares of common stock were outstanding."""

EARNINGS_PAGE = """Globex Corporation Reports Third-Quarter 2023 Results
SPRINGFIELD - October 24, 2023 - Globex Corporation (NYSE: GBX) today reported results
for the quarter ended September 30, 2023. Revenue rose 8 percent.
Please refer to our Quarterly Report on
Form 10-Q for the period for more information."""


def _pdf(path: Path, pages: list[str], title: str = "") -> tuple[pymupdf.Document, list[str]]:
    doc = pymupdf.open()
    for text in pages:
        page = doc.new_page()
        page.insert_text((50, 60), text, fontsize=8)
    doc.set_metadata({"title": title, "author": "", "producer": "docthrift tests"})
    doc.save(path)
    opened = pymupdf.open(path)
    return opened, [page.get_text() for page in opened]


def test_ten_q_cover(tmp_path: Path) -> None:
    doc, texts = _pdf(tmp_path / "acme.pdf", [TEN_Q_COVER], title="0000123456-23-000042")

    meta = extract_metadata(doc, texts, "acme.pdf")

    assert meta.doc_type == "10-Q"
    assert meta.company == "Acme Widgets, Inc."
    assert meta.ticker == "ACME"
    assert (meta.fiscal_year, meta.fiscal_period, meta.period_end) == (
        2023,
        "Q2 2023",
        "2023-06-30",
    )
    assert meta.title == "Acme Widgets, Inc. Form 10-Q for the quarterly period ended June 30, 2023"
    assert meta.dates == ["2023-06-30", "2023-07-28"]
    assert meta.pdf_metadata["title"] == "0000123456-23-000042"
    assert "author" not in meta.pdf_metadata


def test_quarter_uses_the_company_fiscal_label(tmp_path: Path) -> None:
    cover = TEN_Q_COVER.replace("June 30, 2023", "July 29, 2023")
    body = "Results for the second quarter of fiscal 2024 compared with the second quarter of fiscal 2023."
    doc, texts = _pdf(tmp_path / "retail.pdf", [cover, body, body])

    meta = extract_metadata(doc, texts, "retail.pdf")

    assert (meta.fiscal_year, meta.fiscal_period, meta.period_end) == (
        2024,
        "Q2 2024",
        "2023-07-29",
    )


def test_annual_report_without_registrant_caption(tmp_path: Path) -> None:
    cover = """SECURITIES AND EXCHANGE COMMISSION
FORM 10-K
ANNUAL REPORT PURSUANT TO SECTION 13 OR 15(d) OF THE SECURITIES EXCHANGE ACT OF 1934
For the fiscal year ended January 1, 2023
Commission file number 1-9999
INITECH CORPORATION
State of Incorporation: Delaware"""
    doc, texts = _pdf(tmp_path / "initech.pdf", [cover], title="Initech annual report 2022")

    meta = extract_metadata(doc, texts, "initech.pdf")

    assert (meta.doc_type, meta.company) == ("10-K", "INITECH CORPORATION")
    # a 52/53-week year ending in the first days of January is the year before
    assert (meta.fiscal_year, meta.fiscal_period, meta.period_end) == (2022, "FY2022", "2023-01-01")
    assert meta.title == "Initech annual report 2022"


def test_earnings_release_is_not_taken_for_the_10q_it_cites(tmp_path: Path) -> None:
    doc, texts = _pdf(tmp_path / "globex.pdf", [EARNINGS_PAGE])

    meta = extract_metadata(doc, texts, "globex.pdf")

    assert meta.doc_type == "earnings"
    assert (meta.company, meta.ticker) == ("Globex Corporation", "GBX")
    assert (meta.fiscal_year, meta.fiscal_period, meta.period_end) == (
        2023,
        "Q3 2023",
        "2023-09-30",
    )
    assert meta.title == "Globex Corporation Reports Third-Quarter 2023 Results"


def test_unknown_document_falls_back_to_the_file_name(tmp_path: Path) -> None:
    doc, texts = _pdf(tmp_path / "x.pdf", ["Minutes of the garden club, spring meeting."])

    meta = extract_metadata(doc, texts, "HOOLI_notes.pdf")

    assert (meta.doc_type, meta.company, meta.fiscal_year) == ("other", "HOOLI", None)


@pytest.mark.parametrize(
    ("name", "normalized"),
    [
        ("The Boeing Company", "boeing"),
        ("AMAZON.COM, INC.", "amazon"),
        ("Best Buy Co., Inc.", "best buy"),
        ("Johnson & Johnson", "johnson johnson"),
        ("JPMorgan Chase & Co.", "jpmorgan chase"),
        ("Amcor plc", "amcor"),
        ("CVS Health Corporation", "cvs health"),
        ("3M COMPANY", "3m"),
    ],
)
def test_normalize_company(name: str, normalized: str) -> None:
    assert normalize_company(name) == normalized


REAL = [
    # file, type, normalized company, ticker, fiscal year, fiscal period, period end
    ("3M_2022_10K", "10-K", "3m", "MMM", 2022, "FY2022", "2022-12-31"),
    ("AMAZON_2017_10K", "10-K", "amazon", "AMZN", 2017, "FY2017", "2017-12-31"),
    ("BESTBUY_2024Q2_10Q", "10-Q", "best buy", "BBY", 2024, "Q2 2024", "2023-07-29"),
    ("JOHNSON_JOHNSON_2022_10K", "10-K", "johnson johnson", "JNJ", 2022, "FY2022", "2023-01-01"),
    ("JOHNSON_JOHNSON_2023_8K_dated-2023-08-30", "8-K", "johnson johnson", "JNJ", 2023, None, None),
    ("PEPSICO_2023Q1_EARNINGS", "earnings", "pepsico", "PEP", 2023, "Q1 2023", "2023-03-25"),
    (
        "ULTABEAUTY_2023Q4_EARNINGS",
        "earnings",
        "ulta beauty",
        "ULTA",
        2022,
        "Q4 2022",
        "2023-01-28",
    ),
    ("AMCOR_2023Q4_EARNINGS", "earnings", "amcor", None, 2023, "Q4 2023", None),
    ("Pfizer_2023Q2_10Q", "10-Q", "pfizer", "PFE", 2023, "Q2 2023", "2023-07-02"),
]


@needs_dev_data
@pytest.mark.parametrize(("name", "doc_type", "company", "ticker", "year", "period", "end"), REAL)
def test_real_filings(
    name: str,
    doc_type: str,
    company: str,
    ticker: str | None,
    year: int,
    period: str | None,
    end: str | None,
) -> None:
    doc = pymupdf.open(PDFS / f"{name}.pdf")
    texts = [doc[i].get_text() for i in range(min(doc.page_count, LABEL_PAGES))]

    # a neutral file name: the metadata must come from the PDF, not from its name
    meta = extract_metadata(doc, texts, "document.pdf")

    assert meta.doc_type == doc_type
    assert normalize_company(meta.company or "") == company
    assert meta.ticker == ticker
    assert (meta.fiscal_year, meta.fiscal_period, meta.period_end) == (year, period, end)
    assert meta.title and not re.fullmatch(r"\d{10}-\d{2}-\d{6}", meta.title)
    assert meta.dates == sorted(set(meta.dates)) and len(meta.dates) <= 20
