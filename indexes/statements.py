"""Which primary financial statements a question needs, and their chunks in a document.

Analysts ask for metrics ("is it capital-intensive?", "days payable outstanding", "quick
ratio") whose inputs are line items of the income statement, the balance sheet or the cash
flow statement, words the question itself does not contain. A lexicon of common financial
metrics maps a question to the statements that hold their inputs; retrieval then puts those
statement pages (found at ingestion, see extractors/statements.py) in the context first.
"""

from __future__ import annotations

import re

from indexes.catalog import StoredChunk

_INCOME, _BALANCE, _CASH = "income", "balance", "cash_flow"
# (pattern, statements whose line items the metric is computed from)
METRICS: list[tuple[re.Pattern[str], frozenset[str]]] = [
    (re.compile(p, re.I), frozenset(kinds)) for p, kinds in [
        (r"capital[- ]intensive|capex|capital expenditure|fixed assets|pp&e|ppne|property,? plant",
         {_INCOME, _BALANCE, _CASH}),
        (r"return on (assets|equity|invested capital)|\broa\b|\broe\b|\broic\b|asset turnover",
         {_INCOME, _BALANCE}),
        (r"days (payable|sales|inventory)|\bdpo\b|\bdso\b|\bdio\b|inventory turnover|"
         r"receivables? turnover|payables? turnover|cash conversion cycle", {_INCOME, _BALANCE}),
        (r"quick ratio|current ratio|working capital|liquidity|solvency|debt[- ]to|leverage|"
         r"total (assets|liabilities|debt)|largest liabilit|balance sheet|net debt", {_BALANCE}),
        (r"free cash ?flow|cash ?flow|operating activities|investing activities|"
         r"financing activities|dividends? paid|share repurchase|buybacks?", {_CASH}),
        (r"ebitda|depreciation|amortization|\bd&a\b", {_INCOME, _CASH}),
        (r"(gross|operating|net|profit|ebit) margin|gross profit|operating (income|profit)|"
         r"cost of (goods|sales|revenue)|\bcogs\b|\bsg&a\b|net income|earnings per share|\beps\b|"
         r"effective tax rate|interest (expense|coverage)|revenue|net sales|top ?line|"
         r"(sales|revenue) growth|high growth", {_INCOME}),
    ]
]


def statements_for(question: str) -> set[str]:
    """The statements whose line items the question's metrics are computed from."""
    needed: set[str] = set()
    for pattern, kinds in METRICS:
        if pattern.search(question):
            needed |= kinds
    return needed


def statement_chunks(chunks: list[StoredChunk], pages: dict[str, int], kinds: set[str]) -> list[int]:
    """Positions of the chunks that show the needed statements: the statement page's
    tables (compact, with their header rows), else the text chunks that cover the page."""
    positions: list[int] = []
    for kind in sorted(kinds):
        page = pages.get(kind)
        if page is None:
            continue
        tables = [c.position for c in chunks if c.kind == "table" and c.page_start == page]
        text = [c.position for c in chunks if c.kind == "text" and c.page_start <= page <= c.page_end]
        positions.extend(tables or text)
    return positions


def statement_seed(question: str, ranked: list[str], catalog: dict[str, list[StoredChunk]],
                   pages: dict[str, dict[str, int]]) -> dict[str, list[int]]:
    """The statement chunks a metric question needs, from one document: the first of
    ``ranked`` (document ids in the order of their best hit) that has them.

    With several documents in scope one set of statements is what the budget allows; the
    best-ranked document may have none that ingestion recognised (an earnings release whose
    tables carry no statement headings), and then the next one's are taken.
    """
    needed = statements_for(question)
    if not needed:
        return {}
    for doc_id in dict.fromkeys(ranked):
        positions = statement_chunks(catalog[doc_id], pages.get(doc_id, {}), needed)
        if positions:
            return {doc_id: positions}
    return {}
