"""Training: batches of the course catalogue."""

from __future__ import annotations

from ikmtui.domain.fields import parse_date
from ikmtui.i18n import _, format_date
from ikmtui.tabular import Column
from ikmtui.ui.screens.base import TableScreen


class TrainingScreen(TableScreen):
    TITLE_MSG = "Training"
    TABLE = "batches"

    def columns(self) -> list[Column]:
        courses = {int(k): d for k, d in self.db.docs("courses").items()}
        return [
            Column("code", "Code", 14),
            Column("course", "Course", 36, value=lambda d: courses.get(d.get("course_id"), {}).get("name", "?")),
            Column("start_date", "Start", 12, fmt=lambda v: format_date(parse_date(v)) if v else ""),
            Column("venue", "Venue", 26),
            Column("capacity", "Capacity", 8, "right"),
            Column("status", "Status", 10, fmt=lambda v: _(v or "")),
        ]
