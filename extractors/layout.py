"""Read a PDF page's text lines, with their boxes and font facts, and find heading candidates.

:func:`read_layout` places each line of a page in its ``page.get_text()``; :func:`find_headings`
picks the lines that head sections: SEC ``Part``/``Item``/``Note`` labels, then short bold or
large lines, skipping tables of contents and running headers and footers.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple

import pymupdf

MAX_HEADING_CHARS = 120

_PART = re.compile(r"(PART|Part)\s+(IV|I{1,3})\b(?!,)")
_ITEM = re.compile(r"(ITEM|Item)\s+(\d{1,2})(?:\.(\d{2}))?([A-Ca-c])?\b(?![,(])")
_NOTE = re.compile(r"(NOTE|Note)\s+\d{1,2}\b(?![,(])")
_TOP = re.compile(
    r"(SIGNATURES?|INDEX TO EXHIBITS|EXHIBIT INDEX|EXHIBIT \d+(\.\d+)*)\W*$", re.IGNORECASE
)
_DANGLING = re.compile(r"(\b(and|or|of|the|for|to|in|on|with|by)|[,–—-])$", re.IGNORECASE)
_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
_ITALIC_FONT = re.compile(r"italic|oblique", re.IGNORECASE)
_MAX_HEADING_LINES = 3  # a longer run of bold lines is an emphasised paragraph
_Kind = tuple[str, tuple[int, ...]] | None  # an SEC label's kind and order key
_Style = tuple[float, bool, bool, bool]  # (-size, not bold, not upper-case, italic): sorts
NOTE_STYLE: _Style = (-1000.0, False, False, False)  # the most prominent first


class Line(NamedTuple):
    """One text line of a page: its text, where it starts in the page's ``get_text()``
    (-1 when it could not be found there), its box and its font facts."""

    text: str
    offset: int
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    bold: bool
    italic: bool


@dataclass(slots=True)
class PageLayout:
    """The text lines of one page in reading order, the page width and its left margin."""

    lines: list[Line]
    width: float
    left: float


class Heading(NamedTuple):
    """A heading found on page ``page`` (0-based) at ``line``; ``end`` is the offset just
    after its lines and ``style`` ranks its look for nesting."""

    page: int
    line: Line
    kind: str  # "part", "item", "top" (Signatures, an exhibit) or "sub"
    text: str
    end: int
    style: _Style = (0.0, False, False, False)


def clean_heading(text: str) -> str:
    """Strip, collapse whitespace (no-break spaces too) and cap a heading at 120 characters."""
    text = " ".join(text.split())
    return (
        text if len(text) <= MAX_HEADING_CHARS else text[:MAX_HEADING_CHARS].rsplit(" ", 1)[0] + "…"
    )


def read_layout(
    page: pymupdf.Page, text: str, textpage: pymupdf.TextPage | None = None
) -> PageLayout:
    """Read a page's lines and find each in ``text``, the page's ``get_text()``.

    ``textpage``, when given, is the text page ``text`` came from (``TEXTFLAGS_TEXT``); reusing
    it spares parsing the page twice.
    """
    if textpage is not None:
        data = page.get_text("dict", textpage=textpage)
    else:
        data = page.get_text("dict", flags=pymupdf.TEXTFLAGS_TEXT)
    rows = text.split("\n")
    starts = [0]
    for row in rows[:-1]:
        starts.append(starts[-1] + len(row) + 1)
    stripped = [row.strip() for row in rows]
    lines: list[Line] = []
    cursor = 0
    for block in data["blocks"]:
        for line in block.get("lines", ()):
            spans = [s for s in line["spans"] if s["text"].strip()]
            raw = "".join(s["text"] for s in line["spans"]).strip()
            offset = -1
            for j in range(cursor, min(cursor + 64, len(rows)) if spans else 0):
                if stripped[j] == raw:
                    offset, cursor = starts[j], j + 1
                    break
            if spans:
                size = round(max(spans, key=lambda s: len(s["text"].strip()))["size"], 1)
                bold = all(s["flags"] & 16 or _BOLD_FONT.search(s["font"]) for s in spans)
                italic = all(s["flags"] & 2 or _ITALIC_FONT.search(s["font"]) for s in spans)
                x0, y0, x1, y1 = line["bbox"]
                lines.append(Line(raw, offset, x0, y0, x1, y1, size, bool(bold), bool(italic)))
    left = min((line.x0 for line in lines), default=0.0)
    return PageLayout(lines=lines, width=page.rect.width, left=left)


def norm(text: str, keep: str = "a-z0-9") -> str:
    """``text`` lower-cased with every run of characters outside ``keep`` removed: a key
    for comparing headings and titles."""
    return re.sub(f"[^{keep}]+", "", text.lower())


# --- heading candidates ------------------------------------------------------------------


def _sec_kind(text: str) -> _Kind:
    """('part' | 'item' | 'note', order key) when ``text`` opens with an SEC label."""
    if m := _PART.match(text):
        return "part", (("I", "II", "III", "IV").index(m.group(2)),)
    if m := _ITEM.match(text):
        letter = ord((m.group(4) or "@").upper()) - ord("@")
        return "item", (int(m.group(2)), int(m.group(3) or 0), letter)
    return ("note", ()) if _NOTE.match(text) else None


def _wordy(text: str) -> bool:
    """Mostly letters: not a row of figures."""
    letters = sum(ch.isalpha() for ch in text)
    return letters >= 3 and letters >= 0.6 * sum(not ch.isspace() for ch in text)


def _looks_like_heading(text: str) -> bool:
    first = text[:1]
    return (
        _wordy(text)
        and len(text) <= 100
        and (first.isupper() or first.isdigit())
        and text[-1] not in ",;"
    )


def _run(lines: list[Line], start: int, kinds: list[_Kind], labelled: bool) -> list[Line]:
    """The heading's lines: ``lines[start]`` and the lines on its row or just below that
    continue it. A labelled heading ('Item 7.', 'Note 3') takes more lines only while its
    title is missing or stops mid-phrase, so a sub-heading right below it stays apart."""
    run = [lines[start]]
    while start + len(run) < len(lines) and len(run) <= _MAX_HEADING_LINES:
        prev, line = run[-1], lines[start + len(run)]
        height = max(prev.y1 - prev.y0, 1.0)
        near = (abs(line.y0 - prev.y0) < height / 2 and line.x0 >= prev.x1 - 1) or (
            -1 <= line.y0 - prev.y1 < 0.6 * height
        )
        alike = (
            line.bold if labelled else line.bold == prev.bold and abs(line.size - prev.size) < 0.6
        )
        if not (near and alike and _wordy(line.text)) or kinds[start + len(run)] is not None:
            break
        if labelled:
            title = re.sub(r"^\w+\s+[\w.]+", "", " ".join(x.text for x in run)).strip(" .:-–—")
            if title and not line.text[:1].islower() and not _DANGLING.search(title):
                break
        run.append(line)
    return run


def _alone_on_row(page: PageLayout, line: Line) -> bool:
    """True when no other text sits beside the line, as table cells and headers do."""
    half = (line.y1 - line.y0) / 2
    return not any(
        (other.x0 >= line.x1 - 1 or other.x1 <= line.x0 + 1)
        and min(line.y1, other.y1) - max(line.y0, other.y0) > half
        for other in page.lines
        if other is not line
    )


def _is_contents(page: PageLayout, kinds: list[_Kind]) -> bool:
    """True for a table of contents: Parts and Items beside a column of rising page numbers."""
    labels = sum(kind is not None and kind[0] != "note" for kind in kinds)
    right = page.left + page.width / 2
    numbers = [int(line.text) for line in page.lines if line.text.isdigit() and line.x0 > right]
    return labels >= 12 or labels >= 3 and len(numbers) >= 5 and numbers == sorted(numbers)


def find_headings(pages: list[PageLayout]) -> list[Heading]:
    """Headings in reading order: SEC Parts, Items and Notes, then short bold or large lines.

    Running headers and footers never count: a line on half of the pages is skipped, and a
    line among the first or last three of three or more pages counts only the first time.
    """
    keys = [[norm(line.text, "a-z") for line in page.lines] for page in pages]
    anywhere: Counter[str] = Counter(k for page_keys in keys for k in set(page_keys))
    margins: Counter[str] = Counter(k for ks in keys for k in set(ks[:3] + ks[-3:]))
    everywhere = {k for k, n in anywhere.items() if n >= max(3, len(pages) // 2)}
    seen: set[str] = set()
    found: list[Heading] = []
    last_item: dict[int, tuple[int, ...]] = {}  # Items must rise within a Part
    part = -1
    for index, page in enumerate(pages):
        lines, kinds = page.lines, [_sec_kind(line.text) for line in page.lines]
        if _is_contents(page, kinds):
            continue
        sizes: Counter[float] = Counter()
        for line in lines:
            sizes[round(line.size * 2) / 2] += len(line.text)
        body = sizes.most_common(1)[0][0] if sizes else 0.0
        i = 0
        while i < len(lines):
            line, kind, key, run = lines[i], kinds[i], keys[index][i], [lines[i]]
            at_left = line.x0 - page.left <= 0.08 * page.width
            centred = abs((line.x0 + line.x1) / 2 - page.width / 2) < 0.06 * page.width
            if (
                line.offset < 0
                or not (line.bold or line.size >= body * 1.15)
                or line.size < body * 0.9
                or not (at_left or centred or _TOP.match(line.text))
                or key in everywhere
            ):
                pass
            elif kind is not None and kind[0] == "part":
                if kind[1][0] != part:
                    part = kind[1][0]
                    found.append(Heading(index, line, "part", _label(run), _end(run)))
            elif kind is not None and kind[0] == "item":
                if kind[1] > last_item.get(part, ()):
                    last_item[part] = kind[1]
                    run = _run(lines, i, kinds, labelled=True)
                    found.append(Heading(index, line, "item", _label(run), _end(run)))
            elif kind is not None:  # a note to the financial statements
                run = _run(lines, i, kinds, labelled=True)
                found.append(Heading(index, line, "sub", _label(run), _end(run), NOTE_STYLE))
            elif _TOP.match(line.text) and _alone_on_row(page, line):
                found.append(Heading(index, line, "top", clean_heading(line.text), _end(run)))
            elif _looks_like_heading(line.text):
                run = _run(lines, i, kinds, labelled=False)
                if len(run) > _MAX_HEADING_LINES:
                    i += len(run)  # an emphasised paragraph, not a heading
                    continue
                if (key not in margins or key not in seen) and _alone_on_row(page, line):
                    seen.add(key)
                    style = (
                        -round(line.size * 2) / 2,
                        not line.bold,
                        not line.text.isupper(),
                        line.italic,
                    )
                    text = clean_heading(" ".join(x.text for x in run))
                    found.append(Heading(index, line, "sub", text, _end(run), style))
                else:
                    run = [line]
            i += len(run)
    return found


def _label(run: list[Line]) -> str:
    """'ITEM\xa07.  MANAGEMENT’S ...' -> 'Item 7. MANAGEMENT’S ...': one spelling of the label."""
    text = clean_heading(" ".join(line.text for line in run))
    word = text.split(" ", 1)[0]
    return word.capitalize() + text[len(word) :]


def _end(run: list[Line]) -> int:
    last = run[-1] if run[-1].offset >= 0 else run[0]
    return last.offset + len(last.text)
