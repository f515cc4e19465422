"""Sign-in, roles and the app shell under attack (issue 17, items 1, 4, 5, 6 and 13): nothing but sign-in before
signing in, throttling shared by every process, administration never locked out, roles always enforced, and a
poll that never waits for another process's lock."""

from __future__ import annotations

import asyncio
import math
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ikmtui.cli import main
from ikmtui.domain.permissions import PermissionDenied
from ikmtui.domain.staff import LOCKOUT_SECONDS, MAX_ADDRESS_FAILURES, MAX_FAILURES, hash_password
from ikmtui.services import personal, registry, staff
from ikmtui.storage import Database
from ikmtui.ui.app import make_app
from ikmtui.ui.signin.forms import SignInScreen

PASSWORDS = {"kepala": "admin-rahasia", "budi": "operator-1", "rina": "viewer-123"}
LOCKED = re.compile(r"coba lagi setelah pukul (\d\d:\d\d)")


@pytest.fixture
def office(db: Database) -> Database:
    """The demo database (six accounts without passwords) with sign-in on: an administrator, an operator and a
    viewer with passwords."""
    db.user = "kepala"
    staff.install_guard(db)
    staff.add(db, "kepala", "Kepala Bidang", "administrator", PASSWORDS["kepala"])
    for username, name, role in (("budi", "Budi Santoso", "operator"), ("rina", "Rina Kurnia", "viewer")):
        staff.add(db, username, name, role, PASSWORDS[username])
    return db


def files(db: Database) -> tuple[bytes, bytes]:
    return db.path.read_bytes(), db.journal_path.read_bytes() if db.journal_path.exists() else b""


def guarded(path: Path, user: str) -> Database:
    opened = Database(path, user)
    staff.install_guard(opened)
    return opened


# ---------------------------------------------------------------------- item 1: before sign-in, only sign-in
def _data_screens(app) -> list:  # type: ignore[no-untyped-def]
    classes = tuple(app.MODES.values())
    return [screen for stack in app._screen_stacks.values() for screen in stack if isinstance(screen, classes)]


async def test_before_sign_in_the_palette_keys_and_import_reach_nothing(office: Database) -> None:
    app = make_app(Database(office.path, "kepala"), poll_seconds=0.2)
    assert app.db.user == ""  # acts as nobody from the start, not as the name it was given
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        # The palette offers Help and Quit only: typing a screen's name and Enter opens nothing.
        assert [c.title for c in app.get_system_commands(app.screen)] == ["Bantuan", "Keluar"]
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        await pilot.press(*"IKM")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        await pilot.press(*"Buka", "enter", "escape")
        await pilot.pause()
        # Import and the screen keys, from the form and with nothing focused.
        for focused in (True, False):
            if not focused:
                app.screen.set_focus(None)
            await pilot.press("ctrl+o", *"12345678")
            await pilot.pause()
            assert type(app.screen) is SignInScreen, app.screen_stack
        app.call_later(app.switch_mode, "ikm")  # even asked for in code
        await pilot.pause(0.5)  # longer than the poll: no look at the data either
        assert [type(s).__name__ for s in app.screen_stack] == ["Screen", "SignInScreen"]
        assert _data_screens(app) == [] and set(app._screen_stacks) == {"_default"}
        assert app._poller is None
        assert not app.check_action("switch_mode", ("ikm",)) and not app.check_action("import_file", ())
        ikm = app.db.all("ikm")[0]
        with pytest.raises(PermissionDenied):  # no reveal and no change as nobody
            personal.reveal(app.db, "ikm", ikm["id"], "owner_nik")
        with pytest.raises(PermissionDenied):
            app.db.update("ikm", ikm["id"], {"name": "Diubah"})
        assert "belum masuk" in app.sub_title
        # F1 is harmless and still there.
        await pilot.press("f1")
        await pilot.pause()
        assert type(app.screen).__name__ == "ViewerScreen"
        await pilot.press("escape")
        await pilot.pause()
        # The username was prefilled: the password signs in, and only now the screens are built.
        assert app.screen.query_one("#signin-user").value == "kepala"
        password = app.screen.query_one("#signin-password")
        assert password.value == "12345678"  # the keys typed into the form went into the form, nowhere else
        password.value = ""
        password.focus()
        await pilot.press(*PASSWORDS["kepala"], "enter")
        await pilot.pause()
        assert app.current_mode == "dashboard" and app.db.user == "kepala"
        assert "ikm" in app._screen_stacks and app._poller is not None
        assert "Kepala Bidang (administrator)" in app.sub_title and "nonaktif" not in app.sub_title
        await pilot.press("2")
        await pilot.pause()
        assert app.current_mode == "ikm"
    reveals = [a for a in Database(office.path, "x").all("audit") if a["action"] == "reveal"]
    assert reveals == []


