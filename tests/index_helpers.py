"""Reading an index the way tests need: every stored point, through the index interface."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from docthrift.models import Chunk, Document, DocumentRecord
from docthrift.settings import Settings
from indexes import store
from indexes.sparse import SparseVector


@dataclass(frozen=True)
class Prepared:
    """A document ready to write: chunks, vectors and its record."""

    document: Document
    chunks: list[Chunk]
    dense: np.ndarray
    sparse: list[SparseVector]
    record: DocumentRecord


def prepare(pdf: Path, embedder: Any, doc_id: str) -> Prepared:
    """Extract, chunk and embed a PDF for real, and make its record."""
    from extractors.chunking import chunk_document
    from extractors.pdf import extract_document
    from indexes.records import document_record
    from indexes.vectors import dense_vectors, sparse_vectors

    document = extract_document(pdf, doc_id=doc_id)
    chunks = chunk_document(document, chunk_tokens=256, max_table_tokens=1500)
    dense, _ = dense_vectors(chunks, embedder, batch_size=32)
    return Prepared(document, chunks, dense, sparse_vectors(chunks),
                    document_record(document, chunks, fingerprint="test", source_path=str(pdf)))


def chunk_payloads(settings: Settings, doc_id: str | None = None) -> list[dict[str, Any]]:
    """The payload of every chunk point (every version), with its point id under ``id``."""
    index = store.get_index(settings)
    return [{"id": p.id, **p.payload} for batch in index.export_points("chunks") for p in batch
            if doc_id is None or p.payload.get("doc_id") == doc_id]


def records(settings: Settings) -> dict[str, DocumentRecord]:
    """Every document record by doc_id."""
    return {r.doc_id: r for r in store.get_index(settings).list_documents()}
