"""Typed, frozen records that flow between the stages.

``Document`` → ``Section`` → ``Chunk`` at ingestion; the query and evaluation records live
with the code that produces them and build on these. Pages are 1-based everywhere.
"""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

DocType = Literal["10-K", "10-Q", "8-K", "earnings", "other"]
ChunkKind = Literal["text", "table"]

# Namespace of docthrift's deterministic ids (uuid5).
ID_NAMESPACE = uuid.UUID("6f1c1a52-3a9e-5d1e-9a43-2f8f3c7d2b10")
HEADING_SEPARATOR = " > "


class Frozen(BaseModel):
    """Base of every record: immutable, no unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class DocumentMetadata(Frozen):
    """Document-level facts pulled deterministically from the PDF."""

    title: str | None = Field(None, description="The document's title.")
    company: str | None = Field(None, description="Issuer or company the document is about.")
    ticker: str | None = Field(None, description="Trading symbol, when the document names one.")
    doc_type: DocType = Field("other", description="10-K, 10-Q, 8-K, earnings release or other.")
    fiscal_year: int | None = Field(None, description="Fiscal year the document reports on.")
    fiscal_period: str | None = Field(
        None, description="Period label: 'FY2022', 'Q2 2023' (quarter and fiscal year)."
    )
    period_end: str | None = Field(None, description="ISO date the reported period ends.")
    dates: list[str] = Field(default_factory=list, description="ISO dates the document names.")
    pdf_metadata: dict[str, str] = Field(
        default_factory=dict, description="The PDF's own metadata dictionary (non-empty keys)."
    )

    def payload(self) -> dict[str, object]:
        """The fields stored on every chunk's payload (the PDF dictionary stays with the doc)."""
        return self.model_dump(exclude={"pdf_metadata", "dates"})


class PageText(Frozen):
    """Text of one section on one page."""

    page: int = Field(ge=1)
    text: str


class Table(Frozen):
    """A table found on a page, rendered as Markdown with its header row."""

    page: int = Field(ge=1)
    markdown: str
    rows: int
    cols: int
    section_path: str = ""


class Section(Frozen):
    """A span of the document under one heading path."""

    path: list[str] = Field(description="Heading path, outermost first.")
    level: int = Field(1, ge=1)
    page_start: int = Field(ge=1)
    page_end: int = Field(ge=1)
    pages: list[PageText] = Field(default_factory=list, description="The section's text by page.")
    summary: str | None = None

    @property
    def heading(self) -> str:
        """Heading path as one string: 'Item 7 > Liquidity'."""
        return HEADING_SEPARATOR.join(self.path)

    @property
    def text(self) -> str:
        """The section's whole text."""
        return "\n".join(part.text for part in self.pages)


class Document(Frozen):
    """A PDF after extraction."""

    doc_id: str
    source: str = Field(description="File name the document was read from.")
    sha256: str
    page_count: int
    metadata: DocumentMetadata
    sections: list[Section]
    tables: list[Table] = Field(default_factory=list)
    statements: dict[str, int] = Field(
        default_factory=dict,
        description="1-based page of each primary financial statement: income, balance, cash_flow.",
    )
    needs_ocr: list[int] = Field(
        default_factory=list, description="1-based pages with no text layer (scanned images)."
    )
    warnings: list[str] = Field(
        default_factory=list,
        description="What the reader could not take in: a repaired file, pages that came back "
        "empty, unreadable text left out.",
    )
    summary: str | None = None


class Chunk(Frozen):
    """A piece of one section, the unit that is embedded and indexed."""

    id: str
    doc_id: str
    position: int = Field(description="Order of the chunk in its document.")
    section: str = Field(description="Heading path joined with ' > '.")
    page_start: int = Field(ge=1)
    page_end: int = Field(ge=1)
    kind: ChunkKind
    text: str
    tokens: int
    content_hash: str

    @property
    def pages(self) -> list[int]:
        """All 1-based pages the chunk touches."""
        return list(range(self.page_start, self.page_end + 1))

    @property
    def embed_text(self) -> str:
        """What the dense embedder reads: the heading path, then the text.

        For a table, the header row and the row labels stand for it: MiniLM reads 256 word
        pieces and draws little from digits, so a table's numbers would only cost time
        (the sparse vector indexes every cell).
        """
        body = table_labels(self.text) if self.kind == "table" else self.text
        return f"{self.section}\n{body}" if self.section else body

    @property
    def sparse_text(self) -> str:
        """What the sparse (BM25) vector indexes: the heading path and all of the text."""
        return f"{self.section}\n{self.text}" if self.section else self.text


