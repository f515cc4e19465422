"""Reading a spreadsheet into rows of cell values, within bounds whatever the file claims.

:func:`read_sheets` opens the file once (a regular file of at most ``MAX_IMPORT_BYTES``, read whole) and picks the
reader by its content: a zip is an .xlsx or .ods workbook and an OLE file an .xls, both read by
:mod:`.workbook` (python-calamine, after the zip checks); anything else is read as CSV here. The bounds are in
:mod:`.bounds`.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ikmtui.domain.money import format_number
from ikmtui.i18n import _
from ikmtui.io import guard
from ikmtui.io.importer import bounds
from ikmtui.io.importer.bounds import (
    EXCEL_SUFFIXES,
    HEADER_SEARCH_ROWS,
    ImportTooLarge,
    Sheet,
    column_letters,
    not_spreadsheet,
)
from ikmtui.io.importer.values import _STEP, Progress, _noop, is_blank
from ikmtui.io.importer.workbook import OLE_MAGIC, ZIP_MAGIC, WorkbookReader

_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")


def read_sheets(
    path: str | Path, sheet: str | None = None, *, header_rows_only: bool = False, progress: Progress = _noop
) -> list[Sheet]:
    """The sheets of ``path`` (one for a CSV); ``sheet`` picks one by name (any case).

    With ``header_rows_only`` only the first rows of each sheet are read (enough to find the headers).
    Anything that is not a readable spreadsheet raises ``ValueError`` with a translated message.
    """
    reader = open_sheets(Path(path), sheet, progress)
    try:
        return reader.heads() if header_rows_only else [reader.full(s.name, progress) for s in reader.heads()]
    finally:
        reader.close()


def open_sheets(path: Path, wanted: str | None, progress: Progress) -> WorkbookReader | CsvReader:
    """A reader of ``path`` chosen by its content (an .xlsx or .ods is a zip, an .xls an OLE file), or
    ``ValueError`` saying why not.

    Only a regular file of at most ``MAX_IMPORT_BYTES`` is opened: a FIFO would hang the read and a device
    (``/dev/zero``) never ends. It is read once: what is checked is what is read.
    """
    limit = bounds.MAX_IMPORT_BYTES
    if path.is_dir():
        raise ValueError(_("{file} is a folder, not a spreadsheet", file=path))
    if not path.exists():
        raise ValueError(_("{file} does not exist", file=path))
    try:
        data = guard.read_regular(path, limit)  # checked as opened, without blocking, bounded
    except OSError as exc:  # guard.FileRefused included: its text names the file and the limit
        raise ValueError(
            str(exc)
            if isinstance(exc, guard.FileRefused)
            else _("{path}: {reason}", path=path, reason=exc.strerror or exc)
        ) from None
    if data.startswith((ZIP_MAGIC, OLE_MAGIC)):
        return WorkbookReader(path, data, wanted)
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        raise not_spreadsheet(
            path, _("the file is not an Excel workbook although its name ends in {suffix}", suffix=suffix)
        )
    return CsvReader(path, data, progress)


def _decode(raw: bytes) -> str:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode text"
        return raw.decode("utf-16")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _delimiter(text: str) -> str:
    """Semicolon (Excel in an Indonesian locale), comma or tab: the one that splits the first lines evenly."""
    sample = [line for line in text[:1_000_000].splitlines()[:HEADER_SEARCH_ROWS] if line.strip()]
    best, best_score = ",", (-1.0, 0)
    for delimiter in (";", ",", "\t"):
        try:
            counts = [len(row) for row in csv.reader(sample, delimiter=delimiter)]
        except csv.Error:  # a cell longer than the csv module takes: reported by the reading itself
            continue
        if not counts:
            continue
        common, times = Counter(counts).most_common(1)[0]
        score = (times / len(counts) if common > 1 else 0.0, common)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_lines(path: Path, text: str, delimiter: str) -> Iterator[str]:
    """The lines of ``text`` for ``csv.reader``, refusing one with more separators than Excel has columns
    before the csv module makes a list of them (50 MB of ``;`` would be 50 million cells)."""
    # Lines as csv expects them (ended by \n, \r\n or \r): a regex, as io.StringIO would hold a copy of the text
    # at 4 bytes a character.
    for number, match in enumerate(_LINE.finditer(text), 1):
        line = match.group()
        if line.count(delimiter) >= bounds.EXCEL_COLUMNS:
            raise ImportTooLarge(
                _(
                    "{file}, line {line}: more than {n} cells; ikmtui reads at most {limit} columns",
                    file=path.name,
                    line=format_number(number),
                    n=format_number(bounds.EXCEL_COLUMNS),
                    limit=bounds.MAX_COLUMNS,
                )
            )
        yield line


class CsvReader:
    """A CSV file, read whole: comma, semicolon or tab separated; UTF-8, Windows-1252 or UTF-16 text."""

    file_format = "csv"

    def __init__(self, path: Path, raw: bytes, progress: Progress) -> None:
        utf16 = raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        if not utf16 and b"\0" in raw:
            raise not_spreadsheet(path, _("it contains binary data"))
        text = _decode(raw)
        del raw
        if "\0" in text:
            raise not_spreadsheet(path, _("it contains binary data"))
        name = path.stem
        delimiter = _delimiter(text)
        reader = csv.reader(_csv_lines(path, text, delimiter), delimiter=delimiter)
        rows: list[tuple[int, tuple[Any, ...]]] = []
        filled = 0
        number = 0
        try:
            for number, cells in enumerate(reader, 1):
                if len(cells) > bounds.MAX_COLUMNS:  # Excel ends each line at the last column of the used range
                    last = max((i for i, c in enumerate(cells) if not is_blank(c)), default=-1)
                    if last >= bounds.MAX_COLUMNS:
                        raise bounds.too_wide(path, name, f"{column_letters(last)}{number}")
                    cells = cells[: last + 1]
                if cells and max(map(len, cells)) > bounds.MAX_CELL_CHARS:
                    column = next(i for i, c in enumerate(cells) if len(c) > bounds.MAX_CELL_CHARS)
                    raise bounds.too_long(path, name, f"{column_letters(column)}{number}", len(cells[column]))
                if any(not is_blank(c) for c in cells):
                    rows.append((number, tuple(c.strip() for c in cells)))
                    filled += len(cells)
                    if len(rows) > bounds.MAX_ROWS or number > bounds.LAST_ROW:
                        raise bounds.too_many_rows(path, name)
                    if filled > bounds.MAX_CELLS:
                        raise bounds.too_many_cells(path, name)
                elif number > bounds.LAST_ROW:  # a million blank lines are not a list either
                    raise bounds.too_many_rows(path, name)
                if number % _STEP == 0:
                    progress("read", number, 0)
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):  # the csv module's own bound, above Excel's
                raise ImportTooLarge(
                    _(
                        "{file}, row {row}: a cell holds more than {limit} characters; a cell may hold at most {limit}",
                        file=path.name,
                        row=format_number(number + 1),
                        limit=format_number(bounds.MAX_CELL_CHARS),
                    )
                ) from None
            raise not_spreadsheet(path, str(exc)) from None
        self.sheet = Sheet(name, rows)

    def heads(self) -> list[Sheet]:
        return [Sheet(self.sheet.name, [r for r in self.sheet.rows if r[0] <= HEADER_SEARCH_ROWS + 1])]

    def full(self, name: str, progress: Progress) -> Sheet:
        return self.sheet

    def close(self) -> None:
        return None
