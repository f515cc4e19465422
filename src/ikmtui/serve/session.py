"""One browser tab's app process: started directly (no shell) in a session of its own, so a ctrl+c in the server's
terminal does not reach it behind the server's back, and ended in order.

Ending loses nothing, within seconds: the app is asked to quit (Textual's ``quit`` message: it exits between two
event handlers, so a save in progress, a synchronous journal append, completes first), is sent SIGTERM if still
running after a grace period and SIGKILL after a second one. A flooded or stuck app cannot hold the server: its
quit waits behind every key it was sent. SIGKILL loses no saved record (a transaction is one journal line); only
text typed into an open form is lost. Each app learns its browser's address (``IKMTUI_REMOTE_ADDR``): sign-in
throttling counts per address.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shlex
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from textual_serve.app_service import AppService

log = logging.getLogger("ikmtui.serve")

#: The module a tab's process runs (``python -m``): the app with Textual's web driver.
TAB_MODULE = "ikmtui.serve.tab"
#: Seconds an app gets to quit on its own before it is sent SIGTERM (a save takes milliseconds; an app quits
#: in well under a second).
QUIT_GRACE = 3.0
#: Seconds after SIGTERM before SIGKILL: with the quit grace, the bound on ending one tab or the whole server.
TERM_GRACE = 1.5
#: Seconds to wait for a browser to take a closing handshake or a screen update before its connection is cut.
CLOSE_SECONDS = 2.0
BROWSER_WRITE_SECONDS = 30.0
#: The environment variable that tells a tab's app its browser's address.
REMOTE_ADDR_ENV = "IKMTUI_REMOTE_ADDR"


def session_command(db: Path, lang: str, user: str, poll_seconds: float | None = None) -> list[str]:
    """The command that runs one browser tab's app."""
    argv = [sys.executable, "-m", TAB_MODULE, "--db", str(db), "--lang", lang, "--user", user]
    if poll_seconds is not None:
        argv += ["--poll", str(poll_seconds)]
    return argv


class Session(AppService):
    """One browser tab: one app process, started directly (no shell) in a session of its own."""

    def __init__(
        self,
        argv: Sequence[str],
        number: int,
        *,
        remote: str = "",
        quit_grace: float = QUIT_GRACE,
        term_grace: float = TERM_GRACE,
        **kwargs: Any,
    ) -> None:
        super().__init__(shlex.join(argv), **kwargs)
        self.argv = list(argv)
        self.number = number
        self.remote = remote
        self.quit_grace = quit_grace
        self.term_grace = term_grace
        self.returncode: int | None = None
        self.ending = "quit"
        self._stopping: asyncio.Future[None] | None = None

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width=width, height=height)
        environment[REMOTE_ADDR_ENV] = self.remote or "unknown"  # never inherited from the server's own
        return environment

    async def _open_app_process(self, width: int = 80, height: int = 24) -> asyncio.subprocess.Process:
        environment = self._build_environment(width=width, height=height)
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=environment,
            start_new_session=True,  # the terminal's ctrl+c goes to the server, which ends the apps in order
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    async def on_data(self, payload: bytes) -> None:
        # Keep draining the app's output even when the browser has gone: an app blocked on a full pipe could
        # not finish quitting. A browser that takes nothing in for long has its connection cut.
        try:
            await asyncio.wait_for(self.remote_write_bytes(payload), BROWSER_WRITE_SECONDS)
        except TimeoutError:
            log.warning("session %s: the browser took no screen update for %s s", self.number, BROWSER_WRITE_SECONDS)
            with contextlib.suppress(ConnectionError, RuntimeError):
                await self.remote_close()
        except (ConnectionError, RuntimeError):
            pass

    async def run(self) -> None:
        await super().run()  # returns when the app's output ends: it quit, or it could not start
        with contextlib.suppress(ConnectionError, RuntimeError):
            await self.remote_close()  # the page then shows "session ended" instead of waiting forever

    async def stop(self) -> None:
        """End the app in order and wait for it; safe to call from several places at once."""
        if self._task is None and self._stopping is None:
            return
        if self._stopping is None:
            self._stopping = asyncio.ensure_future(self._stop())
        await asyncio.shield(self._stopping)

    async def _stop(self) -> None:
        """quit, then SIGTERM, then SIGKILL: at most ``quit_grace + term_grace`` seconds."""
        process = self._process
        assert process is not None
        await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
        if process.returncode is None and not await self._quit(self.quit_grace):
            self.signal(signal.SIGTERM)
            if not await self._exited(self.term_grace):
                self.signal(signal.SIGKILL)
        await process.wait()
        if self._task is not None:
            try:  # the rest of the app's output, up to its end, unless the browser does not take it
                await asyncio.wait_for(asyncio.shield(self._task), CLOSE_SECONDS)
            except TimeoutError:
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
            self._task = None
        self.returncode = process.returncode

    async def _quit(self, seconds: float) -> bool:
        """Ask the app to quit and wait for it; the request itself may wait on an app that reads no input."""
        assert self._process is not None
        process = self._process

        async def quit_and_wait() -> None:
            await self.send_meta({"type": "quit"})
            await process.wait()

        try:
            await asyncio.wait_for(quit_and_wait(), seconds)
        except TimeoutError:
            return False
        return True

    async def _exited(self, seconds: float) -> bool:
        assert self._process is not None
        try:
            await asyncio.wait_for(asyncio.shield(self._process.wait()), seconds)
        except TimeoutError:
            return False
        return True

    def signal(self, signum: int) -> None:
        if self._process is not None and self._process.returncode is None:
            self.ending = signal.Signals(signum).name
            with contextlib.suppress(ProcessLookupError):
                self._process.send_signal(signum)
