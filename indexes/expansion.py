"""Analyst wording → filing wording, for the sparse (BM25) side of a query.

Questions say "legal battles", "geographies", "spin off"; filings say "legal proceedings",
"geographic areas", "separation". The dense side bridges some of this by meaning; the
sparse side needs the filing's own words. Only the sparse query is expanded.
"""

from __future__ import annotations

import re

EXPANSIONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p, re.I), words) for p, words in [
        (r"legal|lawsuit|litigation|court", "legal proceedings litigation lawsuits contingencies"),
        (r"geograph|region|countr|international", "geographic areas regions international segment"),
        (r"acqui|merger|bought|\bM&A\b", "acquisition acquired business combination"),
        (r"spin[- ]?off|separat|divest|discontinued", "separation spin-off divestiture discontinued operations"),
        (r"customer|client", "customers revenue concentration"),
        (r"cyclical|seasonal", "cyclical economic conditions demand seasonality"),
        (r"guidance|outlook|forecast|expect", "guidance outlook expects"),
        (r"organic|exclud\w* (?:the )?(?:impacts? |effects? )?of (?:m&a|acqui|divest)",
         "organic sales growth excluding acquisitions divestitures translation"),
        (r"dividend", "dividends declared paid per share"),
        (r"segment|business unit|division", "segment operating results"),
        (r"tax rate", "effective tax rate provision for income taxes"),
        (r"margin", "gross margin operating income percentage of net sales"),
        (r"retain|retention|attrition|churn", "retention customers loyalty renewal"),
        (r"debt|borrow", "debt borrowings notes long-term"),
        (r"store|location", "stores locations"),
        (r"product categor|revenue mix|by product", "revenue by category product"),
        (r"industry|operate in|business model", "business overview we are"),
        (r"production rate|deliveries", "production rates deliveries"),
    ]
]


def expand_query(question: str) -> str:
    """The question followed by the filing words its phrases usually appear as."""
    extra = [words for pattern, words in EXPANSIONS if pattern.search(question)]
    return " ".join([question, *extra])
