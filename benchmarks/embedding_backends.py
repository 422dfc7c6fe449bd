"""Compare embedding backends on real filing text: speed, agreement with torch fp32, ranking.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/embedding_backends.py --limit 300

For each backend: texts/s and word pieces/s (median of --runs timed passes, interleaved
across backends so a noisy shared machine slows them alike), mean and min cosine to torch
fp32, and two retrieval checks against torch fp32:

- top-1 agreement: queries made of the first sentence of random chunks; the share whose
  nearest chunk is the same under the backend as under torch;
- FinanceBench evidence (when questions.jsonl sits beside the PDF folder): the analysts'
  questions searched over the sample plus the chunks of the gold evidence pages and their
  neighbouring pages; recall@5 (a gold-page chunk in the top 5) and MRR of the first one.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from indexes.embeddings import Embedder

DEFAULT_PDF_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "financebench-dev" / "pdfs"
CHUNK_CHARS = 1000


@dataclass(frozen=True)
class Chunk:
    doc: str
    page: int
    text: str


def split_page(text: str, size: int = CHUNK_CHARS) -> list[str]:
    """Cut whitespace-normalised page text into pieces of about ``size`` characters."""
    words = text.split()
    pieces: list[str] = []
    current: list[str] = []
    length = 0
    for word in words:
        if length + len(word) > size and current:
            pieces.append(" ".join(current))
            current, length = [], 0
        current.append(word)
        length += len(word) + 1
    if current and length > size // 4:
        pieces.append(" ".join(current))
    return pieces


def read_chunks(pdf_dir: Path, pages: set[tuple[str, int]] | None = None) -> list[Chunk]:
    """Chunks of every page (or only ``pages``: (document, zero-based page)) of the PDFs."""
    import pymupdf

    chunks: list[Chunk] = []
    for path in sorted(pdf_dir.glob("*.pdf")):
        with pymupdf.open(path) as document:
            for number, page in enumerate(document):
                if pages is not None and (path.stem, number) not in pages:
                    continue
                chunks += [Chunk(path.stem, number, text) for text in split_page(page.get_text())]
    return chunks


def first_sentence(text: str) -> str:
    match = re.match(r"(.{20,}?[.!?])\s", text)
    return (match.group(1) if match else text[:150]).strip()


def top_k(queries: np.ndarray, corpus: np.ndarray, k: int) -> np.ndarray:
    return np.argsort(-(queries @ corpus.T), axis=1, kind="stable")[:, :k]


def gold_check(
    embedders: dict[str, Embedder], pdf_dir: Path, sample: list[Chunk], batch_size: int
) -> dict[str, tuple[float, float]]:
    """Recall@5 and MRR of gold evidence pages for each backend (empty without questions)."""
    questions_file = pdf_dir.parent / "questions.jsonl"
    if not questions_file.exists():
        return {}
    questions = [json.loads(line) for line in questions_file.read_text().splitlines() if line]
    gold = {
        (item["doc_name"], item["evidence_page_num"])
        for question in questions
        for item in question["evidence"]
    }
    nearby = {(doc, page + step) for doc, page in gold for step in (-1, 0, 1)}
    extra = read_chunks(pdf_dir, nearby)
    corpus = list({(c.doc, c.page, c.text): c for c in sample + extra}.values())
    results: dict[str, tuple[float, float]] = {}
    for name, embedder in embedders.items():
        vectors = embedder.embed([c.text for c in corpus], batch_size=batch_size)
        queries = embedder.embed([q["question"] for q in questions], batch_size=batch_size)
        ranked = top_k(queries, vectors, len(corpus))
        hits, reciprocal = 0, 0.0
        for question, order in zip(questions, ranked, strict=True):
            pages = {(e["doc_name"], e["evidence_page_num"]) for e in question["evidence"]}
            ranks = [r for r, i in enumerate(order) if (corpus[i].doc, corpus[i].page) in pages]
            if ranks:
                hits += ranks[0] < 5
                reciprocal += 1 / (ranks[0] + 1)
        results[name] = (hits / len(questions), reciprocal / len(questions))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pdf-dir", type=Path, default=DEFAULT_PDF_DIR)
    parser.add_argument("--limit", type=int, default=300, help="chunks to embed (default 300)")
    parser.add_argument("--backends", default="torch,torch-bf16,onnx,onnx-int8")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--queries", type=int, default=30)
    parser.add_argument("--cache-dir", type=Path, default=Path(".docthrift/cache"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-gold", action="store_true", help="skip the FinanceBench check")
    args = parser.parse_args()

    from indexes.embeddings import MAX_WORD_PIECES, load_embedder

    rng = random.Random(args.seed)
    everything = read_chunks(args.pdf_dir)
    sample = rng.sample(everything, min(args.limit, len(everything)))
    texts = [c.text for c in sample]
    backends = ["torch", *[b for b in args.backends.split(",") if b and b != "torch"]]

    embedders: dict[str, Embedder] = {}
    for name in backends:
        start = time.perf_counter()
        embedders[name] = load_embedder(name, args.cache_dir)
        embedders[name].embed(texts[:8])  # warm-up
        print(f"{name}: loaded in {time.perf_counter() - start:.1f} s", flush=True)

    counts = embedders["torch"].count_word_pieces(texts)
    pieces = sum(min(n, MAX_WORD_PIECES - 2) + 2 for n in counts)  # what the model reads
    print(
        f"{len(texts)} chunks of ~{CHUNK_CHARS} chars from {args.pdf_dir}: "
        f"{statistics.mean(counts):.0f} word pieces on average, "
        f"{sum(n > MAX_WORD_PIECES - 2 for n in counts) / len(counts):.0%} truncated",
        flush=True,
    )

    seconds: dict[str, list[float]] = {name: [] for name in backends}
    cpu_seconds: dict[str, list[float]] = {name: [] for name in backends}
    vectors: dict[str, np.ndarray] = {}
    for run in range(args.runs):
        for name in backends:
            start, cpu_start = time.perf_counter(), time.process_time()
            vectors[name] = embedders[name].embed(texts, batch_size=args.batch_size)
            seconds[name].append(time.perf_counter() - start)
            cpu_seconds[name].append(time.process_time() - cpu_start)
        print(
            f"run {run + 1}: " + ", ".join(f"{n} {s[-1]:.1f} s" for n, s in seconds.items()),
            flush=True,
        )

    probes = rng.sample(range(len(texts)), min(args.queries, len(texts)))
    query_texts = [first_sentence(texts[i]) for i in probes]
    reference_top = top_k(embedders["torch"].embed(query_texts), vectors["torch"], 1)[:, 0]
    gold = {} if args.no_gold else gold_check(embedders, args.pdf_dir, sample, args.batch_size)

    base = len(texts) / statistics.median(seconds["torch"])
    print()
    header = (
        f"{'backend':<10} {'texts/s':>8} {'wp/s':>7} {'speedup':>7} {'texts/cpu-s':>11} "
        f"{'cos mean':>9} {'cos min':>8} {'top1=':>6}"
    )
    print(header + ("  recall@5    MRR" if gold else ""))
    for name in backends:
        rate = len(texts) / statistics.median(seconds[name])
        cosines = (vectors[name] * vectors["torch"]).sum(axis=1)
        top = top_k(embedders[name].embed(query_texts), vectors[name], 1)[:, 0]
        per_cpu = len(texts) / statistics.median(cpu_seconds[name])
        line = (
            f"{name:<10} {rate:8.1f} {rate * pieces / len(texts):7.0f} {rate / base:6.2f}x "
            f"{per_cpu:11.1f} "
            f"{cosines.mean():9.5f} {cosines.min():8.5f} {np.mean(top == reference_top):6.0%}"
        )
        if name in gold:
            line += f"  {gold[name][0]:8.1%} {gold[name][1]:6.3f}"
        print(line + f"   ({embedders[name].fingerprint})")
    if gold:
        print(
            f"(FinanceBench: {sum(1 for _ in (args.pdf_dir.parent / 'questions.jsonl').open())} questions)"
        )


if __name__ == "__main__":
    main()
