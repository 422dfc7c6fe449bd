"""Page layout of the sample filings: wrapped text, headings, ruled tables, footers.

``Writer`` lays blocks out top to bottom on US Letter pages in the PDF base-14 Helvetica
fonts, measuring text with the fonts' own advances, and starts a new page when the current
one is full. ``samples.generate`` decides what goes on the pages.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from typing import Any

import pymupdf

PAGE_W, PAGE_H = 612.0, 792.0  # US Letter
LEFT, RIGHT, TOP, BOTTOM = 72.0, 540.0, 72.0, 728.0
BODY, BOLD = "helv", "hebo"  # Helvetica and Helvetica-Bold, built into every PDF reader
BODY_SIZE, LINE_FACTOR, CELL_SIZE, ROW_H = 10.0, 1.35, 9.0, 17.0
HEADING_SIZES = {1: 13.0, 2: 12.0, 3: 11.0}
TOTAL_PREFIXES = ("Gross", "Total", "Operating", "Net income", "Net cash", "Net change",
                  "Cash and cash equivalents at end")
GRID, SHADE = (0.45, 0.45, 0.45), (0.88, 0.91, 0.95)

Grid = list[list[str]]
DocInfo = tuple[str, str, str, str, str, bool]  # footer, title, subject, ticker, date, outline?


@functools.cache
def _advances(font: str) -> dict[str, float]:
    face = pymupdf.Font(font)
    return {chr(code): face.glyph_advance(code) for code in range(32, 127)}


def text_width(text: str, font: str, size: float) -> float:
    # pymupdf.get_text_length costs about 1 ms a call; a cached advance table is exact here.
    advances = _advances(font)
    return sum(advances.get(char, 0.6) for char in text) * size


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap measured in the font's own metrics."""
    lines: list[list[str]] = []
    used, space = 0.0, text_width(" ", font, size)
    for word in text.split():
        extent = text_width(word, font, size)  # no kerning, so widths simply add up
        if lines and used + space + extent <= width:
            lines[-1].append(word)
            used += space + extent
        else:
            lines.append([word])
            used = extent
    return [" ".join(words) for words in lines]


