"""Field types shared by every record: each parses what staff type and explains what is wrong in their words.

Every parser raises ``ValueError`` with a translated message; pydantic carries that message to the form, the
importer and the command line alike, so one rule serves all three.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any, TypeVar

from pydantic import BeforeValidator, ValidationError

from ikmtui import clock
from ikmtui.domain import identifiers as ids
from ikmtui.domain.money import parse_rupiah
from ikmtui.i18n import N_, _, format_date

T = TypeVar("T")


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def required_text(value: object) -> str:
    if is_blank(value):
        raise ValueError(_("This field is required"))
    return " ".join(str(value).split())


def optional_text(value: object) -> str:
    return "" if is_blank(value) else str(value).strip()


def optional(parse: Callable[[object], T]) -> Callable[[object], T | None]:
    """Blank stays empty (``None``); anything else must parse."""

    def parse_optional(value: object) -> T | None:
        return None if is_blank(value) else parse(value)

    return parse_optional


def parse_count(value: object) -> int:
    """A whole number of things (workers, stock, months): not negative."""
    if isinstance(value, bool):
        raise ValueError(_("Enter a whole number"))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip().replace(".", "")
        if not re.fullmatch(r"-?[0-9]+", text):
            raise ValueError(_("'{value}' is not a whole number", value=str(value).strip()))
        number = int(text)
    if number < 0:
        raise ValueError(_("The number cannot be negative"))
    return number


def parse_percent(value: object) -> float:
    """A percentage 0-100; ``3``, ``3,5``, ``3.5`` and ``3,5%`` are all accepted."""
    if isinstance(value, bool):
        raise ValueError(_("Enter a percentage, e.g. 3 or 2,5"))
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip().rstrip("%").strip().replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            raise ValueError(_("'{value}' is not a percentage, e.g. 3 or 2,5", value=str(value).strip())) from None
    if not 0 <= number <= 100:
        raise ValueError(_("A percentage must be between 0 and 100"))
    return number


#: Month names and the abbreviations offices write, Indonesian (with the older spellings Pebruari, Nopember and
#: abbreviations Agt, Nop, Peb) and English.
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            "januari january jan",
            "februari pebruari february feb peb pebr",
            "maret march mar mrt",
            "april apr",
            "mei may",
            "juni june jun",
            "juli july jul",
            "agustus august agu agt ags agst aug",
            "september sep sept",
            "oktober october okt oct",
            "november nopember nov nop",
            "desember december des dec",
        ),
        1,
    )
    for name in names.split()
}
_WEEKDAYS = (
    "senin selasa rabu kamis jumat jum'at sabtu minggu ahad",
    "monday tuesday wednesday thursday friday saturday sunday",
)
_WEEKDAY = re.compile(r"^(?:" + "|".join(" ".join(_WEEKDAYS).split()) + r")\s*,?\s+", re.IGNORECASE)
_ISO = re.compile(
    r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"
    r"(?:[t ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?"  # a stored timestamp: its day
)
_NUMERIC = re.compile(r"(\d{1,2})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})(?:\s+|\s*[-/.]\s*)([a-z']+)\.?(?:\s+|\s*[-/.,]\s*)(\d{4}|\d{2})")
_MONTH_DAY_YEAR = re.compile(r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?\s*,?\s+(\d{4})")


def _full_year(text: str) -> int:
    """A two-digit year is this century's unless that lies more than 20 years ahead (``17/8/85`` is 1985)."""
    year = int(text)
    if len(text) > 2:
        return year
    return 2000 + year if 2000 + year <= clock.today().year + 20 else 1900 + year


def _read_date(text: str) -> date | None:
    text = _WEEKDAY.sub("", " ".join(text.split()).casefold())
    parts: tuple[int, int, int] | None = None
    if found := _ISO.fullmatch(text):
        parts = int(found[1]), int(found[2]), int(found[3])
    elif found := _NUMERIC.fullmatch(text):
        parts = _full_year(found[4]), int(found[3]), int(found[1])
    elif (found := _DAY_MONTH_YEAR.fullmatch(text)) and found[2] in _MONTHS:
        parts = _full_year(found[3]), _MONTHS[found[2]], int(found[1])
    elif (found := _MONTH_DAY_YEAR.fullmatch(text)) and found[1] in _MONTHS:
        parts = int(found[3]), _MONTHS[found[1]], int(found[2])
    if parts is None:
        return None
    try:
        return date(*parts)
    except ValueError:
        return None


