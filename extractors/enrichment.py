"""Optional LLM enrichment: a short document summary and a one-line summary per section.

Off unless an endpoint is configured. Replies are asked for in a typed JSON schema, cached by
the document's content hash and the model (a re-run costs nothing), and their tokens are
returned so ingestion can report what enrichment cost.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from pydantic import BaseModel, Field

from core.llm import LLM, Usage
from core.models import Document
from core.tokens import truncate_to_tokens

log = logging.getLogger(__name__)

PROMPT_VERSION = "enrich-1"
SECTIONS_PER_CALL = 40
SECTION_PREVIEW_TOKENS = 120
DOCUMENT_PREVIEW_TOKENS = 1500


class SectionSummary(BaseModel):
    """One section's summary, by its number in the request."""

    index: int
    summary: str = Field(description="One line, at most 25 words.")


class EnrichmentReply(BaseModel):
    """What the model returns for one batch of sections."""

    summary: str = Field(description="Two or three sentences about the whole document.")
    sections: list[SectionSummary]


def _prompt(document: Document, start: int, stop: int) -> list[dict[str, str]]:
    head, _ = truncate_to_tokens(
        document.sections[0].text if document.sections else "", DOCUMENT_PREVIEW_TOKENS
    )
    lines = []
    for i in range(start, stop):
        section = document.sections[i]
        preview, _ = truncate_to_tokens(section.text, SECTION_PREVIEW_TOKENS)
        lines.append(
            f"[{i}] {section.heading} (pages {section.page_start}-{section.page_end})\n{preview}"
        )
    return [
        {
            "role": "system",
            "content": "You summarise business documents precisely and briefly. "
            "Reply with JSON only, in the schema given.",
        },
        {
            "role": "user",
            "content": f"Document: {document.metadata.title or document.doc_id}\n"
            f"Beginning of the document:\n{head}\n\nSections:\n"
            + "\n\n".join(lines)
            + "\n\nGive a two or three sentence summary of the document and a one-line summary "
            "(at most 25 words) of each numbered section.",
        },
    ]


def enrich_document(document: Document, llm: LLM, cache_dir: Path) -> tuple[Document, Usage]:
    """Add summaries to ``document``; reuse the cached reply for the same bytes and model.

    Returns:
        The enriched document and the tokens spent now (zero when served from the cache).
    """
    cache = cache_dir / "enrichment" / f"{document.sha256}-{llm.model}-{PROMPT_VERSION}.json"
    spent = Usage()
    if cache.is_file():
        data = json.loads(cache.read_text())
    else:
        data = {"summary": None, "sections": {}}
        for start in range(0, len(document.sections), SECTIONS_PER_CALL):
            stop = min(start + SECTIONS_PER_CALL, len(document.sections))
            reply, usage = llm.chat_model(_prompt(document, start, stop), EnrichmentReply)
            spent.add(usage)
            data["summary"] = data["summary"] or reply.summary
            for item in reply.sections:
                if start <= item.index < stop:
                    data["sections"][str(item.index)] = item.summary
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(data))
    sections = [
        section.model_copy(update={"summary": data["sections"].get(str(i))})
        for i, section in enumerate(document.sections)
    ]
    return document.model_copy(update={"summary": data["summary"], "sections": sections}), spent
