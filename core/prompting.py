"""The one prompt template, shared by docthrift and the whole-document baseline.

Three messages, laid out to be cached: the instructions (system), then the **reference**
(user): a compact metadata header and what stays the same for every question about the same
document(s), i.e. docthrift's document card or the baseline's whole document text; then the
**question** (user): the question's excerpts, if any, and the question last (document first:
FinanceBench measured 79% correct with the filing before the question, 25% after). The first
two messages are the prompt's stable prefix, which a provider's prompt cache can reuse from
one question to the next; a message boundary is where a cache breakpoint goes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from core.models import HEADING_SEPARATOR, Citation, DocumentRecord
from core.tokens import count_tokens

NOT_IN_CONTEXT = "NOT FOUND IN CONTEXT"
INSTRUCTIONS = (
    "You answer questions about business documents using only the material given below: "
    "a document's text, or its card and the excerpts for the question. "
    "Be concise and exact: give the figure or the fact first, then one or two sentences of "
    "support with the page numbers you used. When a calculation is needed, show it briefly. "
    f"If the material does not contain what is needed, reply exactly: {NOT_IN_CONTEXT}"
)
# Tokens kept free for the question and the reply when a whole document is cut to the window.
COMPLETION_RESERVE = 1024
# Earlier turns of a conversation sent before the question: the most recent messages, at most
# this many and this many tokens, so a long chat never outweighs the excerpts.
HISTORY_MESSAGES = 8
HISTORY_TOKENS = 2000
# Per-message framing tokens of chat models (OpenAI's published counting recipe).
_PER_MESSAGE = 3
_REPLY_PRIMING = 3


def metadata_header(records: Sequence[DocumentRecord]) -> str:
    """One line per document: id, company, type, period, title."""
    lines = []
    for record in records:
        fields = [f"document: {record.doc_id}"]
        for key in ("company", "doc_type", "fiscal_period", "period_end", "title"):
            value = getattr(record.metadata, key)
            if value:
                fields.append(f"{key.replace('_', ' ')}: {value}")
        lines.append("; ".join(fields))
    return "\n".join(lines)


def context_block(doc_id: str | None, section: str, pages: list[int], text: str) -> str:
    """One excerpt with its source line: document (when several are in scope), the last two
    levels of its heading path, and its pages."""
    span = f"p. {pages[0]}" if len(pages) == 1 else f"pp. {pages[0]}-{pages[-1]}"
    heading = HEADING_SEPARATOR.join(section.split(HEADING_SEPARATOR)[-2:]) if section else ""
    label = " | ".join(part for part in (doc_id, heading, span) if part)
    return f"[{label}]\n{text}"


def render_context(pieces: Sequence[Citation]) -> str:
    """The context section of the prompt; one document in scope is named in the header only."""
    several = len({p.doc_id for p in pieces}) > 1
    return "\n\n".join(context_block(p.doc_id if several else None, p.section, p.pages, p.text)
                        for p in pieces)


def reference_message(header: str, reference: str = "") -> dict[str, str]:
    """The stable user message: the documents' header, then the card or the whole text."""
    content = f"Documents:\n{header}" + (f"\n\n{reference}" if reference else "")
    return {"role": "user", "content": content}


def question_message(question: str, context: str = "") -> dict[str, str]:
    """The user message that changes with each question: its excerpts, then the question."""
    excerpts = f"Excerpts:\n{context}\n\n" if context else ""
    return {"role": "user", "content": f"{excerpts}Question: {question}\nAnswer:"}


def render_messages(question: str, header: str, context: str,
                    reference: str = "",
                    history: Sequence[Mapping[str, str]] = ()) -> list[dict[str, str]]:
    """The chat messages for a question, whatever produced the context.

    Args:
        question: The question, asked last.
        header: :func:`metadata_header` of the documents in scope.
        context: The excerpts chosen for this question ("" when none).
        reference: What every question about these documents shares: docthrift's document
            card, or the baseline's whole document text ("" when none).
        history: Earlier user and assistant turns of a conversation; they go after the
            stable prefix (instructions, reference) so it stays cacheable, and before the
            question, so the excerpts stay next to the question they answer.
    """
    return [{"role": "system", "content": INSTRUCTIONS}, reference_message(header, reference),
            *({"role": m["role"], "content": m["content"]} for m in history),
            question_message(question, context)]


def _message_tokens(message: Mapping[str, str]) -> int:
    return count_tokens(message["content"]) + count_tokens(message["role"]) + _PER_MESSAGE


def recent_history(history: Sequence[Mapping[str, str]], *, max_messages: int = HISTORY_MESSAGES,
                   max_tokens: int = HISTORY_TOKENS) -> list[dict[str, str]]:
    """The most recent user and assistant turns that fit both limits, oldest first.

    Walks back from the newest message and stops at the first one that would pass either
    limit, so what is kept is always an unbroken tail of the conversation.
    """
    kept: list[dict[str, str]] = []
    used = 0
    for message in reversed(history):
        if message["role"] not in ("user", "assistant") or not message["content"]:
            continue
        cost = count_message_tokens([dict(message)]) - _REPLY_PRIMING
        if len(kept) == max_messages or used + cost > max_tokens:
            break
        kept.append({"role": message["role"], "content": message["content"]})
        used += cost
    return kept[::-1]


def count_message_tokens(messages: Sequence[Mapping[str, str]]) -> int:
    """Prompt tokens of chat messages as the API counts them (o200k, with framing)."""
    return sum(_message_tokens(m) for m in messages) + _REPLY_PRIMING


def stable_prefix_tokens(messages: list[dict[str, str]]) -> int:
    """Tokens of the prompt's stable prefix: the system and reference messages, framed.

    These lead the prompt and are the same for every question about the same documents;
    the rest (the question message and the reply's priming) is fresh.
    """
    return sum(_message_tokens(m) for m in messages[:2])


def prompt_tokens(question: str, records: Sequence[DocumentRecord], context: str,
                  reference: str = "") -> int:
    """Prompt tokens of the template for ``question`` over ``records``."""
    return count_message_tokens(render_messages(question, metadata_header(records), context,
                                                reference))


def says_not_in_context(answer: str) -> bool:
    """Whether the model replied with the fixed not-in-context form."""
    return NOT_IN_CONTEXT.lower() in answer.lower()
