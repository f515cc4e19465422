"""``ikmtui serve``: the application in web browsers, one app process per browser tab, all on one database file.

Built on textual-serve: the browser shows a terminal (xterm.js) that talks over a websocket to this server, and
the server starts ``python -m ikmtui.ui.web`` for each connection with Textual's web driver. What this module adds:

* **Shutdown that loses nothing.** On ctrl+c (SIGINT) or SIGTERM the server stops accepting tabs, asks every app
  to quit (Textual's ``quit`` message: the app exits between two event handlers, so a save in progress, a
  synchronous journal append, completes first), sends SIGTERM to those still running after a grace period, and
  waits for every process to end before it exits. App processes run in their own session, so a ctrl+c in the
  server's terminal does not reach them behind the server's back. Only a third ctrl+c forces (SIGKILL): saved
  records are safe even then (a transaction is one journal line), but text typed into an open form is lost.
* **A page that needs nothing from the internet** (the office network may have none) and finds its websocket from
  the address the browser used, so it works on localhost, on the office network and behind a TLS proxy.
* **Browser-side guards.** The websocket is refused to pages from other origins (another web site open in the
  officer's browser must not drive the app), and when bound to loopback, requests must name a loopback host
  (no DNS rebinding).

Nothing here imports Textual: the app runs in the child processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import ipaddress
import logging
import shlex
import signal
import socket
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from ikmtui.i18n import _

log = logging.getLogger("ikmtui.web")

#: Seconds an app gets to quit on its own before it is sent SIGTERM.
QUIT_GRACE = 10.0
#: Ctrl+c presses that force the remaining app processes to end (SIGKILL).
FORCE_AFTER_SIGNALS = 3
LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


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


class Session(AppService):
    """One browser tab: one app process, started directly (no shell) in a session of its own."""

    def __init__(self, argv: Sequence[str], number: int, *, quit_grace: float = QUIT_GRACE, **kwargs: Any) -> None:
        super().__init__(shlex.join(argv), **kwargs)
        self.argv = list(argv)
        self.number = number
        self.quit_grace = quit_grace
        self.returncode: int | None = None
        self.ending = "quit"
        self._stopping: asyncio.Future[None] | None = None

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

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
        # not finish quitting.
        with contextlib.suppress(ConnectionError, RuntimeError):
            await self.remote_write_bytes(payload)

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
        process = self._process
        assert process is not None
        await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
        if process.returncode is None:
            await self.send_meta({"type": "quit"})
            if not await self._exited(self.quit_grace):
                self.signal(signal.SIGTERM)
        await process.wait()
        if self._task is not None:
            await self._task  # the rest of the app's output, up to its end
            self._task = None
        self.returncode = process.returncode

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
</style>
<script>
function getStartUrl() {{
  const url = new URL(window.location.href);
  const params = new URLSearchParams(url.search);
  params.delete("delay");
  return url.pathname + "?" + params.toString();
}}
function refresh() {{ window.location.href = getStartUrl(); }}
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
<div id="terminal" class="textual-terminal" data-font-size="16"></div>
<script>
(function () {{
  const terminal = document.getElementById("terminal");
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  terminal.dataset.sessionWebsocketUrl = scheme + "//" + window.location.host + "/ws";
  const size = parseInt(new URLSearchParams(window.location.search).get("fontsize") || "16", 10);
  if (size >= 6 && size <= 48) {{ terminal.dataset.fontSize = String(size); }}
}})();
</script>
</body>
</html>
"""


