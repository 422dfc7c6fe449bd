"""Build the query service from settings, once, at an edge (CLI command or API start)."""

from __future__ import annotations

from docthrift.answering import QueryService
from docthrift.llm import DEFAULT_PRICES, make_llm
from docthrift.settings import Settings
from indexes import store
from indexes.embeddings import load_embedder
from indexes.retrieval import RetrievalOptions


def make_service(settings: Settings) -> QueryService:
    """A QueryService over the configured index, model and prices."""
    return QueryService(
        index=store.get_index(settings),
        embedder=load_embedder(settings.embedding_backend, settings.cache_dir),
        llm=make_llm(settings) if settings.llm_configured else None,
        options=RetrievalOptions(budget=settings.budget_tokens,
                                 cap_share=settings.budget_cap_share),
        wide_budget=settings.wide_budget_tokens,
        full_document_fallback=settings.full_document_fallback,
        context_window=settings.context_window_tokens,
        prices={**DEFAULT_PRICES, **settings.prices},
    )
