"""``ikmtui serve``: the application in web browsers, one app process per browser tab, all on one database file.

Built on textual-serve: the browser shows a terminal (xterm.js) that talks over a websocket to this server, and
the server starts ``python -m ikmtui.serve.tab`` for each connection with Textual's web driver. What this module adds:

* **Shutdown that loses nothing, within seconds.** On ctrl+c (SIGINT) or SIGTERM the server stops accepting tabs,
  asks every app to quit (Textual's ``quit`` message: the app exits between two event handlers, so a save in
  progress, a synchronous journal append, completes first), sends SIGTERM to those still running after a grace
  period and SIGKILL after a second one, and waits for every process to end before it exits. A flooded or stuck
  app cannot hold the server: its quit waits behind every key it was sent. SIGKILL loses no saved record (a
  transaction is one journal line); only text typed into an open form is lost. App processes run in their own
  session, so a ctrl+c in the server's terminal does not reach them behind the server's back.
* **Bounded tabs.** At most ``max_tabs`` tabs at once, ``max_tabs_per_address`` from one address (each tab is an
  app process holding the database in memory); a refused tab is told why. Each tab's input is rate-limited
  (bytes and messages per second, excess dropped; a tab that keeps flooding is closed), and a tab's app ends
  when its websocket ends.
* **A page that needs nothing from the internet** (the office network may have none) and finds its websocket from
  the address the browser used, so it works on localhost, on the office network and behind a TLS proxy. Its
  "Upload spreadsheet" button hands a file to the server (``POST /upload``, into the database's uploads folder):
  a browser's import reads only from there, never from the server's own folders.
* **Browser-side guards.** The websocket and uploads are refused to pages from other origins (another web site
  open in the officer's browser must not drive the app), and when bound to loopback, requests must name a
  loopback host (no DNS rebinding).
* **Daily backups** while it runs, as the terminal app makes them when it opens.

Each app learns its browser's address (``IKMTUI_REMOTE_ADDR``): sign-in throttling counts per address.
Nothing here imports Textual: the app runs in the child processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import ipaddress
import json
import logging
import os
import secrets
import shlex
import signal
import socket
import stat
import sys
import threading
import time
import unicodedata
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from aiohttp import BodyPartReader, WSCloseCode, WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from ikmtui.i18n import _

log = logging.getLogger("ikmtui.serve")

#: Seconds an app gets to quit on its own before it is sent SIGTERM (a save takes milliseconds; an app quits
#: in well under a second).
QUIT_GRACE = 3.0
#: Seconds after SIGTERM before SIGKILL: with the quit grace, the bound on ending one tab or the whole server.
TERM_GRACE = 1.5
#: Ctrl+c presses that force the remaining app processes to end (SIGKILL) at once.
FORCE_AFTER_SIGNALS = 3
#: Tabs open at once on one server, and from one address (each is an app process with the database in memory).
MAX_TABS = 20
MAX_TABS_PER_ADDRESS = 6
#: Seconds to wait for a browser to take a closing handshake or a screen update before its connection is cut.
CLOSE_SECONDS = 2.0
BROWSER_WRITE_SECONDS = 30.0
#: Largest websocket message a tab may send (a paste is one message).
MAX_MESSAGE_BYTES = 256 * 1024
#: Widest and tallest terminal an app is asked to draw (a resize to 100,000 columns would exhaust its memory).
MAX_TERMINAL_CELLS = 1000
#: The environment variable that tells a tab's app its browser's address.
REMOTE_ADDR_ENV = "IKMTUI_REMOTE_ADDR"
#: Uploads: largest file, what an import reads, and how much the uploads folder may hold in all.
UPLOAD_MAX_BYTES = 20 * 1024 * 1024
UPLOAD_SUFFIXES = (".xlsx", ".xls", ".ods", ".csv")
UPLOADS_FOLDER_MAX_BYTES = 500 * 1024 * 1024
#: Seconds between looks for today's backup while serving.
BACKUP_CHECK_SECONDS = 3600.0
LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


@dataclass(frozen=True)
class InputLimits:
    """What one tab may send: far above a person typing, pasting or moving the mouse; far below a flood.

    Beyond the rates, input is dropped; a tab whose dropped input passes the flood figures is closed.
    """

    bytes_per_second: float = 2048  # a mouse moved without pause sends ~700 bytes a second, typing far less
    burst_bytes: float = 32 * 1024  # a paste
    messages_per_second: float = 200
    burst_messages: float = 1000
    #: Dropped within one ``flood_seconds`` window: more is no person at a keyboard.
    flood_bytes: int = 128 * 1024
    flood_messages: int = 2000
    flood_seconds: float = 10.0


class Bucket:
    """A token bucket: ``rate`` per second, at most ``burst`` saved up."""

    def __init__(self, rate: float, burst: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.burst, self.clock = rate, burst, clock
        self.level = burst
        self.stamp = clock()

    def take(self, amount: float) -> bool:
        now = self.clock()
        self.level = min(self.burst, self.level + (now - self.stamp) * self.rate)
        self.stamp = now
        if amount > self.level:
            return False
        self.level -= amount
        return True


class InputLimiter:
    """One tab's input budget: messages and keystroke bytes; counts what it dropped."""

    def __init__(self, limits: InputLimits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.clock = clock
        self.messages = Bucket(limits.messages_per_second, limits.burst_messages, clock)
        self.bytes = Bucket(limits.bytes_per_second, limits.burst_bytes, clock)
        self.dropped_messages = self.dropped_bytes = 0
        self.window = clock()

    def allow(self, size: int = 0) -> bool:
        """Whether a message of ``size`` keystroke bytes (0: not keys) may pass now."""
        if self.messages.take(1) and (not size or self.bytes.take(size)):
            return True
        now = self.clock()
        if now - self.window > self.limits.flood_seconds:  # drops long ago (a wild mouse) are forgotten
            self.window, self.dropped_messages, self.dropped_bytes = now, 0, 0
        self.dropped_messages += 1
        self.dropped_bytes += size
        return False

    @property
    def flooding(self) -> bool:
        return (self.dropped_bytes > self.limits.flood_bytes
                or self.dropped_messages > self.limits.flood_messages)


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address) only reaches this machine."""
    name = host.strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def say(message: str) -> None:
    """One line for the person who started the server (stdout, flushed: it may be a pipe or a service log)."""
    print(message, flush=True)


def close_reason(text: str) -> bytes:
    """A websocket close reason: at most 123 bytes of UTF-8, cut between characters."""
    return text.encode("utf-8")[:123].decode("utf-8", "ignore").encode("utf-8")


async def close_socket(websocket: web.WebSocketResponse, request: web.Request,
                       code: int = WSCloseCode.OK, reason: str = "") -> None:
    """Close a tab's websocket; a browser that does not answer within seconds has its connection cut."""
    try:
        await asyncio.wait_for(websocket.close(code=code, message=close_reason(reason)), CLOSE_SECONDS)
    except (TimeoutError, ConnectionError, RuntimeError):
        if request.transport is not None:
            request.transport.abort()


