"""Training: courses (the catalogue), batches (dated runs) and enrollments of IKM participants."""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar

from pydantic import BeforeValidator, ValidationInfo, field_validator

from ikmtui.domain.fields import Count, Day, OptionalText, Percent, RequiredText, parse_choice
from ikmtui.domain.records import Record
from ikmtui.i18n import N_, _

CATEGORIES = ("desain", "kemasan", "sertifikasi", "standardisasi", "manajemen usaha", "pemasaran digital")
#: SMART pillars: Stimulating, Marketing, Adjusting, Raising, Training.
PILLARS = ("S", "M", "A", "R", "T")
PILLAR_NAMES = {"S": N_("Stimulating"), "M": N_("Marketing"), "A": N_("Adjusting"), "R": N_("Raising"),
                "T": N_("Training")}
BATCH_STATUSES = ("planned", "open", "running", "finished", "cancelled")
ENROLLMENT_STATES = ("requested", "booked", "waitlisted", "cancelled", "attended", "no_show", "completed",
                     "not_completed")
ATTENDANCE_MARKS = {"h": N_("present"), "i": N_("excused"), "a": N_("absent")}


def parse_capacity(value: object) -> int:
    from ikmtui.domain.fields import parse_count

    number = parse_count(value)
    if number < 1:
        raise ValueError(_("Capacity must be at least 1"))
    return number


class Course(Record):
    table: ClassVar[str] = "courses"
    code_prefix: ClassVar[str] = "PLT"

    name: RequiredText
    category: Annotated[str, BeforeValidator(parse_choice(CATEGORIES))]
    pillar: Annotated[str, BeforeValidator(parse_choice(PILLARS))] = "T"
    description: OptionalText = ""
    session_days: Count = 1
    threshold_pct: Percent = 75.0
    #: Short code in certificate numbers: ``001/<cert_code>/DISPERIN/XI/2026``.
    cert_code: RequiredText


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

    @field_validator("end_date")
    @classmethod
    def _end_after_start(cls, value, info: ValidationInfo):  # type: ignore[no-untyped-def]
        start = info.data.get("start_date")
        if start and value < start:
            raise ValueError(_("The end date cannot be before the start date"))
        return value


class Enrollment(Record):
    table: ClassVar[str] = "enrollments"
    code_prefix: ClassVar[str] = "PST"

    batch_id: int
    ikm_id: int
    participant: OptionalText = ""
    state: Annotated[str, BeforeValidator(parse_choice(ENROLLMENT_STATES))] = "requested"
    #: First come, first served: the order of the waiting list.
    requested_at: str = ""
    #: Session day (ISO date) -> ``h`` hadir, ``i`` izin, ``a`` absen.
    attendance: dict[str, str] = {}
    attendance_pct: float | None = None
    certificate_no: str | None = None


ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
CERT_UNIT = "DISPERIN"


def certificate_number(sequence: int, cert_code: str, issued: date, unit: str = CERT_UNIT) -> str:
    """``001/PLT-KMS/DISPERIN/XI/2026``: sequence in the year / course code / unit / Roman month / year."""
    return f"{sequence:03d}/{cert_code}/{unit}/{ROMAN_MONTHS[issued.month - 1]}/{issued.year}"
