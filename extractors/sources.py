"""Finding the PDFs to ingest and deciding what changed since the last run."""

from __future__ import annotations

import glob
import hashlib
from pathlib import Path

from docthrift.errors import ExtractionError

# Bump when extraction output changes for the same bytes: indexed documents are redone.
EXTRACTOR_VERSION = "extract-2"


def find_pdfs(paths: list[str]) -> list[Path]:
    """Expand files, folders (recursively) and glob patterns into a sorted list of PDFs.

    Raises:
        ExtractionError: a path that matches nothing, so a typo never ingests silently nothing.
    """
    found: dict[Path, None] = {}
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            matches = [p for p in path.rglob("*") if p.suffix.lower() == ".pdf" and p.is_file()]
        elif path.is_file():
            matches = [path]
        else:
            matches = [Path(p) for p in glob.glob(str(path), recursive=True) if Path(p).is_file()]
            if not matches:
                raise ExtractionError(f"{raw}: no such file, folder or matching PDF")
        for match in sorted(matches):
            found[match.resolve()] = None
    return list(found)


def file_sha256(path: Path) -> str:
    """sha256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def pipeline_fingerprint(
    *,
    chunker: str,
    chunk_tokens: int,
    max_table_tokens: int,
    embedding: str,
    enrichment: str | None,
) -> str:
    """What, besides the bytes, decides a document's chunks and vectors."""
    parts = [
        EXTRACTOR_VERSION,
        chunker,
        f"chunk={chunk_tokens}",
        f"table={max_table_tokens}",
        embedding,
        f"enrich={enrichment or 'off'}",
    ]
    return "|".join(parts)
