"""Training figures: a batch's attendance sheet with results, and per course the batches held, participants,
completion rate and certificates. Each comes as plain data (for exports) and as a Rich renderable (to show
and print). Pure functions over documents; no database, no UI."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from babel.numbers import format_decimal
from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

from ikmtui.domain.fields import parse_date
from ikmtui.domain.training import (
    SEATED_STATES,
    attendance_rate,
    category_label,
    meets_threshold,
    queue_key,
    session_days,
    state_label,
    status_label,
)
from ikmtui.i18n import _, format_date, get_language

Doc = Mapping[str, Any]
Tables = Mapping[str, Mapping[str, Doc]]

MARK_TEXT = {"h": "H", "i": "I", "a": "A"}


def format_pct(value: float | None) -> str:
    """``87.5`` -> ``87,5%`` in Indonesian, ``87.5%`` in English; ``None`` -> ``-``."""
    if value is None:
        return "-"
    return format_decimal(value, format="0.0", locale=get_language()) + "%"


def day_heading(iso: str) -> str:
    day = parse_date(iso)
    return f"{day.day:02d}/{day.month:02d}"


# ---------------------------------------------------------------------------------------------- attendance sheet
@dataclass
class SheetRow:
    no: int
    participant: str
    ikm: str
    ikm_code: str
    marks: list[str]
    present: int
    rate: float
    #: ``completed`` / ``not_completed`` once the batch is finished, else what the marks so far would give.
    state: str
    certificate: str = ""


@dataclass
class AttendanceSheet:
    course: str
    category: str
    batch_code: str
    start: str
    end: str
    venue: str
    trainer: str
    capacity: int
    status: str
    threshold: float
    days: list[str]
    rows: list[SheetRow] = field(default_factory=list)

    @property
    def completed(self) -> int:
        return sum(1 for r in self.rows if r.state == "completed")

    @property
    def certificates(self) -> int:
        return sum(1 for r in self.rows if r.certificate)


def attendance_sheet(course: Doc, batch: Doc, enrollments: Sequence[Doc], ikm: Mapping[str, Doc]) -> AttendanceSheet:
    """The sheet of one batch: its seated participants in order of request, a mark per session day, the rate
    and the result (an expectation until the batch is finished)."""
    days = session_days(batch)
    threshold = float(course.get("threshold_pct", 75.0))
    finished = batch.get("status") == "finished"
    sheet = AttendanceSheet(
        course=str(course.get("name", "")),
        category=str(course.get("category", "")),
        batch_code=str(batch.get("code", "")),
        start=str(batch.get("start_date", "")),
        end=str(batch.get("end_date", "")),
        venue=str(batch.get("venue", "")),
        trainer=str(batch.get("trainer", "")),
        capacity=int(batch.get("capacity", 0)),
        status=str(batch.get("status", "")),
        threshold=threshold,
        days=days,
    )
    seated = sorted((e for e in enrollments if e.get("state") in SEATED_STATES), key=queue_key)
    for no, doc in enumerate(seated, 1):
        marks = doc.get("attendance") or {}
        business = ikm.get(str(doc.get("ikm_id")), {})
        state = (
            str(doc.get("state"))
            if finished
            else "completed"
            if meets_threshold(marks, days, threshold)
            else "not_completed"
        )
        sheet.rows.append(
            SheetRow(
                no=no,
                participant=str(doc.get("participant", "")),
                ikm=str(business.get("name", "?")),
                ikm_code=str(business.get("code", "")),
                marks=[marks.get(d, "") for d in days],
                present=sum(1 for d in days if marks.get(d) == "h"),
                rate=attendance_rate(marks, days),
                state=state,
                certificate=str(doc.get("certificate_no") or ""),
            )
        )
    return sheet


def _when(iso: str) -> str:
    return format_date(parse_date(iso)) if iso else ""


def sheet_renderable(sheet: AttendanceSheet) -> Group:
    """The attendance sheet and results as a printable Rich table with its heading and legend."""
    finished = sheet.status == "finished"
    heading = Text.assemble(
        (_("Attendance sheet and results"), "bold"),
        "\n",
        (sheet.course, "bold"),
        f"  ({category_label(sheet.category)})\n",
        _(
            "Batch {code} · {start} to {end} · {venue} · trainer {trainer}",
            code=sheet.batch_code,
            start=_when(sheet.start),
            end=_when(sheet.end),
            venue=sheet.venue,
            trainer=sheet.trainer,
        ),
        "\n",
        _(
            "Status: {status} · capacity {capacity} · completion at {threshold} attendance",
            status=status_label(sheet.status),
            capacity=sheet.capacity,
            threshold=format_pct(sheet.threshold),
        ),
    )
    grid = Table(box=box.SIMPLE_HEAD, header_style="bold", title=_("Attendance"), title_justify="left")
    grid.add_column(_("No."), justify="right", no_wrap=True)
    grid.add_column(_("Participant"), no_wrap=True, overflow="ellipsis", max_width=24)
    grid.add_column(_("IKM"), no_wrap=True, overflow="ellipsis", max_width=28)
    for day in sheet.days:
        grid.add_column(day_heading(day), justify="center", no_wrap=True)
    grid.add_column(_("Attendance"), justify="right", no_wrap=True)
    results = Table(
        box=box.SIMPLE_HEAD,
        header_style="bold",
        title=_("Result") if finished else _("Result so far"),
        title_justify="left",
    )
    results.add_column(_("No."), justify="right", no_wrap=True)
    results.add_column(_("Participant"), no_wrap=True, overflow="ellipsis", max_width=24)
    results.add_column(_("Present"), justify="right", no_wrap=True)
    results.add_column(_("Attendance"), justify="right", no_wrap=True)
    results.add_column(_("Result"), no_wrap=True)
    results.add_column(_("Certificate"), no_wrap=True)
    for row in sheet.rows:
        style = "green" if row.state == "completed" else "red" if finished else ""
        grid.add_row(
            str(row.no), row.participant, row.ikm, *[MARK_TEXT.get(m, "·") for m in row.marks], format_pct(row.rate)
        )
        results.add_row(
            str(row.no),
            row.participant,
            f"{row.present}/{len(sheet.days)}",
            format_pct(row.rate),
            Text(state_label(row.state), style=style),
            row.certificate,
        )
    legend = Text(_("H present · I excused · A absent · · not filled in (counts as absent)"), style="dim")
    totals = Text(
        _(
            "{n} participants · {completed} completed · {certificates} certificates",
            n=len(sheet.rows),
            completed=sheet.completed,
            certificates=sheet.certificates,
        )
    )
    return Group(heading, Text(""), grid, legend, Text(""), results, totals)


# ---------------------------------------------------------------------------------------------- per course
@dataclass
class CourseFigures:
    course_id: int | None
    code: str
    name: str
    category: str
    pillar: str
    batches: int = 0
    #: Batches finished (held to the end).
    held: int = 0
    #: Seats taken in batches that were not cancelled.
    participants: int = 0
    completed: int = 0
    not_completed: int = 0
    certificates: int = 0
    waiting: int = 0

    @property
    def completion_rate(self) -> float | None:
        """Completed out of those judged (finished batches); ``None`` before any batch finished."""
        judged = self.completed + self.not_completed
        return round(100 * self.completed / judged, 1) if judged else None


def course_summary(tables: Tables) -> list[CourseFigures]:
    """Per course (by name), plus a last row of totals (``course_id`` ``None``)."""
    rows: dict[int, CourseFigures] = {}
    for key, course in tables["courses"].items():
        rows[int(key)] = CourseFigures(
            int(key),
            str(course.get("code", "")),
            str(course.get("name", "")),
            str(course.get("category", "")),
            str(course.get("pillar", "")),
        )
    batch_course: dict[int, int] = {}
    for key, batch in tables["batches"].items():
        figures = rows.get(int(batch.get("course_id", 0)))
        if figures is None or batch.get("status") == "cancelled":
            continue
        batch_course[int(key)] = figures.course_id or 0
        figures.batches += 1
        figures.held += batch.get("status") == "finished"
    for doc in tables["enrollments"].values():
        course_id = batch_course.get(int(doc.get("batch_id", 0)))
        if course_id is None:
            continue
        figures = rows[course_id]
        state = doc.get("state")
        figures.participants += state in SEATED_STATES
        figures.waiting += state == "waitlisted"
        figures.completed += state == "completed"
        figures.not_completed += state == "not_completed"
        figures.certificates += bool(doc.get("certificate_no"))
    ordered = sorted(rows.values(), key=lambda f: f.name.casefold())
    total = CourseFigures(None, "", _("Total"), "", "")
    for f in ordered:
        for name in ("batches", "held", "participants", "completed", "not_completed", "certificates", "waiting"):
            setattr(total, name, getattr(total, name) + getattr(f, name))
    return [*ordered, total]


def course_summary_table(rows: Sequence[CourseFigures]) -> Table:
    table = Table(title=_("Training per course"), header_style="bold", show_footer=False)
    table.add_column(_("Course"), no_wrap=True)
    table.add_column(_("Category"))
    table.add_column(_("Pillar"), justify="center")
    for label in (_("Batches"), _("Held"), _("Participants"), _("Completed"), _("Completion rate"), _("Certificates")):
        table.add_column(label, justify="right")
    for f in rows:
        style = "bold" if f.course_id is None else ""
        if f.course_id is None:
            table.add_section()
        table.add_row(
            f.name,
            category_label(f.category) if f.category else "",
            f.pillar,
            str(f.batches),
            str(f.held),
            str(f.participants),
            str(f.completed),
            format_pct(f.completion_rate),
            str(f.certificates),
            style=style,
        )
    return table
