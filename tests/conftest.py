"""Shared fixtures: real model, the real Qdrant engine (Edge), real Prefect, a stand-in LLM server."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DEV_DATA = REPO.parent / "shared" / "data" / "financebench-dev"
needs_dev_data = pytest.mark.skipif(not DEV_DATA.is_dir(), reason="financebench-dev data absent")

# One cache (the exported ONNX model) for the whole run, shared by every test's settings.
CACHE = REPO / ".docthrift" / "test-cache"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
for _name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "QDRANT_URL", "QDRANT_API_KEY"):
    os.environ.pop(_name, None)
for _name in [n for n in os.environ if n.startswith("DOCTHRIFT_")]:
    os.environ.pop(_name)
os.environ["DOCTHRIFT_CACHE"] = str(CACHE)


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One Prefect test server for the whole session."""
    os.environ["PREFECT_HOME"] = str(tmp_path_factory.mktemp("prefect-home"))
    from prefect.testing.utilities import prefect_test_harness

    # A busy machine may need longer: PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.
    timeout = int(os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"])
    with prefect_test_harness(server_startup_timeout=timeout):
        yield


@pytest.fixture(scope="session")
def embedder():  # type: ignore[no-untyped-def]
    """The bundled all-MiniLM-L6-v2 on the default backend, loaded once."""
    from core.settings import Settings
    from indexes.embeddings import load_embedder

    return load_embedder(Settings().embedding_backend, CACHE)


@pytest.fixture
def settings(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Settings with a fresh home, embedded index folder and collection for this test."""
    from core.settings import load_settings
    from indexes import store

    made = load_settings(home=tmp_path / "home", collection=f"t{uuid.uuid4().hex[:10]}")
    yield made
    store.close_indexes()


@pytest.fixture(scope="session")
def fake_llm() -> Iterator[object]:
    """The OpenAI-compatible stand-in server, started once; reset before each use."""
    from tests.llm_server import FakeLLM

    server = FakeLLM().start()
    yield server
    server.stop()


@pytest.fixture
def llm_server(fake_llm):  # type: ignore[no-untyped-def]
    fake_llm.reset()
    return fake_llm


@pytest.fixture(scope="session")
def samples_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated sample reports (the demo's data)."""
    from samples.generate import generate_samples

    folder = tmp_path_factory.mktemp("samples")
    generate_samples(folder)
    return folder


@pytest.fixture
def corpus(samples_dir: Path, tmp_path: Path) -> Path:
    """A folder of its own holding copies of the sample PDFs."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for pdf in samples_dir.glob("*.pdf"):
        shutil.copy(pdf, folder / pdf.name)
    return folder


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """DOCTHRIFT_HOME for CLI runs in this test; the index is released afterwards."""
    from indexes import store

    folder = tmp_path / "home"
    monkeypatch.setenv("DOCTHRIFT_HOME", str(folder))
    yield folder
    store.close_indexes()
