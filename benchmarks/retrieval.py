"""Evidence recall and context tokens of retrieval on the dev questions, through the same
code as ``docthrift ask --retrieve-only`` without the document card, at several budgets, with
and without the question's document named; then warm retrieval latency (p50, p95).

    .venv/bin/python benchmarks/retrieval.py [--home DIR] [--budgets 1000,2000,4000,8000]

The dev PDFs are ingested into --home first (skipped when already there and unchanged).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import DEV, dev_questions, median, percentile  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, default=Path(".docthrift-bench"))
    parser.add_argument("--budgets", default="1000,2000,4000,8000")
    parser.add_argument("--verbose", action="store_true", help="list the questions missed")
    args = parser.parse_args()

    from docthrift.answering import answer_question
    from docthrift.runtime import prepare_environment
    from docthrift.service import make_service
    from docthrift.settings import load_settings
    from evals.scoring import evidence_hit_all, evidence_hit_any

    # Retrieval alone, at each budget: no document card ahead of the excerpts (the card is
    # measured by `docthrift eval`, docs/metrics.md#the-document-card).
    settings = load_settings(home=args.home, card_tokens=0, card_outline_tokens=0)
    prepare_environment(settings)
    from flows.ingest import ingest_documents

    summary = ingest_documents([str(DEV / "pdfs")], overrides={"home": str(settings.home)})
    print(f"index: {summary.totals}")
    service = make_service(settings)
    questions = dev_questions()
    whole = [answer_question(service, q["question"], doc_id=q["doc_id"], budget=1000,
                             retrieve_only=True).baseline_tokens for q in questions]
    print(f"{len(questions)} questions; whole-document prompt: mean {sum(whole) / len(whole):,.0f} tokens")
    print(f"{'budget':>7} {'named: all':>11} {'any':>6} {'tokens':>7} | {'unnamed: all':>12} {'any':>6} {'tokens':>7} {'routed':>7}")
    latencies: list[float] = []
    for budget in [int(b) for b in args.budgets.split(",")]:
        row = []
        for named in (True, False):
            hits_all, hits_any, tokens, routed = [], [], [], 0
            for q in questions:
                started = time.perf_counter()
                answer = answer_question(service, q["question"], doc_id=q["doc_id"] if named else None,
                                         budget=budget, retrieve_only=True)
                latencies.append(time.perf_counter() - started)
                pages = {p for c in answer.citations if c.doc_id == q["doc_id"] for p in c.pages}
                hits_all.append(evidence_hit_all(q["pages"], pages))
                hits_any.append(evidence_hit_any(q["pages"], pages))
                tokens.append(answer.usage.context_tokens)
                routed += {c.doc_id for c in answer.citations} == {q["doc_id"]}
                if args.verbose and not hits_all[-1] and budget == settings.budget_tokens:
                    got = sorted({(c.doc_id, p) for c in answer.citations for p in c.pages})[:12]
                    print(f"   miss{' (named)' if named else ''}: {q['doc_id']} {q['pages']} "
                          f"{q['question'][:70]!r} got {got}")
            n = len(questions)
            row.append(f"{sum(hits_all) / n:>10.1%} {sum(hits_any) / n:>6.1%} {sum(tokens) / n:>7,.0f}")
            if not named:
                row[-1] += f" {routed / n:>7.0%}"
        print(f"{budget:>7} {row[0]} | {row[1]:>}")
    ms = [1000 * x for x in latencies]
    print(f"retrieval latency (warm, {len(ms)} queries): p50 {median(ms):.0f} ms, p95 {percentile(ms, 0.95):.0f} ms")


if __name__ == "__main__":
    main()
