"""Prefect at the edges: an ephemeral server that dies with its process, and no run left Running.

Without ``PREFECT_API_URL`` Prefect starts its own server in a child process
(``SubprocessASGIServer``) and stops it at exit, which ``kill -9`` skips: the child lived on,
re-parented, and the killed process's flow runs stayed ``Running`` for ever. Here:

- :func:`start_prefect` starts that server from the main thread with a parent-death signal
  (Linux ``prctl(PR_SET_PDEATHSIG)``): the kernel sends it SIGTERM when its parent dies, so it
  shuts down with the process, however the process ends;
- every flow run a docthrift process executes carries labels naming the process (host, pid
  and the process's start time, so a reused pid is not mistaken for it);
- at start, :func:`mark_crashed_runs` sets ``Crashed`` on the ``Running`` or ``Pending`` runs
  whose process is gone from this host.
"""

from __future__ import annotations

import ctypes
import functools
import logging
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from prefect import Flow
    from prefect.client.schemas.objects import FlowRun, State

log = logging.getLogger(__name__)

HOST_LABEL, PID_LABEL, START_LABEL = "docthrift.host", "docthrift.pid", "docthrift.process-start"
_PR_SET_PDEATHSIG = 1  # linux/prctl.h
F = TypeVar("F", bound="Flow[Any, Any]")


def start_prefect() -> None:
    """Start Prefect's ephemeral server now, bound to this process, then mark crashed runs.

    Call it from the main thread at an edge (CLI command, API start) before any flow runs:
    the parent-death signal follows the thread that starts the child. With
    ``PREFECT_API_URL`` set nothing is started.
    """
    from prefect.settings import PREFECT_API_URL

    if not PREFECT_API_URL.value():
        _bound_server().start()
    mark_crashed_runs()


def owner_labels() -> dict[str, Any]:
    """The labels that tie a flow run to this process."""
    labels: dict[str, Any] = {HOST_LABEL: socket.gethostname(), PID_LABEL: str(os.getpid())}
    started = _process_start(os.getpid())
    if started is not None:
        labels[START_LABEL] = started
    return labels


def label_owner(flow: Any, flow_run: FlowRun, state: State) -> None:
    """``on_running`` hook: label the run with the process that executes it."""
    label_run(flow_run.id)


def label_run(flow_run_id: Any) -> None:
    """Label a flow run with this process (see :func:`owner_labels`)."""
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        client.update_flow_run_labels(flow_run_id, owner_labels())


def owned(flow: F) -> F:
    """The flow, labelling each of its runs with the process that executes it."""
    return flow.with_options(on_running=[*flow.on_running_hooks, label_owner])  # type: ignore[return-value]


def mark_crashed_runs() -> int:
    """Set ``Crashed`` on this host's Running or Pending runs whose process is gone.

    Returns:
        How many runs were marked.
    """
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.states import Crashed

    unfinished = FlowRunFilter(state=FlowRunFilterState(type=FlowRunFilterStateType(
        any_=[StateType.RUNNING, StateType.PENDING])))
    marked = 0
    with get_client(sync_client=True) as client:
        for run in client.read_flow_runs(flow_run_filter=unfinished):
            labels = run.labels or {}
            if labels.get(HOST_LABEL) != socket.gethostname() or PID_LABEL not in labels:
                continue
            pid, started = int(labels[PID_LABEL]), labels.get(START_LABEL)
            if _alive(pid, None if started is None else str(started)):
                continue
            client.set_flow_run_state(run.id, Crashed(
                message=f"the process that ran it (pid {pid}) ended before the run finished"),
                force=True)
            log.info("flow run %s: marked crashed (its process %d is gone)", run.name, pid)
            marked += 1
    return marked


def _process_stat(pid: int) -> list[str] | None:
    """The fields of ``/proc/<pid>/stat`` after the command name, or None."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def _process_start(pid: int) -> str | None:
    stat = _process_stat(pid)
    return stat[19] if stat and len(stat) > 19 else None  # field 22: start time in ticks


def _alive(pid: int, started: str | None) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    stat = _process_stat(pid)
    if stat is None:  # no /proc: the signal test is all there is
        return True
    return stat[0] != "Z" and (started is None or stat[19] == started)


def _dies_with_parent() -> Callable[[], None] | None:
    """A ``preexec_fn`` that asks the kernel for SIGTERM when this process dies, or None.

    Only on Linux, and only from the main thread: the signal is sent when the thread that
    started the child ends, and for the main thread that is when the process ends.
    """
    if not sys.platform.startswith("linux") or threading.current_thread() is not threading.main_thread():
        return None
    parent = os.getpid()
    libc = ctypes.CDLL(None, use_errno=True)  # loaded here: nothing to import after the fork

    def preexec() -> None:
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the request: go now
            os._exit(1)

    return preexec


def _bound_server() -> Any:
    """Prefect's ephemeral server instance, started with a parent-death signal."""
    from prefect.server.api import server as prefect_server

    class BoundServer(prefect_server.SubprocessASGIServer):
        """Prefect's own command and environment; only the child's death signal is added."""

        def _run_uvicorn_command(self) -> Any:
            preexec = _dies_with_parent()
            if preexec is None:
                return super()._run_uvicorn_command()
            real = prefect_server.subprocess
            # Prefect calls subprocess.Popen through its module's global; for this one call,
            # the module sees a Popen that sets the signal.
            prefect_server.subprocess = SimpleNamespace(  # type: ignore[assignment]
                **{**vars(real), "Popen": functools.partial(real.Popen, preexec_fn=preexec)})
            try:
                return super()._run_uvicorn_command()
            finally:
                prefect_server.subprocess = real

    return BoundServer()  # the instance every Prefect client of this process then uses
