"""Errors raised by docthrift, written for the person who has to act on them.

    DocthriftError
    ├── ConfigError       settings that contradict each other or point nowhere
    ├── ExtractionError   a PDF that cannot be read (encrypted, corrupt, empty, not a PDF)
    ├── IndexingError     the vector index cannot be opened or written
    ├── RetrievalError    a query that cannot be served (unknown document, bad budget)
    ├── AnswerError       the language model endpoint failed or replied with garbage
    └── DatasetError      an evaluation dataset line that does not validate

The CLI turns each into one line and exit code 1; the API into a JSON error body.
:func:`disk_full_message` recognises a full disk behind any exception, wherever it was hit.
"""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

# Below this much free space a failure is taken for a full disk (Prefect's own database on
# it then answers "500 Internal Server Error" with no word of the cause).
NEARLY_FULL_BYTES = 16 * 1024 * 1024
DISK_FULL = ("the disk is full (no space left on device){where}; free some space and run "
             "again: documents already indexed stay whole, and the next run finishes the work")


class DocthriftError(Exception):
    """Base class: every error docthrift raises on purpose."""


class ConfigError(DocthriftError):
    """Settings are missing, contradictory or point to something that does not exist."""


class ExtractionError(DocthriftError):
    """A PDF could not be turned into a document."""


class IndexingError(DocthriftError):
    """The vector index could not be opened or written."""


class RetrievalError(DocthriftError):
    """A query could not be served."""


class AnswerError(DocthriftError):
    """The language model endpoint failed or returned an unusable reply."""


class DatasetError(DocthriftError):
    """An evaluation dataset is malformed."""


def disk_full_message(exc: BaseException | None, home: Path | None = None) -> str | None:
    """The message for a full disk when ``exc`` or anything that caused it is one, else None.

    Looks for ``ENOSPC`` and SQLite's "database or disk is full" along the exception's causes;
    with ``home`` given, also takes any failure while ``home``'s disk has almost no free space
    left for a full disk.
    """
    where = f" where {home} is" if home is not None else ""
    seen: set[int] = set()
    cause = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if (isinstance(cause, OSError) and cause.errno == errno.ENOSPC) \
                or "database or disk is full" in str(cause) or "No space left" in str(cause):
            return DISK_FULL.format(where=where)
        cause = cause.__cause__ or cause.__context__
    if exc is not None and home is not None:
        try:
            free = shutil.disk_usage(home if home.exists() else Path.cwd()).free
        except OSError:
            return None
        if free < NEARLY_FULL_BYTES:
            return DISK_FULL.format(where=where)
    return None
