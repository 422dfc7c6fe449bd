"""Retrieval over real filings, with the real model and index: scoped IDF, forward-looking
routing, and the adaptive budget."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from answering.answering import QueryService, answer_question
from indexes import store
from indexes.retrieval import Hit, RetrievalOptions, search_chunks, search_parts
from tests.conftest import DEV_DATA, needs_dev_data

pytestmark = needs_dev_data

EARNINGS = "JOHNSON_JOHNSON_2022Q4_EARNINGS"  # results for 2022, outlook for 2023
EIGHT_K = "JOHNSON_JOHNSON_2023_8K_dated-2023-08-30"
OTHER = "AMCOR_2023Q4_EARNINGS"


def _ingest(home: Path, collection: str, doc_ids: list[str]) -> None:
    from flows.ingest import ingest_documents

    folder = home / f"pdfs-{collection}"
    folder.mkdir(parents=True)
    for doc_id in doc_ids:
        shutil.copy(DEV_DATA / "pdfs" / f"{doc_id}.pdf", folder)
    summary = ingest_documents([str(folder)], overrides={"home": str(home), "collection": collection})
    assert not summary.failed


@pytest.fixture(scope="module")
def home(prefect_harness, tmp_path_factory):  # type: ignore[no-untyped-def]
    home = tmp_path_factory.mktemp("filings-home")
    _ingest(home, "filings", [EARNINGS, EIGHT_K, OTHER])
    _ingest(home, "solo", [EARNINGS])
    yield home
    store.close_indexes()


def _service(home: Path, collection: str, embedder) -> QueryService:  # type: ignore[no-untyped-def]
    from core.settings import load_settings

    index = store.get_index(load_settings(home=home, collection=collection))
    return QueryService(index=index, embedder=embedder, llm=None, options=RetrievalOptions(),
                        wide_budget=8000)


def _top(hits: list[Hit], count: int = 20) -> set[tuple[int, float]]:
    """The hits scoring above the ``count``-th one's score (ties there cut either way)."""
    floor = round(hits[count].score, 6)
    return {(h.position, round(h.score, 6)) for h in hits if round(h.score, 6) > floor}


def test_sparse_weights_come_from_the_documents_in_scope(home, embedder) -> None:  # type: ignore[no-untyped-def]
    """Searching one filing of a three-filing index ranks as if the index held it alone."""
    question = "What adjusted EPS guidance did the company give for 2023?"
    shared, solo = _service(home, "filings", embedder), _service(home, "solo", embedder)
    versions = {r.doc_id: r.current_version for r in shared.records() if r.doc_id == EARNINGS}
    alone = {r.doc_id: r.current_version for r in solo.records()}
    scoped = search_chunks(shared.index, embedder, question, versions, RetrievalOptions())
    reference = search_chunks(solo.index, embedder, question, alone, RetrievalOptions())
    # The top 20, as (position, score) pairs: chunks tied on score may come in either order.
    assert len(_top(reference)) >= 10 and _top(scoped) == _top(reference)
    # Collection-wide IDF weighs the same terms by all three filings: another ranking.
    unscoped = search_chunks(shared.index, embedder, question, versions,
                             RetrievalOptions(scoped_idf=False))
    assert _top(unscoped) != _top(reference)


def test_outlook_question_reaches_the_prior_years_results(home, embedder) -> None:  # type: ignore[no-untyped-def]
    """FY2023's outlook was published with FY2022's results: that release is searched too,
    and its first page, where the outlook is, is in the context."""
    service = _service(home, "filings", embedder)
    answer = answer_question(service, "What outlook did J&J give for its adjusted EPS in "
                             "2023?", retrieve_only=True)
    assert answer.route[-1].step == "retrieval"  # excerpts, not the documents sent whole
    outlook = [c for c in answer.citations if c.doc_id == EARNINGS and 1 in c.pages]
    # The guidance sentence itself, not only a piece that touches its page.
    assert any("Company guides 2023" in c.text and "$10.50" in c.text for c in outlook)
    assert {c.doc_id for c in answer.citations} <= {EARNINGS, EIGHT_K}


def test_the_budget_is_a_mean_and_the_cap_a_limit(home, embedder) -> None:  # type: ignore[no-untyped-def]
    """Contexts stay within the cap (1.5x the budget); with the cap at the budget they stay
    within the budget, and on these questions the two policies choose differently."""
    service = _service(home, "filings", embedder)
    questions = [
        ("What were Johnson & Johnson's reported sales in the fourth quarter of 2022?", EARNINGS),
        ("What adjusted EPS does Johnson & Johnson expect for 2023?", EARNINGS),
        ("List the segments and their operational sales growth for the full year 2022.", EARNINGS),
        ("What was Amcor's adjusted EBITDA for fiscal 2023?", OTHER),
        ("How much cash did Amcor return to shareholders through dividends and buybacks?", OTHER),
        ("Which new directors or officers does the 8-K announce?", EIGHT_K),
    ]
    budget = 1500
    sizes = [answer_question(service, q, doc_id=d, budget=budget, retrieve_only=True)
             .usage.context_tokens for q, d in questions]
    assert all(0 < size <= 1.5 * budget for size in sizes)
    fixed = replace(service, options=replace(service.options, cap_share=1.0))
    fixed_sizes = [answer_question(fixed, q, doc_id=d, budget=budget, retrieve_only=True)
                   .usage.context_tokens for q, d in questions]
    assert all(0 < size <= budget for size in fixed_sizes)
    assert sizes != fixed_sizes


def test_a_question_in_parts_gets_each_parts_best_hits(home, embedder) -> None:  # type: ignore[no-untyped-def]
    """Each part searched alone, the lists merged: every part's best hit leads, each chunk
    appears once with the best score any part gave it."""
    service = _service(home, "filings", embedder)
    versions = {r.doc_id: r.current_version for r in service.records()
                if r.doc_id in (EARNINGS, EIGHT_K)}
    parts = ["What adjusted EPS does the company expect for 2023?",
             "Which officer's appointment does the current report announce?"]
    options = RetrievalOptions()
    alone = [search_chunks(service.index, embedder, part, versions, options) for part in parts]
    merged = search_parts(service.index, embedder, parts, versions, options)
    keys = [(h.doc_id, h.position) for h in merged]
    assert len(keys) == len(set(keys))
    best: dict[tuple[str, int], float] = {}
    for hits in alone:
        for h in hits:
            best[(h.doc_id, h.position)] = max(best.get((h.doc_id, h.position), 0.0), h.score)
    assert {k: h.score for k, h in zip(keys, merged)} == best
    assert {(hits[0].doc_id, hits[0].position) for hits in alone} <= set(keys[:2])
    # A question of one part is a plain search.
    assert search_parts(service.index, embedder, parts[:1], versions, options) == alone[0]
