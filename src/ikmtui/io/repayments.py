"""A bank's list of repayments, as an officer pastes it or saves it from a spreadsheet: one row per repayment
(``code;date;amount``). Rows come back as typed; :func:`ikmtui.services.credit.record_repayments_bulk` checks them.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from ikmtui.domain.money import parse_rupiah
from ikmtui.i18n import _
from ikmtui.io.guard import FileRefused, read_regular

_SPLIT = re.compile(r"\s*[;\t|]\s*")


def _looks_like_header(fields: list[str]) -> bool:
    if len(fields) != 3:
        return False
    try:
        parse_rupiah(fields[2])
    except ValueError:
        return any(ch.isalpha() for ch in fields[2])
    return False


def parse_repayment_text(text: str) -> list[list[str]]:
    """A bank's list as typed or pasted: one ``code;date;amount`` per line (``;``, tab or ``|`` between the
    three; a comma only when the line has no other separator). Blank lines and lines starting with ``#`` are
    skipped, and so is a first line of column titles. Rows are returned as typed: the service checks them."""
    rows: list[list[str]] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        fields = (
            _SPLIT.split(stripped)
            if _SPLIT.search(stripped)
            else [part.strip() for part in next(csv.reader([stripped]))]
        )
        if not rows and _looks_like_header(fields):
            continue
        rows.append(fields)
    return rows


#: A bank's monthly list is a few thousand rows at most; anything far larger is not one.
MAX_BYTES = 20 * 1024 * 1024


def read_repayment_file(path: str | Path) -> list[list[str]]:
    """The rows of a CSV file (``;``, ``,`` or tab separated, UTF-8 or a spreadsheet's Windows encoding), read
    through the file guard (a regular file, not a pipe or a device, of at most :data:`MAX_BYTES`); ``ValueError``
    (translated) when it cannot be read. The bulk screen and ``ikmtui credit repayments`` both read with this."""
    target = Path(str(path).strip()).expanduser()
    if not target.exists():
        raise ValueError(_("There is no file {path}", path=str(target)))
    try:
        raw = read_regular(target, MAX_BYTES)
    except FileRefused as exc:
        raise ValueError(_("{path} cannot be read: {reason}", path=str(target), reason=exc.reason)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    first = next((line for line in text.splitlines() if line.strip()), "")
    if any(sep in first for sep in ";\t|"):
        return parse_repayment_text(text)
    rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text)) if any(c.strip() for c in row)]
    if rows and _looks_like_header(rows[0]):
        rows = rows[1:]
    return rows
