"""Indexes written by earlier docthrift versions (qdrant-client's local mode), and their move.

Earlier versions kept the embedded index in qdrant-client's local mode: ``<home>/qdrant/
meta.json`` and ``<home>/qdrant/collection/<name>/storage.sqlite``, one pickled point a row.
This version reads Qdrant Edge shards under ``<home>/qdrant/edge/`` instead. Opening a folder
that holds only the old layout fails with one line that names the way forward,
``docthrift index migrate``, which converts it in place, vectors included (nothing is
extracted or embedded again):

1. the old collections are read with qdrant-client (the same code that wrote them);
2. Edge shards are written to ``<home>/qdrant/edge.migrating/``;
3. that folder is renamed to ``edge/``: the one step that makes the new index current, so a
   migration cut short leaves the old index as it was and can simply be run again;
4. the old files move to ``<home>/qdrant/local-mode-backup/`` (delete it once satisfied).

Chunks written before versions existed get their version from their content hash on the way
(``doc_version`` = ``doc_sha256``, what their record already names).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docthrift.errors import IndexingError
from indexes.backend import Part, StoredPoint
from indexes.schema import DENSE, SPARSE, VERSION, documents_collection, passages_collection
from indexes.sparse import SparseVector

BACKUP = "local-mode-backup"
_OLD_FILES = ("meta.json", "collection", ".lock")


def has_local_mode_index(folder: Path) -> bool:
    """Whether ``folder`` holds an index in the earlier local-mode layout."""
    return (folder / "meta.json").is_file() or any((folder / "collection").glob("*/storage.sqlite"))


def check_layout(folder: Path) -> None:
    """Refuse a folder that holds only an earlier version's index, saying what to run.

    Raises:
        IndexingError: ``folder`` has the local-mode layout and no embedded index yet.
    """
    from indexes.edge_store import EDGE_FOLDER

    if not (folder / EDGE_FOLDER).exists() and has_local_mode_index(folder):
        raise IndexingError(
            f"the index at {folder} was written by an earlier docthrift (qdrant-client local "
            "mode), which this version does not read; run 'docthrift index migrate' to convert "
            "it in place (nothing is embedded again), or ingest your PDFs into a new "
            "DOCTHRIFT_HOME")


@dataclass
class Migration:
    """What a migration moved: points per collection and part, and where the old files went."""

    moved: dict[str, dict[str, int]] = field(default_factory=dict)
    backup: Path | None = None


def migrate_local_mode(folder: Path,
                       progress: Callable[[str, int], None] | None = None) -> Migration:
    """Convert the local-mode index in ``folder`` into the embedded (Edge) index, in place.

    Args:
        folder: The storage folder (``<home>/qdrant``, or ``DOCTHRIFT_QDRANT_PATH``).
        progress: Called with a collection name and the number of points of each batch moved.

    Raises:
        IndexingError: Nothing to migrate, an embedded index is already there, or the old
            index is open in another process.
    """
    from qdrant_client import QdrantClient

    from indexes.edge_store import EDGE_FOLDER, EdgeIndex, EdgeShards, in_use_error

    if (folder / EDGE_FOLDER).exists():
        raise IndexingError(f"{folder / EDGE_FOLDER} already holds an embedded index; "
                            "there is nothing to migrate")
    if not has_local_mode_index(folder):
        raise IndexingError(f"{folder} holds no index of an earlier docthrift; nothing to migrate")
    staging = folder / f"{EDGE_FOLDER}.migrating"
    shutil.rmtree(staging, ignore_errors=True)  # what a migration cut short left
    try:
        old = QdrantClient(path=str(folder))
    except RuntimeError as exc:  # local mode's folder lock
        raise in_use_error(folder) from exc
    shards = EdgeShards(staging)
    result = Migration()
    try:
        names = {c.name for c in old.get_collections().collections}
        for name in sorted(n for n in names if _is_chunk_collection(old, n)):
            target = EdgeIndex(shards, name)
            sources: dict[Part, str] = {"chunks": name, "documents": documents_collection(name),
                                        "passages": passages_collection(name)}
            counts = result.moved.setdefault(name, {})
            for part, source in sources.items():
                if source in names:
                    counts[part] = _move(old, source, part, target, progress)
    finally:
        shards.close()
        old.close()
    (staging).rename(folder / EDGE_FOLDER)
    result.backup = _set_aside(folder)
    return result


def _is_chunk_collection(client: Any, name: str) -> bool:
    vectors = client.get_collection(name).config.params.vectors
    return isinstance(vectors, dict) and DENSE in vectors


def _move(old: Any, source: str, part: Part, target: Any,
          progress: Callable[[str, int], None] | None) -> int:
    moved, offset = 0, None
    while True:
        points, offset = old.scroll(source, limit=256, offset=offset, with_payload=True,
                                    with_vectors=part != "documents")
        if points:
            target.import_points(part, [_converted(p, part) for p in points])
            moved += len(points)
            if progress:
                progress(source, len(points))
        if offset is None:
            return moved


def _converted(point: Any, part: Part) -> StoredPoint:
    payload = dict(point.payload or {})
    vector = point.vector
    if part == "chunks":
        if not payload.get(VERSION) and payload.get("doc_sha256"):
            payload[VERSION] = payload["doc_sha256"]  # a chunk from before versions
        sparse = vector.get(SPARSE)
        return StoredPoint(str(point.id), payload, list(vector[DENSE]),
                           SparseVector(list(sparse.indices), list(sparse.values)))
    if part == "passages":
        return StoredPoint(str(point.id), payload, list(vector))
    return StoredPoint(str(point.id), payload)


def _set_aside(folder: Path) -> Path | None:
    backup = folder / BACKUP
    moved = False
    for name in _OLD_FILES:
        if (folder / name).exists():
            backup.mkdir(exist_ok=True)
            (folder / name).rename(backup / name)
            moved = True
    return backup if moved else None
