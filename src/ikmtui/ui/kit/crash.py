"""An app that crashes says so in one line and exits non-zero; its traceback goes to the error log.

Textual catches an unhandled error inside the app, exits with return code 1 and prints a full traceback (with
local variables: records) over the terminal. Here the traceback goes to :mod:`ikmtui.errorlog` instead, and
the officer reads one line naming the file.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from textual.app import App

from ikmtui import errorlog


def run_logged(app: App[Any]) -> int:
    """Run ``app``; its exit code: 0, or non-zero after an unhandled error (logged, one line on stderr)."""
    logged: list[tuple[BaseException, Path | None]] = []
    handle = app._handle_exception  # Textual 8.2 (pinned): every unhandled error of the app passes here

    def log_it(error: Exception) -> None:
        if not logged:  # the first one: what follows it is usually its consequence
            logged.append((error, errorlog.record(error)))
        handle(error)
        app._exit_renderables.clear()  # the traceback is in the log, not over the officer's terminal

    app._handle_exception = log_it  # type: ignore[method-assign]
    app.run()
    if logged:
        print(errorlog.one_line(*logged[0]), file=sys.stderr)
    return app.return_code or (1 if logged else 0)
