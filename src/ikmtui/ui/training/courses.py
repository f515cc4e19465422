"""The course catalogue: add and edit courses; enter shows the batches of a course."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from textual import on
from textual.binding import Binding
from textual.screen import Screen

from ikmtui.domain.training import category_label
from ikmtui.i18n import _
from ikmtui.reports.training import format_pct
from ikmtui.services import training as svc
from ikmtui.tabular import Column
from ikmtui.ui.kit.vtable import VirtualTable
from ikmtui.ui.training.lists import TrainingTableScreen


class CoursesScreen(TrainingTableScreen):
    TITLE_MSG = "Training courses"
    TABLE = "courses"
    SEARCH_FIELDS = ("description", "category")
    BINDINGS = [
        Binding("a", "add", "Add course", id="training.add_course"),
        Binding("e", "edit", "Edit course", id="training.edit_course"),
        Binding("enter", "open", "Batches of the course", id="training.course_batches", show=False),
    ]

    def columns(self) -> list[Column]:
        batches: dict[int, int] = {}
        for doc in self.db.docs(svc.BATCHES).values():
            batches[doc.get("course_id", 0)] = batches.get(doc.get("course_id", 0), 0) + 1
        return [
            Column("code", "Code", 10),
            Column("name", "Name", 36),
            Column("category", "Category", 18, fmt=lambda v: category_label(v or "")),
            Column("pillar", "Pillar", 6),
            Column("session_days", "Days", 5, "right"),
            Column("threshold_pct", "Threshold", 9, "right", fmt=format_pct),
            Column("cert_code", "Certificate code", 16),
            Column("batches", "Batches", 7, "right", value=lambda d: batches.get(d["_id"], 0)),
        ]

    def records(self) -> Iterable[tuple[int, Mapping[str, Any]]]:
        return ((int(k), {**d, "_id": int(k)}) for k, d in self.db.docs(self.TABLE).items())

    def action_add(self) -> None:
        from ikmtui.ui.training.forms import course_form

        self.app.push_screen(course_form(self.db, None, self._saved))

    def action_edit(self) -> None:
        from ikmtui.ui.training.forms import course_form

        doc = self.current_doc()
        if doc is not None:
            self.app.push_screen(course_form(self.db, doc, self._saved))

    def _saved(self, doc: dict[str, Any]) -> None:
        self.notify(_("Saved {code}", code=doc.get("code", "")))
        self.context.data_saved()
        self.reload(keep_id=doc["id"])

    def __init__(self, batches_of: Callable[[int], Screen[Any]]) -> None:
        super().__init__()
        #: The screen listing one course's batches (the Training screen, which opens this catalogue).
        self.batches_of = batches_of

    def action_open(self) -> None:
        record_id = self.selected_id()
        if record_id is not None:
            self.app.push_screen(self.batches_of(record_id))

    @on(VirtualTable.RowActivated)
    def _activated(self) -> None:
        self.action_open()