def table_labels(markdown: str) -> str:
    """A Markdown table's header row and the first cell of every other row."""
    rows = [row.strip().strip("|").split("|") for row in markdown.splitlines() if row.strip()]
    if not rows:
        return ""
    header = " | ".join(cell.strip() for cell in rows[0] if cell.strip())
    labels = [row[0].strip() for row in rows[2:] if row and row[0].strip()]
    return "\n".join([header, *labels])


def chunk_id(doc_id: str, content_hash: str, position: int) -> str:
    """Deterministic point id: uuid5 of document id, content hash and position."""
    return str(uuid.uuid5(ID_NAMESPACE, f"{doc_id}:{content_hash}:{position}"))


class OutlineEntry(Frozen):
    """One section of a document's outline, as its record keeps it."""

    section: str = Field(description="Heading path joined with ' > '.")
    level: int = 1
    page_start: int
    page_end: int
    summary: str | None = None


class DocumentRecord(BaseModel):
    """What the index keeps about one document beside its chunks (one point, switched atomically).

    ``version`` names the indexed version of the document (see ``indexes/records.py``); a record
    written before versions existed has none and stands for its ``sha256``. The fields and their
    order are the public JSON shape of ``docthrift show --json`` and ``GET /v1/documents``.
    Unknown fields in a stored record are ignored, so an older index stays readable.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    doc_id: str
    source: str = Field("", description="File name the document was read from.")
    source_path: str | None = Field(None, description="Resolved path of that file when indexed.")
    sha256: str
    fingerprint: str | None = Field(None, description="Pipeline fingerprint of its chunks.")
    version: str | None = Field(None, description="The indexed version its chunks carry.")
    page_count: int = 0
    metadata: DocumentMetadata = Field(default_factory=DocumentMetadata)
    outline: list[OutlineEntry] = Field(default_factory=list)
    sections: int = 0
    tables: int = 0
    chunks: int = 0
    needs_ocr: list[int] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list, description="See Document.warnings.")
    statements: dict[str, int] = Field(default_factory=dict)
    summary: str | None = None
    document_tokens: int = 0
    enrichment_tokens: int = 0
    enrichment_cost_usd: float | None = 0.0
    ingested_at: str | None = None

    @field_validator("metadata", mode="before")
    @classmethod
    def _known_metadata(cls, value: object) -> object:
        """Metadata written by another version may carry fields this one does not know."""
        if isinstance(value, dict):
            return {k: v for k, v in value.items() if k in DocumentMetadata.model_fields}
        return value if value is not None else {}

    @property
    def current_version(self) -> str:
        """The version whose chunks queries read (its sha256 for a record without versions)."""
        return self.version or self.sha256


IngestStatus = Literal["added", "updated", "unchanged", "duplicate", "removed", "failed"]


class DocumentResult(Frozen):
    """What an ingestion run did with one file."""

    doc_id: str
    file: str
    status: IngestStatus
    pages: int = 0
    sections: int = 0
    tables: int = 0
    chunks: int = 0
    embedded: int = Field(0, description="Distinct texts embedded (0 when skipped).")
    needs_ocr: list[int] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list, description="See Document.warnings.")
    enrichment_tokens: int = Field(0, description="LLM tokens spent on enrichment (ingestion cost).")
    seconds: float = 0.0
    error: str | None = None
    note: str | None = Field(None, description="Why a duplicate was not indexed again.")


class IngestSummary(Frozen):
    """The result of one ingestion run."""

    documents: list[DocumentResult]
    seconds: float = 0.0

    @property
    def totals(self) -> dict[str, float | int]:
        """Counts per status and sums of pages, chunks and time."""
        statuses = ("added", "updated", "unchanged", "duplicate", "removed", "failed")
        totals: dict[str, float | int] = {
            s: sum(1 for d in self.documents if d.status == s) for s in statuses
        }
        totals["documents"] = len(self.documents)
        for key in ("pages", "sections", "tables", "chunks", "embedded", "enrichment_tokens"):
            totals[key] = sum(getattr(d, key) for d in self.documents)
        totals["seconds"] = round(self.seconds, 2)
        return totals

    @property
    def failed(self) -> bool:
        """Whether any document failed."""
        return any(d.status == "failed" for d in self.documents)

    def to_json(self) -> dict[str, object]:
        """The ``--json`` shape: documents and totals."""
        return {
            "documents": [d.model_dump() for d in self.documents],
            "totals": self.totals,
        }


class Citation(Frozen):
    """A piece of context the answer was given, with where it came from."""

    doc_id: str
    section: str
    pages: list[int]
    kind: ChunkKind
    text: str
    tokens: int


class ContextPiece(Citation):
    """A contiguous run of one section's chunks, as sent to the model and cited."""

    position: int = Field(description="Position of the first chunk in its document.")
    score: float = 0.0


