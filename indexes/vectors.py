"""Dense and sparse vectors for chunks, embedding each distinct text once."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from docthrift.models import Chunk
from indexes.embeddings import Embedder
from indexes.sparse import SparseVector, document_vector


def dense_vectors(chunks: Sequence[Chunk], embedder: Embedder, *, batch_size: int,
                  progress: Callable[[int], None] | None = None) -> tuple[np.ndarray, int]:
    """Embed the chunks' heading-prefixed texts; repeated texts are embedded once.

    Returns:
        The (n, 384) matrix and how many distinct texts were embedded.
    """
    texts = [chunk.embed_text for chunk in chunks]
    unique = list(dict.fromkeys(texts))
    if not unique:
        return np.zeros((0, 384), dtype=np.float32), 0
    vectors = embedder.embed(unique, batch_size=batch_size, progress=progress)
    row = {text: i for i, text in enumerate(unique)}
    return vectors[[row[text] for text in texts]], len(unique)


def sparse_vectors(chunks: Sequence[Chunk]) -> list[SparseVector]:
    """BM25 weights of each chunk's heading path and text (the sparse side sees all of it)."""
    return [document_vector(chunk.sparse_text) for chunk in chunks]
