"""Split a PDF's pages into sections under heading paths.

Strategies, in order: the PDF outline when it passes sanity checks; headings read from the
layout (SEC ``Part``/``Item``/``Note`` labels, then short bold or large lines, nested
Part > Item > two style-ranked levels); else one section per page. Every strategy only cuts
each page's ``page.get_text()`` at the start of heading lines, so for any page the sections'
texts for that page, concatenated in order, equal its text: nothing is lost or reordered.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from typing import NamedTuple

import pymupdf

from core.models import PageText, Section
from extractors.layout import (
    NOTE_STYLE,
    Heading,
    Line,
    PageLayout,
    clean_heading,
    find_headings,
    norm,
    read_layout,
)

log = logging.getLogger(__name__)

FRONT_MATTER = "Front matter"
_TINY_SECTION = 50  # words under which a plain sub-section joins the section before...
_MERGED_LIMIT = 3000  # ... unless that one already holds this many characters


class _Cut(NamedTuple):
    """A heading: the section under ``path`` starts at ``offset`` of page ``page`` (0-based)."""

    page: int
    offset: int
    path: tuple[str, ...]
    end: int  # offset just after the heading's lines
    minor: bool = False  # a plain sub-heading, whose tiny section may join the one before


# --- strategy 1: the outline -------------------------------------------------------------


def _locate(page: PageLayout, title: str, y: float | None, after: int) -> tuple[Line | None, bool]:
    """The line (at or after offset ``after``) that best matches an outline entry's title,
    else the first line at the entry's destination height ``y``; and whether the title matched."""
    want, best = norm(title), None
    for line in page.lines:
        have = norm(line.text)
        if line.offset < after or not have:
            continue
        if have == want:
            return line, True
        if have.startswith(want) and len(want) >= 4:
            best = best if best and best[0] == 2 else (2, line)
        elif want.startswith(have) and len(have) >= 5 and best is None:
            best = (1, line)
    if best or y is None:
        return (best[1], True) if best else (None, False)
    below = [line for line in page.lines if line.y1 > y + 1 and line.offset >= after]
    return min(below, key=lambda line: (line.y0, line.offset), default=None), False


def _outline_cuts(doc: pymupdf.Document, pages: list[PageLayout]) -> list[_Cut]:
    """Cuts at the outline's entries; none when the outline fails the sanity checks."""
    count, entries = doc.page_count, []
    try:
        toc = doc.get_toc(simple=False)
    except Exception as exc:  # noqa: BLE001 - a malformed outline: the layout takes over
        log.warning("the PDF outline cannot be read (%s); reading headings from the layout", exc)
        return []
    for level, title, page, *dest in toc:
        to = dest[0].get("to") if dest and isinstance(dest[0], dict) else None
        y = to.y if to is not None and math.isfinite(to.y) and to.y > 0 else None
        if 1 <= page <= count and clean_heading(title):
            entries.append((level, clean_heading(title), page - 1, y))
    if len(entries) < 3 or len(entries) > 5 * count:
        return []
    covered = max(e[2] for e in entries) - min(e[2] for e in entries) + 1
    fragments = sum(len(e[1]) > 100 for e in entries)
    if (count > 4 and covered < count / 2) or fragments > len(entries) / 2:
        return []  # an outline of a corner of the document, or of paragraph fragments
    # A single top entry (the document's title) would head every path: leave it out.
    root = sum(e[0] <= entries[0][0] for e in entries) == 1
    cuts: list[_Cut] = []
    stack: list[tuple[int, str]] = []
    found = 0
    for level, title, index, y in entries:
        after = cuts[-1].offset if cuts and cuts[-1].page == index else 0
        line, titled = _locate(pages[index], title, y, after)
        found += line is not None
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, title))
        path = tuple(t for _, t in stack)
        offset = line.offset if line else after
        end = offset + len(line.text) if line and titled else offset
        cuts.append(_Cut(index, offset, path[1:] if root and len(path) > 1 else path, end))
    if found < len(entries) / 2:
        log.debug("outline ignored: %d of its %d entries found on their pages", found, len(entries))
        return []
    return cuts


# --- strategy 2: headings from the layout ------------------------------------------------


def _sub_levels(found: list[Heading]) -> dict[int, int]:
    """Level (1 or 2) of each sub-heading, from its style ranked within its Item.

    Inside an Item, a style more prominent than the Item's most common one and used at least
    twice opens level 1 (Notes always do); the others are level 2. Outside Items (earnings
    releases, exhibits) all are level 1: a wrongly guessed parent would stay in every path.
    """
    levels: dict[int, int] = {}
    scope: list[int] = []
    for n in range(len(found) + 1):
        if n < len(found) and found[n].kind == "sub":
            scope.append(n)
            continue
        counts = Counter(found[k].style for k in scope)
        in_item = bool(scope) and scope[0] > 0 and found[scope[0] - 1].kind == "item"
        common = counts.most_common(1)[0][0] if in_item else None
        major = {s for s, c in counts.items() if common and s < common and c >= 2}
        levels.update({k: 1 if found[k].style in major or not major else 2 for k in scope})
        scope = []
    return levels


