"""The attendance grid of a batch: participants by session day, filled with h / i / a, saved as you go."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Header, Static

from ikmtui.domain.training import CLOSED_STATUSES, attendance_rate, current_status, session_days, status_label
from ikmtui.i18n import _
from ikmtui.reports.training import day_heading, format_pct
from ikmtui.services import training as svc
from ikmtui.storage import StorageError
from ikmtui.ui.kit.footer import AppFooter
from ikmtui.ui.kit.screen import BaseScreen

#: Columns before the first session day: number, participant, IKM.
FIRST_DAY = 3
MARK_STYLE = {"h": ("H", "bold green"), "i": ("I", "bold yellow"), "a": ("A", "bold red")}


def mark_cell(mark: str) -> Text:
    text, style = MARK_STYLE.get(mark, ("·", "dim"))
    return Text(text, style=style, justify="center")


class AttendanceGrid(DataTable[Any]):
    """A cell cursor that stays on the session-day columns."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(cursor_type="cell", zebra_stripes=True, **kwargs)
        self.day_count = 0

    def action_cursor_left(self) -> None:
        if self.cursor_column > FIRST_DAY:
            super().action_cursor_left()

    def action_cursor_right(self) -> None:
        if self.cursor_column < FIRST_DAY + self.day_count - 1:
            super().action_cursor_right()


