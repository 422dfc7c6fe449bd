"""``ingest-documents``: plan, clean up, then per document extract → chunk → embed → upsert.

The flow only orchestrates; the decisions live in :mod:`extractors.sources` (what changed) and
the write order that keeps every document whole in :mod:`indexes.store`. See
docs/ingestion.md for how incremental runs, caching, retries and crash safety fit together.

In Prefect a run reads as what it did: task runs carry the document id
(``extract-document [AMCOR_2023_10K]``), one flow log line a document says what became of it
(the tasks' own progress lines show with ``docthrift ingest -v``, see docthrift/runtime.py), and
a run in which any document failed ends ``Failed`` with the summary as its state message
(:mod:`flows.outcome`); the good documents stay indexed either way.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import TaskRunContext
from prefect.futures import PrefectFuture
from prefect.tasks import exponential_backoff
from prefect.transactions import get_transaction

from core import progress
from core.errors import DocthriftError, ExtractionError
from core.models import Chunk, Document, DocumentRecord, DocumentResult, IngestSummary
from core.paths import shown
from core.settings import Settings, load_settings
from extractors.chunking import CHUNKER_VERSION, chunk_document
from extractors.pdf import extract_document
from extractors.sources import (
    IngestionPlan,
    PlannedFile,
    extraction_key,
    pipeline_fingerprint,
    plan_changes,
)
from extractors.worker import extraction_worker, run_ahead
from flows.ingest_summary import describe, outcome_line, table_rows
from flows.outcome import finish
from indexes import store
from indexes.embeddings import embedding_fingerprint
from indexes.records import document_record
from indexes.sparse import SparseVector

# Index writes go over the network with a Qdrant server; they are idempotent, so they are
# retried: twice, after about 2 s then 4 s (exponential backoff, up to +/-50% jitter).
INDEX_RETRIES = 2
INDEX_BACKOFF = exponential_backoff(backoff_factor=2)
INDEX_JITTER = 0.5
# How long an extraction stays cached (reruns after a crash, fingerprint changes).
EXTRACTION_CACHE = timedelta(days=7)
# The summary table's artifact key; runs with one key are versions of one artifact in the UI.
SUMMARY_KEY = "ingest-summary"


@dataclass(frozen=True)
class Unreadable:
    """A file that cannot be turned into a document, and why (the error's message)."""

    reason: str


Extraction = PrefectFuture[Document | Unreadable]  # a submitted extract-document run


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


@task(name="plan-ingestion", task_run_name="plan-ingestion", cache_policy=NO_CACHE)
def plan_ingestion(paths: list[str], settings: Settings, force: bool,
                   replace: bool = False) -> IngestionPlan:
    """Decide per file whether it is new, changed or unchanged, and which documents are gone."""
    records = store.get_index(settings).list_documents()
    return plan_changes(paths, records, fingerprint_of(settings), force=force, replace=replace)


@task(name="clean-index", task_run_name="clean-index", cache_policy=NO_CACHE,
      retries=INDEX_RETRIES,
      retry_delay_seconds=INDEX_BACKOFF, retry_jitter_factor=INDEX_JITTER)
def clean_index(settings: Settings) -> int:
    """Delete the chunks an interrupted run left behind (no record names their version)."""
    deleted = store.get_index(settings).delete_leftovers()
    if deleted:
        get_run_logger().info("deleted %d chunks left behind by an interrupted run", deleted)
    return deleted


def _extraction_cache_key(context: TaskRunContext, parameters: dict[str, Any]) -> str:
    return extraction_key(parameters["sha256"], Path(parameters["path"]).name, parameters["doc_id"])


@task(name="extract-document", task_run_name="extract-document [{doc_id}]",
      cache_key_fn=_extraction_cache_key, persist_result=True, cache_expiration=EXTRACTION_CACHE)
def extract(path: Path, doc_id: str, sha256: str,
            separate_process: bool = False) -> Document | Unreadable:
    """Read a PDF into a Document; cached by content hash, file name and extractor version.

    With ``separate_process`` the reading happens in the extraction worker's child process
    (:mod:`extractors.worker`), so that this process embeds another document meanwhile.

    A file that cannot be read (not a PDF, encrypted, damaged) is expected trouble with the
    input, not a crash: the task returns the reason instead of raising, so Prefect logs no
    traceback, and the reason is not cached (the file may be readable next time). So is a file
    whose bytes changed since they were hashed: the cache never holds a document under another
    file's hash.
    """
    get_run_logger().info("%s: extracting", shown(path.name))
    try:
        if separate_process:
            document = extraction_worker().extract(path, doc_id=doc_id)
        else:
            document = extract_document(path, doc_id=doc_id)
    except ExtractionError as exc:
        return _uncached(Unreadable(str(exc)))
    if document.sha256 != sha256:
        return _uncached(Unreadable(f"{shown(path)}: the file changed while it was being "
                                    "ingested; run the ingestion again"))
    return document


def _uncached(result: Unreadable) -> Unreadable:
    transaction = get_transaction()  # the task run's: it writes the cache record on commit
    if transaction is not None:
        transaction.write_on_commit = False
    return result


@task(name="enrich-document", task_run_name="enrich-document [{document.doc_id}]",
      cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[2, 10])
def enrich(document: Document, settings: Settings) -> tuple[Document, int, float | None]:
    """Summarise the document and its sections with the LLM (cached by content hash).

    Returns the document, the tokens spent and their cost (None when the model has no price).
    """
    from core.llm import DEFAULT_PRICES, cost_usd, make_llm
    from extractors.enrichment import enrich_document

    enriched, usage = enrich_document(document, make_llm(settings), settings.cache_dir)
    cost = cost_usd(usage, settings.model, {**DEFAULT_PRICES, **settings.prices})
    return enriched, usage.total_tokens, cost


@task(name="chunk-document", task_run_name="chunk-document [{document.doc_id}]",
      cache_policy=NO_CACHE)
def chunk(document: Document, settings: Settings) -> list[Chunk]:
    """Split a document into chunks along its sections."""
    return chunk_document(document, chunk_tokens=settings.chunk_tokens,
                          max_table_tokens=settings.max_table_tokens)


@task(name="embed-chunks", task_run_name="embed-chunks [{doc_id}]", cache_policy=NO_CACHE)
def embed(chunks: list[Chunk], settings: Settings,
          doc_id: str) -> tuple[np.ndarray, list[SparseVector], int]:
    """Dense and sparse vectors for the chunks."""
    from indexes.embeddings import load_embedder
    from indexes.vectors import dense_vectors, sparse_vectors

    embedder = load_embedder(settings.embedding_backend, settings.cache_dir)
    dense, distinct = dense_vectors(
        chunks, embedder, batch_size=settings.embedding_batch_size,
        progress=lambda n: progress.report("embedded", doc_id=doc_id, count=n),
    )
    return dense, sparse_vectors(chunks), distinct


@task(name="upsert-document", task_run_name="upsert-document [{document.doc_id}]",
      cache_policy=NO_CACHE, retries=INDEX_RETRIES,
      retry_delay_seconds=INDEX_BACKOFF, retry_jitter_factor=INDEX_JITTER)
def upsert(document: Document, chunks: list[Chunk], dense: np.ndarray,
           sparse: list[SparseVector], settings: Settings, source_path: str,
           enrichment_tokens: int, enrichment_cost: float | None) -> None:
    """Write the chunks and switch the document record to this version (idempotent)."""
    logger = get_run_logger()
    record = document_record(document, chunks, fingerprint=fingerprint_of(settings),
                             source_path=source_path, enrichment_tokens=enrichment_tokens,
                             enrichment_cost=enrichment_cost)
    written = 0

    def on_batch(count: int) -> None:
        nonlocal written
        written += count
        logger.info("%s: wrote %d of %d chunks", document.doc_id, written, len(chunks))

    store.get_index(settings).write_document(document, chunks, dense, sparse, record,
                                             progress=on_batch)
    logger.info("%s: switched to the new version", document.doc_id)


@task(name="remove-document", task_run_name="remove-document [{doc_id}]",
      cache_policy=NO_CACHE, retries=INDEX_RETRIES,
      retry_delay_seconds=INDEX_BACKOFF, retry_jitter_factor=INDEX_JITTER)
def remove(doc_id: str, settings: Settings) -> None:
    """Remove a document whose file is gone: its record, then its chunks."""
    get_run_logger().info("%s: its file is gone; removing it from the index", doc_id)
    store.get_index(settings).delete_document(doc_id)


@task(name="repoint-document", task_run_name="repoint-document [{doc_id}]",
      cache_policy=NO_CACHE, retries=INDEX_RETRIES,
      retry_delay_seconds=INDEX_BACKOFF, retry_jitter_factor=INDEX_JITTER)
def repoint(doc_id: str, path: str, settings: Settings) -> None:
    """Record the new path of a file that moved without changing (nothing is re-indexed)."""
    get_run_logger().info("%s: moved to %s", doc_id, path)
    store.get_index(settings).set_source_path(doc_id, path)


def _failed(doc_id: str, file: str, started: float, error: str) -> DocumentResult:
    return DocumentResult(doc_id=doc_id, file=file, status="failed",
                          seconds=round(time.perf_counter() - started, 2), error=error)


def _start_extraction(item: PlannedFile, separate_process: bool) -> Extraction | None:
    if item.status not in ("added", "updated"):
        return None
    return extract.submit(item.path, item.doc_id, item.sha256, separate_process)


def _ingest_one(item: PlannedFile, extraction: Extraction, settings: Settings) -> DocumentResult:
    started = time.perf_counter()
    progress.report("document-started", doc_id=item.doc_id)
    try:
        document = extraction.result()
        if isinstance(document, Unreadable):
            return _failed(item.doc_id, item.file, started, document.reason)
        enrichment_tokens = 0
        enrichment_cost: float | None = 0.0
        if settings.enrich and settings.llm_configured:
            document, enrichment_tokens, enrichment_cost = enrich(document, settings)
        chunks = chunk(document, settings)
        progress.report("chunked", doc_id=item.doc_id, chunks=len(chunks))
        dense, sparse, distinct = embed(chunks, settings, item.doc_id)
        upsert(document, chunks, dense, sparse, settings, item.source_path, enrichment_tokens,
               enrichment_cost)
    except DocthriftError as exc:  # a fault Prefect has logged with its traceback
        return _failed(item.doc_id, item.file, started, str(exc))
    return DocumentResult(
        doc_id=item.doc_id, file=item.file, status=item.status,  # type: ignore[arg-type]
        pages=document.page_count, sections=len(document.sections), tables=len(document.tables),
        chunks=len(chunks), embedded=distinct, needs_ocr=document.needs_ocr,
        warnings=document.warnings, enrichment_tokens=enrichment_tokens,
        seconds=round(time.perf_counter() - started, 2),
    )


def _unchanged(item: PlannedFile, settings: Settings) -> DocumentResult:
    if item.status == "unchanged" and item.moved:  # moved here: only the path is updated
        repoint(item.doc_id, item.source_path, settings)
    record = item.record
    if record is None:
        return DocumentResult(doc_id=item.doc_id, file=item.file, status=item.status,  # type: ignore[arg-type]
                              note=item.note)
    return DocumentResult(
        doc_id=item.doc_id, file=item.file, status=item.status, note=item.note,  # type: ignore[arg-type]
        pages=record.page_count, sections=record.sections, tables=record.tables,
        chunks=record.chunks, needs_ocr=record.needs_ocr, warnings=record.warnings,
    )


def _process(item: PlannedFile, extraction: Extraction | None,
             settings: Settings) -> DocumentResult:
    if item.status == "failed":
        return _failed(item.doc_id, item.file, time.perf_counter(), item.error or "")
    if extraction is None:  # unchanged or a duplicate
        return _unchanged(item, settings)
    return _ingest_one(item, extraction, settings)


def _remove_one(record: DocumentRecord, settings: Settings) -> DocumentResult:
    started = time.perf_counter()
    doc_id = record.doc_id
    file = Path(record.source_path or record.source or doc_id).name
    try:
        remove(doc_id, settings)
    except DocthriftError as exc:
        return _failed(doc_id, file, started, str(exc))
    return DocumentResult(doc_id=doc_id, file=file, status="removed",
                          seconds=round(time.perf_counter() - started, 2))


def _done(result: DocumentResult) -> DocumentResult:
    level, line = outcome_line(result)
    get_run_logger().log(level, "%s", line)
    progress.report("document-done", result=result)
    return result


def _run_name() -> str:
    """``ingest filings`` or ``ingest a.pdf, b.pdf and 3 more``: what the run was given."""
    from prefect.runtime import flow_run

    names = [Path(p).name or p for p in flow_run.parameters.get("paths") or []]
    shown = ", ".join(names[:2]) + (f" and {len(names) - 2} more" if len(names) > 2 else "")
    return f"ingest {shown}".strip()


@flow(name="ingest-documents", flow_run_name=_run_name, log_prints=False)
def ingest_documents(paths: list[str], overrides: dict[str, Any] | None = None,
                     force: bool = False, replace: bool = False,
                     artifact_key: str = SUMMARY_KEY) -> IngestSummary:
    """Ingest PDFs (files, folders, globs) into the index; skip what has not changed.

    A document whose file is gone from a folder named in ``paths`` is removed from the index;
    files and globs never remove anything. Removals run last, so a renamed file is searchable
    under its new id before its old id goes.

    The run ends Completed, or Failed when any document failed (the others are indexed);
    either way its state message is the one-line summary, and the summary is what it returns.
    Called directly, a run with failed documents raises :class:`flows.outcome.FailedOutcome`,
    whose ``result`` is the summary; ``return_state=True`` with
    :func:`flows.outcome.result_of` gives the summary either way.

    Args:
        paths: Files, folders or glob patterns. Give absolute paths: a rerun from the Prefect
            UI resolves relative ones against the folder the run starts in.
        overrides: Settings to override on top of the environment (e.g. ``{"home": ...}``).
            Settings travel as this JSON dict, not as a ``Settings`` object, because a
            deployment's parameters (a scheduled or UI-started run) must be JSON; the flow
            builds ``Settings`` once from it and passes values down.
        force: Re-index documents even when they have not changed.
        replace: Let files take over document ids that belong to files elsewhere which are
            still there (the same name in another folder); without it such files fail.
        artifact_key: Key of the summary table artifact (another flow that ingests as a step
            publishes under its own key, so it never hides a user's ingestion).
    """
    started = time.perf_counter()
    settings = load_settings(**(overrides or {}))
    plan = plan_ingestion(paths, settings, force, replace)
    if leftovers := clean_index(settings):
        get_run_logger().info("deleted %d chunks left behind by an interrupted run", leftovers)
    progress.report("planned", total=len(plan.files) + len(plan.removed), todo=plan.todo)
    # The next documents are read in a worker process while this one embeds and writes.
    ahead = settings.extract_ahead if plan.todo > 1 else 0
    with extraction_worker().in_use():
        pipeline = run_ahead(plan.files, lambda item: _start_extraction(item, ahead > 0), ahead)
        results = [_done(_process(item, extraction, settings)) for item, extraction in pipeline]
    results += [_done(_remove_one(record, settings)) for record in plan.removed]
    summary = IngestSummary(documents=results, seconds=time.perf_counter() - started)
    line = describe(summary)
    create_table_artifact(key=artifact_key, table=table_rows(summary), description=line)
    # Prefect makes the returned state the run's final state; callers get the summary.
    return finish(summary, line, failed=summary.failed)  # type: ignore[return-value]
