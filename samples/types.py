"""Shapes shared by the sample text modules."""

from __future__ import annotations

Paragraphs = tuple[str, ...]
Block = tuple[str, str, str]
