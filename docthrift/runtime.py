"""Process set-up at an edge: quiet, offline-safe defaults for Prefect and Hugging Face.

Called by the CLI and the API before Prefect is imported; values already in the environment
win, so a user's ``PREFECT_API_URL`` or ``PREFECT_HOME`` is respected.
"""

from __future__ import annotations

import os

from docthrift.settings import Settings


def prepare_environment(settings: Settings, *, verbose: bool = False,
                        quiet_failures: bool = False) -> None:
    """Point Prefect's home into DOCTHRIFT_HOME and switch off network-bound extras.

    Flow runs log at INFO to the Prefect API (a line a document, shown in the Prefect UI),
    task runs their warnings and errors; the console shows warnings and errors only.
    ``verbose`` shows everything, task runs' INFO lines included.
    ``quiet_failures`` keeps Prefect's tracebacks of a failed run off the console (they still
    reach the Prefect API's logs), for one-shot commands that report failures themselves.
    """
    settings.home.mkdir(parents=True, exist_ok=True)
    defaults = {
        "PREFECT_HOME": str(settings.prefect_home.resolve()),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
        "PREFECT_LOGGING_LEVEL": "INFO",
        "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "INFO" if verbose else "WARNING",
        # Task runs' INFO lines (each step's progress and Prefect's "Finished in state
        # Completed()", about ten a document) stay out of the Prefect UI unless verbose: the
        # flow logs the line that matters; warnings, errors and tracebacks still show.
        "PREFECT_LOGGING_LOGGERS_PREFECT_TASK_RUNS_LEVEL": "INFO" if verbose else "WARNING",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
        "TRANSFORMERS_VERBOSITY": "error",
        "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    }
    if quiet_failures and not verbose:
        defaults["PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"] = "CRITICAL"
    for key, value in defaults.items():
        os.environ.setdefault(key, value)
