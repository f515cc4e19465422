"""Issue 19 and 20 on screen, with the machine in Semarang's time zone (TZ=Asia/Jakarta): the audit log and a
conflict show local time and the officer's full name; an IKM profile shows the history of a field that changed
twice (old -> new, who, when); Enter on an audit entry opens it; the English log shows no raw identifiers; the
recycle bin restores by keys for a supervisor and refuses an operator."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from rich.console import Console
from textual.widgets import Static

from ikmtui import i18n
from ikmtui.services import recycle, registry
from ikmtui.storage import Database, StaleRecord
from ikmtui.ui.app import make_app
from ikmtui.ui.audit.recycle import RecycleBinScreen
from ikmtui.ui.kit.dialogs import ConfirmScreen, ViewerScreen
from ikmtui.ui.registry.profile import IkmProfileScreen
from tests.support.timezone import time_zone

SIZE = (160, 50)


@pytest.fixture
def jakarta() -> Iterator[None]:
    with time_zone("Asia/Jakarta"):
        yield


def text_of(content: Any, width: int = 200) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None)
    console.print(content)
    return console.file.getvalue()  # type: ignore[attr-defined]


def as_officer(db: Database, user: str, stamp: str) -> Database:
    """Another officer's ikmtui on the same file, saving at ``stamp`` (a server clock in UTC, say)."""
    return Database(db.path, user, clock=lambda: stamp)


@pytest.mark.usefixtures("jakarta")
def test_a_conflict_names_the_officer_and_the_local_time(db: Database) -> None:
    opened = db.get("ikm", 1)
    assert opened is not None
    as_officer(db, "dewi.lestari", "2026-12-04T06:24:46+00:00").update("ikm", 1, {"product": "wingko"})
    with pytest.raises(StaleRecord) as info:
        db.update("ikm", 1, {"product": "roti"}, expected_version=opened["version"])
    message = str(info.value)
    assert "diubah oleh Dewi Lestari pada 2026-12-04 13:24" in message
    assert "dewi.lestari" not in message and "+00:00" not in message
    # This machine's own stamps carry its offset (Semarang's), not UTC.
    assert db.update("ikm", 2, {"product": "roti"})["updated_at"].endswith("+07:00")


@pytest.mark.usefixtures("jakarta")
async def test_the_audit_log_shows_local_time_and_full_names_and_enter_opens_the_entry(db: Database) -> None:
    as_officer(db, "dewi.lestari", "2026-12-04T06:27:00+00:00").update("ikm", 1, {"product": "wingko babat"})
    db.refresh()
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("8")
        await pilot.pause()
        first = app.screen.table.rows.cells(0)
        assert first[:2] == ["2026-12-04 13:27", "Dewi Lestari"] and "diubah" in first
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ViewerScreen)
        shown = text_of(app.screen.content)
        assert "Dewi Lestari" in shown and "13:27" in shown and "wingko babat" in shown and "→" in shown
        await pilot.press("escape")


async def test_the_english_audit_log_shows_words_not_identifiers(db: Database) -> None:
    i18n.set_language("en")
    batch = db.all("batches")[0]
    db.update("batches", batch["id"], {"cancelled_at": "2026-12-04", "state": "cancelled"})
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("8")
        await pilot.pause()
        row = app.screen.table.rows.cells(0)
        assert row[2:4] == ["changed", "Training batches"] and row[5] == "Cancelled at, State"
        assert not {"update", "batches", "cancelled_at, state"} & set(row)


@pytest.mark.usefixtures("jakarta")
async def test_a_profile_shows_the_history_of_a_field_that_changed_twice(db: Database) -> None:
    before = db.get("ikm", 1)
    assert before is not None
    as_officer(db, "dewi.lestari", "2026-12-02T02:10:00+00:00").update("ikm", 1, {"product": "lumpia rebung"})
    as_officer(db, "sri.wahyuni", "2026-12-04T07:45:00+00:00").update("ikm", 1, {"product": "lumpia udang"})
    db.refresh()
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await pilot.pause()
        app.push_screen(IkmProfileScreen(1))
        await pilot.pause()
        shown = text_of(app.screen.query_one("#profile", Static).content)
    assert "Riwayat perubahan" in shown
    lines = [line for line in shown.splitlines() if "→" in line]
    assert any(f"{before['product']} → lumpia rebung" in line for line in lines), shown
    assert any("lumpia rebung → lumpia udang" in line for line in lines), shown
    assert "2026-12-02 09:10" in shown and "Dewi Lestari" in shown
    assert "2026-12-04 14:45" in shown and "Sri Wahyuni" in shown
    assert "Sri Wahyuni, 2026-12-04 14:45" in shown  # the last change, by name and in local time


async def test_the_recycle_bin_restores_for_a_supervisor_and_refuses_an_operator(db: Database) -> None:
    ikm_id = next(int(k) for k in db.docs("ikm") if not registry.ikm_referrers(db, int(k)))
    code = registry.delete_ikm(db, ikm_id)["code"]
    for user, restored in (("budi.santoso", False), ("sri.wahyuni", True)):
        db.user = user
        app = make_app(db, user=user, poll_seconds=0)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("8", "b")
            await pilot.pause()
            assert isinstance(app.screen, RecycleBinScreen)
            assert app.screen.table.rows.cells(0)[3] == code
            await pilot.press("r")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press("y")
            await pilot.pause()
            notes = [str(n.message) for n in app._notifications]
            assert (db.get("ikm", ikm_id) is not None) == restored
            if not restored:
                assert any("budi.santoso" in note and "operator" in note for note in notes), notes
            else:
                assert any(code in note for note in notes) and len(app.screen.table.rows) == len(recycle.binned(db))