class RetrievedContext(Frozen):
    """What retrieval selected for a question, in document order, within a budget."""

    question: str
    doc_ids: list[str] | None = Field(description="Documents searched (None: all).")
    route: str = ""
    budget: int
    pieces: list[ContextPiece]

    @property
    def tokens(self) -> int:
        """Tokens of the pieces' texts."""
        return sum(piece.tokens for piece in self.pieces)


AnswerMode = Literal["llm", "extractive", "metadata", "none"]


class RouteStep(Frozen):
    """One rung of the escalation ladder that an answer climbed."""

    step: str
    context_tokens: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0


class AnswerUsage(Frozen):
    """Tokens and cost of one answer, summed over its steps."""

    context_tokens: int = 0
    prompt_tokens: int = 0
    cached_tokens: int = Field(0, description="Prompt tokens the endpoint read from its cache.")
    completion_tokens: int = 0
    total_tokens: int = 0
    cost_usd: float | None = None


class DocumentShare(Frozen):
    """One document of an answer's scope: what the context took from it, against its whole."""

    doc_id: str
    pages: list[int] = Field(description="Pages of this document in the context (cited).")
    context_tokens: int = Field(description="Context tokens taken from this document.")
    document_tokens: int = Field(description="o200k tokens of the document's whole text.")


class Answer(Frozen):
    """The result of ``docthrift ask`` and ``POST /v1/query`` (its JSON shape is public)."""

    question: str
    answer: str
    answer_mode: AnswerMode
    route: list[RouteStep]
    citations: list[Citation]
    usage: AnswerUsage
    baseline_tokens: int
    latency_ms: float
    documents: list[DocumentShare] = Field(
        default_factory=list, description="The citations per document: each document the "
        "question was answered from (each cited one when more than eight were searched), with "
        "its pages and tokens in the context; baseline_tokens counts all of them whole.")


class OutlineSection(Frozen):
    """One heading of a document's outline, with what reading it whole costs."""

    section: str = Field(description="Heading path joined with ' > '.")
    level: int
    page_start: int
    page_end: int
    tokens: int = Field(description="o200k tokens of the section's text, subsections included.")


class Passage(Frozen):
    """Text read from one document (a section with its subsections, or pages), within a budget."""

    doc_id: str
    section: str | None = Field(None, description="The heading path read, when a section was asked.")
    pages: list[int] = Field(description="Pages the returned text comes from.")
    text: str
    tokens: int = Field(description="o200k tokens of ``text``, at most the budget.")
    total_tokens: int = Field(description="o200k tokens of the whole section or pages.")
    truncated: bool = Field(description="Whether the text was cut to the budget.")
    continue_from_page: int | None = Field(
        None, description="When cut: the first page whose text was not returned in full.")
