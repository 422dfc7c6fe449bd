"""Finding the PDFs to ingest and deciding what changed since the last run.

A run sees each file it finds as ``added`` (no record), ``updated`` (other bytes, another
pipeline fingerprint, or a record written before versioned chunks), ``unchanged`` (only its
hash was read), ``duplicate`` (the same bytes under the same name as the file the document
comes from, elsewhere: one document) or ``failed`` (it cannot be hashed, or its document id
belongs to another file with other bytes, in this run or in the index, and that file is still
there). A document is ``removed`` when its record says it came from inside a folder this run
scans and that file is gone; files and globs named explicitly never remove anything.

A file's document id is its name (see :func:`extractors.pdf.doc_id_from_path`): a link is
named by the link, not by its target, and its record keeps the link's path.
"""

from __future__ import annotations

import errno
import glob
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from core.errors import ExtractionError
from core.models import DocumentRecord
from core.paths import shown
from extractors.pdf import doc_id_from_path

# Bump when extraction output changes for the same bytes: indexed documents are redone.
EXTRACTOR_VERSION = "extract-4"

FileStatus = Literal["added", "updated", "unchanged", "duplicate", "failed"]


@dataclass(frozen=True)
class PlannedFile:
    """A file this run found, and what the index already knows of it."""

    path: Path
    doc_id: str
    sha256: str
    status: FileStatus
    record: DocumentRecord | None = None
    error: str | None = None
    note: str | None = None

    @property
    def source_path(self) -> str:
        """The path as stored in the document's record (see :func:`core.paths.shown`)."""
        return shown(self.path)

    @property
    def file(self) -> str:
        """The file name, as shown in summaries and messages."""
        return shown(self.path.name)

    @property
    def moved(self) -> bool:
        """Whether the record names another path for this document (it is re-pointed)."""
        return self.record is not None and self.record.source_path != self.source_path


@dataclass(frozen=True)
class IngestionPlan:
    """Per file what to do, and the records whose files are gone from a scanned folder."""

    files: list[PlannedFile]
    removed: list[DocumentRecord]

    @property
    def todo(self) -> int:
        """Documents to extract, index or remove."""
        return sum(f.status in ("added", "updated") for f in self.files) + len(self.removed)


def find_pdfs(paths: list[str]) -> list[Path]:
    """Expand files, folders (recursively) and glob patterns into a sorted list of PDFs.

    Each path is absolute with its folders resolved but its own name kept, so a link stays
    the link. A broken link named explicitly (one that loops, or whose target is gone) is
    kept: reading it fails with a message that names it, and the other files go on.

    Raises:
        ExtractionError: a path that matches nothing, so a typo never ingests silently nothing.
    """
    found: dict[Path, None] = {}
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            matches = [p for p in path.rglob("*") if p.suffix.lower() == ".pdf" and p.is_file()]
        elif path.is_file() or path.is_symlink():
            matches = [path]
        else:
            matches = [Path(p) for p in glob.glob(str(path), recursive=True) if Path(p).is_file()]
            if not matches:
                raise ExtractionError(f"{shown(raw)}: no such file, folder or matching PDF")
        for match in sorted(matches):
            found[match.parent.resolve() / match.name] = None
    return list(found)


def scanned_folders(paths: list[str]) -> list[Path]:
    """The arguments that are folders, resolved: the only places a run may remove from."""
    return [Path(raw).expanduser().resolve() for raw in paths if Path(raw).expanduser().is_dir()]


