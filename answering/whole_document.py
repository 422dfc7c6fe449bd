"""The whole document(s) as one context, cut to the model's context window.

One definition, used by the ladder's last rung, by ``baseline_tokens`` and by the evaluation's
``baseline`` system: every text chunk of each document in order (the document's text as
extracted from the PDF), one block per document, as the reference of the one prompt template
(its stable prefix: the same for every question about the document), the question last.

The cut: when the template (without the question) plus the documents would not fit the
window less ``COMPLETION_RESERVE`` (room for the question and the reply), the documents' text
is cut at a token boundary and the cut is recorded. A page counts as in the context only when
every text chunk on it survived the cut.

Counting is exact and cheap: the reference message does not depend on the question, so it is
counted once per document version and window; each question counts only its own message.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from core.models import DocumentRecord
from core.prompting import (
    COMPLETION_RESERVE,
    context_block,
    count_message_tokens,
    metadata_header,
    render_messages,
    stable_prefix_tokens,
)
from core.tokens import encoding
from indexes.backend import Index
from indexes.catalog import document_chunks, whole_text

_MAX_CACHED = 128  # a cut holds at most a window of text (about 0.5 MB at 128k tokens)
DOCUMENT_TEXT = "Document text:\n"
_Key = tuple[str, str, tuple[tuple[str, str], ...], int]
_cache: dict[_Key, _Cut] = {}
_making: dict[_Key, threading.Lock] = {}  # one thread counts a cut; the others wait for it
_lock = threading.Lock()


@dataclass(frozen=True)
class WholeContext:
    """The context text and what it holds."""

    text: str
    pages: dict[str, list[int]]  # pages of each document entirely in the context
    context_tokens: int
    prompt_tokens: int
    stable_tokens: int  # the prompt's stable prefix: instructions and the document text
    truncated: bool

    @property
    def reference(self) -> str:
        """The reference of the prompt template: the document text under its label."""
        return DOCUMENT_TEXT + self.text


@dataclass(frozen=True)
class _Cut:
    text: str
    pages: dict[str, list[int]]
    context_tokens: int
    truncated: bool
    stable_tokens: int  # system and reference messages, framed


def whole_document_context(index: Index, question: str, records: list[DocumentRecord],
                           window: int) -> WholeContext:
    """Whole documents for ``question`` in the one prompt template, cut to ``window`` tokens."""
    cut = _cut(index, records, window)
    messages = render_messages(question, metadata_header(records), "", DOCUMENT_TEXT + cut.text)
    prompt = cut.stable_tokens + count_message_tokens(messages[2:])
    return WholeContext(text=cut.text, pages=cut.pages, context_tokens=cut.context_tokens,
                        prompt_tokens=prompt, stable_tokens=cut.stable_tokens,
                        truncated=cut.truncated)


def _cut(index: Index, records: list[DocumentRecord], window: int) -> _Cut:
    key = (index.location, index.collection,
           tuple((r.doc_id, r.current_version) for r in records), window)
    with _lock:
        if key in _cache:
            return _cache[key]
        making = _making.setdefault(key, threading.Lock())
    # Counting a whole corpus takes seconds: queries that need the same cut at once (an API
    # under load) wait for the one that counts it instead of each counting it again.
    with making:
        with _lock:
            if key in _cache:
                return _cache[key]
        made = _make_cut(index, records, window)
        with _lock:
            while len(_cache) >= _MAX_CACHED:
                _cache.pop(next(iter(_cache)))
            _cache[key] = made
            _making.pop(key, None)
    return made


def _make_cut(index: Index, records: list[DocumentRecord], window: int) -> _Cut:
    header = metadata_header(records)
    text, spans = _joined(index, records)
    template = count_message_tokens(render_messages("", header, "", DOCUMENT_TEXT))
    room = max(window - template - COMPLETION_RESERVE, 0)
    ids = encoding().encode_ordinary(text)
    truncated = len(ids) > room
    if truncated:
        text = encoding().decode(ids[:room])
    messages = render_messages("", header, "", DOCUMENT_TEXT + text)
    return _Cut(text=text, pages=_surviving_pages(spans, len(text)),
                context_tokens=min(len(ids), room), truncated=truncated,
                stable_tokens=stable_prefix_tokens(messages))


def _joined(index: Index, records: list[DocumentRecord]
            ) -> tuple[str, list[tuple[str, list[tuple[int, int, int]]]]]:
    """The documents' blocks joined, and per document each text chunk's pages and end offset."""
    parts: list[str] = []
    spans: list[tuple[str, list[tuple[int, int, int]]]] = []
    offset = 0
    for record in records:
        text, doc_spans = whole_text(document_chunks(index, record.doc_id, record.current_version))
        pages = list(range(1, (record.page_count or 1) + 1))
        name = record.doc_id if len(records) > 1 else None
        lead = ("\n\n" if parts else "") + context_block(name, "", pages, "")
        parts += [lead, text]
        offset += len(lead)
        spans.append((record.doc_id, [(first, last, offset + end) for first, last, end in doc_spans]))
        offset += len(text)
    return "".join(parts), spans


def _surviving_pages(spans: list[tuple[str, list[tuple[int, int, int]]]],
                     kept_chars: int) -> dict[str, list[int]]:
    """Pages whose every text chunk ends within the first ``kept_chars`` characters."""
    pages: dict[str, list[int]] = {}
    for doc_id, chunks in spans:
        whole: set[int] = set()
        cut: set[int] = set()
        for first, last, end in chunks:
            (whole if end <= kept_chars else cut).update(range(first, last + 1))
        pages[doc_id] = sorted(whole - cut)
    return pages
