"""Provider pricing profiles: what input costs fresh, written to a prompt cache and read from
it, and when a prefix is cached at all.

The figures are data, each with its source and the date it was read in docs/pricing.md.
They price the evaluation's modelled costs (``core/cache_costs.py``); the cost of a call
a real endpoint answered comes from its ``usage`` and ``DOCTHRIFT_PRICES`` instead
(``core/llm.py``). A custom profile comes from ``DOCTHRIFT_CUSTOM_PRICING``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator


class PricingProfile(BaseModel):
    """One provider's prices and prompt-cache rules, dollars per million tokens."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field("custom", description="Short name shown in reports.")
    model: str = Field("", description="The model whose prices these are.")
    input: float = Field(ge=0, description="Fresh (uncached) input tokens.")
    cached_input: float = Field(ge=0, description="Input tokens read from the prompt cache.")
    cache_write: float = Field(
        1.0, ge=0,
        description="Multiplier of the input price for tokens written to the cache "
        "(1.0: writing costs what fresh input costs).")
    output: float = Field(ge=0, description="Output (completion) tokens.")
    min_prefix: int = Field(
        1024, ge=0, description="Shortest prefix the provider caches, in tokens.")
    granularity: int = Field(
        1, ge=1,
        description="A cached prefix counts in steps of this many tokens past min_prefix "
        "(1: any length).")
    lifetime_s: int | None = Field(
        300, ge=1,
        description="Seconds a cached prefix lives after its last use; None when the provider "
        "does not document it.")

    @model_validator(mode="after")
    def _cached_not_dearer(self) -> PricingProfile:
        if self.cached_input > self.input:
            raise ValueError(f"pricing profile {self.name!r}: cached input ({self.cached_input}) "
                             f"costs more than fresh input ({self.input})")
        return self

    @property
    def write_price(self) -> float:
        """Dollars per million tokens written to the cache."""
        return self.input * self.cache_write


# Read on 2026-12-02; sources per figure in docs/pricing.md.
OPENAI = PricingProfile(
    name="openai", model="gpt-5-mini", input=0.25, cached_input=0.025, cache_write=1.0,
    output=2.00, min_prefix=1024, granularity=128, lifetime_s=300)
ANTHROPIC = PricingProfile(
    name="anthropic", model="claude-sonnet-4", input=3.00, cached_input=0.30, cache_write=1.25,
    output=15.00, min_prefix=1024, granularity=1, lifetime_s=300)
GOOGLE = PricingProfile(
    name="google", model="gemini-2.5-flash", input=0.30, cached_input=0.03, cache_write=1.0,
    output=2.50, min_prefix=2048, granularity=1, lifetime_s=None)

BUILT_IN: dict[str, PricingProfile] = {p.name: p for p in (OPENAI, ANTHROPIC, GOOGLE)}


def pricing_profiles(custom: PricingProfile | None = None) -> dict[str, PricingProfile]:
    """The built-in profiles, and the custom one from settings when there is one.

    Args:
        custom: ``DOCTHRIFT_CUSTOM_PRICING``, parsed; its name must not hide a built-in one.

    Raises:
        ValueError: the custom profile is named like a built-in one.
    """
    profiles = dict(BUILT_IN)
    if custom is not None:
        if custom.name in profiles:
            raise ValueError(f"DOCTHRIFT_CUSTOM_PRICING: the name {custom.name!r} is a built-in "
                             "profile's; give the custom profile another name")
        profiles[custom.name] = custom
    return profiles
