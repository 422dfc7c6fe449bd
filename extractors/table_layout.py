"""Rebuild a table's grid from the words of a PDF page.

The table finder says where a table is; the words say what is in it. Words are grouped
into lines, each line into cells (words closer than a space or two), the cells into
columns by their x-ranges. Columns holding only "$" fold into the amount on their right,
")" and "%" into the one on their left. The header row, from the lines above the body and
its leading lines that name columns, is added by :mod:`extractors.table_headers`.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

import pymupdf

Grid = list[list[str]]
Word = tuple[float, float, float, float, str]


_CURRENCY = {"$", "€", "£", "¥", "US$", "C$", "A$"}
_NUMBER = re.compile(
    r"^[$€£¥]?\s*\(?[-+−]?[$€£¥]?\s*\d(?:[\d,]*\d)?(\.\d+)?\s*\)?\s*(%|pts?|bps|x)?\)?\*?$|^[—–-]+$"
)
_BULLETS = {"•", "●", "◦", "▪", "■", "○", "–", "-", "*"}
_YEAR = re.compile(r"^(19|20)\d\d$")


@dataclass
class Segment:
    """Words of one line close enough together to be one cell."""

    x0: float
    x1: float
    text: str

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class Area:
    """Where one table may lie: its x-range, where the value labels end, the finder's top
    edge and the bottom of the table above it (header lines are not searched past it)."""

    x0: float
    x1: float
    label_limit: float
    box_top: float
    floor: float


@dataclass
class Line:
    """Words sharing a baseline, left to right."""

    y0: float
    y1: float
    words: list[Word] = field(default_factory=list)


def group_lines(words: list[Word]) -> list[Line]:
    """Group words into lines by vertical overlap, top to bottom."""
    lines: list[Line] = []
    for word in sorted(words, key=lambda w: ((w[1] + w[3]) / 2, w[0])):
        center = (word[1] + word[3]) / 2
        line = lines[-1] if lines else None
        if line is not None and line.y0 <= center <= line.y1:
            line.words.append(word)
            line.y0, line.y1 = min(line.y0, word[1]), max(line.y1, word[3])
        else:
            lines.append(Line(word[1], word[3], [word]))
    for line in lines:
        line.words.sort(key=lambda w: w[0])
    return lines


def line_height(lines: list[Line]) -> float:
    """The median height of the page's lines."""
    return statistics.median(line.y1 - line.y0 for line in lines) if lines else 10.0


def merge_boxes(boxes: list[pymupdf.Rect], height: float) -> list[pymupdf.Rect]:
    """Join the boxes of one table: shaded rows come back as one box each (an unshaded row
    between them may take two lines), and a table may be cut into side-by-side halves."""
    merged: list[pymupdf.Rect] = []
    for box in sorted(boxes, key=lambda b: b.y0):
        for i, last in enumerate(merged):
            across = min(last.x1, box.x1) - max(last.x0, box.x0)
            down = min(last.y1, box.y1) - max(last.y0, box.y0)
            stacked = box.y0 - last.y1 < 3.5 * height and across > 0.5 * min(last.width, box.width)
            beside = down > 0.5 * min(last.height, box.height) and across > -3 * height
            if stacked or beside:
                merged[i] = last | box
                break
        else:
            merged.append(pymupdf.Rect(box))
    return merged


def line_segments(line: Line, x0: float, x1: float) -> list[Segment]:
    """Cells of one line inside [x0, x1]: words joined across gaps shorter than a space or two."""
    height = line.y1 - line.y0
    segments: list[Segment] = []
    for wx0, _, wx1, _, text in line.words:
        if (wx0 + wx1) / 2 < x0 or (wx0 + wx1) / 2 > x1:
            continue
        last = segments[-1] if segments else None
        if last is not None and _joins(last, wx0, text, height):
            if last.text in _CURRENCY:  # the amount, not its "$", says where the column is
                last.x0 = wx0
            last.x1, last.text = wx1, f"{last.text} {text}"
        else:
            segments.append(Segment(wx0, wx1, text))
    return segments


