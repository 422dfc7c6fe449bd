"""The one prompt template, shared by docthrift and the whole-document baseline.

Order: instructions, a compact metadata header, the context, then the question (document
first: FinanceBench measured 79% correct with the filing before the question, 25% after).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from docthrift.models import HEADING_SEPARATOR, Citation, DocumentRecord
from docthrift.tokens import count_tokens

NOT_IN_CONTEXT = "NOT FOUND IN CONTEXT"
INSTRUCTIONS = (
    "You answer questions about business documents using only the excerpts given below. "
    "Be concise and exact: give the figure or the fact first, then one or two sentences of "
    "support with the page numbers you used. When a calculation is needed, show it briefly. "
    f"If the excerpts do not contain what is needed, reply exactly: {NOT_IN_CONTEXT}"
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


def user_prefix(header: str) -> str:
    """The user message up to the context."""
    return f"Documents:\n{header}\n\nExcerpts:\n"


def user_suffix(question: str) -> str:
    """The user message after the context."""
    return f"\n\nQuestion: {question}\nAnswer:"


def render_messages(question: str, header: str, context: str,
                    history: Sequence[Mapping[str, str]] = ()) -> list[dict[str, str]]:
    """The chat messages for a question, whatever produced the context.

    ``history`` (earlier user and assistant turns of a conversation) goes between the
    instructions and the question, so the excerpts stay next to the question they answer.
    """
    return [
        {"role": "system", "content": INSTRUCTIONS},
        *({"role": m["role"], "content": m["content"]} for m in history),
        {"role": "user", "content": user_prefix(header) + context + user_suffix(question)},
    ]


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
    return sum(count_tokens(m["content"]) + count_tokens(m["role"]) + _PER_MESSAGE
               for m in messages) + _REPLY_PRIMING


def prompt_tokens(question: str, records: Sequence[DocumentRecord], context: str) -> int:
    """Prompt tokens of the template for ``question`` over ``records`` with ``context``."""
    return count_message_tokens(render_messages(question, metadata_header(records), context))


def says_not_in_context(answer: str) -> bool:
    """Whether the model replied with the fixed not-in-context form."""
    return NOT_IN_CONTEXT.lower() in answer.lower()
