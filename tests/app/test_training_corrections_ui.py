"""Training corrections by keys: reopen a finished batch and revoke a certificate (a reason asked, kept in the
history), finishing refused before the last day without asking first, the waiting list named in the finish
dialog, and the keys of a batch following its state."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from textual.widgets import Static

from ikmtui.services import training as svc
from ikmtui.storage import Database
from ikmtui.ui.app import IkmApp, make_app
from ikmtui.ui.kit.dialogs import ConfirmScreen, ReasonScreen
from ikmtui.ui.training.batch import BatchScreen


def notes(app: IkmApp) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


def offered(app: IkmApp) -> set[str]:
    return {b.binding.action for b in app.screen.active_bindings.values() if b.enabled}


def finished_batch_with_certificates(db: Database) -> dict[str, Any]:
    return next(
        b
        for b in db.all("batches")
        if b["status"] == "finished" and any(e.get("certificate_no") for e in db.find("enrollments", batch_id=b["id"]))
    )


async def open_batch(app: IkmApp, pilot: Any, batch_id: int) -> BatchScreen:
    await pilot.press("4")
    await pilot.pause()
    app.push_screen(BatchScreen(batch_id))
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, BatchScreen)
    return screen


async def test_reopen_by_keys_revokes_the_certificates_and_opens_the_batch(db: Database, today: date) -> None:
    batch = finished_batch_with_certificates(db)
    numbers = [e["certificate_no"] for e in db.find("enrollments", batch_id=batch["id"]) if e.get("certificate_no")]
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_batch(app, pilot, batch["id"])
        assert {"reopen", "revoke"} <= offered(app) and "finish" not in offered(app) and "enrol" not in offered(app)
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, ReasonScreen)
        await pilot.press("enter")  # no reason: refused beside the field, nothing changed
        await pilot.pause()
        assert isinstance(app.screen, ReasonScreen)
        assert "alasan" in str(app.screen.query_one("#prompt-error", Static).content).lower()
        assert db.get("batches", batch["id"])["status"] == "finished"
        await pilot.press(*"nilai kehadiran salah")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert db.get("batches", batch["id"])["status"] == "running"
        assert all(svc.certificate_status(db, n).state == "revoked" for n in numbers)
        assert "dibuka kembali" in notes(app)
        # an open batch again: enrol, finish and edit are offered, reopen is not
        assert {"enrol", "finish", "edit"} <= offered(app) and "reopen" not in offered(app)
    entry = next(e for e in db.all("audit") if e["action"] == "reopen")
    assert entry["detail"] == "nilai kehadiran salah" and entry["user"] == "tester"


async def test_revoke_one_certificate_by_keys(db: Database, today: date) -> None:
    batch = finished_batch_with_certificates(db)
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_batch(app, pilot, batch["id"])
        while not (screen.current_doc() or {}).get("certificate_no"):
            await pilot.press("down")
        doc = screen.current_doc()
        assert doc is not None
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, ReasonScreen)
        await pilot.press(*"nama salah cetak", "enter")
        await pilot.pause()
        assert db.get("enrollments", doc["id"])["certificate_no"] is None
        assert svc.certificate_status(db, doc["certificate_no"]).state == "revoked"
        assert db.get("batches", batch["id"])["status"] == "finished"


async def test_finish_is_refused_before_the_last_day_without_asking(db: Database, today: date) -> None:
    course = db.all("courses")[0]
    batch = svc.create_batch(
        db,
        {
            "course_id": course["id"],
            "start_date": (today - timedelta(days=1)).isoformat(),
            "end_date": (today + timedelta(days=1)).isoformat(),
            "venue": "Aula",
            "trainer": "Bu Siti",
            "capacity": 2,
        },
    )
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_batch(app, pilot, batch["id"])
        info = str(screen.query_one("#batch-info", Static).content)
        assert "berlangsung" in info  # planned, but its days have come: the status follows the clock
        await pilot.press("f")
        await pilot.pause()
        assert app.screen is screen  # no "are you sure" before the refusal
        assert "berlangsung sampai" in notes(app)
    assert db.get("batches", batch["id"])["status"] == "planned"


async def test_finish_dialog_says_who_gets_no_seat(db: Database, today: date) -> None:
    course = db.all("courses")[0]
    batch = svc.create_batch(
        db,
        {
            "course_id": course["id"],
            "start_date": (today - timedelta(days=3)).isoformat(),
            "end_date": (today - timedelta(days=2)).isoformat(),
            "venue": "Aula",
            "trainer": "Bu Siti",
            "capacity": 1,
        },
    )
    active = [i["id"] for i in db.all("ikm") if i.get("status") != "inactive"][:3]
    svc.enroll(db, batch["id"], active)
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(140, 40)) as pilot:
        await open_batch(app, pilot, batch["id"])
        assert "lewat hari terakhir" in str(app.screen.query_one("#batch-info", Static).content)
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "2 dalam daftar tunggu tidak mendapat kursi" in app.screen.question
        await pilot.press("y")
        await pilot.pause()
    states = sorted(e["state"] for e in db.find("enrollments", batch_id=batch["id"]))
    assert states == ["no_seat", "no_seat", "not_completed"]