def test_serve_user_is_only_the_name_on_the_sign_in_form(office: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """``ikmtui serve --user kepala``: a tab of a protected database is nobody until someone signs in."""
    from ikmtui.serve import tab
    from ikmtui.ui import app as app_module

    seen: dict = {}

    async def drive(app) -> None:  # type: ignore[no-untyped-def]
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            seen.update(
                screen=type(app.screen),
                user=app.db.user,
                address=app.address,
                prefilled=app.screen.query_one("#signin-user").value,
            )
            await pilot.press("2", "ctrl+o")
            await pilot.pause()
            seen["mode"] = app.current_mode

    monkeypatch.setattr(app_module.IkmApp, "run", lambda self: asyncio.run(drive(self)))
    monkeypatch.setenv("IKMTUI_REMOTE_ADDR", "203.0.113.9")
    assert tab.main(["--db", str(office.path), "--user", "kepala", "--poll", "0"]) == 0
    assert seen == {
        "screen": SignInScreen,
        "user": "",
        "address": "203.0.113.9",
        "prefilled": "kepala",
        "mode": "_default",
    }


async def test_the_header_says_sign_in_is_off(db: Database) -> None:
    app = make_app(db, poll_seconds=0)  # the demo: accounts, no password
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.sub_title == "tester · login nonaktif · ikmtui.json"


async def test_the_header_says_not_signed_in_then_who(office: Database) -> None:
    app = make_app(Database(office.path, "budi"), poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.sub_title == "belum masuk · ikmtui.json"
        await pilot.press(*PASSWORDS["budi"], "enter")
        await pilot.pause()
        assert app.sub_title == "Budi Santoso (operator) · ikmtui.json"


async def test_sign_in_turned_on_elsewhere_asks_this_session_to_sign_in(db: Database) -> None:
    app = make_app(Database(db.path, "tester"), poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        other = guarded(db.path, "admin")  # the demo's administrator, by name while sign-in is off
        staff.set_password(other, "admin", "admin-rahasia")
        app.poll_database()
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen) and app.db.user == ""
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen) and app.current_mode == "ikm"


# ---------------------------------------------------------------------- item 4: throttling in the database
TRY = """
import sys
from ikmtui import i18n
from ikmtui.services import staff
from ikmtui.storage import Database
i18n.set_language("id")
db = Database(sys.argv[1], "")
staff.install_guard(db)
try:
    staff.SignIn(db)(sys.argv[2], sys.argv[3])
    print("OK")
except staff.SignInFailed as exc:
    print(exc)
"""


def test_twenty_wrong_passwords_from_twenty_processes_lock_the_username_out(office: Database) -> None:
    def attempt(password: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", TRY, str(office.path), "budi", password],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "IKMTUI_LANG": "id"},
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    with ThreadPoolExecutor(2) as pool:  # two at a time, as two tabs would
        said = list(pool.map(attempt, [f"tebakan-{n}" for n in range(20)]))
    assert LOCKED.search(said[-1]), said
    assert sum(bool(LOCKED.search(s)) for s in said) >= 20 - MAX_FAILURES
    right = attempt(PASSWORDS["budi"])
    assert LOCKED.search(right) and right != "OK"  # the right password too, within the lockout
    audit = Database(office.path, "x").all("audit")
    assert len([a for a in audit if a["action"] == "signin.failed"]) <= MAX_FAILURES  # passwords checked
    assert len([a for a in audit if a["action"] == "signin.locked"]) == 1
    # The command line counts in the same place.
    cli = subprocess.run(
        [
            sys.executable,
            "-c",
            "from ikmtui.cli import main; raise SystemExit(main())",
            "staff",
            "list",
            "--db",
            str(office.path),
            "--user",
            "budi",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "IKMTUI_PASSWORD": PASSWORDS["budi"], "IKMTUI_LANG": "id"},
    )
    assert cli.returncode == 2 and LOCKED.search(cli.stderr), cli.stderr


def test_lockout_says_when_and_ends_and_a_correct_sign_in_resets_the_count(office: Database) -> None:
    now = [time.time()]
    sign_in = staff.SignIn(office, clock=lambda: now[0])
    for _n in range(MAX_FAILURES - 1):
        with pytest.raises(staff.SignInFailed) as failed:
            sign_in("budi", "salah")
        assert not failed.value.until
        now[0] += 40  # past every delay
    assert sign_in("budi", PASSWORDS["budi"])["username"] == "budi"  # resets the count...
    for _n in range(MAX_FAILURES - 1):  # ...so four more do not lock out
        with pytest.raises(staff.SignInFailed) as failed:
            staff.SignIn(office, clock=lambda: now[0])("budi", "salah")
        assert not failed.value.until
        now[0] += 40
    with pytest.raises(staff.SignInFailed) as failed:  # the fifth in the window does
        sign_in("budi", "salah")
    until = failed.value.until
    assert until == pytest.approx(now[0] + LOCKOUT_SECONDS)
    shown = time.strftime("%H:%M", time.localtime(math.ceil(until / 60) * 60))  # rounded up: never too early
    assert "Nama pengguna atau kata sandi salah." in str(failed.value)
    assert LOCKED.search(str(failed.value)).group(1) == shown
    now[0] = until - 1
    with pytest.raises(staff.SignInFailed, match="coba lagi"):
        sign_in("budi", PASSWORDS["budi"])
    now[0] = until + 1
    assert sign_in("budi", PASSWORDS["budi"])["username"] == "budi"


def test_an_address_is_locked_out_across_usernames(office: Database) -> None:
    now = [time.time()]
    tab = staff.SignIn(office, clock=lambda: now[0], address="198.51.100.7")
    for n in range(MAX_ADDRESS_FAILURES):
        with pytest.raises(staff.SignInFailed):
            tab(f"tamu{n}", "salah")
    with pytest.raises(staff.SignInFailed, match="coba lagi"):  # a name not tried yet, same address
        tab("budi", PASSWORDS["budi"])
    other = staff.SignIn(office, clock=lambda: now[0], address="198.51.100.8")
    assert other("budi", PASSWORDS["budi"])["username"] == "budi"


def test_failed_sign_ins_log_a_capped_printable_username(office: Database) -> None:
    with pytest.raises(staff.SignInFailed):
        staff.SignIn(office)("x" * 2000 + "\x1b[31m\n", "salah")
    entry = [a for a in office.all("audit") if a["action"] == "signin.failed"][-1]
    assert entry["code"] == "x" * 64
    assert all(len(doc.get("key", "")) <= 70 for doc in office.docs("signin").values())


# ---------------------------------------------------------------------- item 5: administration never locked out
def test_the_first_password_must_be_an_administrators(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = db_path.read_bytes()
    monkeypatch.setenv("IKMTUI_NEW_PASSWORD", "operator-1")
    assert (
        main(
            [
                "staff",
                "add",
                "--db",
                str(db_path),
                "--user",
                "admin",
                "--username",
                "eko",
                "--name",
                "Eko",
                "--role",
                "operator",
            ]
        )
        == 2
    )
    assert "administrator" in capsys.readouterr().err
    assert main(["staff", "passwd", "budi.santoso", "--db", str(db_path), "--user", "admin"]) == 2
    assert "administrator" in capsys.readouterr().err
    db = guarded(db_path, "budi.santoso")
    with pytest.raises(staff.AdministratorFirst):  # own password, the operator's own name: still refused
        staff.set_password(db, "budi.santoso", "operator-1")
    budi = staff.find(db, "budi.santoso")
    with pytest.raises(PermissionError):  # past the service, at the storage boundary
        db.update("staff", budi["id"], {"password_hash": hash_password("operator-1")})
    assert db_path.read_bytes() == before and staff.needs_setup(Database(db_path, "x"))
    # An administrator's first: then the others.
    monkeypatch.setenv("IKMTUI_NEW_PASSWORD", "admin-rahasia")
    assert main(["staff", "passwd", "admin", "--db", str(db_path), "--user", "admin"]) == 0
    monkeypatch.setenv("IKMTUI_PASSWORD", "admin-rahasia")
    monkeypatch.setenv("IKMTUI_NEW_PASSWORD", "operator-1")
    assert main(["staff", "passwd", "budi.santoso", "--db", str(db_path), "--user", "admin"]) == 0
    # Disabling the only administrator who can sign in would lock administration out again, even done by
    # that administrator past the service.
    db = guarded(db_path, "admin")
    admin = staff.find(db, "admin")
    with pytest.raises(staff.AdministratorFirst):
        db.update("staff", admin["id"], {"active": False})
    db.user = "sri.wahyuni"  # and a supervisor may not touch accounts at all
    with pytest.raises(PermissionDenied):
        db.update("staff", admin["id"], {"active": False})
    assert staff.find(Database(db_path, "x"), "admin")["active"]


def test_owner_at_the_terminal_recovers_an_administrator(
    office: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ikmtui.commands import staff as staff_command

    path = str(office.path)
    monkeypatch.delenv("IKMTUI_PASSWORD", raising=False)
    monkeypatch.setenv("IKMTUI_NEW_PASSWORD", "baru-rahasia")
    # Not at a terminal (a script, a browser): sign-in needed, nothing changed.
    monkeypatch.setattr(staff_command, "at_terminal", lambda: False)
    before = files(office)
    assert main(["staff", "passwd", "kepala", "--db", path]) == 2
    assert files(office) == before
    monkeypatch.setattr(staff_command, "at_terminal", lambda: True)
    # At the terminal but not the file's owner: the same.
    monkeypatch.setattr(os, "getuid", lambda: os.stat(path).st_uid + 1)
    assert main(["staff", "passwd", "kepala", "--db", path]) == 2
    monkeypatch.undo()
    monkeypatch.setenv("IKMTUI_NEW_PASSWORD", "baru-rahasia")
    monkeypatch.delenv("IKMTUI_PASSWORD", raising=False)
    monkeypatch.setattr(staff_command, "at_terminal", lambda: True)
    # The owner, for an operator: no recovery, sign-in needed.
    assert main(["staff", "passwd", "budi", "--db", path]) == 2
    assert files(office) == before
    capsys.readouterr()
    # The owner, for the administrator: works without signing in, and is audited.
    assert main(["staff", "passwd", "kepala", "--db", path]) == 0
    assert "kepala" in capsys.readouterr().out
    reopened = Database(office.path, "x")
    assert staff.SignIn(reopened)("kepala", "baru-rahasia")["role"] == "administrator"
    entry = [a for a in reopened.all("audit") if a["action"] == "staff.recover"]
    assert len(entry) == 1 and entry[0]["user"] == "kepala" and entry[0]["detail"]
    with pytest.raises(PermissionError, match="administrator"):
        staff.recover_password(guarded(office.path, ""), "budi", "baru-rahasia", by="root")


def test_passwd_help_documents_the_recovery(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["staff", "passwd", "--help"])
    assert "staff.recover" in capsys.readouterr().out


# ---------------------------------------------------------------------- item 6: roles always enforced
def test_a_named_viewer_changes_nothing_without_passwords(db: Database) -> None:
    assert staff.needs_setup(db)  # the demo: six accounts, no password anywhere
    viewer = guarded(db.path, "rina.kurnia")
    ikm = viewer.all("ikm")[0]
    before = files(db)
    with pytest.raises(PermissionDenied, match=r"rina\.kurnia"):
        registry.set_ikm_status(viewer, ikm["id"], "inactive")
    with pytest.raises(PermissionDenied):
        personal.reveal(viewer, "ikm", ikm["id"], "owner_nik")
    with pytest.raises(PermissionDenied):
        staff.add(viewer, "eve", "Eve", "administrator", "12345678x")
    assert files(db) == before
    # An operator by name edits but does not reveal nor promote itself.
    operator = guarded(db.path, "budi.santoso")
    registry.set_ikm_status(operator, ikm["id"], "inactive")
    with pytest.raises(PermissionDenied):
        personal.reveal(operator, "ikm", ikm["id"], "owner_nik")
    own = staff.find(operator, "budi.santoso")
    with pytest.raises(PermissionDenied):
        operator.update("staff", own["id"], {"role": "administrator"})
    # A name without an account keeps every right only while sign-in is off.
    assert registry.set_ikm_status(guarded(db.path, "tester"), ikm["id"], "active")["status"] == "active"


def test_a_disabled_account_and_unknown_names_are_refused(office: Database) -> None:
    ikm = office.all("ikm")[0]
    with pytest.raises(PermissionDenied):  # sign-in on: a name without an account is nobody
        registry.set_ikm_status(guarded(office.path, "tester"), ikm["id"], "inactive")
    staff.set_active(office, "budi", False)
    with pytest.raises(PermissionDenied):
        registry.set_ikm_status(guarded(office.path, "budi"), ikm["id"], "inactive")


def test_the_cli_named_viewer_cannot_deactivate(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = db_path.read_bytes()
    assert main(["staff", "disable", "admin", "--db", str(db_path), "--user", "rina.kurnia"]) == 2
    assert "rina.kurnia" in capsys.readouterr().err
    assert db_path.read_bytes() == before


async def test_a_named_viewer_in_the_app_sees_its_role_and_cannot_edit(db: Database) -> None:
    app = make_app(Database(db.path, "rina.kurnia"), poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.sub_title == "Rina Kurnia (pemantau) · login nonaktif · ikmtui.json"
        ikm = app.db.all("ikm")[0]
        with pytest.raises(PermissionDenied):
            registry.set_ikm_status(app.db, ikm["id"], "inactive")


# ---------------------------------------------------------------------- item 13: the poll never waits
async def test_the_poll_does_not_wait_for_another_process_lock(db: Database) -> None:
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        holder = Database(db.path, "officer2", lock_timeout=1)
        with holder.transaction():  # holds the lock while the app looks
            started = time.monotonic()
            app.poll_database()
            assert time.monotonic() - started < 0.5
        holder.delete("ikm", holder.all("ikm")[0]["id"])
        app.poll_database()  # the next look picks the change up
        await pilot.pause()
        assert app.data_version >= 1
