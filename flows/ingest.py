"""``ingest-documents``: find PDFs, then per document extract → chunk → embed → upsert."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from qdrant_client import models

from docthrift import progress
from docthrift.errors import DocthriftError
from docthrift.models import Chunk, Document, DocumentResult, IngestSummary
from docthrift.settings import Settings, load_settings
from extractors.chunking import CHUNKER_VERSION, chunk_document
from extractors.pdf import doc_id_from_path, extract_document
from extractors.sources import file_sha256, find_pdfs, pipeline_fingerprint
from indexes import store
from indexes.embeddings import embedding_fingerprint
from indexes.records import document_record


@dataclass(frozen=True)
class Planned:
    """A file and what the index already knows of it."""

    path: Path
    doc_id: str
    sha256: str
    status: str  # "added", "updated" or "unchanged"
    record: dict[str, Any] | None = None


def fingerprint_of(settings: Settings) -> str:
    """The pipeline fingerprint for these settings (no model is loaded)."""
    enrichment = settings.model if settings.enrich and settings.llm_configured else None
    return pipeline_fingerprint(
        chunker=CHUNKER_VERSION,
        chunk_tokens=settings.chunk_tokens,
        max_table_tokens=settings.max_table_tokens,
        embedding=embedding_fingerprint(settings.embedding_backend),
        enrichment=enrichment,
    )


@task(name="plan-ingestion", cache_policy=NO_CACHE)
def plan_ingestion(paths: list[str], settings: Settings, force: bool) -> list[Planned]:
    """Decide per file whether it is new, changed or unchanged (by content hash)."""
    client = store.get_client(settings)
    store.ensure_collections(client, settings.collection)
    known = {r["doc_id"]: r for r in store.list_documents(client, settings.collection)}
    fingerprint = fingerprint_of(settings)
    planned = []
    for path in find_pdfs(paths):
        doc_id, sha = doc_id_from_path(path), file_sha256(path)
        record = known.get(doc_id)
        if record is None:
            status = "added"
        elif record.get("sha256") == sha and record.get("fingerprint") == fingerprint and not force:
            status = "unchanged"
        else:
            status = "updated"
        planned.append(Planned(path, doc_id, sha, status, record))
    return planned


@task(name="extract-document", cache_policy=NO_CACHE)
def extract(path: Path, doc_id: str) -> Document:
    """Read a PDF into a Document."""
    return extract_document(path, doc_id=doc_id)


@task(name="enrich-document", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[2, 10])
def enrich(document: Document, settings: Settings) -> tuple[Document, int, float | None]:
    """Summarise the document and its sections with the LLM (cached by content hash).

    Returns the document, the tokens spent and their cost (None when the model has no price).
    """
    from docthrift.llm import DEFAULT_PRICES, cost_usd, make_llm
    from extractors.enrichment import enrich_document

    enriched, usage = enrich_document(document, make_llm(settings), settings.cache_dir)
    cost = cost_usd(usage, settings.model, {**DEFAULT_PRICES, **settings.prices})
    return enriched, usage.total_tokens, cost


@task(name="chunk-document", cache_policy=NO_CACHE)
def chunk(document: Document, settings: Settings) -> list[Chunk]:
    """Split a document into chunks along its sections."""
    return chunk_document(document, chunk_tokens=settings.chunk_tokens,
                          max_table_tokens=settings.max_table_tokens)


@task(name="embed-chunks", cache_policy=NO_CACHE)
def embed(chunks: list[Chunk], settings: Settings, doc_id: str) -> tuple[np.ndarray, list[models.SparseVector], int]:
    """Dense and sparse vectors for the chunks."""
    from indexes.embeddings import load_embedder
    from indexes.vectors import dense_vectors, sparse_vectors

    embedder = load_embedder(settings.embedding_backend, settings.cache_dir)
    dense, distinct = dense_vectors(
        chunks, embedder, batch_size=settings.embedding_batch_size,
        progress=lambda n: progress.report("embedded", doc_id=doc_id, count=n),
    )
    return dense, sparse_vectors(chunks), distinct


@task(name="upsert-document", cache_policy=NO_CACHE)
def upsert(document: Document, chunks: list[Chunk], dense: np.ndarray,
           sparse: list[models.SparseVector], settings: Settings, enrichment_tokens: int,
           enrichment_cost: float | None) -> None:
    """Write the chunks and switch the document record to this version."""
    record = document_record(document, chunks, fingerprint=fingerprint_of(settings),
                             enrichment_tokens=enrichment_tokens, enrichment_cost=enrichment_cost)
    store.write_document(store.get_client(settings), settings.collection, document, chunks,
                         dense, sparse, record)


def _ingest_one(item: Planned, settings: Settings) -> DocumentResult:
    started = time.perf_counter()
    progress.report("document-started", doc_id=item.doc_id)
    try:
        document = extract(item.path, item.doc_id)
        enrichment_tokens = 0
        enrichment_cost: float | None = 0.0
        if settings.enrich and settings.llm_configured:
            document, enrichment_tokens, enrichment_cost = enrich(document, settings)
        chunks = chunk(document, settings)
        progress.report("chunked", doc_id=item.doc_id, chunks=len(chunks))
        dense, sparse, distinct = embed(chunks, settings, item.doc_id)
        upsert(document, chunks, dense, sparse, settings, enrichment_tokens, enrichment_cost)
    except DocthriftError as exc:
        get_run_logger().error("%s", exc)
        return DocumentResult(doc_id=item.doc_id, file=item.path.name, status="failed",
                              seconds=round(time.perf_counter() - started, 2), error=str(exc))
    return DocumentResult(
        doc_id=item.doc_id, file=item.path.name, status=item.status,  # type: ignore[arg-type]
        pages=document.page_count, sections=len(document.sections), tables=len(document.tables),
        chunks=len(chunks), embedded=distinct, needs_ocr=document.needs_ocr,
        enrichment_tokens=enrichment_tokens,
        seconds=round(time.perf_counter() - started, 2),
    )


def _unchanged(item: Planned) -> DocumentResult:
    record = item.record or {}
    return DocumentResult(
        doc_id=item.doc_id, file=item.path.name, status="unchanged",
        pages=record.get("page_count", 0), sections=record.get("sections", 0),
        tables=record.get("tables", 0), chunks=record.get("chunks", 0),
        needs_ocr=record.get("needs_ocr", []),
    )


def _artifact(summary: IngestSummary) -> None:
    rows: list[dict[str, Any]] = [
        {k: v for k, v in d.model_dump().items() if k not in ("needs_ocr", "embedded")}
        for d in summary.documents
    ]
    create_table_artifact(key="ingest-summary", table=rows,
                          description=f"Ingestion: {summary.totals}")


@flow(name="ingest-documents", log_prints=False)
def ingest_documents(paths: list[str], overrides: dict[str, Any] | None = None,
                     force: bool = False) -> IngestSummary:
    """Ingest PDFs (files, folders, globs) into the index; skip what has not changed.

    Args:
        paths: Files, folders or glob patterns.
        overrides: Settings to override on top of the environment (e.g. ``{"home": ...}``).
        force: Re-index documents even when they have not changed.
    """
    started = time.perf_counter()
    settings = load_settings(**(overrides or {}))
    planned = plan_ingestion(paths, settings, force)
    progress.report("planned", total=len(planned),
                    todo=sum(1 for p in planned if p.status != "unchanged"))
    results = []
    for item in planned:
        if item.status == "unchanged":
            result = _unchanged(item)
        else:
            result = _ingest_one(item, settings)
        progress.report("document-done", result=result)
        results.append(result)
    summary = IngestSummary(documents=results, seconds=time.perf_counter() - started)
    _artifact(summary)
    return summary
