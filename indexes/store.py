"""Where the index lives, chosen once from settings: the embedded one or a Qdrant server.

:func:`get_index` returns the process's :class:`~indexes.backend.Index` for the settings'
location and collection: Qdrant Edge under ``DOCTHRIFT_HOME`` by default
(:mod:`indexes.edge_store`), a Qdrant server when ``QDRANT_URL`` is set
(:mod:`indexes.server_store`). The rest of docthrift talks to that interface only.

Every chunk carries its document's version (``doc_version``: id, content hash and pipeline
fingerprint, see :mod:`indexes.records`) and its point id derives from the chunk and that
version, so two versions of a document never share a point. Queries read only the chunks of
the version each record names. Writes are ordered so that a process killed at any moment
leaves each document whole, in its old version or its new one (:mod:`indexes.backend`):

1. the new version's chunks are written (invisible: no record names their version yet);
2. the record is switched to the new version: one point, one atomic write;
3. the other versions' chunks are deleted (invisible since step 2).

Removal deletes the record first, then the chunks. Whatever a kill leaves behind (chunks of a
version no record names) is invisible and ``Index.delete_leftovers`` removes it on the next run.

One object per location and collection serves the whole process: the API's queries and an
ingestion run inside ``docthrift serve`` share it (the embedded index allows one process per
folder, and the records it caches stay current because every write goes through it).
"""

from __future__ import annotations

import atexit
import threading
from pathlib import Path

from docthrift.errors import IndexingError
from docthrift.settings import Settings
from indexes.backend import Index

_INDEXES: dict[tuple[str, str], Index] = {}
_ENGINES: dict[str, object] = {}
_LOCK = threading.Lock()


def edge_root(settings: Settings) -> Path:
    """The folder of the embedded index's shards."""
    from indexes.edge_store import EDGE_FOLDER

    return settings.local_qdrant_path.resolve() / EDGE_FOLDER


def get_index(settings: Settings) -> Index:
    """The process-wide index for these settings (created on first use).

    Raises:
        IndexingError: The embedded index is held by another process, was written by an
            earlier docthrift that needs ``docthrift index migrate``, or the server cannot be
            reached.
    """
    where = settings.qdrant_url or str(edge_root(settings))
    key = (where, settings.collection)
    with _LOCK:
        if key not in _INDEXES:
            _INDEXES[key] = _server(settings) if settings.qdrant_url else _embedded(settings)
        return _INDEXES[key]


def _embedded(settings: Settings) -> Index:
    from indexes.edge_store import EdgeIndex, EdgeShards
    from indexes.legacy import check_layout

    root = edge_root(settings)
    check_layout(settings.local_qdrant_path.resolve())
    shards = _ENGINES.setdefault(str(root), EdgeShards(root))
    assert isinstance(shards, EdgeShards)
    return EdgeIndex(shards, settings.collection)


def _server(settings: Settings) -> Index:
    from qdrant_client import QdrantClient

    from indexes.server_store import ServerIndex

    url = str(settings.qdrant_url)
    if url not in _ENGINES:
        key = settings.qdrant_api_key.get_secret_value() if settings.qdrant_api_key else None
        try:
            _ENGINES[url] = QdrantClient(url=url, api_key=key, timeout=60)
        except Exception as exc:
            raise IndexingError(f"cannot reach the Qdrant server at {url}: {exc}") from exc
    client = _ENGINES[url]
    assert isinstance(client, QdrantClient)
    return ServerIndex(client, settings.collection, url)


def close_indexes() -> None:
    """Close every index this process opened (releases the embedded index's folder)."""
    with _LOCK:
        for engine in _ENGINES.values():
            engine.close()  # type: ignore[attr-defined]
        _ENGINES.clear()
        _INDEXES.clear()


# Close before the interpreter tears modules down (a flow run in a subprocess ends that way).
atexit.register(close_indexes)
