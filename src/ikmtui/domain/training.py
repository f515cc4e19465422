"""Training: courses (the catalogue), batches (dated runs) and enrollments of IKM participants.

The rules live here as plain functions over records, without the database:

* a batch's session days (every day from start to end, or the days listed), attendance marks on them and the
  attendance rate of a participant;
* seats and the waiting list of a batch (:class:`Roster`): first come, first served, the first on the waiting
  list promoted when a seat opens;
* completion against the course threshold and certificate numbers (``001/PLT-KMS/DISPERIN/XI/2026``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator

from ikmtui.domain.fields import Day, OptionalText, Percent, RequiredText, parse_choice, parse_date, parse_list
from ikmtui.domain.records import Record
from ikmtui.i18n import N_, _, format_date

CATEGORIES = ("desain", "kemasan", "sertifikasi", "standardisasi", "manajemen usaha", "pemasaran digital")
CATEGORY_LABELS = {
    "desain": N_("design"),
    "kemasan": N_("packaging"),
    "sertifikasi": N_("certification"),
    "standardisasi": N_("standardisation"),
    "manajemen usaha": N_("business management"),
    "pemasaran digital": N_("digital marketing"),
}
#: SMART pillars: Stimulating, Marketing, Adjusting, Raising, Training.
PILLARS = ("S", "M", "A", "R", "T")
PILLAR_NAMES = {
    "S": N_("Stimulating"),
    "M": N_("Marketing"),
    "A": N_("Adjusting"),
    "R": N_("Raising"),
    "T": N_("Training"),
}
BATCH_STATUSES = ("planned", "open", "running", "finished", "cancelled")
BATCH_STATUS_LABELS = {
    "planned": N_("planned"),
    "open": N_("open for enrolment"),
    "running": N_("running"),
    "finished": N_("finished"),
    "cancelled": N_("cancelled"),
    "overdue": N_("past its last day, not finished"),
}
#: Statuses staff set in the batch form; ``finished`` and ``cancelled`` have their own actions.
EDITABLE_STATUSES = ("planned", "open", "running")
#: A batch in these statuses is closed: no enrolment, attendance or change any more.
CLOSED_STATUSES = ("finished", "cancelled")
ENROLLMENT_STATES = (
    "requested",
    "booked",
    "waitlisted",
    "cancelled",
    "attended",
    "no_show",
    "completed",
    "not_completed",
    "no_seat",
)
ENROLLMENT_STATE_LABELS = {
    "requested": N_("requested"),
    "booked": N_("booked"),
    "waitlisted": N_("waiting list"),
    "cancelled": N_("cancelled"),
    "attended": N_("attended"),
    "no_show": N_("no-show"),
    "completed": N_("completed"),
    "not_completed": N_("not completed"),
    # Still on the waiting list when the batch finished: not an officer's cancellation.
    "no_seat": N_("no seat"),
}
#: Enrollments that hold a seat of the batch.
SEATED_STATES = ("booked", "attended", "no_show", "completed", "not_completed")
#: Enrollments that count as "this IKM is in the batch" (everything but a cancellation).
ACTIVE_STATES = ("requested", "waitlisted", *SEATED_STATES)
ATTENDANCE_MARKS = {"h": N_("present"), "i": N_("excused"), "a": N_("absent")}
#: A batch longer than this is a typing mistake (or several batches).
MAX_SESSION_DAYS = 31

ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
CERT_UNIT = "DISPERIN"
CERT_PREFIX = "PLT"
_CERT_CODE = re.compile(r"[A-Z0-9]+(?:-[A-Z0-9]+)*")
_CERT_NUMBER = re.compile(r"(\d{3,})/([A-Z0-9-]+)/([A-Z0-9-]+)/([IVX]+)/(\d{4})")


def current_status(batch: Mapping[str, Any], today: date) -> str:
    """The status as the clock sees it: a planned or open batch between its first and last day is running, and
    one past its last day that nobody finished is ``overdue``. Finished and cancelled batches stay as they are."""
    status = str(batch.get("status") or "planned")
    if status in CLOSED_STATUSES:
        return status
    if today > parse_date(batch["end_date"]):
        return "overdue"
    if today >= parse_date(batch["start_date"]):
        return "running"
    return status


def status_label(status: str) -> str:
    return _(BATCH_STATUS_LABELS.get(status, status))


def state_label(state: str) -> str:
    return _(ENROLLMENT_STATE_LABELS.get(state, state))


def category_label(category: str) -> str:
    return _(CATEGORY_LABELS.get(category, category))


def mark_label(mark: str) -> str:
    return _(ATTENDANCE_MARKS.get(mark, mark))


# ---------------------------------------------------------------------------------------------- field parsers
def _whole(value: object) -> int:
    """A whole number that may be negative: the caller says which range it accepts, in its own words."""
    from ikmtui.domain.fields import parse_count

    if isinstance(value, str) and value.strip().startswith("-"):
        return -parse_count(value.strip()[1:])
    if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
        return -parse_count(-value)
    return parse_count(value)


def parse_capacity(value: object) -> int:
    if _whole(value) < 1:
        raise ValueError(_("Capacity must be at least 1"))
    return _whole(value)


def parse_session_days(value: object) -> int:
    number = _whole(value)
    if not 1 <= number <= MAX_SESSION_DAYS:
        raise ValueError(_("A course has 1 to {max} session days", max=MAX_SESSION_DAYS))
    return number


def parse_cert_code(value: object) -> str:
    """The short code in certificate numbers: letters, digits and hyphens (``KMS``, ``DSN-BTK``)."""
    text = "".join(str(value or "").split()).upper()
    if not text:
        raise ValueError(_("This field is required"))
    if text.startswith(f"{CERT_PREFIX}-") and len(text) > len(CERT_PREFIX) + 1:
        text = text[len(CERT_PREFIX) + 1 :]
    if len(text) > 12 or not _CERT_CODE.fullmatch(text):
        raise ValueError(_("Use 1 to 12 letters, digits or hyphens, e.g. KMS or DSN-BTK"))
    return text


def parse_days(value: object) -> list[str]:
    """Session days typed as ``3/11/2026, 5/11/2026`` (or a list): ISO dates, sorted, each once."""
    return sorted({parse_date(part).isoformat() for part in parse_list(value)})


# ---------------------------------------------------------------------------------------------- records
class Course(Record):
    table: ClassVar[str] = "courses"
    code_prefix: ClassVar[str] = "PLT"

    name: RequiredText
    category: Annotated[str, BeforeValidator(parse_choice(CATEGORIES))]
    pillar: Annotated[str, BeforeValidator(parse_choice(PILLARS))] = "T"
    description: OptionalText = ""
    session_days: Annotated[int, BeforeValidator(parse_session_days)] = 1
    threshold_pct: Percent = 75.0
    #: Short code in certificate numbers: ``001/PLT-<cert_code>/DISPERIN/XI/2026``.
    cert_code: Annotated[str, BeforeValidator(parse_cert_code)]


class Batch(Record):
    table: ClassVar[str] = "batches"
    code_prefix: ClassVar[str] = "ANG"
    code_per_year: ClassVar[bool] = True

    course_id: int
    start_date: Day
    end_date: Day
    venue: RequiredText
    trainer: RequiredText
    capacity: Annotated[int, BeforeValidator(parse_capacity)]
    status: Annotated[str, BeforeValidator(parse_choice(BATCH_STATUSES))] = "planned"
    #: Session days when not every day from start to end (ISO dates); empty = every day.
    days: Annotated[list[str], BeforeValidator(parse_days), Field(validate_default=True)] = []
    finished_on: str | None = None

    @field_validator("course_id", mode="before")
    @classmethod
    def _course_chosen(cls, value: object) -> object:
        if value is None or value == "":
            raise ValueError(_("Choose a course"))
        return value

    @field_validator("end_date")
    @classmethod
    def _end_after_start(cls, value: date, info: ValidationInfo) -> date:
        start = info.data.get("start_date")
        if start and value < start:
            raise ValueError(_("The end date cannot be before the start date"))
        return value

    @field_validator("days")
    @classmethod
    def _days_inside(cls, value: list[str], info: ValidationInfo) -> list[str]:
        start, end = info.data.get("start_date"), info.data.get("end_date")
        if start and end:
            outside = [d for d in value if not start.isoformat() <= d <= end.isoformat()]
            if outside:
                raise ValueError(
                    _(
                        "{day} is not between the start and the end date",
                        day=", ".join(format_date(parse_date(d)) for d in outside),
                    )
                )
            if not value and (end - start).days + 1 > MAX_SESSION_DAYS:
                raise ValueError(
                    _("More than {max} days from start to end: list the session days", max=MAX_SESSION_DAYS)
                )
        if len(value) > MAX_SESSION_DAYS:
            raise ValueError(_("A batch has at most {max} session days", max=MAX_SESSION_DAYS))
        return value


class Enrollment(Record):
    table: ClassVar[str] = "enrollments"
    code_prefix: ClassVar[str] = "PST"

    batch_id: int
    ikm_id: int
    participant: OptionalText = ""
    state: Annotated[str, BeforeValidator(parse_choice(ENROLLMENT_STATES))] = "requested"
    #: First come, first served: the order of the waiting list (ties broken by id).
    requested_at: str = ""
    #: Session day (ISO date) -> ``h`` hadir, ``i`` izin, ``a`` absen.
    attendance: dict[str, str] = {}
    attendance_pct: float | None = None
    certificate_no: str | None = None
    cancelled_at: str | None = None
    promoted_at: str | None = None


# ---------------------------------------------------------------------------------------------- session days
def session_days(batch: Batch | Mapping[str, Any]) -> list[str]:
    """The batch's session days as ISO dates: the listed ``days``, else every day from start to end."""
    if isinstance(batch, Batch):
        listed, start, end = batch.days, batch.start_date, batch.end_date
    else:
        listed = list(batch.get("days") or [])
        start, end = parse_date(batch["start_date"]), parse_date(batch["end_date"])
    if listed:
        return sorted(listed)
    return [(start + timedelta(days=n)).isoformat() for n in range((end - start).days + 1)]


