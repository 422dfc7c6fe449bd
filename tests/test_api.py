"""The HTTP API over real HTTP: a uvicorn server in a thread, httpx as the client."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import httpx
import pytest
import uvicorn

from flows.ingest import ingest_documents
from indexes import store


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def api(prefect_harness, samples_dir: Path, tmp_path_factory):  # type: ignore[no-untyped-def]
    from docthrift.api import create_app
    from docthrift.settings import load_settings

    home = tmp_path_factory.mktemp("api-home")
    source = tmp_path_factory.mktemp("api-source")
    (source / "contoso.pdf").write_bytes((samples_dir / "contoso_2024Q4_earnings.pdf").read_bytes())
    settings = load_settings(home=home, collection="api", api_key="s3cret", source_dir=source)
    ingest_documents([str(samples_dir / "northwind_2024_10K.pdf")],
                     overrides={"home": str(home), "collection": "api"})
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 60
    while not server.started and time.time() < deadline:
        time.sleep(0.1)
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60,
                          headers={"Authorization": "Bearer s3cret"})
    yield client
    client.close()
    server.should_exit = True
    thread.join(10)
    store.close_clients()


def test_health_needs_no_key_and_others_do(api) -> None:  # type: ignore[no-untyped-def]
    bare = httpx.get(api.base_url.join("/healthz"))
    assert bare.status_code == 200 and bare.json() == {"status": "ok"}
    denied = httpx.get(api.base_url.join("/v1/documents"))
    assert denied.status_code == 401 and "Bearer" in denied.json()["error"]
    wrong = httpx.get(api.base_url.join("/v1/documents"), headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401


def test_query_returns_the_public_shape(api) -> None:  # type: ignore[no-untyped-def]
    r = api.post("/v1/query", json={"question": "What was Northwind's net revenue in FY2024?",
                                    "budget": 1500})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"question", "answer", "answer_mode", "route", "citations", "usage",
                         "baseline_tokens", "latency_ms"}
    assert body["answer_mode"] == "extractive"
    assert set(body["usage"]) == {"context_tokens", "prompt_tokens", "completion_tokens",
                                  "total_tokens", "cost_usd"}
    assert set(body["route"][0]) == {"step", "context_tokens", "prompt_tokens", "completion_tokens"}
    cite = body["citations"][0]
    assert set(cite) == {"doc_id", "section", "pages", "kind", "text", "tokens"}
    assert all(isinstance(p, int) and p >= 1 for c in body["citations"] for p in c["pages"])
    assert 0 < body["usage"]["context_tokens"] <= 1.5 * 1500 < body["baseline_tokens"]


@pytest.mark.parametrize("body,status,words", [
    ({"question": ""}, 422, "question"),
    ({"question": "   "}, 400, "empty"),
    ({"question": "x" * 5000}, 400, "limit"),
    ({"question": "revenue?", "budget": 5}, 422, "budget"),
    ({"question": "revenue?", "doc_id": "nope"}, 404, "no such document"),
    ({"question": "revenue?", "doc_id": "../../etc/passwd"}, 404, "no such document"),
])
def test_bad_input_gets_a_clear_4xx(api, body, status, words) -> None:  # type: ignore[no-untyped-def]
    r = api.post("/v1/query", json=body)
    assert r.status_code == status, r.text
    assert words in r.json()["error"]


def test_documents_and_outline(api) -> None:  # type: ignore[no-untyped-def]
    docs = api.get("/v1/documents").json()["documents"]
    assert [d["doc_id"] for d in docs] == ["northwind_2024_10K"]
    one = api.get("/v1/documents/northwind_2024_10K").json()
    assert one["metadata"]["doc_type"] == "10-K"
    assert any("Item 7" in s["section"] for s in one["outline"])
    assert api.get("/v1/documents/missing").status_code == 404


def test_ingest_runs_over_the_source_folder(api) -> None:  # type: ignore[no-untyped-def]
    started = api.post("/v1/ingest")
    assert started.status_code == 202
    run_id = started.json()["run_id"]
    deadline = time.time() + 240
    status = started.json()
    while status["status"] == "running" and time.time() < deadline:
        time.sleep(0.5)
        status = api.get(f"/v1/ingest/{run_id}").json()
    assert status["status"] == "completed", status
    assert [d["doc_id"] for d in status["summary"]["documents"]] == ["contoso"]
    docs = {d["doc_id"] for d in api.get("/v1/documents").json()["documents"]}
    assert docs == {"northwind_2024_10K", "contoso"}
    r = api.post("/v1/query", json={"question": "Contoso revenue Q4 2024", "doc_id": "contoso",
                                    "retrieve_only": True})
    assert r.status_code == 200 and r.json()["citations"][0]["doc_id"] == "contoso"
