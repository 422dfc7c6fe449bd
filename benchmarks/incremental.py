"""Incremental ingestion: a full run, then reruns with nothing, one file and one deletion changed.

Each run is a fresh ``docthrift ingest FOLDER --json`` process, as a scheduled run would be, so
its time includes Python start-up and the ephemeral Prefect server; the flow's own time (from
the JSON totals) is reported beside it, and the difference is the start-up and shutdown.

    .venv/bin/python benchmarks/incremental.py [--pdf-dir DIR] [--limit N] [--cache DIR]

The PDFs are copied into a temporary folder; the index lives in a temporary DOCTHRIFT_HOME. The
embedding model's export cache is shared (``--cache``, default ``.docthrift/cache``) and warmed
first, so the full run does not include the one-time model export.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import DEV, REPO  # noqa: E402


@dataclass(frozen=True)
class Timed:
    """One ingestion process: its wall time, the flow's time and the status counts."""

    name: str
    wall: float
    flow: float
    totals: dict[str, float]

    @property
    def startup(self) -> float:
        """Process start, imports, Prefect's ephemeral server start and stop."""
        return self.wall - self.flow


def run_ingest(name: str, folder: Path, home: Path, env: dict[str, str]) -> Timed:
    """Time one ``docthrift ingest FOLDER --json`` process."""
    command = [sys.executable, "-m", "docthrift.cli", "ingest", str(folder), "--json",
               "--home", str(home)]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO)
    wall = time.perf_counter() - started
    if done.returncode not in (0, 1) or not done.stdout.strip():
        raise SystemExit(f"{name}: docthrift ingest failed ({done.returncode}):\n"
                         f"{done.stderr[-3000:]}")
    totals = json.loads(done.stdout)["totals"]
    return Timed(name, wall, float(totals["seconds"]), totals)


def change_one(pdf: Path) -> None:
    """Append a page of text, as a filing amended after the fact would."""
    import pymupdf

    with pymupdf.open(pdf) as doc:
        doc.new_page().insert_text((72, 72), "Amendment: a subsequent event is disclosed here.")
        data = doc.tobytes()
    pdf.write_bytes(data)


def warm_model(cache: Path) -> None:
    """Export the embedding model into the shared cache once, outside the timings."""
    from core.settings import Settings
    from indexes.embeddings import load_embedder

    load_embedder(Settings().embedding_backend, cache).embed(["warm up"])


def report(runs: list[Timed]) -> None:
    """A line a run: times, ratios to the full run, and what the run did."""
    full = runs[0]
    print(f"{'run':<24}{'wall s':>8}{'flow s':>8}{'start s':>9}{'wall/full':>11}"
          f"{'flow/full':>11}  added updated unchanged removed failed")
    for r in runs:
        t = r.totals
        print(f"{r.name:<24}{r.wall:>8.1f}{r.flow:>8.1f}{r.startup:>9.1f}"
              f"{r.wall / full.wall:>11.1%}{r.flow / full.flow:>11.1%}  "
              f"{t['added']:>5} {t['updated']:>7} {t['unchanged']:>9} {t['removed']:>7} "
              f"{t['failed']:>6}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pdf-dir", type=Path, default=DEV / "pdfs")
    parser.add_argument("--limit", type=int, default=0, help="only the first N PDFs")
    parser.add_argument("--cache", type=Path, default=REPO / ".docthrift" / "cache",
                        help="embedding model cache shared by the runs")
    parser.add_argument("--no-delete", action="store_true", help="skip the run with a deletion")
    args = parser.parse_args()
    pdfs = sorted(args.pdf_dir.glob("*.pdf"))[: args.limit or None]
    if len(pdfs) < 2:
        raise SystemExit(f"{args.pdf_dir}: need at least 2 PDFs, found {len(pdfs)}")
    warm_model(args.cache)
    env = {**os.environ, "DOCTHRIFT_CACHE": str(args.cache.resolve())}
    with tempfile.TemporaryDirectory() as scratch:
        folder, home = Path(scratch) / "pdfs", Path(scratch) / "home"
        folder.mkdir()
        for pdf in pdfs:
            shutil.copy(pdf, folder / pdf.name)
        print(f"{len(pdfs)} PDFs from {args.pdf_dir}; each run is a fresh process", flush=True)
        runs = [run_ingest("full", folder, home, env)]
        runs.append(run_ingest("rerun, nothing changed", folder, home, env))
        print(f"changed: {pdfs[0].name}; deleted: {pdfs[-1].name}", flush=True)
        change_one(folder / pdfs[0].name)
        runs.append(run_ingest(f"rerun, 1 of {len(pdfs)} changed", folder, home, env))
        if not args.no_delete:
            (folder / pdfs[-1].name).unlink()
            runs.append(run_ingest(f"rerun, 1 of {len(pdfs)} deleted", folder, home, env))
    report(runs)


if __name__ == "__main__":
    main()