class AttendanceScreen(BaseScreen):
    """h hadir, i izin, a absen on the cell under the cursor, then down to the next participant."""

    TITLE_MSG = "Attendance"
    BINDINGS = [
        Binding("h", "mark('h')", "Present", id="attendance.present"),
        Binding("i", "mark('i')", "Excused", id="attendance.excused"),
        Binding("a", "mark('a')", "Absent", id="attendance.absent"),
        Binding("delete,backspace", "mark('')", "Clear", id="attendance.clear"),
        Binding("escape", "back", "Back", id="attendance.back"),
    ]
    DEFAULT_CSS = """
    AttendanceScreen #attendance-info { height: auto; padding: 0 1; background: $panel; }
    AttendanceScreen AttendanceGrid { height: 1fr; }
    AttendanceScreen #attendance-status { height: 1; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, batch_id: int) -> None:
        super().__init__()
        self.batch_id = batch_id
        self.days: list[str] = []
        self.row_ids: list[int] = []
        self.read_only = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="attendance-info")
        yield AttendanceGrid(id="attendance-grid")
        yield Static("", id="attendance-status")
        yield AppFooter()

    @property
    def grid(self) -> AttendanceGrid:
        return self.query_one(AttendanceGrid)

    def on_mount(self) -> None:
        self.grid.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "mark":  # a closed batch's grid is read only: h / i / a / del are not offered
            return not self.read_only
        return True

    def screen_title(self) -> str:
        batch = self.db.get(svc.BATCHES, self.batch_id) or {}
        return _("Attendance {code}", code=batch.get("code", ""))

    # ------------------------------------------------------------------ data
    def data_changed(self) -> None:
        super().data_changed()
        batch = self.db.get(svc.BATCHES, self.batch_id)
        if batch is None:
            self.report_error(
                StorageError(
                    _(
                        "Record {id} no longer exists in {table}: someone may have deleted it",
                        id=self.batch_id,
                        table=_(svc.BATCHES),
                    )
                )
            )
            return
        course = self.db.get(svc.COURSES, batch.get("course_id", 0)) or {}
        read_only = batch.get("status") in CLOSED_STATUSES
        if read_only != self.read_only:
            self.read_only = read_only
            self.refresh_bindings()
        status = status_label(current_status(batch, self.today()))
        info = f"[b]{course.get('name', '?')}[/b]  {batch.get('code', '')} · {status}"
        if self.read_only:
            info += "  " + _("(read only)")
        self.query_one("#attendance-info", Static).update(
            info + "\n" + _("h present · i excused · a absent · del clear · arrows move · saved as you go")
        )
        days = session_days(batch)
        people = svc.seated(self.db, self.batch_id)
        if days != self.days or [p.id for p in people] != self.row_ids:
            self._build(days, people)
        else:
            for row, person in enumerate(people):
                self._show_row(row, person.doc)
        self._show_status()

    def _build(self, days: list[str], people: list[svc.Participant]) -> None:
        grid = self.grid
        old = grid.cursor_coordinate if self.row_ids else Coordinate(0, FIRST_DAY)
        grid.clear(columns=True)
        self.days = days
        self.row_ids = [p.id for p in people]
        grid.day_count = len(days)
        grid.add_column(_("No."), key="no")
        grid.add_column(_("Participant"), key="participant")
        grid.add_column(_("IKM"), key="ikm")
        for day in days:
            grid.add_column(day_heading(day), key=f"day:{day}")
        grid.add_column("%", key="pct")
        grid.fixed_columns = FIRST_DAY
        for no, person in enumerate(people, 1):
            marks = person.doc.get("attendance") or {}
            grid.add_row(
                str(no),
                svc.participant_name(person.doc),
                self._fit(person.ikm_name),
                *[mark_cell(marks.get(d, "")) for d in days],
                self._pct(marks),
                key=str(person.id),
            )
        if people and days:
            grid.move_cursor(
                row=min(old.row, len(people) - 1),
                column=max(FIRST_DAY, min(old.column, FIRST_DAY + len(days) - 1)),
                animate=False,
            )

    def on_resize(self) -> None:
        wide = self.app.size.width >= 100
        if wide != getattr(self, "_wide", wide):
            self.days = []  # names are shortened or lengthened: build the grid again
            self.data_changed()
        self._wide = wide

    def _fit(self, name: str) -> str:
        """The IKM's name, shortened on a narrow terminal so that every day and the rate stay in view."""
        room = 28 if self.app.size.width >= 100 else 12
        return name if len(name) <= room else name[: room - 1] + "…"

    def _pct(self, marks: dict[str, str]) -> Text:
        return Text(format_pct(attendance_rate(marks, self.days)), justify="right")

    def _show_row(self, row: int, doc: dict[str, Any]) -> None:
        marks = doc.get("attendance") or {}
        for index, day in enumerate(self.days):
            self.grid.update_cell_at(Coordinate(row, FIRST_DAY + index), mark_cell(marks.get(day, "")))
        self.grid.update_cell_at(Coordinate(row, FIRST_DAY + len(self.days)), self._pct(marks))

    def _show_status(self) -> None:
        empty = 0
        for enrollment_id in self.row_ids:
            doc = self.db.get(svc.ENROLLMENTS, enrollment_id) or {}
            marks = doc.get("attendance") or {}
            empty += sum(1 for d in self.days if not marks.get(d))
        text = _(
            "{people} participants × {days} days · {empty} cells empty",
            people=len(self.row_ids),
            days=len(self.days),
            empty=empty,
        )
        self.query_one("#attendance-status", Static).update(text)

    # ------------------------------------------------------------------ actions
    def action_mark(self, mark: str) -> None:
        grid = self.grid
        if not self.row_ids:
            self.notify(_("Nobody holds a seat in this batch yet"), severity="warning")
            return
        if self.read_only:
            self.notify(_("This batch is closed: attendance can no longer be changed"), severity="warning")
            return
        row, column = grid.cursor_coordinate
        index = column - FIRST_DAY
        if not 0 <= index < len(self.days):
            self.notify(_("Move to a session day column first"), severity="warning")
            return
        try:
            doc = svc.set_attendance(self.db, self.row_ids[row], self.days[index], mark)
        except (ValueError, StorageError) as exc:
            self.report_error(exc)
            return
        self._show_row(row, doc)
        self.context.data_saved()
        if row < len(self.row_ids) - 1:
            grid.move_cursor(row=row + 1, column=column, animate=False)

    def action_back(self) -> None:
        self.dismiss()
