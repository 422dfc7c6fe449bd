"""Token counts equal tiktoken's o200k_base, offline, from the vendored ranks file."""

from __future__ import annotations

import pytest

from core import tokens

# Ids from OpenAI's o200k_base (tiktoken), pinned so a wrong file or pattern fails here.
KNOWN = {
    "hello world": [24912, 2375],
    "Net sales $34,229": [9944, 7155, 548, 3020, 11, 25242],
}


@pytest.mark.parametrize("text,ids", KNOWN.items())
def test_known_ids(text: str, ids: list[int]) -> None:
    assert tokens.encoding().encode_ordinary(text) == ids
    assert tokens.count_tokens(text) == len(ids)


def test_vendored_file_is_the_hash_checked_one() -> None:
    import hashlib
    from importlib import resources

    data = resources.files("core.data").joinpath("o200k_base.tiktoken").read_bytes()
    assert hashlib.sha256(data).hexdigest() == tokens.O200K_SHA256


def test_round_trip_and_batch() -> None:
    text = "Item 7. Management’s Discussion — revenue grew 18% to €1,284m. 日本語も数える。"
    ids = tokens.encoding().encode_ordinary(text)
    assert tokens.encoding().decode(ids) == text
    assert tokens.count_many([text, "", "a"]) == [len(ids), 0, 1]


def test_special_token_text_counts_as_plain_text() -> None:
    assert tokens.count_tokens("<|endoftext|>") > 1


def test_truncate() -> None:
    text = "one two three four five six"
    cut, was_cut = tokens.truncate_to_tokens(text, 3)
    assert was_cut and tokens.count_tokens(cut) == 3 and text.startswith(cut)
    assert tokens.truncate_to_tokens(text, 100) == (text, False)


def test_equals_tiktokens_own_o200k_base(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """tiktoken's registry encoding, fed the same file through its cache, agrees everywhere."""
    import shutil
    from importlib import resources

    import tiktoken
    import tiktoken.registry

    source = resources.files("core.data").joinpath("o200k_base.tiktoken")
    with resources.as_file(source) as path:
        shutil.copy(path, tmp_path / "fb374d419588a4632f3f557e76b4b70aebbca790")
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    tiktoken.registry.ENCODINGS.pop("o200k_base", None)
    reference = tiktoken.get_encoding("o200k_base")
    samples = ["Consolidated Balance Sheets\n(in millions)\n2022 2021\nTotal assets $ 46,455",
               "  leading spaces, tabs\tand\r\nnewlines ", "ÄÖÜ – “quotes” 1234567 ✓"]
    for text in samples:
        assert tokens.encoding().encode_ordinary(text) == reference.encode_ordinary(text)
    tiktoken.registry.ENCODINGS.pop("o200k_base", None)