class WebServer(Server):
    """textual-serve's server with ordered shutdown, an offline page and origin checks."""

    def __init__(self, argv: Sequence[str], host: str = "127.0.0.1", port: int = 8000, *,
                 title: str = "ikmtui", quit_grace: float = QUIT_GRACE) -> None:
        super().__init__(shlex.join(argv), host=host, port=port, title=title)
        self.argv = list(argv)
        self.loopback_only = is_loopback(host)
        self.quit_grace = quit_grace
        self.sessions: set[Session] = set()
        self._opened = 0
        self._signals = 0
        self._stop = asyncio.Event()
        self.addresses: list[tuple[str, int]] = []

    # ------------------------------------------------------------------ web application
    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._guard])
        app.add_routes([
            web.get("/", self.handle_index, name="index"),
            web.get("/ws", self.handle_websocket, name="websocket"),
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
        if request.path == "/ws" and origin is not None and urlsplit(origin).netloc.lower() != host:
            log.warning("refused a websocket from origin %s (host %s)", origin, host)
            raise web.HTTPForbidden(text="origin")
        return await handler(request)

    async def handle_index(self, request: web.Request) -> web.Response:
        from ikmtui.i18n import get_language

        text = {key: html.escape(value) for key, value in {
            "title": self.title, "starting": _("Starting…"), "start": _("Start"),
            "ended": _("Session ended."), "restart": _("Open again"),
        }.items()}
        return web.Response(text=INDEX.format(lang=get_language(), **text), content_type="text/html",
                            headers={"Cache-Control": "no-store", "X-Frame-Options": "DENY"})

    async def handle_favicon(self, request: web.Request) -> web.Response:
        return web.Response(status=204)

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
        websocket = web.WebSocketResponse(heartbeat=15)
        if self._stop.is_set():
            raise web.HTTPServiceUnavailable()
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        session: Session | None = None
        try:
            await websocket.prepare(request)
            self._opened += 1
            session = Session(self.argv, self._opened, quit_grace=self.quit_grace,
                              write_bytes=websocket.send_bytes, write_str=websocket.send_str,
                              close=websocket.close, download_manager=self.download_manager, debug=self.debug)
            self.sessions.add(session)
            await session.start(width, height)
            say(_("Session {n} opened (process {pid}); {count} open",
                  n=session.number, pid=session.pid, count=len(self.sessions)))
            await self._process_messages(websocket, session)
        except Exception:
            log.exception("session %s", session.number if session else "?")
        finally:
            if session is not None:
                await session.stop()
                self.sessions.discard(session)
                say(_("Session {n} ended (process {pid}, exit code {code}, {how}); {count} open",
                      n=session.number, pid=session.pid, code=session.returncode, how=session.ending,
                      count=len(self.sessions)))
            with contextlib.suppress(Exception):
                await websocket.close()
        return websocket

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
        runner = web.AppRunner(await self._make_app(), handle_signals=False, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        try:
            await site.start()
        except OSError as exc:
            await runner.cleanup()
            raise OSError(_("cannot listen on {host} port {port}: {reason}", host=self.host, port=self.port,
                            reason=exc.strerror or exc)) from None
        self.addresses = [(str(address[0]), int(address[1])) for address in runner.addresses]
        if started:
            started(self.addresses)
        try:
            await self._stop.wait()
        finally:
            await site.stop()  # no new tabs from here on
            if self.sessions:
                say(_("Stopping: waiting for {n} open sessions to finish their work", n=len(self.sessions)))
            await asyncio.gather(*(session.stop() for session in list(self.sessions)), return_exceptions=True)
            await runner.cleanup()
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(signum)


def session_command(db: Path, lang: str, user: str, poll_seconds: float | None = None) -> list[str]:
    """The command that runs one browser tab's app."""
    argv = [sys.executable, "-m", "ikmtui.ui.web", "--db", str(db), "--lang", lang, "--user", user]
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
          poll_seconds: float | None = None, quit_grace: float = QUIT_GRACE) -> int:
    """Run the server in this process until ctrl+c; returns the exit status."""
    server = WebServer(session_command(db, lang, user, poll_seconds), host, port, title=title, quit_grace=quit_grace)

    def started(addresses: list[tuple[str, int]]) -> None:
        for url in urls(addresses, host):
            say(_("Serving {path} on {url}", path=db, url=url))
        say(_("Each browser tab runs its own session; press ctrl+c to stop (open sessions finish first)."))

    asyncio.run(server.run(started))
    say(_("Stopped: all sessions ended"))
    return 0
