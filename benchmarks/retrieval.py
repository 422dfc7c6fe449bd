"""Evidence recall and context tokens of retrieval on both dev sets, docthrift beside naive-rag.

For each set (FinanceBench: 20 filings, 67 questions; MMLongBench-Doc: 45 documents of other
kinds, 104 questions), with the question's document named and not named, at several budgets:
the share of questions whose gold pages all appear in the context (all) or at least one
(any), the mean and largest context in o200k tokens, and, for FinanceBench, the text-level
check (each gold passage has 80% of its numbers and content words in the context, so a
context that only touches the gold pages does not pass). docthrift runs through the same code
as ``docthrift ask --retrieve-only``; naive-rag is the FinanceBench paper's per-document store
(``evals/naive_rag.py``), with its shared store across documents when none is named. Then the
warm latency of docthrift's retrieval.

    .venv/bin/python benchmarks/retrieval.py [--home DIR] [--budgets 1000,2000,4000,8000]
        [--sets financebench,mmlongbench] [--verbose]

Each set is ingested into its own collection under --home (default: docthrift-bench in the
temporary folder) first, skipped when already there and unchanged, and its naive store is
built beside it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import DEV, MMLONGBENCH, evidence_texts, median, percentile  # noqa: E402

SETS = {"financebench": DEV, "mmlongbench": MMLONGBENCH}


@dataclass
class Tally:
    """One system's results in one row: per question, all/any/text hits and tokens."""

    all: list[bool] = field(default_factory=list)
    any: list[bool] = field(default_factory=list)
    text: list[bool] = field(default_factory=list)
    tokens: list[int] = field(default_factory=list)

    def add(self, gold: list[int], pages: set[int], tokens: int, text: bool | None) -> None:
        from evals.scoring import evidence_hit_all, evidence_hit_any

        self.all.append(evidence_hit_all(gold, pages))
        self.any.append(evidence_hit_any(gold, pages))
        self.tokens.append(tokens)
        if text is not None:
            self.text.append(text)

    def cells(self) -> str:
        n = len(self.all)
        text = f"{sum(self.text) / len(self.text):>6.1%}" if self.text else f"{'':>6}"
        return (f"{sum(self.all) / n:>6.1%} {sum(self.any) / n:>6.1%} {text} "
                f"{sum(self.tokens) / n:>6,.0f} {max(self.tokens):>6,}")


def ingest(name: str, folder: Path, home: Path) -> Any:
    """Ingest a set into its own collection; return the query service over it."""
    from docthrift.service import make_service
    from docthrift.settings import load_settings
    from flows.ingest import ingest_documents

    collection = f"bench-{name}"
    settings = load_settings(home=home, collection=collection)
    summary = ingest_documents([str(folder / "pdfs")], overrides={"home": str(home),
                                                                 "collection": collection})
    print(f"{name}: index {summary.totals}")
    return make_service(settings)


def run_set(name: str, folder: Path, home: Path, budgets: list[int], verbose: bool,
            latencies: list[float]) -> None:
    from docthrift.answering import answer_question
    from evals.datasets import load_dataset
    from evals.naive_rag import ensure_indexed, naive_context, shared_context
    from evals.scoring import evidence_text_present

    service = ingest(name, folder, home)
    questions = load_dataset(folder / "questions.jsonl")
    passages = evidence_texts(folder / "questions.jsonl") if name == "financebench" else {}
    records = {r.doc_id: r for r in service.records()}
    for doc_id in sorted(records):  # every store: the unnamed rows search them all
        ensure_indexed(service.index, service.embedder, records[doc_id],
                       folder / "pdfs" / f"{doc_id}.pdf")
    whole = [answer_question(service, q.question, doc_id=q.doc_id, budget=1000,
                             retrieve_only=True).baseline_tokens for q in questions]
    print(f"\n{name}: {len(questions)} questions, {len(records)} documents; whole-document "
          f"prompt: mean {sum(whole) / len(whole):,.0f} tokens")
    head = f"{'all':>6} {'any':>6} {'text':>6} {'mean':>6} {'max':>6}"
    print(f"{'budget':>6} {'doc':>7} | docthrift {head} | naive-rag {head}")
    for budget in budgets:
        for named in (True, False):
            ours, naive = Tally(), Tally()
            for q in questions:
                started = time.perf_counter()
                answer = answer_question(service, q.question, doc_id=q.doc_id if named else None,
                                         budget=budget, retrieve_only=True)
                latencies.append(time.perf_counter() - started)
                pages = {p for c in answer.citations if c.doc_id == q.doc_id for p in c.pages}
                context = "\n".join(c.text for c in answer.citations)
                gold_text = passages.get(q.id)
                ours.add(q.evidence_pages, pages, answer.usage.context_tokens,
                         evidence_text_present(gold_text, context) if gold_text else None)
                if named:
                    text, found, tokens = naive_context(service.index, service.embedder,
                                                        q.question,
                                                        records[q.doc_id], budget)
                    naive_pages = set(found)
                else:
                    text, by_doc, tokens = shared_context(service.index, service.embedder,
                                                          q.question,
                                                          list(records.values()), budget)
                    naive_pages = set(by_doc.get(q.doc_id, []))
                naive.add(q.evidence_pages, naive_pages, tokens,
                          evidence_text_present(gold_text, text) if gold_text else None)
                if verbose and named and budget == 4000 and not ours.all[-1]:
                    print(f"   miss: {q.id} {q.doc_id} {q.evidence_pages} {q.question[:70]!r} "
                          f"got {sorted(pages)[:15]}")
            label = "named" if named else "unnamed"
            print(f"{budget:>6} {label:>7} | docthrift {ours.cells()} | naive-rag {naive.cells()}",
                  flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path,
                        default=Path(tempfile.gettempdir()) / "docthrift-bench")
    parser.add_argument("--budgets", default="1000,2000,4000,8000")
    parser.add_argument("--sets", default=",".join(SETS), help="financebench, mmlongbench or both")
    parser.add_argument("--verbose", action="store_true", help="list the questions missed at 4k")
    args = parser.parse_args()

    from docthrift.runtime import prepare_environment
    from docthrift.settings import load_settings

    prepare_environment(load_settings(home=args.home))
    budgets = [int(b) for b in args.budgets.split(",")]
    latencies: list[float] = []
    for name in args.sets.split(","):
        run_set(name, SETS[name], args.home, budgets, args.verbose, latencies)
    ms = [1000 * x for x in latencies]
    print(f"\ndocthrift retrieval latency (warm, {len(ms)} queries): p50 {median(ms):.0f} ms, "
          f"p95 {percentile(ms, 0.95):.0f} ms")


if __name__ == "__main__":
    main()
