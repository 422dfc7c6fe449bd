"""Evidence recall on questions across two documents, with no document named.

    .venv/bin/python benchmarks/comparison.py --home /tmp/bench [--budgets 4000,8000]
    .venv/bin/python benchmarks/comparison.py --write comparison.jsonl   # the set only
    .venv/bin/python benchmarks/comparison.py --naive-home /tmp/naive --naive-stores-only

The set is built from the dev questions by ``evals/comparison.py`` (pairs on the same company
or the same fiscal year, gold pages the union; the rule is in that module). For each
question and budget it prints, side by side:

- docthrift: ``docthrift ask --retrieve-only`` with no document named (routing finds the
  documents from the words; the budget is split across them, see docs/retrieval.md);
- the same with ``split_share`` 0 (``--split-shares``): no quotas, one budget, best hits first
  over the documents routed to, which is what the split is measured against;
- naive per-document store (``evals/naive_rag.py``): it cannot route, so it is given the two
  gold documents and half the budget each.

A question counts as a hit when every gold page of both documents is in the context
(evidence recall, all). The dev PDFs are ingested into --home first (skipped when there and
unchanged); the naive stores are built on first use, in --naive-home when given (an embedded
index serves one process, so they can be built there while --home is being ingested).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import DEV, median  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, default=Path(".docthrift-bench"))
    parser.add_argument("--budgets", default="4000,8000")
    parser.add_argument("--write", type=Path, help="write the comparison set here and stop")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive stores")
    parser.add_argument("--naive-home", type=Path, help="home of the naive stores (default --home)")
    parser.add_argument("--naive-stores-only", action="store_true",
                        help="build the naive stores in --naive-home and stop")
    parser.add_argument("--split-shares", default="0",
                        help="also measure docthrift with these split_share values (0: no "
                        "quotas, one budget best hits first over the documents routed to)")
    parser.add_argument("--verbose", action="store_true", help="list the questions missed")
    args = parser.parse_args()

    from evals.comparison import build_comparisons, write_comparisons
    from evals.datasets import load_dataset

    items = build_comparisons(load_dataset(DEV / "questions.jsonl"))
    if args.write:
        print(f"{write_comparisons(items, args.write)} questions written to {args.write}")
        return

    from answering.service import make_service
    from core.models import DocumentRecord
    from core.settings import load_settings
    from docthrift.runtime import prepare_environment
    from evals.naive_rag import ensure_indexed, naive_context
    from evals.scoring import evidence_hit_all
    from extractors.sources import file_sha256
    from indexes import store
    from indexes.embeddings import load_embedder

    settings = load_settings(home=args.home)
    naive_settings = load_settings(home=args.naive_home or args.home)
    prepare_environment(settings)
    # The naive store keys a document by its id and its file's hash, as docthrift's record does.
    naive_records = {d: DocumentRecord(doc_id=d, sha256=file_sha256(DEV / "pdfs" / f"{d}.pdf"))
                     for d in sorted({d for i in items for d in i.gold})}
    if not args.no_naive:
        naive_index = store.get_index(naive_settings)
        embedder = load_embedder(naive_settings.embedding_backend, naive_settings.cache_dir)
        started = time.perf_counter()
        for doc_id, record in naive_records.items():
            ensure_indexed(naive_index, embedder, record, DEV / "pdfs" / f"{doc_id}.pdf")
        print(f"naive stores ready ({time.perf_counter() - started:.0f} s)")
        if args.naive_stores_only:
            return
    from flows.ingest import ingest_documents

    summary = ingest_documents([str(DEV / "pdfs")], overrides={"home": str(settings.home)})
    print(f"index: {summary.totals}")
    service = make_service(settings)
    kinds = sorted({i.kind for i in items})
    print(f"{len(items)} questions ({', '.join(f'{sum(i.kind == k for i in items)} {k}' for k in kinds)})")

    systems = {"docthrift": service}
    for share in [float(x) for x in args.split_shares.split(",") if x]:
        systems[f"share {share:g}"] = replace(
            service, options=replace(service.options, split_share=share))
    print(f"{'budget':>7} {'system':<10} {'recall (all)':>12} {'same-company':>13} {'same-year':>10} "
          f"{'both cited':>11} {'tokens':>7} {'whole docs':>11} {'p50 ms':>7}")
    for budget in [int(b) for b in args.budgets.split(",")]:
        for name, system in systems.items():
            hits, stats = measure(system, items, budget, args.verbose and name == "docthrift")
            print(f"{budget:>7} {name:<10} {_shares(hits, kinds)} {stats}")
        if not args.no_naive:
            hits = []
            for item in items:
                naive_hit = True
                for doc_id, pages in item.gold.items():
                    _, found, _ = naive_context(naive_index, embedder, item.question,
                                                naive_records[doc_id], budget // len(item.gold))
                    naive_hit &= evidence_hit_all(pages, found)
                hits.append((item.kind, naive_hit))
            print(f"{budget:>7} {'naive':<10} {_shares(hits, kinds)} {'(given)':>11}")


def measure(service: Any, items: list[Any], budget: int,
            verbose: bool) -> tuple[list[tuple[str, bool]], str]:
    """docthrift with no document named: the hits and a column of figures."""
    from answering.answering import answer_question
    from evals.scoring import evidence_hit_all

    hits, cited_both, tokens, baseline, ms = [], 0, [], [], []
    for item in items:
        started = time.perf_counter()
        answer = answer_question(service, item.question, budget=budget, retrieve_only=True)
        ms.append(1000 * (time.perf_counter() - started))
        cited: dict[str, set[int]] = defaultdict(set)
        for c in answer.citations:
            cited[c.doc_id].update(c.pages)
        hit = all(evidence_hit_all(pages, cited[d]) for d, pages in item.gold.items())
        hits.append((item.kind, hit))
        cited_both += set(item.gold) <= {d for d, p in cited.items() if p}
        tokens.append(answer.usage.context_tokens)
        baseline.append(answer.baseline_tokens)
        if verbose and not hit:
            got = {d: sorted(p)[:12] for d, p in cited.items()}
            print(f"   miss {item.id}: gold {item.gold} got {got}")
    n = len(items)
    return hits, (f"{cited_both / n:>11.0%} {sum(tokens) / n:>7,.0f} {sum(baseline) / n:>11,.0f} "
                  f"{median(ms):>7.0f}")


def _shares(hits: list[tuple[str, bool]], kinds: list[str]) -> str:
    """Recall over all questions, then per kind."""
    def share(rows: list[bool]) -> float:
        return sum(rows) / max(1, len(rows))

    per_kind = [share([h for kind, h in hits if kind == k]) for k in kinds]
    columns = {"same-company": 13, "same-year": 10}
    return f"{share([h for _, h in hits]):>12.1%} " + " ".join(
        f"{v:>{columns.get(k, 10)}.1%}" for k, v in zip(kinds, per_kind, strict=True))


if __name__ == "__main__":
    main()
