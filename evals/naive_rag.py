"""``naive-rag``: the FinanceBench paper's per-filing vector store, as a reference point.

Each PDF's page text (PyMuPDF, pages joined in order) is cut into 1,024-character chunks
with 30 characters of overlap, each embedded with all-MiniLM-L6-v2 (the configured backend)
and searched densely within the question's document. The context is the top-scoring chunks,
in score order, as many as fit the same token budget docthrift gets. The store lives beside
docthrift's in a collection of its own and is built once per document version.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pymupdf
from qdrant_client import QdrantClient, models

from docthrift.errors import DatasetError
from docthrift.models import ID_NAMESPACE
from docthrift.prompting import context_block
from docthrift.tokens import count_tokens
from indexes.embeddings import DIMENSIONS, Embedder

CHUNK_CHARS = 1024
OVERLAP_CHARS = 30
_SEARCH_LIMIT = 200


@dataclass(frozen=True)
class NaiveChunk:
    """A fixed-size piece of a document's text and the pages it spans."""

    position: int
    text: str
    pages: list[int]


def naive_collection(collection: str) -> str:
    """The naive store's collection, beside docthrift's."""
    return f"{collection}-naive-rag"


def split_pages(pages: list[str], size: int = CHUNK_CHARS, overlap: int = OVERLAP_CHARS) -> list[NaiveChunk]:
    """Cut the joined page texts into ``size``-character windows overlapping by ``overlap``."""
    text = "\n".join(pages)
    starts, offset = [], 0
    for page in pages:
        starts.append(offset)
        offset += len(page) + 1
    chunks, position, step = [], 0, size - overlap
    for begin in range(0, max(len(text), 1), step):
        piece = text[begin:begin + size]
        if not piece.strip():
            continue
        end = begin + len(piece)
        spanned = [n + 1 for n, s in enumerate(starts)
                   if s < end and s + len(pages[n]) + 1 > begin]
        chunks.append(NaiveChunk(position, piece, spanned))
        position += 1
        if end >= len(text):
            break
    return chunks


def read_pages(path: Path) -> list[str]:
    """Every page's text, as a plain PyMuPDF user would read it."""
    with pymupdf.open(path) as pdf:
        return [page.get_text() for page in pdf]


def ensure_indexed(client: QdrantClient, collection: str, embedder: Embedder,
                   record: dict[str, Any], pdf: Path, batch_size: int = 64) -> int:
    """Build the naive store for this document version unless it is there; return its chunks."""
    name = naive_collection(collection)
    if not client.collection_exists(name):
        client.create_collection(name, vectors_config=models.VectorParams(
            size=DIMENSIONS, distance=models.Distance.COSINE))
    version = _version_filter(record)
    have = client.count(name, count_filter=version, exact=True).count
    if have:
        return have
    if not pdf.is_file():
        raise DatasetError(f"{record['doc_id']}: no PDF at {pdf}; naive-rag reads the PDF "
                           "itself: pass --docs with the folder that holds it")
    chunks = split_pages(read_pages(pdf))
    vectors = embedder.embed([c.text for c in chunks], batch_size=batch_size)
    client.upsert(name, points=[
        models.PointStruct(
            id=str(uuid.uuid5(ID_NAMESPACE, f"naive/{record['doc_id']}/{record['sha256']}/{c.position}")),
            vector=vectors[i].tolist(),
            payload={"doc_id": record["doc_id"], "sha256": record["sha256"], "text": c.text,
                     "pages": c.pages, "position": c.position})
        for i, c in enumerate(chunks)])
    client.delete(name, points_selector=models.FilterSelector(filter=models.Filter(
        must=[models.FieldCondition(key="doc_id", match=models.MatchValue(value=record["doc_id"]))],
        must_not=[models.FieldCondition(key="sha256", match=models.MatchValue(value=record["sha256"]))])))
    return len(chunks)


def naive_context(client: QdrantClient, collection: str, embedder: Embedder, question: str,
                  record: dict[str, Any], budget: int) -> tuple[str, list[int], int]:
    """Top chunks by cosine within ``budget`` tokens: (context text, pages, context tokens)."""
    text, pages, tokens = _top_chunks(client, collection, embedder, question,
                                      _version_filter(record), budget)
    return text, pages.get(record["doc_id"], []), tokens


def shared_context(client: QdrantClient, collection: str, embedder: Embedder, question: str,
                   records: list[dict[str, Any]],
                   budget: int) -> tuple[str, dict[str, list[int]], int]:
    """The paper's shared store: the top chunks of all these documents' stores together.

    Returns:
        The context text, its pages by document, and its tokens.
    """
    selector = models.Filter(should=[_version_filter(r) for r in records])
    return _top_chunks(client, collection, embedder, question, selector, budget)


def _top_chunks(client: QdrantClient, collection: str, embedder: Embedder, question: str,
                selector: models.Filter, budget: int) -> tuple[str, dict[str, list[int]], int]:
    hits = client.query_points(naive_collection(collection), query=embedder.embed_query(question),
                               query_filter=selector, limit=_SEARCH_LIMIT,
                               with_payload=True).points
    blocks: list[str] = []
    pages: dict[str, set[int]] = {}
    used = 0
    for hit in hits:
        payload = hit.payload or {}
        block = context_block(None, "", payload["pages"], payload["text"])
        tokens = count_tokens(block)
        if used + tokens > budget:
            break
        blocks.append(block)
        pages.setdefault(payload["doc_id"], set()).update(payload["pages"])
        used += tokens
    text = "\n\n".join(blocks)
    return text, {doc: sorted(found) for doc, found in pages.items()}, count_tokens(text)


def _version_filter(record: dict[str, Any]) -> models.Filter:
    return models.Filter(must=[
        models.FieldCondition(key="doc_id", match=models.MatchValue(value=record["doc_id"])),
        models.FieldCondition(key="sha256", match=models.MatchValue(value=record["sha256"])),
    ])
