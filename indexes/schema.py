"""What both index backends store: vector names, point ids and the chunk payload.

A chunk point has two named vectors, ``dense`` (all-MiniLM-L6-v2, 384, cosine) and ``sparse``
(BM25 weights, IDF applied by the engine), and the payload of :func:`chunk_payload`. A record
point carries a :class:`docthrift.models.DocumentRecord` and no vector; a naive-rag passage one
unnamed dense vector. Point ids are uuid5, so writing the same thing twice rewrites one point.
"""

from __future__ import annotations

import uuid
from typing import Any

from docthrift.models import ID_NAMESPACE, Chunk, Document, DocumentMetadata, DocumentRecord

DENSE = "dense"
SPARSE = "sparse"
VERSION = "doc_version"
UPSERT_BATCH = 256
# Fields a Qdrant server indexes for filters (the embedded index indexes the ones it filters on).
KEYWORD_FIELDS = ("doc_id", "doc_sha256", VERSION, "kind", "company_key", "doc_type",
                  "fiscal_period")
INTEGER_FIELDS = ("fiscal_year", "page_start", "page_end")
# What a chunk carries back to retrieval (no vectors): see indexes.backend.StoredChunk.
CATALOG_FIELDS = ["doc_id", "position", "section", "page_start", "page_end", "kind", "text",
                  "tokens"]
PASSAGE_FIELDS = ("doc_id", "sha256")
# What every chunk's payload repeats from its document, for filters on a server: the embedded
# index keeps these once, in the record (see indexes.edge_store).
DOCUMENT_FIELDS = frozenset({"doc_sha256", "company_key", *DocumentMetadata().payload()})


def documents_collection(collection: str) -> str:
    """Name of the Qdrant server collection that holds document records."""
    return f"{collection}_documents"


def passages_collection(collection: str) -> str:
    """Name of the naive-rag passage store beside docthrift's (a collection or a shard)."""
    return f"{collection}-naive-rag"


def record_id(doc_id: str) -> str:
    """The point id of a document's record."""
    return str(uuid.uuid5(ID_NAMESPACE, f"document:{doc_id}"))


def point_id(chunk_id: str, version: str) -> str:
    """The point id of a chunk in one version of its document (uuid5, deterministic)."""
    return str(uuid.uuid5(ID_NAMESPACE, f"{chunk_id}:{version}"))


def passage_id(doc_id: str, sha256: str, position: int) -> str:
    """The point id of a naive-rag passage."""
    return str(uuid.uuid5(ID_NAMESPACE, f"naive/{doc_id}/{sha256}/{position}"))


def chunk_payload(chunk: Chunk, document: Document, version: str) -> dict[str, Any]:
    """Everything a chunk carries: its own fields, its version and the document's metadata."""
    return {**chunk_fields(chunk, version), **document_fields(document.sha256, document.metadata)}


def chunk_fields(chunk: Chunk, version: str) -> dict[str, Any]:
    """The chunk's own part of its payload."""
    return {
        "doc_id": chunk.doc_id,
        VERSION: version,
        "content_hash": chunk.content_hash,
        "position": chunk.position,
        "section": chunk.section,
        "page_start": chunk.page_start,
        "page_end": chunk.page_end,
        "kind": chunk.kind,
        "tokens": chunk.tokens,
        "text": chunk.text,
    }


def document_fields(sha256: str, meta: DocumentMetadata) -> dict[str, Any]:
    """The part of a chunk's payload that comes from its document (:data:`DOCUMENT_FIELDS`)."""
    from extractors.metadata import normalize_company

    return {"doc_sha256": sha256, **meta.payload(),
            "company_key": normalize_company(meta.company) if meta.company else None}


def record_fields(record: DocumentRecord) -> dict[str, Any]:
    """:func:`document_fields` of a record's document."""
    return document_fields(record.sha256, record.metadata)
