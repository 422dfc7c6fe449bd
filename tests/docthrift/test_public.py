"""The packages are ours, and the CLI answers --help without loading heavy libraries."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_top_level_packages_are_this_project() -> None:
    # The PyPI package "evals" also installs a top-level "evals"; ours must win.
    import answering
    import core
    import docthrift
    import evals
    import extractors
    import flows
    import indexes
    import samples

    for module in (answering, core, docthrift, evals, extractors, flows, indexes, samples):
        assert Path(module.__file__).resolve().parent.parent == REPO, module.__file__


def test_help_is_fast_and_shows_examples() -> None:
    code = ("import sys, docthrift.cli as c; sys.argv=['docthrift','--help'];\n"
            "try: c.main()\nexcept SystemExit: pass\n"
            "print('torch' in sys.modules, 'prefect' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert "Examples" in done.stdout and "ingest" in done.stdout
    assert done.stdout.strip().endswith("False False"), "--help imported torch or prefect"


def test_import_docthrift_stays_light() -> None:
    # The Python API loads the model, Prefect and Qdrant on first use, not on import.
    heavy = ("torch", "sentence_transformers", "onnxruntime", "prefect", "qdrant_client",
             "qdrant_edge", "openai", "fastapi", "mcp")
    code = f"import sys, docthrift; print([m for m in {heavy!r} if m in sys.modules])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
