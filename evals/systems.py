"""The systems an evaluation compares, run on identical questions with one prompt template.

- ``baseline``: the question's whole document, document first, cut to the context window
  (``baseline@32k`` sets another window);
- ``docthrift``: the query path with its escalation ladder;
- ``naive-rag``: the FinanceBench paper's per-filing vector store (``evals/naive_rag.py``).

Every system is told the question's document, as the whole-document baseline must be. With a
model configured each system's prompt is sent and ``usage`` gives the tokens; without one the
same prompt is counted with the same counter and no answer is made up.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

from answering.answering import QueryService, answer_with_prompt
from core.errors import ConfigError
from core.llm import LLM, Usage, cost_usd
from core.models import DocumentRecord
from core.prompting import (
    count_message_tokens,
    metadata_header,
    render_messages,
    stable_prefix_tokens,
)
from evals.judge import judge_answer
from evals.models import EvalQuestion, SystemAnswer
from evals.naive_rag import naive_context
from evals.scoring import answer_correct, evidence_hit_all, evidence_hit_any

KINDS = ("baseline", "docthrift", "naive-rag")
_WINDOW = re.compile(r"^(\d+)(k?)$", re.IGNORECASE)


@dataclass(frozen=True)
class SystemSpec:
    """A system to run: its kind and, for the baseline, its context window."""

    name: str
    kind: str
    window: int | None = None


@dataclass(frozen=True)
class Prompted:
    """What a system would send: its messages, the pages they hold, and their tokens."""

    messages: list[dict[str, str]]
    pages: list[int]
    context_tokens: int
    prompt_tokens: int
    stable_tokens: int  # the leading tokens every question about the document shares
    truncated: bool = False


def parse_systems(text: str, default_window: int) -> list[SystemSpec]:
    """Parse ``baseline,baseline@32k,docthrift,naive-rag`` into specs (order kept)."""
    specs: list[SystemSpec] = []
    for raw in (part.strip() for part in text.split(",")):
        if not raw:
            continue
        kind, _, window = raw.partition("@")
        if kind not in KINDS:
            raise ConfigError(f"--systems: unknown system {raw!r}; choose from {', '.join(KINDS)} "
                              "(baseline@32k sets the baseline's context window)")
        if window and kind != "baseline":
            raise ConfigError(f"--systems: {raw!r}: only the baseline takes a window (@32k)")
        size = _window(window, raw) if window else (default_window if kind == "baseline" else None)
        specs.append(SystemSpec(name=raw, kind=kind, window=size))
    if not specs:
        raise ConfigError("--systems: name at least one system")
    if len({s.name for s in specs}) != len(specs):
        raise ConfigError(f"--systems: a system is named twice in {text!r}")
    return specs


def _window(text: str, raw: str) -> int:
    match = _WINDOW.match(text)
    if not match:
        raise ConfigError(f"--systems: {raw!r}: a window is a number of tokens such as 32k or 32000")
    return int(match.group(1)) * (1000 if match.group(2) else 1)


@dataclass
class Runner:
    """What every system needs, built once per evaluation."""

    service: QueryService
    budget: int
    judge: LLM | None = None
    model: str = "gpt-4o-mini"  # priced when no model answered (the prompt's input cost)

    @property
    def llm(self) -> LLM | None:
        return self.service.llm

    def record(self, doc_id: str) -> DocumentRecord:
        record = self.service.index.get_document(doc_id)
        if record is None:
            raise ConfigError(f"{doc_id}: not in the index; ingest its PDF or pass --docs")
        return record

    def run(self, spec: SystemSpec, question: EvalQuestion) -> SystemAnswer:
        """Run one system on one question and score it."""
        with self.service.index.reading():
            return self._run(spec, question)

    def _run(self, spec: SystemSpec, question: EvalQuestion) -> SystemAnswer:
        started = time.perf_counter()
        if spec.kind == "docthrift":
            answer, usage, route, prompted = self._docthrift(question)
        else:
            prompted = self._prompt(spec, question)
            answer, usage = self._answer(prompted)
            route = [spec.kind]
        latency = (time.perf_counter() - started) * 1000
        return self._scored(spec, question, prompted, answer, usage, route, latency)

    def _prompt(self, spec: SystemSpec, question: EvalQuestion) -> Prompted:
        record = self.record(question.doc_id)
        header = metadata_header([record])
        if spec.kind == "baseline":
            whole = self.service.whole(question.question, [record], window=spec.window)
            return Prompted(render_messages(question.question, header, "", whole.reference),
                            whole.pages.get(question.doc_id, []), whole.context_tokens,
                            whole.prompt_tokens, whole.stable_tokens, whole.truncated)
        text, pages, tokens = naive_context(self.service.index, self.service.embedder,
                                            question.question, record, self.budget)
        messages = render_messages(question.question, header, text)
        return Prompted(messages, pages, tokens, count_message_tokens(messages),
                        stable_prefix_tokens(messages))

    def _answer(self, prompted: Prompted) -> tuple[str | None, Usage]:
        if self.llm is None:
            return None, Usage()
        reply = self.llm.chat_text(prompted.messages)
        return reply.text, reply.usage

    def _docthrift(self, question: EvalQuestion) -> tuple[str | None, Usage, list[str], Prompted]:
        # The service's own budgets: the budget, or the card's when a card leads the prompt.
        result, prompt = answer_with_prompt(self.service, question.question,
                                            doc_id=question.doc_id,
                                            retrieve_only=self.llm is None)
        pages = sorted({p for c in result.citations if c.doc_id == question.doc_id for p in c.pages})
        messages = prompt.messages if prompt else []
        usage = Usage(prompt_tokens=result.usage.prompt_tokens,
                      cached_tokens=result.usage.cached_tokens,
                      completion_tokens=result.usage.completion_tokens,
                      calls=sum(1 for s in result.route if s.prompt_tokens))
        answer = result.answer if self.llm is not None else None
        return answer, usage, [s.step for s in result.route], Prompted(
            messages, pages, result.usage.context_tokens,
            count_message_tokens(messages) if messages else 0,
            prompt.stable_tokens if prompt else 0)

    def _scored(self, spec: SystemSpec, question: EvalQuestion, prompted: Prompted,
                answer: str | None, usage: Usage, route: list[str], latency: float) -> SystemAnswer:
        answered = self.llm is not None
        prompt = usage.prompt_tokens if answered else prompted.prompt_tokens
        completion = usage.completion_tokens if answered else 0
        spent = usage if answered else Usage(prompt_tokens=prompt, calls=1 if prompt else 0)
        judged, judge_tokens = None, 0
        if self.judge is not None and answer is not None:
            judged, judge_usage = judge_answer(self.judge, question.question, question.answer, answer)
            judge_tokens = judge_usage.total_tokens
        return SystemAnswer(
            system=spec.name, question_id=question.id, answer=answer, route=route,
            context_pages=prompted.pages, context_tokens=prompted.context_tokens,
            prompt_tokens=prompt, cached_tokens=spent.cached_tokens,
            stable_prefix_tokens=prompted.stable_tokens, calls=spent.calls,
            completion_tokens=completion, total_tokens=prompt + completion,
            cost_usd=cost_usd(spent, self.llm.model if self.llm else self.model,
                              self.service.prices),
            latency_ms=round(latency, 1), truncated=prompted.truncated,
            evidence_all=evidence_hit_all(question.evidence_pages, prompted.pages),
            evidence_any=evidence_hit_any(question.evidence_pages, prompted.pages),
            correct=answer_correct(question.answer, answer), judged_correct=judged,
            judge_tokens=judge_tokens,
        )


def pdf_paths(docs: Path | None, doc_ids: set[str]) -> dict[str, Path]:
    """The PDF of each wanted document under ``docs`` (by document id)."""
    from extractors.pdf import doc_id_from_path
    from extractors.sources import find_pdfs

    if docs is None:
        return {}
    return {doc_id_from_path(p): p for p in find_pdfs([str(docs)]) if doc_id_from_path(p) in doc_ids}
