"""Company names and quarters as documents and questions write them, read one way.

Metadata (what a cover page says) and routing (what a question names) both use these, so a
company or a quarter is recognised the same on both sides.
"""

from __future__ import annotations

import re

# Legal forms that say nothing about which company it is ("Best Buy Co., Inc." is Best Buy).
LEGAL_SUFFIXES = frozenset({
    "inc", "incorporated", "corp", "corporation", "company", "co", "plc", "ltd", "limited",
    "llc", "lp", "sa", "ag", "nv", "se",
})
# Words a question often leaves out of a group's name ("Apollo Global Management Group").
GROUP_WORDS = frozenset({"holding", "holdings", "group"})
QUARTER_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4}


def company_words(name: str, *, drop: frozenset[str] = LEGAL_SUFFIXES) -> list[str]:
    """The words of a company name as matching reads them.

    Lower case, "&" read as "and", ".com" and a leading "the" dropped, and the words in
    ``drop`` (by default the legal suffixes) left out wherever they stand.
    """
    text = re.sub(r"\.com\b", "", name.lower()).replace("&", " and ")
    words = re.findall(r"[a-z0-9]+", text)
    if words and words[0] == "the":
        words = words[1:]
    return [w for w in words if w not in drop]


def normalize_company(name: str) -> str:
    """A company name reduced for comparing: "The Boeing Company" → "boeing",
    "Johnson & Johnson" → "johnson johnson"; empty when only suffixes were given."""
    return " ".join(w for w in company_words(name) if w != "and")


def quarter_number(word: str) -> int:
    """1-4 from how a quarter is written: "2" or "second" (any case)."""
    return int(word) if word.isdigit() else QUARTER_ORDINALS[word.lower()]
