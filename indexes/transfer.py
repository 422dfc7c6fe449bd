"""Copy an index to another, a Qdrant server typically: the move from one machine to many.

Qdrant Edge writes no snapshots, so the copy goes point by point: every chunk with both of its
vectors, then every record, then the naive-rag passages, each scrolled from the source and
upserted into the target with the same ids and payloads. Chunks go before records, so at no
moment does a record on the target name chunks it does not hold yet. Copying again is safe
(same ids, same points); documents the target holds and the source does not are kept.
"""

from __future__ import annotations

from collections.abc import Callable

from indexes.backend import PARTS, Index


def copy_index(source: Index, target: Index,
               progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Copy every point of ``source`` into ``target``; return the points copied per part.

    Args:
        source: The index to read (an embedded one, usually).
        target: The index to write (a Qdrant server's, usually).
        progress: Called with a part name and the number of points of each batch copied.
    """
    copied: dict[str, int] = {}
    for part in PARTS:
        copied[part] = 0
        for batch in source.export_points(part):
            target.import_points(part, batch)
            copied[part] += len(batch)
            if progress:
                progress(part, len(batch))
    # Versions the target held before, now replaced by the copied records, are leftovers.
    copied["leftovers_removed"] = target.delete_leftovers()
    return copied
