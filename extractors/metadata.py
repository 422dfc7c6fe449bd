"""Document-level facts read deterministically from a PDF's metadata and cover pages.

SEC forms carry their facts on a fixed cover: "FORM 10-K", "For the fiscal year ended
December 31, 2022", the registrant's name above "(Exact name of registrant as specified in
its charter)", the trading symbols in the Section 12(b) table. Earnings releases say the
same things in their headline: "PepsiCo Reports First-Quarter 2023 Results" and
"PepsiCo, Inc. (NASDAQ: PEP)". Fiscal years are labelled the way the company labels them
where the text says so ("second quarter of fiscal 2024" for a quarter ending July 2023).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from datetime import date
from pathlib import PurePath

import pymupdf

from core.models import DocType, DocumentMetadata
from core.names import quarter_number

logger = logging.getLogger(__name__)

COVER_PAGES = 3
MAX_DATES = 20
# Pages searched for the company's own fiscal labels ("second quarter of fiscal 2024").
LABEL_PAGES = 40

_I = re.IGNORECASE
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_MONTHS = {name.lower(): number for number, name in enumerate(_MONTH_NAMES, start=1)}
_MONTH = "(?:" + "|".join(_MONTH_NAMES) + ")"
_DATE = rf"{_MONTH}\s+\d{{1,2}}\s*,?\s*\d{{4}}"
_DATE_RE = re.compile(rf"({_MONTH})\s+(\d{{1,2}})\s*,?\s*(\d{{4}})", _I)
_NUMERIC_DATE_RE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b|\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
_ACCESSION = re.compile(r"^\d{10}-\d{2}-\d{6}$")
_FORM_LINE = re.compile(r"^\s*form\s+(10-k|10-q|8-k)(?:/a)?\s*$", _I | re.MULTILINE)
_SEC_HEADING = re.compile(r"securities\s+and\s+exchange\s+commission", _I)
_SYMBOL_SENTENCE = re.compile(
    r"\b(?:under|with)\s+the\s+(?:ticker\s+|trading\s+)?symbols?\s+[“\"']?([A-Z]{1,5}(?:\.[A-Z])?)\b"
)
_FORM_ANY = re.compile(r"\b(?:form\s+)?(10-K|10-Q|8-K)\b")
_ANNUAL_END = re.compile(rf"for\s+the\s+(?:fiscal\s+)?year\s+ended\s*:?\s*({_DATE})", _I)
_QUARTER_END = re.compile(rf"for\s+the\s+quarterly\s+period\s+ended\s*:?\s*({_DATE})", _I)
_REPORT_DATE = re.compile(rf"date\s+of\s+report[^:]*:\s*({_DATE})", _I)
_ENDED = re.compile(rf"\bended\s+({_DATE})", _I)
_REGISTRANT = re.compile(r"\(\s*exact\s+name\s+of\s+registrant", _I)
_EARNINGS = re.compile(
    r"\b(reports?|reported|announces?|announced|posts?)\b[^.]{0,150}?\bresults\b"
    r"|\bearnings\s+release\b|\bquarterly\s+earnings\b",
    _I,
)
_EXCHANGE_TICKER = re.compile(
    r"([^()\n]{2,120}?)\s*\(\s*(?:NYSE|NASDAQ|Nasdaq|NYSE American|AMEX|TSX|LSE|ASX)"
    r"(?:\s*[A-Za-z]*)?\s*:\s*([A-Z][A-Z.]{0,6})\s*\)"
)
_HEADLINE_COMPANY = re.compile(r"^(.{2,60}?)\s+(?:reports?|announces?|posts?)\b", _I)
_TICKER = re.compile(r"^[A-Z]{1,5}(?:\.[A-Z])?$")
_NOT_TICKERS = {"N/A", "NA", "NONE", "NYSE", "LLC", "OR", "AND", "THE", "INC", "X", "O"}
_QUARTER_PATTERNS = (
    # "fourth quarter of fiscal 2022", "First-Quarter 2023", "fourth quarter and full year 2022"
    re.compile(
        r"\b(first|second|third|fourth)[- ]quarter(?:\s+(?:of|and\s+full[- ]year))?"
        r"(?:\s+fiscal)?(?:\s+year)?\s+(\d{4})\b",
        _I,
    ),
    re.compile(
        r"\b(\d{4})\s+(first|second|third|fourth)[- ]quarter\b", _I
    ),  # "2022 Fourth-Quarter"
    re.compile(r"\bQ([1-4])\s*(?:FY\s*|fiscal\s+)?(\d{4}|\d{2})\b", _I),  # "Q1 2023", "Q2 FY24"
    re.compile(r"\b([1-4])Q\s*(\d{4}|\d{2})\b"),  # "4Q 2023", "4Q22"
)
_FISCAL_YEAR = re.compile(r"\bfiscal\s+(?:year\s+)?(\d{4})\b", _I)
def extract_metadata(doc: pymupdf.Document, texts: list[str], file_name: str) -> DocumentMetadata:
    """Read title, company, ticker, type and period of a filing or earnings release.

    Args:
        doc: The open PDF (its metadata dictionary is read).
        texts: ``texts[i]`` is page ``i + 1``'s ``get_text()``.
        file_name: The file the PDF came from; only the last resort for the company.

    Returns:
        The document's metadata; fields the document does not state are None.
    """
    pdf_metadata = {
        k: v.strip() for k, v in (doc.metadata or {}).items() if isinstance(v, str) and v.strip()
    }
    cover = "\n".join(texts[:COVER_PAGES])
    pdf_title = " ".join(pdf_metadata.get("title", "").split())
    doc_type = _doc_type(texts, pdf_metadata)
    company, ticker = _company_and_ticker(cover, doc_type, pdf_title)
    if ticker is None:
        symbols = Counter(
            m.group(1) for t in texts[:LABEL_PAGES] for m in _SYMBOL_SENTENCE.finditer(t)
        )
        ticker = symbols.most_common(1)[0][0] if symbols else None
    if company is None:
        company = re.split(r"[_\-\s]+", PurePath(file_name).stem)[0] or None
    fiscal_year, fiscal_period, period_end = _period(doc_type, cover, texts, pdf_title)
    title = pdf_title if _meaningful_title(pdf_title) else None
    if title is None:
        title = _build_title(doc_type, company, cover, fiscal_period)
    metadata = DocumentMetadata(
        title=title,
        company=company,
        ticker=ticker,
        doc_type=doc_type,
        fiscal_year=fiscal_year,
        fiscal_period=fiscal_period,
        period_end=period_end,
        dates=_dates(cover),
        pdf_metadata=pdf_metadata,
    )
    logger.debug("%s: %s", file_name, metadata.payload())
    return metadata


def _doc_type(texts: list[str], pdf_metadata: dict[str, str]) -> DocType:
    """10-K/10-Q/8-K from the cover's form line, else an earnings release by its headline."""
    first = texts[0] if texts else ""
    head = "\n".join(first.splitlines()[:40])
    if match := _FORM_LINE.search(head):
        return _form(match.group(1))
    top = "\n".join(first.splitlines()[:20])
    if _SEC_HEADING.search(top) and (match := _FORM_ANY.search(top)):
        return _form(match.group(1))
    if _EARNINGS.search(" ".join(first.split()[:400])):
        return "earnings"
    for key in ("subject", "keywords", "title"):
        if match := _FORM_ANY.search(pdf_metadata.get(key, "")):
            return _form(match.group(1))
    return "other"


