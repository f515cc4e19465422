"""The ``ikmtui serve`` web server: textual-serve's, with ordered shutdown, bounded tabs and input, an offline page,
uploads and browser-side guards. One app process per browser tab (``serve.session``), all on one database file.

Built on textual-serve: the browser shows a terminal (xterm.js) that talks over a websocket to this server, and
the server starts ``python -m ikmtui.serve.tab`` for each connection with Textual's web driver. What this module adds:

* **Shutdown that loses nothing, within seconds.** On ctrl+c (SIGINT) or SIGTERM the server stops accepting tabs,
  ends every tab's app in order (``Session.stop``: quit, then SIGTERM, then SIGKILL) and waits for every process
  to end before it exits. Further ctrl+c presses hurry the apps along.
* **Bounded tabs.** At most ``max_tabs`` tabs at once, ``max_tabs_per_address`` from one address (``serve.limits``);
  a refused tab is told why. Each tab's input is rate-limited (excess dropped; a tab that keeps flooding is
  closed), and a tab's app ends when its websocket ends.
* **A page that needs nothing from the internet** (``serve.page``), with an upload button (``serve.uploads``).
* **Browser-side guards.** The websocket and uploads are refused to pages from other origins (another web site
  open in the officer's browser must not drive the app), and when bound to loopback, requests must name a
  loopback host (no DNS rebinding).
* **Daily backups** while it runs (``serve.backups``).

Nothing in this package but ``serve.tab`` imports Textual: the app runs in the child processes.
"""

from __future__ import annotations

import asyncio
import json
import logging
import shlex
import signal
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from urllib.parse import quote, urlsplit

from aiohttp import WSCloseCode, WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from ikmtui.i18n import _
from ikmtui.serve import page
from ikmtui.serve.backups import BACKUP_CHECK_SECONDS, DailyBackups
from ikmtui.serve.console import say
from ikmtui.serve.limits import (
    MAX_MESSAGE_BYTES,
    MAX_TABS,
    MAX_TABS_PER_ADDRESS,
    MAX_TERMINAL_CELLS,
    InputLimiter,
    InputLimits,
    OpenTabs,
)
from ikmtui.serve.network import is_loopback, urls
from ikmtui.serve.session import CLOSE_SECONDS, QUIT_GRACE, TERM_GRACE, Session, session_command
from ikmtui.serve.uploads import UPLOAD_MAX_BYTES, UPLOADS_FOLDER_MAX_BYTES, answer_upload

log = logging.getLogger("ikmtui.serve")

#: Ctrl+c presses that force the remaining app processes to end (SIGKILL) at once.
FORCE_AFTER_SIGNALS = 3


def close_reason(text: str) -> bytes:
    """A websocket close reason: at most 123 bytes of UTF-8, cut between characters."""
    return text.encode("utf-8")[:123].decode("utf-8", "ignore").encode("utf-8")


async def close_socket(
    websocket: web.WebSocketResponse, request: web.Request, code: int = WSCloseCode.OK, reason: str = ""
) -> None:
    """Close a tab's websocket; a browser that does not answer within seconds has its connection cut."""
    try:
        await asyncio.wait_for(websocket.close(code=code, message=close_reason(reason)), CLOSE_SECONDS)
    except (TimeoutError, ConnectionError, RuntimeError):
        if request.transport is not None:
            request.transport.abort()


