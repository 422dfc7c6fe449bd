"""Exact o200k_base token counting, offline.

The byte-pair ranks file ships inside the package and is checked against the hash that
tiktoken itself expects for this encoding, so counts equal OpenAI's for GPT-4o-family models.
Every token count in docthrift comes from here (or from an LLM response's ``usage``).
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from importlib import resources

import tiktoken

from core.errors import ConfigError

O200K_SHA256 = "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d"
_RANKS_FILE = "o200k_base.tiktoken"
# The pre-tokenisation pattern and special tokens of tiktoken_ext.openai_public.o200k_base.
_O200K_PATTERN = "|".join(
    [
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""\p{N}{1,3}""",
        r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
        r"""\s*[\r\n]+""",
        r"""\s+(?!\S)""",
        r"""\s+""",
    ]
)
_SPECIAL_TOKENS = {"<|endoftext|>": 199999, "<|endofprompt|>": 200018}


@lru_cache(maxsize=1)
def encoding() -> tiktoken.Encoding:
    """Return the o200k_base encoding built from the vendored, hash-checked ranks file."""
    data = resources.files("core.data").joinpath(_RANKS_FILE).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != O200K_SHA256:
        raise ConfigError(
            f"core/data/{_RANKS_FILE}: sha256 {digest[:12]}… does not match o200k_base "
            f"({O200K_SHA256[:12]}…); reinstall docthrift to restore the file"
        )
    ranks = {
        base64.b64decode(token): int(rank)
        for token, rank in (line.split() for line in data.splitlines() if line)
    }
    return tiktoken.Encoding(
        name="o200k_base",
        pat_str=_O200K_PATTERN,
        mergeable_ranks=ranks,
        special_tokens=_SPECIAL_TOKENS,
    )


# Pieces of context recur across questions (the same sections, tables, statements): their
# counts are kept. Whole documents are not (each is counted once per version elsewhere).
_CACHED_CHARS = 50_000


def count_tokens(text: str) -> int:
    """Count o200k_base tokens in ``text`` (special-token strings count as plain text)."""
    if not text:
        return 0
    if len(text) <= _CACHED_CHARS:
        return _count_cached(text)
    return len(encoding().encode_ordinary(text))


@lru_cache(maxsize=8192)
def _count_cached(text: str) -> int:
    return len(encoding().encode_ordinary(text))


def count_many(texts: list[str]) -> list[int]:
    """Count tokens of many texts, one after the other.

    Not tiktoken's ``encode_ordinary_batch``: it starts a thread pool on every call, which
    for the short lines of a section costs 40 times the counting itself.
    """
    encode = encoding().encode_ordinary
    return [len(encode(text)) for text in texts]


def truncate_to_tokens(text: str, max_tokens: int) -> tuple[str, bool]:
    """Cut ``text`` to its first ``max_tokens`` tokens; return the text and whether it was cut."""
    ids = encoding().encode_ordinary(text)
    if len(ids) <= max_tokens:
        return text, False
    return encoding().decode(ids[:max_tokens]), True