def _form(name: str) -> DocType:
    form = name.upper()
    return "10-K" if form == "10-K" else "10-Q" if form == "10-Q" else "8-K"


def _company_and_ticker(
    cover: str, doc_type: DocType, pdf_title: str
) -> tuple[str | None, str | None]:
    """The issuer's name and trading symbol as the cover or the release's first lines give them."""
    lines = [" ".join(line.split()) for line in cover.splitlines()]
    lines = [line for line in lines if line and not re.fullmatch(r"[_\-–—=*\s]+", line)]
    company = None
    for i, line in enumerate(lines):
        if _REGISTRANT.search(line):
            before = _REGISTRANT.split(line)[0].strip()
            company = before or (lines[i - 1] if i > 0 else None)
            break
    if company is None and doc_type != "earnings":
        company = _after_file_number(lines)
    ticker = _cover_ticker(lines)
    flat = " ".join(cover.split()[:600])
    if match := _EXCHANGE_TICKER.search(flat):
        name = re.split(r"\s[-–—]{1,2}\s?|--|\)\s*[-–—]+\s*", match.group(1))[-1].strip(" ,")
        ticker = ticker or match.group(2).rstrip(".")
        if company is None and name:
            company = name
    if company is None:
        for line in [pdf_title, *lines[:15]]:
            if match := _HEADLINE_COMPANY.match(line):
                company = match.group(1).strip(" ,")
                break
    return (company.strip(" ,") if company else None), ticker


