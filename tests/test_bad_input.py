"""Files that are not readable PDFs fail with an ExtractionError that names file and reason."""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

import pymupdf
import pytest

from docthrift.errors import ExtractionError
from docthrift.models import Document
from extractors.pdf import (
    doc_id_from_path,
    extract_document,
    find_textless_pages,
    open_pdf,
    page_texts,
    read_pdf,
)

DATA = Path(__file__).resolve().parents[1].parent / "shared/data/financebench-dev"
real_data = pytest.mark.skipif(not DATA.is_dir(), reason=f"{DATA} is absent")


def _write_text_pdf(path: Path, pages: int = 5) -> Path:
    doc = pymupdf.open()
    for n in range(1, pages + 1):
        page = doc.new_page()
        for row in range(20):
            page.insert_text((72, 72 + 14 * row), f"Page {n} row {row}: revenue grew by {row}%.")
    doc.save(path)
    return path


def _zero_page_pdf() -> bytes:
    """A well-formed PDF whose page tree is empty (PyMuPDF refuses to save one)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _refusal(path: Path) -> str:
    with pytest.raises(ExtractionError) as caught:
        extract_document(path)
    message = str(caught.value)
    assert message.startswith(f"{path.name}: "), message
    return message


def test_encrypted_pdf(tmp_path: Path) -> None:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "secret figures")
    path = tmp_path / "annual.pdf"
    doc.save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="x", owner_pw="y")

    message = _refusal(path)

    assert "encrypted" in message and "remove the password" in message


def test_owner_password_only_is_readable(tmp_path: Path) -> None:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "Open to read, locked to edit.")
    path = tmp_path / "owner.pdf"
    doc.save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="y")

    document = extract_document(path)

    assert "Open to read" in document.sections[0].text


def test_random_bytes_after_a_pdf_header(tmp_path: Path) -> None:
    rng = random.Random(7)
    path = tmp_path / "corrupt.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(rng.getrandbits(8) for _ in range(4096)))

    message = _refusal(path)

    assert "damaged or truncated" in message and "cannot be opened" in message


def test_zero_pages(tmp_path: Path) -> None:
    path = tmp_path / "empty-tree.pdf"
    path.write_bytes(_zero_page_pdf())

    assert "has no pages" in _refusal(path)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "nothing.pdf"
    path.write_bytes(b"")

    assert "the file is empty" in _refusal(path)


def test_text_file_named_pdf(tmp_path: Path) -> None:
    path = tmp_path / "notes.pdf"
    path.write_text("Revenue was up 5% this quarter.\n")

    message = _refusal(path)

    assert "not a PDF file" in message and "%PDF-" in message


def test_png_named_pdf(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 4, 4), False).tobytes("png"))

    assert "not a PDF file (it looks like a PNG image)" in _refusal(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ExtractionError, match="no such file"):
        read_pdf(tmp_path / "absent.pdf")


def test_truncated_synthetic_pdf_errors_cleanly_or_reads(tmp_path: Path) -> None:
    data = _write_text_pdf(tmp_path / "full.pdf", pages=30).read_bytes()
    for share in (0.3, 0.6, 0.9):
        path = tmp_path / f"cut-{int(share * 100)}.pdf"
        path.write_bytes(data[: int(len(data) * share)])
        try:
            document = extract_document(path)
        except ExtractionError as exc:
            assert str(exc).startswith(f"{path.name}: the PDF is damaged or truncated")
        else:
            assert document.page_count > 0
            assert any(section.text.strip() for section in document.sections)


@real_data
def test_truncated_filing_without_recoverable_pages(tmp_path: Path) -> None:
    data = (DATA / "pdfs" / "3M_2022_10K.pdf").read_bytes()
    path = tmp_path / "3M_cut.pdf"
    path.write_bytes(data[: int(len(data) * 0.6)])

    message = _refusal(path)

    assert "damaged or truncated (no page could be recovered)" in message


@real_data
def test_truncated_filing_whose_pages_come_back_empty(tmp_path: Path) -> None:
    # The page tree survives the cut, the page contents do not.
    data = (DATA / "pdfs" / "AMAZON_2017_10K.pdf").read_bytes()
    path = tmp_path / "amazon_cut.pdf"
    path.write_bytes(data[: int(len(data) * 0.6)])

    message = _refusal(path)

    assert "damaged or truncated (85 of 85 pages came back empty)" in message


def test_image_only_page_needs_ocr_and_the_rest_is_read(tmp_path: Path) -> None:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "Page one says revenue rose.")
    scan = doc.new_page()
    pixmap = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 60, 80), False)
    pixmap.set_rect(pixmap.irect, (200, 200, 200))
    scan.insert_image(scan.rect, pixmap=pixmap)
    doc.new_page().insert_text((72, 72), "Page three says costs fell.")
    path = tmp_path / "mixed.pdf"
    doc.save(path)

    document = extract_document(path)

    assert document.needs_ocr == [2]
    text = "".join(section.text for section in document.sections)
    assert "Page one says revenue rose." in text and "Page three says costs fell." in text
    assert document.page_count == 3


def test_all_pages_without_text_still_give_a_document(tmp_path: Path) -> None:
    doc = pymupdf.open()
    for _ in range(2):
        page = doc.new_page()
        page.insert_image(
            page.rect, pixmap=pymupdf.Pixmap(pymupdf.csGRAY, pymupdf.IRect(0, 0, 8, 8), False)
        )
    path = tmp_path / "scanned.pdf"
    doc.save(path)

    document = extract_document(path)

    assert document.needs_ocr == [1, 2]
    assert [section.text for section in document.sections] == ["", ""]


def test_a_page_number_over_a_scan_still_needs_ocr(tmp_path: Path) -> None:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_image(
        page.rect, pixmap=pymupdf.Pixmap(pymupdf.csGRAY, pymupdf.IRect(0, 0, 8, 8), False)
    )
    page.insert_text((300, 800), "17")
    doc.new_page().insert_text((72, 72), "7")  # almost no text, no image: a blank page
    texts = page_texts(doc)

    assert find_textless_pages(doc, texts) == [1]


def test_open_pdf_reads_a_good_file(tmp_path: Path) -> None:
    path = _write_text_pdf(tmp_path / "good.pdf", pages=2)
    data, sha256 = read_pdf(path)

    doc = open_pdf(path, data)

    assert doc.page_count == 2 and len(sha256) == 64
    assert page_texts(doc)[1].startswith("Page 2 row 0")


def test_extracted_sections_carry_each_page_text_verbatim(tmp_path: Path) -> None:
    path = _write_text_pdf(tmp_path / "verbatim.pdf", pages=3)
    texts = page_texts(pymupdf.open(path))

    document = extract_document(path, doc_id="given-id")

    assert (document.doc_id, document.source, document.page_count) == (
        "given-id",
        "verbatim.pdf",
        3,
    )
    for number, text in enumerate(texts, start=1):
        carried = "".join(p.text for s in document.sections for p in s.pages if p.page == number)
        assert carried == text


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("3M_2022_10K.pdf", "3M_2022_10K"),
        ("report.v2.PDF", "report.v2"),
        ("Annual Report (2023).pdf", "Annual_Report_2023-"),
        ("...pdf", "doc-"),
    ],
)
def test_doc_id_from_path(name: str, expected: str) -> None:
    doc_id = doc_id_from_path(Path("/in") / name)

    if expected.endswith("-"):
        assert doc_id.startswith(expected) and len(doc_id) == len(expected) + 8
    else:
        assert doc_id == expected


def test_unsafe_names_that_slug_alike_stay_apart() -> None:
    first, second = doc_id_from_path(Path("a b.pdf")), doc_id_from_path(Path("a+b.pdf"))

    assert first != second and first.startswith("a_b-") and second.startswith("a_b-")


# --- damaged copies of real filings (see docs/ingestion.md, "Damaged and truncated files") ---


def _unprintable(text: str) -> int:
    """Control characters other than line breaks and tabs: raw glyph codes, never text."""
    return sum(unicodedata.category(c) == "Cc" and c not in "\n\r\t" for c in text)


def _cut(tmp_path: Path, name: str, share: float) -> Path:
    data = (DATA / "pdfs" / name).read_bytes()
    path = tmp_path / f"{Path(name).stem}_cut{round(share * 100)}.pdf"
    path.write_bytes(data[: int(len(data) * share)])
    return path


def _indexed_text(document: Document) -> str:
    return "\n".join([s.text for s in document.sections] + [s.heading for s in document.sections]
                     + [t.markdown for t in document.tables])


@real_data
@pytest.mark.parametrize("share", [0.25, 0.5])
def test_truncated_release_whose_text_is_glyph_codes_fails(tmp_path: Path, share: float) -> None:
    # Cut before its fonts' character maps: every page reads as raw glyph codes.
    path = _cut(tmp_path, "AMCOR_2023Q4_EARNINGS.pdf", share)

    message = _refusal(path)

    assert "damaged or truncated" in message
    assert "14 of 14 pages have unreadable text" in message, message


@real_data
def test_truncated_release_with_lost_pages_is_indexed_with_a_warning(tmp_path: Path) -> None:
    path = _cut(tmp_path, "AMCOR_2023Q4_EARNINGS.pdf", 0.9)

    document = extract_document(path)

    assert document.needs_ocr == []  # nothing was scanned: the pages' contents are lost
    assert any("damaged" in w and "repaired" in w for w in document.warnings), document.warnings
    assert any("pages 1-6 came back empty" in w for w in document.warnings), document.warnings
    text = _indexed_text(document)
    assert _unprintable(text) == 0 and "Amcor" in text


@real_data
def test_partly_garbled_filing_indexes_only_readable_lines(tmp_path: Path) -> None:
    intact = extract_document(DATA / "pdfs" / "AMCOR_2023_10K.pdf")
    path = _cut(tmp_path, "AMCOR_2023_10K.pdf", 0.99)

    document = extract_document(path)

    assert intact.warnings == []
    text = _indexed_text(document)
    assert _unprintable(text) == 0  # before: 2,943 glyph codes indexed
    kept = sum(not c.isspace() for s in document.sections for c in s.text)
    whole = sum(not c.isspace() for s in intact.sections for c in s.text)
    assert kept >= 0.95 * whole, (kept, whole)
    unreadable = [w for w in document.warnings if "unreadable text" in w]
    assert unreadable and "29" in unreadable[0], document.warnings


@real_data
def test_intact_release_has_no_warnings_and_verbatim_text(tmp_path: Path) -> None:
    path = DATA / "pdfs" / "AMCOR_2023Q4_EARNINGS.pdf"
    texts = page_texts(pymupdf.open(path))

    document = extract_document(path)

    assert document.warnings == [] and document.needs_ocr == []
    for number, text in enumerate(texts, start=1):
        carried = "".join(p.text for s in document.sections for p in s.pages if p.page == number)
        assert carried == text


@real_data
def test_truncated_filing_whose_page_count_cannot_be_read(tmp_path: Path) -> None:
    # Opens, then fails on counting its pages: "code=7: Invalid number of pages".
    path = _cut(tmp_path, "AMAZON_2017_10K.pdf", 0.25)

    message = _refusal(path)

    assert "damaged or truncated (its page count cannot be read" in message
