"""Indonesian identifiers: NIB, NIK, NPWP, phone numbers, KBLI, e-mail."""

from __future__ import annotations

import re

from stdnum.exceptions import ValidationError as StdnumError
from stdnum.id import nik as stdnum_nik
from stdnum.id import npwp as stdnum_npwp

from ikmtui.i18n import _

_SEPARATORS = re.compile(r"[\s.\-/]")


def digits_only(value: object) -> str:
    """Remove spaces, dots, dashes and slashes; numbers stored as numbers by spreadsheets become text."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _SEPARATORS.sub("", str(value).strip())


def _is_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def clean_nib(value: object) -> str:
    text = digits_only(value)
    if not _is_digits(text) or len(text) != 13:
        raise ValueError(_("NIB must be exactly 13 digits (from OSS), e.g. 1234567890123"))
    return text


def clean_nik(value: object) -> str:
    text = digits_only(value)
    if not _is_digits(text) or len(text) != 16:
        raise ValueError(_("NIK must be exactly 16 digits, e.g. 3374010101900001"))
    try:
        return stdnum_nik.validate(text)
    except StdnumError:
        raise ValueError(_("NIK {value} is not valid: check the region code and date of birth", value=text)) from None


def clean_npwp(value: object) -> str:
    text = digits_only(value).replace(",", "")
    if not _is_digits(text) or len(text) not in (15, 16):
        raise ValueError(_("NPWP must be 16 digits (or the old 15-digit form 01.234.567.8-901.000)"))
    try:
        return stdnum_npwp.compact(stdnum_npwp.validate(text))
    except StdnumError:
        raise ValueError(_("NPWP {value} is not valid: check the digits", value=text)) from None


def clean_phone(value: object) -> str:
    """Accept ``08...``, ``+62 8...`` or ``62 8...`` (with spaces or dashes); store as ``08...``."""
    text = re.sub(r"[\s\-().]", "", str(value).strip())
    if text.startswith("+62"):
        text = "0" + text[3:]
    elif text.startswith("62"):
        text = "0" + text[2:]
    if not re.fullmatch(r"0[1-9][0-9]{7,11}", text):
        raise ValueError(_("Phone must look like 081234567890 or +62 812 3456 7890"))
    return text


def clean_kbli(value: object) -> str:
    text = digits_only(value)
    if not re.fullmatch(r"[0-9]{5}", text):
        raise ValueError(_("KBLI must be a 5-digit code, e.g. 10710"))
    if not 10 <= int(text[:2]) <= 33:
        raise ValueError(_("KBLI {value} is not manufacturing: IKM codes start with 10 to 33", value=text))
    return text


def clean_email(value: object) -> str:
    text = str(value).strip()
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}", text):
        raise ValueError(_("E-mail must look like name@example.com"))
    return text.lower()


def mask_nik(nik: str | None) -> str:
    """``3374010101900001`` -> ``3374********0001``: NIK is personal data."""
    if not nik:
        return ""
    return nik[:4] + "*" * (len(nik) - 8) + nik[-4:] if len(nik) > 8 else "*" * len(nik)