class Writer:
    """Lays blocks out top to bottom and starts a new page when the current one is full."""

    def __init__(self) -> None:
        self.doc = pymupdf.open()
        self.toc: list[list[Any]] = []
        self._start_page()

    def _start_page(self) -> None:
        self.page = self.doc.new_page(width=PAGE_W, height=PAGE_H)
        # One shape a page, committed when the page is done: page.insert_text per line
        # would rebuild the page's resources every call, about ten times slower.
        self.shape = self.page.new_shape()
        self.y = TOP

    def new_page(self) -> None:
        self.shape.commit()
        self._start_page()

    def room(self, height: float) -> None:
        if self.y + height > BOTTOM and self.y > TOP:
            self.new_page()

    def lines(self, text: str, *, font: str = BODY, size: float = BODY_SIZE, center: bool = False,
              x: float = LEFT, width: float = RIGHT - LEFT, after: float = 0.0) -> None:
        wrapped = wrap(text, font, size, width)
        if center:
            for i, line in enumerate(wrapped):
                left = x + (width - text_width(line, font, size)) / 2
                self.shape.insert_text((left, self.y + size * (1 + i * LINE_FACTOR)), line,
                                      fontname=font, fontsize=size)
        elif wrapped:
            self.shape.insert_text((x, self.y + size), wrapped, fontname=font, fontsize=size,
                                  lineheight=LINE_FACTOR)
        self.y += len(wrapped) * size * LINE_FACTOR + after

    def paragraph(self, text: str, *, font: str = BODY, bullet: bool = False,
                  keep: float = 0.0, after: float = 7.0) -> None:
        """A paragraph never breaks across pages, so each fact sits on a single page."""
        indent = 16.0 if bullet else 0.0
        height = len(wrap(text, font, BODY_SIZE, RIGHT - LEFT - indent)) * BODY_SIZE * LINE_FACTOR
        if height > BOTTOM - TOP:
            raise ValueError(f"paragraph longer than a page, split it: {text[:60]!r}")
        self.room(height + keep)
        if bullet:
            self.shape.draw_circle((LEFT + 5, self.y + 6.5), 1.8)
            self.shape.finish(color=None, fill=(0, 0, 0))
        self.lines(text, font=font, x=LEFT + indent, width=RIGHT - LEFT - indent, after=after)

    def heading(self, text: str, level: int, *, center: bool = False) -> None:
        size = HEADING_SIZES[level]
        self.room(size * 3 + 4 * BODY_SIZE * LINE_FACTOR)  # keep it with its first lines
        if self.y > TOP:
            self.y += 8
        self.toc.append([level, text, self.doc.page_count])
        self.lines(text, font=BOLD, size=size, center=center, after=4)

    def columns(self, cells: Sequence[tuple[float, float, str]], *, font: str = BODY,
                size: float = 8.5) -> None:
        """Cells side by side, each ``(x, width, text)``, wrapped within its width."""
        top = bottom = self.y
        for x, width, text in cells:
            self.y = top
            self.lines(text, font=font, size=size, x=x, width=width)
            bottom = max(bottom, self.y)
        self.y = bottom + 4

    def table(self, caption: str, rows: Grid, widths: Sequence[float]) -> None:
        """A ruled grid: shaded bold header, bold total rows, numbers aligned right."""
        self.room(len(rows) * ROW_H + 30)
        if caption:
            self.lines(caption, size=9, after=6)
        xs = [LEFT + sum(widths[:i]) for i in range(len(widths) + 1)]
        top = self.y
        shape = self.shape
        shape.draw_rect(pymupdf.Rect(xs[0], top, xs[-1], top + ROW_H))
        shape.finish(color=None, fill=SHADE)
        for r in range(len(rows)):
            for c in range(len(widths)):
                shape.draw_rect(pymupdf.Rect(xs[c], top + r * ROW_H, xs[c + 1],
                                             top + (r + 1) * ROW_H))
        shape.finish(color=GRID, width=0.6)
        for r, row in enumerate(rows):
            font = BOLD if r == 0 or row[0].startswith(TOTAL_PREFIXES) else BODY
            baseline = top + r * ROW_H + ROW_H / 2 + CELL_SIZE * 0.35
            for c, cell in enumerate(row):
                used = text_width(cell, font, CELL_SIZE)
                if used > widths[c] - 10:  # a generator bug, not a user error
                    raise ValueError(f"table cell {cell!r} is wider than its column")
                x = xs[c] + 5 if c == 0 else xs[c + 1] - 5 - used
                self.shape.insert_text((x, baseline), cell, fontname=font, fontsize=CELL_SIZE)
        self.y = top + len(rows) * ROW_H + 12

    def finish(self, doc_id: str, seed: int, info: DocInfo, *, cover: bool) -> bytes:
        """Adds running footers, outline, fixed metadata and file id; returns the PDF's bytes."""
        self.shape.commit()
        footer, title, subject, ticker, date, outline = info
        for number in range(2 if cover else 1, self.doc.page_count + 1):  # covers: no footer
            page = self.doc[number - 1]
            page.draw_line((LEFT, PAGE_H - 52), (RIGHT, PAGE_H - 52), color=GRID, width=0.4)
            page.insert_text((LEFT, PAGE_H - 40), footer, fontname=BODY, fontsize=8)
            page.insert_text((RIGHT - text_width(str(number), BODY, 8), PAGE_H - 40), str(number),
                             fontname=BODY, fontsize=8)
        if outline:
            self.doc.set_toc(self.toc)
        author = footer.split(" | ")[0]
        self.doc.set_metadata({"title": title, "author": author, "subject": subject,
                               "keywords": ticker, "creator": "docthrift sample generator",
                               "producer": "PyMuPDF", "creationDate": date, "modDate": date})
        # MuPDF would write a random /ID; a derived one keeps reruns byte-identical.
        file_id = hashlib.sha256(f"docthrift:{doc_id}:{seed}".encode()).hexdigest()[:32].upper()
        self.doc.xref_set_key(-1, "ID", f"[<{file_id}><{file_id}>]")
        data: bytes = self.doc.tobytes(garbage=3, deflate=True, no_new_id=True)
        self.doc.close()
        return data
