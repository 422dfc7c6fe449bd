"""Exporting all-MiniLM-L6-v2 to ONNX once, into a cache folder, for the ONNX backends.

The fp32 graph is exported with torch's TorchScript exporter and given ONNX Runtime's BERT
fusions (what optimum calls level O2); the int8 graph is quantised from it, per channel.
Each file has a manifest naming the source weights' hash and the recipe version, so a changed
model is exported again instead of silently mixed. Files are written under temporary names and
moved into place, so concurrent exports cannot leave a half-written model behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
import warnings
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from core.errors import ConfigError

logger = logging.getLogger(__name__)

MODEL_NAME = "all-MiniLM-L6-v2"
# Bump when the export recipe changes: cached files from an older recipe are rebuilt.
EXPORT_VERSION = 1
_ONNX_FILES = {"onnx": "model_O2.onnx", "onnx-int8": "model_O2_int8.onnx"}
_INSTALL_HINT = "install it with pip install onnx onnxruntime, or use the torch backend"


def import_onnxruntime() -> Any:
    try:
        import onnxruntime
    except ImportError as exc:
        raise ConfigError(f"the onnx embedding backend needs onnxruntime; {_INSTALL_HINT}") from exc
    return onnxruntime


def ensure_onnx_model(source: Path, folder: Path, backend: str = "onnx") -> Path:
    """Return the ONNX file for ``backend``, exporting it into ``folder`` if it is missing.

    A file is reused only when its manifest names the same source weights and export
    recipe; otherwise it is rebuilt. The int8 file is quantised from the fp32 one. Files are
    written under temporary names and moved into place, so concurrent exports cannot leave
    a half-written model behind.

    Raises:
        ConfigError: A missing optional dependency, an unwritable folder or a failed export.
    """
    target = folder / _ONNX_FILES[backend]
    manifest = target.with_name(target.name + ".json")
    wanted = {
        "export_version": EXPORT_VERSION,
        "source_sha256": _sha256(source / "model.safetensors"),
        "backend": backend,
    }
    if target.exists() and _read_json(manifest) == wanted:
        return target
    import_onnxruntime()
    try:
        import onnx  # noqa: F401  (the exporter, fuser and quantiser need it)
    except ImportError as exc:
        raise ConfigError(
            f"exporting {MODEL_NAME} to ONNX needs the onnx package; {_INSTALL_HINT}"
        ) from exc
    fused = ensure_onnx_model(source, folder, "onnx") if backend == "onnx-int8" else None
    logger.info("exporting %s (%s) to %s (once)", MODEL_NAME, backend, target)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=folder, prefix=".export-") as tmp, _quiet_onnx():
            work = Path(tmp)
            built = _quantize(fused, work) if fused else _export_fused(source, work)
            os.replace(built, target)
            (work / "manifest.json").write_text(json.dumps(wanted, indent=2))
            os.replace(work / "manifest.json", manifest)
    except Exception as exc:
        raise ConfigError(
            f"could not export {MODEL_NAME} to ONNX in {folder}: {exc}; "
            "check the folder is writable, or use the torch backend"
        ) from exc
    return target


def _read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None  # missing or unreadable: treated as stale


@contextlib.contextmanager
def _quiet_onnx() -> Iterator[None]:
    """Hold back the INFO chatter of onnxruntime's fuser (one line per fusion)."""
    loggers = [logging.getLogger(name) for name in ("onnx_model", "onnx_model_bert", "fusion_base")]
    levels = [each.level for each in loggers]
    for each in loggers:
        each.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for each, level in zip(loggers, levels, strict=True):
            each.setLevel(level)


def _export_fused(source: Path, work: Path) -> Path:
    """Export the transformer to ONNX (fp32) and apply ONNX Runtime's BERT fusions."""
    import torch
    from onnxruntime.transformers.optimizer import optimize_model
    from transformers import AutoConfig, AutoModel
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # a one-off export needs no bar per weight

    config = AutoConfig.from_pretrained(str(source))
    # Eager attention traces to the plain MatMul/Softmax pattern the fuser recognises.
    model = AutoModel.from_pretrained(str(source), attn_implementation="eager").eval()

    class _LastHiddenState(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(
            self,
            input_ids: torch.Tensor,
            attention_mask: torch.Tensor,
            token_type_ids: torch.Tensor,
        ) -> torch.Tensor:
            return self.inner(
                input_ids=input_ids,
                attention_mask=attention_mask,
                token_type_ids=token_type_ids,
            ).last_hidden_state

    names = ["input_ids", "attention_mask", "token_type_ids"]
    sample = tuple(torch.ones((2, 8), dtype=torch.int64) for _ in names)
    plain = work / "model.onnx"
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation notices
        # dynamo=False: the TorchScript exporter needs no onnxscript and yields the graph
        # shape that onnxruntime's BERT fuser matches.
        torch.onnx.export(
            _LastHiddenState(model),
            sample,
            str(plain),
            dynamo=False,
            input_names=names,
            output_names=["last_hidden_state"],
            dynamic_axes={
                name: {0: "batch", 1: "sequence"} for name in [*names, "last_hidden_state"]
            },
            opset_version=17,
        )
    fused = optimize_model(
        str(plain),
        model_type="bert",
        num_heads=config.num_attention_heads,
        hidden_size=config.hidden_size,
        opt_level=0,  # fusions only; the session applies the remaining graph optimisations
        use_gpu=False,
    )
    path = work / "model_O2.onnx"
    fused.save_model_to_file(str(path))
    return path


def _quantize(fused: Path, work: Path) -> Path:
    """Quantise weights of every MatMul and attention node to int8, per output channel."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    path = work / "model_O2_int8.onnx"
    # quantize_dynamic logs advice about pre-processing on the root logger; the recipe was
    # checked (module docstring), so the advice would only alarm the person ingesting.
    logging.disable(logging.WARNING)
    try:
        quantize_dynamic(
            str(fused),
            str(path),
            weight_type=QuantType.QInt8,
            per_channel=True,
            op_types_to_quantize=["MatMul", "Attention"],
            # Fused nodes (Attention, SkipLayerNormalization) come from the com.microsoft
            # domain, which shape inference cannot type; their outputs are fp32.
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
    finally:
        logging.disable(logging.NOTSET)
    return path


def _sha256(path: Path) -> str:
    stat = path.stat()
    return _sha256_of(str(path), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=4)
def _sha256_of(path: str, size: int, mtime_ns: int) -> str:
    # Keyed by size and mtime too, so a replaced file is hashed again.
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