def check_mark(days: Sequence[str], day: date | str, mark: str) -> tuple[str, str]:
    """Validate one attendance entry: ``day`` must be a session day, ``mark`` h, i, a (or blank to clear).

    Returns ``(iso day, mark)``; raises ``ValueError`` with a message for the staff member.
    """
    iso = parse_date(day).isoformat()
    if iso not in days:
        raise ValueError(_("{day} is not a session day of this batch", day=format_date(parse_date(iso))))
    mark = (mark or "").strip().lower()
    if mark and mark not in ATTENDANCE_MARKS:
        raise ValueError(_("Attendance is h (present), i (excused) or a (absent), not '{mark}'", mark=mark))
    return iso, mark


def present_days(marks: Mapping[str, str], days: Iterable[str]) -> int:
    return sum(1 for d in days if marks.get(d) == "h")


def attendance_rate(marks: Mapping[str, str], days: Sequence[str]) -> float:
    """Percentage of session days present (``h``); excused and empty days are not present. One decimal."""
    if not days:
        return 0.0
    return round(100 * present_days(marks, days) / len(days), 1)


def meets_threshold(marks: Mapping[str, str], days: Sequence[str], threshold_pct: float) -> bool:
    """Present on at least ``threshold_pct`` percent of the session days, compared exactly (no float rounding)."""
    if not days:
        return False
    return present_days(marks, days) * 100 >= Decimal(str(threshold_pct)) * len(days)


