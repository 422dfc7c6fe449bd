"""``docthrift mcp`` through the MCP SDK's own client: stdio (the command spawned as a client
would spawn it) and streamable HTTP, over a real index of the samples built here."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from mcp import ClientSession, StdioServerParameters, stdio_client

from core.tokens import count_tokens
from flows.ingest import ingest_documents
from indexes import store
from tests.conftest import CACHE, REPO
from tests.server_helpers import free_port

NW_10K, CONTOSO = "northwind_2024_10K", "contoso_2024Q4_earnings"
TOOLS = {"search_documents", "list_documents", "get_document_outline", "read_section"}


@pytest.fixture(scope="module")
def home(prefect_harness, samples_dir: Path, tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("mcp-home")
    summary = ingest_documents([str(samples_dir)], overrides={"home": str(folder)})
    assert not summary.failed
    store.close_indexes()  # the local index is for the server process now
    return folder


def _env(**extra: str) -> dict[str, str]:
    return {"PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1", "DO_NOT_TRACK": "1",
            "DOCTHRIFT_CACHE": str(CACHE), **extra}


@asynccontextmanager
async def _session(home: Path) -> AsyncIterator[ClientSession]:
    params = StdioServerParameters(command=sys.executable,
                                   args=["-m", "docthrift.cli", "mcp", "--home", str(home)],
                                   env=_env(), cwd=str(REPO))
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        yield session


async def _call(session: ClientSession, tool: str, **arguments: Any) -> Any:
    result = await session.call_tool(tool, arguments)
    assert not result.is_error, result.content
    assert result.content and result.content[0].type == "text" and result.content[0].text
    return result.structured_content


def _within(found: dict[str, Any], budget: int) -> int:
    """The excerpts' exact o200k total, checked against each excerpt's own count."""
    counts = [count_tokens(e["text"]) for e in found["excerpts"]]
    assert counts == [e["tokens"] for e in found["excerpts"]]
    assert sum(counts) == found["context_tokens"] <= budget
    return sum(counts)


def test_tools_search_and_list_over_stdio(home: Path) -> None:
    async def run() -> None:
        async with _session(home) as session:
            listed = (await session.list_tools()).tools
            assert {t.name for t in listed} == TOOLS
            for tool in listed:  # every description says what a call costs
                assert "tokens" in (tool.description or ""), tool.name
                assert tool.output_schema is not None
            question = "What was Northwind's net revenue in FY2024?"
            for budget in (300, 1000, 4000):
                found = await _call(session, "search_documents", question=question, budget=budget)
                assert found["budget"] == budget and found["excerpts"]
                assert _within(found, budget) > 0
                assert {e["doc_id"] for e in found["excerpts"]} == {NW_10K}
            scoped = await _call(session, "search_documents", question="revenue in the quarter",
                                 doc_ids=[CONTOSO], budget=800)
            assert {e["doc_id"] for e in scoped["excerpts"]} == {CONTOSO}
            _within(scoped, 800)
            documents = (await _call(session, "list_documents"))["documents"]
            assert {d["doc_id"] for d in documents} == {NW_10K, CONTOSO, "northwind_2025Q1_10Q"}
            assert all(d["pages"] > 0 and d["tokens"] > 0 for d in documents)

    anyio.run(run)


def test_outline_and_read_section_over_stdio(home: Path) -> None:
    async def run() -> None:
        async with _session(home) as session:
            outline = await _call(session, "get_document_outline", doc_id=NW_10K)
            sections = {s["section"]: s for s in outline["sections"]}
            item7 = next(s for s in sections if s.endswith("Item 7. Management's Discussion "
                                                           "and Analysis of Financial Condition "
                                                           "and Results of Operations"))
            assert sections[item7]["level"] == 2 and sections[item7]["tokens"] > 300
            top = await _call(session, "get_document_outline", doc_id=NW_10K, max_level=1)
            assert top["sections"] and all(s["level"] == 1 for s in top["sections"])

            whole = await _call(session, "read_section", doc_id=NW_10K, section="Item 7",
                                budget=20_000)
            assert whole["section"] == item7 and not whole["truncated"]
            assert count_tokens(whole["text"]) == whole["tokens"] == sections[item7]["tokens"]
            cut = await _call(session, "read_section", doc_id=NW_10K, section=item7, budget=200)
            assert cut["truncated"] and cut["total_tokens"] == whole["tokens"]
            assert count_tokens(cut["text"]) == cut["tokens"] <= 200
            assert whole["text"].startswith(cut["text"][:200])
            assert cut["continue_from_page"] in whole["pages"]
            pages = await _call(session, "read_section", doc_id=NW_10K, pages="9-10", budget=1500)
            assert set(pages["pages"]) & {9, 10} and count_tokens(pages["text"]) <= 1500

    anyio.run(run)


def test_errors_reach_the_agent(home: Path) -> None:
    async def run() -> None:
        async with _session(home) as session:
            for tool, arguments, words in [
                ("read_section", {"doc_id": "nope", "pages": "1"}, "no such document"),
                ("read_section", {"doc_id": NW_10K, "pages": "99"}, "pages 1-"),
                ("read_section", {"doc_id": NW_10K}, "section or pages"),
                ("read_section", {"doc_id": NW_10K, "section": "Item"}, "matches"),
                ("get_document_outline", {"doc_id": "nope"}, "no such document"),
                ("search_documents", {"question": "revenue", "doc_ids": ["nope"]}, "no such document"),
                ("search_documents", {"question": "revenue", "budget": 5}, "budget"),
            ]:
                result = await session.call_tool(tool, arguments)
                assert result.is_error, (tool, arguments)
                assert words in result.content[0].text, result.content[0].text  # type: ignore[union-attr]

    anyio.run(run)


@pytest.fixture
def http_server(home: Path) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "docthrift.cli", "mcp", "--home", str(home),
         "--transport", "streamable-http", "--port", str(port)],
        env={**os.environ, **_env(DOCTHRIFT_API_KEY="k3y")}, cwd=REPO)
    url = f"http://127.0.0.1:{port}/mcp"
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                httpx.get(url, timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None, "docthrift mcp exited"
                time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        process.wait(30)


def test_streamable_http_behind_the_api_key(http_server: str) -> None:
    import httpx2
    from mcp.client.streamable_http import streamable_http_client

    denied = httpx.post(http_server, json={"jsonrpc": "2.0", "id": 1, "method": "ping"})
    assert denied.status_code == 401 and "Bearer" in denied.json()["error"]

    async def run() -> None:
        headers = {"Authorization": "Bearer k3y"}
        async with httpx2.AsyncClient(headers=headers, timeout=120) as http, \
                streamable_http_client(http_server, http_client=http) as (read, write), \
                ClientSession(read, write) as session:
            await session.initialize()
            found = await _call(session, "search_documents",
                                question="What was Northwind's net revenue in FY2024?", budget=500)
            _within(found, 500)

    anyio.run(run)
