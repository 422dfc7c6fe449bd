"""Tables found on PDF pages, rendered as GitHub Markdown with their header rows.

Per page:

1. a cheap pre-filter on the page text (:func:`looks_tabular`) decides whether the table
   finder runs at all: it costs 0.05-0.3 s a page and filings have hundreds of pages;
2. ``page.find_tables(use_layout=False)`` locates tables drawn with ruling lines or
   shaded rows (stacked one-row boxes are merged), reading the page's words as its
   characters (:mod:`extractors.finder_chars`). Where it finds none, the page's own
   lines are searched for runs of rows with amounts: many filings draw no lines at all,
   and the finder's ``"text"`` strategy was tried there but returns boxes that start in
   the middle of the row labels ("income" for "Net income");
3. the grid is rebuilt from MuPDF's words (:mod:`extractors.table_layout`), not from the
   finder's cell text: on EDGAR renderings that text loses its spaces ("Costofsales")
   and splits thousands separators ("34229\\n,"), and the year columns usually sit above
   the ruled area, so header lines are collected by walking up from the table
   (:mod:`extractors.table_headers`);
4. cells are cleaned (whitespace collapsed, "$ 1,234" → "$1,234", empty rows and
   columns dropped) and only real tables kept: two rows and two columns at least,
   mostly numbers, no prose.
"""

from __future__ import annotations

import logging
import re

import pymupdf

from core.models import Section, Table
from extractors.finder_chars import words_as_chars
from extractors.table_headers import region_grids
from extractors.table_layout import (
    Grid,
    Line,
    group_lines,
    is_amount,
    is_number,
    line_height,
    merge_boxes,
)

logger = logging.getLogger(__name__)

# A page is worth the table finder when this many of its text lines are numbers.
MIN_NUMERIC_LINES = 6
# The finder's ruling-line strategy without the layout model: the model costs several
# times more per page, and the unruled tables it would add are found from the lines.
FINDER_SETTINGS: dict[str, object] = {"use_layout": False}

# Share of a table's value cells that must be numbers: word grids are prose, not tables.
MIN_NUMERIC_SHARE = 0.5

_CURRENCY_GAP = re.compile(r"(?<![\w$€£¥])([$€£¥]) (?=[\d(])")
_PERCENT_GAP = re.compile(r"(?<=[\d)]) (?=%)")
_NUMERIC_LINE_TOKEN = re.compile(
    r"^[$€£¥(]*[-+−]?\d[\d,]*(\.\d+)?[)%]*\$?$|^[—–-]+$|^[$€£¥%)]$|^(pts?|bps)$"
)


def looks_tabular(text: str, min_numeric_lines: int = MIN_NUMERIC_LINES) -> bool:
    """Whether a page's text has enough lines of numbers to be worth the table finder.

    Args:
        text: The page's ``get_text()``.
        min_numeric_lines: How many lines made only of numbers, amounts, percentages
            or dashes the page needs.

    Returns:
        True when the page probably holds a table.
    """
    count = 0
    for line in text.splitlines():
        tokens = line.split()
        numeric = [bool(_NUMERIC_LINE_TOKEN.match(token)) for token in tokens]
        # a line of amounts ("34,229 $", "5.18 %"), or a label followed by two of them
        amounts = all(numeric) or (len(tokens) > 2 and numeric[-1] and numeric[-2])
        if tokens and amounts and any(ch.isdigit() for ch in line):
            count += 1
            if count >= min_numeric_lines:
                return True
    return False


def find_tables(doc: pymupdf.Document, texts: list[str], sections: list[Section]) -> list[Table]:
    """Find the tables of a document and render each as Markdown.

    Args:
        doc: The open PDF.
        texts: ``texts[i]`` is page ``i + 1``'s ``get_text()``; pages whose text fails
            :func:`looks_tabular` are not searched.
        sections: The document's sections, to name the section each table sits in.

    Returns:
        The tables in page order, each with its header row, data-row and column counts
        and the heading path of its section.
    """
    tables: list[Table] = []
    for index, text in enumerate(texts):
        if not looks_tabular(text):
            continue
        page_no = index + 1
        for grid in page_tables(doc[index]):
            header, body = grid[0], grid[1:]
            tables.append(
                Table(
                    page=page_no,
                    markdown=to_markdown(grid),
                    rows=len(body),
                    cols=len(header),
                    section_path=_section_for(page_no, body, sections),
                )
            )
    logger.debug("found %d tables on %d pages", len(tables), len(texts))
    return tables


def page_tables(page: pymupdf.Page) -> list[Grid]:
    """The good tables of one page as cleaned grids, header row first.

    Args:
        page: A page of the open PDF.

    Returns:
        One grid per table: rows of cell strings, all as wide as the header row.
    """
    textpage = page.get_textpage()
    words = [w[:5] for w in page.get_text("words", textpage=textpage) if w[4].strip()]
    if not words:
        return []
    lines = group_lines(words)
    with words_as_chars(textpage, words):
        finder = page.find_tables(**FINDER_SETTINGS)
    boxes = merge_boxes(
        [pymupdf.Rect(t.bbox) for t in finder.tables] if finder else [], line_height(lines)
    )
    grids = _box_grids(lines, boxes)
    if not grids:  # no ruling: the lines themselves say where the rows of values are
        x0, x1 = min(w[0] for w in words), max(w[2] for w in words)
        grids = _box_grids(lines, [pymupdf.Rect(x0, page.rect.y0, x1, page.rect.y1)])
    return grids


