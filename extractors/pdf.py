"""Read a PDF file into a :class:`~docthrift.models.Document`.

The steps: read the bytes, open them with PyMuPDF (refusing what is not a readable PDF
with an :class:`~docthrift.errors.ExtractionError` that says why and what to do), take each
page's plain text, flag pages that need OCR, then build the sections, tables and metadata.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from dataclasses import replace
from pathlib import Path

import pymupdf

from docthrift.errors import ExtractionError
from docthrift.models import Document
from docthrift.paths import shown
from extractors.layout import PageLayout, read_layout
from extractors.metadata import extract_metadata
from extractors.readability import pages_phrase, readable_line, readable_text
from extractors.sections import build_sections
from extractors.statements import find_statement_pages
from extractors.tables import find_tables

log = logging.getLogger(__name__)

_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_OCR_MAX_CHARS = 20  # a page with fewer visible characters than this has "no text"
_OCR_MIN_IMAGE_SHARE = 0.3  # ... and needs OCR when images cover this share of it
_SNIFF = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"PK\x03\x04": "a ZIP archive (a Word or Excel file?)",
    b"\xd0\xcf\x11\xe0": "an old Office document",
    b"<": "an HTML or XML file",
}


def doc_id_from_path(path: Path) -> str:
    """The document id for a file: its name without ``.pdf``, made safe when needed.

    A name that is already a safe identifier is kept as is; any other becomes a slug plus the
    first 8 hex digits of the SHA-1 of the file name's bytes, so two names that slug alike stay
    apart (a name that is not valid UTF-8 included).
    """
    stem = path.name[:-4] if path.name.lower().endswith(".pdf") else path.name
    if _SAFE_ID.match(stem):
        return stem
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._-")[:119] or "doc"
    return f"{slug}-{hashlib.sha1(os.fsencode(path.name)).hexdigest()[:8]}"


def read_pdf(path: Path) -> tuple[bytes, str]:
    """The file's bytes and their SHA-256 in hex.

    Raises:
        ExtractionError: The file is missing or cannot be read.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ExtractionError(f"{shown(path)}: no such file; check the path") from None
    except IsADirectoryError:
        raise ExtractionError(f"{shown(path)}: is a folder, not a PDF file") from None
    except OSError as exc:
        raise ExtractionError(f"{shown(path)}: cannot be read ({exc.strerror or exc})") from exc
    return data, hashlib.sha256(data).hexdigest()


def _damaged(name: str, reason: str) -> ExtractionError:
    return ExtractionError(
        f"{name}: the PDF is damaged or truncated ({reason}); "
        "download or export it again and ingest the new copy"
    )


def open_pdf(path: Path, data: bytes) -> pymupdf.Document:
    """Open PDF bytes, refusing what cannot be read as a PDF.

    Args:
        path: Where the bytes came from; its name goes into error messages.
        data: The file's bytes.

    Raises:
        ExtractionError: The file is empty, not a PDF, damaged or truncated, encrypted,
            or has no pages. The message names the file, the reason and what to do.
    """
    name = shown(path.name)
    if not data:
        raise ExtractionError(f"{name}: the file is empty; export the PDF again")
    if b"%PDF-" not in data[:1024]:
        kind = next((k for magic, k in _SNIFF.items() if data.lstrip().startswith(magic)), None)
        seen = f"it looks like {kind}" if kind else "it does not start with %PDF-"
        raise ExtractionError(f"{name}: not a PDF file ({seen}); save or print it as PDF first")
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:  # PyMuPDF raises several types for unreadable files
        raise _damaged(name, f"it cannot be opened: {exc}") from exc
    if doc.needs_pass:
        doc.close()
        raise ExtractionError(
            f"{name}: the PDF is encrypted; remove the password protection and ingest it again"
        )
    try:
        pages = doc.page_count
    except Exception as exc:  # a page tree cut off mid-way: "Invalid number of pages"
        doc.close()
        raise _damaged(name, f"its page count cannot be read: {exc}") from exc
    if pages == 0:
        repaired = doc.is_repaired
        doc.close()
        if repaired:
            raise _damaged(name, "no page could be recovered")
        raise ExtractionError(f"{name}: the PDF has no pages; check that the right file was given")
    return doc


def page_texts(doc: pymupdf.Document) -> list[str]:
    """Every page's ``page.get_text()``, unaltered: gold evidence is matched against it."""
    return [doc[n].get_text() for n in range(doc.page_count)]


def find_textless_pages(doc: pymupdf.Document, texts: list[str]) -> list[int]:
    """1-based pages that need OCR: (almost) no text, and mostly image or blank.

    A page with no text at all is listed whatever it shows; a page with a few characters
    (a page number over a scan) is listed when images cover a large part of it.
    """
    pages: list[int] = []
    for index, text in enumerate(texts):
        visible = len("".join(text.split()))
        if visible == 0:
            pages.append(index + 1)
        elif visible < _OCR_MAX_CHARS:
            page = doc[index]
            area = abs(page.rect) or 1.0
            covered = sum(
                abs(pymupdf.Rect(img["bbox"]) & page.rect) for img in page.get_image_info()
            )
            if covered / area >= _OCR_MIN_IMAGE_SHARE:
                pages.append(index + 1)
    return pages


