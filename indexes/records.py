"""The document record kept beside the chunks: metadata, outline, version, cost."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from docthrift.models import Chunk, Document
from docthrift.tokens import count_tokens


def document_record(document: Document, chunks: list[Chunk], *, fingerprint: str,
                    enrichment_tokens: int = 0,
                    enrichment_cost: float | None = 0.0) -> dict[str, Any]:
    """The payload of a document's record in the documents collection."""
    document_tokens = count_tokens("\n".join(section.text for section in document.sections))
    return {
        "doc_id": document.doc_id,
        "source": document.source,
        "sha256": document.sha256,
        "fingerprint": fingerprint,
        "page_count": document.page_count,
        "metadata": document.metadata.model_dump(),
        "outline": [
            {"section": s.heading, "level": s.level, "page_start": s.page_start,
             "page_end": s.page_end, "summary": s.summary}
            for s in document.sections
        ],
        "sections": len(document.sections),
        "tables": len(document.tables),
        "chunks": len(chunks),
        "needs_ocr": document.needs_ocr,
        "statements": document.statements,
        "summary": document.summary,
        "document_tokens": document_tokens,
        "enrichment_tokens": enrichment_tokens,
        "enrichment_cost_usd": enrichment_cost,
        "ingested_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
