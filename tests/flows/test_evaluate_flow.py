"""The evaluate-release flow end to end through ``docthrift eval``: generated PDFs, the real
model, Qdrant local mode and Prefect; the stand-in LLM server answers when the context holds
the gold figure, so correctness, tokens per correct answer and cost run for real."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from core.prompting import NOT_IN_CONTEXT
from docthrift.cli import app
from tests.llm_server import _default_responder

runner = CliRunner()
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def _gold_responder(questions: Path):  # type: ignore[no-untyped-def]
    """Reply with the gold answer when its first figure is in the excerpts, else not found."""
    gold = {q["question"]: q["answer"] for q in map(json.loads, questions.read_text().splitlines())}

    def respond(request: dict[str, Any]) -> str:
        if request.get("response_format"):  # enrichment at ingestion
            return _default_responder(request)
        material = "\n".join(m["content"] for m in request["messages"][1:])
        excerpts, _, rest = material.rpartition("Question: ")
        answer = gold[rest.removesuffix("\nAnswer:")]
        figure = _NUMBER.search(answer)
        return answer if figure and figure.group() in excerpts else NOT_IN_CONTEXT

    return respond


def test_eval_with_a_model_scores_and_gates(prefect_harness, home, samples_dir, tmp_path,  # type: ignore[no-untyped-def]
                                            llm_server, monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", llm_server.base_url)
    # The enrichment cache is shared by the test run: start from no cached summary, so the
    # ingestion cost is spent (and counted) in this run.
    from core.settings import load_settings
    from extractors.sources import file_sha256

    for pdf in samples_dir.glob("*.pdf"):
        for cached in (load_settings().cache_dir / "enrichment").glob(f"{file_sha256(pdf)}-*"):
            cached.unlink()
    llm_server.responder = _gold_responder(samples_dir / "questions.jsonl")
    llm_server.prefix_cache = True  # cached_tokens as OpenAI reports them
    out = tmp_path / "report"
    result = runner.invoke(app, ["eval", str(samples_dir / "questions.jsonl"), "--docs",
                                 str(samples_dir), "--out", str(out), "--json"])
    # The sample reports are short (1-6k tokens): docthrift cannot save 80% of them, so the
    # gate fails, and says why.
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert report == json.loads((out / "report.json").read_text())
    assert report["n"] == 10 and set(report["systems"]) == {"baseline", "docthrift", "naive-rag"}
    assert report["gate"]["passed"] is False
    assert any("token reduction" in r and "FAIL" in r for r in report["gate"]["reasons"])

    for name, system in report["systems"].items():
        answers = [q["systems"][name] for q in report["questions"]]
        correct = sum(a["correct"] for a in answers)
        assert system["accuracy"] == pytest.approx(correct / 10), name
        assert system["tokens_per_correct"] == pytest.approx(
            sum(a["total_tokens"] for a in answers) / correct), name
        assert all(a["completion_tokens"] > 0 for a in answers), name
        # The dollars are the per-question rows', each from its usage at gpt-4o-mini's prices:
        # $0.15 per million fresh prompt tokens, $0.075 cached, $0.60 completion.
        for a in answers:
            assert a["cost_usd"] == pytest.approx(
                ((a["prompt_tokens"] - a["cached_tokens"]) * 0.15 + a["cached_tokens"] * 0.075
                 + a["completion_tokens"] * 0.60) / 1e6), (name, a["question_id"])
        assert system["cost_usd"] == pytest.approx(sum(a["cost_usd"] for a in answers))
    # Later questions about a filing find the whole-document prefix in the endpoint's cache.
    baseline_rows = [q["systems"]["baseline"] for q in report["questions"]]
    assert sum(a["cached_tokens"] > 1024 for a in baseline_rows) >= 3
    assert all(a["cached_tokens"] <= a["stable_prefix_tokens"] + 8 for a in baseline_rows)
    # The modelled costs price the same answers under every profile, and the gate reads them.
    economics = report["economics"]
    assert set(economics["profiles"]) == {"openai", "anthropic", "google"}
    assert economics["groupings"] == ["dataset"]
    modelled = [c for c in economics["costs"] if c["system"] == "docthrift"]
    assert {c["grouping"] for c in modelled} == {"uncached", "dataset"}
    assert all(c["usd_per_correct"] is not None and c["output_usd"] > 0 for c in modelled)
    assert any("cost per answer vs the cached baseline" in r for r in report["gate"]["reasons"])
    rows = [q["modelled"]["docthrift"]["anthropic"] for q in report["questions"]]
    dataset = next(c for c in modelled if (c["profile"], c["grouping"]) == ("anthropic", "dataset"))
    assert dataset["usd"] == pytest.approx(sum(r["usd"] for r in rows) / 10)
    # The whole document holds every gold figure; the stand-in answers from it every time.
    assert report["systems"]["baseline"]["accuracy"] == 1.0
    assert report["systems"]["docthrift"]["evidence_recall_all"] >= 0.9
    assert "correct" in report["paired"] and "prompt_tokens" in report["paired"]
    ingestion = report["ingestion"]
    assert ingestion["enrichment_tokens"] > 0  # summaries were asked for at ingestion
    saved = ingestion["saved_tokens_per_question"]
    if saved > 0:
        assert ingestion["break_even_questions"] == pytest.approx(ingestion["enrichment_tokens"] / saved)
    else:
        assert ingestion["break_even_questions"] is None

    markdown = (out / "report.md").read_text()
    assert "**FAIL**" in markdown and "naive-rag" in markdown and "not measured" not in markdown
    assert (out / "report.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    from prefect.artifacts import Artifact

    artifact = Artifact.get("evaluation-report")
    assert artifact is not None and "naive-rag" in str(artifact.data)


def test_eval_without_a_model_passes_a_loose_gate(prefect_harness, home, samples_dir,  # type: ignore[no-untyped-def]
                                                  tmp_path) -> None:
    out = tmp_path / "report"
    result = runner.invoke(app, [
        "eval", str(samples_dir / "questions.jsonl"), "--docs", str(samples_dir),
        "--systems", "baseline,baseline@2k,docthrift", "--only", "northwind_2024_10K",
        "--min-token-reduction", "0.0", "--max-cost-ratio", "10",
        "--questions-per-document", "dataset,1,10", "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["n"] == 6 and report["model"] is None and report["gate"]["passed"] is True
    assert any("accuracy: not measured" in r for r in report["gate"]["reasons"])
    for name, system in report["systems"].items():
        assert system["accuracy"] is None and system["tokens_per_correct"] is None, name
        assert system["mean_prompt_tokens"] > system["mean_context_tokens"] > 0, name
    # A 2k window cuts the 10-K: the cut is recorded and the gold pages past it are missed.
    small = report["systems"]["baseline@2k"]
    assert small["truncated"] == 6 and small["evidence_recall_all"] < 1.0
    assert report["systems"]["baseline"]["truncated"] == 0
    assert report["systems"]["baseline"]["evidence_recall_all"] == 1.0
    assert "not measured" in (out / "report.md").read_text()
    economics = report["economics"]
    assert economics["groupings"] == ["dataset", "1", "10"]
    assert report["gate"]["checks"]["cost_ratio"]["passed"] is True
    # Without a model the modelled cost is input only, and ten questions per filing within a
    # lifetime cost the baseline less per answer than one.
    base = {c["grouping"]: c for c in economics["costs"]
            if (c["profile"], c["system"]) == ("anthropic", "baseline")}
    assert base["10"]["usd"] < base["1"]["usd"] == pytest.approx(base["uncached"]["usd"])
    assert all(c["output_usd"] == 0 for c in economics["costs"])


def test_eval_rejects_a_bad_dataset_with_its_line(home, tmp_path) -> None:  # type: ignore[no-untyped-def]
    dataset = tmp_path / "questions.jsonl"
    dataset.write_text('{"id": "a", "question": "Q?", "answer": "1", "doc_id": "d", '
                       '"evidence_pages": [1]}\n{"id": "b", "question": "Q?"}\n')
    result = runner.invoke(app, ["eval", str(dataset)])
    assert result.exit_code == 1
    assert "questions.jsonl:2" in str(result.exception) and "doc_id" in str(result.exception)


def test_eval_rejects_an_unknown_system(home, tmp_path, samples_dir) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["eval", str(samples_dir / "questions.jsonl"),
                                 "--systems", "baseline,magic"])
    assert result.exit_code == 1 and "magic" in str(result.exception)


def test_eval_rejects_a_bad_grouping(home, tmp_path, samples_dir) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["eval", str(samples_dir / "questions.jsonl"),
                                 "--questions-per-document", "10,ten"])
    assert result.exit_code == 1
    assert "--questions-per-document" in str(result.exception) and "'ten'" in str(result.exception)


def test_a_failed_gate_fails_the_run_with_its_reasons(prefect_harness, home, samples_dir,  # type: ignore[no-untyped-def]
                                                      tmp_path, monkeypatch) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        FlowFilter,
        FlowFilterName,
        FlowRunFilter,
        FlowRunFilterParentFlowRunId,
    )
    from prefect.client.schemas.sorting import FlowRunSort

    # Relative paths, as a user types them; the run must store them absolute.
    monkeypatch.chdir(tmp_path)
    shutil.copy(samples_dir / "questions.jsonl", tmp_path / "q.jsonl")
    docs = os.path.relpath(samples_dir, tmp_path)
    result = runner.invoke(app, [
        "eval", "q.jsonl", "--docs", docs, "--systems", "baseline,docthrift",
        "--only", "northwind_2024_10K", "--min-token-reduction", "0.99", "--out", "report",
        "--json"])
    assert result.exit_code == 1, result.output  # the CLI keeps its exit code and its output
    report = json.loads(result.stdout)
    assert report == json.loads((tmp_path / "report" / "report.json").read_text())
    assert report["gate"]["passed"] is False
    assert (tmp_path / "report" / "report.png").is_file()

    with get_client(sync_client=True) as client:
        (run,) = client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=["evaluate-release"])),
            sort=FlowRunSort.START_TIME_DESC, limit=1)
        (subflow,) = client.read_flow_runs(flow_run_filter=FlowRunFilter(
            parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[run.id])))
        artifacts = {a.key: a for run_id in (run.id, subflow.id)
                     for a in client.read_artifacts(artifact_filter=ArtifactFilter(
                         flow_run_id=ArtifactFilterFlowRunId(any_=[run_id])))}

    # The run is Failed, with the gate's verdict and every reason as its message.
    assert run.state is not None and run.state.type.value == "FAILED"
    assert run.state.message == ("Release gate FAIL on q.jsonl (6 questions): "
                                 + "; ".join(report["gate"]["reasons"]))
    assert "token reduction" in run.state.message and "required: FAIL" in run.state.message
    assert run.name == "evaluate q.jsonl [northwind_2024_10K]"
    # Stored parameters: absolute paths, and no model where none was configured.
    assert run.parameters["dataset"] == str(tmp_path / "q.jsonl")
    assert run.parameters["docs"] == str(samples_dir)
    assert run.parameters["out"] == str(tmp_path / "report")
    assert run.parameters["overrides"]["home"] == str(home.resolve())
    assert run.parameters["overrides"]["model"] is None and report["model"] is None

    # The ingestion step is a subflow named for its parent, under its own artifact key.
    assert subflow.name == f"ingest 1 document(s) for {run.name}"
    assert subflow.state is not None and subflow.state.type.value == "COMPLETED"
    assert artifacts["evaluation-ingest-summary"].flow_run_id == subflow.id
    assert "ingest-summary" not in artifacts
    assert (artifacts["evaluation-report"].description or "").startswith("Release gate FAIL: q.jsonl")
