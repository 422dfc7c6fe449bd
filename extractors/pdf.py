"""Read a PDF file into a :class:`~docthrift.models.Document`.

The steps: read the bytes, open them with PyMuPDF (refusing what is not a readable PDF
with an :class:`~docthrift.errors.ExtractionError` that says why and what to do), take each
page's plain text, flag pages that need OCR, then build the sections, tables and metadata.
"""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path

import pymupdf

from docthrift.errors import ExtractionError
from docthrift.models import Document
from extractors.layout import PageLayout, read_layout
from extractors.metadata import extract_metadata
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
    first 8 hex digits of the SHA-1 of the file name, so two names that slug alike stay apart.
    """
    stem = path.name[:-4] if path.name.lower().endswith(".pdf") else path.name
    if _SAFE_ID.match(stem):
        return stem
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._-")[:119] or "doc"
    return f"{slug}-{hashlib.sha1(path.name.encode()).hexdigest()[:8]}"


def read_pdf(path: Path) -> tuple[bytes, str]:
    """The file's bytes and their SHA-256 in hex.

    Raises:
        ExtractionError: The file is missing or cannot be read.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ExtractionError(f"{path}: no such file; check the path") from None
    except IsADirectoryError:
        raise ExtractionError(f"{path}: is a folder, not a PDF file") from None
    except OSError as exc:
        raise ExtractionError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
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
    name = path.name
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
    if doc.page_count == 0:
        repaired = doc.is_repaired
        doc.close()
        if repaired:
            raise _damaged(name, "no page could be recovered")
        raise ExtractionError(f"{name}: the PDF has no pages; check that the right file was given")
    if doc.is_repaired:
        log.warning("%s: the PDF was damaged and has been repaired; some text may be missing", name)
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


def _read_pages(name: str, doc: pymupdf.Document) -> tuple[list[str], list[PageLayout]]:
    """Each page's ``get_text()`` and layout, parsing every page once."""
    texts: list[str] = []
    layouts: list[PageLayout] = []
    for number in range(doc.page_count):
        page = doc[number]
        try:
            textpage = page.get_textpage(flags=pymupdf.TEXTFLAGS_TEXT)  # what get_text() uses
            text = page.get_text(textpage=textpage)
            layouts.append(read_layout(page, text, textpage))
        except Exception as exc:  # a damaged content stream can fail in many ways
            raise _damaged(name, f"page {page.number + 1} cannot be read: {exc}") from exc
        texts.append(text)
    return texts, layouts


def extract_document(path: Path, *, doc_id: str | None = None) -> Document:
    """Read a PDF into a document: page texts, sections, tables and metadata.

    Args:
        path: The PDF file.
        doc_id: The document's id; by default derived from the file name.

    Returns:
        The document. Pages without a text layer are listed in ``needs_ocr``; when every
        page needs OCR the sections carry empty text and the caller decides what to do.

    Raises:
        ExtractionError: The file cannot be read as a PDF (see :func:`open_pdf`), or a page
            fails to parse.
    """
    data, sha256 = read_pdf(path)
    doc = open_pdf(path, data)
    name = path.name
    try:
        texts, layouts = _read_pages(name, doc)
        needs_ocr = find_textless_pages(doc, texts)
        if doc.is_repaired:  # a truncated file can "repair" into pages without content
            blank = sum(not texts[n - 1].strip() and not doc[n - 1].get_images() for n in needs_ocr)
            if blank > len(texts) / 2:
                raise _damaged(name, f"{blank} of {len(texts)} pages came back empty")
        if len(needs_ocr) == len(texts):
            log.warning(
                "%s: no page has a text layer; it needs OCR before it can be searched", name
            )
        elif needs_ocr:
            log.info("%s: %d of %d pages need OCR", name, len(needs_ocr), len(texts))
        sections = build_sections(doc, texts, layouts=layouts)
        tables = find_tables(doc, texts, sections)
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
        )
    except ExtractionError:
        raise
    except Exception as exc:
        raise ExtractionError(f"{name}: extraction failed ({type(exc).__name__}: {exc})") from exc
    finally:
        doc.close()
