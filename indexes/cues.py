"""Text a question quotes: a section title, a label, a term written as the document writes it.

A quoted phrase ("Safety Instructions", 'Label.Other', `BERT`) is the most
precise cue a question can give; neither search ranks it first reliably (BM25 splits it into
words, MiniLM blurs it). The chunks that hold it verbatim go to the top of the hits.
"""

from __future__ import annotations

import re

from indexes.catalog import StoredChunk

# Double quotes and backticks anywhere; single quotes only around words, never an apostrophe
# ("the drivers' union" is not a quote).
_QUOTED = re.compile(
    r"[\"“”`]([^\"“”`\n]{2,80})[\"“”`]"
    r"|(?:^|(?<=[\s(\[]))['‘]([^'‘’\n]{2,80})['’](?=[\s.,;:?!)\]]|$)"
)
_MAX_WORDS = 8
# A phrase found in more chunks than this is not distinctive: it is left to the search.
MAX_MATCHES = 6


def quoted_phrases(question: str) -> list[str]:
    """The phrases a question quotes, lower case, whitespace collapsed (up to 8 words each)."""
    phrases = []
    for match in _QUOTED.finditer(question):
        phrase = " ".join((match.group(1) or match.group(2)).lower().split())
        if phrase and len(phrase.split()) <= _MAX_WORDS:
            phrases.append(phrase)
    return list(dict.fromkeys(phrases))


def phrase_positions(chunks: list[StoredChunk], phrase: str) -> list[int]:
    """Positions of the chunks whose text or heading path holds the phrase verbatim."""
    found = []
    for chunk in chunks:
        if phrase in " ".join(chunk.text.lower().split()) or phrase in chunk.section.lower():
            found.append(chunk.position)
    return found
