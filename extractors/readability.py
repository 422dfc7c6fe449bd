"""Telling readable page text from raw glyph codes, and saying which pages lost what.

A PDF cut short before its fonts' character maps (or one whose fonts never had any) gives
text made of glyph codes: ``"\\x00$\\x00P\\x00F\\x00R"`` for "Amcor". Such text must never
reach the index, where a query would match and cite it. Control characters other than line
breaks and tabs are the sign: in the 20 intact development filings 5 of 155,095 text lines
hold one (at most 5% of that line); in a line of glyph codes at least half the characters are
control characters. A line with :data:`UNREADABLE_SHARE` or more of them is dropped whole;
docs/ingestion.md has the measurements.
"""

from __future__ import annotations

import re
import unicodedata

# Share of a line's visible characters that are control characters from which on the line is
# glyph codes, not text (measured: intact lines at most 0.05, glyph-code lines at least 0.5).
UNREADABLE_SHARE = 0.3
# Two or more glyph codes in a row inside an otherwise readable line (a word set in a font
# whose map was lost): a control character and the byte after it, each. A lone control
# character, as intact filings have, is left alone.
_GLYPH_RUN = re.compile(r"(?:[\x00-\x08\x0b\x0c\x0e-\x1f].){2,}")


def _unprintable(char: str) -> bool:
    return (unicodedata.category(char) == "Cc" and char not in "\n\r\t") or char == "\ufffd"


def is_unreadable(line: str) -> bool:
    """Whether a line of page text is mostly glyph codes rather than characters."""
    visible = [char for char in line if not char.isspace()]
    if not visible:
        return False
    return sum(map(_unprintable, visible)) >= UNREADABLE_SHARE * len(visible)


def readable_line(line: str) -> str:
    """The line without glyph codes: empty when it is mostly glyph codes, else the line with
    its runs of them cut out."""
    return "" if is_unreadable(line) else _GLYPH_RUN.sub("", line)


def readable_text(text: str) -> tuple[str, int]:
    """A page's text without its glyph codes, and how many visible characters went.

    A line that is mostly glyph codes goes whole; a run of them inside a readable line is cut
    out of it. Everything else is kept byte for byte, line breaks included, so a page without
    glyph codes comes back unchanged.
    """
    kept: list[str] = []
    dropped = 0
    for line in text.splitlines(keepends=True):
        clean = readable_line(line)
        if clean != line:
            dropped += _visible(line) - _visible(clean)
            if not clean.strip():
                continue
        kept.append(clean)
    return ("".join(kept), dropped) if dropped else (text, 0)


def _visible(text: str) -> int:
    return sum(not char.isspace() for char in text)


def page_ranges(pages: list[int]) -> str:
    """1-based page numbers as short ranges: ``[1, 2, 3, 7, 9, 10]`` → ``"1-3, 7, 9-10"``."""
    spans: list[list[int]] = []
    for page in sorted(pages):
        if spans and page == spans[-1][1] + 1:
            spans[-1][1] = page
        else:
            spans.append([page, page])
    return ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in spans)


def pages_phrase(pages: list[int]) -> str:
    """``"page 4"`` or ``"pages 1-6, 9"``."""
    return f"page {pages[0]}" if len(pages) == 1 else f"pages {page_ranges(pages)}"
