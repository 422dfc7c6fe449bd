"""How the embedded index's cost grows with the corpus, and when HNSW pays.

For each size, synthetic chunks with docthrift's real schema go through the real write path
(``Index.write_document``: chunk payload, point ids, one record per document of 500 chunks):

- dense vectors: a mix of 64 shared topics and a per-document direction, plus noise
  (clustered like real embeddings of filings, unlike uniform random vectors);
- sparse vectors: about 120 BM25-weighted terms of a Zipf vocabulary, the text a chunk of
  about 2,000 characters;
- queries: a chunk's dense vector with noise and four of its terms, searched the way
  retrieval does (dense and sparse prefetch of 120, RRF, 60 hits) over the current versions
  of one document (a question that names its document) or of all of them (one that does not).

Then, in a fresh process: the time to open the index, its memory (RSS), query p50/p95 with
exact search; ``optimize()`` (HNSW build time), p50/p95 again and recall@10 of the fused hits
against the exact ones.

    .venv/bin/python benchmarks/scale.py [--sizes 100000,300000] [--queries 200] [--dir DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import percentile  # noqa: E402

DOC_CHUNKS = 500
TOPICS = 64
VOCABULARY = 50_000
TERMS = 120
DIM = 384


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=-1, keepdims=True)).astype(np.float32)


def _words(rng: np.random.Generator) -> list[str]:
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    return ["".join(rng.choice(letters, size=rng.integers(3, 10))) for _ in range(VOCABULARY)]


def write_corpus(folder: Path, size: int, seed: int = 7) -> dict[str, Any]:
    """Write ``size`` synthetic chunks; return timings and what the queries need."""
    from docthrift.models import Chunk, Document, DocumentMetadata
    from indexes.edge_store import EdgeIndex, EdgeShards
    from indexes.records import document_record
    from indexes.sparse import SparseVector

    rng = np.random.default_rng(seed)
    words = _words(rng)
    topics = _unit(rng.standard_normal((TOPICS, DIM)))
    zipf = 1.0 / np.arange(1, VOCABULARY + 1)
    zipf /= zipf.sum()
    index = EdgeIndex(EdgeShards(folder), "docthrift")
    samples: list[dict[str, Any]] = []
    written = 0.0
    for d in range(size // DOC_CHUNKS):
        doc_id = f"COMPANY{d:05d}_2023_10K"
        own = _unit(rng.standard_normal(DIM))
        picks = rng.integers(0, TOPICS, DOC_CHUNKS)
        noise = rng.standard_normal((DOC_CHUNKS, DIM)) / np.sqrt(DIM)
        dense = _unit(topics[picks] + 0.6 * own + 0.8 * noise)
        chunks, sparse = [], []
        for i in range(DOC_CHUNKS):
            terms = np.unique(rng.choice(VOCABULARY, size=TERMS, p=zipf))
            weights = rng.uniform(0.4, 2.2, len(terms))
            sparse.append(SparseVector(terms.tolist(), weights.tolist()))
            text = " ".join(words[t] for t in rng.choice(terms, 320))
            chunks.append(Chunk(id=f"{doc_id}:{i}", doc_id=doc_id, position=i,
                                section=f"Part II > Item {1 + i // 50}", page_start=1 + i // 5,
                                page_end=1 + i // 5, kind="text", text=text, tokens=512,
                                content_hash=f"{d:08d}{i:08d}"))
        document = Document(doc_id=doc_id, source=f"{doc_id}.pdf", sha256=f"{d:064d}",
                            page_count=DOC_CHUNKS // 5, sections=[],
                            metadata=DocumentMetadata(company=f"Company {d}", doc_type="10-K",
                                                      fiscal_year=2023, fiscal_period="FY2023"))
        record = document_record(document, chunks, fingerprint="scale")
        started = time.perf_counter()
        index.write_document(document, chunks, dense, sparse, record)
        written += time.perf_counter() - started
        for i in rng.choice(DOC_CHUNKS, 2, replace=False):
            samples.append({"doc_id": doc_id, "version": record.current_version,
                            "dense": dense[i].tolist(), "terms": sparse[i].indices[:4]})
    index.close()
    return {"size": size, "documents": size // DOC_CHUNKS, "upsert_s": written,
            "samples": samples}


def measure(folder: Path, samples: list[dict[str, Any]], queries: int, seed: int = 11) -> dict[str, Any]:
    """Open the index in this (fresh) process, query exact, build HNSW, query again."""
    from indexes.edge_store import EdgeIndex, EdgeShards
    from indexes.sparse import SparseVector

    started = time.perf_counter()
    index = EdgeIndex(EdgeShards(folder), "docthrift")
    records = index.list_documents()
    opened = time.perf_counter() - started
    rss_open = _rss_mb()
    versions = [r.current_version for r in records]
    rng = np.random.default_rng(seed)
    chosen = [samples[i] for i in rng.choice(len(samples), min(queries, len(samples)),
                                             replace=False)]
    asked = [(np.asarray(s["dense"]) + rng.normal(0, 0.02, DIM)).tolist() for s in chosen]
    sparse = [SparseVector(sorted(s["terms"]), [1.0] * len(s["terms"])) for s in chosen]

    def run(scope: str, exact: bool) -> tuple[list[float], list[list[tuple[str, int]]]]:
        times, found = [], []
        for q, s, sample in zip(asked, sparse, chosen, strict=True):
            wanted = [sample["version"]] if scope == "one" else versions
            t = time.perf_counter()
            hits = index.search(q, s, wanted, prefetch=120, limit=60, exact=exact)
            times.append(1000 * (time.perf_counter() - t))
            found.append([(h.doc_id, h.position) for h in hits[:10]])
        return times, found

    result: dict[str, Any] = {"open_s": opened, "rss_open_mb": rss_open}
    exact: dict[str, list[list[tuple[str, int]]]] = {}
    for scope in ("one", "all"):
        run(scope, True)  # warm the page cache
        times, exact[scope] = run(scope, True)
        result[f"exact_{scope}"] = _summary(times)
        _, again = run(scope, True)
        result[f"exact_{scope}_self_recall"] = _recall(again, exact[scope])
    result["rss_queried_mb"] = _rss_mb()
    started = time.perf_counter()
    index.optimize()
    result["hnsw_build_s"] = time.perf_counter() - started
    for scope in ("one", "all"):
        run(scope, False)
        times, approx = run(scope, False)
        result[f"hnsw_{scope}"] = _summary(times)
        result[f"hnsw_{scope}_recall10"] = _recall(approx, exact[scope])
    result["rss_hnsw_mb"] = _rss_mb()
    index.close()
    result["disk_hnsw_mb"] = _disk_mb(folder)
    return result


def _recall(found: list[list[tuple[str, int]]], truth: list[list[tuple[str, int]]]) -> float:
    return statistics.mean(len(set(f) & set(t)) / max(len(t), 1)
                           for f, t in zip(found, truth, strict=True))


def _summary(times: list[float]) -> dict[str, float]:
    return {"p50_ms": statistics.median(times), "p95_ms": percentile(times, 0.95)}


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _disk_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,300000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--dir", type=Path, default=None, help="where to build (default: temp)")
    parser.add_argument("--measure", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:  # the fresh process
        samples = json.loads((args.measure / "samples.json").read_text())
        print(json.dumps(measure(args.measure / "edge", samples, args.queries)))
        return
    base = args.dir or Path(tempfile.mkdtemp(prefix="docthrift-scale-"))
    print(f"{'chunks':>9} {'docs':>5} {'upsert/s':>9} {'disk MB':>8} {'open s':>7} "
          f"{'RSS MB':>7} | exact p50/p95 ms: {'one doc':>11} {'all docs':>11} | "
          f"HNSW build s | HNSW p50/p95 ms: {'one doc':>11} {'all docs':>11} | recall@10 one/all")
    for size in [int(s) for s in args.sizes.split(",")]:
        folder = base / f"n{size}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        written = write_corpus(folder / "edge", size)
        (folder / "samples.json").write_text(json.dumps(written.pop("samples")))
        disk = _disk_mb(folder / "edge")
        done = subprocess.run([sys.executable, __file__, "--measure", str(folder),
                               "--queries", str(args.queries)], check=True, capture_output=True,
                              text=True)
        m = json.loads(done.stdout.strip().splitlines()[-1])

        def pair(key: str, m: dict[str, Any] = m) -> str:
            return f"{m[key]['p50_ms']:>5.0f}/{m[key]['p95_ms']:<5.0f}"

        print(f"{size:>9,} {written['documents']:>5} {size / written['upsert_s']:>9,.0f} "
              f"{disk:>8,.0f} {m['open_s']:>7.2f} {m['rss_queried_mb']:>7,.0f} | "
              f"{'':>17} {pair('exact_one'):>11} {pair('exact_all'):>11} | "
              f"{m['hnsw_build_s']:>12,.0f} | {'':>15} {pair('hnsw_one'):>11} "
              f"{pair('hnsw_all'):>11} | {m['hnsw_one_recall10']:.3f}/{m['hnsw_all_recall10']:.3f}",
              flush=True)
        print(f"          (exact vs exact again: recall@10 {m['exact_one_self_recall']:.3f}/"
              f"{m['exact_all_self_recall']:.3f}; RSS after open {m['rss_open_mb']:,.0f} MB, "
              f"with HNSW {m['rss_hnsw_mb']:,.0f} MB; disk with HNSW {m['disk_hnsw_mb']:,.0f} MB)",
              flush=True)
        if args.dir is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
