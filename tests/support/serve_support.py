"""Helpers for the ``ikmtui serve`` tests: the server as a subprocess, and tabs that read what the app draws.

A tab's screen is read from the terminal output the server sends over the websocket (escape sequences removed):
text drawn in one style arrives in one piece, so a record code or a label can be found in it.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78]")
URL = re.compile(r"http://127\.0\.0\.1:(\d+)/")


class TerminalScreen:
    """What a terminal shows after the app's output: characters and their colours, cell by cell.

    Textual draws with cursor moves (CSI row;col H), colours (CSI ... m) and text; that is all this follows, which
    is enough to read a screen the way an officer does: a label, the field beside it, which field has the focus.
    """

    COMPLETE = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[^\[\]]")
    TOKEN = re.compile(rb"\x1b\[([0-?]*)([ -/]*)([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b.|[\r\n]|[^\x1b\r\n]+")

    def __init__(self, width: int = 400, height: int = 150) -> None:
        self.width, self.height = width, height
        self.chars = [[" "] * width for _ in range(height)]
        self.colors: list[list[str]] = [[""] * width for _ in range(height)]
        self.row = self.col = 0
        self.fg = ""
        self.cursor = (0, 0)  # where the app left the cursor after its last frame: the focused input's caret
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._pending = b""
        self._lines: list[str] | None = None

    def feed(self, data: bytes) -> None:
        data = self._pending + data
        cut = data.rfind(b"\x1b")  # an escape sequence split between two chunks waits for the next one
        if cut >= 0 and not self.COMPLETE.match(data, cut):
            data, self._pending = data[:cut], data[cut:]
        else:
            self._pending = b""
        for match in self.TOKEN.finditer(data):
            token = match.group(0)
            if match.group(3) == b"H":
                row, _sep, col = match.group(1).partition(b";")
                self.row, self.col = int(row or 1) - 1, int(col or 1) - 1
                self.cursor = (self.row, self.col)
            elif match.group(3) == b"m":
                self._colour(match.group(1).decode())
            elif token == b"\r":
                self.col = 0
            elif token == b"\n":
                self.row += 1
            elif not token.startswith(b"\x1b"):
                self._put(self._decoder.decode(token))
        self._lines = None

    def _put(self, text: str) -> None:
        from rich.cells import get_character_cell_size

        if not 0 <= self.row < self.height:
            return
        chars, colors = self.chars[self.row], self.colors[self.row]
        if text.isascii():  # the common case: one cell per character
            end = min(self.col + len(text), self.width)
            if self.col < end:
                chars[self.col : end] = text[: end - self.col]
                colors[self.col : end] = [self.fg] * (end - self.col)
            self.col += len(text)
            return
        for char in text:
            width = get_character_cell_size(char)
            if 0 <= self.col < self.width and width:
                chars[self.col] = char
                colors[self.col] = self.fg
            self.col += width

    def _colour(self, params: str) -> None:
        values = params.split(";") if params else ["0"]
        i = 0
        while i < len(values):
            if values[i] in ("0", "", "39"):
                self.fg = ""
            elif values[i] == "38" and i + 1 < len(values):
                size = 4 if values[i + 1] == "2" else 2
                self.fg = ";".join(values[i + 1 : i + size + 1])
                i += size
            elif values[i] == "48" and i + 1 < len(values):
                i += 4 if values[i + 1] == "2" else 2
            i += 1

    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = ["".join(row).rstrip() for row in self.chars]
        return self._lines

    def text(self) -> str:
        return "\n".join(line for line in self.lines() if line)


def screen_text(chunks: list[bytes]) -> str:
    return ESCAPES.sub(b"", b"".join(chunks)).decode("utf-8", "replace")


def wait_until(condition: Callable[[], object], timeout: float, what: str, step: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(step)


class ServerProcess:
    """``ikmtui serve`` on a free loopback port; its output is collected line by line."""

    def __init__(self, db: Path, *extra: str, lang: str = "id", env: dict[str, str] | None = None) -> None:
        argv = [
            sys.executable,
            "-m",
            "ikmtui",
            "serve",
            "--db",
            str(db),
            "--port",
            "0",
            "--lang",
            lang,
            "--user",
            "tester",
            *extra,
        ]
        self.proc = subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.port = 0
        try:
            wait_until(lambda: self._port() or self.proc.poll() is not None, 30, "the server to listen")
        except AssertionError:
            self.close()
            raise
        if not self.port:
            self.close()
            raise AssertionError("the server did not start:\n" + self.output)

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def _port(self) -> int:
        for line in list(self.lines):
            if match := URL.search(line):
                self.port = int(match.group(1))
        return self.port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def interrupt(self, timeout: float = 60) -> int:
        """ctrl+c, as in the terminal that started it; returns the exit status once it has stopped."""
        self.proc.send_signal(signal.SIGINT)
        code = self.proc.wait(timeout)
        self._reader.join(5)
        return code

    def close(self) -> None:
        """Teardown only: stop it if a failed test left it running."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@contextlib.contextmanager
def running_server(db: Path, *extra: str, lang: str = "id") -> Iterator[ServerProcess]:
    server = ServerProcess(db, *extra, lang=lang)
    try:
        yield server
    finally:
        server.close()


def session_pids(output: str) -> list[int]:
    return [int(pid) for pid in re.findall(r"\((?:proses|process) (\d+)\)", output)]


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


class SocketTab:
    """A tab without a browser: a websocket client that sends keys and keeps what the app draws."""

    def __init__(self, ws: object, server: ServerProcess | None = None) -> None:
        self.ws = ws
        self.server = server
        self.chunks: list[bytes] = []
        self.messages: list[str] = []  # JSON text from the server, e.g. ["deliver_file_start", key]
        self.closed = asyncio.Event()
        self._task = asyncio.create_task(self._receive())

    async def _receive(self) -> None:
        import aiohttp

        async for message in self.ws:  # type: ignore[attr-defined]
            if message.type == aiohttp.WSMsgType.BINARY:
                self.chunks.append(message.data)
            elif message.type == aiohttp.WSMsgType.TEXT:
                self.messages.append(message.data)
        self.closed.set()

    def text(self, since: int = 0) -> str:
        return screen_text(self.chunks[since:])

    async def wait_for(self, needle: str, timeout: float = 60, since: int = 0) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.text(since):
            if self.closed.is_set() or time.monotonic() > deadline:
                why = "the session ended" if self.closed.is_set() else f"{timeout} s"
                log = self.server.output if self.server else ""
                raise AssertionError(f"{needle!r} not on screen ({why}):\n{self.text(since)[-3000:]}\n{log}")
            await asyncio.sleep(0.05)

    async def keys(self, text: str) -> None:
        await self.ws.send_json(["stdin", text])  # type: ignore[attr-defined]
