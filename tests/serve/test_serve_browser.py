"""``ikmtui serve`` in a real browser: headless Chromium (Debian's, at /usr/bin/chromium) driven by Playwright.

Several tabs are several app processes on one database file. The tests type with the keyboard as an officer
would and read each tab's screen as the officer sees it: the terminal output the page receives is replayed into
a grid of cells (``serve_support.TerminalScreen``), so a test can find a label, read the field beside it and tell
which field has the focus (its border is drawn in the highlight colour). Every key waits for the screen to show
that the previous one took effect: keys sent before a field has the focus would land in the previous field,
as they would for an officer typing far faster than the app can follow.

Chromium reaches nothing but this machine: host names other than 127.0.0.1 do not resolve, and any request to
another address is aborted. Screenshots are kept (the folder is printed) for a person to look at.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ikmtui.i18n import _, ngettext
from ikmtui.storage import Database
from tests.support.serve_support import TerminalScreen, gone, running_server, screen_text, session_pids

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
pytestmark = [
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium (apt-get install chromium)"
    ),
    # A browser, a server and an app process per tab race on a busy machine (keys typed right after a focus change
    # can reach the previous field); a second try tells a real failure from that.
    pytest.mark.flaky(reruns=2, reruns_delay=2),
]
SLOW = 60  # seconds: a tab's app starts in 1-3 s and answers a key in milliseconds, far slower on a busy machine
#: Screenshots are kept here (pytest's own temporary folders are rotated away by later runs).
ARTIFACTS = Path(os.environ.get("IKMTUI_TEST_ARTIFACTS") or Path(tempfile.gettempdir()) / "ikmtui-test-artifacts")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)

    def only_this_machine(route: Any) -> None:
        if re.match(r"https?://127\.0\.0\.1[:/]", route.request.url):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", only_this_machine)
    yield context
    context.close()


@pytest.fixture
def artifacts(request: pytest.FixtureRequest) -> Path:
    folder = ARTIFACTS / f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}" / request.node.name
    folder.mkdir(parents=True)
    print(f"\nscreenshots of the browser tabs: {folder}")
    return folder


class Tab:
    """One browser tab on the server, its keyboard and its screen."""

    def __init__(self, context: Any, url: str, artifacts: Path, name: str) -> None:
        self.artifacts, self.name = artifacts, name
        self.page = context.new_page()
        self.chunks: list[bytes] = []
        self.sent: list[str] = []  # what the page sent the server: keys, focus, resize
        self.closed = False
        self._screen = TerminalScreen(width=240, height=80)
        self._fed = 0
        self._focused = False
        self.page.on("websocket", self._socket)
        self.page.goto(url)

    def _socket(self, socket: Any) -> None:
        socket.on("framereceived", lambda data: self.chunks.append(data if isinstance(data, bytes) else data.encode()))
        socket.on("framesent", lambda data: self.sent.append(data if isinstance(data, str) else repr(data)))
        socket.on("close", lambda _socket: setattr(self, "closed", True))

    # ------------------------------------------------------------------ reading
    def screen(self) -> TerminalScreen:
        while self._fed < len(self.chunks):
            self._screen.feed(self.chunks[self._fed])
            self._fed += 1
        return self._screen

    def lines(self) -> list[str]:
        return self.screen().lines()  # cached by the screen until more output arrives

    def until(self, condition: Callable[[], object], what: str, timeout: float = SLOW) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline or self.closed:
                self.page.screenshot(path=str(self.artifacts / f"failed-{self.name}-{int(time.time())}.png"))
                raise AssertionError(f"tab {self.name}: {what}; it sent {self.sent[-30:]}\n" + self.screen().text())
            self.page.wait_for_timeout(30)  # lets Playwright deliver the frames of every tab

    def wait_for(self, needle: str, timeout: float = SLOW) -> None:
        """Until ``needle`` is on the screen now."""
        self.until(lambda: any(needle in line for line in self.lines()), f"{needle!r} is not on the screen", timeout)

    def row(self, needle: str) -> int | None:
        return next((i for i, line in enumerate(self.lines()) if needle in line), None)

    def border_colour(self, row: int) -> str:
        """Colour of the left border of the field on ``row`` (an input's tall border is drawn with ▊)."""
        line = self.lines()[row]
        column = line.find("▊")
        return self.screen().colors[row][column] if column >= 0 else ""

    def fields(self, labels: list[str]) -> dict[str, tuple[int, str, str]]:
        """The visible form fields among ``labels`` (one or two to a line): their row, text and border colour."""
        found: dict[str, tuple[int, str, str]] = {}
        colors = self.screen().colors
        for row, line in enumerate(self.lines()):
            if "▊" not in line:
                continue
            for label in labels:
                at = line.find(f" {label} ")
                border = line.find("▊", at + 1) if at >= 0 else -1
                beside = line[at + len(label) + 1 : border].strip()  # nothing, or the mark of a required field
                if at >= 0 and 0 <= border - at < 40 and beside in ("", "*"):
                    end = line.find("▎", border)
                    found[label] = (row, line[border + 1 : end if end > 0 else None].strip(), colors[row][border])
        return found

    def field_text(self, label: str) -> str:
        return self.fields([label]).get(label, (0, "", ""))[1]

    def focused(self, labels: list[str]) -> str | None:
        """Which of the visible fields has the focus: the one border whose colour differs from all the others."""
        found = self.fields(labels)
        colours = Counter(colour for _row, _text, colour in found.values())
        odd = [label for label, (_row, _text, colour) in found.items() if colours[colour] == 1]
        return odd[0] if len(odd) == 1 and len(found) > 2 else None

    # ------------------------------------------------------------------ typing
    def _focus_terminal(self) -> None:
        if not self._focused:  # the terminal keeps the keyboard focus: nothing else on the page takes it
            self.page.locator(".xterm-helper-textarea").focus()
            self._focused = True

    def keys(self, *keys: str) -> None:
        """Press keys (Playwright names: Tab, Enter, Control+s, F1) in the terminal of this tab."""
        self._focus_terminal()
        for key in keys:
            self.page.keyboard.press(key)

    def type(self, text: str) -> None:
        """Text as the keyboard's input would give it (one input event, as a fast typist or a paste would)."""
        self._focus_terminal()
        self.page.keyboard.insert_text(text)

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(self.artifacts / name))


