"""``docthrift index``: move, copy and tune the index (migrate, copy, optimize)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from docthrift.errors import DocthriftError

index_app = typer.Typer(
    name="index",
    help="Move, copy and tune the index.\n\n"
    "Examples:\n\n"
    "  docthrift index migrate\n\n"
    "  docthrift index copy --to http://qdrant:6333\n\n"
    "  docthrift index optimize",
    no_args_is_help=True,
)
out = Console()
err = Console(stderr=True)

HomeOption = Annotated[
    Path | None, typer.Option("--home", help="Data folder (default: $DOCTHRIFT_HOME or .docthrift).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


class _Counter:
    """A spinner with a running count per part, on stderr when it is a terminal."""

    def __init__(self, enabled: bool) -> None:
        self.bar = Progress(SpinnerColumn(), TextColumn("{task.description}: {task.completed:,}"),
                            TimeElapsedColumn(), console=err, transient=True,
                            disable=not enabled)
        self.tasks: dict[str, object] = {}

    def __call__(self, part: str, count: int) -> None:
        if part not in self.tasks:
            self.tasks[part] = self.bar.add_task(part, total=None)
        self.bar.advance(self.tasks[part], count)  # type: ignore[arg-type]


@index_app.command(epilog="Example: docthrift index migrate --home .docthrift")
def migrate(home: HomeOption = None, as_json: JsonOption = False) -> None:
    """Convert an index written by an earlier docthrift (local mode), in place.

    Vectors are moved as they are: nothing is extracted or embedded again. The old files are
    kept aside in <folder>/local-mode-backup until you delete them.
    """
    from docthrift.cli import _print_json, _settings
    from indexes.legacy import migrate_local_mode

    settings = _settings(home)
    counter = _Counter(enabled=not as_json and sys.stderr.isatty())
    with counter.bar:
        result = migrate_local_mode(settings.local_qdrant_path.resolve(), progress=counter)
    if as_json:
        _print_json({"moved": result.moved, "backup": str(result.backup) if result.backup else None})
        return
    for collection, parts in result.moved.items():
        shown = ", ".join(f"{n:,} {part}" for part, n in parts.items())
        out.print(f"{collection}: {shown}", highlight=False)
    if result.backup:
        out.print(f"The old files are in {result.backup}; delete it once the index answers as "
                  "before.", highlight=False)


@index_app.command(epilog="Examples:\n\n  docthrift index copy --to http://qdrant:6333\n\n"
                   "  QDRANT_TARGET_KEY=... docthrift index copy --to https://xyz.cloud.qdrant.io "
                   "--collection filings")
def copy(
    to: Annotated[str, typer.Option("--to", help="URL of the Qdrant server to copy to.")],
    api_key: Annotated[str | None, typer.Option(
        "--api-key", envvar="QDRANT_TARGET_KEY",
        help="API key of that server (default: $QDRANT_TARGET_KEY).")] = None,
    collection: Annotated[str | None, typer.Option(
        "--collection", help="Collection on the server (default: the same name).")] = None,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Copy the embedded index to a Qdrant server (then use it with QDRANT_URL).

    Every chunk with its vectors, every record and the naive-rag passages, with the same ids;
    copying again replaces the same points.
    """
    from qdrant_client import QdrantClient

    from docthrift.cli import _print_json, _settings
    from indexes import store
    from indexes.server_store import ServerIndex
    from indexes.transfer import copy_index

    settings = _settings(home)
    if settings.qdrant_url:
        raise DocthriftError("copy reads the embedded index, but QDRANT_URL is set; unset it "
                             "(the server to copy to is --to)")
    source = store.get_index(settings)
    name = collection or settings.collection
    try:
        target = ServerIndex(QdrantClient(url=to, api_key=api_key, timeout=60), name, to)
    except DocthriftError:
        raise
    except Exception as exc:
        raise DocthriftError(f"--to {to}: cannot reach the Qdrant server ({exc})") from exc
    counter = _Counter(enabled=not as_json and sys.stderr.isatty())
    with counter.bar:
        copied = copy_index(source, target, progress=counter)
    target.close()
    if as_json:
        _print_json({"to": to, "collection": name, **copied})
        return
    out.print(f"Copied {copied['documents']:,} documents, {copied['chunks']:,} chunks and "
              f"{copied['passages']:,} naive-rag passages to {to} (collection {name!r}).",
              highlight=False)
    out.print(f"Use it: export QDRANT_URL={to}"
              + (f" DOCTHRIFT_COLLECTION={name}" if name != settings.collection else ""),
              highlight=False)


@index_app.command(epilog="Example: docthrift index optimize --home /data/docthrift")
def optimize(home: HomeOption = None) -> None:
    """Build HNSW graphs for approximate search on a large embedded index.

    Blocks until built. Search is exact until then, and exact is fast up to a few hundred
    thousand chunks: see the README's figures for when HNSW pays.
    """
    from docthrift.cli import _settings
    from indexes import store

    settings = _settings(home)
    index = store.get_index(settings)
    err.print(f"Building the search index of {index.location}; this can take minutes")
    out.print(index.optimize(), highlight=False)
