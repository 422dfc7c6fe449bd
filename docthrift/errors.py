"""Errors raised by docthrift, written for the person who has to act on them.

    DocthriftError
    ├── ConfigError       settings that contradict each other or point nowhere
    ├── ExtractionError   a PDF that cannot be read (encrypted, corrupt, empty, not a PDF)
    ├── IndexingError     the vector index cannot be opened or written
    ├── RetrievalError    a query that cannot be served (unknown document, bad budget)
    ├── AnswerError       the language model endpoint failed or replied with garbage
    └── DatasetError      an evaluation dataset line that does not validate

The CLI turns each into one line and exit code 1; the API into a JSON error body.
"""

from __future__ import annotations


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
