"""The first rung of the ladder: questions about a document-level field.

"Which company filed this report?", "What type of document is this?", "What period does it
cover?" are answered from the metadata extracted at ingestion, with zero context tokens, for
each document in scope. So are questions about which documents there are ("Which filings
exist for Best Buy?", "List the 10-Qs of Pfizer"): routing has already narrowed the records
to the company, period and type named, and the answer lists them. Only questions that ask for
the field or the list itself qualify, not questions that merely mention them.
"""

from __future__ import annotations

import re

from core.models import DocumentRecord

_DOC = r"(document|filing|report|release|file|pdf)"
_FIELDS: list[tuple[str, re.Pattern[str]]] = [
    ("doc_type", re.compile(rf"^\s*what\s+(type|kind|sort)\s+of\s+{_DOC}\b", re.I)),
    ("company", re.compile(
        rf"^\s*(which|what)\s+(company|issuer|registrant|entity)\s+(filed|issued|published|"
        rf"is\s+(this|the)\s+{_DOC}\s+(about|from|for))|^\s*who\s+(filed|issued|published)\b", re.I)),
    ("fiscal_period", re.compile(
        rf"^\s*(what|which)\s+(fiscal\s+)?(period|year|quarter)\s+does\s+(this|the)\s+{_DOC}\s+"
        rf"(cover|report\s+on|relate\s+to)", re.I)),
    ("period_end", re.compile(
        r"^\s*(when|on\s+what\s+date)\s+does\s+the\s+(reporting\s+|fiscal\s+)?(period|year)\s+end",
        re.I)),
    ("ticker", re.compile(r"\b(ticker|trading\s+symbol)\b", re.I)),
    ("title", re.compile(rf"^\s*what\s+is\s+the\s+title\s+of\s+(this|the)\s+{_DOC}", re.I)),
]
_LABELS = {"doc_type": "Document type", "company": "Company", "fiscal_period": "Period",
           "period_end": "Period end", "ticker": "Ticker", "title": "Title"}
_TYPE_NAMES = {"10-K": "an annual report on Form 10-K", "10-Q": "a quarterly report on Form 10-Q",
               "8-K": "a current report on Form 8-K", "earnings": "an earnings release",
               "other": "a document of no recognised filing type"}


def metadata_field(question: str) -> str | None:
    """The document-level field a question asks for, if it asks for one."""
    for name, pattern in _FIELDS:
        if pattern.search(question):
            return name
    return None


_KINDS = r"(filings?|documents?|reports?|files?|pdfs?|10-?ks?|10-?qs?|8-?ks?|earnings\s+releases?)"
_THERE = r"(?:are\s+there|exist|are\s+(?:indexed|available|on\s+file)|do\s+(?:you|we|i)\s+have)"
_LISTING = re.compile(
    rf"^\s*(?:(?:which|what)\s+(?:[\w-]+\s+)?{_KINDS}\s+(?:{_THERE}|(?:does|did|has)\s+[^?]+?"
    rf"\s+(?:have|filed)(?:\s+(?:indexed|on\s+file|here))?\s*[?.!]*\s*$|(?:of|for|from|by)\s+[^?]*?\s+{_THERE})"
    rf"|(?:list|show)\s+(?:me\s+)?(?:all\s+)?(?:the\s+)?(?:[\w-]+(?:'s)?\s+)?{_KINDS}\b"
    rf"|how\s+many\s+{_KINDS}\s+(?:are|do|does|has|have|exist))", re.I)
_MAX_LISTED = 50


def asks_for_documents(question: str) -> bool:
    """Whether a question asks which documents there are, not what they say."""
    return _LISTING.search(question) is not None


def _listing(records: list[DocumentRecord]) -> str:
    lines = []
    for r in records[:_MAX_LISTED]:
        meta = r.metadata
        facts = [f for f in (meta.company, meta.doc_type if meta.doc_type != "other" else None,
                             meta.fiscal_period, f"{r.page_count} pages") if f]
        lines.append(f"{r.doc_id} ({', '.join(facts)})")
    more = f"; and {len(records) - _MAX_LISTED} more" if len(records) > _MAX_LISTED else ""
    noun = "document" if len(records) == 1 else "documents"
    return (f"{len(records)} {noun}: " + "; ".join(lines) + more
            + " (from the documents' metadata).")


def answer_from_metadata(question: str, records: list[DocumentRecord]) -> str | None:
    """Answer from the records in scope alone, or None to go on to retrieval.

    A question about which documents there are lists the records in scope; a question about
    a document-level field answers it for each of them (all must have the field).
    """
    if not records:
        return None
    if asks_for_documents(question):
        return _listing(records)
    name = metadata_field(question)
    if name is None:
        return None
    values = [getattr(r.metadata, name) for r in records]
    if not all(values):
        return None
    shown = [_TYPE_NAMES.get(v, v) if name == "doc_type" else v for v in values]
    if len(records) == 1:
        return f"{_LABELS[name]} of {records[0].doc_id}: {shown[0]} (from the document's metadata)."
    listed = "; ".join(f"{r.doc_id}: {v}" for r, v in zip(records, shown, strict=True))
    return f"{_LABELS[name]} of each document: {listed} (from the documents' metadata)."
