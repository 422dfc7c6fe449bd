"""Reading a document by its structure: the outline with token counts, a section, some pages.

For callers that choose what to read themselves (an agent through the MCP tools, the Python
API), next to retrieval, which chooses for them. Text comes from the indexed text chunks of
the document's current version (tables are already in the page text), in document order; a
section brings its subsections. Token counts are exact o200k counts of the text returned.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from core.errors import RetrievalError
from core.models import HEADING_SEPARATOR, DocumentRecord, OutlineSection, Passage
from core.tokens import count_tokens, truncate_to_tokens

_MAX_CANDIDATES = 8


class TextChunk(Protocol):
    """What reading needs of an indexed chunk (``indexes.catalog.StoredChunk``), read-only."""

    @property
    def section(self) -> str: ...
    @property
    def page_start(self) -> int: ...
    @property
    def page_end(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def text(self) -> str: ...


def _under(section: str, path: str) -> bool:
    return section == path or section.startswith(path + HEADING_SEPARATOR)


def _texts(chunks: Sequence[TextChunk]) -> list[TextChunk]:
    return [c for c in chunks if c.kind == "text"]


def headings(record: DocumentRecord) -> dict[str, tuple[int, int]]:
    """Every heading path of the outline with its page span, in document order, the headings
    that only group others ("Part II > Item 7") included: a span covers its subsections."""
    spans: dict[str, tuple[int, int]] = {}
    for entry in record.outline:
        parts = entry.section.split(HEADING_SEPARATOR)
        for depth in range(1, len(parts) + 1):
            path = HEADING_SEPARATOR.join(parts[:depth])
            first, last = spans.get(path, (entry.page_start, entry.page_end))
            spans[path] = (min(first, entry.page_start), max(last, entry.page_end))
    return spans


def outline(record: DocumentRecord, chunks: Sequence[TextChunk], *,
            max_level: int | None = None) -> list[OutlineSection]:
    """The document's headings in order, each with the tokens of its text and subsections.

    A heading path that occurs more than once is listed once, over all of its pages.
    """
    texts = _texts(chunks)

    def tokens(path: str) -> int:
        return count_tokens("\n".join(c.text for c in texts if _under(c.section, path)))

    return [
        OutlineSection(section=path, level=path.count(HEADING_SEPARATOR) + 1, page_start=first,
                     page_end=last, tokens=tokens(path))
        for path, (first, last) in headings(record).items()
        if max_level is None or path.count(HEADING_SEPARATOR) < max_level
    ]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def find_section(paths: Sequence[str], wanted: str) -> str:
    """The heading path ``wanted`` names: the whole path, its last heading, the start of its
    last heading ("Item 7" for "Item 7. Management's Discussion ..."), or a part of the path,
    tried in that order; among several matches, the one that contains all the others.

    Raises:
        RetrievalError: nothing matches, or several unrelated sections do (listed).
    """
    query = _norm(wanted)
    if not query:
        raise RetrievalError("the section is empty; pass a heading from the outline")
    unique = list(dict.fromkeys(paths))
    last = {p: _norm(p.split(HEADING_SEPARATOR)[-1]) for p in unique}
    tests = (
        lambda p: _norm(p) == query,
        lambda p: last[p] == query,
        lambda p: re.match(re.escape(query) + r"(?![a-z0-9])", last[p]) is not None,
        lambda p: query in _norm(p),
    )
    for test in tests:
        found = [p for p in unique if test(p)]
        if not found:
            continue
        roots = [p for p in found if not any(q != p and _under(p, q) for q in found)]
        if len(roots) == 1:
            return roots[0]
        more = "; ..." if len(roots) > _MAX_CANDIDATES else ""
        shown = "; ".join(roots[:_MAX_CANDIDATES]) + more
        raise RetrievalError(f"section {wanted!r} matches {len(roots)} sections: {shown}; "
                             "pass the whole heading path")
    raise RetrievalError(f"section {wanted!r} is not in the outline; see get_document_outline "
                         "or 'docthrift show'")


def parse_pages(spec: str, page_count: int) -> list[int]:
    """Pages from ``"5"``, ``"5-7"`` or ``"3,5,7-9"`` (1-based, within the document).

    Raises:
        RetrievalError: the spec does not parse, or names pages the document lacks.
    """
    pages: set[int] = set()
    for part in spec.replace(" ", "").split(","):
        match = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if not match:
            raise RetrievalError(f"pages {spec!r}: write pages as '5', '5-7' or '3,5,7-9'")
        first, last = int(match[1]), int(match[2] or match[1])
        if not 1 <= first <= last <= page_count:
            raise RetrievalError(f"pages {spec!r}: the document has pages 1-{page_count}")
        pages.update(range(first, last + 1))
    return sorted(pages)


def read_passage(record: DocumentRecord, chunks: Sequence[TextChunk], *,
                 section: str | None = None, pages: str | None = None,
                 budget: int) -> Passage:
    """A section (with its subsections) or some pages of one document, cut to ``budget`` tokens.

    Args:
        record: The document's record (outline, page count).
        chunks: Its indexed chunks, in document order.
        section: A heading, as :func:`find_section` matches it.
        pages: Pages, as :func:`parse_pages` reads them.
        budget: Most o200k tokens of text to return.

    Raises:
        RetrievalError: neither or both of section and pages, or either names nothing.
    """
    if (section is None) == (pages is None):
        raise RetrievalError("pass a section or pages to read, not both and not neither")
    texts = _texts(chunks)
    path = None
    if section is not None:
        path = find_section(list(headings(record)), section)
        chosen = [c for c in texts if _under(c.section, path)]
    else:
        wanted = set(parse_pages(pages or "", record.page_count))
        chosen = [c for c in texts if wanted & set(range(c.page_start, c.page_end + 1))]
    whole = "\n".join(c.text for c in chosen)
    text, cut = _fit(whole, budget)
    kept, resume = chosen, None
    if cut:
        kept = _chunks_within(chosen, len(text))
        last_whole = sum(len(c.text) + 1 for c in kept) - 1 <= len(text)
        following = chosen[len(kept)] if last_whole and len(kept) < len(chosen) else None
        resume = (following or kept[-1]).page_start if kept else chosen[0].page_start
    return Passage(doc_id=record.doc_id, section=path,
                   pages=sorted({p for c in kept for p in range(c.page_start, c.page_end + 1)}),
                   text=text, tokens=count_tokens(text), total_tokens=count_tokens(whole),
                   truncated=cut, continue_from_page=resume)


def _fit(text: str, budget: int) -> tuple[str, bool]:
    """``text`` cut to at most ``budget`` tokens, counted again after the cut (a decoded cut
    can re-tokenise differently)."""
    cut, was_cut = truncate_to_tokens(text, budget)
    limit = budget
    while count_tokens(cut) > budget and limit > 0:
        limit -= 1
        cut, _ = truncate_to_tokens(text, limit)
    return cut, was_cut


def _chunks_within(chunks: Sequence[TextChunk], length: int) -> list[TextChunk]:
    """The chunks that contribute to the first ``length`` characters of their joined text."""
    kept, offset = [], 0
    for chunk in chunks:
        if offset >= length:
            break
        kept.append(chunk)
        offset += len(chunk.text) + 1
    return kept
