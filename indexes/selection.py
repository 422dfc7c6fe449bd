"""Which chunks go into the context, and how they are merged into pieces.

The budget is the mean a context aims at, not the same size for every question. The fused
hits are walked best first; each brings a group of chunks (its whole section when the section
is small, a table whole, else the chunk and its neighbours):

1. every hit is taken until the context holds ``floor_share`` of the budget;
2. after that only *strong* hits are taken, up to ``cap_share`` of the budget. A hit is
   strong when its fused RRF score reaches :func:`strength_threshold`: at a 4,000-token
   budget that is a chunk in the top five of the dense or the sparse list, or in about the
   top twelve of both.

When the two searches agree (the same few chunks on top of both lists), few hits are strong
and the context stops early; when they disagree or the question's evidence is spread, many
are, and it grows. Over a set of questions the mean stays near the budget; no question gets
more than the cap.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from core.models import ContextPiece
from core.tokens import count_tokens
from indexes.backend import Hit
from indexes.catalog import StoredChunk

# Strength threshold at the reference budget, and how it scales with the budget (fitted so
# that the mean context of the dev questions stays near the budget at 1k, 2k, 4k and 8k tokens).
REFERENCE_BUDGET = 4000
REFERENCE_STRENGTH = 0.15
STRENGTH_EXPONENT = 0.8


@dataclass(frozen=True)
class Limits:
    """How many tokens a context may hold: always ``floor``; up to ``cap`` for strong hits."""

    floor: int
    cap: int
    strength: float


def strength_threshold(budget: int) -> float:
    """The fused score from which a hit is strong at this budget.

    With Qdrant's RRF (k = 2), a chunk ranked r-th (from 0) in one list scores 1 / (2 + r)
    from it. At 4,000 tokens the threshold is 0.15: rank 4 or better in one list, or about
    rank 11 in both. Smaller budgets ask for more agreement, larger ones for less.
    """
    return REFERENCE_STRENGTH * (REFERENCE_BUDGET / budget) ** STRENGTH_EXPONENT


def limits(budget: int, *, floor_share: float, cap_share: float) -> Limits:
    """The floor, cap and strength threshold of a budget; ``cap_share`` 1 (or less) is a fixed
    budget: every hit until the budget, none after."""
    if cap_share <= 1:
        return Limits(floor=budget, cap=budget, strength=float("inf"))
    return Limits(floor=int(budget * floor_share), cap=int(budget * cap_share),
                  strength=strength_threshold(budget))


def group_of(chunks: list[StoredChunk], position: int, small_section_tokens: int,
             neighbours: int) -> list[int]:
    """The positions a hit brings in: whole small section, else the hit and its neighbours."""
    hit = chunks[position]
    if hit.kind == "table":
        return [position]
    start = position
    while start > 0 and chunks[start - 1].section == hit.section and chunks[start - 1].kind == "text":
        start -= 1
    stop = position
    while stop + 1 < len(chunks) and chunks[stop + 1].section == hit.section and chunks[stop + 1].kind == "text":
        stop += 1
    if sum(c.tokens for c in chunks[start : stop + 1]) <= small_section_tokens:
        return list(range(start, stop + 1))
    return list(range(max(start, position - neighbours), min(stop, position + neighbours) + 1))


def choose(hits: list[Hit], catalog: dict[str, list[StoredChunk]], bounds: Limits, *,
           seed: dict[str, list[int]] | None = None, seed_tokens: int = 0,
           small_section_tokens: int = 600, neighbours: int = 0,
           held: Mapping[str, Collection[int]] | None = None) -> dict[str, dict[int, float]]:
    """Chunks to send, per document, with the best score that brought each in.

    Args:
        hits: Fused hits, best first.
        catalog: Every chunk of each hit's document, by position.
        bounds: Floor, cap and strength threshold (see :func:`limits`).
        seed: Chunks that go first (the statements a metric question needs) ...
        seed_tokens: ... within this many tokens.
        small_section_tokens: A text hit brings its whole section when it is this small.
        neighbours: Otherwise, this many chunks on each side of the hit in its section.
        held: Chunks already in the prompt (the document card holds them): never chosen.
    """
    chosen: dict[str, dict[int, float]] = defaultdict(dict)
    skip = held or {}
    used = 0
    for doc_id, positions in (seed or {}).items():
        for p in positions:
            if p in skip.get(doc_id, ()):
                continue
            cost = catalog[doc_id][p].tokens
            if used + cost <= seed_tokens:
                chosen[doc_id][p] = 1.0
                used += cost
    for hit in hits:
        strong = hit.score >= bounds.strength
        if used >= bounds.floor and not strong:
            break  # hits come best first: no strong one follows a weak one
        chunks = catalog[hit.doc_id]
        held_here = skip.get(hit.doc_id, ())
        if hit.position >= len(chunks) or hit.position in chosen[hit.doc_id] \
                or hit.position in held_here:
            continue
        limit = bounds.cap if strong else bounds.floor
        group = group_of(chunks, hit.position, small_section_tokens, neighbours)
        for candidate in (group, [hit.position]):
            new = [p for p in candidate if p not in chosen[hit.doc_id] and p not in held_here]
            cost = sum(chunks[p].tokens for p in new)
            if used + cost <= limit:
                for p in new:
                    chosen[hit.doc_id][p] = hit.score
                used += cost
                break
        if used >= bounds.cap:
            break
    drop_covered_tables(chosen, catalog)
    return chosen


def drop_covered_tables(chosen: dict[str, dict[int, float]],
                        catalog: dict[str, list[StoredChunk]]) -> None:
    """A table whose page is already in a chosen text chunk of its section is sent once."""
    for doc_id, positions in chosen.items():
        chunks = catalog[doc_id]
        covered = {(chunks[p].section, page) for p in positions if chunks[p].kind == "text"
                   for page in range(chunks[p].page_start, chunks[p].page_end + 1)}
        for p in [p for p in positions if chunks[p].kind == "table"]:
            if (chunks[p].section, chunks[p].page_start) in covered:
                del positions[p]


def build_pieces(chosen: dict[str, dict[int, float]], catalog: dict[str, list[StoredChunk]],
                 doc_order: list[str]) -> list[ContextPiece]:
    """Merge chosen chunks into runs of one section and kind, in document order."""
    pieces: list[ContextPiece] = []
    for doc_id in doc_order:
        positions = sorted(chosen.get(doc_id, {}))
        run: list[StoredChunk] = []
        for p in positions + [-1]:
            chunk = catalog[doc_id][p] if p >= 0 else None
            if run and (chunk is None or chunk.position != run[-1].position + 1
                        or chunk.section != run[-1].section or chunk.kind != run[-1].kind):
                text = "\n".join(c.text for c in run)
                pages = sorted({pg for c in run for pg in range(c.page_start, c.page_end + 1)})
                pieces.append(ContextPiece(
                    doc_id=doc_id, section=run[0].section, pages=pages, kind=run[0].kind,  # type: ignore[arg-type]
                    text=text, tokens=count_tokens(text), position=run[0].position,
                    score=max(chosen[doc_id][c.position] for c in run)))
                run = []
            if chunk is not None:
                run.append(chunk)
    return pieces
