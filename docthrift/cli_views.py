"""How the CLI shows results to a person (rich tables); ``--json`` bypasses this."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from core.models import DocumentRecord, IngestSummary

_STATUS_STYLE = {"added": "green", "updated": "cyan", "unchanged": "dim", "duplicate": "dim",
                 "removed": "yellow", "failed": "red"}


def print_ingest_summary(console: Console, summary: IngestSummary) -> None:
    """One row a document, then the totals and every failure's reason."""
    table = Table(title="Ingestion")
    for column in ("document", "status", "pages", "sections", "tables", "chunks", "seconds"):
        table.add_column(column, justify="left" if column in ("document", "status") else "right")
    for d in summary.documents:
        style = _STATUS_STYLE.get(d.status, "")
        table.add_row(d.doc_id, f"[{style}]{d.status}[/{style}]", str(d.pages), str(d.sections),
                      str(d.tables), str(d.chunks), f"{d.seconds:.1f}")
    console.print(table)
    t = summary.totals
    console.print(
        f"{t['documents']} documents: {t['added']} added, {t['updated']} updated, "
        f"{t['unchanged']} unchanged, "
        + (f"{t['duplicate']} duplicates, " if t["duplicate"] else "")
        + f"{t['removed']} removed, {t['failed']} failed in {t['seconds']:.1f}s"
    )
    for d in summary.documents:
        if d.status == "removed":
            console.print(f"[yellow]removed:[/yellow] {d.doc_id} ({d.file} is no longer in the "
                          "folder it was ingested from)", highlight=False)
        if d.note:
            console.print(f"[dim]duplicate:[/dim] {d.file}: {d.note}", highlight=False)
        if d.error:
            console.print(f"[red]failed:[/red] {d.error}", highlight=False)
        for warning in d.warnings:
            console.print(f"[yellow]warning:[/yellow] {d.file}: {warning}", highlight=False)
        if d.needs_ocr:
            pages = ", ".join(map(str, d.needs_ocr[:20])) + ("…" if len(d.needs_ocr) > 20 else "")
            console.print(f"[yellow]needs OCR:[/yellow] {d.file} pages {pages} have no text layer")


def print_documents(console: Console, records: list[DocumentRecord]) -> None:
    """The indexed documents with their main metadata."""
    if not records:
        console.print("The index is empty; add documents with 'docthrift ingest PATH'.")
        return
    table = Table(title="Indexed documents")
    for column in ("doc_id", "company", "type", "period", "pages", "sections", "chunks"):
        table.add_column(column)
    for r in records:
        m = r.metadata
        table.add_row(r.doc_id, m.company or "", m.doc_type or "", m.fiscal_period or "",
                      str(r.page_count), str(r.sections), str(r.chunks))
    console.print(table)


def print_document(console: Console, record: DocumentRecord) -> None:
    """A document's metadata, then its outline with page spans."""
    m = record.metadata
    console.print(f"[bold]{record.doc_id}[/bold]  {m.title or ''}", highlight=False)
    for key in ("company", "ticker", "doc_type", "fiscal_period", "period_end"):
        if getattr(m, key):
            console.print(f"  {key}: {getattr(m, key)}", highlight=False)
    console.print(f"  pages: {record.page_count}  chunks: {record.chunks}  "
                  f"tokens: {record.document_tokens}")
    if record.summary:
        console.print(f"  summary: {record.summary}", highlight=False)
    table = Table(title="Outline")
    table.add_column("section")
    table.add_column("pages", justify="right")
    for s in record.outline:
        span = f"{s.page_start}" if s.page_start == s.page_end else f"{s.page_start}-{s.page_end}"
        table.add_row("  " * (s.level - 1) + s.section, span)
    console.print(table)


def print_answer(console: Console, answer: Any) -> None:
    """The answer, its sources, and what it cost against the whole-document prompt."""
    labels = {"llm": "Answer:", "extractive": "", "metadata": "From metadata:", "none": ""}
    if answer.answer:
        console.print(f"[bold]{labels[answer.answer_mode]}[/bold] {answer.answer}".strip(),
                      highlight=False)
    table = Table(title="Sources")
    widths = {"document": (10, 20), "section": (16, 32), "pages": (5, 7), "kind": (5, 5),
              "tokens": (6, 6)}
    for column, (least, most) in widths.items():
        table.add_column(column, no_wrap=True, overflow="ellipsis", min_width=least,
                         max_width=most)
    for c in answer.citations:
        pages = f"{c.pages[0]}" if len(c.pages) == 1 else f"{c.pages[0]}-{c.pages[-1]}"
        table.add_row(c.doc_id, c.section, pages, c.kind, str(c.tokens))
    console.print(table)
    if len(answer.documents) > 1:  # a question across documents: what each one gave
        for d in answer.documents:
            pages = ", ".join(map(str, d.pages)) if d.pages else "none"
            console.print(f"{d.doc_id}: pages {pages}; {d.context_tokens} context tokens of "
                          f"{d.document_tokens} in the document", highlight=False)
    u = answer.usage
    cost = f"${u.cost_usd:.5f}" if u.cost_usd is not None else "unknown price"
    share = f"{u.context_tokens / answer.baseline_tokens:.1%}" if answer.baseline_tokens else "n/a"
    console.print(
        f"route: {' → '.join(s.step for s in answer.route)}  |  context {u.context_tokens} tokens "
        f"({share} of the whole-document prompt, {answer.baseline_tokens})  |  prompt "
        f"{u.prompt_tokens}, completion {u.completion_tokens}, {cost}  |  {answer.latency_ms:.0f} ms",
        highlight=False,
    )


def _share(value: float | None) -> str:
    return "not measured" if value is None else f"{value:.1%}"


def print_eval_report(console: Console, report: Any, folder: Any) -> None:
    """The systems table, the gate's verdict and where the report files are."""
    table = Table(title=f"{report.dataset}: {report.n} questions, model "
                        f"{report.model or 'none (correctness not measured)'}")
    for column in ("system", "prompt tokens", "vs baseline", "recall all", "recall any",
                   "accuracy", "tokens/correct", "truncated"):
        table.add_column(column, justify="left" if column == "system" else "right")
    base = report.systems.get("baseline")
    for name, s in report.systems.items():
        ratio = f"{s.mean_prompt_tokens / base.mean_prompt_tokens:.1%}" if base and \
            base.mean_prompt_tokens else "n/a"
        per_correct = "not measured" if s.tokens_per_correct is None else f"{s.tokens_per_correct:,.0f}"
        table.add_row(name, f"{s.mean_prompt_tokens:,.0f}", ratio, _share(s.evidence_recall_all),
                      _share(s.evidence_recall_any), _share(s.accuracy), per_correct,
                      str(s.truncated))
    console.print(table)
    from evals.report_costs import cost_summary

    costs = cost_summary(report)
    if costs:
        money = Table(title="docthrift's $ per answer vs the whole-document baseline "
                            "(uncached; then cached, by questions per document)")
        for column in costs[0]:
            money.add_column(column, justify="left" if column == "profile" else "right")
        for row in costs:
            money.add_row(*row.values())
        console.print(money)
    verdict = {True: "[green]PASS[/green]", False: "[red]FAIL[/red]", None: "not evaluated"}
    console.print(f"release gate: {verdict[report.gate.passed]}")
    for reason in report.gate.reasons:
        console.print(f"  {reason}", highlight=False)
    console.print(f"report: {folder}/report.md, report.json, report.png", highlight=False)
