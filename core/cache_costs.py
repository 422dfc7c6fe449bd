"""What prompt caching makes of a sequence of prompts about one document: per call, the tokens
written to the cache, read from it and sent fresh, and the dollars (pure; no I/O).

A prompt is seen as its stable prefix (the part every question about the document shares: the
instructions and the document card, or the whole document for the baseline) and its fresh
rest. Calls come in groups that fall within one cache lifetime (``per_lifetime`` questions
about the document); the first call of a group finds the cache cold, the others find the
prefix the group wrote. Rules (definitions: docs/metrics.md, figures: docs/pricing.md):

- only ``cacheable(prefix)`` tokens can be cached: nothing below the provider's minimum, and
  past it whole steps of its granularity (OpenAI: 1,024 tokens, then steps of 128);
- a cold call writes the cacheable prefix, at ``cache_write`` times the input price, unless
  writing costs extra and no later call of its group will read it (a client that knows it
  asks once does not mark the prefix for caching);
- a warm call reads what the cache holds of its prefix at the cached price;
- everything else is fresh input, and the output is priced as output.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.pricing import PricingProfile


@dataclass(frozen=True)
class PromptShape:
    """One call as the cache sees it.

    Attributes:
        prefix_tokens: Leading tokens shared with the other prompts about the document.
        fresh_tokens: The rest of the prompt.
        output_tokens: Tokens of the reply (0 when no model answered).
    """

    prefix_tokens: int
    fresh_tokens: int
    output_tokens: int = 0

    @property
    def prompt_tokens(self) -> int:
        return self.prefix_tokens + self.fresh_tokens


@dataclass(frozen=True)
class CachedCall:
    """One call's tokens by how they are billed, and its dollars."""

    written: int
    read: int
    fresh: int
    output: int
    input_usd: float
    output_usd: float

    @property
    def usd(self) -> float:
        return self.input_usd + self.output_usd

    @property
    def prompt_tokens(self) -> int:
        return self.written + self.read + self.fresh


def cacheable(tokens: int, profile: PricingProfile) -> int:
    """Tokens of a ``tokens``-long prefix the provider can cache (0 below its minimum)."""
    if tokens < max(profile.min_prefix, 1):
        return 0
    steps = (tokens - profile.min_prefix) // profile.granularity
    return profile.min_prefix + steps * profile.granularity


def plan_cache(prompts: Sequence[PromptShape], profile: PricingProfile, *,
               per_lifetime: int | None = None) -> list[CachedCall]:
    """Bill a sequence of calls about one document under ``profile``'s caching.

    Args:
        prompts: The calls, in the order they are made.
        profile: The provider's prices and cache rules.
        per_lifetime: Calls that fall within one cache lifetime; every ``per_lifetime``-th
            call starts a new group with a cold cache. None: all within one lifetime.

    Returns:
        One :class:`CachedCall` per prompt, in order.

    Raises:
        ValueError: ``per_lifetime`` is below 1, or a prompt has negative tokens.
    """
    if per_lifetime is not None and per_lifetime < 1:
        raise ValueError(f"per_lifetime must be at least 1, got {per_lifetime}")
    group = per_lifetime or max(len(prompts), 1)
    costly_writes = profile.cache_write > 1.0
    calls: list[CachedCall] = []
    held = 0  # tokens of the prefix the cache holds
    for index, prompt in enumerate(prompts):
        if prompt.prefix_tokens < 0 or prompt.fresh_tokens < 0 or prompt.output_tokens < 0:
            raise ValueError(f"prompt {index}: token counts cannot be negative ({prompt})")
        position = index % group
        if position == 0:
            held = 0
        usable = cacheable(prompt.prefix_tokens, profile)
        read = min(usable, held)
        followed = position + 1 < group and index + 1 < len(prompts)
        written = usable - read if usable > held and (followed or not costly_writes) else 0
        held = max(held, read + written)
        fresh = prompt.prompt_tokens - read - written
        calls.append(CachedCall(
            written=written, read=read, fresh=fresh, output=prompt.output_tokens,
            input_usd=(fresh * profile.input + read * profile.cached_input
                       + written * profile.write_price) / 1e6,
            output_usd=prompt.output_tokens * profile.output / 1e6))
    return calls


def uncached(prompts: Sequence[PromptShape], profile: PricingProfile) -> list[CachedCall]:
    """Bill the same calls with no caching at all: every prompt token fresh."""
    return [CachedCall(written=0, read=0, fresh=p.prompt_tokens, output=p.output_tokens,
                       input_usd=p.prompt_tokens * profile.input / 1e6,
                       output_usd=p.output_tokens * profile.output / 1e6) for p in prompts]