# ---------------------------------------------------------------------- an officer's steps
def open_ikm_screen(tab: Tab) -> None:
    tab.keys("2")
    tab.wait_for(_("Type to filter ( / )"))
    tab.wait_for(_("/ search · s sort · ←→ column · enter open"))


def search(tab: Tab, text: str) -> None:
    """``/`` puts the focus in the search box (its border lights up), then the text filters the table."""
    row = tab.row(_("Type to filter ( / )"))
    assert row is not None
    before = tab.border_colour(row)
    tab.keys("/")
    tab.until(lambda: tab.border_colour(row) != before, "the search box did not take the focus")
    tab.type(text)
    tab.wait_for(text)


def ikm_values(number: int, name: str) -> dict[str, str]:
    """What the officer types, by field name; fields not named keep what the form shows."""
    return {
        "name": name,
        "owner_name": f"Pemilik Uji {number}",
        "owner_nik": f"337406010190{number:04d}",
        "nib": f"98{number:011d}",
        "address": f"Jl. Majapahit No. {number}",
        "kecamatan": "Pedurungan",
        "kelurahan": "Tlogosari Kulon",
        "phone": f"0812345{number:05d}",  # a phone of its own: a shared one marks a possible duplicate
        "kbli": "10710",
        "product": "wingko babat",
        "investment": "50.000.000",
        "turnover": "300.000.000",
        "year_founded": "2015",
    }


def fill_ikm_form(tab: Tab, db_path: Path, values: dict[str, str]) -> None:
    """From the IKM screen: ``a`` opens the form; every field is reached with Tab and typed or chosen.

    The fields, their order and their options are the form's own (``ikm_fields``), read in the officer's
    language; the test only knows what to type. Not saved yet.
    """
    from ikmtui.ui.registry.form import ikm_fields

    with Database(db_path, "reader", create=False) as db:  # closed: an open one keeps the journal from folding
        fields = ikm_fields(db, None)
    labels = [_(spec.label) for spec in fields]
    last = max(i for i, spec in enumerate(fields) if spec.name in values)
    tab.keys("a")
    tab.wait_for(_("New IKM"))
    chosen: dict[str, str] = {}
    for index, spec in enumerate(fields[: last + 1]):
        label = labels[index]
        tab.until(lambda label=label: tab.focused(labels) == label, f"{label} did not take the focus")
        value = values.get(spec.name)
        if value is not None and spec.kind == "select":
            options = [option for option, _value in spec.choices(chosen)]
            tab.keys("Enter")  # opens the list
            tab.wait_for(options[0][:24])  # a long option wraps onto the next line
            tab.type(value)  # jumps to the first option holding it
            tab.keys("Enter")
            tab.until(lambda label=label, value=value: value in tab.field_text(label), f"{label} does not show {value}")
            chosen[spec.name] = value
        elif value is not None:
            tab.type(value)
            tab.until(lambda label=label, value=value: tab.field_text(label) == value, f"{label} does not show {value}")
        if index < last:
            tab.keys("Tab")


