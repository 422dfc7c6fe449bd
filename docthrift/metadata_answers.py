"""The first rung of the ladder: questions about a document-level field.

"Which company filed this report?", "What type of document is this?", "What period does it
cover?" are answered from the metadata extracted at ingestion, with zero context tokens.
Only questions that ask for the field itself qualify, not questions that merely mention it.
"""

from __future__ import annotations

import re

from docthrift.models import DocumentRecord

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


def answer_from_metadata(question: str, records: list[DocumentRecord]) -> str | None:
    """Answer from the one document in scope, or None to go on to retrieval."""
    name = metadata_field(question)
    if name is None or len(records) != 1:
        return None
    value = getattr(records[0].metadata, name)
    if not value:
        return None
    shown = _TYPE_NAMES.get(value, value) if name == "doc_type" else value
    return f"{_LABELS[name]} of {records[0].doc_id}: {shown} (from the document's metadata)."
