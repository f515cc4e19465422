"""The program's one clock: every "today" and "now" in ikmtui comes from here.

``IKMTUI_TODAY`` (``YYYY-MM-DD``) fixes the day for demonstrations, recaps made after the fact and snapshot tests;
:func:`now` is then that day at the current local time, so stamps stay unique and ordered. Tests pin the day with
:func:`fixed` (a context manager) or :func:`set_today`, which win over the environment.

Stored moments carry this machine's offset (``now`` is aware); :func:`who_when` shows a stored change as people
read it: the officer's full name and the local time.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from ikmtui.i18n import _

ENV = "IKMTUI_TODAY"

_pinned: date | None = None


def _fixed_day() -> date | None:
    if _pinned is not None:
        return _pinned
    value = os.environ.get(ENV, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(_("IKMTUI_TODAY must be a date like 2026-11-27, not '{value}'", value=value)) from None


def today() -> date:
    """Today's date: the pinned day, else ``IKMTUI_TODAY``, else the system's local date."""
    return _fixed_day() or date.today()  # the one place that asks the system


def now() -> datetime:
    """The current moment, aware, in local time; on a fixed day that day at the current local time."""
    moment = datetime.now()  # made aware below, with the offset of the day it lands on
    day = _fixed_day()
    if day is not None:
        moment = datetime.combine(day, moment.time())
    return moment.astimezone()


def set_today(day: date | None) -> date | None:
    """Pin today to ``day`` (``None`` releases it, back to ``IKMTUI_TODAY`` or the system); returns the old pin."""
    global _pinned
    previous, _pinned = _pinned, day
    return previous


@contextmanager
def fixed(day: date) -> Iterator[date]:
    """Within the block, today is ``day`` (for tests)."""
    previous = set_today(day)
    try:
        yield day
    finally:
        set_today(previous)


def local_time(stamp: object) -> str:
    """A stored moment shown as people read it: in this machine's local time, to the minute (``2026-12-04 13:27``).

    Stamps carry the offset of the machine that wrote them (``+07:00`` in Semarang, another on a server set to
    UTC): the same moment is shown the same on every machine. A stamp without an offset is shown as written;
    anything unreadable is shown as stored rather than hidden.
    """
    if isinstance(stamp, datetime):
        moment = stamp
    else:
        text = str(stamp or "")
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return text
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%Y-%m-%d %H:%M")


def officer_name(staff: Mapping[str, Mapping[str, Any]], username: object) -> str:
    """The full name of the staff record with ``username``, else the username itself (an account removed, a tool)."""
    for doc in staff.values():
        if doc.get("username") == username and doc.get("name"):
            return str(doc["name"])
    return str(username or "?")


def who_when(staff: Mapping[str, Mapping[str, Any]], username: object, stamp: object) -> tuple[str, str]:
    """Who (their full name) and when (local time) of a stored change: the one way every screen shows them."""
    return officer_name(staff, username), local_time(stamp)
