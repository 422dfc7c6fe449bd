"""The CLI through its runner: exit codes, JSON shapes and messages."""

from __future__ import annotations

import json
import shutil

from typer.testing import CliRunner

from docthrift.cli import app

runner = CliRunner()


def test_help_shows_examples() -> None:
    for command in ([], ["ingest"], ["ask"], ["serve"], ["show"], ["eval"], ["docs"], ["demo"],
                    ["mcp"], ["index"], ["index", "migrate"], ["index", "copy"],
                    ["index", "optimize"]):
        result = runner.invoke(app, [*command, "--help"])
        assert result.exit_code == 0 and "Example" in result.output, command


def test_ingest_json_docs_show_and_ask(prefect_harness, home, samples_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(samples_dir / "contoso_2024Q4_earnings.pdf", folder)
    (folder / "scan.pdf").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    result = runner.invoke(app, ["ingest", str(folder), "--json"])
    assert result.exit_code == 1, result.output  # one document failed, the other is indexed
    body = json.loads(result.stdout)
    by_id = {d["doc_id"]: d for d in body["documents"]}
    assert by_id["contoso_2024Q4_earnings"]["status"] == "added"
    assert by_id["scan"]["status"] == "failed" and "scan.pdf" in by_id["scan"]["error"]
    assert set(by_id["scan"]) >= {"doc_id", "status", "pages", "sections", "tables", "chunks",
                                  "seconds", "error"}
    assert body["totals"]["added"] == 1 and body["totals"]["failed"] == 1

    again = runner.invoke(app, ["ingest", str(folder / "contoso_2024Q4_earnings.pdf"), "--json"])
    assert again.exit_code == 0 and json.loads(again.stdout)["documents"][0]["status"] == "unchanged"

    docs = json.loads(runner.invoke(app, ["docs", "--json"]).stdout)["documents"]
    assert [d["doc_id"] for d in docs] == ["contoso_2024Q4_earnings"]
    assert docs[0]["metadata"]["doc_type"] == "earnings"

    show = runner.invoke(app, ["show", "contoso_2024Q4_earnings", "--json"])
    outline = json.loads(show.stdout)["outline"]
    assert outline and all(s["page_start"] >= 1 for s in outline)
    missing = runner.invoke(app, ["show", "nope"])
    assert missing.exit_code != 0

    ask = runner.invoke(app, ["ask", "What revenue did Contoso report for Q4 2024?", "--json",
                              "--retrieve-only", "--budget", "1000"])
    assert ask.exit_code == 0, ask.output
    answer = json.loads(ask.stdout)
    assert answer["answer_mode"] == "none" and answer["citations"]
    assert answer["citations"][0]["doc_id"] == "contoso_2024Q4_earnings"


def test_errors_are_one_line_and_exit_1(home, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    code = ("import sys; from docthrift.cli import main; "
            "sys.argv=['docthrift','ask','   ']; main()")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**__import__("os").environ, "DOCTHRIFT_HOME": str(home)})
    assert done.returncode == 1
    assert "error:" in done.stderr and "question is empty" in done.stderr
    assert "Traceback" not in done.stderr
