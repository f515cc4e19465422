"""When did the user see it: the moment the app hands a frame to the terminal, as measured in headless runs.

A pilot's ``press`` and ``pause`` wait until the process looks idle (in steps of 20 ms, up to a second while a
background worker keeps a CPU busy), so timing them measures the test harness. Instead, :class:`FrameClock`
wraps the app's ``_display`` (called with each composed frame, headless or not) and notes the first frame
after which a condition on the app holds.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from textual.app import App


class FrameClock:
    """Times from a start until the first frame shown once ``ready(app)`` holds."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self._ready: Callable[[App[Any]], bool] | None = None
        self._at: float | None = None
        self.cpu_at = 0.0  # the process's CPU time when the expected frame was shown
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            shown, cpu = time.perf_counter(), time.process_time()  # before the check, which takes time too
            if renderable is not None and self._ready is not None and self._at is None and self._ready(app):
                self._at, self.cpu_at = shown, cpu

        app._display = display  # type: ignore[method-assign]

    def expect(self, ready: Callable[[App[Any]], bool]) -> None:
        """Watch frames for ``ready`` from now on (call before the key press that should lead to it)."""
        self._ready, self._at = ready, None

    async def seen(self, since: float, timeout: float = 120.0) -> float:
        """Seconds from ``since`` to the first frame after which the expected condition held."""
        deadline = time.perf_counter() + timeout
        while self._at is None:
            if time.perf_counter() > deadline:
                raise TimeoutError("the expected frame was never shown")
            await asyncio.sleep(0.0005)
        return self._at - since
