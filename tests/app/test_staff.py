"""Staff accounts, roles, sign-in and personal data."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from ikmtui.cli import main
from ikmtui.domain.permissions import PermissionDenied
from ikmtui.domain.staff import failure_delay, hash_password, verify_password
from ikmtui.services import personal, staff
from ikmtui.storage import Database
from ikmtui.ui.app import make_app
from ikmtui.ui.signin.forms import SetupScreen, SignInScreen

PASSWORDS = {"kepala": "admin-rahasia", "sri": "supervisor-1", "budi": "operator-1", "rina": "viewer-123"}


@pytest.fixture
def office(db: Database) -> Database:
    """The demo database with real accounts: administrator, supervisor, operator, viewer."""
    db.user = "kepala"
    staff.add(db, "kepala", "Kepala Bidang", "administrator", PASSWORDS["kepala"])
    staff.install_guard(db)
    for username, name, role in (
        ("sri", "Sri Wahyuni", "supervisor"),
        ("budi", "Budi Santoso", "operator"),
        ("rina", "Rina Kurnia", "viewer"),
    ):
        staff.add(db, username, name, role, PASSWORDS[username])
    return db


def as_officer(db: Database, username: str) -> Database:
    other = Database(db.path, username)
    staff.install_guard(other)
    staff.SignIn(other)(username, PASSWORDS[username])
    return other


def test_password_hash_is_not_the_password_and_not_reversible() -> None:
    hashed = hash_password("rahasia-sekali")
    assert "rahasia" not in hashed and hashed.startswith("$argon2")
    assert hash_password("rahasia-sekali") != hashed  # salted
    assert verify_password(hashed, "rahasia-sekali") and not verify_password(hashed, "rahasia-sekalI")


def test_hashes_never_leave_the_service(office: Database) -> None:
    assert all("password_hash" not in account for account in staff.accounts(office))
    for username, password in PASSWORDS.items():
        assert password not in Path(office.path).read_text() + office.journal_path.read_text()
        assert staff.find(office, username)["password_hash"].startswith("$argon2")


def test_wrong_password_refused_with_growing_delay(office: Database) -> None:
    now = [1000.0]
    sign_in = staff.SignIn(office, clock=lambda: now[0])
    with pytest.raises(staff.SignInFailed) as first:
        sign_in("budi", "salah")
    assert first.value.delay == 1
    with pytest.raises(staff.SignInFailed):  # too early: refused without checking, even the right password
        sign_in("budi", PASSWORDS["budi"])
    now[0] += 1.5
    with pytest.raises(staff.SignInFailed) as second:
        sign_in("budi", "salah lagi")
    assert second.value.delay == 2
    now[0] += 2.5
    assert sign_in("budi", PASSWORDS["budi"])["role"] == "operator"
    assert [failure_delay(n) for n in range(7)] == [0, 1, 2, 4, 8, 16, 30]
    failed = [a for a in office.all("audit") if a["action"] == "signin.failed"]
    assert len(failed) == 2


def test_viewer_changes_nothing_but_can_report(office: Database) -> None:
    viewer = as_officer(office, "rina")
    ikm = viewer.all("ikm")[0]
    before = office.path.read_bytes(), office.journal_path.read_bytes()
    with pytest.raises(PermissionDenied, match="rina"):
        viewer.update("ikm", ikm["id"], {"name": "Diubah"}, expected_version=ikm["version"])
    with pytest.raises(PermissionDenied):
        viewer.insert("clusters", {"name": "X"})
    assert (office.path.read_bytes(), office.journal_path.read_bytes()) == before
    from ikmtui.reports.figures import headline

    assert headline(viewer._data)["ikm"] == viewer.count("ikm")


def test_operator_edits_but_cannot_reveal_nik_or_manage_staff(office: Database) -> None:
    operator = as_officer(office, "budi")
    ikm = operator.all("ikm")[0]
    operator.update("ikm", ikm["id"], {"phone": "081234567890"}, expected_version=ikm["version"])
    with pytest.raises(PermissionDenied, match="budi"):
        personal.reveal(operator, "ikm", ikm["id"], "owner_nik")
    with pytest.raises(PermissionDenied):
        staff.add(operator, "eve", "Eve", "administrator", "12345678x")
    staff.set_password(operator, "budi", "operator-2")  # but may change their own password
    assert staff.SignIn(operator)("budi", "operator-2")


def test_supervisor_reveals_nik_and_it_is_audited(office: Database) -> None:
    supervisor = as_officer(office, "sri")
    ikm = supervisor.all("ikm")[0]
    assert personal.reveal(supervisor, "ikm", ikm["id"], "owner_nik") == ikm["owner_nik"]
    entry = supervisor.all("audit")[-1]
    assert (entry["user"], entry["action"], entry["record_id"], entry["detail"]) == (
        "sri",
        "reveal",
        ikm["id"],
        "owner_nik",
    )


def test_administrator_disables_an_account(office: Database) -> None:
    staff.set_active(office, "budi", False)
    with pytest.raises(staff.SignInFailed):
        staff.SignIn(office)("budi", PASSWORDS["budi"])
    with pytest.raises(ValueError, match="sendiri"):
        staff.set_active(office, "kepala", False)


def test_cli_staff_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "kantor.json")
    monkeypatch.setenv("IKMTUI_NEW_PASSWORD", "admin-rahasia")
    assert (
        main(
            [
                "staff",
                "add",
                "--db",
                db,
                "--user",
                "admin",
                "--username",
                "admin",
                "--name",
                "Admin",
                "--role",
                "administrator",
            ]
        )
        == 0
    )
    monkeypatch.setenv("IKMTUI_PASSWORD", "admin-rahasia")
    monkeypatch.setenv("IKMTUI_NEW_PASSWORD", "operator-1")
    assert (
        main(
            [
                "staff",
                "add",
                "--db",
                db,
                "--user",
                "admin",
                "--username",
                "budi",
                "--name",
                "Budi",
                "--role",
                "operator",
            ]
        )
        == 0
    )
    assert main(["staff", "list", "--db", db, "--user", "admin"]) == 0
    out = capsys.readouterr().out
    assert "budi" in out and "operator-1" not in out and "argon2" not in out
    monkeypatch.setenv("IKMTUI_PASSWORD", "operator-1")
    assert main(["staff", "disable", "admin", "--db", db, "--user", "budi"]) == 2
    assert "budi" in capsys.readouterr().err
    monkeypatch.setenv("IKMTUI_PASSWORD", "wrong-password")
    assert main(["staff", "list", "--db", db, "--user", "admin"]) == 2
    assert "salah" in capsys.readouterr().err


async def test_sign_in_screen(office: Database) -> None:
    app = make_app(Database(office.path, "budi"), poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        await pilot.press(*"salah", "enter")
        await pilot.pause()
        assert "salah" in str(app.screen.query_one("#signin-error").render()).lower()
        assert isinstance(app.screen, SignInScreen)
        app.screen.sign_in.clock = lambda: time.time() + 2  # skip the wait (kept in the database) in the test
        await pilot.press(*PASSWORDS["budi"], "enter")
        await pilot.pause()
        assert not isinstance(app.screen, SignInScreen)
        assert "Budi Santoso" in app.sub_title
        assert app.db.user == "budi"


async def test_first_run_asks_for_an_administrator(empty_db: Database) -> None:
    app = make_app(empty_db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        await pilot.press(*"admin", "tab", *"Admin Kantor", "tab", *"rahasia1", "tab", *"rahasia2", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)  # passwords differ: nothing saved
        assert empty_db.count("staff") == 0
        app.screen.set_value("password2", "rahasia1")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, SetupScreen)
    reopened = Database(empty_db.path, "x")
    assert staff.find(reopened, "admin")["role"] == "administrator"


async def test_operator_cannot_reveal_nik_in_the_profile(office: Database) -> None:
    from ikmtui.ui.registry.profile import IkmProfileScreen

    app = make_app(Database(office.path, "budi"), poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press(*PASSWORDS["budi"], "enter")
        await pilot.pause()
        await pilot.press("2")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, IkmProfileScreen)
        await pilot.press("n")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("budi" in m and "supervisor" in m for m in messages), messages
    assert not [a for a in Database(office.path, "x").all("audit") if a["action"] == "reveal"]
