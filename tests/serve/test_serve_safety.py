"""``ikmtui serve`` under attack or neglect (issue 17, items 11 and 14, and uploads instead of the server's disk).

* A tab flooding keystrokes is cut off, and its app ends within seconds of its socket closing.
* ctrl+c stops the server within seconds even with a flooding tab or an app that ignores quit and SIGTERM.
* Tabs are limited per server and per address; a refused tab is told why. Each tab's app learns its browser's
  address (``IKMTUI_REMOTE_ADDR``) for the sign-in throttle.
* The server makes the daily backup: at start and while it runs.
* ``POST /upload`` keeps a spreadsheet owner-only in the uploads folder: sanitised names, size and type limits,
  the same origin guards as the websocket.

Stand-in apps (tests/support/serve_fake_app.py) where the server's own behaviour is tested; the real app where what an
attacker does to a real tab matters.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import stat
import sys
import time
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from ikmtui import paths
from ikmtui.cli import main
from ikmtui.i18n import _
from ikmtui.serve.backups import backup_today, start_daily_backup
from ikmtui.serve.limits import InputLimiter, InputLimits
from ikmtui.serve.server import WebServer
from ikmtui.serve.session import QUIT_GRACE, REMOTE_ADDR_ENV, TERM_GRACE, Session
from ikmtui.serve.uploads import upload_name
from ikmtui.storage import Database
from ikmtui.storage.backup import daily_backups
from tests.support.serve_support import SocketTab, gone, running_server, session_pids

FAKE_APP = Path(__file__).resolve().parents[1] / "support" / "serve_fake_app.py"
MB = 1024 * 1024


# ---------------------------------------------------------------------- helpers
class FakeServer:
    def __init__(self, server: WebServer, log: Path) -> None:
        self.server, self.log = server, log
        self.url = f"http://127.0.0.1:{server.addresses[0][1]}/"
        self.origin = self.url.rstrip("/")

    def remotes(self) -> list[str]:
        """The browser address each stand-in app found in its environment, in start order."""
        env = self.log.with_name(self.log.name + ".env")
        return [line.split()[1] for line in env.read_text().splitlines()] if env.exists() else []


@contextlib.asynccontextmanager
async def fake_server(tmp_path: Path, mode: str, **options: Any) -> AsyncIterator[FakeServer]:
    """The real server in this process, each tab's app a stand-in; stopped as ctrl+c does at the end."""
    log = tmp_path / "app.log"
    server = WebServer([sys.executable, str(FAKE_APP), mode, str(log)], "127.0.0.1", 0, **options)
    started = asyncio.Event()
    task = asyncio.create_task(server.run(lambda addresses: started.set()))
    await asyncio.wait_for(started.wait(), 10)
    try:
        yield FakeServer(server, log)
    finally:
        if not task.done():
            server._on_signal(2)
        await asyncio.wait_for(task, 30)


def client_from(address: str) -> aiohttp.ClientSession:
    """A browser on another computer: connections from ``address`` (any 127.x.y.z reaches this machine)."""
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=(address, 0)))


