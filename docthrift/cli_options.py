"""What the CLI's commands share: the consoles, the common options, settings from them."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from core.settings import Settings, load_settings

out = Console()
err = Console(stderr=True)

HomeOption = Annotated[
    Path | None, typer.Option("--home", help="Data folder (default: $DOCTHRIFT_HOME or .docthrift).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
SourceOption = Annotated[Path | None, typer.Option(
    "--source", help="Folder of PDFs that scheduled ingestion reads "
    "(default: $DOCTHRIFT_SOURCE_DIR).")]


def absolute(path: str) -> str:
    """``path`` made absolute (glob characters kept), as flow runs store it for reruns."""
    return os.path.abspath(os.path.expanduser(path))


def print_json(data: Any) -> None:
    """``data`` as indented JSON on stdout."""
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def settings_for(home: Path | None, verbose: bool = False, source: Path | None = None,
                 quiet_failures: bool = False) -> Settings:
    """Settings from the command's options and the environment; the process set up for them."""
    from docthrift.runtime import prepare_environment

    settings = load_settings(home=home, source_dir=source)
    prepare_environment(settings, verbose=verbose, quiet_failures=quiet_failures)
    return settings
