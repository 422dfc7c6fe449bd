"""Route a question to documents by the company, period and document type it names.

FinanceBench-style questions name the company ("3M", "JnJ", "AMEX") and the period
("FY2022", "Q2 of FY2024") but no file. The router matches those against each indexed
document's metadata; when nothing matches it leaves the whole index in scope.

A question about what is expected of a year ("guidance for FY2023", "expected to accelerate
in FY2023") is answered by the reports published before it: a company gives its outlook for
a year in its results for the year before. Such questions also reach the prior year's filings.

A question is routed part by part (numbered items, sentences that name a company): one that
names two companies, or one company's filings of two periods, reaches all of them, with one
:class:`Subject` per set of documents named apart, which retrieval splits its budget across.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from core.models import DocumentRecord
from core.names import GROUP_WORDS, LEGAL_SUFFIXES, company_words, quarter_number

# First words of company names too common to identify a company on their own.
_GENERIC_WORDS = frozenset(
    "the american general first united national international global best new great "
    "royal standard capital world north south east west bank group holdings".split()
)
_YEAR = re.compile(r"\b(?:fy|fiscal(?:\s+year)?)?\s*'?((?:19|20)\d{2}|\d{2})\b", re.I)
_FY_SHORT = re.compile(r"\bfy\s?'?(\d{2}|\d{4})\b", re.I)
_FULL_YEAR = re.compile(r"\b((?:19|20)\d{2})\b")
# A year and its quarter written together: "FY2023Q1", "2023Q1", "2023 Q1".
_YEAR_QUARTER = re.compile(r"(?<![A-Za-z0-9])(?:fy)?((?:19|20)\d{2})\s?q([1-4])\b", re.I)
_QUARTER = re.compile(r"\b(?:q([1-4])|([1-4])q|(first|second|third|fourth)\s+quarter)\b", re.I)
_FORWARD = re.compile(
    r"\b(expect\w*|guidance|outlook|forecast\w*|projected|projections?|anticipat\w*)\b", re.I
)
_TYPE_WORDS = {
    "10-K": re.compile(r"\b10-?ks?\b|annual reports?", re.I),
    "10-Q": re.compile(r"\b10-?qs?\b|quarterly reports?", re.I),
    "8-K": re.compile(r"\b8-?ks?\b", re.I),
    "earnings": re.compile(r"earnings (release|report|call)|press release", re.I),
}


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


@lru_cache(maxsize=4096)
def company_aliases(company: str) -> frozenset[str]:
    """Ways a question may name a company: full name, distinctive first word, initials."""
    words = company_words(company, drop=LEGAL_SUFFIXES | GROUP_WORDS)
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
    years |= {int(y) for y, _ in _YEAR_QUARTER.findall(question)}
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
    return f"Q{quarter_number(groups[0])}"


@dataclass(frozen=True)
class Subject:
    """One thing a question asks about: the part of its text and the documents it names."""

    text: str
    doc_ids: list[str]


@dataclass(frozen=True)
class Route:
    """The documents a question was routed to and why.

    ``subjects`` holds one entry per set of documents the question names apart (two
    companies, or one company's filings asked about in two sentences with different periods);
    several subjects are what makes retrieval split its budget across documents.
    """

    doc_ids: list[str] | None  # None: the whole index
    reason: str
    company: str | None = None
    years: list[int] = field(default_factory=list)
    subjects: list[Subject] = field(default_factory=list)


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


# A question is cut where a numbered item starts ("(2)", "2)") and at sentence ends.
_ITEM = re.compile(r"\s*(?<![\w(])\(?\d{1,2}\)\s+")
_SENTENCE = re.compile(r"(?<=[.?!;])\s+")


def _company_hits(plain: str, question: str,
                  records: list[DocumentRecord]) -> dict[str, tuple[int, list[DocumentRecord]]]:
    """Each company the text names, keyed by the longest alias found (so the records of one
    company whose name is written two ways stay together), with its length and records."""
    found: dict[str, tuple[int, list[DocumentRecord]]] = {}
    for record in records:
        meta = record.metadata
        if not meta.company:
            continue
        hits = [a for a in company_aliases(meta.company) if _mentions(plain, a)]
        if meta.ticker and _mentions_ticker(question, meta.ticker):
            hits.append(meta.ticker)
        if hits:
            alias = max(sorted(hits), key=len)
            found.setdefault(alias.lower(), (len(alias), []))[1].append(record)
    return found


def _companies(text: str, records: list[DocumentRecord]) -> dict[str, list[DocumentRecord]]:
    """The companies a text names. The strongest match always counts; another company counts
    too when its match is at least three characters long (so two-letter initials never add
    one), since a comparison names several ("Boeing or 3M", "JnJ and Pfizer")."""
    found = _company_hits(_plain(text), text, records)
    if not found:
        return {}
    best = max(strength for strength, _ in found.values())
    return {c: rs for c, (strength, rs) in found.items() if strength == best or strength >= 3}


def _names_a_period_or_type(text: str) -> bool:
    return bool(years_in(text) or _types_named(text))


def _narrow(question: str, owned: list[DocumentRecord]) -> list[DocumentRecord]:
    """One company's documents narrowed by the period and filing type the question names,
    and for a question about what is expected of a year, the prior year's filings too."""
    years = sorted(years_in(question))
    chosen = _in_period(owned, question, max(years) if years else None)
    if years and _FORWARD.search(question):  # the outlook for a year is published the year before
        wanted = _types_named(question)
        earlier = [r for r in _in_period(owned, question, max(years) - 1)
                   if not wanted or r.metadata.doc_type in wanted]
        chosen = chosen + [r for r in earlier if r not in chosen]
    return chosen


def question_parts(question: str, records: list[DocumentRecord]) -> list[str]:
    """The question cut into the parts that are routed apart.

    A part starts at a numbered item that names a company, a period or a filing type, and
    at a sentence that names a company when the part before names one too; anything else
    joins the part before, and what comes before the first company joins the first part
    that names one.
    """
    parts: list[str] = []
    for n, item in enumerate(i for i in _ITEM.split(question) if i and i.strip()):
        for k, sentence in enumerate(s for s in _SENTENCE.split(item) if s.strip()):
            names = bool(_companies(sentence, records))
            new_item = n > 0 and k == 0 and (names or _names_a_period_or_type(sentence))
            if parts and (new_item or (names and _companies(parts[-1], records))):
                parts.append(sentence)
            elif parts:
                parts[-1] = f"{parts[-1]} {sentence}"
            else:
                parts.append(sentence)
    while len(parts) > 1 and not _companies(parts[0], records):
        parts[:2] = [f"{parts[0]} {parts[1]}"]
    return parts


def route_question(question: str, records: list[DocumentRecord]) -> Route:
    """Pick the documents a question is about, from their metadata records.

    Each part of the question (see :func:`question_parts`) names its companies (or asks
    about those of the part before); each company's documents are narrowed by the period and
    type that part names (the latest
    year named, since a filing reports the year before too). The question is routed to the
    union, with one subject per distinct set of documents.
    """
    subjects: dict[tuple[str, ...], list[str]] = {}
    companies: list[str] = []
    named: dict[str, list[DocumentRecord]] = {}
    for part in question_parts(question, records):
        # A part that names no company asks about the one before ("(2) And in FY2021?").
        named = _companies(part, records) or named
        for owned in named.values():
            ids = tuple(sorted(r.doc_id for r in _narrow(part, owned)))
            subjects.setdefault(ids, []).append(part)
            company = owned[0].metadata.company or ""
            companies += [company] if company not in companies else []
    if not subjects:
        return Route(None, "no company named: searching every document")
    doc_ids = sorted({d for ids in subjects for d in ids})
    years = sorted(years_in(question))
    names = " and ".join(companies)
    return Route(doc_ids, f"named {names}" + (f", {years}" if years else ""),
                 companies[0] if len(companies) == 1 else names, years,
                 [Subject(" ".join(dict.fromkeys(texts)), list(ids))
                  for ids, texts in subjects.items()])
