"""Training (key 4): the batches of every course, or of one course; from here the catalogue and each batch."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from textual import on
from textual.binding import Binding

from ikmtui.domain.training import SEATED_STATES, current_status, status_label
from ikmtui.i18n import _
from ikmtui.services import training as svc
from ikmtui.tabular import Column
from ikmtui.ui.kit.vtable import VirtualTable
from ikmtui.ui.training.lists import TrainingTableScreen, show_day


class TrainingScreen(TrainingTableScreen):
    """Batches with their course, dates, seats and status; ``course_id`` limits them to one course."""

    TITLE_MSG = "Training"
    TABLE = "batches"
    SEARCH_FIELDS = ("trainer",)
    BINDINGS = [
        Binding("a", "add", "Add batch", id="training.add_batch"),
        Binding("e", "edit", "Edit batch", id="training.edit_batch"),
        Binding("enter", "open", "Participants", id="training.open_batch", show=False),
        Binding("c", "courses", "Courses", id="training.courses"),
    ]

    def __init__(self, course_id: int | None = None) -> None:
        super().__init__()
        self.course_id = course_id

    def screen_title(self) -> str:
        if self.course_id is None:
            return super().screen_title()
        course = self.db.get(svc.COURSES, self.course_id) or {}
        return _("Batches of {course}", course=course.get("name", "?"))

    def columns(self) -> list[Column]:
        courses = {int(k): d for k, d in self.db.docs(svc.COURSES).items()}
        seats: dict[int, list[int]] = {}
        for doc in self.db.docs(svc.ENROLLMENTS).values():
            counts = seats.setdefault(doc.get("batch_id", 0), [0, 0])
            if doc.get("state") in SEATED_STATES:
                counts[0] += 1
            elif doc.get("state") == "waitlisted":
                counts[1] += 1
        day = self.today()
        return [
            Column("code", "Code", 13),
            Column("course", "Course", 30, value=lambda d: courses.get(d.get("course_id", 0), {}).get("name", "?")),
            Column("start_date", "Start", 11, fmt=show_day),
            Column("end_date", "End", 11, fmt=show_day),
            Column("venue", "Venue", 20),
            Column(
                "seats", "Seats", 6, "right", value=lambda d: f"{seats.get(d['_id'], [0])[0]}/{d.get('capacity', 0)}"
            ),
            Column("waiting", "Waiting", 8, "right", value=lambda d: seats.get(d["_id"], [0, 0])[1] or None),
            Column("status", "Status", 12, value=lambda d: status_label(current_status(d, day))),
        ]

    def records(self) -> Iterable[tuple[int, Mapping[str, Any]]]:
        for key, doc in self.db.docs(self.TABLE).items():
            if self.course_id is None or doc.get("course_id") == self.course_id:
                yield int(key), {**doc, "_id": int(key)}

    def reload(self, keep_id: int | None = None) -> None:
        first = not self.table.rows.columns
        super().reload(keep_id)
        if first:  # newest batches first until the officer sorts otherwise
            self.table.rows.sort(2, reverse=True)
            self.table.set_rows(self.table.rows, keep_id=keep_id)

    # ------------------------------------------------------------------ actions
    def action_add(self) -> None:
        from ikmtui.ui.training.forms import batch_form

        if not self.db.count(svc.COURSES):
            self.notify(_("Add a course first (c: courses)"), severity="warning")
            return
        self.app.push_screen(batch_form(self.db, None, self._saved, course_id=self.course_id))

    def action_edit(self) -> None:
        from ikmtui.ui.training.forms import batch_form

        doc = self.current_doc()
        if doc is not None:
            self.app.push_screen(batch_form(self.db, doc, self._saved))

    def _saved(self, result: Any) -> None:
        batch = result.batch if isinstance(result, svc.BatchUpdate) else result
        self.notify(_("Saved {code}", code=batch.get("code", "")))
        promoted = getattr(result, "promoted", [])
        if promoted:
            self.notify(
                _(
                    "Promoted from the waiting list: {names}",
                    names=", ".join(svc.participant_name(p) for p in promoted),
                ),
                timeout=10,
            )
        self.context.data_saved()
        self.reload(keep_id=batch["id"])

    def action_open(self) -> None:
        from ikmtui.ui.training.batch import BatchScreen

        record_id = self.selected_id()
        if record_id is not None:
            self.app.push_screen(BatchScreen(record_id))

    @on(VirtualTable.RowActivated)
    def _activated(self) -> None:
        self.action_open()

    def action_courses(self) -> None:
        from ikmtui.ui.training.courses import CoursesScreen

        # the catalogue opens a course's batches with this screen, handed over so it need not import it
        self.app.push_screen(CoursesScreen(batches_of=lambda course_id: TrainingScreen(course_id=course_id)))
