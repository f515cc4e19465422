"""Rupiah are whole numbers: parsed from what staff type, stored as int, shown as ``Rp 1.234.567``."""

from __future__ import annotations

import re

from ikmtui.i18n import _

# What offices and banks write for an amount: 1234567 | 1.234.567 | 1 234 567, after Rp / Rp. / IDR or not, with a
# tail that says "no cents" (,00 | ,- | .- | ,=) or not; a minus first where a negative amount is allowed.
_RUPIAH = re.compile(
    r"^(?P<neg>-)?\s*(?:(?:rp\.?|idr)\s*)?(?P<num>\d{1,3}(?:\.\d{3})+|\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)"
    r"\s*(?:,(?P<cents>\d{1,2})|[,.]\s*[-\u2013\u2014=])?$",
    re.IGNORECASE | re.ASCII,
)


def _dotted_cents(value: float) -> str:
    """``2500.25`` -> ``2.500,25``: a number with cents as an Indonesian reads it."""
    return f"{value:,.2f}".translate(str.maketrans(",.", ".,"))


def parse_rupiah(value: object, *, allow_negative: bool = False) -> int:
    """Whole rupiah from what staff type, a bank's list or a sheet holds: ``1500000``, ``1.500.000``,
    ``Rp 1.500.000``, ``Rp1.500.000,00``, ``1.500.000,-``, ``IDR 1.500.000``, ``290.278,00``. Real cents
    (``,50``) and anything else (letters, ``1,5``) are refused with a message that says what to write."""
    if isinstance(value, bool):
        raise ValueError(_("Enter an amount in rupiah, e.g. 1.234.567"))
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise ValueError(_("'{value}' has cents: amounts are whole rupiah", value=_dotted_cents(value)))
        number = int(value)
    else:
        text = str(value).strip()
        if not text:
            raise ValueError(_("Enter an amount in rupiah, e.g. 1.234.567"))
        match = _RUPIAH.match(text)
        if not match:
            raise ValueError(
                _("'{value}' is not an amount in rupiah: write 1234567, 1.234.567 or Rp 1.234.567", value=text[:40])
            )
        if match["cents"] and int(match["cents"]):
            raise ValueError(_("'{value}' has cents: amounts are whole rupiah", value=text[:40]))
        number = int(re.sub(r"\D", "", match["num"]))
        if match["neg"]:
            number = -number
    if number < 0 and not allow_negative:
        raise ValueError(_("The amount cannot be negative"))
    return number


def format_rupiah(amount: int) -> str:
    """``1234567`` -> ``Rp 1.234.567``."""
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp {abs(int(amount)):,}".replace(",", ".")


def format_number(n: int | float) -> str:
    """Thousands with dots, as Indonesians write them."""
    return f"{round(n):,}".replace(",", ".")
