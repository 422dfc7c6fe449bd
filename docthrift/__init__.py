"""docthrift: answer questions over long PDFs from only the relevant sections.

The Python API is :class:`Docthrift` (see :mod:`docthrift.client`); the records it returns are
the same as the CLI's ``--json`` and the HTTP API's. Importing this package loads no model,
no Prefect and no Qdrant client: they load on first use.
"""

from core.errors import (
    AnswerError,
    ConfigError,
    DatasetError,
    DocthriftError,
    DocumentNotFoundError,
    ExtractionError,
    IndexingError,
    RetrievalError,
)
from core.models import (
    Answer,
    AnswerUsage,
    Citation,
    ContextPiece,
    DocumentMetadata,
    DocumentRecord,
    DocumentResult,
    DocumentShare,
    IngestSummary,
    OutlineSection,
    Passage,
    RetrievedContext,
    RouteStep,
)
from core.settings import Settings
from docthrift.client import Docthrift

__version__ = "0.1.0"

__all__ = [
    "Answer",
    "AnswerError",
    "AnswerUsage",
    "Citation",
    "ConfigError",
    "ContextPiece",
    "DatasetError",
    "Docthrift",
    "DocthriftError",
    "DocumentMetadata",
    "DocumentNotFoundError",
    "DocumentRecord",
    "DocumentResult",
    "DocumentShare",
    "ExtractionError",
    "IndexingError",
    "IngestSummary",
    "OutlineSection",
    "Passage",
    "RetrievalError",
    "RetrievedContext",
    "RouteStep",
    "Settings",
    "__version__",
]