def _read_pages(name: str,
                doc: pymupdf.Document) -> tuple[list[str], list[PageLayout], list[int]]:
    """Each page's readable text and layout, parsing every page once.

    The text is ``get_text()`` without its glyph codes (see :mod:`extractors.readability`),
    and empty when they were most of it; the layout leaves them out too. The third list holds
    how many visible characters each page lost that way.
    """
    texts: list[str] = []
    layouts: list[PageLayout] = []
    dropped: list[int] = []
    for number in range(doc.page_count):
        page = doc[number]
        try:
            textpage = page.get_textpage(flags=pymupdf.TEXTFLAGS_TEXT)  # what get_text() uses
            text, lost = readable_text(page.get_text(textpage=textpage))
            visible = len("".join(text.split()))
            if lost > visible:  # mostly glyph codes: what is left is no page
                text, lost = "", lost + visible
            layout = read_layout(page, text, textpage)
        except Exception as exc:  # a damaged content stream can fail in many ways
            raise _damaged(name, f"page {page.number + 1} cannot be read: {exc}") from exc
        if lost:
            lines = [ln._replace(text=readable_line(ln.text).strip()) for ln in layout.lines]
            layout = replace(layout, lines=[ln for ln in lines if ln.text])
        texts.append(text)
        layouts.append(layout)
        dropped.append(lost)
    return texts, layouts, dropped


def _shows_nothing(doc: pymupdf.Document, texts: list[str], number: int) -> bool:
    """Whether 1-based page ``number`` draws neither text nor an image."""
    return not texts[number - 1].strip() and not doc[number - 1].get_image_info()


def _check_damage(name: str, doc: pymupdf.Document, texts: list[str], dropped: list[int],
                  needs_ocr: list[int]) -> tuple[list[int], list[str]]:
    """Fail a document that lost most of its pages; otherwise its warnings.

    A page "came back empty" when a repaired file's page draws nothing (its content was cut
    off); such a page is not a scan and does not need OCR. A page "has unreadable text" when
    glyph codes were most of it (its text was dropped whole).

    Returns:
        The pages that need OCR, the empty ones taken out, and the warnings.

    Raises:
        ExtractionError: more than half of the pages came back empty or unreadable.
    """
    total = len(texts)
    garbled = [n for n, lost in enumerate(dropped, start=1) if lost and not texts[n - 1].strip()]
    empty = [n for n in needs_ocr
             if n not in garbled and doc.is_repaired and _shows_nothing(doc, texts, n)]
    partial = [n for n, lost in enumerate(dropped, start=1) if lost and texts[n - 1].strip()]
    if len(empty) + len(garbled) > total / 2:
        lost = [f"{len(empty)} of {total} pages came back empty"] if empty else []
        lost += [f"{len(garbled)} of {total} pages have unreadable text"] if garbled else []
        if doc.is_repaired:
            raise _damaged(name, ", ".join(lost))
        raise ExtractionError(
            f"{name}: {', '.join(lost)} (glyph codes without a character map); "
            "export the PDF again with its fonts embedded, or OCR it")
    warnings: list[str] = []
    if doc.is_repaired:
        warnings.append("the PDF is damaged and was repaired on reading, so text may be "
                        "missing; download or export it again for a complete copy")
    if empty:
        warnings.append(f"{pages_phrase(empty)} came back empty (their content is lost)")
    if garbled or partial:
        warnings.append(f"unreadable text (glyph codes) was left out of the index on "
                        f"{pages_phrase(garbled + partial)}")
    return [n for n in needs_ocr if n not in empty and n not in garbled], warnings


def extract_document(path: Path, *, doc_id: str | None = None) -> Document:
    """Read a PDF into a document: page texts, sections, tables and metadata.

    Args:
        path: The PDF file.
        doc_id: The document's id; by default derived from the file name.

    Returns:
        The document. Pages without a text layer are listed in ``needs_ocr``; when every
        page needs OCR the sections carry empty text and the caller decides what to do.
        Unreadable lines (glyph codes) are left out; a damaged file that could be repaired,
        pages that came back empty and pages that lost text are named in ``warnings``.

    Raises:
        ExtractionError: The file cannot be read as a PDF (see :func:`open_pdf`), a page
            fails to parse, or more than half of the pages came back empty or unreadable.
    """
    data, sha256 = read_pdf(path)
    doc = open_pdf(path, data)
    name = shown(path.name)
    try:
        texts, layouts, dropped = _read_pages(name, doc)
        needs_ocr, warnings = _check_damage(name, doc, texts, dropped,
                                            find_textless_pages(doc, texts))
        for warning in warnings:
            log.warning("%s: %s", name, warning)
        if len(needs_ocr) == len(texts):
            log.warning(
                "%s: no page has a text layer; it needs OCR before it can be searched", name
            )
        elif needs_ocr:
            log.info("%s: %d of %d pages need OCR", name, len(needs_ocr), len(texts))
        sections = build_sections(doc, texts, layouts=layouts)
        # A table read from a page with glyph codes would carry them in its cells.
        garbled = {n for n, lost in enumerate(dropped, start=1) if lost}
        tables = [t for t in find_tables(doc, texts, sections) if t.page not in garbled]
        metadata = extract_metadata(doc, texts, name)
        return Document(
            doc_id=doc_id or doc_id_from_path(path),
            source=name,
            sha256=sha256,
            page_count=doc.page_count,
            metadata=metadata,
            sections=sections,
            tables=tables,
            statements=find_statement_pages(texts),
            needs_ocr=needs_ocr,
            warnings=warnings,
        )
    except ExtractionError:
        raise
    except Exception as exc:
        raise ExtractionError(f"{name}: extraction failed ({type(exc).__name__}: {exc})") from exc
    finally:
        doc.close()