def file_sha256(path: Path) -> str:
    """sha256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def extraction_key(sha256: str, file_name: str, doc_id: str) -> str:
    """Cache key of an extraction: the bytes, the names they are read under, the extractor."""
    key = f"{EXTRACTOR_VERSION}|{sha256}|{file_name}|{doc_id}"
    digest = hashlib.sha256(key.encode("utf-8", "surrogateescape"))
    return f"extract-{digest.hexdigest()}"


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


def _is_current(record: DocumentRecord, sha256: str, fingerprint: str) -> bool:
    return (record.sha256 == sha256 and record.fingerprint == fingerprint
            and bool(record.version))


def _unreadable(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return (f"{shown(path)}: is a symbolic link that loops (it leads back to itself); "
                "fix or remove the link")
    if path.is_symlink() and exc.errno == errno.ENOENT:
        return (f"{shown(path)}: is a symbolic link to {shown(os.readlink(path))}, which does "
                "not exist; fix or remove the link")
    return f"{shown(path)}: cannot be read ({exc.strerror or exc}); check its permissions"


def _other_owner(record: DocumentRecord, path: Path) -> str | None:
    """The path of the file the record comes from, when that is another file still there."""
    owner = record.source_path
    if not owner or owner == shown(path) or not os.path.exists(owner):
        return None  # an old record, this file, or a file that moved here
    try:
        return None if os.path.samefile(owner, path) else str(owner)
    except OSError:
        return str(owner)


def _plan_file(path: Path, known: dict[str, DocumentRecord], fingerprint: str,
               force: bool, replace: bool) -> PlannedFile:
    doc_id = doc_id_from_path(path)
    record = known.get(doc_id)
    try:
        sha = file_sha256(path)
    except OSError as exc:
        return PlannedFile(path, doc_id, "", "failed", record, _unreadable(path, exc))
    if record is None:
        return PlannedFile(path, doc_id, sha, "added")
    owner = None if replace else _other_owner(record, path)
    if owner and record.sha256 == sha:
        return PlannedFile(path, doc_id, sha, "duplicate", record,
                           note=f"same bytes as {owner}: one document, indexed from there")
    if owner:
        return PlannedFile(
            path, doc_id, sha, "failed", record,
            f"{shown(path)}: the document id {doc_id!r} belongs to {owner}, which is still "
            "there and has other bytes; rename one of the two files, or run again with "
            f"--replace to index this file as {doc_id!r} instead")
    current = _is_current(record, sha, fingerprint) and not force
    return PlannedFile(path, doc_id, sha, "unchanged" if current else "updated", record)


def _same_id(planned: PlannedFile, first: PlannedFile) -> PlannedFile:
    """A second file of the run with the document id of ``first``: a duplicate or a failure."""
    if planned.sha256 and planned.sha256 == first.sha256:
        return PlannedFile(planned.path, planned.doc_id, planned.sha256, "duplicate",
                           planned.record, note=f"same bytes as {first.source_path}: one "
                           "document, indexed from there")
    return PlannedFile(
        planned.path, planned.doc_id, planned.sha256, "failed", planned.record,
        f"{shown(planned.path)}: has the same document id {planned.doc_id!r} as "
        f"{first.source_path} but other bytes; rename one of the two files")


def plan_changes(paths: list[str], records: Iterable[DocumentRecord], fingerprint: str, *,
                 force: bool = False, replace: bool = False) -> IngestionPlan:
    """Decide per file whether it is new, changed, unchanged or a copy, and what was removed.

    Args:
        paths: Files, folders or glob patterns, as the user gave them.
        records: Every document record in the index.
        fingerprint: The pipeline fingerprint of this run (see :func:`pipeline_fingerprint`).
        force: Re-index files even when they have not changed.
        replace: Let a file take over a document id that belongs to another file which is
            still there (the same name in another folder); without it such a file fails.

    Raises:
        ExtractionError: A path that matches nothing.
    """
    known = {r.doc_id: r for r in records if r.doc_id}
    files: list[PlannedFile] = []
    first: dict[str, PlannedFile] = {}
    for path in find_pdfs(paths):
        planned = _plan_file(path, known, fingerprint, force, replace)
        if planned.doc_id in first:
            planned = _same_id(planned, first[planned.doc_id])
        else:
            first[planned.doc_id] = planned
        files.append(planned)
    folders = scanned_folders(paths)
    removed = [record for doc_id, record in sorted(known.items())
               if doc_id not in first and _gone_from(record, folders)]
    return IngestionPlan(files, removed)


def _gone_from(record: DocumentRecord, folders: list[Path]) -> bool:
    """Whether the record's file was inside one of the folders and is no longer there."""
    source = record.source_path
    if not source:  # a record written before paths were kept: never removed by a scan
        return False
    path = Path(source)
    return any(path.is_relative_to(folder) for folder in folders) and not path.exists()
