"""Documents prepared for the index tests: extracted, chunked and embedded for real."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from tests.index_helpers import Prepared, prepare

TENK, EARNINGS = "northwind_2024_10K", "contoso_2024Q4_earnings"


@pytest.fixture(scope="module")
def docs(samples_dir: Path, embedder, tmp_path_factory) -> dict[str, Prepared]:  # type: ignore[no-untyped-def]
    """Two documents, and a second version of the 10-K (one more page)."""
    changed = tmp_path_factory.mktemp("changed") / f"{TENK}.pdf"
    with pymupdf.open(samples_dir / f"{TENK}.pdf") as pdf:
        pdf.new_page().insert_text((72, 72), "Subsequent event: Northwind opened a plant in Ohio.")
        changed.write_bytes(pdf.tobytes())
    return {"tenk": prepare(samples_dir / f"{TENK}.pdf", embedder, TENK),
            "earnings": prepare(samples_dir / f"{EARNINGS}.pdf", embedder, EARNINGS),
            "tenk2": prepare(changed, embedder, TENK)}
