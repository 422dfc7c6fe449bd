"""The prompt-cache cost model and the pricing profiles: writes, reads and fresh tokens per
profile, the minimum prefix, the lifetime grouping, and the custom profile from settings."""

from __future__ import annotations

import pytest

from core.cache_costs import PromptShape, cacheable, plan_cache, uncached
from core.errors import ConfigError
from core.pricing import ANTHROPIC, GOOGLE, OPENAI, PricingProfile, pricing_profiles
from core.settings import load_settings

DOC = 82_000  # a filing-sized stable prefix
ASK = 40      # the question


def _same_document(count: int, prefix: int = DOC, fresh: int = ASK) -> list[PromptShape]:
    return [PromptShape(prefix_tokens=prefix, fresh_tokens=fresh) for _ in range(count)]


def test_anthropic_writes_once_at_125_percent_then_reads_at_a_tenth() -> None:
    calls = plan_cache(_same_document(10), ANTHROPIC)
    assert [(c.written, c.read, c.fresh) for c in calls] == \
        [(DOC, 0, ASK)] + [(0, DOC, ASK)] * 9
    first, second = calls[0], calls[1]
    assert first.input_usd == pytest.approx((DOC * 3.00 * 1.25 + ASK * 3.00) / 1e6)
    assert second.input_usd == pytest.approx((DOC * 0.30 + ASK * 3.00) / 1e6)
    # Ten questions cost about (1.25 + 9 x 0.1) / 10 = 0.215 of the uncached prompts.
    share = sum(c.input_usd for c in calls) / sum(c.input_usd for c in uncached(_same_document(10),
                                                                              ANTHROPIC))
    assert share == pytest.approx(0.215, abs=0.001)


def test_openai_caches_whole_128_token_steps_past_1024_and_writes_at_the_input_price() -> None:
    assert cacheable(1023, OPENAI) == 0
    assert cacheable(1024, OPENAI) == 1024
    assert cacheable(1151, OPENAI) == 1024
    assert cacheable(1152, OPENAI) == 1152
    calls = plan_cache(_same_document(3, prefix=5000), OPENAI)
    held = 1024 + (5000 - 1024) // 128 * 128
    assert held == 4992
    assert calls[0].written == held and calls[0].fresh == 5000 - held + ASK
    assert calls[1].read == held and calls[1].written == 0 and calls[1].fresh == 5000 - held + ASK
    # Writing costs what fresh input costs: a cold call is priced like an uncached one.
    assert calls[0].input_usd == pytest.approx(uncached(_same_document(1, prefix=5000),
                                                        OPENAI)[0].input_usd)
    assert calls[1].input_usd == pytest.approx(((5000 - held + ASK) * 0.25 + held * 0.025) / 1e6)


def test_google_has_its_own_minimum_and_no_write_surcharge() -> None:
    below = plan_cache(_same_document(4, prefix=2000), GOOGLE)
    assert all(c.written == 0 and c.read == 0 and c.fresh == 2000 + ASK for c in below)
    above = plan_cache(_same_document(4, prefix=2048), GOOGLE)
    assert above[0].written == 2048 and [c.read for c in above[1:]] == [2048] * 3


@pytest.mark.parametrize("profile", [OPENAI, ANTHROPIC])
def test_prefixes_below_the_minimum_are_never_cached(profile: PricingProfile) -> None:
    calls = plan_cache(_same_document(5, prefix=profile.min_prefix - 1), profile)
    assert all(c.written == 0 and c.read == 0 for c in calls)
    assert [c.input_usd for c in calls] == pytest.approx(
        [c.input_usd for c in uncached(_same_document(5, prefix=profile.min_prefix - 1), profile)])


def test_lifetimes_are_respected_by_the_grouping() -> None:
    calls = plan_cache(_same_document(25), ANTHROPIC, per_lifetime=10)
    cold = [i for i, c in enumerate(calls) if c.written]
    assert cold == [0, 10, 20]
    assert all(calls[i].read == 0 for i in cold)
    assert all(c.read == DOC for i, c in enumerate(calls) if i not in cold)
    # One question per lifetime: every call is cold, and with a write surcharge nothing is
    # marked for caching (no later call would read it), so it costs what it costs uncached.
    alone = plan_cache(_same_document(4), ANTHROPIC, per_lifetime=1)
    assert all(c.written == 0 and c.read == 0 for c in alone)
    assert sum(c.input_usd for c in alone) == pytest.approx(
        sum(c.input_usd for c in uncached(_same_document(4), ANTHROPIC)))
    # The last group's single call writes nothing either; OpenAI's free writes always happen.
    tail = plan_cache(_same_document(11), ANTHROPIC, per_lifetime=10)
    assert tail[10].written == 0 and tail[10].read == 0
    assert plan_cache(_same_document(11), OPENAI, per_lifetime=10)[10].written > 0


def test_a_longer_prefix_writes_only_what_the_cache_lacks() -> None:
    prompts = [PromptShape(3000, 100), PromptShape(5000, 100), PromptShape(5000, 100)]
    calls = plan_cache(prompts, ANTHROPIC)
    assert [(c.written, c.read) for c in calls] == [(3000, 0), (2000, 3000), (0, 5000)]
    assert all(c.prompt_tokens == p.prompt_tokens for c, p in zip(calls, prompts, strict=True))


def test_output_is_priced_as_output_and_bad_input_is_refused() -> None:
    calls = plan_cache([PromptShape(10, 5, output_tokens=1000)], ANTHROPIC)
    assert calls[0].output_usd == pytest.approx(1000 * 15.00 / 1e6)
    assert calls[0].usd == pytest.approx(calls[0].input_usd + calls[0].output_usd)
    with pytest.raises(ValueError, match="at least 1"):
        plan_cache(_same_document(2), ANTHROPIC, per_lifetime=0)
    with pytest.raises(ValueError, match="negative"):
        plan_cache([PromptShape(-1, 5)], ANTHROPIC)


def test_custom_profile_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCTHRIFT_CUSTOM_PRICING", '{"name": "inhouse", "input": 1.0, '
                       '"cached_input": 0.5, "cache_write": 2.0, "output": 4.0, '
                       '"min_prefix": 4096, "granularity": 256, "lifetime_s": 3600}')
    custom = load_settings().custom_pricing
    assert custom is not None and custom.write_price == 2.0
    profiles = pricing_profiles(custom)
    assert list(profiles) == ["openai", "anthropic", "google", "inhouse"]
    calls = plan_cache(_same_document(2, prefix=5000), profiles["inhouse"])
    assert calls[0].written == 4096 + 3 * 256 and calls[1].read == 4864
    assert calls[0].input_usd == pytest.approx((4864 * 2.0 + (5000 - 4864 + ASK) * 1.0) / 1e6)

    monkeypatch.setenv("DOCTHRIFT_CUSTOM_PRICING", '{"input": 1.0, "cached_input": 2.0, '
                       '"output": 4.0}')
    with pytest.raises(ConfigError, match="costs more than fresh input"):
        load_settings()
    with pytest.raises(ValueError, match="built-in"):
        pricing_profiles(PricingProfile(name="openai", input=1, cached_input=0.1, output=2))