class WebServer(Server):
    """textual-serve's server with bounded tabs and input, ordered shutdown, an offline page, uploads and guards."""

    def __init__(
        self,
        argv: Sequence[str],
        host: str = "127.0.0.1",
        port: int = 8000,
        *,
        title: str = "ikmtui",
        quit_grace: float = QUIT_GRACE,
        term_grace: float = TERM_GRACE,
        max_tabs: int = MAX_TABS,
        max_tabs_per_address: int = MAX_TABS_PER_ADDRESS,
        limits: InputLimits | None = None,
        db_path: Path | None = None,
        backup_every: float = BACKUP_CHECK_SECONDS,
    ) -> None:
        super().__init__(shlex.join(argv), host=host, port=port, title=title)
        self.argv = list(argv)
        self.loopback_only = is_loopback(host)
        self.quit_grace = quit_grace
        self.term_grace = term_grace
        self.tabs = OpenTabs(max_tabs, max_tabs_per_address)
        self.limits = limits or InputLimits()
        self.db_path = db_path
        self.backups = DailyBackups(db_path, backup_every) if db_path is not None else None
        self.upload_max_bytes = UPLOAD_MAX_BYTES
        self.uploads_folder_max_bytes = UPLOADS_FOLDER_MAX_BYTES
        self.sessions: set[Session] = set()
        self._opened = 0
        self._signals = 0
        self._stop = asyncio.Event()
        self.addresses: list[tuple[str, int]] = []

    # ------------------------------------------------------------------ web application
    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._guard])
        app.add_routes(
            [
                web.get("/", self.handle_index, name="index"),
                web.get("/ws", self.handle_websocket, name="websocket"),
                web.post("/upload", self.handle_upload, name="upload"),
                web.get("/download/{key}", self.handle_download, name="download"),
                web.static("/static", self.statics_path, show_index=False, name="static"),
                web.get("/favicon.ico", self.handle_favicon),
            ]
        )
        return app

    @web.middleware
    async def _guard(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
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

    async def handle_index(self, request: web.Request) -> web.Response:
        reason = self.tabs.refusal(request.remote or "unknown")
        if reason is not None:
            return web.Response(
                status=503, text=page.refused_page(self.title, reason), content_type="text/html", headers=page.HEADERS
            )
        return web.Response(text=page.index_page(self.title), content_type="text/html", headers=page.HEADERS)

    async def handle_favicon(self, request: web.Request) -> web.Response:
        return web.Response(status=204)

    async def handle_upload(self, request: web.Request) -> web.Response:
        """A spreadsheet from the page's upload button, kept owner-only in the database's uploads folder."""
        if self.db_path is None:
            raise web.HTTPNotFound()
        return await answer_upload(request, self.db_path, self.upload_max_bytes, self.uploads_folder_max_bytes)

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
            f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(meta.file_name)}"
        )
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
        reason = self.tabs.refusal(address)
        if reason is not None:  # the page shows the reason in place of "session ended"
            say(_("Refused a tab from {address}: {reason}", address=address, reason=reason))
            await websocket.prepare(request)
            await close_socket(websocket, request, WSCloseCode.TRY_AGAIN_LATER, reason)
            return websocket
        self.tabs.opened(address)  # counted before the first await: tabs opening at once cannot pass the limit
        width = min(to_int(request.query.get("width", "80"), 80), MAX_TERMINAL_CELLS)
        height = min(to_int(request.query.get("height", "24"), 24), MAX_TERMINAL_CELLS)
        session: Session | None = None

        async def close() -> None:
            await close_socket(websocket, request)

        try:
            await websocket.prepare(request)
            self._opened += 1
            session = Session(
                self.argv,
                self._opened,
                remote=address,
                quit_grace=self.quit_grace,
                term_grace=self.term_grace,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=close,
                download_manager=self.download_manager,
                debug=self.debug,
            )
            self.sessions.add(session)
            await session.start(max(width, 1), max(height, 1))
            say(
                _(
                    "Session {n} opened (process {pid}); {count} open",
                    n=session.number,
                    pid=session.pid,
                    count=len(self.sessions),
                )
            )
            await self._process_messages(websocket, session, request)
        except Exception:
            log.exception("session %s", session.number if session else "?")
        finally:
            if session is not None:
                await session.stop()  # the socket ended: so does the tab's app
                self.sessions.discard(session)
                say(
                    _(
                        "Session {n} ended (process {pid}, exit code {code}, {how}); {count} open",
                        n=session.number,
                        pid=session.pid,
                        code=session.returncode,
                        how=session.ending,
                        count=len(self.sessions),
                    )
                )
            self.tabs.closed(address)
            await close_socket(websocket, request)
        return websocket

    async def _process_messages(
        self, websocket: web.WebSocketResponse, app_service: AppService, request: web.Request | None = None
    ) -> None:
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
                    say(
                        _(
                            "Session {n}: too much input from {address}; the tab was closed",
                            n=number,
                            address=request.remote if request else "?",
                        )
                    )
                    if request is not None:
                        await close_socket(
                            websocket, request, WSCloseCode.POLICY_VIOLATION, _("Too much input: this tab was closed")
                        )
                    return
                if not warned:
                    log.warning("session %s: input beyond the limit dropped", number)
                    warned = True
                continue
            if kind == "stdin" and isinstance(data, str):
                await app_service.send_bytes(data.encode("utf-8", "replace"))
            elif kind == "resize" and isinstance(data, dict):
                width, height = to_int(str(data.get("width")), 80), to_int(str(data.get("height")), 24)
                await app_service.set_terminal_size(
                    min(max(width, 1), MAX_TERMINAL_CELLS), min(max(height, 1), MAX_TERMINAL_CELLS)
                )
            elif kind == "ping":
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await app_service.blur()
            elif kind == "focus":
                await app_service.focus()

    # ------------------------------------------------------------------ running and stopping
    def _on_signal(self, signum: int) -> None:
        self._signals += 1
        if self._signals == 1:
            self._stop.set()
            return
        if self._signals >= FORCE_AFTER_SIGNALS:
            say(
                _(
                    "Forcing {n} app processes to end: saved records are safe, unsaved form input is lost",
                    n=len(self.sessions),
                )
            )
            for session in list(self.sessions):
                session.signal(signal.SIGKILL)
        else:
            say(
                _(
                    "Still waiting for {n} sessions to finish; press ctrl+c again to force them to end",
                    n=len(self.sessions),
                )
            )
            for session in list(self.sessions):
                session.signal(signal.SIGTERM)

    async def run(self, started: Callable[[list[tuple[str, int]]], None] | None = None) -> None:
        """Listen until SIGINT/SIGTERM, then end every session in order and return."""
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, self._on_signal, signum)
        # Handlers still running once every app has ended (a browser that does not answer) are cut short.
        runner = web.AppRunner(
            await self._make_app(), handle_signals=False, access_log=None, shutdown_timeout=CLOSE_SECONDS
        )
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        try:
            await site.start()
        except OSError as exc:
            await runner.cleanup()
            raise OSError(
                _(
                    "cannot listen on {host} port {port}: {reason}",
                    host=self.host,
                    port=self.port,
                    reason=exc.strerror or exc,
                )
            ) from None
        self.addresses = [(str(address[0]), int(address[1])) for address in runner.addresses]
        backups = asyncio.create_task(self.backups.run()) if self.backups is not None else None
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


def serve(
    db: Path,
    *,
    host: str,
    port: int,
    lang: str,
    user: str,
    title: str = "ikmtui",
    poll_seconds: float | None = None,
    quit_grace: float = QUIT_GRACE,
    max_tabs: int = MAX_TABS,
    max_tabs_per_address: int = MAX_TABS_PER_ADDRESS,
) -> int:
    """Run the server in this process until ctrl+c; returns the exit status."""
    server = WebServer(
        session_command(db, lang, user, poll_seconds),
        host,
        port,
        title=title,
        quit_grace=quit_grace,
        max_tabs=max_tabs,
        max_tabs_per_address=max_tabs_per_address,
        db_path=db,
    )

    def started(addresses: list[tuple[str, int]]) -> None:
        for url in urls(addresses, host):
            say(_("Serving {path} on {url}", path=db, url=url))
        say(_("Each browser tab runs its own session; press ctrl+c to stop (open sessions finish first)."))

    asyncio.run(server.run(started))
    say(_("Stopped: all sessions ended"))
    return 0