def save_form(tab: Tab) -> None:
    tab.keys("Control+s")
    tab.until(lambda: not any(_("New IKM") in line for line in tab.lines()), "the form did not close")


def saved(db_path: Path, **equals: Any) -> list[dict[str, Any]]:
    with Database(db_path, "reader", create=False) as db:
        return db.find("ikm", **equals)


# ---------------------------------------------------------------------- the tests
def test_two_tabs_one_database_keys_forms_download_and_ordered_stop(
    context: Any, db_path: Path, artifacts: Path
) -> None:
    name = "Wingko Peramban Satu"
    with running_server(db_path) as server:
        first = Tab(context, server.url, artifacts, "first")
        second = Tab(context, server.url, artifacts, "second")
        first.wait_for(_("IKM registered"))  # the dashboard, in Bahasa Indonesia
        second.wait_for(_("IKM registered"))
        first.shot("1-dashboard.png")

        # The second tab filters the IKM table on the name about to be added: nothing yet.
        open_ikm_screen(second)
        search(second, name)
        second.wait_for(_("{shown} of {total} shown", shown=0, total=60))

        # The first tab adds it through the form, with keys only; ctrl+s saves.
        open_ikm_screen(first)
        fill_ikm_form(first, db_path, ikm_values(1, name))
        first.shot("2-form.png")
        save_form(first)
        first.wait_for(ngettext("{n} record", "{n} records", 61))
        rows = saved(db_path, name=name)
        assert len(rows) == 1
        stored = rows[0]
        assert (stored["kelurahan"], stored["kbli"], stored["investment"]) == ("Tlogosari Kulon", "10710", 50_000_000)
        assert rows[0]["created_by"] == "tester"

        # The second tab shows it by itself (it looks for other officers' saves every 2 s).
        code = rows[0]["code"]
        second.until(
            lambda: any(code in line and name in line for line in second.lines()),
            f"the second tab does not list {code} {name}",
        )
        second.wait_for(_("{shown} of {total} shown", shown=1, total=61))
        second.shot("3-second-tab.png")

        # Function keys reach the app too: F1 shows the help, escape closes it.
        first.keys("F1")
        first.wait_for("ikmtui — bantuan")
        first.keys("Escape")
        first.until(lambda: first.row("ikmtui — bantuan") is None, "the help did not close")

        # A file the app hands over arrives as a download (the palette's screenshot goes the way exports do).
        first.keys("Control+p")
        first.wait_for(_("Search screens, actions and records (code or name)…")[:30])
        first.type(_("Screenshot"))
        first.wait_for(_("Save a picture of the screen (SVG)")[:30])
        with context.expect_page(timeout=SLOW * 1000) as opened:
            first.keys("Enter")
        download = opened.value
        download.wait_for_load_state()
        assert "/download/" in download.url
        assert "<svg" in download.content()

        status = server.interrupt()  # ctrl+c with both tabs open
    assert status == 0, server.output
    assert len(re.findall(r"kode keluar 0, quit", server.output)) == 2, server.output
    assert all(gone(pid) for pid in session_pids(server.output))
    journal = db_path.with_name(db_path.name + ".journal")
    assert not journal.exists() or journal.stat().st_size == 0  # both sessions closed the database properly
    assert len(saved(db_path, name=name)) == 1


#: Two businesses registered at once, unlike each other (names alike would be shown as possible duplicates).
SIMULTANEOUS = ("Wingko Serentak", "Batik Bersamaan")


