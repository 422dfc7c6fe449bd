"""The HTTP API over real HTTP: a uvicorn server in a thread, httpx as the client."""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from core.settings import Settings, load_settings
from flows.ingest import ingest_documents
from indexes import store
from tests.server_helpers import start_server

LATIN1 = os.fsdecode(b"r\xe9sultats_2025Q1.pdf")  # a file name that is not UTF-8


@contextmanager
def _serving(settings: Settings) -> Iterator[str]:
    """A uvicorn server of the app in a thread; yields its base URL.

    Its index client stays open: closing clients closes every server's of this module.
    """
    from docthrift.api import create_app

    server, thread, port = start_server(create_app(settings))
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def _wait_for_run(client: httpx.Client, started: httpx.Response) -> dict[str, Any]:
    assert started.status_code == 202, started.text
    status = started.json()
    deadline = time.time() + 240
    while status["status"] == "running" and time.time() < deadline:
        time.sleep(0.5)
        status = client.get(f"/v1/ingest/{started.json()['run_id']}").json()
    return status


@pytest.fixture(scope="module")
def api(prefect_harness, samples_dir: Path, tmp_path_factory):  # type: ignore[no-untyped-def]
    home = tmp_path_factory.mktemp("api-home")
    source = tmp_path_factory.mktemp("api-source")
    (source / "contoso.pdf").write_bytes((samples_dir / "contoso_2024Q4_earnings.pdf").read_bytes())
    (source / LATIN1).write_bytes((samples_dir / "northwind_2025Q1_10Q.pdf").read_bytes())
    settings = load_settings(home=home, collection="api", api_key="s3cret", source_dir=source)
    ingest_documents([str(samples_dir / "northwind_2024_10K.pdf")],
                     overrides={"home": str(home), "collection": "api"})
    with _serving(settings) as url, httpx.Client(
            base_url=url, timeout=60, headers={"Authorization": "Bearer s3cret"}) as client:
        yield client
    store.close_indexes()


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
                         "baseline_tokens", "latency_ms", "documents"}
    assert set(body["documents"][0]) == {"doc_id", "pages", "context_tokens", "document_tokens"}
    assert body["answer_mode"] == "extractive"
    assert set(body["usage"]) == {"context_tokens", "prompt_tokens", "cached_tokens",
                                  "completion_tokens", "total_tokens", "cost_usd"}
    assert body["usage"]["cached_tokens"] == 0  # no model answered
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
    status = _wait_for_run(api, api.post("/v1/ingest"))
    assert status["status"] == "completed", status
    documents = status["summary"]["documents"]
    assert [d["file"] for d in documents] == ["contoso.pdf", "r\\xe9sultats_2025Q1.pdf"]
    latin = documents[1]["doc_id"]
    docs = {d["doc_id"]: d for d in api.get("/v1/documents").json()["documents"]}
    assert set(docs) == {"northwind_2024_10K", "contoso", latin}
    # Paths as the client knows them: relative to the source folder, none of the server's.
    assert docs["contoso"]["source_path"] == "contoso.pdf"
    assert docs[latin]["source_path"] == "r\\xe9sultats_2025Q1.pdf"
    assert docs["northwind_2024_10K"]["source_path"] is None  # not from the source folder
    one = api.get("/v1/documents/contoso").json()
    assert one["source_path"] == "contoso.pdf"
    r = api.post("/v1/query", json={"question": "Contoso revenue Q4 2024", "doc_id": "contoso",
                                    "retrieve_only": True})
    assert r.status_code == 200 and r.json()["citations"][0]["doc_id"] == "contoso"