async def until(condition: Any, timeout: float, what: str) -> float:
    """Seconds it took for ``condition()`` to hold."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(0.02)
    return time.monotonic() - start


async def flood(ws: aiohttp.ClientWebSocketResponse, total: int, size: int = 64) -> int:
    """Keys as fast as the socket takes them (screen keys: each would switch screens); returns the bytes sent."""
    keys = ("12345678" * (size // 8 + 1))[:size]
    sent = 0
    with contextlib.suppress(ConnectionError, RuntimeError):
        while sent < total and not ws.closed:
            await ws.send_str(json.dumps(["stdin", keys]))
            sent += size
    return sent


# ---------------------------------------------------------------------- the input budget
def test_input_limiter_passes_typing_drops_a_flood_and_forgets_old_drops() -> None:
    now = [0.0]
    limits = InputLimits(
        bytes_per_second=100,
        burst_bytes=1000,
        messages_per_second=10,
        burst_messages=50,
        flood_bytes=5000,
        flood_messages=100,
        flood_seconds=10,
    )
    limiter = InputLimiter(limits, clock=lambda: now[0])
    for _key in range(40):  # a person typing fast: everything passes
        now[0] += 0.1
        assert limiter.allow(1)
    assert limiter.allow(900)  # a paste within the burst
    assert not limiter.allow(900)  # another at once: dropped
    assert limiter.dropped_bytes == 900 and not limiter.flooding
    passed = sum(limiter.allow(64) for _message in range(1000))  # a flood within one instant
    assert passed <= 1
    assert limiter.flooding
    now[0] += 60  # the budget refills; old drops are forgotten at the next one
    assert limiter.allow(500)
    assert not limiter.allow(5000)
    assert not limiter.flooding


# ---------------------------------------------------------------------- tab limits, the browser's address
async def test_tabs_are_limited_per_server_and_per_address_and_told_why(tmp_path: Path) -> None:
    per_address = _(
        "Too many tabs are open from this computer (at most {limit}); close one and open this page again", limit=2
    )
    per_server = _(
        "Too many tabs are open on this server (at most {limit}); close one and open this page again", limit=3
    )
    async with (
        fake_server(tmp_path, "slow-save", max_tabs=3, max_tabs_per_address=2) as fake,
        client_from("127.0.0.1") as one,
        client_from("127.0.0.2") as two,
        client_from("127.0.0.3") as three,
        contextlib.AsyncExitStack() as tabs,
    ):

        async def open_tab(client: aiohttp.ClientSession) -> aiohttp.ClientWebSocketResponse:
            ws = await tabs.enter_async_context(client.ws_connect(fake.url + "ws"))
            return ws

        async def refused(client: aiohttp.ClientSession, reason: str) -> None:
            async with client.ws_connect(fake.url + "ws") as ws:
                message = await ws.receive(timeout=10)
            assert message.type == aiohttp.WSMsgType.CLOSE, message
            assert (message.data, message.extra) == (aiohttp.WSCloseCode.TRY_AGAIN_LATER, reason)
            async with client.get(fake.url) as page:  # the page says it too, instead of starting a tab
                assert page.status == 503
                assert reason in await page.text()

        # Ten tabs from one address at once: exactly two open.
        attempts = await asyncio.gather(*(open_tab(one) for _tab in range(10)))
        first = [SocketTab(ws) for ws in attempts]
        await until(
            lambda: sum(not tab.closed.is_set() and bool(tab.chunks) for tab in first) == 2,
            10,
            "two tabs to show their app",
        )
        await until(lambda: sum(tab.closed.is_set() for tab in first) == 8, 10, "eight refusals")
        assert len(fake.server.sessions) == 2
        await refused(one, per_address)
        async with one.get(fake.url) as page:
            assert page.status == 503

        await SocketTab(await open_tab(two)).wait_for("fake app screen", 10)  # another computer: the third tab
        await refused(three, per_server)  # the server is full, whoever asks
        assert len(fake.server.sessions) == 3

        # A tab closed: its app ends and its place is free again.
        still_open = [ws for ws, tab in zip(attempts, first, strict=True) if not tab.closed.is_set()]
        await still_open[0].close()
        await until(lambda: len(fake.server.sessions) == 2, 10, "the closed tab's app to end")
        await SocketTab(await open_tab(three)).wait_for("fake app screen", 10)
        async with three.get(fake.url) as page:
            assert page.status == 503  # full again
        assert fake.remotes() == ["127.0.0.1", "127.0.0.1", "127.0.0.2", "127.0.0.3"]  # IKMTUI_REMOTE_ADDR


async def test_each_tab_is_told_its_browsers_address_not_the_servers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(REMOTE_ADDR_ENV, "10.9.9.9")  # the server's own environment must not leak into tabs
    async with (
        fake_server(tmp_path, "slow-save") as fake,
        client_from("127.0.0.7") as client,
        client.ws_connect(fake.url + "ws") as ws,
    ):
        await SocketTab(ws).wait_for("fake app screen", 10)
    assert fake.remotes() == ["127.0.0.7"]
    session = Session(
        ["true"], 1, remote="192.168.1.20", write_bytes=None, write_str=None, close=None, download_manager=None
    )  # type: ignore[arg-type]
    assert session._build_environment()[REMOTE_ADDR_ENV] == "192.168.1.20"


async def test_messages_outside_the_protocol_do_not_end_a_tab(tmp_path: Path) -> None:
    async with (
        fake_server(tmp_path, "slow-save") as fake,
        aiohttp.ClientSession() as client,
        client.ws_connect(fake.url + "ws") as ws,
    ):
        tab = SocketTab(ws)
        await tab.wait_for("fake app screen", 10)
        for junk in (
            "not json",
            "[]",
            '{"stdin": 1}',
            '["stdin"]',
            '["resize", {"width": 1e9, "height": "x"}]',
            '["resize", [1, 2]]',
            '["stdin", 5]',
            '"ping"',
        ):
            await ws.send_str(junk)
        await ws.send_json(["ping", "still there?"])
        await until(lambda: any("still there?" in message for message in tab.messages), 10, "the pong")
        assert len(fake.server.sessions) == 1


# ---------------------------------------------------------------------- floods, stuck apps and shutdown
async def test_an_app_that_ignores_quit_and_sigterm_ends_when_its_socket_closes(tmp_path: Path) -> None:
    async with (
        fake_server(tmp_path, "stuck", quit_grace=0.5, term_grace=0.5) as fake,
        aiohttp.ClientSession() as client,
    ):
        async with client.ws_connect(fake.url + "ws") as ws:
            await SocketTab(ws).wait_for("fake app screen", 10)
            (session,) = fake.server.sessions
            pid = session.pid
            assert pid is not None
        took = await until(lambda: gone(pid) and not fake.server.sessions, 10, "the stuck app to end")
    assert took < 3, took  # quit (ignored) 0.5 s, SIGTERM (ignored) 0.5 s, then SIGKILL
    assert session.ending == "SIGKILL"


async def test_ctrl_c_stops_within_seconds_with_a_deaf_app_drowning_in_keys(tmp_path: Path) -> None:
    """An app that reads no input while a tab pours keys in: its input pipe is full, so even the quit request
    cannot be written. The server still stops within the quit and SIGTERM graces (their defaults)."""
    unlimited = InputLimits(bytes_per_second=1e12, burst_bytes=1e12, messages_per_second=1e9, burst_messages=1e9)
    log = tmp_path / "app.log"
    server = WebServer([sys.executable, str(FAKE_APP), "deaf", str(log)], "127.0.0.1", 0, limits=unlimited)
    started = asyncio.Event()
    task = asyncio.create_task(server.run(lambda addresses: started.set()))
    await asyncio.wait_for(started.wait(), 10)
    url = f"http://127.0.0.1:{server.addresses[0][1]}/ws"
    async with aiohttp.ClientSession() as client, client.ws_connect(url) as ws:
        await SocketTab(ws).wait_for("fake app screen", 10)
        (session,) = server.sessions
        pouring = asyncio.create_task(flood(ws, 1024 * MB, 4096))  # until the socket closes
        await asyncio.sleep(1.0)  # the app's input pipe, the server's buffers and the socket's fill up
        assert not pouring.done()
        start = time.monotonic()
        server._on_signal(2)  # ctrl+c
        await asyncio.wait_for(task, 20)
        took = time.monotonic() - start
        pouring.cancel()
    print(f"\nctrl+c to stopped with a deaf, flooded app: {took:.2f} s")
    assert took < QUIT_GRACE + TERM_GRACE + 2, took
    assert session.ending == "SIGKILL"
    assert session.pid is not None and gone(session.pid)


@pytest.mark.parametrize("size", [64, MB], ids=["small-messages", "one-message"])
async def test_a_tab_flooding_keys_is_cut_off_and_its_app_ends_with_its_socket(db_path: Path, size: int) -> None:
    """1 MB of screen keys on the real app: most of it never reaches the app, and once the socket closes the
    app's process ends within seconds (before: it ran at 100% CPU on a queue of a million keys)."""
    with running_server(db_path) as server:
        async with aiohttp.ClientSession() as client:
            ws = await client.ws_connect(server.url + "ws?width=120&height=40")
            tab = SocketTab(ws, server)
            await tab.wait_for("IKM terdaftar")
            (pid,) = session_pids(server.output)
            start = time.monotonic()
            sent = await flood(ws, MB, size)
            flooded = time.monotonic() - start
            await ws.close()
            closed = time.monotonic()
        took = await until(lambda: gone(pid), 15, "the flooded tab's app to end")
        print(f"\n{sent} bytes of keys in {flooded:.2f} s; the app ended {took:.2f} s after its socket closed")
        await until(lambda: "Sesi 1 berakhir" in server.output, 10, "the server to report the session ended")
        assert time.monotonic() - closed < 10
        assert took < QUIT_GRACE + TERM_GRACE + 3, took
        if size == 64:
            assert "terlalu banyak masukan" in server.output  # the server cut the tab off, and said so
        # The server itself is fine: a new tab works.
        async with aiohttp.ClientSession() as client, client.ws_connect(server.url + "ws?width=120&height=40") as ws:
            await SocketTab(ws, server).wait_for("IKM terdaftar")
        assert server.interrupt(30) == 0
    assert Database(db_path, "reader", create=False).count("ikm") == 60