def _after_file_number(lines: list[str]) -> str | None:
    """Covers without the "(Exact name...)" caption put the name under the file number."""
    for i, line in enumerate(lines[:60]):
        if re.match(r"commission\s+file\s+(number|no)", line, _I) and i + 1 < len(lines):
            return lines[i + 1]
    return None


def _cover_ticker(lines: list[str]) -> str | None:
    """The first symbol in the cover's "Securities registered pursuant to Section 12(b)" table."""
    for i, line in enumerate(lines):
        if re.search(r"section\s+12\(b\)", line, _I):
            for candidate in lines[i + 1 : i + 15]:
                if re.search(r"section\s+12\(g\)", candidate, _I):
                    return None
                if _TICKER.match(candidate) and candidate not in _NOT_TICKERS:
                    return candidate
            return None
    return None


def _period(
    doc_type: DocType, cover: str, texts: list[str], pdf_title: str
) -> tuple[int | None, str | None, str | None]:
    """Fiscal year, period label and ISO period end."""
    flat = " ".join(cover.split())
    labels = " ".join(" ".join(t.split()) for t in texts[:LABEL_PAGES])
    if doc_type == "10-K" and (end := _found_date(_ANNUAL_END, flat)):
        year = _labelled_year(labels, end)
        return year, f"FY{year}", end.isoformat()
    if doc_type == "10-Q" and (end := _found_date(_QUARTER_END, flat)):
        quarter, year = _labelled_quarter(labels, end)
        return year, f"Q{quarter} {year}", end.isoformat()
    if doc_type == "8-K" and (reported := _found_date(_REPORT_DATE, flat)):
        return reported.year, None, None
    if doc_type == "earnings":
        first = texts[0] if texts else ""
        headline = " ".join([pdf_title, *first.splitlines()[:15]])
        headline = " ".join(headline.split())
        ended = _found_date(_ENDED, " ".join(first.split()))
        ended_on = ended.isoformat() if ended else None
        for pattern in _QUARTER_PATTERNS:
            if match := pattern.search(headline):
                quarter, year = _quarter_match(match)
                return year, f"Q{quarter} {year}", ended_on
        if match := _FISCAL_YEAR.search(headline):
            year = int(match.group(1))
            return year, f"FY{year}", ended_on
    return None, None, None


def _found_date(pattern: re.Pattern[str], text: str) -> date | None:
    match = pattern.search(text)
    return _iso(match.group(1)) if match else None


def _quarter_match(match: re.Match[str]) -> tuple[int, int]:
    a, b = match.group(1), match.group(2)
    if a.isdigit() and len(a) == 4:  # "2022 Fourth-Quarter"
        a, b = b, a
    quarter = quarter_number(a)
    year = int(b) if len(b) == 4 else 2000 + int(b)
    return quarter, year


