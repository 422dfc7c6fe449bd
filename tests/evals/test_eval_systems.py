"""The systems' building blocks: the whole-document context, the naive store's chunks, and
the parsing of --systems."""

from __future__ import annotations

from pathlib import Path

import pytest

from answering.whole_document import whole_document_context
from core.errors import ConfigError
from core.prompting import (
    count_message_tokens,
    metadata_header,
    render_messages,
    stable_prefix_tokens,
)
from evals.naive_rag import CHUNK_CHARS, OVERLAP_CHARS, split_pages
from evals.systems import parse_systems
from flows.ingest import ingest_documents
from indexes import store


def test_whole_document_counts_exactly_and_cuts_at_the_window(prefect_harness, settings,  # type: ignore[no-untyped-def]
                                                              samples_dir: Path) -> None:
    ingest_documents([str(samples_dir / "northwind_2024_10K.pdf")],
                     overrides={"home": str(settings.home), "collection": settings.collection})
    index = store.get_index(settings)
    records = index.list_documents()
    questions = ["What was net revenue in FY2024?", "Revenue (in $)?", "Cash.", "x" * 300 + " 42"]
    for window in (128_000, 3_000):
        for question in questions:
            whole = whole_document_context(index, question, records, window)
            messages = render_messages(question, metadata_header(records), "", whole.reference)
            assert whole.prompt_tokens == count_message_tokens(messages), (window, question)
            # The stable prefix is the instructions and the document: all but the question.
            assert whole.stable_tokens == stable_prefix_tokens(messages)
            assert whole.prompt_tokens - whole.stable_tokens == \
                count_message_tokens(messages[2:]) < 200 + len(question)
            assert whole.truncated == (window == 3_000)
    full = whole_document_context(index, "q", records, 128_000)
    cut = whole_document_context(index, "q", records, 3_000)
    assert full.pages["northwind_2024_10K"] == list(range(1, 16))
    assert cut.prompt_tokens <= 3_000 - 1024 + 10
    kept = cut.pages["northwind_2024_10K"]
    assert kept and kept == list(range(1, len(kept) + 1)) and len(kept) < 15
    # The last page kept is whole: its text is in the cut context.
    assert cut.text in full.text and cut.text.startswith("[pp. 1-15]\n")


def test_naive_chunks_are_1024_characters_with_30_overlap() -> None:
    pages = ["a" * 1500, "b" * 10, "c" * 2000]
    chunks = split_pages(pages)
    text = "\n".join(pages)
    step = CHUNK_CHARS - OVERLAP_CHARS
    assert [c.text for c in chunks] == [text[i:i + CHUNK_CHARS] for i in range(0, len(text), step)
                                        if i < len(text) and (i == 0 or i + OVERLAP_CHARS < len(text))]
    assert chunks[0].pages == [1] and chunks[1].pages == [1, 2, 3]
    assert chunks[-1].pages == [3]
    assert all(len(c.text) == CHUNK_CHARS for c in chunks[:-1])


def test_parse_systems() -> None:
    specs = parse_systems("baseline, baseline@32k,docthrift,naive-rag,baseline@64000", 128_000)
    assert [(s.name, s.kind, s.window) for s in specs] == [
        ("baseline", "baseline", 128_000), ("baseline@32k", "baseline", 32_000),
        ("docthrift", "docthrift", None), ("naive-rag", "naive-rag", None),
        ("baseline@64000", "baseline", 64_000)]
    for bad, said in (("magic", "unknown system"), ("docthrift@32k", "only the baseline"),
                      ("baseline@lots", "number of tokens"), ("baseline,baseline", "twice"),
                      (" , ", "at least one")):
        with pytest.raises(ConfigError, match=said):
            parse_systems(bad, 128_000)