def test_two_tabs_saving_at_once_lose_nothing(context: Any, db_path: Path, artifacts: Path) -> None:
    rounds = 1  # one simultaneous save per tab; many writers on one file: tests/unit/storage/test_storage_processes.py
    with running_server(db_path) as server:
        tabs = [Tab(context, server.url, artifacts, "a"), Tab(context, server.url, artifacts, "b")]
        for tab in tabs:
            tab.wait_for(_("IKM registered"))
            open_ikm_screen(tab)
        for round_ in range(rounds):
            # Both forms filled first, then saved within milliseconds of each other.
            for index, tab in enumerate(tabs):
                number = 10 + 10 * index + round_
                fill_ikm_form(tab, db_path, ikm_values(number, f"{SIMULTANEOUS[index]} {round_}"))
            for tab in tabs:
                tab.keys("Control+s")
            for tab in tabs:
                tab.until(
                    lambda tab=tab: not any(_("New IKM") in line for line in tab.lines()), "the form did not close"
                )
        for tab in tabs:  # each tab ends up listing every record, its own and the other's
            tab.wait_for(ngettext("{n} record", "{n} records", 60 + 2 * rounds))
        tabs[0].shot("both-saved.png")
        assert server.interrupt() == 0
    names = sorted(f"{SIMULTANEOUS[i]} {r}" for i in range(2) for r in range(rounds))
    rows = [r for r in saved(db_path) if r["name"] in names]
    assert sorted(r["name"] for r in rows) == names
    everything = Database(db_path, "reader", create=False)
    assert everything.count("ikm") == 60 + 2 * rounds
    codes = [doc["code"] for doc in everything.docs("ikm").values()]
    assert len(codes) == len(set(codes))  # no code handed out twice across the two processes
    assert {r["created_by"] for r in rows} == {"tester"}


# ---------------------------------------------------------------------- safe to hand to an office (issue 17)
def test_a_spreadsheet_uploaded_from_the_page_lands_in_the_uploads_folder(
    context: Any, db_path: Path, artifacts: Path, tmp_path: Path
) -> None:
    from ikmtui import paths

    sheet = tmp_path / "daftar ikm baru.csv"
    sheet.write_text("name,owner_name\nKeripik Uji,Siti\n")
    with running_server(db_path) as server:
        tab = Tab(context, server.url, artifacts, "upload")
        tab.wait_for(_("IKM registered"))
        tab.keys("2")  # the terminal has the keyboard
        tab.wait_for(_("Type to filter ( / )"))
        tab.page.locator("#upload-file").set_input_files(str(sheet))
        status = tab.page.locator("#upload-status")
        status.filter(
            has_text=_("Uploaded as {name}: choose it on the Import screen (ctrl+o)", name=sheet.name)
        ).wait_for(timeout=SLOW * 1000)
        tab.shot("uploaded.png")
        tab.keys("1")  # the keyboard is the terminal's again after the upload
        tab.until(lambda: tab.row(_("Type to filter ( / )")) is None, "keys no longer reach the app")
        assert server.interrupt() == 0
    kept = paths.uploads_dir(db_path) / sheet.name
    assert kept.read_bytes() == sheet.read_bytes()
    assert kept.stat().st_mode & 0o777 == 0o600


def test_a_tab_beyond_the_limit_is_told_why(context: Any, db_path: Path, artifacts: Path) -> None:
    reason = _(
        "Too many tabs are open from this computer (at most {limit}); close one and open this page again", limit=1
    )
    with running_server(db_path, "--max-tabs-per-address", "1") as server:
        first = Tab(context, server.url, artifacts, "first")
        first.wait_for(_("IKM registered"))
        second = context.new_page()
        response = second.goto(server.url)
        assert response.status == 503
        assert reason in second.inner_text("body")  # the page says why instead of starting a tab
        # A socket refused after the page loaded (tabs opened at once): the close reason replaces "Session ended".
        message = first.page.locator(".closed-dialog .message")
        assert message.inner_text() != reason
        first.page.evaluate("new WebSocket(location.href.replace('http', 'ws') + 'ws')")
        message.filter(has_text=reason).wait_for(state="attached", timeout=SLOW * 1000)
        assert "Menolak tab dari 127.0.0.1" in server.output
        assert server.interrupt() == 0


def settle(tab: Tab, seconds: float = 0.8) -> None:
    """Time for a key to take effect; what the test looks for is something that must NOT appear."""
    tab.page.wait_for_timeout(int(seconds * 1000))


