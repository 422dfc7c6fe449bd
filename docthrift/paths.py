"""Paths as text a person or a JSON reader can take, whatever bytes their names hold.

A file name on Linux is bytes; Python hands one that is not UTF-8 over with surrogate
escapes, which no UTF-8 writer (a terminal, JSON, an HTTP body, Prefect's API) accepts.
"""

from __future__ import annotations

import os
from pathlib import Path


def shown(path: Path | str) -> str:
    """The path as valid text: bytes that are not UTF-8 written as ``\\xNN`` escapes.

    A path that is valid UTF-8 comes back unchanged, so this is also the form in which
    docthrift stores a file's path.
    """
    return os.fsencode(path).decode("utf-8", "backslashreplace")
