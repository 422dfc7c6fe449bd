"""The MCP server (``docthrift mcp``): docthrift's index as tools an agent calls.

Four read-only tools over one :class:`~docthrift.client.Docthrift` opened at start (one index
client, the embedding model loaded once, before the first call is served):

- ``search_documents``: the budgeted context for a question, with citations and exact o200k
  token counts; no model call, the agent answers from it;
- ``list_documents``: what is indexed;
- ``get_document_outline``: a document's headings, with pages and the tokens each holds;
- ``read_section``: a section or pages, cut to a budget.

Each tool's description says what its reply costs in tokens. Every tool returns readable text
(what the model reads) and the same data as structured content. docthrift's errors reach the
agent as tool errors with their message.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Annotated

import anyio
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import BaseModel, ConfigDict, Field

from core.errors import DocthriftError
from core.models import HEADING_SEPARATOR, Citation, DocumentRecord, OutlineSection, Passage
from core.prompting import context_block
from core.settings import Settings
from core.validation import MAX_BUDGET, MIN_BUDGET
from docthrift.api_guard import RequestGuard
from docthrift.client import Docthrift

READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True,
                            open_world_hint=False)
# Reply sizes in o200k tokens, measured on FinanceBench filings (two 10-Ks, an earnings
# release): the text the model reads; the structured copy of an outline costs about 55/heading.
LIST_TOKENS_PER_DOCUMENT = 85
OUTLINE_TOKENS_PER_HEADING = 20
SOURCE_LINE_TOKENS = 35


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class SearchResult(_Out):
    """What ``search_documents`` returns."""

    question: str
    doc_ids: list[str] | None = Field(description="Documents searched (null: all of them).")
    route: str = Field(description="Why these documents were searched.")
    budget: int
    context_tokens: int = Field(description="o200k tokens of the excerpts' texts, at most budget.")
    excerpts: list[Citation]


class DocumentSummary(_Out):
    """One line of ``list_documents``."""

    doc_id: str
    title: str | None = None
    company: str | None = None
    doc_type: str | None = None
    fiscal_period: str | None = None
    pages: int
    sections: int
    tokens: int | None = Field(None, description="o200k tokens of the whole document's text.")


class DocumentList(_Out):
    """What ``list_documents`` returns."""

    documents: list[DocumentSummary]


class Outline(_Out):
    """What ``get_document_outline`` returns."""

    doc_id: str
    pages: int
    sections: list[OutlineSection]


@contextmanager
def _as_tool_errors() -> Iterator[None]:
    """docthrift's errors are the caller's to read: they reach the agent as tool errors."""
    try:
        yield
    except DocthriftError as exc:
        raise ToolError(str(exc)) from exc


def _result(text: str, data: BaseModel) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=text)],
                          structured_content=data.model_dump(mode="json"))


def summarise(record: DocumentRecord) -> DocumentSummary:
    """The fields of a document record an agent needs to pick documents."""
    meta = record.metadata
    return DocumentSummary(
        doc_id=record.doc_id, title=meta.title, company=meta.company, doc_type=meta.doc_type,
        fiscal_period=meta.fiscal_period, pages=record.page_count, sections=record.sections,
        tokens=record.document_tokens)


def build_server(client: Docthrift) -> MCPServer:
    """The MCP server over an opened Docthrift; it loads the query service before serving and
    closes the Docthrift when it stops."""

    @asynccontextmanager
    async def lifespan(_: MCPServer) -> AsyncIterator[None]:
        # The embedding model loads here, once, while stdout is already kept for the protocol.
        await anyio.to_thread.run_sync(lambda: client.service)
        try:
            yield
        finally:
            client.close()

    server: MCPServer = MCPServer(
        "docthrift", version="0.1.0", lifespan=lifespan, log_level="WARNING",
        instructions="Search and read indexed PDFs (annual reports, filings) within a token "
        "budget. Call list_documents to see what is indexed, search_documents for the "
        "excerpts that answer a question, get_document_outline and read_section to read "
        "a part of one document.")
    default_budget = client.settings.budget_tokens

    @server.tool(annotations=READ_ONLY, description=(
        "Find the excerpts of the indexed documents that answer a question, within a token "
        f"budget. Costs at most `budget` tokens of excerpt text (default {default_budget}), "
        f"plus about {SOURCE_LINE_TOKENS} tokens of source line per excerpt (about 10 "
        "excerpts at 4000). Each excerpt names its document, section and pages; token counts "
        "are exact (o200k_base). Leave doc_ids out to let the question pick the documents "
        "(the company, period and form it names)."))
    def search_documents(
        question: Annotated[str, Field(description="The question, in plain language.")],
        doc_ids: Annotated[list[str] | None, Field(
            description="Search only these documents (ids from list_documents).")] = None,
        budget: Annotated[int, Field(
            ge=MIN_BUDGET, le=MAX_BUDGET,
            description="Most o200k tokens of excerpt text.")] = default_budget,
    ) -> Annotated[CallToolResult, SearchResult]:
        with _as_tool_errors():
            context = client.retrieve(question, doc_ids=doc_ids, budget=budget)
        excerpts = [Citation(**p.model_dump(exclude={"position", "score"})) for p in context.pieces]
        found = SearchResult(question=question, doc_ids=context.doc_ids, route=context.route,
                             budget=budget, context_tokens=context.tokens, excerpts=excerpts)
        head = (f"{len(excerpts)} excerpts, {context.tokens} tokens of {budget} "
                f"({context.route})")
        blocks = [context_block(e.doc_id, e.section, e.pages, e.text) for e in excerpts]
        return _result("\n\n".join([head, *blocks]) if blocks else head + ": nothing found", found)

    @server.tool(annotations=READ_ONLY, description=(
        "List the indexed documents: id, title, company, form, fiscal period, pages, sections "
        f"and the tokens of the whole text. Costs about {LIST_TOKENS_PER_DOCUMENT} tokens per "
        "document."))
    def list_documents() -> Annotated[CallToolResult, DocumentList]:
        with _as_tool_errors():
            listed = DocumentList(documents=[summarise(r) for r in client.documents()])
        lines = [json.dumps(d.model_dump(exclude_none=True)) for d in listed.documents]
        return _result("\n".join(lines) or "no documents are indexed", listed)

    @server.tool(annotations=READ_ONLY, description=(
        "A document's outline: every heading path with its level, pages and the tokens its "
        "text holds (subsections included), which is what read_section of it costs uncut. "
        f"Costs about {OUTLINE_TOKENS_PER_HEADING} tokens per heading: a 10-K has about 340 "
        "headings (7,000 tokens); max_level=1 lists about 25 (500 tokens), max_level=2 about "
        "170 (3,300 tokens)."))
    def get_document_outline(
        doc_id: Annotated[str, Field(description="A document id from list_documents.")],
        max_level: Annotated[int | None, Field(
            ge=1, description="Only headings down to this level (1: the top ones).")] = None,
    ) -> Annotated[CallToolResult, Outline]:
        with _as_tool_errors():
            record = client.document(doc_id)
            entries = client.outline(doc_id, max_level=max_level)
        found = Outline(doc_id=doc_id, pages=record.page_count, sections=entries)
        lines = [f"{'  ' * (e.level - 1)}{e.section.split(HEADING_SEPARATOR)[-1]} | "
                 f"{_span(e.page_start, e.page_end)} | {e.tokens} tokens" for e in entries]
        return _result(f"{doc_id}: {found.pages} pages\n" + "\n".join(lines), found)

    @server.tool(annotations=READ_ONLY, description=(
        "Read one section of a document (with its subsections) or some of its pages, cut to "
        f"a budget. Costs at most `budget` tokens of text (default {default_budget}) plus one "
        "source line (about 60 tokens) saying where it comes from, whether it was cut and "
        "from which page to go on. Give section (a heading from get_document_outline: the "
        "whole path, its last heading, or its start such as 'Item 7') or pages ('12', "
        "'12-14', '3,5,7-9')."))
    def read_section(
        doc_id: Annotated[str, Field(description="A document id from list_documents.")],
        section: Annotated[str | None, Field(description="A heading to read.")] = None,
        pages: Annotated[str | None, Field(description="Pages to read: '12', '12-14'.")] = None,
        budget: Annotated[int, Field(ge=1, le=MAX_BUDGET,
                                     description="Most o200k tokens of text.")] = default_budget,
    ) -> Annotated[CallToolResult, Passage]:
        with _as_tool_errors():
            passage = client.read(doc_id, section=section, pages=pages, budget=budget)
        return _result(describe(passage) + "\n" + passage.text, passage)

    return server


def _span(first: int, last: int) -> str:
    return f"p. {first}" if first == last else f"pp. {first}-{last}"


def describe(passage: Passage) -> str:
    """The source line of a passage: where it comes from, its tokens, and the cut if any."""
    where = " | ".join(p for p in (passage.doc_id, passage.section or "") if p)
    span = _span(passage.pages[0], passage.pages[-1]) if passage.pages else "no text"
    line = f"[{where} | {span} | {passage.tokens} tokens"
    if passage.truncated:
        line += (f"; cut to the budget from {passage.total_tokens} tokens, continue from "
                 f"page {passage.continue_from_page}")
    return line + "]"


def serve_http(server: MCPServer, settings: Settings, *, host: str, port: int) -> None:
    """Serve MCP over streamable HTTP at ``http://host:port/mcp``, behind the API key when
    one is set (``DOCTHRIFT_API_KEY``)."""
    import uvicorn

    # The HTTP API's guard: the key first, then the body size, errors as {"error": "..."}.
    app = RequestGuard(server.streamable_http_app(host=host),
                       api_key=settings.api_key.get_secret_value() if settings.api_key else None,
                       open_paths=frozenset(), max_bytes=settings.max_request_bytes)
    uvicorn.run(app, host=host, port=port, log_level="warning")
