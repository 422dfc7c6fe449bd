"""The report's JSON, Markdown and chart, from an EvalReport built by hand."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from core.pricing import ANTHROPIC, OPENAI
from evals.economics import break_even, modelled_costs, stable_share
from evals.models import (
    Economics,
    EvalQuestion,
    EvalReport,
    GateResult,
    IngestionCost,
    PairedDifference,
    SystemAnswer,
    SystemSummary,
)
from evals.report import render_chart, render_markdown, report_json, write_report

SYSTEMS = {"baseline": 60_000, "docthrift": 3_000, "naive-rag": 2_000}
STABLE = {"baseline": 59_950, "docthrift": 2_500, "naive-rag": 120}
QUESTIONS = [("financebench_id_03029", "3M_2018_10K", [59]),
             ("q-" + "x" * 60, "AMCOR_2023Q4_EARNINGS", [4, 5]),
             ("financebench_id_00499", "PEPSICO_2022_10K", [62])]
LONG_ID = QUESTIONS[1][0]


def make_answer(system: str, index: int, measured: bool) -> SystemAnswer:
    tokens = SYSTEMS[system] + 100 * index
    found = system == "baseline" or index != 1  # docthrift and naive-rag miss question 2
    return SystemAnswer(
        system=system, question_id=QUESTIONS[index][0], answer="42" if measured else None,
        context_pages=[1, 2], context_tokens=tokens - 150, prompt_tokens=tokens,
        stable_prefix_tokens=STABLE[system],
        completion_tokens=20 if measured else 0, total_tokens=tokens + (20 if measured else 0),
        cost_usd=tokens * 1e-6 if measured else None, latency_ms=800.0 + index,
        evidence_all=found, evidence_any=found, correct=found if measured else None)


def make_summary(answers: list[SystemAnswer], measured: bool) -> SystemSummary:
    n = len(answers)
    prompt = sum(a.prompt_tokens for a in answers) / n
    correct = sum(bool(a.correct) for a in answers)
    return SystemSummary(
        n=n, mean_prompt_tokens=prompt, mean_completion_tokens=20.0,
        mean_total_tokens=sum(a.total_tokens for a in answers) / n,
        mean_context_tokens=prompt - 150, evidence_recall_all=sum(a.evidence_all for a in answers) / n,
        evidence_recall_any=sum(a.evidence_any for a in answers) / n,
        accuracy=correct / n if measured else None, judged_accuracy=None,
        cost_usd=prompt * n * 1e-6 if measured else None,
        mean_cost_usd=prompt * 1e-6 if measured else None,
        tokens_per_correct=prompt * n / correct if measured else None, cost_per_correct=None,
        truncated=0, latency_p50_ms=801.0, latency_p95_ms=802.0, judge_tokens=0)


def make_economics(answers: dict[str, list[SystemAnswer]]) -> Economics:
    questions = [EvalQuestion(id=qid, question="?", answer="42", doc_id=doc, evidence_pages=pages)
                 for qid, doc, pages in QUESTIONS]
    profiles = {"openai": OPENAI, "anthropic": ANTHROPIC}
    return Economics(
        profiles={n: p.model_dump() for n, p in profiles.items()}, groupings=["dataset", "10"],
        stable_prefix_share={n: stable_share(rows) for n, rows in answers.items()},
        costs=modelled_costs(questions, answers, profiles, ["dataset", "10"]),
        break_even=break_even(questions, answers, profiles, {}))


def make_report(measured: bool, passed: bool | None, costs: bool = False) -> EvalReport:
    answers = {s: [make_answer(s, i, measured) for i in range(len(QUESTIONS))] for s in SYSTEMS}
    questions = [{"id": qid, "question": f"Question {i}?", "doc_id": doc, "evidence_pages": pages,
                  "gold_answer": "42",
                  "systems": {s: answers[s][i].model_dump() for s in SYSTEMS}}
                 for i, (qid, doc, pages) in enumerate(QUESTIONS)]
    paired = {"prompt_tokens": PairedDifference(metric="prompt_tokens", mean=-57_000.4,
                                                ci_low=-58_000.0, ci_high=-56_000.0, n=3),
              "evidence_all": PairedDifference(metric="evidence_all", mean=-1 / 3,
                                               ci_low=-1.0, ci_high=0.0, n=3)}
    return EvalReport(
        dataset="financebench-mini", n=len(QUESTIONS), model="gpt-4o-mini" if measured else None,
        context_window=128_000,
        systems={s: make_summary(answers[s], measured) for s in SYSTEMS}, paired=paired,
        gate=GateResult(passed=passed, reasons=["evidence recall (all) 66.7% < 75.0%"]),
        ingestion=IngestionCost(enrichment_tokens=12_000 if measured else 0,
                                enrichment_cost_usd=0.01 if measured else None,
                                saved_tokens_per_question=57_000.4,
                                break_even_questions=0.21 if measured else None),
        economics=make_economics(answers) if costs else None, questions=questions)


def test_json_has_the_promised_keys_and_nulls_when_not_measured() -> None:
    data = report_json(make_report(measured=False, passed=None))
    assert list(data)[:10] == ["dataset", "n", "model", "context_window", "systems", "paired",
                               "gate", "ingestion", "economics", "questions"]
    assert data["model"] is None
    docthrift = data["systems"]["docthrift"]
    assert list(docthrift)[:8] == ["mean_prompt_tokens", "mean_total_tokens",
                                   "evidence_recall_all", "evidence_recall_any", "accuracy",
                                   "cost_usd", "tokens_per_correct", "truncated"]
    assert docthrift["accuracy"] is None and docthrift["tokens_per_correct"] is None
    assert set(data["gate"]) >= {"passed", "reasons", "checks"}
    assert data["questions"][1]["systems"]["naive-rag"]["evidence_all"] is False
    json.dumps(data, allow_nan=False)  # plain JSON, nothing pydantic left in it


def test_json_carries_measured_accuracy() -> None:
    systems = report_json(make_report(measured=True, passed=True))["systems"]
    assert systems["docthrift"]["accuracy"] == pytest.approx(2 / 3)
    assert systems["baseline"]["tokens_per_correct"] == pytest.approx(60_100)


def test_markdown_without_a_model_says_not_measured() -> None:
    text = render_markdown(make_report(measured=False, passed=None))
    assert "none configured: correctness not measured" in text
    assert "**not evaluated**" in text
    for name in SYSTEMS:
        row = next(line for line in text.splitlines() if line.startswith(f"| {name} |"))
        assert row.count("not measured") == 2, row  # accuracy and tokens per correct
    assert "| 3,100 | 5.2% | 66.7% |" in text  # docthrift: 3,100 tokens, 5.2% of 60,100
    assert "no enrichment tokens spent" in text
    assert "3,000 · ✓ |" in text and "· ✗ · ✗" not in text  # no correct column without a model


def test_markdown_with_a_model_shows_accuracy_gate_and_rows() -> None:
    text = render_markdown(make_report(measured=True, passed=False))
    assert "model: gpt-4o-mini" in text and "context window: 128,000 tokens" in text
    assert "**FAIL**" in text and "- evidence recall (all) 66.7% < 75.0%" in text
    assert "not measured" not in text
    assert "| docthrift | 3,100 | 3,120 | 5.2% | 66.7% | 66.7% | 66.7% | 4,650 |" in text
    assert "| prompt tokens | -57,000 | [-58,000, -56,000] | 3 |" in text
    assert "| evidence recall (all) | -33.3 pp | [-100.0 pp, 0.0 pp] | 3 |" in text
    assert "break-even after 1 question\n" in text
    rows = [line for line in text.splitlines() if line.startswith("| financebench_id_")]
    assert len(rows) == 2
    assert rows[0] == ("| financebench_id_03029 | 3M_2018_10K | 59 | 60,000 · ✓ · ✓ "
                       "| 3,000 · ✓ · ✓ | 2,000 · ✓ · ✓ |")
    assert LONG_ID not in text and "| 4, 5 | 60,100 · ✓ · ✓ | 3,100 · ✗ · ✗ |" in text
    assert render_markdown(make_report(measured=True, passed=True)).count("**PASS**") == 1


def test_markdown_shows_dollars_under_prompt_caching() -> None:
    report = make_report(measured=True, passed=True, costs=True)
    text = render_markdown(report)
    section = text[text.index("## Cost under prompt caching"):text.index("## Per question")]
    assert "| openai | gpt-5-mini | 0.25 | 0.025 | 1× | 2 | 1,024 | 128 | 5 min |" in section
    assert "| anthropic | claude-sonnet-4 | 3 | 0.3 | 1.25× | 15 | 1,024 | 1 | 5 min |" in section
    assert "### openai" in section and "### anthropic" in section
    economics = report.economics
    assert economics is not None
    row = next(c for c in economics.costs
               if (c.profile, c.system, c.grouping) == ("anthropic", "docthrift", "10"))
    assert row.vs_cached_baseline is not None and row.usd_per_correct is not None
    assert (f"| docthrift | 10 | {round(row.written_tokens):,} · {round(row.read_tokens):,} · "
            f"{round(row.fresh_tokens):,} | ${row.usd:,.5f} | ${row.usd_per_correct:,.5f} | "
            f"{row.vs_baseline:.1%} | {row.vs_cached_baseline:.1%} |") in section
    assert "| baseline | uncached |" in section and "dataset's own (1.0)" in section
    assert section.count("Break-even (ingestion $0.00 of LLM enrichment): 1 question per "
                         "document") == 2
    assert "Stable prefix (the same for every question about a document)" in section
    assert "## Cost under prompt caching\n\nNot modelled." in render_markdown(
        make_report(measured=False, passed=None))


@pytest.mark.parametrize("measured", [True, False])
def test_write_report_writes_json_markdown_and_png(tmp_path: Path, measured: bool) -> None:
    report = make_report(measured=measured, passed=measured, costs=measured)
    paths = write_report(report, tmp_path / "out" / "nested")
    assert set(paths) == {"json", "markdown", "chart"}
    assert json.loads(paths["json"].read_text()) == report_json(report)
    assert paths["markdown"].read_text(encoding="utf-8") == render_markdown(report)
    png = paths["chart"].read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert 20_000 < len(png) < 2_000_000
    # A third panel, for the dollars under caching, when they were modelled.
    width = struct.unpack(">I", png[16:20])[0]
    assert width == (19 if measured else 13) * 130


def test_chart_of_a_report_without_questions(tmp_path: Path) -> None:
    report = make_report(measured=False, passed=None).model_copy(update={"questions": []})
    render_chart(report, tmp_path / "empty.png")
    assert (tmp_path / "empty.png").read_bytes().startswith(b"\x89PNG")


def test_importing_the_module_loads_neither_matplotlib_nor_prefect() -> None:
    code = "import sys, evals.report; print('matplotlib' in sys.modules, 'prefect' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[2], check=True)
    assert done.stdout.strip() == "False False"