def _labelled_year(text: str, end: date) -> int:
    """The company's label for a fiscal year ending on ``end``.

    Most name it after the year it ends in; years ending in the first months of a calendar
    year may be named after the one before (a retailer's "fiscal 2022" ends January 28,
    2023), and the text says which: the more often named of the two wins.
    """
    if end.month > 3:
        return end.year
    counts = Counter(int(m.group(1)) for m in _FISCAL_YEAR.finditer(text))
    if counts[end.year] or counts[end.year - 1]:
        return end.year if counts[end.year] >= counts[end.year - 1] else end.year - 1
    # 52/53-week years that end in the first days of January belong to the year before.
    return end.year - 1 if end.month == 1 and end.day <= 7 else end.year


def _labelled_quarter(text: str, end: date) -> tuple[int, int]:
    """The company's label for a quarter ending on ``end``, else the calendar quarter."""
    counts: Counter[tuple[int, int]] = Counter()
    for pattern in _QUARTER_PATTERNS:
        for match in pattern.finditer(text):
            quarter, year = _quarter_match(match)
            if year in (end.year, end.year + 1):
                counts[(quarter, year)] += 1
    if counts:
        return counts.most_common(1)[0][0]
    # Quarters of 13-week calendars end a few days after the month: July 2 closes Q2.
    month = end.month - 1 if end.day <= 7 else end.month
    year = end.year
    if month == 0:
        month, year = 12, year - 1
    return (month - 1) // 3 + 1, year


def _iso(text: str) -> date | None:
    match = _DATE_RE.search(text)
    if match is None:
        return None
    try:
        return date(int(match.group(3)), _MONTHS[match.group(1).lower()], int(match.group(2)))
    except ValueError:  # "February 30, 2023"
        return None


def _dates(cover: str) -> list[str]:
    """The dates named on the cover pages, most mentioned first, then sorted."""
    found: Counter[str] = Counter()
    flat = " ".join(cover.split())
    for match in _DATE_RE.finditer(flat):
        found.update(
            _safe_iso(int(match.group(3)), _MONTHS[match.group(1).lower()], int(match.group(2)))
        )
    for match in _NUMERIC_DATE_RE.finditer(flat):
        if match.group(1):
            y, m, d = int(match.group(1)), int(match.group(2)), int(match.group(3))
        else:
            y, m, d = int(match.group(6)), int(match.group(4)), int(match.group(5))
        found.update(_safe_iso(y, m, d))
    return sorted(day for day, _ in found.most_common(MAX_DATES))


def _safe_iso(year: int, month: int, day: int) -> list[str]:
    try:
        return [date(year, month, day).isoformat()]
    except ValueError:
        return []


def _meaningful_title(title: str) -> bool:
    """A PDF title worth keeping: not empty, not an accession number, not the cover's heading."""
    if len(re.sub(r"[^A-Za-z]", "", title)) < 3 or _ACCESSION.match(title):
        return False
    return not re.fullmatch(r"(united states\s+)?securities and exchange commission", title, _I)


def _build_title(doc_type: DocType, company: str | None, cover: str, period: str | None) -> str:
    """A title from the cover: "3M Company Form 10-K for the fiscal year ended December 31, 2022"."""
    flat = " ".join(cover.split())
    name = company or "Document"
    if doc_type == "10-K" and (match := _ANNUAL_END.search(flat)):
        return f"{name} Form 10-K for the fiscal year ended {_tidy_date(match.group(1))}"
    if doc_type == "10-Q" and (match := _QUARTER_END.search(flat)):
        return f"{name} Form 10-Q for the quarterly period ended {_tidy_date(match.group(1))}"
    if doc_type == "8-K" and (match := _REPORT_DATE.search(flat)):
        return f"{name} Form 8-K dated {_tidy_date(match.group(1))}"
    if doc_type == "earnings":
        top = [" ".join(line.split()) for line in cover.splitlines()]
        for line in [line for line in top if line][:5]:
            if _EARNINGS.search(line):
                return line
        return " ".join(filter(None, [name, period, "earnings release"]))
    return name


def _tidy_date(text: str) -> str:
    day = _iso(text)
    return f"{day.strftime('%B')} {day.day}, {day.year}" if day else text