def _joins(last: Segment, x0: float, text: str, height: float) -> bool:
    """Whether the word at ``x0`` continues the cell ``last``."""
    gap = x0 - last.x1
    tail = last.text.rsplit(" ", 1)[-1]
    if tail in _CURRENCY or last.text in _BULLETS:  # "$" belongs to the amount after it
        return gap < 2.5 * height
    if text in _CURRENCY:  # ...and never to the amount before it
        return False
    if text in {")", "%"}:
        return gap < 0.5 * height
    if _NUMBER.match(tail) and _NUMBER.match(text):
        return gap < 0.25 * height
    return gap < 0.5 * height


def region_bodies(
    lines: list[Line], box: pymupdf.Rect, top: float, limit: float
) -> list[tuple[list[tuple[Line, list[Segment]]], Area]]:
    """The table bodies inside one box of the table finder.

    Args:
        lines: All lines of the page, from :func:`group_lines`.
        box: A box where the finder saw a table (boxes of stacked rows merged).
        top: Header lines are not searched above this y (the previous table's bottom).
        limit: Rows below the box are taken up to this y (the next box's top): a last
            row left unshaded falls outside the finder's box.

    Returns:
        For each run of lines with value cells, ending at its last row of values: the
        run, and the area its header lines are searched in (down to the previous run).
    """
    x0, x1 = box.x0 - 2, box.x1 + 2
    label_limit = box.x0 + 0.35 * box.width
    start = box.y0 - 1
    for line in reversed([ln for ln in lines if top < ln.y0 and ln.y1 < start][-2:]):
        # a first row left unshaded sits right above the finder's box
        kind = _row_kind(line_segments(line, x0, x1), label_limit, box.width)
        if kind != "values" or start - line.y1 > line.y1 - line.y0:
            break
        start = line.y0
    scope = [ln for ln in lines if start <= (ln.y0 + ln.y1) / 2 <= limit]
    runs = _runs(scope, x0, x1, label_limit, box)
    bodies: list[tuple[list[tuple[Line, list[Segment]]], Area]] = []
    for body in runs:
        while _row_kind(body[-1][1], label_limit, box.width) != "values":
            body.pop()
        bodies.append((body, Area(x0, x1, label_limit, start, top)))
        top = body[-1][0].y1
    return bodies


def _runs(
    lines: list[Line], x0: float, x1: float, label_limit: float, box: pymupdf.Rect
) -> list[list[tuple[Line, list[Segment]]]]:
    """Runs of lines that make one table each, every run starting with a row of values.

    A run ends at a line of prose, a wide vertical gap, a long stretch without values,
    a new line of column headings after rows of amounts (the next table), or below the
    finder's box at the first line that is not a row of values.
    """
    runs: list[list[tuple[Line, list[Segment]]]] = []
    run: list[tuple[Line, list[Segment]]] = []
    idle, amounts = 0, False
    for line in lines:
        segs = line_segments(line, x0, x1)
        kind = _row_kind(segs, label_limit, box.width)
        if (line.y0 + line.y1) / 2 > box.y1 + 1 and kind != "values":
            break
        values = value_segments(segs, label_limit)
        heading = len(values) >= 2 and not any(is_amount(v.text) for v in values)
        gap = line.y0 - run[-1][0].y1 if run else 0.0
        wide = gap > 3 * (line.y1 - line.y0)
        if run and (kind == "prose" or wide or idle >= 4 or (heading and amounts)):
            runs.append(run)
            run, idle, amounts = [], 0, False
        if kind == "values":
            run.append((line, segs))
            idle = 0
            amounts = amounts or any(is_amount(v.text) for v in values)
        elif run and kind == "idle":
            run.append((line, segs))
            idle += 1
    if run:
        runs.append(run)
    return runs


