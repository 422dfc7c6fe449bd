"""BM25-style sparse vectors, computed by docthrift; Qdrant applies the IDF (``Modifier.IDF``).

A document term's weight is BM25's saturated term frequency with length normalisation
against a fixed reference length (chunks are sized in tokens, so a fixed reference is close
to the corpus mean and keeps vectors independent of what else is indexed). A query term's
weight is 1; Qdrant multiplies in the IDF it keeps per collection.

:class:`SparseVector` is docthrift's own type: each index backend converts it to its engine's.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from hashlib import blake2b

K1 = 1.2
B = 0.75
REFERENCE_LENGTH = 200.0  # terms in a typical chunk

_WORD = re.compile(r"[a-z0-9]+(?:[.,'’][a-z0-9]+)*")
_STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself
    yourselves""".split()
)


def _stem(word: str) -> str:
    """A light, predictable stemmer: plural and possessive endings only."""
    if word.isdigit() or len(word) <= 3:
        return word
    if word.endswith(("'s", "’s")):
        return word[:-2]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def terms(text: str) -> list[str]:
    """Split text into index terms: lower case, numbers without separators, light stemming."""
    out: list[str] = []
    for raw in _WORD.findall(text.lower()):
        word = raw.replace(",", "") if raw[0].isdigit() else raw
        word = word.rstrip(".")
        if not word or word in _STOPWORDS:
            continue
        out.append(_stem(word))
    return out


@dataclass(frozen=True, slots=True)
class SparseVector:
    """Term ids in ascending order and their weights, one for one."""

    indices: list[int]
    values: list[float]


def term_id(term: str) -> int:
    """Stable 32-bit id of a term (Qdrant sparse indices are unsigned 32-bit)."""
    return int.from_bytes(blake2b(term.encode(), digest_size=4).digest(), "little")


def _vector(weights: dict[int, float]) -> SparseVector:
    indices = sorted(weights)
    return SparseVector(indices=indices, values=[weights[i] for i in indices])


def document_vector(text: str) -> SparseVector:
    """BM25 document-side weights of ``text`` (term frequency saturation and length norm)."""
    counts = Counter(term_id(t) for t in terms(text))
    length = sum(counts.values())
    norm = K1 * (1 - B + B * length / REFERENCE_LENGTH)
    return _vector({tid: tf * (K1 + 1) / (tf + norm) for tid, tf in counts.items()})


def query_vector(text: str) -> SparseVector:
    """Query-side weights: each distinct term once (Qdrant supplies the IDF)."""
    return _vector({term_id(t): 1.0 for t in set(terms(text))})