def test_ingest_with_a_failed_file_reports_its_summary(prefect_harness, samples_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from core.settings import load_settings
    from docthrift.api import create_app

    source = tmp_path / "source"
    source.mkdir()
    (source / "contoso.pdf").write_bytes((samples_dir / "contoso_2024Q4_earnings.pdf").read_bytes())
    (source / "notes.pdf").write_text("meeting notes saved as text")
    settings = load_settings(home=tmp_path / "home", collection="api_failed", source_dir=source)
    # Its index stays open until the module's end: closing every index here would close the
    # one the module's server is still using.
    with TestClient(create_app(settings)) as client:
        status = client.post("/v1/ingest").json()
        deadline = time.time() + 240
        while status["status"] == "running" and time.time() < deadline:
            time.sleep(0.5)
            status = client.get(f"/v1/ingest/{status['run_id']}").json()
    # The run ends Failed in Prefect; the API still reads its summary.
    assert status["status"] == "failed", status
    by_id = {d["doc_id"]: d for d in status["summary"]["documents"]}
    assert by_id["contoso"]["status"] == "added" and by_id["notes"]["status"] == "failed"
    assert "not a PDF file" in by_id["notes"]["error"]


def test_a_non_ascii_token_is_refused_not_a_crash(api) -> None:  # type: ignore[no-untyped-def]
    for token in ("clé".encode(), b"s3cr\xe9t", "s3cret\u00a0".encode()):
        r = httpx.get(api.base_url.join("/v1/documents"), headers={"Authorization": b"Bearer " + token})
        assert r.status_code == 401, (token, r.text)
        assert "Bearer" in r.json()["error"]


def test_a_non_ascii_key_works_and_errors_show_relative_paths(  # type: ignore[no-untyped-def]
        prefect_harness, samples_dir, tmp_path) -> None:
    source = tmp_path / "source"
    for sub, name in (("a", "contoso_2024Q4_earnings.pdf"), ("b", "northwind_2025Q1_10Q.pdf")):
        (source / sub).mkdir(parents=True)
        (source / sub / "report.pdf").write_bytes((samples_dir / name).read_bytes())
    settings = load_settings(home=tmp_path / "home", api_key="clé-secrète", source_dir=source)
    key = {"Authorization": "Bearer clé-secrète".encode()}
    with _serving(settings) as url, httpx.Client(base_url=url, timeout=60, headers=key) as client:
        assert client.get("/v1/documents").status_code == 200
        assert httpx.get(f"{url}/v1/documents", headers={"Authorization": "Bearer cle-secrete"}
                         ).status_code == 401
        status = _wait_for_run(client, client.post("/v1/ingest"))
        assert status["status"] == "failed", status
        failed = [d for d in status["summary"]["documents"] if d["status"] == "failed"]
        assert failed[0]["error"].startswith(
            "b/report.pdf: has the same document id 'report' as a/report.pdf"), failed
        shown = json.dumps(status) + client.get("/v1/documents").text
        assert str(tmp_path) not in shown and str(source.resolve()) not in shown


def test_ingest_without_a_source_folder_is_503(prefect_harness, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with _serving(load_settings(home=tmp_path / "home")) as url:
        r = httpx.post(f"{url}/v1/ingest")
        assert r.status_code == 503 and "DOCTHRIFT_SOURCE_DIR" in r.json()["error"]
        missing = load_settings(home=tmp_path / "home2", source_dir=tmp_path / "nowhere")
    with _serving(missing) as url:
        r = httpx.post(f"{url}/v1/ingest")
        assert r.status_code == 503 and str(tmp_path) not in r.text, r.text


def _raw(api: httpx.Client, head: bytes, body: bytes = b"") -> bytes:
    """Send a request by hand (headers, then part of a body) and read what comes back."""
    with socket.create_connection((api.base_url.host, api.base_url.port), timeout=20) as sock:
        sock.sendall(head + body)
        sock.shutdown(socket.SHUT_WR) if not body else None
        reply = b""
        while b"\r\n\r\n" not in reply or not reply.rstrip().endswith(b"}"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            reply += chunk
    return reply


def test_the_key_is_checked_before_the_body_is_read(api) -> None:  # type: ignore[no-untyped-def]
    # Headers announce 10 MB and only 100 bytes follow: a server that read the body first
    # would wait for the rest; the 401 must come at once.
    head = (b"POST /v1/query HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 10000000\r\n\r\n")
    reply = _raw(api, head, b"{" * 100)
    assert reply.startswith(b"HTTP/1.1 401"), reply[:200]
    assert b'"error"' in reply
    bad_json = httpx.post(api.base_url.join("/v1/query"), content=b"{not json",
                          headers={"Content-Type": "application/json"})
    assert bad_json.status_code == 401, bad_json.text


def test_bodies_over_the_limit_get_413(api) -> None:  # type: ignore[no-untyped-def]
    head = (b"POST /v1/query HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer s3cret\r\n"
            b"Content-Type: application/json\r\nContent-Length: 10000000\r\n\r\n")
    reply = _raw(api, head, b"{" * 100)
    assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
    assert b"1048576 bytes" in reply

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
        yield b'{"question": "'
        for _ in range(40):
            yield b"x" * 65536
        yield b'"}'

    streamed = api.post("/v1/query", content=chunks(), headers={"Content-Type": "application/json"})
    assert streamed.status_code == 413 and "1048576 bytes" in streamed.json()["error"]
    assert api.post("/v1/query", json={"question": "revenue?", "retrieve_only": True}
                    ).status_code == 200


def test_api_docs_follow_the_key(api) -> None:  # type: ignore[no-untyped-def]
    for path in ("/docs", "/redoc", "/openapi.json"):
        bare = httpx.get(api.base_url.join(path))
        assert bare.status_code == 401 and "error" in bare.json(), path
        assert api.get(path).status_code == 200, path
    assert "/v1/query" in api.get("/openapi.json").json()["paths"]


@pytest.mark.parametrize("method,path,body,status,words", [
    ("GET", "/nope", None, 404, "no such endpoint"),
    ("GET", "/v1/query", None, 405, "GET is not allowed"),
    ("DELETE", "/v1/documents", None, 405, "not allowed"),
    ("POST", "/v1/query", b"{not json", 422, "not valid JSON"),
    ("POST", "/v1/query", b"[1, 2]", 422, "JSON object"),
    ("POST", "/v1/query", b"", 422, "JSON object"),
    ("POST", "/v1/query", b'{"budget": 1000}', 422, "question: field required"),
])
def test_every_error_has_one_shape(api, method, path, body, status, words) -> None:  # type: ignore[no-untyped-def]
    r = api.request(method, path, content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == status, r.text
    assert set(r.json()) == {"error"} and words in r.json()["error"], r.text


def test_settings_open_the_docs_and_set_the_body_limit(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from docthrift.api import create_app

    settings = load_settings(home=tmp_path / "home", api_key="s3cret", public_docs=True,
                             max_request_bytes=2048)
    with TestClient(create_app(settings, service=object())) as client:  # type: ignore[arg-type]
        assert client.get("/openapi.json").status_code == 200
        assert client.get("/docs").status_code == 200
        assert client.get("/v1/documents").status_code == 401  # the rest still needs the key
        big = client.post("/v1/query", content=b"x" * 4096,
                          headers={"Authorization": "Bearer s3cret"})
        assert big.status_code == 413 and "limit of 2048 bytes" in big.json()["error"]
