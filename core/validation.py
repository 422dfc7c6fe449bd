"""Checks of user input shared by the CLI and the API, with messages that say what to fix."""

from __future__ import annotations

from core.errors import RetrievalError
from core.settings import Settings

MIN_BUDGET = 200
MAX_BUDGET = 100_000


def check_question(question: str, budget: int | None, settings: Settings) -> None:
    """Reject an empty or over-long question and a budget out of range."""
    if not question or not question.strip():
        raise RetrievalError("the question is empty; ask something about your documents")
    if len(question) > settings.max_question_chars:
        raise RetrievalError(
            f"the question is {len(question)} characters long; the limit is "
            f"{settings.max_question_chars} (DOCTHRIFT_MAX_QUESTION_CHARS)"
        )
    if budget is not None and not MIN_BUDGET <= budget <= MAX_BUDGET:
        raise RetrievalError(f"budget {budget} is out of range; use {MIN_BUDGET} to {MAX_BUDGET} tokens")