def _layout_cuts(pages: list[PageLayout]) -> list[_Cut]:
    """Cuts at the layout's headings, nested Part > Item > two sub-heading levels."""
    found = find_headings(pages)
    levels = _sub_levels(found)
    outer: tuple[str, ...] = ()  # the Part and Item, or a top heading such as Signatures
    subs: list[str] = []
    cuts: list[_Cut] = []
    for n, h in enumerate(found):
        if h.kind in ("part", "top"):
            outer, subs = (h.text,), []
        elif h.kind == "item":
            outer, subs = (
                (outer[:1] if outer[:1] and outer[0].startswith("Part") else ()) + (h.text,),
                [],
            )
        elif subs and norm(subs[-1]) == norm(h.text):
            continue  # the same heading again at the top of the next page
        else:
            subs = subs[: levels[n] - 1] + [h.text]
        minor = h.kind == "sub" and h.style != NOTE_STYLE
        cuts.append(_Cut(h.page, h.line.offset, outer + tuple(subs), h.end, minor))
    return cuts


# --- assembling sections -----------------------------------------------------------------


def _join(first: list[PageText], second: list[PageText]) -> list[PageText]:
    """Concatenate two runs of page texts, fusing the page they share."""
    if first and second and first[-1].page == second[0].page:
        fused = PageText(page=second[0].page, text=first[-1].text + second[0].text)
        return first[:-1] + [fused] + second[1:]
    return first + second


def _slice(cut: _Cut, stop: _Cut, texts: list[str]) -> list[PageText]:
    """The text from ``cut`` up to ``stop``, page by page."""
    last = stop.page if stop.offset > 0 or stop.page == cut.page else stop.page - 1
    return [
        PageText(
            page=page + 1,
            text=texts[page][
                cut.offset if page == cut.page else 0 : stop.offset if page == stop.page else None
            ],
        )
        for page in range(cut.page, last + 1)
    ]


def _assemble(cuts: list[_Cut], texts: list[str]) -> list[Section]:
    """Slice the page texts between consecutive cuts into sections.

    Whitespace joins the section before; a bare heading ('PART II') opens its first child's
    section; a tiny plain sub-section joins a short section before it under the same parent.
    """
    cuts = sorted(cuts, key=lambda c: (c.page, c.offset))
    if (cuts[0].page, cuts[0].offset) != (0, 0):
        cuts.insert(0, _Cut(0, 0, (FRONT_MATTER,), 0))
    stops = cuts[1:] + [_Cut(len(texts) - 1, len(texts[-1]), (), 0)]
    kept: list[tuple[_Cut, list[PageText]]] = []
    carry: list[PageText] = []  # text held back for the next section
    for cut, stop in zip(cuts, stops):
        own = _slice(cut, stop, texts)
        opened, parts, carry = bool(carry), _join(carry, own), []
        visible = sum(len(part.text.split()) for part in parts)
        if kept and (not visible or not opened and _is_tiny_sibling(cut, visible, *kept[-1])):
            kept[-1] = (kept[-1][0], _join(kept[-1][1], parts))
        elif not visible or _opens_child(cut, stop, "".join(part.text for part in own)):
            carry = parts
        else:
            kept.append((cut, parts))
    return [
        Section(
            path=list(c.path), level=len(c.path), page_start=p[0].page, page_end=p[-1].page, pages=p
        )
        for c, p in kept
    ]


def _is_tiny_sibling(cut: _Cut, words: int, before: _Cut, parts: list[PageText]) -> bool:
    """True when ``cut`` opens a tiny plain sub-section that may join the short section
    ``before`` (with its ``parts``) under the same parent heading."""
    return (
        cut.minor
        and len(cut.path) > 1
        and words < _TINY_SECTION
        and sum(len(part.text) for part in parts) < _MERGED_LIMIT
        and before.path[: len(cut.path) - 1] == cut.path[:-1]
    )


def _opens_child(cut: _Cut, stop: _Cut, text: str) -> bool:
    """True when the section under ``cut`` holds only its heading and ``stop`` is its child."""
    bare = not text[max(cut.end - cut.offset, 0) :].strip()
    return bare and len(stop.path) > len(cut.path) and stop.path[: len(cut.path)] == cut.path


def build_sections(
    doc: pymupdf.Document, texts: list[str], *, layouts: list[PageLayout] | None = None
) -> list[Section]:
    """Split a document into sections under heading paths.

    Args:
        doc: The open PDF.
        texts: ``page.get_text()`` of every page, in page order.
        layouts: Each page's :func:`read_layout`, when the caller already has them.

    Returns:
        Sections in reading order. For every page, the texts of the sections' ``PageText``
        for that page, concatenated, equal ``texts[page - 1]``.
    """
    if len(texts) != doc.page_count:
        raise ValueError(f"expected {doc.page_count} page texts, got {len(texts)}")
    cuts: list[_Cut] = []
    if any(text.strip() for text in texts):
        pages = layouts or [read_layout(doc[n], text) for n, text in enumerate(texts)]
        cuts = _outline_cuts(doc, pages) or _layout_cuts(pages)
    if not cuts:
        log.debug("no headings found: one section per page")
        return [
            Section(
                path=[f"Page {n}"],
                level=1,
                page_start=n,
                page_end=n,
                pages=[PageText(page=n, text=t)],
            )
            for n, t in enumerate(texts, start=1)
        ]
    sections = _assemble(cuts, texts)
    log.debug("%d sections from %d headings", len(sections), len(cuts))
    return sections