#: The refusal of a day after today, unless a caller says it in its own words (same placeholders).
AFTER_TODAY = N_("The date {date} is after today ({today}): nothing is recorded before it happens")


def not_after_today(day: date, message: str = AFTER_TODAY, today: date | None = None) -> date:
    """``day``, if it is not after today (the one clock, or ``today``); else ``ValueError`` naming both days."""
    today = clock.today() if today is None else today
    if day > today:
        raise ValueError(_(message, date=format_date(day), today=format_date(today)))
    return day


def parse_date(value: object) -> date:
    """A day as offices write it: ISO ``2026-08-17``, ``17/08/2026``, ``17-8-2026``, ``17.08.26``, ``17 Agustus
    2026``, ``17 Agt 2026`` (also ``Nop``, ``Peb``, English ``17 August 2026`` or ``Aug 17, 2026``), a weekday in
    front (``Senin, 17 Agustus 2026``); a date or datetime (a spreadsheet's own dates) as it is."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if len(text) == 10 and text[4] == "-":  # stored dates: ISO, the quick way
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    found = _read_date(text)
    if found is None:
        raise ValueError(_("'{value}' is not a date: write 27/11/2026 or 2026-11-27", value=text[:40]))
    return found


def parse_year(value: object) -> int:
    year = parse_count(value)
    this_year = clock.today().year
    if not 1900 <= year <= this_year:
        raise ValueError(_("Year must be between 1900 and {year}", year=this_year))
    return year


def parse_choice(choices: Callable[[], tuple[str, ...]] | tuple[str, ...]) -> Callable[[object], str]:
    def parse(value: object) -> str:
        options = choices() if callable(choices) else choices
        text = str(value).strip().casefold()
        for option in options:
            if option.casefold() == text:
                return option
        raise ValueError(_("Choose one of: {options}", options=", ".join(options)))

    return parse


def parse_list(value: object) -> list[Any]:
    """Lists arrive as lists from forms and as ``a, b; c`` text from spreadsheets."""
    if is_blank(value):
        return []
    if isinstance(value, list | tuple | set | frozenset):
        return list(value)
    return [part.strip() for part in re.split(r"[,;]", str(value)) if part.strip()]


RequiredText = Annotated[str, BeforeValidator(required_text)]
OptionalText = Annotated[str, BeforeValidator(optional_text)]
Rupiah = Annotated[int, BeforeValidator(parse_rupiah)]
Count = Annotated[int, BeforeValidator(parse_count)]
Percent = Annotated[float, BeforeValidator(parse_percent)]
Day = Annotated[date, BeforeValidator(parse_date)]
OptionalDay = Annotated[date | None, BeforeValidator(optional(parse_date))]
#: A day something happened: never after today (a decree, a registration, a consignment).
PastDay = Annotated[date, BeforeValidator(lambda value: not_after_today(parse_date(value)))]
OptionalPastDay = Annotated[date | None, BeforeValidator(optional(lambda value: not_after_today(parse_date(value))))]
Nib = Annotated[str, BeforeValidator(ids.clean_nib)]
Nik = Annotated[str, BeforeValidator(ids.clean_nik)]
Phone = Annotated[str, BeforeValidator(ids.clean_phone)]
Year = Annotated[int, BeforeValidator(parse_year)]
# Many IKM an office helps have no NIB yet, and office lists often lack the NIK, phone or founding year: blank
# is kept as None (unknown), anything typed must still be valid.
OptionalNib = Annotated[str | None, BeforeValidator(optional(ids.clean_nib))]
OptionalNik = Annotated[str | None, BeforeValidator(optional(ids.clean_nik))]
OptionalNpwp = Annotated[str | None, BeforeValidator(optional(ids.clean_npwp))]
OptionalPhone = Annotated[str | None, BeforeValidator(optional(ids.clean_phone))]
OptionalEmail = Annotated[str | None, BeforeValidator(optional(ids.clean_email))]
OptionalYear = Annotated[int | None, BeforeValidator(optional(parse_year))]
Kbli = Annotated[str, BeforeValidator(ids.clean_kbli)]


def error_messages(error: ValidationError) -> dict[str, str]:
    """Field name -> the first message for it, in the staff member's language."""
    messages: dict[str, str] = {}
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else "__all__"
        if field in messages:
            continue
        if item["type"] == "missing":
            messages[field] = _("This field is required")
        elif item["type"] == "value_error" and "error" in item.get("ctx", {}):
            messages[field] = str(item["ctx"]["error"])
        else:
            messages[field] = _("Invalid value: {detail}", detail=item["msg"])
    return messages