# ---------------------------------------------------------------------------------------------- seats
def queue_key(doc: Mapping[str, Any]) -> tuple[str, int]:
    """First come, first served: by request time, then by id (several enrolled in one save keep their order)."""
    return (str(doc.get("requested_at") or ""), int(doc.get("id") or 0))


@dataclass
class Roster:
    """The seats of one batch: who holds one and who waits, in order. Keys are enrollment ids."""

    capacity: int
    seated: list[int] = field(default_factory=list)
    waiting: list[int] = field(default_factory=list)

    @classmethod
    def of(cls, capacity: int, enrollments: Iterable[Mapping[str, Any]]) -> Roster:
        docs = sorted(enrollments, key=queue_key)
        return cls(
            capacity,
            [int(d["id"]) for d in docs if d.get("state") in SEATED_STATES],
            [int(d["id"]) for d in docs if d.get("state") == "waitlisted"],
        )

    @property
    def free(self) -> int:
        return max(0, self.capacity - len(self.seated))

    def add(self, key: int) -> str:
        """A new request: a seat if one is free and nobody waits, else the end of the waiting list."""
        if key in self.seated or key in self.waiting:
            raise ValueError(f"enrollment {key} is already in the roster")
        if self.free and not self.waiting:
            self.seated.append(key)
            return "booked"
        self.waiting.append(key)
        return "waitlisted"

    def remove(self, key: int) -> list[int]:
        """A cancellation; returns whoever was promoted from the waiting list into the freed seat."""
        if key in self.waiting:
            self.waiting.remove(key)
            return []
        self.seated.remove(key)
        return self.fill()

    def fill(self) -> list[int]:
        """Promote from the head of the waiting list while seats are free (after a cancellation or more seats)."""
        promoted: list[int] = []
        while self.free and self.waiting:
            key = self.waiting.pop(0)
            self.seated.append(key)
            promoted.append(key)
        return promoted

    def position(self, key: int) -> int | None:
        """1-based place on the waiting list, or ``None``."""
        return self.waiting.index(key) + 1 if key in self.waiting else None


