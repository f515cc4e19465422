"""What a cell holds and how it is tidied before the record models validate it (``Rp 1.500.000,-``,
numbers for NIB/NIK, ``+62`` phones, ``5 orang``, ``Kec. Tembalang``, Excel serial days ...)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from ikmtui.domain.fields import parse_date
from ikmtui.io import columns as cols

Doc = dict[str, Any]
Tables = Callable[[str], Mapping[str, Doc]]
#: ``progress(phase, done, total)``: phase is ``read``, ``check`` or ``write``; total 0 when unknown.
Progress = Callable[[str, int, int], None]

_STEP = 250  # rows between progress reports
_BLANKS = frozenset({"", "-", "--", "–", "—", "n/a", "N/A"})
_UNITS = re.compile(
    r"^\s*(-?[0-9][0-9.]*)\s*(?:orang|org|jiwa|pekerja|bulan|bln|hari|hr|pcs|buah|unit|tahun|thn|"
    r"people|persons|months|days)\.?\s*$",
    re.IGNORECASE,
)
_COMMA_THOUSANDS = re.compile(r"(?P<head>-?\s*(?:(?:IDR|Rp\.?)\s*)?)(?P<num>[0-9]{1,3}(?:,[0-9]{3})+)(?:\.00?)?", re.I)
_WHOLE = re.compile(r"(-?[0-9]+)[.,]0{1,2}")
_PHONE_SPLIT = re.compile(r"\s*(?:/|;|,|\batau\b|\bor\b)\s*")
_PHONE_NOISE = re.compile(r"[\s\-().]")
_PHONE_NO_ZERO = re.compile(r"8[1-9][0-9]{6,10}")


def _noop(phase: str, done: int, total: int) -> None:
    return None


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() in _BLANKS)


def show_value(value: object) -> str:
    """A cell as the officer would recognise it in the report."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y") if not (value.hour or value.minute) else value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = " ".join(str(value).split())
    return text if len(text) <= 60 else text[:59] + "…"


def _identifier(value: object) -> object:
    if isinstance(value, str):
        return value.strip().lstrip("'").strip()
    return value


def _phone(value: object) -> object:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        text = str(int(value)) if float(value).is_integer() else str(value)
    else:
        text = _PHONE_SPLIT.split(str(value).strip().lstrip("'"))[0]
    digits = _PHONE_NOISE.sub("", text)
    if _PHONE_NO_ZERO.fullmatch(digits):  # the leading 0 a spreadsheet dropped from a number
        return "0" + digits
    return text


def _rupiah(value: object) -> object:
    """An amount as :func:`ikmtui.domain.money.parse_rupiah` reads it (``Rp 1.500.000,-``, ``IDR 1.500.000,00``
    ...); a sheet may also hold thousands with commas, as English Excel shows them (``Rp 1,500,000``)."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    match = _COMMA_THOUSANDS.fullmatch(text)
    return f"{match['head']}{match['num'].replace(',', '')}" if match else text


def _count(value: object) -> object:
    """``5 orang`` -> ``5``; ``5.0`` (a number written by another program) -> ``5``, not fifty."""
    if isinstance(value, str):
        match = _UNITS.match(value)
        text = match.group(1) if match else value.strip()
        whole = _WHOLE.fullmatch(text)
        return whole.group(1) if whole else text
    return value


def _date(value: object) -> object:
    if isinstance(value, int | float) and not isinstance(value, bool) and 20_000 <= value <= 80_000:
        return date(1899, 12, 30) + timedelta(days=int(value))  # an Excel serial day number
    return value


def _year(value: object) -> object:
    """A founding date where the year was asked for counts as its year (``01/02/2019``, ``17 Agustus 2019``, a
    date cell or its Excel serial number -> 2019)."""
    value = _date(value)
    if isinstance(value, date):
        return value.year
    if isinstance(value, str) and not value.strip().isdigit():
        try:
            return parse_date(value).year
        except ValueError:
            pass
    return _count(value)


def _prefixed(*prefixes: str) -> Callable[[object], object]:
    pattern = re.compile(r"^(?:" + "|".join(prefixes) + r")\s+", re.IGNORECASE)

    def strip(value: object) -> object:
        return pattern.sub("", str(value).strip()) if isinstance(value, str) else value

    return strip


def _choice(group: str) -> Callable[[object], object]:
    return lambda value: cols.synonym(group, value)


def _choices(group: str) -> Callable[[object], object]:
    def parse(value: object) -> object:
        if isinstance(value, list):
            return value
        return [cols.synonym(group, part.strip()) for part in re.split(r"[,;/\n]", str(value)) if part.strip()]

    return parse


def _nik(value: object) -> object:
    """A NIK stored as a number is its digits (16-digit NIKs are exact in a spreadsheet's number; one typed in by
    hand that ends in 0 may have lost its last digit: the IKM kind warns of those, see ``nik_as_number``)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(int(value))
    return _identifier(value)


def nik_as_number(value: object) -> bool:
    """A 16-digit NIK the sheet holds as a number ending in 0: Excel keeps 15 digits of a number typed in."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    digits = str(int(value))
    return len(digits) >= 16 and digits.endswith("0")


#: field -> how a cell is tidied before the record model validates it.
PREPARE: dict[str, Callable[[object], object]] = {
    "owner_nik": _nik,
    "nib": _identifier,
    "npwp": _identifier,
    "kbli": _identifier,
    "phone": _phone,
    "investment": _rupiah,
    "turnover": _rupiah,
    "turnover_monthly": _rupiah,
    "amount_requested": _rupiah,
    "price": _rupiah,
    "workers_male": _count,
    "workers_female": _count,
    "workers_total": _count,
    "tenor_months": _count,
    "stock": _count,
    "term_days": _count,
    "year_founded": _year,
    "decree_date": _date,
    "consigned_on": _date,
    "applied_on": _date,
    "registered_on": _date,
    "kecamatan": _prefixed(r"kec\.?", "kecamatan"),
    "kelurahan": _prefixed(r"kel\.?", "kelurahan", "desa"),
    "status": _choice("status"),
    "scale": _choice("scale"),
    "certifications": _choices("certification"),
    "badges": _choices("certification"),
    "category": _choice("category"),
}


def prepare(field_name: str, value: object, kind: str = "ikm") -> object:
    """Tidy one cell for ``field_name`` the way real sheets need (raises ValueError for hopeless cells)."""
    if kind == "gallery_listings" and field_name == "status":
        return cols.synonym("listing_status", value)
    tidy = PREPARE.get(field_name)
    if isinstance(value, str):
        value = value.strip()
    return tidy(value) if tidy else value