def test_before_sign_in_the_palette_import_and_screen_keys_read_nothing(
    context: Any, db_path: Path, artifacts: Path
) -> None:
    """On the sign-in screen: ctrl+p, "IKM", enter (the registry opened without a password); ctrl+o (the import
    screen, with the server's folders); the screen keys 1-8. Nothing of the data reaches the page and the
    sign-in stays."""
    from ikmtui.services import staff

    db = Database(db_path, "tester")
    staff.add(db, "kepala", "Kepala Seksi", "administrator", "kata-sandi-yang-panjang-1")
    businesses = [doc["name"] for doc in db.docs("ikm").values()]
    owners = [doc["owner_name"] for doc in db.docs("ikm").values()]
    db.close()
    with running_server(db_path) as server:
        tab = Tab(context, server.url, artifacts, "signin")
        tab.wait_for(_("Sign in to ikmtui"))
        tab.keys("Control+p")
        settle(tab)
        tab.type("IKM")
        settle(tab)
        tab.keys("Enter")
        settle(tab, 1.5)
        tab.shot("1-after-palette.png")
        tab.keys("Control+o")
        settle(tab, 1.5)
        tab.shot("2-after-ctrl-o.png")
        for key in ("Escape", *"12345678", "Tab", *"12345678"):  # also with the focus off the first field
            tab.keys(key)
            settle(tab, 0.3)
        settle(tab, 1.5)
        tab.shot("3-after-screen-keys.png")
        everything = screen_text(tab.chunks)  # all the page ever received, not only the last screen
        assert not re.search(r"IKM-\d{6}", everything), "an IKM code reached the page before sign-in"
        shown = [name for name in businesses + owners if name in everything]
        assert not shown, f"data reached the page before sign-in: {shown[:5]}"
        assert tab.row(_("Sign in to ikmtui")) is not None, tab.screen().text()
        assert tab.row(_("Import spreadsheet")) is None, tab.screen().text()
        assert server.interrupt() == 0


def test_a_photo_path_outside_the_media_folder_is_not_sent_to_the_browser(
    context: Any, db_path: Path, artifacts: Path
) -> None:
    """A listing whose photo is the database file itself (stored by an older version, or typed in before the
    form checked it): Galeri, o. The browser gets no download of the database; a photo in the media folder,
    the same way, does open (so the test can tell)."""
    from ikmtui import paths

    media = paths.media_dir(db_path)
    media.mkdir(mode=0o700)
    (media / "foto.png").write_bytes(PNG)
    db = Database(db_path, "tester")
    with db.transaction() as tx:
        tx.update("gallery_listings", 1, {"photos": [str(db_path)]})
        tx.update("gallery_listings", 2, {"photos": ["foto.png"]})
    codes = [db.get("gallery_listings", n)["sku"] for n in (1, 2)]  # type: ignore[index]
    total = db.count("gallery_listings")
    db.close()
    database = db_path.read_bytes()
    with running_server(db_path) as server:
        tab = Tab(context, server.url, artifacts, "gallery")
        tab.wait_for(_("IKM registered"))
        tab.keys("6")
        tab.wait_for(codes[0])
        row = tab.row(_("Type to filter ( / )"))  # the search box (it shows the code typed, later)
        assert row is not None

        def open_photo(code: str) -> None:
            before = tab.border_colour(row)
            tab.keys("/")
            tab.until(lambda: tab.border_colour(row) != before, "the search box did not take the focus")
            if tab.row(_("Type to filter ( / )")) is None:  # the code searched for before: delete it
                tab.keys("End", *["Backspace"] * 20)
                tab.wait_for(_("Type to filter ( / )"))
            tab.type(code)
            tab.wait_for(_("{shown} of {total} shown", shown=1, total=total))
            tab.keys("Enter")  # to the table, on the one row left
            settle(tab, 0.5)
            tab.keys("o")

        with context.expect_page(timeout=SLOW * 1000) as opened:  # the control: a photo in the media folder
            open_photo(codes[1])
        photo = opened.value
        photo.wait_for_load_state()
        assert "/download/" in photo.url
        photo.close()

        pages = len(context.pages)
        mark = len(tab.chunks)
        open_photo(codes[0])
        tab.wait_for(
            _(
                "this photo is not in the media folder of the database; edit the listing and save it to "
                "bring the photo in"
            )[:40]
        )
        settle(tab, 1.5)
        tab.shot("refused-photo.png")
        received = b"".join(tab.chunks[mark:])
        assert b"deliver_file_start" not in received  # the app offered no file to the browser
        assert len(context.pages) == pages  # no download page opened
        assert server.interrupt() == 0
    assert db_path.read_bytes() == database or Database(db_path, "reader", create=False).count("ikm") == 60


#: A 1x1 PNG: a photo the media folder may hold.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
