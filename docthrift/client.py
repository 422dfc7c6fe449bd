"""The Python API: docthrift in this process, over the same service as the CLI and HTTP API.

    from docthrift import Docthrift

    with Docthrift("data") as dt:                    # a home folder (embedded index)
        dt.ingest(["filings/"])                      # the ingest-documents flow
        answer = dt.ask("What was 3M's capital expenditure in FY2022?")
        print(answer.answer, [c.pages for c in answer.citations])
        context = dt.retrieve("Total assets?", doc_ids=["3M_2022_10K"], budget=2000)

``Docthrift(qdrant_url="http://qdrant:6333")`` uses a Qdrant server instead of the embedded
index. Settings are read once, here: the environment (``DOCTHRIFT_*``, ``OPENAI_API_KEY``, ...)
under the arguments. Heavy libraries (the embedding model, Prefect, Qdrant) load on first use,
so ``import docthrift`` stays light.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from core.errors import ConfigError, DocumentNotFoundError, RetrievalError
from core.models import (
    Answer,
    DocumentRecord,
    IngestSummary,
    OutlineSection,
    Passage,
    RetrievedContext,
)
from core.settings import Settings, load_settings

if TYPE_CHECKING:
    from answering.answering import QueryService
    from indexes.backend import Index, StoredChunk

DEFAULT_READ_BUDGET = 4000


class Docthrift:
    """An opened docthrift index: ingest PDFs, ask questions, read documents.

    Args:
        home: Data folder (embedded index, Prefect's home, caches); default
            ``$DOCTHRIFT_HOME`` or ``.docthrift``.
        qdrant_url: A Qdrant server to use instead of the embedded index.
        settings: Ready settings (then give neither ``home``, ``qdrant_url`` nor overrides).
        **overrides: Any other setting by name, e.g. ``budget_tokens=2000``,
            ``model="gpt-4o"``, ``collection="reports"``.

    Raises:
        ConfigError: contradictory or invalid settings.
        IndexingError: the embedded index is held by another process, or needs
            ``docthrift index migrate``.

    Example:
        >>> with Docthrift("data") as dt:  # doctest: +SKIP
        ...     dt.ask("Net revenue in 2024?").answer
    """

    def __init__(self, home: str | Path | None = None, *, qdrant_url: str | None = None,
                 settings: Settings | None = None, **overrides: Any) -> None:
        if settings is not None and (home is not None or qdrant_url is not None or overrides):
            raise ConfigError("pass settings, or home/qdrant_url/overrides, not both")
        self.settings = settings or load_settings(
            home=Path(home) if home is not None else None, qdrant_url=qdrant_url, **overrides)
        from docthrift.runtime import prepare_environment
        from indexes import store

        prepare_environment(self.settings)
        self._index: Index | None = store.get_index(self.settings)
        self._service: QueryService | None = None

    @property
    def service(self) -> QueryService:
        """The query service (index, embedding model, LLM client), built on first use."""
        if self._service is None:
            from answering.service import make_service

            self._open_index()
            self._service = make_service(self.settings)
        return self._service

    def ingest(self, paths: str | Path | Sequence[str | Path], *,
               force: bool = False) -> IngestSummary:
        """Index PDFs through the ``ingest-documents`` flow; unchanged ones are skipped.

        The flow reads secrets (``OPENAI_API_KEY`` for enrichment, ``QDRANT_API_KEY``) from
        the environment: Prefect stores flow parameters, so they never travel as settings.

        Args:
            paths: PDF files, folders or glob patterns.
            force: Re-index unchanged documents too.

        Returns:
            What happened to each file; ``summary.failed`` tells whether any failed.
        """
        from flows.ingest import ingest_documents

        self._open_index()
        items = [paths] if isinstance(paths, str | Path) else list(paths)
        return ingest_documents([str(p) for p in items], overrides=self.settings.overrides(),
                                force=force)

    def ask(self, question: str, *, doc_ids: Sequence[str] | None = None,
            budget: int | None = None,
            history: Sequence[Mapping[str, str]] = ()) -> Answer:
        """Answer from only the relevant sections, and say what it cost.

        Args:
            question: The question.
            doc_ids: Answer from these documents; None lets the question pick them.
            budget: Context budget in o200k tokens (default ``settings.budget_tokens``).
            history: Earlier ``{"role", "content"}`` turns, sent to the model before the
                question (the most recent ones).

        Raises:
            RetrievalError: a bad question or budget, an unknown document, an empty index.
            AnswerError: the model endpoint failed.
        """
        from answering.answering import answer_question
        from core.validation import check_question

        check_question(question, budget, self.settings)
        return answer_question(self.service, question, doc_ids=doc_ids, budget=budget,
                               history=history)

    def retrieve(self, question: str, *, doc_ids: Sequence[str] | None = None,
                 budget: int | None = None) -> RetrievedContext:
        """The context docthrift would send to the model, within ``budget`` tokens (no model call).

        Args:
            question: The question.
            doc_ids: Search these documents; None lets the question pick them.
            budget: Context budget in o200k tokens (default ``settings.budget_tokens``).
        """
        from answering.scope import retrieve_context, scope_ids
        from core.validation import check_question

        check_question(question, budget, self.settings)
        return retrieve_context(self.service, question, doc_ids=scope_ids(doc_ids=doc_ids),
                                budget=budget)

    def documents(self) -> list[DocumentRecord]:
        """Every indexed document's record (metadata, outline, counts), sorted by id."""
        return self._open_index().list_documents()

    def document(self, doc_id: str) -> DocumentRecord:
        """One document's record.

        Raises:
            DocumentNotFoundError: the document is not indexed (a RetrievalError).
        """
        record = self._open_index().get_document(doc_id)
        if record is None:
            raise DocumentNotFoundError(doc_id)
        return record

    def outline(self, doc_id: str, *, max_level: int | None = None) -> list[OutlineSection]:
        """The document's headings with pages and the tokens each section holds.

        Args:
            doc_id: The document.
            max_level: Only headings down to this level (1: the top ones).
        """
        from answering.reading import outline

        record = self.document(doc_id)
        return outline(record, self._chunks(record), max_level=max_level)

    def read(self, doc_id: str, *, section: str | None = None, pages: str | None = None,
             budget: int = DEFAULT_READ_BUDGET) -> Passage:
        """A section (with its subsections) or pages of a document, cut to ``budget`` tokens.

        Args:
            doc_id: The document.
            section: A heading from :meth:`outline`: the whole path, its last heading, or the
                start of it ("Item 7").
            pages: Pages such as ``"5"``, ``"5-7"`` or ``"3,5,7-9"`` (1-based).
            budget: Most o200k tokens of text to return.
        """
        from answering.reading import read_passage
        from core.validation import MAX_BUDGET

        if not 1 <= budget <= MAX_BUDGET:
            raise RetrievalError(f"budget {budget} is out of range; use 1 to {MAX_BUDGET} tokens")
        record = self.document(doc_id)
        return read_passage(record, self._chunks(record), section=section, pages=pages,
                            budget=budget)

    def close(self) -> None:
        """Release the index: closes the indexes this process holds, so another process can
        open the embedded index's folder. Later calls raise ConfigError."""
        from indexes import store

        if self._index is not None:
            store.close_indexes()
        self._index = None
        self._service = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        where = self.settings.qdrant_url or str(self.settings.local_qdrant_path)
        return f"Docthrift({where!r}, collection={self.settings.collection!r})"

    def _open_index(self) -> Index:
        if self._index is None:
            raise ConfigError("this Docthrift is closed; open a new one")
        return self._index

    def _chunks(self, record: DocumentRecord) -> list[StoredChunk]:
        from indexes.catalog import document_chunks

        return document_chunks(self._open_index(), record.doc_id, record.current_version)
