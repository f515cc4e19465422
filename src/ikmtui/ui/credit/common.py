"""What the Credit screens share: dates and amounts as officers read and type them, and labels of what the
services return. The day they work on (arrears as of, default date of steps and repayments) is the app's clock
(``BaseScreen.today``)."""

from __future__ import annotations

from datetime import date

from ikmtui.domain.arrears import bucket_label, collectability_label
from ikmtui.domain.money import format_number, format_rupiah
from ikmtui.i18n import N_, _, format_date
from ikmtui.storage import StorageError

#: What a service may raise at an officer: shown as a message, never as a traceback.
REFUSALS = (StorageError, ValueError, PermissionError)

INSTALLMENT_STATUS: dict[str, str] = {
    "preview": N_("preview"),
    "paid": N_("paid"),
    "overdue": N_("overdue"),
    "due": N_("due today"),
    "partly paid": N_("partly paid"),
    "upcoming": N_("not yet due"),
}


def typed_day(day: date | None) -> str:
    """A date as officers type it: ``27/11/2026``."""
    return day.strftime("%d/%m/%Y") if day else ""


def shown_day(value: date | str | None) -> str:
    """A date to read: ``27 Nov 2026`` in the interface language."""
    if value in (None, ""):
        return ""
    return format_date(value if isinstance(value, date) else date.fromisoformat(str(value)[:10]))


def typed_rupiah(amount: int | None) -> str:
    return format_number(amount) if amount is not None else ""


def rupiah(amount: int | None) -> str:
    return format_rupiah(amount) if amount is not None else ""


def installment_status(status: str) -> str:
    return _(INSTALLMENT_STATUS.get(status, status))


def grade_text(grade: int) -> str:
    """``2 · Dalam Perhatian Khusus (DPK)``."""
    return f"{grade} · {collectability_label(grade)}"


def bucket_text(bucket: str) -> str:
    return bucket_label(bucket)