def _row_kind(segs: list[Segment], label_limit: float, width: float) -> str:
    """Classify a line: "values" for a row with amounts, "prose" for running text, else "idle".

    Idle lines (a label alone, a row of words, a page number) stay in a table when rows
    with amounts follow them; a line of prose ends the table.
    """
    values = value_segments(segs, label_limit)
    if any(len(v.text.split()) >= 6 and not is_number(v.text) for v in values):
        return "prose"  # justified text read as several cells
    if len(segs) == 1 and segs[0].x1 - segs[0].x0 > 0.65 * width:
        return "prose" if len(segs[0].text.split()) >= 8 else "idle"
    if len(segs) < 2 or not any(is_number(v.text) for v in values):
        return "idle"
    return "values"


def value_segments(segs: list[Segment], label_limit: float) -> list[Segment]:
    """The segments of a row that are not its label."""
    if not segs:
        return []
    first = segs[0]
    if first.x0 < label_limit and not is_number(first.text):
        return segs[1:]
    return segs


def body_grid(
    body: list[tuple[Line, list[Segment]]], label_limit: float
) -> tuple[Grid, list[tuple[float, float]]] | None:
    """Rows of cells of a table body, row label first, and the x-ranges of its value
    columns; None when the body has no value cells."""
    columns = _columns([s for _, segs in body for s in value_segments(segs, label_limit)])
    if not columns:
        return None
    rows: Grid = []
    for _, segs in body:
        cells = [""] * (len(columns) + 1)
        values = {id(s) for s in value_segments(segs, label_limit)}
        for seg in segs:
            col = 1 + nearest_column(seg, columns) if id(seg) in values else 0
            cells[col] = f"{cells[col]} {seg.text}".strip()
        rows.append(cells)
    return _merge_symbol_columns(rows, columns)


def is_number(text: str) -> bool:
    """Whether a cell is an amount, a percentage, a year or a dash standing for zero."""
    return bool(_NUMBER.match(text.strip()))


def is_amount(text: str) -> bool:
    """A number that is not a year: "1,234", "(5)", "4.5%"."""
    return is_number(text) and not _YEAR.match(text.strip())


def is_year(text: str) -> bool:
    """Whether a cell is a year as written: "2024" (no surrounding space)."""
    return bool(_YEAR.match(text))


def _columns(values: list[Segment]) -> list[tuple[float, float]]:
    """Column intervals: the x-ranges of value cells, overlapping ones joined."""
    columns: list[tuple[float, float]] = []
    for seg in sorted(values, key=lambda s: s.x0):
        if columns and seg.x0 <= columns[-1][1] + 1:
            columns[-1] = (columns[-1][0], max(columns[-1][1], seg.x1))
        else:
            columns.append((seg.x0, seg.x1))
    return columns


def nearest_column(seg: Segment, columns: list[tuple[float, float]]) -> int:
    def distance(col: tuple[float, float]) -> float:
        overlap = min(col[1], seg.x1) - max(col[0], seg.x0)
        return -overlap if overlap > 0 else abs((col[0] + col[1]) / 2 - seg.center)

    return min(range(len(columns)), key=lambda i: distance(columns[i]))


def _merge_symbol_columns(
    rows: Grid, columns: list[tuple[float, float]]
) -> tuple[Grid, list[tuple[float, float]]]:
    """Fold columns holding only "$" into the amount on their right, ")" or "%" on their left."""
    col = 1
    while col < len(rows[0]):
        cells = {row[col] for row in rows} - {""}
        target = None
        if cells and cells <= _CURRENCY and col + 1 < len(rows[0]):
            target = col + 1
        elif cells and cells <= {")", "%", ")%"} and col > 1:
            target = col - 1
        if target is None:
            col += 1
            continue
        for row in rows:
            left, right = (row[col], row[target]) if target > col else (row[target], row[col])
            row[target] = f"{left}{right}"
            del row[col]
        lo, hi = sorted((col - 1, target - 1))
        columns[lo] = (columns[lo][0], columns[hi][1])
        del columns[hi]
    return rows, columns
