"""Load on ``docthrift serve``: concurrent clients sending retrieve-only queries.

Ingests the PDFs into --home (the generated samples by default; --pdfs DIR for others; an
existing --home given alone is served as it is), starts ``docthrift serve`` as its own process
on 127.0.0.1, then runs N clients × M queries and prints errors, throughput and latency
percentiles. Questions: the samples' own, FinanceBench-format ones with --questions FILE, or a
few generic ones.

    .venv/bin/python benchmarks/api_load.py [--clients 20] [--queries 100] [--pdfs DIR]
    .venv/bin/python benchmarks/api_load.py --home .docthrift-bench \
        --questions ../shared/data/financebench-dev/questions.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import median, percentile  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--queries", type=int, default=100, help="queries per client")
    parser.add_argument("--pdfs", type=Path, default=None, help="folder of PDFs (default: samples)")
    parser.add_argument("--home", type=Path, default=None,
                        help="index to serve (alone: served as it is, nothing ingested)")
    parser.add_argument("--questions", type=Path, default=None,
                        help="JSONL questions (canonical or FinanceBench format)")
    args = parser.parse_args()
    existing = args.home is not None and args.pdfs is None
    home = args.home or Path(tempfile.mkdtemp(prefix="docthrift-load-"))
    env = {**os.environ, "DOCTHRIFT_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    cli = [str(Path(sys.executable).parent / "docthrift")]
    questions = ["What was the net revenue in the last fiscal year?", "Total assets at year end?",
                 "What are the main risk factors?", "How much cash did operations generate?",
                 "Who is the largest customer?", "What guidance was given for next year?"]
    if args.pdfs is None and not existing:
        from docthrift.samples import generate_samples

        args.pdfs = home / "samples"
        generate_samples(args.pdfs)
        questions = [json.loads(line)["question"] for line in
                     (args.pdfs / "questions.jsonl").read_text().splitlines()]
    if args.questions is not None:
        questions = [json.loads(line)["question"] for line in
                     args.questions.read_text().splitlines() if line.strip()]
    if args.pdfs is not None:
        subprocess.run([*cli, "ingest", str(args.pdfs), "--json"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
    port = _free_port()
    server = subprocess.Popen([*cli, "serve", "--port", str(port)], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        httpx.post(f"{base}/v1/query", json={"question": questions[0], "retrieve_only": True}, timeout=120)
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()

        def client(index: int) -> None:
            with httpx.Client(base_url=base, timeout=120) as http:
                for i in range(args.queries):
                    question = questions[(index + i) % len(questions)]
                    started = time.perf_counter()
                    try:
                        r = http.post("/v1/query", json={"question": question, "retrieve_only": True})
                        ok = r.status_code == 200 and r.json()["citations"]
                        problem = None if ok else f"HTTP {r.status_code}: {r.text[:100]}"
                    except httpx.HTTPError as exc:
                        problem = repr(exc)
                    with lock:
                        latencies.append(time.perf_counter() - started)
                        if problem:
                            errors.append(problem)

        started = time.perf_counter()
        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
        ms = [1000 * x for x in latencies]
        print(f"{args.clients} clients x {args.queries} retrieve-only queries = {len(ms)} requests "
              f"in {elapsed:.1f}s: {len(errors)} errors, {len(ms) / elapsed:.1f} req/s, "
              f"latency p50 {median(ms):.0f} ms, p95 {percentile(ms, 0.95):.0f} ms, max {max(ms):.0f} ms")
        for problem in errors[:5]:
            print("  error:", problem)
    finally:
        server.terminate()
        server.wait(30)


if __name__ == "__main__":
    main()
