"""Reading an index the way tests need: every stored point, through the index interface."""

from __future__ import annotations

from typing import Any

from docthrift.models import DocumentRecord
from docthrift.settings import Settings
from indexes import store


def chunk_payloads(settings: Settings, doc_id: str | None = None) -> list[dict[str, Any]]:
    """The payload of every chunk point (every version), with its point id under ``id``."""
    index = store.get_index(settings)
    return [{"id": p.id, **p.payload} for batch in index.export_points("chunks") for p in batch
            if doc_id is None or p.payload.get("doc_id") == doc_id]


def records(settings: Settings) -> dict[str, DocumentRecord]:
    """Every document record by doc_id."""
    return {r.doc_id: r for r in store.get_index(settings).list_documents()}
