"""The document record kept beside the chunks: metadata, outline, version, source, cost.

A record's ``version`` names one indexed version of a document: its id, its bytes (sha256) and
the pipeline fingerprint that turned them into chunks. Every chunk carries the version it
belongs to, and queries read only the chunks of each record's current version, so a document
whose chunks are being replaced is seen whole, old or new, never mixed.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from docthrift.models import Chunk, Document, DocumentRecord, OutlineEntry
from docthrift.tokens import count_tokens


def version_key(doc_id: str, sha256: str, fingerprint: str) -> str:
    """The version of a document: hex sha256 of its id, content hash and pipeline fingerprint."""
    return hashlib.sha256(f"{doc_id}|{sha256}|{fingerprint}".encode()).hexdigest()


def record_version(record: DocumentRecord) -> str:
    """The version a record points at; a record written before versions has its sha256."""
    return record.current_version


def document_record(document: Document, chunks: list[Chunk], *, fingerprint: str,
                    source_path: str | None = None, enrichment_tokens: int = 0,
                    enrichment_cost: float | None = 0.0) -> DocumentRecord:
    """The record of a document, kept in the index beside its chunks.

    Args:
        document: The extracted (and maybe enriched) document.
        chunks: Its chunks, as indexed.
        fingerprint: The pipeline fingerprint the chunks were made with.
        source_path: The resolved absolute path the file was read from; a later run that scans
            the folder and no longer finds the file removes the document.
        enrichment_tokens: LLM tokens spent enriching it.
        enrichment_cost: Their cost in dollars (None when the model has no price).
    """
    document_tokens = count_tokens("\n".join(section.text for section in document.sections))
    return DocumentRecord(
        doc_id=document.doc_id,
        source=document.source,
        source_path=source_path,
        sha256=document.sha256,
        fingerprint=fingerprint,
        version=version_key(document.doc_id, document.sha256, fingerprint),
        page_count=document.page_count,
        metadata=document.metadata,
        outline=[
            OutlineEntry(section=s.heading, level=s.level, page_start=s.page_start,
                         page_end=s.page_end, summary=s.summary)
            for s in document.sections
        ],
        sections=len(document.sections),
        tables=len(document.tables),
        chunks=len(chunks),
        needs_ocr=document.needs_ocr,
        warnings=document.warnings,
        statements=document.statements,
        summary=document.summary,
        document_tokens=document_tokens,
        enrichment_tokens=enrichment_tokens,
        enrichment_cost_usd=enrichment_cost,
        ingested_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
