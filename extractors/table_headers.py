"""Header rows of the tables that :mod:`extractors.table_layout` rebuilds from words.

Column headings rarely sit inside the finder's box: the year columns usually stand on the
lines right above the body ("2022 2021 2020", "Year Ended December 31,"), and a body's
first rows may name columns rather than hold amounts. Both are collected here, each cell
is assigned to the columns it names (a heading centred over several spans them all), and
the lines of a multi-level header are flattened into one row added on top of the body.
"""

from __future__ import annotations

import pymupdf

from extractors.table_layout import (
    Area,
    Grid,
    Line,
    Segment,
    body_grid,
    is_amount,
    is_number,
    is_year,
    line_segments,
    nearest_column,
    region_bodies,
    value_segments,
)

MAX_HEADER_LINES = 4


def region_grids(
    lines: list[Line], box: pymupdf.Rect, top: float, limit: float
) -> list[tuple[Grid, float]]:
    """The tables inside one box of the table finder, as raw grids.

    Args:
        lines: All lines of the page, from :func:`~extractors.table_layout.group_lines`.
        box: A box where the finder saw a table (boxes of stacked rows merged).
        top: Header lines are not searched above this y (the previous table's bottom).
        limit: Rows below the box are taken up to this y (the next box's top): a last
            row left unshaded falls outside the finder's box.

    Returns:
        For each run of lines with value cells: its grid, header row first (possibly
        all empty), and the y where it ends.
    """
    grids: list[tuple[Grid, float]] = []
    for body, area in region_bodies(lines, box, top, limit):
        grid = _build_grid(lines, body, area)
        if grid is not None:
            grids.append((grid, body[-1][0].y1))
    return grids


def _build_grid(
    lines: list[Line], body: list[tuple[Line, list[Segment]]], area: Area
) -> Grid | None:
    """Rows of cells for one table body plus the header lines found above it."""
    label_limit = area.label_limit
    lead = _leading_header_rows(body, label_limit)
    body = body[len(lead) :]
    grid = body_grid(body, label_limit)
    if grid is None:
        return None
    rows, columns = grid
    value_x0 = columns[0][0]
    first = (lead or body)[0][0]
    labels, above = _lines_above(lines, first, area, value_x0, bool(lead))
    rows = [[" ".join(s.text for s in segs)] + [""] * len(columns) for segs in labels] + rows
    header = _header([*above, *(segs for _, segs in lead)], value_x0, columns)
    return [header, *rows]


def _leading_header_rows(
    body: list[tuple[Line, list[Segment]]], label_limit: float
) -> list[tuple[Line, list[Segment]]]:
    """First rows of a body that name columns (years, dates, words) rather than hold amounts."""
    lead: list[tuple[Line, list[Segment]]] = []
    for line, segs in body[:MAX_HEADER_LINES]:
        values = value_segments(segs, label_limit)
        if not values or any(is_amount(s.text) for s in values):
            break  # a row label ("ASSETS") or amounts: the body has begun
        lead.append((line, segs))
    rest = body[len(lead) :]
    has_amounts = any(
        is_amount(s.text) for _, segs in rest for s in value_segments(segs, label_limit)
    )
    return lead if rest and has_amounts else []


def _lines_above(
    lines: list[Line], first: Line, area: Area, value_x0: float, in_header: bool
) -> tuple[list[list[Segment]], list[list[Segment]]]:
    """Lines right above a table body: rows without amounts, then the header.

    Args:
        lines: All lines of the page.
        first: The body's first line.
        area: Where the table may lie.
        value_x0: Where the value columns begin.
        in_header: Whether ``first`` is already a header line (no row labels above it).

    Returns:
        Label-only lines ("Assets", "Current assets:") and header lines, top to bottom.
        Label-only lines outside the finder's box count only when a header sits above them.
    """
    index = next(i for i, line in enumerate(lines) if line is first)
    labels: list[tuple[bool, list[Segment]]] = []
    header: list[list[Segment]] = []
    bottom = first.y0
    for line in reversed(lines[max(0, index - 3 * MAX_HEADER_LINES) : index]):
        if line.y1 <= area.floor or len(header) == MAX_HEADER_LINES:
            break
        if bottom - line.y1 > 3 * (line.y1 - line.y0):
            break
        segs = line_segments(line, area.x0, area.x1)
        if not segs:
            continue
        if len(segs) == 1 and segs[0].x0 < value_x0 - 2 < segs[0].x1:
            break  # a title or a sentence across the columns
        if any(is_amount(s.text) for s in segs[1:]):
            break  # a row of another table
        if sum(len(s.text.split()) for s in segs) >= 15 or any(
            len(s.text.split()) >= 6 for s in segs if s.x0 >= value_x0 - 2
        ):
            break  # a line of a paragraph
        if not any(s.x0 >= value_x0 - 2 for s in segs):
            if in_header or header or len(labels) == 3:
                break
            labels.append(((line.y0 + line.y1) / 2 >= area.box_top - 1, segs))
        else:
            header.append(segs)
        bottom = line.y0
    kept = [segs for inside, segs in labels if inside or header]
    return kept[::-1], header[::-1]


def _header(
    header_lines: list[list[Segment]], value_x0: float, columns: list[tuple[float, float]]
) -> list[str]:
    """The header row: each header line's cells added to the columns they stand over."""
    header = [""] * (len(columns) + 1)
    for segs in header_lines:
        labels = [s.text for s in segs if s.x1 < value_x0 - 2]
        if labels:
            header[0] = " ".join([header[0], *labels]).strip()
        over = [s for s in segs if s.x1 >= value_x0 - 2]
        for seg, cols in _header_columns(over, columns):
            for col in cols:
                header[col + 1] = f"{header[col + 1]} {seg.text}".strip()
    return header


def _header_columns(
    segs: list[Segment], columns: list[tuple[float, float]]
) -> list[tuple[Segment, list[int]]]:
    """Columns each header cell names.

    Years and complete header lines name one column each. Other text names the columns
    under it: all of those between its neighbours when centred over them ("Year Ended
    December 31," over three year columns), else those whose cell it overlaps, a cell
    reaching left to the previous column (amounts are right-aligned, headings are not).
    """
    gap = columns[1][0] - columns[0][1] if len(columns) > 1 else 0.0
    cells = [(columns[i - 1][1] if i else c0 - gap, c1) for i, (c0, c1) in enumerate(columns)]
    centers = [(c0 + c1) / 2 for c0, c1 in columns]
    result: list[tuple[Segment, list[int]]] = []
    for i, seg in enumerate(segs):
        if is_year(seg.text) or is_number(seg.text) or len(segs) >= len(columns):
            result.append((seg, [nearest_column(seg, columns)]))
            continue
        lo = (segs[i - 1].center + seg.center) / 2 if i > 0 else float("-inf")
        hi = (seg.center + segs[i + 1].center) / 2 if i + 1 < len(segs) else float("inf")
        group = [c for c, center in enumerate(centers) if lo <= center < hi]
        if len(group) > 1:
            left, right = columns[group[0]][0], columns[group[-1]][1]
            if abs(seg.center - (left + right) / 2) < 0.15 * (right - left):
                result.append((seg, group))
                continue
        under = [c for c in group if min(cells[c][1], seg.x1) - max(cells[c][0], seg.x0) > 0]
        result.append((seg, under or [nearest_column(seg, columns)]))
    return result
