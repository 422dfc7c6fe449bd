"""Route a question to documents by the company, period and document type it names.

FinanceBench-style questions name the company ("3M", "JnJ", "AMEX") and the period
("FY2022", "Q2 of FY2024") but no file. The router matches those against each indexed
document's metadata; when nothing matches it leaves the whole index in scope.

A question about what is expected of a year ("guidance for FY2023", "expected to accelerate
in FY2023") is answered by the reports published before it: a company gives its outlook for
a year in its results for the year before. Such questions also reach the prior year's filings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from docthrift.models import DocumentRecord

# First words of company names too common to identify a company on their own.
_GENERIC_WORDS = frozenset(
    "the american general first united national international global best new great "
    "royal standard capital world north south east west bank group holdings".split()
)
_SUFFIXES = re.compile(
    r"\b(incorporated|inc|corporation|corp|company|co|plc|ltd|limited|llc|lp|sa|ag|nv|se|"
    r"holdings?|group)\b\.?", re.I
)
_YEAR = re.compile(r"\b(?:fy|fiscal(?:\s+year)?)?\s*'?((?:19|20)\d{2}|\d{2})\b", re.I)
_FY_SHORT = re.compile(r"\bfy\s?'?(\d{2}|\d{4})\b", re.I)
_FULL_YEAR = re.compile(r"\b((?:19|20)\d{2})\b")
_QUARTER = re.compile(r"\b(?:q([1-4])|([1-4])q|(first|second|third|fourth)\s+quarter)\b", re.I)
_QUARTER_WORDS = {"first": "1", "second": "2", "third": "3", "fourth": "4"}
_FORWARD = re.compile(
    r"\b(expect\w*|guidance|outlook|forecast\w*|projected|projections?|anticipat\w*)\b", re.I
)
_TYPE_WORDS = {
    "10-K": re.compile(r"\b10-?k\b|annual report", re.I),
    "10-Q": re.compile(r"\b10-?q\b|quarterly report", re.I),
    "8-K": re.compile(r"\b8-?k\b", re.I),
    "earnings": re.compile(r"earnings (release|report|call)|press release", re.I),
}


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


@lru_cache(maxsize=4096)
def company_aliases(company: str) -> frozenset[str]:
    """Ways a question may name a company: full name, distinctive first word, initials."""
    core = re.sub(r"^\s*the\s+", "", _SUFFIXES.sub(" ", company), flags=re.I).strip(" ,.&")
    words = _words(core.replace("&", " and "))
    aliases: set[str] = set()
    if words:
        aliases.add(" ".join(words))
        content = [w for w in words if w != "and"]
        if len(content[0]) >= 2 and content[0] not in _GENERIC_WORDS:
            aliases.add(content[0])
        if len(content) >= 2:
            initials = "".join(w[0] for w in content)
            if "and" in words:  # Johnson & Johnson → jnj, j&j
                aliases.update({"n".join(w[0] for w in content), initials})
            aliases.add("".join(w[:2] for w in content[:2]))  # American Express → amex
            aliases.add(" ".join(content[:2]))
    return frozenset(a for a in aliases if len(a) >= 2)


def _mentions_ticker(question: str, ticker: str | None) -> bool:
    """A ticker counts only written in capitals ("ALL" is a ticker, "all" is a word)."""
    if not ticker:
        return False
    return re.search(rf"(?<![A-Za-z0-9]){re.escape(ticker)}(?![A-Za-z0-9])", question) is not None


def _plain(question: str) -> str:
    """The question as the aliases are written: lower-case words, '&' read as 'n' (J&J → jnj)."""
    return " ".join(_words(question.replace("&", "n")))


def _mentions(plain: str, alias: str) -> bool:
    return re.search(rf"(?<![a-z0-9]){re.escape(alias)}(?![a-z0-9])", plain) is not None


def years_in(question: str) -> set[int]:
    """Fiscal years a question names: 2022, FY2022, FY22, FY 2022."""
    years = {int(y) for y in _FULL_YEAR.findall(question)}
    for short in _FY_SHORT.findall(question):
        years.add(int(short) if len(short) == 4 else 2000 + int(short))
    return years


def quarter_in(question: str) -> str | None:
    """The quarter a question names (Q1..Q4), if any: "Q2", "2Q", "second quarter", "Q2'23",
    "FY2023Q1"."""
    match = (_QUARTER.search(question) or re.search(r"\bq([1-4])'?\s?\d{2,4}", question, re.I)
             or re.search(r"(?<=\d)\s?q([1-4])\b", question, re.I))
    if not match:
        return None
    groups = [g for g in match.groups() if g]
    return "Q" + _QUARTER_WORDS.get(groups[0].lower(), groups[0])


@dataclass(frozen=True)
class Route:
    """The documents a question was routed to and why."""

    doc_ids: list[str] | None  # None: the whole index
    reason: str
    company: str | None = None
    years: list[int] = field(default_factory=list)


def _types_named(question: str) -> list[str]:
    """The document types a question names; a quarter alone means a 10-Q or an earnings release."""
    wanted = [t for t, pattern in _TYPE_WORDS.items() if pattern.search(question)]
    return wanted or (["10-Q", "earnings"] if quarter_in(question) else [])


def _in_period(records: list[DocumentRecord], question: str,
               year: int | None) -> list[DocumentRecord]:
    """The records of the fiscal year (else later filings, which still report it), then of
    the document type and quarter the question names, when any match."""
    chosen = records
    if year is not None:
        same_year = [r for r in chosen if r.metadata.fiscal_year == year]
        later = [r for r in chosen if (r.metadata.fiscal_year or 0) > year]
        chosen = same_year or later or chosen
    wanted = _types_named(question)
    quarter = quarter_in(question)
    typed = [r for r in chosen if r.metadata.doc_type in wanted]
    if typed:
        chosen = typed
        if quarter:
            in_quarter = [r for r in typed if quarter in (r.metadata.fiscal_period or "")]
            chosen = in_quarter or typed
    return chosen


def route_question(question: str, records: list[DocumentRecord]) -> Route:
    """Pick the documents a question is about, from their metadata records."""
    by_company: list[DocumentRecord] = []
    company = None
    best = 0
    plain = _plain(question)
    for record in records:
        meta = record.metadata
        if not meta.company:
            continue
        hits = [a for a in company_aliases(meta.company) if _mentions(plain, a)]
        if meta.ticker and _mentions_ticker(question, meta.ticker):
            hits.append(meta.ticker)
        strength = max((len(a) for a in hits), default=0)
        if strength > best:
            by_company, best, company = [record], strength, meta.company
        elif strength and strength == best:
            by_company.append(record)
    if not by_company:
        return Route(None, "no company named: searching every document")
    years = sorted(years_in(question))
    chosen = _in_period(by_company, question, max(years) if years else None)
    if years and _FORWARD.search(question):  # the outlook for a year is published the year before
        wanted = _types_named(question)
        earlier = [r for r in _in_period(by_company, question, max(years) - 1)
                   if not wanted or r.metadata.doc_type in wanted]
        chosen = chosen + [r for r in earlier if r not in chosen]
    doc_ids = sorted(r.doc_id for r in chosen)
    return Route(doc_ids, f"named {company}" + (f", {years}" if years else ""), company, years)