def backup_today(db_path: Path, data: Any = None) -> Path | None:
    """Today's daily backup of the database unless it exists; a failure is one line in the server's output."""
    from ikmtui.storage.backup import daily_backup

    try:
        return daily_backup(db_path, data=data)
    except Exception as exc:  # a full disk must not stop the server; the officer still works
        say(_("Daily backup of {path} failed: {reason}", path=db_path, reason=exc))
        return None


def upload_name(filename: str) -> str | None:
    """A safe name in the uploads folder for a browser's file name, or ``None`` if it is not a spreadsheet.

    Only the last part of the name is kept (no folders, no ``..``), characters other than letters, digits, space
    and ``.-_()`` become ``_``, no leading dot (hidden files), at most 100 characters.
    """
    name = unicodedata.normalize("NFC", filename.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(char if char.isalnum() or char in " .-_()" else "_" for char in name)
    stem, dot, suffix = name.rpartition(".")
    suffix = f".{suffix.lower()}"
    if not dot or suffix not in UPLOAD_SUFFIXES:
        return None
    stem = stem.strip(" .")[:100 - len(suffix)].rstrip(" .") or "upload"
    return stem + suffix


class UploadRefused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def uploads_folder(db_path: Path) -> Path:
    """The database's uploads folder, created owner-only; refused if something else (a link) sits there."""
    from ikmtui import paths

    folder = paths.uploads_dir(db_path)
    with contextlib.suppress(FileExistsError):
        folder.mkdir(mode=0o700)
    info = folder.lstat()
    if not stat.S_ISDIR(info.st_mode):
        raise UploadRefused(500, _("{path} is not a folder; the upload was not kept", path=folder))
    if stat.S_IMODE(info.st_mode) != 0o700:
        os.chmod(folder, 0o700)
    return folder


def _folder_bytes(folder: Path) -> int:
    total = 0
    with os.scandir(folder) as entries:
        for entry in entries:
            with contextlib.suppress(OSError):
                total += entry.stat(follow_symlinks=False).st_size
    return total


def _keep_as(tmp: Path, folder: Path, name: str) -> str:
    """Give the uploaded temp file its name without replacing a file already there (``name (2).xlsx``...)."""
    stem, suffix = os.path.splitext(name)
    for number in range(1, 1000):
        candidate = name if number == 1 else f"{stem} ({number}){suffix}"
        try:
            os.link(tmp, folder / candidate)  # fails if the name is taken: never overwrites
        except FileExistsError:
            continue
        return candidate
    raise UploadRefused(507, _("The uploads folder has too many files named {name}", name=name))


async def receive_upload(request: web.Request, db_path: Path, max_bytes: int = UPLOAD_MAX_BYTES,
                         folder_max_bytes: int = UPLOADS_FOLDER_MAX_BYTES) -> str:
    """Store the spreadsheet of a multipart upload (field ``file``) owner-only; returns its name in the folder."""
    limit = _("at most {limit} MB can be uploaded", limit=max_bytes // (1024 * 1024))
    if request.content_length is not None and request.content_length > max_bytes + 64 * 1024:
        raise UploadRefused(413, _("The file is too large: {limit}", limit=limit))
    try:
        reader = await request.multipart()
    except (AssertionError, ValueError, KeyError):
        raise UploadRefused(400, _("No file was sent")) from None
    part: Any = None
    for _number in range(10):  # a form with the file among at most a few fields
        part = await reader.next()
        if part is None or (isinstance(part, BodyPartReader) and part.name == "file"):
            break
        await part.release()
    if not isinstance(part, BodyPartReader) or part.name != "file" or not part.filename:
        raise UploadRefused(400, _("No file was sent"))
    name = upload_name(part.filename)
    if name is None:
        raise UploadRefused(415, _("Only spreadsheets can be uploaded ({suffixes})",
                                   suffixes=", ".join(UPLOAD_SUFFIXES)))
    folder = uploads_folder(db_path)
    if _folder_bytes(folder) + max(request.content_length or 0, 0) > folder_max_bytes:
        raise UploadRefused(507, _("The uploads folder is full ({limit} MB); delete old uploads from {path}",
                                   limit=folder_max_bytes // (1024 * 1024), path=folder))
    tmp = folder / f".upload-{secrets.token_hex(8)}.part"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        size = 0
        with os.fdopen(fd, "wb") as fh:
            while chunk := await part.read_chunk(64 * 1024):
                size += len(chunk)
                if size > max_bytes:
                    raise UploadRefused(413, _("The file is too large: {limit}", limit=limit))
                fh.write(chunk)
            fh.flush()
            await asyncio.to_thread(os.fsync, fh.fileno())
        return _keep_as(tmp, folder, name)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


class Session(AppService):
    """One browser tab: one app process, started directly (no shell) in a session of its own."""

    def __init__(self, argv: Sequence[str], number: int, *, remote: str = "", quit_grace: float = QUIT_GRACE,
                 term_grace: float = TERM_GRACE, **kwargs: Any) -> None:
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
            log.warning("session %s: the browser took no screen update for %s s", self.number,
                        BROWSER_WRITE_SECONDS)
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


INDEX = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>{title}</title>
<link rel="stylesheet" href="/static/css/xterm.css">
<style>
@font-face {{ font-family: "Roboto Mono"; src: url("/static/fonts/RobotoMono-VariableFont_wght.ttf"); }}
body {{ background: #0c181f; margin: 0; }}
.dialog-container {{ position: absolute; width: 100vw; height: 100vh; display: flex; align-items: center;
  justify-content: center; z-index: 10; }}
.shade {{ position: absolute; width: 100%; height: 100%; background: #0c181f; }}
.intro {{ min-width: 480px; padding: 32px; font: 16px "Roboto Mono", monospace; text-align: center; z-index: 20;
  color: rgba(255, 255, 255, 0.95); background-color: #12232d; display: flex; flex-direction: column;
  align-items: center; justify-content: center; }}
body.-first-byte .intro-dialog {{ display: none; }}
body .textual-terminal {{ opacity: 0; transition: opacity 0.3s ease-out; }}
body.-first-byte .textual-terminal {{ opacity: 1; }}
button {{ padding: 16px 32px; background-color: #5e0ba7; color: rgba(255, 255, 255, 0.95); border: none;
  font: 16px "Roboto Mono", monospace; margin: 16px; cursor: pointer; }}
button:hover {{ background: #ac5af4; }}
.closed-dialog {{ display: none; }}
body.-closed .closed-dialog {{ display: flex; }}
#start {{ display: none; }}
#start.-delay {{ display: block; }}
#upload {{ position: fixed; top: 0; right: 0; z-index: 5; display: flex; align-items: center; gap: 8px;
  font: 12px "Roboto Mono", monospace; color: rgba(255, 255, 255, 0.95); }}
#upload label {{ padding: 2px 10px; background: #5e0ba7; cursor: pointer; opacity: 0.85; }}
#upload label:hover {{ background: #ac5af4; opacity: 1; }}
#upload-status {{ background: #12232d; padding: 2px 6px; }}
#upload-status:empty {{ display: none; }}
</style>
<script>
function getStartUrl() {{
  const url = new URL(window.location.href);
  const params = new URLSearchParams(url.search);
  params.delete("delay");
  return url.pathname + "?" + params.toString();
}}
function refresh() {{ window.location.href = getStartUrl(); }}
// The server says why it closed a tab (too many tabs, too much input) in the close reason: show it.
window.WebSocket = class extends window.WebSocket {{
  constructor(...args) {{
    super(...args);
    this.addEventListener("close", (event) => {{
      if (event.reason) {{ document.querySelector(".closed-dialog .message").textContent = event.reason; }}
    }});
  }}
}};
</script>
<script src="/static/js/textual.js"></script>
</head>
<body>
<div class="dialog-container intro-dialog"><div class="shade"></div>
  <div class="intro"><div>{title}</div><div>{starting}</div>
  <button type="button" onclick="refresh()" id="start">{start}</button></div></div>
<div class="dialog-container closed-dialog"><div class="shade"></div>
  <div class="intro"><div class="message">{ended}</div>
  <button type="button" onclick="refresh()">{restart}</button></div></div>
<form id="upload"><span id="upload-status" role="status"></span>
  <label title="{upload_help}">{upload}<input type="file" id="upload-file" accept="{accept}" hidden></label></form>
<div id="terminal" class="textual-terminal" data-font-size="16"></div>
<script>
(function () {{
  const terminal = document.getElementById("terminal");
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  terminal.dataset.sessionWebsocketUrl = scheme + "//" + window.location.host + "/ws";
  const size = parseInt(new URLSearchParams(window.location.search).get("fontsize") || "16", 10);
  if (size >= 6 && size <= 48) {{ terminal.dataset.fontSize = String(size); }}
  const input = document.getElementById("upload-file");
  const status = document.getElementById("upload-status");
  input.addEventListener("change", async () => {{
    const file = input.files[0];
    if (!file) {{ return; }}
    const form = new FormData();
    form.append("file", file, file.name);
    status.textContent = {uploading};
    try {{
      const response = await fetch("/upload", {{ method: "POST", body: form }});
      const answer = await response.json().catch(() => ({{ message: response.statusText }}));
      status.textContent = answer.message;
    }} catch (error) {{
      status.textContent = {failed};
    }}
    input.value = "";
    const keyboard = document.querySelector(".xterm-helper-textarea");
    if (keyboard) {{ keyboard.focus(); }}  // the keys go to the app again
  }});
}})();
</script>
</body>
</html>
"""

REFUSED_PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head>
<body style="background: #0c181f; color: rgba(255, 255, 255, 0.95); font: 16px monospace; padding: 32px;">
<p>{reason}</p><p><a href="/" style="color: #ac5af4;">{again}</a></p></body></html>
"""


class WebServer(Server):
    """textual-serve's server with bounded tabs and input, ordered shutdown, an offline page, uploads and guards."""

    def __init__(self, argv: Sequence[str], host: str = "127.0.0.1", port: int = 8000, *,
                 title: str = "ikmtui", quit_grace: float = QUIT_GRACE, term_grace: float = TERM_GRACE,
                 max_tabs: int = MAX_TABS, max_tabs_per_address: int = MAX_TABS_PER_ADDRESS,
                 limits: InputLimits | None = None, db_path: Path | None = None,
                 backup_every: float = BACKUP_CHECK_SECONDS) -> None:
        super().__init__(shlex.join(argv), host=host, port=port, title=title)
        self.argv = list(argv)
        self.loopback_only = is_loopback(host)
        self.quit_grace = quit_grace
        self.term_grace = term_grace
        self.max_tabs = max_tabs
        self.max_tabs_per_address = max_tabs_per_address
        self.limits = limits or InputLimits()
        self.db_path = db_path
        self.backup_every = backup_every
        self.upload_max_bytes = UPLOAD_MAX_BYTES
        self.uploads_folder_max_bytes = UPLOADS_FOLDER_MAX_BYTES
        self.sessions: set[Session] = set()
        self._tabs: Counter[str] = Counter()  # open tabs by browser address, counted before their app starts
        self._opened = 0
        self._signals = 0
        self._stop = asyncio.Event()
        self._backup: threading.Thread | None = None
        self.addresses: list[tuple[str, int]] = []

    # ------------------------------------------------------------------ web application
    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._guard])
        app.add_routes([
            web.get("/", self.handle_index, name="index"),
            web.get("/ws", self.handle_websocket, name="websocket"),
            web.post("/upload", self.handle_upload, name="upload"),
            web.get("/download/{key}", self.handle_download, name="download"),
            web.static("/static", self.statics_path, show_index=False, name="static"),
            web.get("/favicon.ico", self.handle_favicon),
        ])
        return app

    @web.middleware
    async def _guard(self, request: web.Request,
                     handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
        host = request.host.lower()
        if self.loopback_only and not is_loopback(urlsplit(f"//{host}").hostname or ""):
            raise web.HTTPForbidden(text=_("This server answers only on 127.0.0.1 or localhost."))
        origin = request.headers.get("Origin")
        # An upload must say where its page came from (browsers always do for a POST): a form on another web
        # site cannot post files into the uploads folder.
        if request.path == "/upload" and origin is None:
            raise web.HTTPForbidden(text="origin")
        if request.path in ("/ws", "/upload") and origin is not None and urlsplit(origin).netloc.lower() != host:
            log.warning("refused %s from origin %s (host %s)", request.path, origin, host)
            raise web.HTTPForbidden(text="origin")
        return await handler(request)

    def refusal(self, address: str) -> str | None:
        """Why a new tab from ``address`` cannot open now, or ``None``."""
        if sum(self._tabs.values()) >= self.max_tabs:
            return _("Too many tabs are open on this server (at most {limit}); close one and open this page again",
                     limit=self.max_tabs)
        if self._tabs[address] >= self.max_tabs_per_address:
            return _("Too many tabs are open from this computer (at most {limit}); close one and open this page "
                     "again", limit=self.max_tabs_per_address)
        return None

    async def handle_index(self, request: web.Request) -> web.Response:
        from ikmtui.i18n import get_language

        headers = {"Cache-Control": "no-store", "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff"}
        reason = self.refusal(request.remote or "unknown")
        if reason is not None:
            page = REFUSED_PAGE.format(lang=get_language(), title=html.escape(self.title), reason=html.escape(reason),
                                       again=html.escape(_("Open again")))
            return web.Response(status=503, text=page, content_type="text/html", headers=headers)
        text = {key: html.escape(value) for key, value in {
            "title": self.title, "starting": _("Starting…"), "start": _("Start"),
            "ended": _("Session ended."), "restart": _("Open again"), "upload": _("Upload spreadsheet"),
            "upload_help": _("Send a spreadsheet to the server for the Import screen ({suffixes})",
                             suffixes=", ".join(UPLOAD_SUFFIXES)),
            "accept": ",".join(UPLOAD_SUFFIXES),
        }.items()}
        script = {key: json.dumps(value).replace("<", "\\u003c") for key, value in {
            "uploading": _("Uploading…"), "failed": _("The upload failed: the server could not be reached"),
        }.items()}
        return web.Response(text=INDEX.format(lang=get_language(), **text, **script), content_type="text/html",
                            headers=headers)

    async def handle_favicon(self, request: web.Request) -> web.Response:
        return web.Response(status=204)

    async def handle_upload(self, request: web.Request) -> web.Response:
        """A spreadsheet from the page's upload button, kept owner-only in the database's uploads folder."""
        if self.db_path is None:
            raise web.HTTPNotFound()
        try:
            name = await receive_upload(request, self.db_path, self.upload_max_bytes, self.uploads_folder_max_bytes)
        except UploadRefused as refused:
            say(_("Refused an upload from {address}: {reason}", address=request.remote, reason=refused.message))
            return web.json_response({"ok": False, "message": refused.message}, status=refused.status)
        except OSError as exc:
            message = _("The upload could not be kept: {reason}", reason=exc.strerror or exc)
            say(message)
            return web.json_response({"ok": False, "message": message}, status=500)
        say(_("Received {name} from {address} into the uploads folder", name=name, address=request.remote))
        return web.json_response({"ok": True, "name": name, "message": _(
            "Uploaded as {name}: choose it on the Import screen (ctrl+o)", name=name)})

    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        """Stream a file an app delivered; the file name is quoted properly (spaces, non-ASCII)."""
        key = request.match_info["key"]
        try:
            meta = await self.download_manager.get_download_metadata(key)
        except KeyError:
            raise web.HTTPNotFound() from None
        response = web.StreamResponse()
        response.headers["Content-Type"] = meta.mime_type + (f"; charset={meta.encoding}" if meta.encoding else "")
        disposition = "inline" if meta.open_method == "browser" else "attachment"
        ascii_name = meta.file_name.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
        response.headers["Content-Disposition"] = (
            f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(meta.file_name)}")
        await response.prepare(request)
        async for chunk in self.download_manager.download(key):
            await response.write(chunk)
        await response.write_eof()
        return response

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        if self._stop.is_set():
            raise web.HTTPServiceUnavailable(text=_("The server is stopping."))
        address = request.remote or "unknown"
        websocket = web.WebSocketResponse(heartbeat=15, timeout=CLOSE_SECONDS, max_msg_size=MAX_MESSAGE_BYTES)
        reason = self.refusal(address)
        if reason is not None:  # the page shows the reason in place of "session ended"
            say(_("Refused a tab from {address}: {reason}", address=address, reason=reason))
            await websocket.prepare(request)
            await close_socket(websocket, request, WSCloseCode.TRY_AGAIN_LATER, reason)
            return websocket
        self._tabs[address] += 1  # counted before the first await: tabs opening at once cannot pass the limit
        width = min(to_int(request.query.get("width", "80"), 80), MAX_TERMINAL_CELLS)
        height = min(to_int(request.query.get("height", "24"), 24), MAX_TERMINAL_CELLS)
        session: Session | None = None

        async def close() -> None:
            await close_socket(websocket, request)

        try:
            await websocket.prepare(request)
            self._opened += 1
            session = Session(self.argv, self._opened, remote=address, quit_grace=self.quit_grace,
                              term_grace=self.term_grace, write_bytes=websocket.send_bytes,
                              write_str=websocket.send_str, close=close, download_manager=self.download_manager,
                              debug=self.debug)
            self.sessions.add(session)
            await session.start(max(width, 1), max(height, 1))
            say(_("Session {n} opened (process {pid}); {count} open",
                  n=session.number, pid=session.pid, count=len(self.sessions)))
            await self._process_messages(websocket, session, request)
        except Exception:
            log.exception("session %s", session.number if session else "?")
        finally:
            if session is not None:
                await session.stop()  # the socket ended: so does the tab's app
                self.sessions.discard(session)
                say(_("Session {n} ended (process {pid}, exit code {code}, {how}); {count} open",
                      n=session.number, pid=session.pid, code=session.returncode, how=session.ending,
                      count=len(self.sessions)))
            self._tabs[address] -= 1
            if self._tabs[address] <= 0:
                del self._tabs[address]
            await close_socket(websocket, request)
        return websocket

    async def _process_messages(self, websocket: web.WebSocketResponse, app_service: AppService,
                                request: web.Request | None = None) -> None:
        """The tab's messages to its app, within the tab's input budget; a flooding tab is closed."""
        limiter = InputLimiter(self.limits)
        number = getattr(app_service, "number", "?")
        warned = False
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = json.loads(message.data)
                kind, data = envelope[0], (envelope[1] if len(envelope) > 1 else None)
            except (ValueError, TypeError, KeyError, IndexError):
                continue  # not the page's protocol: ignored
            if not limiter.allow(len(data) if kind == "stdin" and isinstance(data, str) else 0):
                if limiter.flooding:
                    say(_("Session {n}: too much input from {address}; the tab was closed",
                          n=number, address=request.remote if request else "?"))
                    if request is not None:
                        await close_socket(websocket, request, WSCloseCode.POLICY_VIOLATION,
                                           _("Too much input: this tab was closed"))
                    return
                if not warned:
                    log.warning("session %s: input beyond the limit dropped", number)
                    warned = True
                continue
            if kind == "stdin" and isinstance(data, str):
                await app_service.send_bytes(data.encode("utf-8", "replace"))
            elif kind == "resize" and isinstance(data, dict):
                width, height = to_int(str(data.get("width")), 80), to_int(str(data.get("height")), 24)
                await app_service.set_terminal_size(min(max(width, 1), MAX_TERMINAL_CELLS),
                                                    min(max(height, 1), MAX_TERMINAL_CELLS))
            elif kind == "ping":
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await app_service.blur()
            elif kind == "focus":
                await app_service.focus()

    # ------------------------------------------------------------------ daily backups
    def _backup_in_background(self) -> None:
        assert self.db_path is not None
        if self._backup is None or not self._backup.is_alive():  # a backup at 100k IKM takes a while
            self._backup = threading.Thread(target=backup_today, args=(self.db_path,), daemon=True,
                                            name="daily-backup")
            self._backup.start()

    async def _daily_backups(self) -> None:
        """Today's backup, looked for every ``backup_every`` seconds: a server runs for weeks."""
        while True:
            await asyncio.sleep(self.backup_every)
            self._backup_in_background()

    # ------------------------------------------------------------------ running and stopping
    def _on_signal(self, signum: int) -> None:
        self._signals += 1
        if self._signals == 1:
            self._stop.set()
            return
        if self._signals >= FORCE_AFTER_SIGNALS:
            say(_("Forcing {n} app processes to end: saved records are safe, unsaved form input is lost",
                  n=len(self.sessions)))
            for session in list(self.sessions):
                session.signal(signal.SIGKILL)
        else:
            say(_("Still waiting for {n} sessions to finish; press ctrl+c again to force them to end",
                  n=len(self.sessions)))
            for session in list(self.sessions):
                session.signal(signal.SIGTERM)

    async def run(self, started: Callable[[list[tuple[str, int]]], None] | None = None) -> None:
        """Listen until SIGINT/SIGTERM, then end every session in order and return."""
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, self._on_signal, signum)
        # Handlers still running once every app has ended (a browser that does not answer) are cut short.
        runner = web.AppRunner(await self._make_app(), handle_signals=False, access_log=None,
                               shutdown_timeout=CLOSE_SECONDS)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        try:
            await site.start()
        except OSError as exc:
            await runner.cleanup()
            raise OSError(_("cannot listen on {host} port {port}: {reason}", host=self.host, port=self.port,
                            reason=exc.strerror or exc)) from None
        self.addresses = [(str(address[0]), int(address[1])) for address in runner.addresses]
        backups = asyncio.create_task(self._daily_backups()) if self.db_path is not None else None
        if started:
            started(self.addresses)
        try:
            await self._stop.wait()
        finally:
            if backups is not None:
                backups.cancel()
            await site.stop()  # no new tabs from here on
            if self.sessions:
                say(_("Stopping: waiting for {n} open sessions to finish their work", n=len(self.sessions)))
            await asyncio.gather(*(session.stop() for session in list(self.sessions)), return_exceptions=True)
            await runner.cleanup()
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(signum)


def session_command(db: Path, lang: str, user: str, poll_seconds: float | None = None) -> list[str]:
    """The command that runs one browser tab's app."""
    argv = [sys.executable, "-m", "ikmtui.serve.tab", "--db", str(db), "--lang", lang, "--user", user]
    if poll_seconds is not None:
        argv += ["--poll", str(poll_seconds)]
    return argv


def urls(addresses: list[tuple[str, int]], host: str) -> list[str]:
    """Addresses to type into a browser: the bound ones, or this machine's name for a wildcard address."""
    found: list[str] = []
    for address, port in addresses:
        if address in ("0.0.0.0", "::"):
            address = socket.gethostname()
        elif ":" in address:
            address = f"[{address}]"
        url = f"http://{address}:{port}/"
        if url not in found:
            found.append(url)
    return found or [f"http://{host}/"]


def serve(db: Path, *, host: str, port: int, lang: str, user: str, title: str = "ikmtui",
          poll_seconds: float | None = None, quit_grace: float = QUIT_GRACE, max_tabs: int = MAX_TABS,
          max_tabs_per_address: int = MAX_TABS_PER_ADDRESS) -> int:
    """Run the server in this process until ctrl+c; returns the exit status."""
    server = WebServer(session_command(db, lang, user, poll_seconds), host, port, title=title, quit_grace=quit_grace,
                       max_tabs=max_tabs, max_tabs_per_address=max_tabs_per_address, db_path=db)

    def started(addresses: list[tuple[str, int]]) -> None:
        for url in urls(addresses, host):
            say(_("Serving {path} on {url}", path=db, url=url))
        say(_("Each browser tab runs its own session; press ctrl+c to stop (open sessions finish first)."))

    asyncio.run(server.run(started))
    say(_("Stopped: all sessions ended"))
    return 0
