"""Course and batch forms: fields as data, saved through the training services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ikmtui.domain.fields import is_blank, parse_date
from ikmtui.domain.training import (
    CATEGORIES,
    EDITABLE_STATUSES,
    PILLAR_NAMES,
    PILLARS,
    category_label,
    status_label,
)
from ikmtui.i18n import _
from ikmtui.services import training as svc
from ikmtui.storage import Database
from ikmtui.ui.kit.form import FormField, FormScreen, saving

Doc = dict[str, Any]


def _show_day(value: Any) -> str:
    """ISO from storage -> ``27/11/2026`` as staff type it."""
    if is_blank(value):
        return ""
    day = parse_date(value)
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


class TrainingForm(FormScreen):
    """The forms of the training area."""


# ---------------------------------------------------------------------------------------------- courses
def course_fields() -> list[FormField]:
    return [
        FormField("name", "Course name"),
        FormField("category", "Category", "select", options=[(category_label(c), c) for c in CATEGORIES]),
        FormField("pillar", "SMART pillar", "select", options=[(f"{p} · {_(PILLAR_NAMES[p])}", p) for p in PILLARS]),
        FormField("description", "Description"),
        FormField("session_days", "Session days", placeholder="3", help="How many days a batch of it runs"),
        FormField(
            "threshold_pct",
            "Completion threshold %",
            placeholder="75",
            help="Attendance needed to complete and get a certificate",
        ),
        FormField(
            "cert_code",
            "Certificate code",
            placeholder="KMS",
            help="In certificate numbers: 001/PLT-KMS/DISPERIN/XI/2026",
        ),
    ]


def course_values(doc: Doc | None) -> Doc:
    if doc is None:
        return {"pillar": "T", "session_days": "3", "threshold_pct": "75"}
    values = {name: doc.get(name) for name in svc.COURSE_FIELDS}
    threshold = float(doc.get("threshold_pct", 75))
    values["threshold_pct"] = f"{threshold:g}".replace(".", ",")
    return values


def course_form(db: Database, doc: Doc | None, done: Callable[[Doc], None]) -> FormScreen:
    """Add a course (``doc`` None) or edit ``doc``; ``done`` gets the saved course."""
    if doc is None:
        title = _("New course")

        def save(values: Doc) -> Doc:
            return svc.create_course(db, values)
    else:
        title = _("Edit course {code}", code=doc.get("code", ""))

        def save(values: Doc) -> Doc:
            return svc.update_course(db, doc["id"], values, expected_version=doc.get("version"))

    return TrainingForm(title, course_fields(), course_values(doc), saving(save, done))


# ---------------------------------------------------------------------------------------------- batches
def course_options(db: Database) -> list[tuple[str, int]]:
    return [(f"{c.get('name', '')} ({c.get('code', '')})", c["id"]) for c in svc.courses(db)]


def batch_fields(db: Database) -> list[FormField]:
    options = course_options(db)
    return [
        FormField("course_id", "Course", "select", options=options),
        FormField("start_date", "Start date", placeholder="27/11/2026"),
        FormField(
            "end_date",
            "End date",
            placeholder="29/11/2026",
            help="Blank: from the start date and the course's number of session days",
        ),
        FormField(
            "days",
            "Session days (dates)",
            placeholder="3/11/2026, 5/11/2026",
            help="Only if not every day from start to end",
        ),
        FormField("venue", "Venue"),
        FormField("trainer", "Trainer"),
        FormField("capacity", "Capacity", placeholder="20"),
        FormField("status", "Status", "select", options=[(status_label(s), s) for s in EDITABLE_STATUSES]),
    ]


def batch_values(doc: Doc | None, course_id: int | None = None) -> Doc:
    if doc is None:
        return {"course_id": course_id, "status": "planned"}
    values = {name: doc.get(name) for name in svc.BATCH_FIELDS}
    values["start_date"] = _show_day(doc.get("start_date"))
    values["end_date"] = _show_day(doc.get("end_date"))
    values["days"] = ", ".join(_show_day(d) for d in doc.get("days") or [])
    return values


class BatchForm(TrainingForm):
    """Suggests the end date from the start date and the course's number of session days."""

    def __init__(self, db: Database, *args: Any) -> None:
        super().__init__(*args)
        self.db = db
        self._suggested = ""

    def on_field_changed(self, name: str) -> None:
        if name not in ("start_date", "course_id"):
            return
        values = self.values()
        if not is_blank(values.get("end_date")) and values.get("end_date") != self._suggested:
            return  # typed by the officer: leave it
        course = self.db.get(svc.COURSES, values["course_id"]) if values.get("course_id") is not None else None
        try:
            end = svc.suggested_end(course, values.get("start_date") or "")
        except ValueError:
            return
        self._suggested = _show_day(end)
        self.set_value("end_date", self._suggested)


def batch_form(
    db: Database, doc: Doc | None, done: Callable[[Any], None], *, course_id: int | None = None
) -> FormScreen:
    """Add a batch (``doc`` None, of ``course_id`` if given) or edit ``doc``; ``done`` gets the service result."""
    if doc is None:
        title = _("New batch")

        def save(values: Doc) -> Any:
            return svc.create_batch(db, values)
    else:
        title = _("Edit batch {code}", code=doc.get("code", ""))

        def save(values: Doc) -> Any:
            return svc.update_batch(db, doc["id"], values, expected_version=doc.get("version"))

    return BatchForm(db, title, batch_fields(db), batch_values(doc, course_id), saving(save, done))
