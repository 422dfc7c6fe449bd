"""The optional LLM judge: does a model's answer agree with the gold answer?

Its tokens are returned apart from the answer's, so the report counts them separately from
what the systems spent.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from core.llm import LLM, Usage

JUDGE_INSTRUCTIONS = (
    "You are a judge. Compare a model's answer to a question about a business document with "
    "the gold answer. The answer is correct when it states the same facts and conclusion as "
    "the gold answer. Numbers count as equal when they agree within rounding or are the same "
    "figure in another unit or scale (e.g. $1,577 million and $1.58 billion). Extra detail "
    "that is correct is fine. A refusal, or a reply saying the information is not available, "
    "is incorrect. Reply with JSON: correct (true or false) and a one-sentence reason."
)


class JudgeVerdict(BaseModel):
    """The judge's reply."""

    correct: bool = Field(description="Whether the answer agrees with the gold answer.")
    reason: str = Field(description="One sentence saying why.")


def judge_answer(llm: LLM, question: str, gold: str, answer: str) -> tuple[bool, Usage]:
    """Ask the LLM whether ``answer`` agrees with ``gold``.

    Args:
        llm: The configured client; any OpenAI-compatible model.
        question: The question that was asked.
        gold: The dataset's gold answer.
        answer: The model's answer to judge.

    Returns:
        The verdict and the judge's own token usage (every call it made).

    Raises:
        core.errors.AnswerError: The endpoint failed or twice sent an unusable reply.
    """
    messages = [
        {"role": "system", "content": JUDGE_INSTRUCTIONS},
        {"role": "user", "content": f"Question: {question}\n\nGold answer: {gold}\n\n"
                                    f"Answer to judge: {answer}"},
    ]
    verdict, usage = llm.chat_model(messages, JudgeVerdict, max_tokens=256)
    return verdict.correct, usage
