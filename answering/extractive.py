"""The answer given when no language model is configured: the most relevant sentences.

It is labelled as extractive wherever it is shown; it is never presented as a model's answer.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from core.models import ContextPiece
from indexes.sparse import terms

EXTRACTIVE_LABEL = "Extractive answer (no language model configured): the most relevant passages."
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"$])|\n{2,}")


def _sentences(piece: ContextPiece) -> list[str]:
    text = re.sub(r"[ \t]*\n[ \t]*", " ", piece.text) if piece.kind == "text" else piece.text
    parts = [s.strip() for s in _SENTENCE.split(text)] if piece.kind == "text" else text.split("\n")
    return [s for s in parts if 20 <= len(s) <= 600]


def extractive_answer(question: str, pieces: list[ContextPiece], *, sentences: int = 3) -> str:
    """Pick the sentences (or table rows) sharing the most informative terms with the question."""
    wanted = set(terms(question))
    candidates = [(s, p) for p in pieces for s in _sentences(p)]
    if not wanted or not candidates:
        return f"{EXTRACTIVE_LABEL}\nNo relevant passage was found."
    frequency = Counter(t for s, _ in candidates for t in set(terms(s)))
    n = len(candidates)

    def score(sentence: str) -> float:
        present = set(terms(sentence)) & wanted
        return sum(math.log(1 + n / frequency[t]) for t in present)

    ranked = sorted(candidates, key=lambda item: score(item[0]), reverse=True)[:sentences]
    lines = [f"- {s} [{p.doc_id}, p. {p.pages[0]}]" for s, p in ranked if score(s) > 0]
    return EXTRACTIVE_LABEL + "\n" + ("\n".join(lines) or "No relevant passage was found.")
