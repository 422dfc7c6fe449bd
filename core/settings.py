"""Settings, read once at an edge (CLI command, API start, flow start) and passed down.

Environment variables use the ``DOCTHRIFT_`` prefix, except the conventional names of the
services docthrift talks to: ``QDRANT_URL``, ``QDRANT_API_KEY``, ``OPENAI_API_KEY`` and
``OPENAI_BASE_URL``. Library code never reads ``os.environ``; it takes these values.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.errors import ConfigError
from core.pricing import PricingProfile

EmbeddingBackend = Literal["torch", "torch-bf16", "onnx", "onnx-int8"]


class Settings(BaseSettings):
    """Every knob docthrift has; each one documented where it is declared."""

    model_config = SettingsConfigDict(
        env_prefix="DOCTHRIFT_", extra="ignore", frozen=True, populate_by_name=True
    )

    home: Path = Field(
        Path(".docthrift"),
        description="Folder for the local Qdrant storage, Prefect's home, caches and reports.",
    )
    source_dir: Path | None = Field(
        None, description="Folder of PDFs that scheduled and API-started ingestion reads."
    )

    cache: Path | None = Field(
        None, description="Cache folder (exported ONNX model, LLM enrichment); default home/cache."
    )

    # Index
    qdrant_url: str | None = Field(
        None,
        validation_alias=AliasChoices("QDRANT_URL", "DOCTHRIFT_QDRANT_URL"),
        description="URL of a Qdrant server; unset means local mode under home/qdrant.",
    )
    qdrant_api_key: SecretStr | None = Field(
        None,
        validation_alias=AliasChoices("QDRANT_API_KEY", "DOCTHRIFT_QDRANT_API_KEY"),
        description="API key of the Qdrant server.",
    )
    qdrant_path: Path | None = Field(
        None, description="Local Qdrant storage folder; defaults to home/qdrant."
    )
    collection: str = Field("docthrift", description="Qdrant collection name.")

    # Chunking and embedding
    chunk_tokens: int = Field(
        512, ge=64, le=4000,
        description="Target chunk size in o200k tokens (text chunks); chosen on the dev set, "
        "see docs/retrieval.md.",
    )
    max_table_tokens: int = Field(
        1500, ge=100, le=8000, description="Tables longer than this are split by row groups."
    )
    embedding_backend: EmbeddingBackend = Field(
        "onnx-int8",
        description="Backend that runs all-MiniLM-L6-v2, exported once into the cache: "
        "onnx-int8 (fastest; vectors within cosine 0.99 of fp32, evidence recall measured "
        "unchanged), onnx (fp32, same vectors as torch), torch or torch-bf16.",
    )
    embedding_batch_size: int = Field(
        8, ge=1, le=512,
        description="Texts per embedding batch. Small batches are faster on CPU: on 2 cores 8 "
        "chunks a batch embed about 30% more per second than 32 (int8 ONNX and fp32 torch).")
    extract_ahead: int = Field(
        2, ge=0, le=8,
        description="Documents read in a separate extraction process ahead of the one being "
        "embedded, so reading and embedding overlap; 0 reads each in this process when due.",
    )

    # Language model
    openai_api_key: SecretStr | None = Field(
        None,
        validation_alias=AliasChoices("OPENAI_API_KEY", "DOCTHRIFT_OPENAI_API_KEY"),
        description="API key of the OpenAI-compatible endpoint.",
    )
    openai_base_url: str | None = Field(
        None,
        validation_alias=AliasChoices("OPENAI_BASE_URL", "DOCTHRIFT_OPENAI_BASE_URL"),
        description="Base URL of an OpenAI-compatible endpoint (Azure, vLLM, Ollama, ...).",
    )
    model: str = Field("gpt-4o-mini", description="Chat model used for answers and enrichment.")
    llm_timeout_s: float = Field(60.0, gt=0, description="Timeout of one LLM request, seconds.")
    llm_max_retries: int = Field(
        3, ge=0, le=10, description="Retries with backoff on 429 and 5xx replies."
    )
    enrich: bool = Field(
        True,
        description="Summarise documents and sections with the LLM at ingestion "
        "(only takes effect when an endpoint is configured).",
    )
    llm_concurrency: int = Field(
        4, ge=1, le=1000,
        description="Most LLM calls at once across all flow runs that share a Prefect server "
        "(the global concurrency limit 'docthrift-llm'); queries are not limited.",
    )

    # Query
    budget_tokens: int = Field(
        4000, ge=200, le=100_000,
        description="Context budget of an answer, in o200k tokens: what a context holds on "
        "average. A question whose evidence is spread may take up to budget_cap_share times it, "
        "a decisive one less (docs/retrieval.md).",
    )
    budget_cap_share: float = Field(
        1.5, ge=1.0, le=2.0,
        description="Most one context may hold, as a multiple of the budget; 1 makes the "
        "budget fixed (every context fills it and stops there).",
    )
    wide_budget_tokens: int = Field(
        8000, ge=200, le=200_000,
        description="Budget of the one wider retrieval tried when the context lacked the answer.",
    )
    full_document_fallback: bool = Field(
        False, description="As a last resort, send the whole document(s) to the model."
    )
    card_tokens: int = Field(
        8000, ge=0, le=50_000,
        description="Most tokens of excerpts in the document card (the primary financial "
        "statements, then the analyst checklist's passages), the part of the prompt sent first "
        "with every question about a document so a provider's prompt cache can reuse it; 0 "
        "leaves them out (docs/metrics.md#the-document-card).",
    )
    card_budget_tokens: int = Field(
        1200, ge=200, le=100_000,
        description="Budget of a question's excerpts when a document card leads the prompt "
        "(the card holds the statements and the checklist's passages); budget_tokens applies "
        "without a card and to an explicit --budget.",
    )
    card_topic_tokens: int = Field(
        700, ge=0, le=10_000,
        description="Budget of each analyst-checklist topic's search in the document card; 0 "
        "keeps the card to the statements.",
    )
    card_outline_tokens: int = Field(
        300, ge=0, le=20_000,
        description="Most tokens of outline (top-level sections and their pages) in the "
        "document card; 0 leaves it out. With card_tokens also 0 there is no card.",
    )
    context_window_tokens: int = Field(
        128_000, ge=1000, description="The model's context window; whole documents are cut to it."
    )
    prices: dict[str, tuple[float, float, float]] = Field(
        default_factory=dict,
        description="Dollars per million tokens (input, cached input, output) by model, "
        "as JSON; merged over the built-in table.",
    )
    custom_pricing: PricingProfile | None = Field(
        None,
        description="A pricing profile of your own for the evaluation's modelled costs, as JSON: "
        '{"name", "input", "cached_input", "cache_write", "output", "min_prefix", '
        '"granularity", "lifetime_s"} (dollars per million tokens; see docs/pricing.md).',
    )
    max_question_chars: int = Field(2000, ge=10, description="Longest question accepted.")

    # Release gate (docthrift eval)
    gate_min_token_reduction: float = Field(
        0.8, ge=0, le=1,
        description="docthrift's mean prompt tokens must be at most (1 - this) of the baseline's "
        "(the document card's tokens counted in full although cached; dollars are gated by "
        "gate_max_cost_ratio).",
    )
    gate_max_recall_drop: float = Field(
        0.10, ge=0, le=1,
        description="Largest allowed drop of evidence recall (all gold pages) below the baseline's.",
    )
    gate_max_accuracy_drop: float = Field(
        0.02, ge=0, le=1,
        description="Largest allowed drop of accuracy below the baseline's (when a model answered).",
    )
    gate_max_cost_ratio: float = Field(
        0.30, gt=0,
        description="docthrift's modelled cost per answer over the cached whole-document "
        "baseline's, at most, under every pricing profile and grouping evaluated (chosen on "
        "the dev set: 11.5-22% measured from 1 to 50 questions per document).",
    )

    # API
    api_key: SecretStr | None = Field(
        None, description="When set, the HTTP API requires 'Authorization: Bearer <key>' on "
        "every path but /healthz, its docs (/docs, /redoc, /openapi.json) included."
    )
    public_docs: bool = Field(
        False, description="Serve /docs, /redoc and /openapi.json without the API key (they "
        "describe the API, not the documents)."
    )
    max_request_bytes: int = Field(
        1_048_576, ge=1024, description="Largest request body the API reads (413 above it); "
        "the largest valid query is a few kilobytes."
    )

    @model_validator(mode="after")
    def _no_contradictions(self) -> Settings:
        if self.qdrant_url and self.qdrant_path:
            raise ConfigError(
                "both QDRANT_URL and DOCTHRIFT_QDRANT_PATH are set; "
                "unset one: a server URL or a local storage folder, not both"
            )
        return self

    def overrides(self) -> dict[str, Any]:
        """Non-secret fields as plain values, to rebuild these settings in a flow run.

        Secrets stay out (flow parameters are stored by Prefect); the flow reads them from
        its own environment.
        """
        secrets = {"openai_api_key", "qdrant_api_key", "api_key"}
        return self.model_dump(mode="json", exclude=secrets, exclude_none=True)

    @property
    def llm_configured(self) -> bool:
        """Whether an LLM endpoint is configured (a key or a base URL)."""
        return bool(self.openai_api_key or self.openai_base_url)

    @property
    def local_qdrant_path(self) -> Path:
        """Where local-mode Qdrant keeps its storage."""
        return self.qdrant_path or self.home / "qdrant"

    @property
    def cache_dir(self) -> Path:
        """Caches (LLM enrichment, exported embedding models)."""
        return self.cache or self.home / "cache"

    @property
    def prefect_home(self) -> Path:
        """Prefect's home folder (its database and settings) for ephemeral runs."""
        return self.home / "prefect"

    @property
    def reports_dir(self) -> Path:
        """Default folder for evaluation reports."""
        return self.home / "reports"


def load_settings(**overrides: object) -> Settings:
    """Build settings from the environment, then apply explicit overrides (CLI flags)."""
    clean = {key: value for key, value in overrides.items() if value is not None}
    try:
        return Settings(**clean)  # type: ignore[arg-type]
    except ConfigError:
        raise
    except ValueError as exc:  # pydantic's ValidationError
        raise ConfigError(f"invalid settings: {exc}") from exc
