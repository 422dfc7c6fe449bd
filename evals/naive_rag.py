"""``naive-rag``: the FinanceBench paper's per-filing vector store, as a reference point.

Each PDF's page text (PyMuPDF, pages joined in order) is cut into 1,024-character chunks
with 30 characters of overlap, each embedded with all-MiniLM-L6-v2 (the configured backend)
and searched densely within the question's document. The context is the top-scoring chunks,
in score order, as many as fit the same token budget docthrift gets. The store lives beside
docthrift's (its own shard of the embedded index, or its own collection on a server) and is
built once per document version.
"""

from __future__ import annotations

from pathlib import Path

import pymupdf

from docthrift.errors import DatasetError
from docthrift.models import DocumentRecord
from docthrift.prompting import context_block
from docthrift.tokens import count_tokens
from indexes.backend import Index, Passage
from indexes.embeddings import Embedder

CHUNK_CHARS = 1024
OVERLAP_CHARS = 30
_SEARCH_LIMIT = 200


# A fixed-size piece of a document's text and the pages it spans.
NaiveChunk = Passage


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


def ensure_indexed(index: Index, embedder: Embedder, record: DocumentRecord, pdf: Path,
                   batch_size: int = 64) -> int:
    """Build the naive store for this document version unless it is there; return its chunks."""
    have = index.count_passages(record.doc_id, record.sha256)
    if have:
        return have
    if not pdf.is_file():
        raise DatasetError(f"{record.doc_id}: no PDF at {pdf}; naive-rag reads the PDF "
                           "itself: pass --docs with the folder that holds it")
    chunks = split_pages(read_pages(pdf))
    vectors = embedder.embed([c.text for c in chunks], batch_size=batch_size)
    index.write_passages(record.doc_id, record.sha256, chunks, vectors)
    return len(chunks)


def naive_context(index: Index, embedder: Embedder, question: str, record: DocumentRecord,
                  budget: int) -> tuple[str, list[int], int]:
    """Top chunks by cosine within ``budget`` tokens: (context text, pages, context tokens)."""
    hits = index.search_passages(embedder.embed_query(question), record.doc_id, record.sha256,
                                 _SEARCH_LIMIT)
    text, pages, tokens = _fill([(record.doc_id, hit) for hit in hits], budget)
    return text, pages.get(record.doc_id, []), tokens


def shared_context(index: Index, embedder: Embedder, question: str,
                   records: list[DocumentRecord],
                   budget: int) -> tuple[str, dict[str, list[int]], int]:
    """The paper's shared store: the top chunks of all these documents' stores together.

    Each document's store is searched and the hits merged by cosine: the same top chunks a
    single store holding every document would return.

    Returns:
        The context text, its pages by document, and its tokens.
    """
    vector = embedder.embed_query(question)
    hits = [(record.doc_id, hit) for record in records
            for hit in index.search_passages(vector, record.doc_id, record.sha256, _SEARCH_LIMIT)]
    hits.sort(key=lambda found: -found[1].score)
    return _fill(hits, budget)


def _fill(hits: list[tuple[str, Passage]], budget: int) -> tuple[str, dict[str, list[int]], int]:
    """The hits in order while they fit ``budget``: text, pages by document, tokens."""
    blocks: list[str] = []
    pages: dict[str, set[int]] = {}
    used = 0
    for doc_id, hit in hits:
        block = context_block(None, "", hit.pages, hit.text)
        tokens = count_tokens(block)
        if used + tokens > budget:
            break
        blocks.append(block)
        pages.setdefault(doc_id, set()).update(hit.pages)
        used += tokens
    text = "\n\n".join(blocks)
    return text, {doc: sorted(found) for doc, found in pages.items()}, count_tokens(text)