def _box_grids(lines: list[Line], boxes: list[pymupdf.Rect]) -> list[Grid]:
    """The good tables inside the given boxes, cleaned."""
    grids: list[Grid] = []
    top = 0.0
    for i, box in enumerate(boxes):
        limit = boxes[i + 1].y0 if i + 1 < len(boxes) else float("inf")
        kept: list[Grid] = []
        for raw, bottom in region_grids(lines, box, top, limit):
            top = bottom
            grid = _clean([raw[0], *_join_wrapped_labels(raw[1:])])
            if not _is_good(grid):
                continue
            if kept and not any(grid[0]) and len(kept[-1][0]) == len(grid[0]):
                grid[0] = list(kept[-1][0])  # the table goes on under the same header
            kept.append(_promote_first_row(grid))
        grids.extend(kept)
    return grids


def to_markdown(grid: Grid) -> str:
    """Render a grid (header row first) as a GitHub Markdown table."""

    def row(cells: list[str]) -> str:
        return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"

    header, body = grid[0], grid[1:]
    lines = [row(header), "|" + "|".join("---" for _ in header) + "|"]
    lines.extend(row(cells) for cells in body)
    return "\n".join(lines)


def _section_for(page: int, body: Grid, sections: list[Section]) -> str:
    """Heading path of the section that holds the table's page and its first cells."""
    on_page = [
        s
        for s in sections
        if s.page_start <= page <= s.page_end and any(p.page == page for p in s.pages)
    ]
    if len(on_page) > 1:
        # the first row with a label and an amount: a lone "Assets" is in many sections
        row = next((r for r in body if r[0] and any(r[1:])), body[0])
        digits = re.search(r"\d[\d,.]*", " ".join(row[1:]))
        cells = [row[0], digits.group() if digits else ""]
        for section in on_page:
            text = " ".join(" ".join(p.text for p in section.pages if p.page == page).split())
            if all(cell in text for cell in cells if cell):
                return section.heading
    candidates = on_page or [s for s in sections if s.page_start <= page]
    if not candidates:
        return ""
    best = max(s.page_start for s in candidates)
    return [s for s in candidates if s.page_start == best][-1].heading


def _promote_first_row(grid: Grid) -> Grid:
    """Without a header above, a first row of words that names the columns becomes it."""
    first = grid[1]
    names = [cell for cell in first if cell]
    if any(grid[0]) or len(names) < 2 or any(is_amount(cell) for cell in first[1:]):
        return grid
    return [first, *grid[2:]] if len(grid) > 3 else grid


def _join_wrapped_labels(rows: Grid) -> Grid:
    """Join a label that wrapped onto the next line ("...attributable to" / "noncontrolling")."""
    joined: Grid = []
    for row in rows:
        last = joined[-1] if joined else None
        if last is not None and last[0] and not any(last[1:]) and row[0][:1].islower():
            row[0] = f"{last[0]} {row[0]}"
            joined[-1] = row
        else:
            joined.append(row)
    return joined


def _clean(grid: Grid) -> Grid:
    """Collapse whitespace, drop empty body rows and empty columns."""
    grid = [[_tidy(cell) for cell in row] for row in grid]
    header, body = grid[0], [row for row in grid[1:] if any(row)]
    keep = [c for c in range(len(header)) if any(row[c] for row in body)]
    return [[row[c] for c in keep] for row in [header, *body]]


def _tidy(cell: str) -> str:
    """One-line cell text with amounts written tight: "$ 1,234" → "$1,234", "5.18 %" → "5.18%"."""
    text = _CURRENCY_GAP.sub(r"\1", " ".join(cell.split()))
    tight = _PERCENT_GAP.sub("", text)
    return tight if is_number(tight) else text  # "Q4 % Change" is a heading, not an amount


def _is_good(grid: Grid) -> bool:
    """A real table: two rows and two columns at least, mostly rows with values, and
    values that are numbers rather than words (a cover page or wrapped prose read as a
    grid has lines of one cell and columns of words)."""
    body = grid[1:]
    if len(body) < 2 or len(grid[0]) < 2:
        return False
    with_values = [row for row in body if any(row[1:])]
    if len(with_values) < 2 or len(with_values) < len(body) / 2:
        return False
    values = [cell for row in with_values for cell in row[1:] if cell]
    if _is_contents(with_values):
        return False
    numeric = sum(1 for cell in values if is_number(cell))
    prose = sum(1 for cell in values if len(cell) > 60)
    return numeric >= MIN_NUMERIC_SHARE * len(values) and prose <= 0.2 * len(values)


def _is_contents(rows: Grid) -> bool:
    """A table of contents: words, then page numbers rising in the last column."""
    last = [row[-1] for row in rows]
    if not all(cell.isdigit() for cell in last):
        return False
    inner = any(is_number(cell) for row in rows for cell in row[1:-1])
    pages = [int(cell) for cell in last]
    return not inner and pages == sorted(pages)
