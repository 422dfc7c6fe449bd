"""Per-question metrics, defined once (docs/metrics.md) and used for every system alike."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from docthrift.prompting import says_not_in_context


def evidence_hit_all(gold_pages: Iterable[int], cited_pages: Iterable[int]) -> bool:
    """Evidence recall (all): every gold page is among the pages of the context."""
    gold = set(gold_pages)
    return bool(gold) and gold <= set(cited_pages)


def evidence_hit_any(gold_pages: Iterable[int], cited_pages: Iterable[int]) -> bool:
    """Evidence recall (any): at least one gold page is among the pages of the context."""
    return bool(set(gold_pages) & set(cited_pages))


# A word-overlap share at or above this counts a free-text answer as correct (rule d).
CONTENT_WORD_SHARE = 0.8

_SCALES = {"thousand": 1e3, "thousands": 1e3, "k": 1e3, "million": 1e6, "millions": 1e6,
           "mn": 1e6, "mm": 1e6, "m": 1e6, "billion": 1e9, "billions": 1e9, "bn": 1e9,
           "b": 1e9, "trillion": 1e12, "trillions": 1e12}
_NUMBER = re.compile(
    r"(?<![\w.])(?<![A-Za-z]-)"  # not inside a word, a number or a name such as "COVID-19"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d|,\d)|\d+(?:\.\d+)?|\.\d+)(?!\d)"
    r"(?P<pct>\s?%|\s*percent(?:age)?\b)?"
    r"(?P<scale>\s?(?:thousands?|millions?|billions?|trillions?|mn|bn|mm|k|m|b)\b)?"
    r"(?![A-WYZa-wyz]|-[A-Za-z])",  # "3M", "2nd", "10-K" are names; "2.7x" is a number
    re.IGNORECASE,
)
_MONTH_BEFORE = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+$", re.IGNORECASE
)
_MINUS = "-−–"
_DECREASE = re.compile(
    r"\b(?:decreas\w*|declin\w*|loss\w*|lost|los[ei]ng|drop\w*|fell|fall\w*|negative|down"
    r"|lower\w*|reduc\w*|shr[aiu]nk\w*|deficit)\b",
    re.IGNORECASE,
)
_YES_NO = re.compile(r"(yes|no)\b", re.IGNORECASE)
_ARTICLES = {"a", "an", "the"}
_STOPWORDS = _ARTICLES | {
    "and", "or", "of", "in", "on", "at", "to", "for", "by", "with", "from", "as", "is", "are",
    "was", "were", "be", "been", "it", "its", "this", "that", "these", "those", "there",
    "their", "which", "than", "has", "have", "had", "not", "no", "yes", "also", "s",
}


@dataclass(frozen=True)
class _Number:
    value: float  # signed, scale applied
    percent: bool


def answer_correct(gold: str, answer: str | None, *, rel_tol: float = 0.01) -> bool | None:
    """Whether a model's answer agrees with a FinanceBench-style gold answer, by fixed rules.

    None when no model answered. Otherwise the first rule that applies decides:

    a) A reply saying the context does not contain the answer (``NOT FOUND IN CONTEXT``)
       is incorrect.
    b) Yes/no: a gold answer whose first word is "yes" or "no" needs an answer whose first
       word (after punctuation and markdown) is the same word; the rest is not checked.
    c) Numbers, when the gold contains one: numbers are read with their ``$``, commas,
       ``%`` (or "percent"), a leading minus or accounting parentheses ("(1,234)", negative;
       a parenthesis around a scaled amount such as "($1.8 bn)" is an aside), and a scale:
       thousand, million (mn, MM), billion (bn), trillion, or K/M/B right after a ``$``
       amount. Not numbers: bare years 1900–2100, the day in "August 30", list markers
       ("(1)", "2)", "3. " starting a line), a dash bullet starting a later line, and names
       ("3M", "10-K", "COVID-19"). The gold's key number is its first number. The answer is
       correct when any of its numbers equals the key number within ``rel_tol`` (relative,
       1% by default: "24.3%" matches "24.26%", "24%" does not). Between two plain numbers
       the scale is free: factors of 10^3, 10^6 and 10^9 either way are allowed ("$1577.00"
       in millions matches "$1.577 billion"). Between a percent and a plain number, the
       plain number may be the same figure or the ratio ("24.26%" matches "24.26" and
       "0.2426"). Magnitudes are compared, except that a negative gold number never matches
       a positive answer number unless the answer speaks of a decrease (decrease, decline,
       loss, drop, fell, lower, reduced, shrank, negative, down, deficit).
    d) Otherwise text: both sides are lowercased, punctuation and articles removed and
       spaces collapsed; the answer is correct when it contains the normalised gold, or
       when at least 80% of the gold's distinct content words (not stopwords) occur in it.

    Long free-text gold answers mostly score incorrect under these strict rules; the
    optional LLM judge (``evals/judge.py``) covers them.

    Args:
        gold: The dataset's gold answer.
        answer: The model's answer; None when no model answered.
        rel_tol: Relative tolerance between numbers.

    Returns:
        True or False, or None when ``answer`` is None.
    """
    if answer is None:
        return None
    if says_not_in_context(answer):
        return False
    gold_word = _YES_NO.match(gold.strip())
    if gold_word:
        return _first_word(answer) == gold_word.group(1).lower()
    gold_numbers = _numbers(gold)
    if gold_numbers:
        decrease = bool(_DECREASE.search(answer))
        return any(_numbers_match(gold_numbers[0], number, rel_tol, decrease)
                   for number in _numbers(answer))
    return _text_match(gold, answer)


def _numbers(text: str) -> list[_Number]:
    """Numbers in ``text`` in order, without years, dates, list markers and names."""
    found = []
    for match in _NUMBER.finditer(text):
        digits = match.group("num")
        percent = bool(match.group("pct"))
        scale_word = (match.group("scale") or "").strip().lower()
        before = text[:match.start()]
        dollar = before.rstrip(" ").endswith("$")
        if dollar:
            before = before.rstrip(" ")[:-1]
        if len(scale_word) == 1 and not dollar:
            continue  # "3M" or "Class 2 B": K, M and B are scales only after a $ amount
        plain = not (dollar or percent or scale_word or "," in digits or "." in digits)
        after = text[match.end():]
        if plain and len(digits) == 4 and 1900 <= int(digits) <= 2100:
            continue  # a year
        if plain and len(digits) <= 2 and _MONTH_BEFORE.search(before):
            continue  # the day of a date: "August 30"
        if plain and _is_list_marker(digits, before, after):
            continue
        value = float(digits.replace(",", "")) * _SCALES.get(scale_word, 1.0)
        if _is_negative(before, after, scaled=bool(scale_word)):
            value = -value
        found.append(_Number(value, percent))
    return found


def _is_list_marker(digits: str, before: str, after: str) -> bool:
    if len(digits) > 2:
        return False
    if after.startswith(")"):
        return True  # "(1)" or "2)"
    line = before.rsplit("\n", 1)[-1]
    return not line.strip() and re.match(r"\.\s", after) is not None  # "3. " starting a line


def _is_negative(before: str, after: str, *, scaled: bool) -> bool:
    if before.rstrip(" $").endswith("(") and after.lstrip(" %").startswith(")"):
        return not scaled  # accounting style "(1,234)"; "($1.8 bn)" is an aside
    if not before or before[-1] not in _MINUS:
        return False
    ahead = before[:-1]
    if ahead and (ahead[-1].isalnum() or ahead[-1] in ".,"):
        return False  # a range such as "2021-2022", not a sign
    # A dash that starts a line after the first is a bullet.
    return "\n" not in ahead or bool(ahead.rsplit("\n", 1)[-1].strip())


def _numbers_match(gold: _Number, answer: _Number, rel_tol: float, decrease: bool) -> bool:
    if gold.value < 0 < answer.value and not decrease:
        return False
    g, a = abs(gold.value), abs(answer.value)
    if gold.percent and answer.percent:
        factors: tuple[float, ...] = (1.0,)
    elif gold.percent:
        factors = (1.0, 100.0)  # the answer gave the ratio
    elif answer.percent:
        factors = (1.0, 0.01)  # the gold is the ratio
    else:
        factors = tuple(10.0 ** (3 * k) for k in range(-3, 4))
    return any(abs(a * factor - g) <= rel_tol * g + 1e-12 for factor in factors)


def _first_word(text: str) -> str:
    words = re.findall(r"[a-z]+", text.lower())
    return words[0] if words else ""


def _normalise(text: str) -> list[str]:
    words = re.sub(r"[^a-z0-9]+", " ", text.lower()).split()
    return [word for word in words if word not in _ARTICLES]


def _text_match(gold: str, answer: str) -> bool:
    gold_words, answer_words = _normalise(gold), _normalise(answer)
    if not gold_words:
        return False
    if f" {' '.join(gold_words)} " in f" {' '.join(answer_words)} ":
        return True
    content = {word for word in gold_words if word not in _STOPWORDS}
    if not content:
        return False
    return len(content & set(answer_words)) / len(content) >= CONTENT_WORD_SHARE


# Share of a gold passage's distinct numbers and content words the context must hold.
EVIDENCE_TEXT_SHARE = 0.8
_EVIDENCE_TOKEN = re.compile(r"[a-z][a-z'&-]*[a-z]|\d[\d,]*(?:\.\d+)?")


def _evidence_tokens(text: str) -> set[str]:
    """Distinct numbers (without separators) and content words of a passage, lower case."""
    found = set()
    for token in _EVIDENCE_TOKEN.findall(text.lower()):
        if token[0].isdigit():
            token = token.replace(",", "").rstrip(".")
            found.add(token[:-2] if token.endswith(".0") else token)
        elif len(token) > 2 and token not in _STOPWORDS:
            found.add(token)
    return found


def evidence_text_present(passages: Iterable[str], context: str,
                          share: float = EVIDENCE_TEXT_SHARE) -> bool:
    """Text-level evidence check: each gold passage has at least ``share`` of its distinct
    numbers and content words in the context.

    Page-level recall counts a page as present when any piece of the context carries it;
    this check asks for the passage's own words and figures, so a context that only touches
    the gold pages fails it.
    """
    have = _evidence_tokens(context)
    wanted = [_evidence_tokens(p) for p in passages]
    return bool(wanted) and all(not w or len(w & have) >= share * len(w) for w in wanted)
