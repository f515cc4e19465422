"""Rupiah are whole numbers: parsed from what staff type, stored as int, shown as ``Rp 1.234.567``."""

from __future__ import annotations

import re

from ikmtui.i18n import _

# 1234567 | 1.234.567 | Rp 1.234.567 | Rp1.234.567 (optionally negative where allowed)
_RUPIAH = re.compile(r"^(?P<neg>-)?\s*(?:rp\.?\s*)?(?P<num>\d{1,3}(?:\.\d{3})+|\d+)$", re.IGNORECASE | re.ASCII)


def parse_rupiah(value: object, *, allow_negative: bool = False) -> int:
    """Parse ``1234567``, ``1.234.567`` or ``Rp 1.234.567`` into an integer number of rupiah."""
    if isinstance(value, bool):
        raise ValueError(_("Enter an amount in rupiah, e.g. 1.234.567"))
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        text = str(value).strip()
        if not text:
            raise ValueError(_("Enter an amount in rupiah, e.g. 1.234.567"))
        match = _RUPIAH.match(text)
        if not match:
            raise ValueError(
                _("'{value}' is not an amount in rupiah: write 1234567, 1.234.567 or Rp 1.234.567", value=text)
            )
        number = int(match["num"].replace(".", ""))
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