async def test_ctrl_c_stops_the_real_server_within_seconds_while_tabs_pour_keys_in(db_path: Path) -> None:
    """Two tabs: each sends a burst of screen keys the limit lets through (tens of thousands of screen
    switches queued in its app) and keeps typing just under the limit; ctrl+c. Before: over 25 s."""
    with running_server(db_path) as server:
        async with aiohttp.ClientSession() as client:
            sockets = [await client.ws_connect(server.url + "ws?width=120&height=40") for _tab in range(2)]
            tabs = [SocketTab(ws, server) for ws in sockets]
            for tab in tabs:
                await tab.wait_for("IKM terdaftar")
            pids = session_pids(server.output)
            limits = InputLimits()

            async def pour(ws: aiohttp.ClientWebSocketResponse) -> None:
                await flood(ws, int(limits.burst_bytes * 0.9), 256)
                while not ws.closed:  # then just under the rate
                    await flood(ws, 256, 256)
                    await asyncio.sleep(256 / limits.bytes_per_second * 1.5)

            pouring = [asyncio.create_task(pour(ws)) for ws in sockets]
            await asyncio.sleep(2)
            assert "terlalu banyak masukan" not in server.output  # within the limit: not cut off
            start = time.monotonic()
            code = await asyncio.to_thread(server.interrupt, 30)
            took = time.monotonic() - start
            for task in pouring:
                task.cancel()
            for ws in sockets:
                await ws.close()
    print(f"\nctrl+c to stopped with two flooding tabs: {took:.2f} s\n" + server.output)
    assert code == 0, server.output
    assert took < QUIT_GRACE + TERM_GRACE + 3, took
    assert all(gone(pid) for pid in pids)
    assert server.output.rstrip().endswith("Berhenti: semua sesi telah berakhir")
    assert Database(db_path, "reader", create=False).count("ikm") == 60  # nothing lost, the file opens


