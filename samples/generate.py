"""Sample filings for the demo, generated with PyMuPDF, and questions about them.

The demo must run without external data, so ``generate_samples`` lays out three PDFs of
fictional companies: a Form 10-K with an outline, a Form 10-Q without one (its headings are
known only by font) and an earnings release with an outline. Tables are ruled grids whose
subtotals are computed, and the prose (``samples.text``) is filled from the same
figures. The seed orders paragraphs; a seed always gives the same bytes. Evidence pages are
not hard-coded: they are found in the laid-out text, so they always point at the right page.
Pages are drawn by ``samples.layout``.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pymupdf

from core.errors import DatasetError
from samples import text as txt
from samples.layout import (
    BODY,
    BODY_SIZE,
    BOLD,
    LEFT,
    LINE_FACTOR,
    RIGHT,
    DocInfo,
    Grid,
    Writer,
    text_width,
)

HEADINGS = {"part": (1, True), "title": (1, False), "item": (2, False), "sub": (3, False)}
SEED = 7
# doc_id: (running footer, PDF title, subject, ticker, creation date, outline?)
DOCS: dict[str, DocInfo] = {
    "northwind_2024_10K": ("Northwind Robotics, Inc. | 2024 Form 10-K",
                           "Northwind Robotics, Inc. Annual Report on Form 10-K for fiscal 2024",
                           "Form 10-K", "NWRB", "D:20250224090000+00'00'", True),
    "northwind_2025Q1_10Q": ("Northwind Robotics, Inc. | Q1 2025 Form 10-Q",
                             "Northwind Robotics, Inc. Quarterly Report on Form 10-Q for Q1 2025",
                             "Form 10-Q", "NWRB", "D:20250429090000+00'00'", False),
    "contoso_2024Q4_earnings": ("Contoso Pharmaceuticals plc | Q4 and Full Year 2024 Results",
                                "Contoso Reports Fourth Quarter and Full Year 2024 Results",
                                "Earnings release", "CTSO", "D:20250204070000+00'00'", True),
}

Figures = dict[str, str]
Table = tuple[str, Grid, list[float]]  # caption, rows (header first), column widths

SAMPLE_QUESTIONS: list[dict[str, Any]]  # built on first access, see __getattr__




def _num(value: float, decimals: int = 0) -> str:
    text = f"{abs(value):,.{decimals}f}"
    return f"({text})" if value < 0 else text


def _pct(new: float, old: float) -> str:
    return f"{(new / old - 1) * 100:.0f}"


def _rows(names: Sequence[str], columns: Iterable[Sequence[float]]) -> dict[str, list[float]]:
    """Turns per-period value tuples into rows keyed by line item."""
    rows: dict[str, list[float]] = {name: [] for name in names}
    for values in columns:
        for name, value in zip(names, values, strict=True):
            rows[name].append(value)
    return rows


def _operations(inputs: Mapping[str, Sequence[float]]) -> dict[str, list[float]]:
    columns = []
    for rev, cost, rnd, sga, other, tax, shares in inputs.values():
        operating = rev - cost - rnd - sga
        net = operating + other - tax
        columns.append((rev, cost, rev - cost, rnd, sga, rnd + sga, operating, other,
                        operating + other, tax, net, round(net / shares, 2)))
    return _rows(txt.OPS_ROWS, columns)


def _balance(dates: Sequence[str]) -> dict[str, list[float]]:
    columns = []
    for date in dates:
        cash, ar, inv, oca, ppe, gw, oa, ap, accrued, deferred, debt, ol = txt.NW_BALANCE[date]
        current, current_l = cash + ar + inv + oca, ap + accrued + deferred
        assets, liabilities = current + ppe + gw + oa, current_l + debt + ol
        columns.append((cash, ar, inv, oca, current, ppe, gw, oa, assets, ap, accrued, deferred,
                        current_l, debt, ol, liabilities, assets - liabilities, assets))
    return _rows(txt.BALANCE_ROWS, columns)


def _cash_flows(net_income: Sequence[float]) -> dict[str, list[float]]:
    columns = []
    for income, (dna, sbc, wc, capex, repaid, stock, opening) in zip(
            net_income, txt.NW_CASH.values(), strict=True):
        operating, financing = income + dna + sbc + wc, repaid + stock
        change = operating + capex + financing
        columns.append((income, dna, sbc, wc, operating, capex, capex, repaid, stock, financing,
                        change, opening, opening + change))
    return _rows(txt.CASH_ROWS, columns)


def _grid(header: Sequence[str], rows: dict[str, list[float]]) -> Grid:
    return [list(header)] + [[name, *(_num(v, 2 if "per share" in name else 0) for v in values)]
                             for name, values in rows.items()]


def _widths(columns: int) -> list[float]:
    label = 228.0 if columns <= 4 else 150.0
    return [label] + [(RIGHT - LEFT - label) / (columns - 1)] * (columns - 1)


def _northwind(annual: bool) -> tuple[dict[str, Table], Figures]:
    """Statement tables of the 10-K or the 10-Q and the figures their prose quotes."""
    ops = _operations(txt.NW_OPS if annual else txt.NW_Q1)
    dates = ("December 31, 2024", "December 31, 2023") if annual else (
        "March 31, 2025", "December 31, 2024")
    balance = _balance(dates)
    per_share, millions = (f"Northwind Robotics, Inc. (in millions{extra})" for extra in (
        ", except per share data", ""))
    if annual:
        cash = _cash_flows(ops["Net income"])
        tables = {"operations": (per_share, _grid(("Year ended December 31,", *txt.NW_OPS), ops)),
                  "balance": (millions, _grid(("December 31,", "2024", "2023"), balance)),
                  "cash flows": (millions, _grid(("Year ended December 31,", *txt.NW_CASH), cash))}
    else:
        tables = {"operations": (per_share, _grid(("Three months ended March 31,", *txt.NW_Q1),
                                                  ops)),
                  "balance": (millions, _grid(("", *dates), balance)),
                  "repurchases": ("", [list(row) for row in txt.NW_REPURCHASES])}
    rev, gp = ops["Net revenue"], ops["Gross profit"]
    hw = txt.NW_HARDWARE[next(iter(txt.NW_OPS if annual else txt.NW_Q1))]
    fig = {key: _num(values[i]) for key, values, i in (
        ("rev", rev, 0), ("rev_prev", rev, 1), ("gp", gp, 0), ("gp_prev", gp, 1),
        ("rnd", ops["Research and development"], 0),
        ("rnd_prev", ops["Research and development"], 1),
        ("sga", ops["Selling, general and administrative"], 0),
        ("sga_prev", ops["Selling, general and administrative"], 1),
        ("oi", ops["Operating income"], 0), ("oi_prev", ops["Operating income"], 1),
        ("ni", ops["Net income"], 0), ("cash", balance["Cash and cash equivalents"], 0),
        ("cash_prev", balance["Cash and cash equivalents"], 1),
        ("debt", balance["Long-term debt"], 0))}
    pretax = ops["Income before income taxes"][0]
    fig.update(rev_growth=_pct(rev[0], rev[1]), gm=f"{gp[0] / rev[0] * 100:.1f}",
               gm_prev=f"{gp[1] / rev[1] * 100:.1f}", hw=_num(hw), sw=_num(rev[0] - hw),
               om=f"{ops['Operating income'][0] / rev[0] * 100:.1f}",
               eps=f"{ops['Diluted net income per share'][0]:.2f}",
               etr=f"{ops['Provision for income taxes'][0] / pretax * 100:.0f}",
               hw_share=f"{hw / rev[0] * 100:.0f}", sw_share=f"{100 - round(hw / rev[0] * 100)}")
    if annual:
        fig.update(ocf=_num(cash["Net cash provided by operating activities"][0]),
                   capex=_num(-cash["Purchases of property and equipment"][0]),
                   repaid=_num(-cash["Repayment of term loan"][0]))
    return {name: (caption, grid, [168.0, 100.0, 100.0, 100.0] if name == "repurchases"
                   else _widths(len(grid[0]))) for name, (caption, grid) in tables.items()}, fig


def _contoso() -> tuple[dict[str, Table], Figures]:
    """Income statement and revenue by medicine of the release, and its figures."""
    periods = list(txt.CONTOSO.values())
    income = _rows(txt.INCOME_ROWS, [(rev, cos, rev - cos, rnd, sga, rev - cos - rnd - sga, ni, eps)
                                     for rev, cos, rnd, sga, ni, eps in periods])
    revenue = income["Revenue"]
    products = {name: [float(v) for v in values] for name, values in txt.CONTOSO_PRODUCTS.items()}
    products["Other medicines"] = [total - sum(v[i] for v in txt.CONTOSO_PRODUCTS.values())
                                   for i, total in enumerate(revenue)]
    products["Total revenue"] = revenue
    header = ("($ millions)", "Q4 2024", "Q4 2023", "Change", "FY 2024", "FY 2023", "Change")
    tables: dict[str, Table] = {}
    for name, rows in (("income", income), ("products", products)):
        grid = [list(header)]
        for label, v in rows.items():
            dec = 2 if "per share" in label else 0
            grid.append([label, _num(v[0], dec), _num(v[1], dec), f"{_pct(v[0], v[1])}%",
                         _num(v[2], dec), _num(v[3], dec), f"{_pct(v[2], v[3])}%"])
        tables[name] = ("", grid, _widths(len(header)))
    op, eps = income["Operating profit"], income["Diluted earnings per share"]
    fig = {"q_rev": _num(revenue[0]), "q_rev_prev": _num(revenue[1]),
           "q_growth": _pct(revenue[0], revenue[1]), "fy_rev": _num(revenue[2]),
           "fy_growth": _pct(revenue[2], revenue[3]), "q_eps": f"{eps[0]:.2f}",
           "fy_eps": f"{eps[2]:.2f}", "fy_eps_prev": f"{eps[3]:.2f}",
           "q_gm": f"{income['Gross profit'][0] / revenue[0] * 100:.1f}", "q_op": _num(op[0]),
           "q_rnd": _num(income["Research and development"][0]), "fy_op": _num(op[2]),
           "fy_op_prev": _num(op[3]), "fy_ni": _num(income["Net income"][2])}
    return tables, fig


def _cover(w: Writer, form: str) -> None:
    report, period, extra = txt.COVERS[form]
    for font, size, after, text in txt.COVER_HEAD:
        w.lines(text.format(form=form, report=report, period=period), center=True, size=size,
                font=BOLD if font == "bold" else BODY, after=after)
    w.columns([(72, 220, "Delaware"), (320, 220, "84-3920157")], size=10)
    w.columns([(72, 220, "(State or other jurisdiction of incorporation or organization)"),
               (320, 220, "(I.R.S. Employer Identification No.)")], size=8)
    for text, size in txt.COVER_ADDRESS:
        w.lines(text, size=size, center=True, after=4)
    w.y += 8
    w.lines("Securities registered pursuant to Section 12(b) of the Act:", size=9, after=4)
    for font, cells in zip((BOLD, BODY), txt.COVER_SECURITIES, strict=True):
        w.columns(list(zip((72, 280, 380), (190, 90, 160), cells, strict=True)), font=font)
    w.y += 6
    for text in (txt.COVER_FILER, *extra):
        w.lines(text, size=8.5, after=6)


def _contents(w: Writer, contents: Sequence[Sequence[Any]]) -> None:
    w.lines("TABLE OF CONTENTS", font=BOLD, size=12, center=True, after=10)
    for level, title, page in contents:
        if level == 1:
            w.lines(title, font=BOLD, after=2)
        elif level == 2:
            w.lines(title, x=LEFT + 12, width=RIGHT - LEFT - 50)
            right = RIGHT - text_width(str(page), BODY, BODY_SIZE)
            w.shape.insert_text((right, w.y - 3.5), str(page), fontname=BODY, fontsize=BODY_SIZE)


def _render(doc_id: str, seed: int, contents: Sequence[Sequence[Any]] = ()
            ) -> tuple[bytes, list[list[Any]], Figures]:
    """Lays one sample document out; returns its bytes, outline and figures."""
    layout, prose = {"northwind_2024_10K": (txt.TEN_K_LAYOUT, txt.TEN_K),
                     "northwind_2025Q1_10Q": (txt.TEN_Q_LAYOUT, txt.TEN_Q),
                     "contoso_2024Q4_earnings": (txt.EARNINGS_LAYOUT, txt.EARNINGS)}[doc_id]
    tables, fig = _contoso() if doc_id.startswith("contoso") else _northwind("10K" in doc_id)
    rng, w = random.Random(f"{seed}:{doc_id}"), Writer()
    for kind, title, key in layout:
        if kind == "page":
            w.new_page()
        elif kind == "cover":
            _cover(w, key)
        elif kind == "contents":
            _contents(w, contents)
        elif kind == "strong":
            w.lines(title, font=BOLD, size=11)
        elif kind == "note":
            w.lines(title, size=9, after=10)
        elif kind == "table":
            w.table(*tables[key])
        elif kind == "bullets":
            for item in prose[key]:
                w.paragraph(item.format(**fig), bullet=True, after=4)
        elif kind == "risks":
            for category, risks in txt.RISKS_10K.items():
                w.heading(category, 3)
                for headline, body in rng.sample(risks, len(risks)):
                    w.paragraph(headline, font=BOLD, after=3, keep=4 * BODY_SIZE * LINE_FACTOR)
                    w.paragraph(body)
        if kind in HEADINGS:
            level, center = HEADINGS[kind]
            w.heading(title, level, center=center)
        if kind in HEADINGS and key:
            first, *rest = prose[key]
            if key not in txt.FIXED_ORDER:
                rng.shuffle(rest)  # the seed orders all but the first paragraph of a section
            for text in (first, *rest):
                w.paragraph(text.format(**fig))
    toc = list(w.toc)
    return w.finish(doc_id, seed, DOCS[doc_id], cover=layout[0][0] == "cover"), toc, fig


def _evidence_pages(data: bytes, snippets: Iterable[str], label: str) -> list[int]:
    """1-based pages whose text contains a snippet; every snippet must be found somewhere."""
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        texts = [" ".join(page.get_text().split()) for page in doc]
    pages: set[int] = set()
    for snippet in snippets:
        found = {number for number, text in enumerate(texts, start=1) if snippet in text}
        if not found:
            raise DatasetError(f"sample question {label}: its evidence {snippet!r} is not in the "
                               "PDF's text; fix QUESTION_SPECS in samples/text.py")
        pages |= found
    return sorted(pages)


def build_samples(seed: int = SEED) -> tuple[dict[str, bytes], list[dict[str, Any]]]:
    """Builds the sample PDFs in memory with the questions whose evidence they hold.

    Args:
        seed: Orders the paragraphs; the same seed gives the same bytes.

    Returns:
        The PDFs by file name, and the questions in the canonical shape
        ``{"id", "question", "answer", "doc_id", "evidence_pages"}`` (1-based pages).

    Raises:
        DatasetError: A question's evidence text is not in its PDF (the prose was edited).
    """
    built: dict[str, tuple[bytes, Figures]] = {}
    for doc_id in DOCS:
        data, toc, fig = _render(doc_id, seed)
        if doc_id.endswith("10K"):  # a second pass prints the page numbers on the contents
            data, _, fig = _render(doc_id, seed, contents=toc)
        built[doc_id] = (data, fig)
    questions = []
    for qid, doc_id, question, answer, snippets in txt.QUESTION_SPECS:
        data, fig = built[doc_id]
        pages = _evidence_pages(data, (s.format(**fig) for s in snippets), qid)
        questions.append({"id": qid, "question": question, "answer": answer.format(**fig),
                          "doc_id": doc_id, "evidence_pages": pages})
    return {f"{doc_id}.pdf": data for doc_id, (data, _) in built.items()}, questions


def generate_samples(out_dir: Path, *, seed: int = SEED) -> list[Path]:
    """Writes the three sample PDFs and their ``questions.jsonl`` into ``out_dir``.

    Args:
        out_dir: Folder to write into; created when missing. Existing samples are replaced.
        seed: Orders the paragraphs; the same seed gives byte-identical files.

    Returns:
        Paths of the PDFs: the 10-K, the 10-Q and the earnings release.

    Example:
        >>> generate_samples(Path("samples"))  # doctest: +SKIP
        [PosixPath('samples/northwind_2024_10K.pdf'), ...]
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    pdfs, questions = build_samples(seed)
    paths = []
    for name, data in pdfs.items():
        path = out_dir / name
        path.write_bytes(data)
        paths.append(path)
    lines = "".join(json.dumps(question) + "\n" for question in questions)
    (out_dir / "questions.jsonl").write_text(lines, encoding="utf-8")
    return paths


def __getattr__(name: str) -> Any:
    # SAMPLE_QUESTIONS needs the layout, so it is built on first use instead of at import.
    if name == "SAMPLE_QUESTIONS":
        questions = build_samples(SEED)[1]
        globals()[name] = questions
        return questions
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
