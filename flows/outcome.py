"""A flow run's final state says what happened; whoever started the run still gets its result.

A run can finish its work and still have a bad outcome: an ingestion in which documents
failed, an evaluation whose release gate failed. Such a run returns Prefect's ``Failed`` state
(:func:`finish`), so the Prefect UI shows it red and automations on failed runs fire, with a
one-line account as the state message ("2 added, 1 failed (bad.pdf: not a PDF file)"). A good
outcome returns ``Completed`` with the same kind of message.

The result (the ingestion summary, the evaluation report) travels inside the failed state as a
:class:`FailedOutcome` exception, the way Prefect carries a raised exception. So:

- calling the flow directly raises :class:`FailedOutcome` (a :class:`DocthriftError` whose
  ``result`` is the summary or report), never Prefect's ``TypeError`` about a state it cannot
  turn into an exception;
- an edge that wants the result either way calls the flow with ``return_state=True`` and reads
  it with :func:`result_of`, which gives the result of a good or a bad outcome and raises the
  exception of a run that broke.
"""

from __future__ import annotations

from typing import Any, TypeVar

from prefect.client.schemas.objects import State
from prefect.states import Completed, Failed

from docthrift.errors import DocthriftError

T = TypeVar("T")


class FailedOutcome(DocthriftError):
    """A run finished its work with a bad outcome; ``result`` holds what it produced."""

    def __init__(self, message: str, result: Any) -> None:
        super().__init__(message)
        self.result = result

    def __reduce__(self) -> tuple[Any, ...]:
        # Prefect pickles a state's data when results are persisted: keep the result.
        return (type(self), (str(self), self.result))


def finish(result: T, message: str, *, failed: bool) -> State[T]:
    """The final state a flow returns: Completed with ``result``, or Failed carrying it.

    Args:
        result: What the run produced (returned to the caller either way).
        message: One line for the Prefect UI: counts, verdict, reasons.
        failed: Whether the outcome is a failure (documents failed, the gate failed).
    """
    if failed:
        return Failed(message=message, data=FailedOutcome(message, result))
    return Completed(message=message, data=result)


def result_of(state: State[Any], kind: type[T]) -> T:
    """The result of a finished run, whether its outcome was good or bad.

    Args:
        state: The run's final state (``flow(..., return_state=True)``).
        kind: The type the flow returns, checked.

    Raises:
        Exception: The run broke (an exception in the flow, a crash, a cancellation): its
            exception, as calling the flow directly would have raised it.
    """
    value = state.result(raise_on_failure=False)  # type: ignore[call-overload]
    if isinstance(value, FailedOutcome):
        value = value.result
    elif isinstance(value, BaseException):
        raise value
    if not isinstance(value, kind):
        raise TypeError(f"the run returned {type(value).__name__}, not {kind.__name__}")
    return value