# ---------------------------------------------------------------------- daily backups
def test_serve_makes_todays_daily_backup_at_start(monkeypatch: pytest.MonkeyPatch, db_path: Path) -> None:
    monkeypatch.setattr("ikmtui.serve.server.serve", lambda *args, **kwargs: 0)
    assert daily_backups(db_path) == []
    assert main(["serve", "--db", str(db_path), "--user", "tester"]) == 0
    deadline = time.monotonic() + 20
    while not daily_backups(db_path):
        assert time.monotonic() < deadline, "serve made no daily backup"
        time.sleep(0.05)
    (backup,) = daily_backups(db_path)
    assert f"-daily-{date.today():%Y%m%d}-" in backup.name
    assert Database(backup, "reader", create=False).count("ikm") == 60
    start_daily_backup(Database(db_path, "tester")).join(20)  # what serve calls: once a day, not once a start
    assert daily_backups(db_path) == [backup]


async def test_the_server_looks_for_todays_backup_while_it_runs(tmp_path: Path, db_path: Path) -> None:
    """A server runs for weeks: the day after it started, a new daily backup is made without a restart."""
    async with fake_server(tmp_path, "slow-save", db_path=db_path, backup_every=0.1):
        await until(lambda: bool(daily_backups(db_path)), 20, "a daily backup")
        for old in daily_backups(db_path):  # as if the day changed: today's copy is missing again
            old.unlink()
        await until(lambda: bool(daily_backups(db_path)), 20, "the next daily backup")


def test_a_failed_daily_backup_is_one_line_and_the_server_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    paths.beside(db_path, ".backups").write_text("a file where the backups folder belongs")
    assert backup_today(db_path) is None
    out = capsys.readouterr().out
    assert out.startswith("Pencadangan harian") and out.count("\n") == 1, out


# ---------------------------------------------------------------------- uploads
@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("rekap ikm 2026.xlsx", "rekap ikm 2026.xlsx"),
        ("../../x.xlsx", "x.xlsx"),
        ("..\\..\\Windows\\data.CSV", "data.csv"),
        ("/etc/cron.d/evil.ods", "evil.ods"),
        (".hidden.xls", "hidden.xls"),
        ("a\x00b;rm -rf $HOME.csv", "a_b_rm -rf _HOME.csv"),
        ("x" * 300 + ".xlsx", "x" * 95 + ".xlsx"),
        (".xlsx", "upload.xlsx"),
        ("data.xlsx.exe", None),
        ("ikmtui.json", None),
        ("noext", None),
        ("..", None),
        ("", None),
        ("x.xlsx/", None),
    ],
)
def test_upload_names_are_sanitised(sent: str, kept: str | None) -> None:
    assert upload_name(sent) == kept