# ---------------------------------------------------------------------------------------------- certificates
def cert_course_code(cert_code: str) -> str:
    """``KMS`` -> ``PLT-KMS``: the course part of a certificate number."""
    return f"{CERT_PREFIX}-{parse_cert_code(cert_code)}"


def certificate_number(sequence: int, cert_code: str, issued: date, unit: str = CERT_UNIT) -> str:
    """``001/PLT-KMS/DISPERIN/XI/2026``: sequence in the year / course code / unit / Roman month / year."""
    if sequence < 1:
        raise ValueError(_("A certificate sequence starts at 1"))
    return f"{sequence:03d}/{cert_course_code(cert_code)}/{unit}/{ROMAN_MONTHS[issued.month - 1]}/{issued.year}"


@dataclass(frozen=True)
class CertificateNumber:
    sequence: int
    course: str
    unit: str
    month: int
    year: int


def parse_certificate_number(text: str) -> CertificateNumber | None:
    """The parts of a certificate number, or ``None`` if ``text`` does not have the form."""
    found = _CERT_NUMBER.fullmatch(str(text or "").strip())
    if not found or found.group(4) not in ROMAN_MONTHS:
        return None
    seq, course, unit, month, year = found.groups()
    return CertificateNumber(int(seq), course, unit, ROMAN_MONTHS.index(month) + 1, int(year))


def next_certificate_sequence(existing: Iterable[str | None], year: int, counter: int = 0) -> int:
    """The next sequence number of ``year``: above both the stored counter and every number already issued."""
    highest = counter
    for number in existing:
        parsed = parse_certificate_number(number or "")
        if parsed is not None and parsed.year == year:
            highest = max(highest, parsed.sequence)
    return highest + 1


def certificate_counter_key(year: int) -> str:
    """The name of the per-year certificate counter in the database's meta document."""
    return f"CERT-{year}"
