"""Report periods: a month (``2026-11``), a quarter (``2026-Q4``), a year (``2026``) or all time (``all``).

A report counts what *happened* in its period (new IKM, trainings held, loans disbursed, items sold) up to its
as-of date, and gives *positions* (IKM registered, credit outstanding, PAR30) on that date. The as-of date is
the last day of the period, or today while the period is still running. "Today" is injectable everywhere:
functions take it as an argument, and :func:`today` is :func:`ikmtui.clock.today`, which reads ``IKMTUI_TODAY``
(``YYYY-MM-DD``) before the system clock, so that screens, snapshot tests and recaps made after the fact show
fixed dates.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ikmtui.clock import today as today  # re-exported: reports and screens ask period.today()
from ikmtui.i18n import _, format_date

KINDS = ("month", "quarter", "year", "all")
ROMAN_QUARTERS = ("I", "II", "III", "IV")

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_MONTH_DMY = re.compile(r"^(\d{1,2})/(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})[-/ ]?[qk](\d)$", re.IGNORECASE)
_QUARTER_FIRST = re.compile(r"^[qk](\d)[-/ ]?(\d{4})$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")
ALL_WORDS = ("", "all", "semua", "all-time", "alltime", "*")


def _month_end(year: int, month: int) -> date:
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return first_next - timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """A closed range of days ``start``..``end``; both ``None`` for all time."""

    kind: str
    start: date | None = None
    end: date | None = None

    # ------------------------------------------------------------------ constructors
    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls("month", date(year, month, 1), _month_end(year, month))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first = 3 * (quarter - 1) + 1
        return cls("quarter", date(year, first, 1), _month_end(year, first + 2))

    @classmethod
    def year(cls, year: int) -> Period:
        return cls("year", date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def all_time(cls) -> Period:
        return cls("all")

    @classmethod
    def current(cls, kind: str, day: date) -> Period:
        """The period of ``kind`` that contains ``day``."""
        if kind == "month":
            return cls.month(day.year, day.month)
        if kind == "quarter":
            return cls.quarter(day.year, (day.month - 1) // 3 + 1)
        if kind == "year":
            return cls.year(day.year)
        return cls.all_time()

    # ------------------------------------------------------------------ naming
    @property
    def key(self) -> str:
        """What ``--period`` accepts: ``2026-11``, ``2026-Q4``, ``2026`` or ``all``."""
        if self.start is None:
            return "all"
        if self.kind == "month":
            return f"{self.start.year}-{self.start.month:02d}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)

    @property
    def label(self) -> str:
        """``November 2026``, ``Triwulan IV 2026``, ``Tahun 2026``, ``Sepanjang waktu`` (translated)."""
        if self.start is None:
            return _("All time")
        if self.kind == "month":
            return format_date(self.start, "MMMM y")
        if self.kind == "quarter":
            return _("Quarter {q} {year}", q=ROMAN_QUARTERS[(self.start.month - 1) // 3], year=self.start.year)
        return _("Year {year}", year=self.start.year)

    # ------------------------------------------------------------------ arithmetic
    def shift(self, steps: int) -> Period:
        """The period ``steps`` before (negative) or after (positive) this one, of the same kind."""
        if self.start is None:
            return self
        if self.kind == "year":
            return Period.year(self.start.year + steps)
        months = 1 if self.kind == "month" else 3
        index = self.start.year * 12 + self.start.month - 1 + steps * months
        year, month0 = divmod(index, 12)
        if self.kind == "month":
            return Period.month(year, month0 + 1)
        return Period.quarter(year, month0 // 3 + 1)

    def as_of(self, day: date) -> date:
        """The date positions are given on: the end of the period, or ``day`` (today) if that is earlier."""
        if self.end is None or day < self.end:
            return day
        return self.end

    def bounds(self, day: date) -> tuple[str, str]:
        """ISO strings ``(first, last)`` of the days counted for flows: the period cut at the as-of date.
        Stored dates are ISO strings, so comparing strings is comparing dates (and fast)."""
        last = self.as_of(day).isoformat()
        first = self.start.isoformat() if self.start else ""  # all time: even records without a date
        return first, last

    def started(self, day: date) -> bool:
        return self.start is None or self.start <= day

    def as_dict(self, day: date) -> dict[str, str | None]:
        return {
            "key": self.key,
            "kind": self.kind,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "as_of": self.as_of(day).isoformat(),
        }


def parse_period(text: object, day: date | None = None) -> Period:
    """``2026-11`` / ``11/2026``, ``2026-Q4`` / ``Q4-2026`` / ``2026K4``, ``2026``, ``all`` (or empty).
    Raises ``ValueError`` with a translated message for anything else."""
    raw = str(text if text is not None else "").strip()
    value = raw.casefold()
    if value in ALL_WORDS:
        return Period.all_time()
    if value in ("month", "bulan", "quarter", "triwulan", "year", "tahun"):
        kind = {"bulan": "month", "triwulan": "quarter", "tahun": "year"}.get(value, value)
        return Period.current(kind, day or today())
    if match := _MONTH.match(value) or _MONTH_DMY.match(value):
        first, second = match.groups()
        year, month = (int(first), int(second)) if len(first) == 4 else (int(second), int(first))
        if 1 <= month <= 12 and 1900 <= year <= 2999:
            return Period.month(year, month)
    elif match := _QUARTER.match(value) or _QUARTER_FIRST.match(value):
        first, second = match.groups()
        year, quarter = (int(first), int(second)) if len(first) == 4 else (int(second), int(first))
        if 1 <= quarter <= 4 and 1900 <= year <= 2999:
            return Period.quarter(year, quarter)
    elif match := _YEAR.match(value):
        year = int(match.group(1))
        if 1900 <= year <= 2999:
            return Period.year(year)
    raise ValueError(
        _("'{value}' is not a period: write a month 2026-11, a quarter 2026-Q4, a year 2026 or all", value=raw)
    )


def months_between(first: date, last: date) -> list[tuple[int, int]]:
    """``(year, month)`` of every month from ``first`` to ``last`` inclusive."""
    months: list[tuple[int, int]] = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def month_label(year: int, month: int) -> str:
    """``Nov 26``: a month on a chart axis, in the interface language."""
    return format_date(date(year, month, 1), "MMM yy")


# ---------------------------------------------------------------------------------------------- closed periods
#: Fields with two values only: a change to one recorded without its values (audit entries written before the
#: log kept them) is undone by taking the other value.
TWO_VALUED = {"status": ("active", "inactive")}


def records_as_of(tables: Mapping[str, Mapping[str, Mapping[str, Any]]], table: str, cut: str) -> Mapping[str, Any]:
    """The records of ``table`` as they stood at the end of the day ``cut`` (ISO), so that a past period's figures
    come out the same whenever they are counted: every change audited after that day is undone, newest first
    (a field goes back to what its audit entry says it was; a status change logged by name only goes back to the
    other status), and a record deleted after that day is back from the recycle bin. Records created after it are
    still there: the reports count by their creation date. While nothing changed after ``cut`` (a period seen on
    its last day or later than every change), the table itself is returned."""
    docs = tables[table]
    later = sorted(
        (
            (str(entry.get("ts", "")), int(key), entry)
            for key, entry in tables.get("audit", {}).items()
            if entry.get("table") == table
            and entry.get("action") == "update"
            and entry.get("record_id") is not None
            and str(entry.get("ts", ""))[:10] > cut
        ),
        key=lambda item: (item[0], item[1]),
        reverse=True,
    )
    binned = [
        entry
        for entry in tables.get("recycle_bin", {}).values()
        if entry.get("table") == table
        and str(entry.get("deleted_at", ""))[:10] > cut
        and str(entry.get("record_id")) not in docs
        and isinstance(entry.get("doc"), Mapping)
    ]
    if not later and not binned:
        return docs
    result: dict[str, Any] = dict(docs)
    for entry in binned:
        result.setdefault(str(entry["record_id"]), entry["doc"])
    restored: dict[str, dict[str, Any]] = {}  # each record copied once, however many changes it had
    for _ts, _key, entry in later:
        key = str(entry["record_id"])
        doc = restored.get(key)
        if doc is None:
            if key not in result:
                continue
            doc = restored[key] = dict(result[key])
        recorded = entry.get("changes")
        changes: Mapping[str, Any] = recorded if isinstance(recorded, Mapping) else {}
        for name, pair in changes.items():
            if isinstance(pair, list | tuple) and len(pair) == 2:
                doc[name] = pair[0]
        for name, (first, second) in TWO_VALUED.items():
            if name in (entry.get("fields") or []) and name not in changes:
                doc[name] = second if doc.get(name, first) == first else first
    result.update(restored)
    return result
