"""The table finder's character list, built from the words already read off the page.

PyMuPDF's ``page.find_tables`` starts by listing every character of the page
(``pymupdf.table.make_chars``): a second text page with exact glyph boxes, then a dict of two
dozen fields per character, built through PyMuPDF's Python geometry objects. On filings that
was more than half of all extraction time. With the ruling-line strategy docthrift uses
(``use_layout=False``, no text strategy) the finder reads the characters only to ask whether
a shaded box or a candidate table holds any text; it never reads their fonts or colours, and
docthrift rebuilds each table's cells from the page's words itself
(:mod:`extractors.table_layout`).

:func:`words_as_chars` answers those questions from the words: inside it, the finder's
character list holds one entry per word (its box, in the page's and in PDF coordinates, and
its text). Measured on the 878 pages of the 20 FinanceBench filings that reach the finder:
4.4 times faster (69 s to 16 s), the same tables on 870 pages; on the other 8 the word boxes
(a line's full height) and the exact glyph boxes disagree about whether a shaded box or a
candidate table holds text (tables found on some, lost on others). On the 285 such pages of
45 documents of other kinds (papers, manuals, brochures): the same tables on all. Outside
the context manager, or in another thread, the finder runs as shipped.
When PyMuPDF no longer has the function this replaces, nothing is replaced.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pymupdf
from pymupdf import table as _table

Word = tuple[float, float, float, float, str]

_local = threading.local()
_stock: Any = getattr(_table, "make_chars", None)


def supported() -> bool:
    """Whether this PyMuPDF has the character step this module replaces."""
    return _stock is not None and hasattr(_table, "CHARS") and hasattr(_table.CHARS, "_list")


@contextmanager
def words_as_chars(textpage: pymupdf.TextPage, words: list[Word]) -> Iterator[None]:
    """Within the block, ``page.find_tables`` in this thread reads ``words`` as its characters.

    Args:
        textpage: The text page the words came from; the finder keeps it on its tables.
        words: ``(x0, y0, x1, y1, text)`` of the page's non-blank words, page coordinates.
    """
    if not supported():
        yield
        return
    _local.words, _local.textpage = words, textpage
    try:
        yield
    finally:
        _local.words = _local.textpage = None


def _make_chars(page: pymupdf.Page, clip: Any = None) -> Any:
    """Stands in for ``pymupdf.table.make_chars``: fills the finder's list, returns a text page."""
    words: list[Word] | None = getattr(_local, "words", None)
    if words is None or clip is not None:
        return _stock(page, clip=clip)
    _, b, _, d, _, f = tuple(page.transformation_matrix)
    doctop = page.rect.height * page.number
    chars = _table.CHARS._list()
    for x0, y0, x1, y1, text in words:
        ys = (b * x0 + d * y0 + f, b * x1 + d * y0 + f, b * x0 + d * y1 + f, b * x1 + d * y1 + f)
        low, high = min(ys), max(ys)  # the box in PDF coordinates, as the finder compares
        chars.append({"x0": x0, "x1": x1, "top": y0, "bottom": y1, "doctop": y0 + doctop,
                      "y0": low, "y1": high, "width": x1 - x0, "height": y1 - y0,
                      "text": text, "upright": True, "object_type": "char",
                      "page_number": page.number + 1})
    return _local.textpage


# Installed once, at import: without words set in this thread it is the stock function.
if supported():
    _table.make_chars = _make_chars
