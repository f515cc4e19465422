"""``ikmtui serve`` without a browser: options, warnings, the page, guards, sessions and an ordered shutdown."""

from __future__ import annotations

import asyncio
import json
import re
import sys
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from ikmtui.cli import build_parser, main
from ikmtui.serve.limits import MAX_TABS, MAX_TABS_PER_ADDRESS
from ikmtui.serve.network import is_loopback, urls
from ikmtui.serve.server import WebServer
from ikmtui.serve.session import session_command
from ikmtui.storage import Database
from ikmtui.ui.app import make_app
from ikmtui.ui.kit.delivery import deliver_file, in_browser
from tests.support.serve_support import SocketTab, gone, running_server, session_pids

FAKE_APP = Path(__file__).resolve().parents[1] / "support" / "serve_fake_app.py"


# ---------------------------------------------------------------------- command line
def test_serve_options_and_defaults() -> None:
    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port) == ("127.0.0.1", 8000)
    args = build_parser().parse_args(["serve", "--db", "x.json", "--host", "0.0.0.0", "--port", "0", "--lang", "en"])
    assert (str(args.db), args.host, args.port, args.lang) == ("x.json", "0.0.0.0", 0, "en")
    with pytest.raises(SystemExit):
        build_parser().parse_args(["serve", "--port", "70000"])


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.53", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.10", False),
        ("kantor.example", False),
    ],
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def _run_serve(monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> dict[str, Any]:
    """Run the command up to the point where it would listen; return what it would have served."""
    seen: dict[str, Any] = {}

    def fake_serve(path: Path, **kwargs: Any) -> int:
        seen.update(kwargs, path=path)
        return 0

    monkeypatch.setattr("ikmtui.serve.server.serve", fake_serve)
    assert main(argv) == 0
    return seen


def test_loopback_is_the_default_and_needs_no_warning(
    monkeypatch: pytest.MonkeyPatch, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seen = _run_serve(monkeypatch, ["serve", "--db", str(db_path), "--user", "tester"])
    assert seen == {
        "path": db_path.resolve(),
        "host": "127.0.0.1",
        "port": 8000,
        "lang": "id",
        "user": "tester",
        "max_tabs": MAX_TABS,
        "max_tabs_per_address": MAX_TABS_PER_ADDRESS,
    }
    out = capsys.readouterr()
    assert "60 IKM" in out.out
    assert out.err == ""


def test_listening_on_the_network_warns_about_sign_in(
    monkeypatch: pytest.MonkeyPatch, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seen = _run_serve(
        monkeypatch, ["serve", "--db", str(db_path), "--host", "0.0.0.0", "--port", "8080", "--lang", "en"]
    )
    assert (seen["host"], seen["port"], seen["lang"]) == ("0.0.0.0", 8080, "en")
    err = capsys.readouterr().err
    assert "Warning: listening on 0.0.0.0" in err
    assert "port 8080" in err
    assert "Sign-in is NOT enabled" in err  # the demo office has no passwords yet


def test_network_warning_says_when_sign_in_is_on(db: Database) -> None:
    from ikmtui.commands.serve import beyond_this_computer
    from ikmtui.services import staff

    staff.add(db, "kepala", "Kepala Seksi", "administrator", "kata-sandi-yang-panjang-1")
    text = beyond_this_computer(db, "0.0.0.0", 8000)
    assert "Proses masuk sudah aktif" in text
    assert "BELUM" not in text


def test_a_damaged_database_is_reported_before_listening(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("not a database")
    monkeypatch.setattr("ikmtui.serve.server.serve", lambda *a, **k: pytest.fail("must not listen"))
    assert main(["serve", "--db", str(bad)]) == 2
    assert "ikmtui:" in capsys.readouterr().err


def test_a_session_on_a_missing_file_ends_with_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ikmtui.serve.tab import main as session_main

    assert session_main(["--db", str(tmp_path / "none.json"), "--user", "x"]) == 2
    assert "ikmtui:" in capsys.readouterr().err


def test_session_command_runs_the_tab_module_with_the_server_settings(tmp_path: Path) -> None:
    argv = session_command(tmp_path / "d.json", "en", "siti", 0.5)
    assert argv[:3] == [sys.executable, "-m", "ikmtui.serve.tab"]
    assert argv[3:] == ["--db", str(tmp_path / "d.json"), "--lang", "en", "--user", "siti", "--poll", "0.5"]


def test_urls_for_bound_addresses() -> None:
    assert urls([("127.0.0.1", 8123)], "127.0.0.1") == ["http://127.0.0.1:8123/"]
    assert urls([("::1", 80)], "::1") == ["http://[::1]:80/"]
    assert urls([("0.0.0.0", 8000)], "0.0.0.0")[0].endswith(":8000/")


# ---------------------------------------------------------------------- shutdown, with stand-in app processes
async def _serve_fake(tmp_path: Path, mode: str, quit_grace: float) -> tuple[WebServer, Path, list[str]]:
    log = tmp_path / "app.log"
    server = WebServer([sys.executable, str(FAKE_APP), mode, str(log)], "127.0.0.1", 0, quit_grace=quit_grace)
    started = asyncio.Event()
    task = asyncio.create_task(server.run(lambda addresses: started.set()))
    await asyncio.wait_for(started.wait(), 10)
    url = f"http://127.0.0.1:{server.addresses[0][1]}/ws"
    async with aiohttp.ClientSession() as client, client.ws_connect(url) as ws:
        tab = SocketTab(ws)
        await tab.wait_for("fake app screen", 10)
        server._on_signal(2)  # what ctrl+c does
        await asyncio.wait_for(task, 20)
        await asyncio.wait_for(tab.closed.wait(), 5)  # the page is told the session ended
    return server, log, log.read_text().split()


async def test_ctrl_c_lets_a_session_finish_its_save(tmp_path: Path) -> None:
    server, _, lines = await _serve_fake(tmp_path, "slow-save", quit_grace=10)
    # The server asked the app to quit and waited the second its save took: nothing was cut short.
    assert lines[0] == "started"
    assert lines[2:] == ["quit", "saved"]
    assert server.sessions == set()


async def test_an_app_that_does_not_quit_gets_sigterm_and_is_waited_for(tmp_path: Path) -> None:
    _, _, lines = await _serve_fake(tmp_path, "ignore-quit", quit_grace=0.5)
    assert lines[2:] == ["quit", "sigterm"]


# ---------------------------------------------------------------------- the real server, without a browser
def _free_of_external_links(page: str) -> bool:
    links = re.findall(r'(?:src|href)="([^"]*)"', page)
    return bool(links) and all(link.startswith("/") for link in links)


async def test_real_server_page_guards_sessions_and_ordered_shutdown(db_path: Path) -> None:
    with running_server(db_path) as server:
        async with aiohttp.ClientSession() as client:
            async with client.get(server.url) as response:
                page = await response.text()
                assert response.status == 200
            assert "Sesi berakhir." in page  # translated
            assert _free_of_external_links(page)  # the office network may have no internet
            async with client.get(server.url, headers={"Host": "ikm.attacker.example:80"}) as response:
                assert response.status == 403  # DNS rebinding: a foreign name for a loopback-only server
            with pytest.raises(aiohttp.WSServerHandshakeError):
                await client.ws_connect(server.url + "ws", origin="http://attacker.example")
            ws_url = server.url + "ws?width=120&height=40"
            async with (
                client.ws_connect(ws_url, origin=server.url.rstrip("/")) as ws1,
                client.ws_connect(ws_url) as ws2,
            ):
                one, two = SocketTab(ws1, server), SocketTab(ws2, server)
                await one.wait_for("IKM terdaftar")  # the dashboard, in Indonesian
                await two.wait_for("IKM terdaftar")
                mark = len(one.chunks)
                await one.keys("2")  # keys reach the app: the IKM screen with its 60 records
                await one.wait_for("60 data", since=mark)
                code = await asyncio.to_thread(server.interrupt)
                await asyncio.wait_for(one.closed.wait(), 10)
    assert code == 0, server.output
    out = server.output
    assert "Berhenti: menunggu 2 sesi terbuka" in out
    assert len(re.findall(r"kode keluar 0, quit", out)) == 2, out
    assert out.rstrip().endswith("Berhenti: semua sesi telah berakhir")
    pids = session_pids(out)
    assert len(pids) == 2
    assert all(gone(pid) for pid in pids)


async def test_closing_a_tab_ends_its_app(db_path: Path) -> None:
    with running_server(db_path) as server:
        async with aiohttp.ClientSession() as client, client.ws_connect(server.url + "ws?width=120&height=40") as ws:
            tab = SocketTab(ws, server)
            await tab.wait_for("IKM terdaftar")
        deadline = asyncio.get_running_loop().time() + 15
        while "Sesi 1 berakhir" not in server.output:
            assert asyncio.get_running_loop().time() < deadline, server.output
            await asyncio.sleep(0.05)
        assert "kode keluar 0, quit); 0 terbuka" in server.output
        assert all(gone(pid) for pid in session_pids(server.output))


async def test_a_file_the_app_hands_over_is_downloaded_from_the_server(db_path: Path) -> None:
    """The palette's screenshot goes the way exports do in a browser: App.deliver_* -> /download/<key>."""
    with running_server(db_path) as server:
        async with aiohttp.ClientSession() as client, client.ws_connect(server.url + "ws?width=120&height=40") as ws:
            tab = SocketTab(ws, server)
            await tab.wait_for("IKM terdaftar")
            await tab.keys("\x10")  # ctrl+p: the command palette
            await asyncio.sleep(0.5)
            await tab.keys("Screenshot")
            await asyncio.sleep(0.5)
            await tab.keys("\r")
            deadline = asyncio.get_running_loop().time() + 30
            while not tab.messages:
                assert asyncio.get_running_loop().time() < deadline, tab.text()[-2000:]
                await asyncio.sleep(0.05)
            kind, key = json.loads(tab.messages[0])
            assert kind == "deliver_file_start"
            async with client.get(f"{server.url}download/{key}") as response:
                body = await response.text()
                disposition = response.headers["Content-Disposition"]
            assert response.status == 200
            assert body.lstrip().startswith("<svg")
            assert disposition.startswith("inline; filename=")
            assert "filename*=UTF-8''" in disposition  # the app title has a non-ASCII dot: quoted properly
            async with client.get(f"{server.url}download/{key}") as again:
                assert again.status == 404  # a download key is good once


# ---------------------------------------------------------------------- handing files to the officer
class BrowserApp:
    """What deliver_file needs of an app served to a browser."""

    is_web = True

    def __init__(self) -> None:
        self.delivered: list[tuple[Path, dict[str, Any]]] = []
        self.notes: list[str] = []

    def deliver_binary(self, path: Path, **options: Any) -> str:
        self.delivered.append((path, options))
        return "key-1"

    def notify(self, message: str, **options: Any) -> None:
        self.notes.append(message)


def test_in_a_browser_a_file_is_sent_as_a_download(tmp_path: Path) -> None:
    report = tmp_path / "rekap ikm 2026.xlsx"
    report.write_bytes(b"PK")
    app = BrowserApp()
    assert in_browser(app)  # type: ignore[arg-type]
    assert deliver_file(app, report) == "key-1"  # type: ignore[arg-type]
    assert app.delivered == [(report, {"open_method": "download", "mime_type": None, "name": report.name})]
    assert app.notes == ["Mengirim rekap ikm 2026.xlsx ke peramban Anda sebagai unduhan"]
    photo = tmp_path / "batik.jpg"
    photo.write_bytes(b"\xff\xd8")
    deliver_file(app, photo, inline=True)  # type: ignore[arg-type]
    assert app.delivered[-1] == (photo, {"open_method": "browser", "mime_type": None, "name": "batik.jpg"})
    assert app.notes[-1] == "Membuka batik.jpg di peramban Anda"


async def test_in_a_terminal_the_officer_is_told_where_the_file_is(db: Database, tmp_path: Path) -> None:
    report = tmp_path / "rekap.csv"
    report.write_text("a,b\n")
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        assert not in_browser(app)
        assert deliver_file(app, report) is None
        await pilot.pause()
        assert [n.message for n in app._notifications] == [f"Disimpan di {report.resolve()}"]
    assert report.read_text() == "a,b\n"  # left where it was written


# ---------------------------------------------------------------------- the tests' terminal screen
def test_terminal_screen_follows_cursor_moves_colours_and_split_sequences() -> None:
    from tests.support.serve_support import TerminalScreen

    screen = TerminalScreen(width=20, height=4)
    screen.feed(b"\x1b[2;3H\x1b[38;2;1;120;212m\xe2\x96\x8a ab\x1b[0m cd\x1b[1;1H")
    screen.feed(b"IKM\x1b[4;1")  # a cursor move cut in two by the transport
    screen.feed(b"0HZ\x1b]22;default\x07\x1b[?25l")
    assert screen.lines() == ["IKM", "  ▊ ab cd", "", "         Z"]
    assert screen.colors[1][2] == "2;1;120;212"  # the border's colour
    assert screen.colors[1][7] == ""
    assert screen.cursor == (3, 9)
    screen.feed(b"\x1b[1;18Hlong text")  # clipped at the edge, never wrapped
    assert screen.lines()[0] == "IKM              lon"


def test_a_port_in_use_is_one_clear_line(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--db", str(db_path), "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"ikmtui: tidak dapat mendengarkan di 127.0.0.1 port {port}: ")
    assert err.count("\n") == 1