async def post_file(
    client: aiohttp.ClientSession, fake: FakeServer, name: str, body: bytes | Any, *, origin: str | None = "same"
) -> tuple[int, dict[str, Any]]:
    form = aiohttp.FormData(quote_fields=False)  # the name exactly as sent (a browser does not quote it)
    form.add_field("note", "a field before the file")
    form.add_field("file", body, filename=name, content_type="application/octet-stream")
    headers = {} if origin is None else {"Origin": fake.origin if origin == "same" else origin}
    async with client.post(fake.url + "upload", data=form, headers=headers) as response:
        try:
            answer = await response.json()
        except aiohttp.ContentTypeError:
            answer = {"text": await response.text()}
        return response.status, answer


async def test_an_uploaded_spreadsheet_lands_owner_only_in_the_uploads_folder(tmp_path: Path, db_path: Path) -> None:
    os.umask(0o022)
    content = b"PK\x03\x04 a workbook" * 1000
    folder = paths.uploads_dir(db_path)
    async with fake_server(tmp_path, "slow-save", db_path=db_path) as fake, aiohttp.ClientSession() as client:
        status, answer = await post_file(client, fake, "../../x.xlsx", content)
        assert (status, answer["ok"], answer["name"]) == (200, True, "x.xlsx")
        assert "x.xlsx" in answer["message"]
        status, again = await post_file(client, fake, "x.xlsx", b"second")  # never overwrites the first
        assert (status, again["name"]) == (200, "x (2).xlsx")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert sorted(p.name for p in folder.iterdir()) == ["x (2).xlsx", "x.xlsx"]  # no temp file left
    kept = folder / "x.xlsx"
    assert kept.read_bytes() == content
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert stat.S_IMODE((folder / "x (2).xlsx").stat().st_mode) == 0o600
    assert not (tmp_path / "x.xlsx").exists() and not (tmp_path.parent / "x.xlsx").exists()


async def test_uploads_refused_too_large_wrong_type_foreign_origin_or_full_folder(
    tmp_path: Path, db_path: Path
) -> None:
    folder = paths.uploads_dir(db_path)
    database = db_path.read_bytes()
    async with fake_server(tmp_path, "slow-save", db_path=db_path) as fake, aiohttp.ClientSession() as client:
        status, answer = await post_file(client, fake, "big.xlsx", b"\0" * (20 * MB + 1))
        assert status == 413 and not answer["ok"] and "20 MB" in answer["message"]

        async def chunks() -> AsyncIterator[bytes]:  # no length announced: refused while it streams in
            for _chunk in range(21):
                yield b"\0" * MB

        status, answer = await post_file(client, fake, "stream.xlsx", chunks())
        assert status == 413, answer
        for name in ("run.sh", "ikmtui.json", "photo.jpg", "no-extension"):
            status, answer = await post_file(client, fake, name, b"x")
            assert status == 415 and ".xlsx" in answer["message"], (name, answer)
        assert (await post_file(client, fake, "a.csv", b"x", origin="http://attacker.example"))[0] == 403
        assert (await post_file(client, fake, "a.csv", b"x", origin=None))[0] == 403
        async with client.post(fake.url + "upload", data=b"plain", headers={"Origin": fake.origin}) as response:
            assert response.status == 400
        fake.server.uploads_folder_max_bytes = 100
        status, answer = await post_file(client, fake, "a.csv", b"x" * 200)
        assert status == 507 and str(folder) in answer["message"]
    assert not folder.exists() or list(folder.iterdir()) == []  # nothing kept, no partial file
    assert db_path.read_bytes() == database


async def test_an_upload_never_follows_a_link_planted_at_the_uploads_folder(tmp_path: Path, db_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    paths.uploads_dir(db_path).symlink_to(elsewhere)
    async with fake_server(tmp_path, "slow-save", db_path=db_path) as fake, aiohttp.ClientSession() as client:
        status, answer = await post_file(client, fake, "a.csv", b"x")
    assert status == 500 and not answer["ok"]
    assert list(elsewhere.iterdir()) == []


async def test_the_page_has_an_upload_button_and_no_server_without_a_database_takes_uploads(tmp_path: Path) -> None:
    async with fake_server(tmp_path, "slow-save") as fake, aiohttp.ClientSession() as client:
        async with client.get(fake.url) as response:
            page = await response.text()
        assert _("Upload spreadsheet") in page and 'fetch("/upload"' in page
        assert (await post_file(client, fake, "a.csv", b"x"))[0] == 404
