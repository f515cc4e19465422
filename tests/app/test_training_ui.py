"""The Training screen driven by keys: course and batch forms, the IKM picker, cancellation with promotion,
the attendance grid, finishing with certificates, and the printable sheet."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Select, Static

from ikmtui import i18n
from ikmtui.storage import Database
from ikmtui.ui.app import IkmApp, make_app
from ikmtui.ui.kit.dialogs import ConfirmScreen, ViewerScreen
from ikmtui.ui.kit.form import FormScreen
from ikmtui.ui.training.attendance import FIRST_DAY, AttendanceScreen
from ikmtui.ui.training.batch import BatchScreen
from ikmtui.ui.training.batches import TrainingScreen
from ikmtui.ui.training.courses import CoursesScreen
from ikmtui.ui.training.picker import IkmPickerScreen

CERT = re.compile(r"^\d{3}/PLT-UJI/DISPERIN/(I|II|III|IV|V|VI|VII|VIII|IX|X|XI|XII)/\d{4}$")


def ddmmyyyy(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def notes(app: IkmApp) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


def text_of(renderable: Any) -> str:
    console = Console(width=160, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(renderable)
    return console.export_text()


async def type_into(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*text)


async def test_course_batch_enrol_cancel_attendance_finish(db: Database) -> None:
    start = date.today() - timedelta(days=10)
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")
        await pilot.pause()
        assert isinstance(app.screen, TrainingScreen)

        # a course, from the catalogue
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CoursesScreen)
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormScreen)
        await type_into(pilot, "Uji")
        form.query_one("#field-category", Select).value = "kemasan"
        form.query_one("#field-pillar", Select).value = "M"
        form.query_one("#field-cert_code").focus()
        await type_into(pilot, "uji")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CoursesScreen)
        course = next(c for c in db.all("courses") if c["name"] == "Uji")
        assert course["cert_code"] == "UJI" and course["session_days"] == 3 and course["threshold_pct"] == 75.0
        assert app.screen.table.current_id == course["id"]
        await pilot.press("e")  # open and leave untouched: esc closes without asking
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CoursesScreen)

        # enter: the batches of that course (none yet); a: a batch of capacity 3
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TrainingScreen) and app.screen.course_id == course["id"]
        assert len(app.screen.table.rows) == 0
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormScreen)
        assert form.values()["course_id"] == course["id"]
        form.query_one("#field-start_date").focus()
        await type_into(pilot, ddmmyyyy(start))
        await pilot.pause()
        assert form.values()["end_date"] == ddmmyyyy(start + timedelta(days=2))  # suggested from the course
        form.query_one("#field-capacity").focus()
        await type_into(pilot, "0")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form  # capacity 0 is refused beside the field, nothing saved
        assert str(form.query_one("#error-capacity", Static).content) == "Kapasitas minimal 1"
        assert "Isian ini wajib diisi" in str(form.query_one("#error-venue", Static).content)
        form.query_one("#field-capacity").focus()
        await pilot.press("backspace", "3")
        form.query_one("#field-venue").focus()
        await type_into(pilot, "Aula")
        form.query_one("#field-trainer").focus()
        await type_into(pilot, "Siti")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, TrainingScreen)
        batch = db.find("batches", course_id=course["id"])[0]
        assert batch["capacity"] == 3 and batch["end_date"] == (start + timedelta(days=2)).isoformat()

        # open it and enrol five IKM from the picker: filter by code, space to select
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BatchScreen) and screen.batch_id == batch["id"]
        await pilot.press("a")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, IkmPickerScreen)
        await type_into(pilot, "-00001")  # IKM-000010 ... IKM-000019
        await pilot.pause()
        assert len(picker.table.rows) == 10
        ikm = db.docs("ikm")
        chosen = [{**ikm[str(picker.table.rows.row(i)[0])], "id": picker.table.rows.row(i)[0]} for i in range(5)]
        await pilot.press("down", *["space"] * 5)
        assert list(picker.selected) == [d["id"] for d in chosen]
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        enrolled = sorted(db.find("enrollments", batch_id=batch["id"]), key=lambda d: d["id"])
        assert [(d["ikm_id"], d["state"]) for d in enrolled] == [
            (chosen[0]["id"], "booked"),
            (chosen[1]["id"], "booked"),
            (chosen[2]["id"], "booked"),
            (chosen[3]["id"], "waitlisted"),
            (chosen[4]["id"], "waitlisted"),
        ]
        assert "3 terdaftar, 2 masuk daftar tunggu" in notes(app)
        states = [screen.table.rows.cells(i)[4] for i in range(len(screen.table.rows))]
        assert states == ["terdaftar"] * 3 + ["daftar tunggu #1", "daftar tunggu #2"]

        # cancel the second booking: asks first, then says who was promoted
        await pilot.press("home", "down", "d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        promoted = chosen[3]["owner_name"]
        assert f"{promoted} naik dari daftar tunggu" in notes(app)
        assert f"{promoted} naik dari daftar tunggu" in str(screen.query_one("#batch-message", Static).content)
        by_ikm = {d["ikm_id"]: d["state"] for d in db.find("enrollments", batch_id=batch["id"])}
        assert by_ikm[chosen[1]["id"]] == "cancelled" and by_ikm[chosen[3]["id"]] == "booked"
        assert by_ikm[chosen[4]["id"]] == "waitlisted"
        states = [screen.table.rows.cells(i)[4] for i in range(len(screen.table.rows))]
        assert states == ["terdaftar"] * 3 + ["daftar tunggu #1", "dibatalkan"]

        # the attendance grid: h / i / a and arrows, saved as you go
        await pilot.press("g")
        await pilot.pause()
        grid_screen = app.screen
        assert isinstance(grid_screen, AttendanceScreen)
        grid = grid_screen.grid
        assert grid.cursor_coordinate == (0, FIRST_DAY)
        await pilot.press("h", "h", "h")  # day 1, down the column
        await pilot.press("right", "up", "up", "h", "h", "h")  # day 2
        await pilot.press("right", "up", "up", "h", "a", "i")  # day 3
        await pilot.press("right", "h")  # the cursor stays on the session days
        assert grid.cursor_coordinate.column == FIRST_DAY + 2
        seated = grid_screen.row_ids
        days = [(start + timedelta(days=n)).isoformat() for n in range(3)]
        marks = [db.get("enrollments", i)["attendance"] for i in seated]
        assert marks == [
            dict(zip(days, "hhh", strict=True)),
            dict(zip(days, "hha", strict=True)),
            dict(zip(days, "hhh", strict=True)),
        ]
        assert str(grid.get_cell_at((1, FIRST_DAY + 2))) == "A"
        assert str(grid.get_cell_at((1, FIRST_DAY + 3))) == "66,7%"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen

        # finish: asks first, then certificates only for those at or above 75%
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, ViewerScreen)
        sheet = text_of(app.screen.query_one("#viewer-content", Static).content)
        await pilot.press("escape")
        await pilot.pause()
        docs = {d["id"]: d for d in db.find("enrollments", batch_id=batch["id"])}
        assert [docs[i]["state"] for i in seated] == ["completed", "not_completed", "completed"]
        numbers = [docs[i]["certificate_no"] for i in seated]
        assert numbers[1] is None
        assert CERT.match(numbers[0]) and CERT.match(numbers[2]) and numbers[0] != numbers[2]
        assert db.get("batches", batch["id"])["status"] == "finished"
        assert numbers[0] in sheet and numbers[2] in sheet and "tidak lulus" in sheet
        assert "2 lulus (sertifikat diterbitkan), 1 tidak lulus" in notes(app)
        states = [screen.table.rows.cells(i)[4] for i in range(len(screen.table.rows))]
        assert states.count("lulus") == 2 and states.count("tidak lulus") == 1

        # a finished batch is closed: no second finish, no enrolment
        await pilot.press("f")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("a")
        await pilot.pause()
        assert app.screen is screen


async def test_picker_filters_as_you_type_and_refuses_those_already_in(db: Database) -> None:
    batch = next(b for b in db.all("batches") if b["status"] == "finished")
    inside = {d["ikm_id"] for d in db.find("enrollments", batch_id=batch["id"]) if d["state"] != "cancelled"}
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")
        await pilot.pause()
        app.push_screen(IkmPickerScreen("uji", already=inside))
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, IkmPickerScreen)
        assert len(picker.table.rows) == sum(d["status"] == "active" for d in db.all("ikm"))  # inactive: not offered
        await type_into(pilot, "batik")
        await pilot.pause()
        expected = sum(1 for d in db.all("ikm") if "batik" in f"{d['name']} {d['code']} {d['owner_name']}".lower())
        assert 0 < len(picker.table.rows) <= expected
        await pilot.press("down")  # into the list; typing there goes on filtering
        await type_into(pilot, "x")
        await pilot.pause()
        assert picker.search.value == "batikx" and picker.focused is picker.search
        await pilot.press("backspace", "down")
        first_inside = next(i for i in range(len(picker.table.rows)) if picker.table.rows.row(i)[0] in inside)
        picker.table.cursor_row = first_inside
        await pilot.press("space")
        assert not picker.selected
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, IkmPickerScreen)


async def test_finished_batch_grid_is_read_only_and_screens_in_english(db: Database) -> None:
    i18n.set_language("en")
    batch = next(b for b in db.all("batches") if b["status"] == "finished")
    before = {d["id"]: d["version"] for d in db.find("enrollments", batch_id=batch["id"])}
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")
        await pilot.pause()
        assert app.screen.title == "Training"
        app.push_screen(BatchScreen(batch["id"]))
        await pilot.pause()
        assert app.screen.title == f"Batch {batch['code']}"
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, AttendanceScreen) and app.screen.read_only
        # h / i / a / del are not offered on a closed batch's grid (neither in the footer nor by key)
        shown = {b.binding.action for b in app.screen.active_bindings.values() if b.enabled}
        assert not any(action.startswith("mark") for action in shown)
        await pilot.press("a", "h")
        await pilot.pause()
        await pilot.press("escape", "r")
        await pilot.pause()
        assert isinstance(app.screen, ViewerScreen)
        summary = text_of(app.screen.query_one("#viewer-content", Static).content)
        assert "Training per course" in summary and "Completion rate" in summary
    assert {d["id"]: d["version"] for d in db.find("enrollments", batch_id=batch["id"])} == before
