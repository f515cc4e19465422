"""What a reader gives (:class:`Sheet`) and the bounds every reader keeps, whatever the file claims.

Past one of them the file is refused (:class:`ImportTooLarge`, naming the bound) before memory or time run away:
a cell at column ZZZZZ, a row numbered 1048576 or a 1 MB zip that unpacks to gigabytes is refused in well under a
second. The readers read these bounds from this module when they use them (``bounds.MAX_ROWS``), so a test may
lower one with ``monkeypatch.setattr(bounds, ...)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ikmtui.domain.money import format_number
from ikmtui.i18n import _

#: What the import reads: Excel workbooks (.xlsx, .xlsm and the old .xls), OpenDocument (.ods) and CSV.
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
#: The largest file an import reads (a 100,000-row list is about 20 MB as .csv, less as .xlsx).
MAX_IMPORT_BYTES = 50_000_000
MAX_ROWS = 100_000  # filled-in rows of a sheet
MAX_COLUMNS = 200  # a filled-in cell further right is refused (the widest template has fewer than 40)
MAX_CELLS = 4_000_000  # filled-in cells of a sheet
#: Rows x columns from a sheet's first filled-in cell to its last: the spreadsheet library holds them as one block
#: (32 bytes a cell, about 250 MB at the bound), so a sparse sheet (A1 and AN200000) is refused before it is read.
MAX_AREA = 8_000_000
MAX_CELL_CHARS = 32_767  # Excel's own limit for the text of one cell
MAX_SHEETS = 1_000
MAX_SHEET_XML_BYTES = 200_000_000  # one sheet's XML, unpacked (a 100,000 x 40 list is about 150 MB)
MAX_STRINGS_XML_BYTES = 64_000_000  # the shared strings, unpacked: kept in memory while the sheet is read
MAX_PART_XML_BYTES = 16_000_000  # the workbook, its relationships, its styles
MAX_UNPACKED_BYTES = 400_000_000  # everything unpacked from one workbook
MAX_ZIP_ENTRIES = 10_000  # parts of the workbook (Excel writes a few dozen)
MAX_ZIP_DIRECTORY_BYTES = 4_000_000
MAX_NESTED = 250_000  # XML elements inside one row, or outside the rows of a sheet
MAX_ROW_XML_BYTES = 16_000_000  # the XML of one row (200 cells of 32,767 characters fit)
LAST_ROW = 1_048_576  # Excel's last row: a larger row number is not from a spreadsheet
EXCEL_COLUMNS = 16_384  # Excel's last column (XFD)
#: How many rows from the top are searched for the header row.
HEADER_SEARCH_ROWS = 30


@dataclass
class Sheet:
    """The cells of one sheet: ``rows`` are (row number as the spreadsheet shows it, cell values)."""

    name: str
    rows: list[tuple[int, tuple[Any, ...]]]


class ImportTooLarge(ValueError):
    """A file past one of the import's bounds (rows, columns, cells, characters, unpacked size); the message says
    which, with the limit."""


def not_spreadsheet(path: Path, detail: str = "") -> ValueError:
    message = _(
        "{file} is not a spreadsheet: ikmtui imports Excel workbooks (.xlsx, .xls), OpenDocument "
        "spreadsheets (.ods) and CSV files (.csv)",
        file=path.name,
    )
    return ValueError(f"{message} ({detail})" if detail else message)


def damaged(path: Path, exc: BaseException | str) -> ValueError:
    return not_spreadsheet(
        path, _("the Excel file is damaged or not a workbook: {detail}", detail=str(exc) or type(exc).__name__)
    )


def column_letters(index: int) -> str:
    """2 -> ``C``: the column of a zero-based index as a spreadsheet names it."""
    letters = ""
    index += 1
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def too_wide(path: Path, sheet: str, cell: str) -> ImportTooLarge:
    return ImportTooLarge(
        _(
            "{file}, sheet {sheet}: cell {cell} lies beyond column {last}; ikmtui reads at most {limit} columns",
            file=path.name,
            sheet=sheet,
            cell=cell[:12],
            last=column_letters(MAX_COLUMNS - 1),
            limit=MAX_COLUMNS,
        )
    )


def too_long(path: Path, sheet: str, cell: str, size: int) -> ImportTooLarge:
    return ImportTooLarge(
        _(
            "{file}, sheet {sheet}: cell {cell} holds {n} characters; a cell may hold at most {limit}",
            file=path.name,
            sheet=sheet,
            cell=cell,
            n=format_number(size),
            limit=format_number(MAX_CELL_CHARS),
        )
    )


def too_many_rows(path: Path, sheet: str) -> ImportTooLarge:
    return ImportTooLarge(
        _(
            "{file}, sheet {sheet}: more than {limit} rows; ikmtui imports at most {limit} rows "
            "from one file: split the list",
            file=path.name,
            sheet=sheet,
            limit=format_number(MAX_ROWS),
        )
    )


def too_many_cells(path: Path, sheet: str) -> ImportTooLarge:
    return ImportTooLarge(
        _(
            "{file}, sheet {sheet}: more than {limit} filled-in cells; ikmtui imports at most "
            "{limit} cells from one file: split the list",
            file=path.name,
            sheet=sheet,
            limit=format_number(MAX_CELLS),
        )
    )


def too_spread(path: Path, sheet: str, first: str, last: str) -> ImportTooLarge:
    return ImportTooLarge(
        _(
            "{file}, sheet {sheet}: its cells reach from {first} to {last}, more than {limit} cells "
            "in all; ikmtui reads at most {limit}: delete what lies beyond the list or split it",
            file=path.name,
            sheet=sheet,
            first=first[:12],
            last=last[:12],
            limit=format_number(MAX_AREA),
        )
    )


def too_nested(path: Path, part: str) -> ImportTooLarge:
    return ImportTooLarge(
        _(
            "{file}: {part} inside the workbook holds more than {limit} XML elements in one row, "
            "one text or between the rows; it is not a list ikmtui can read",
            file=path.name,
            part=part,
            limit=format_number(MAX_NESTED),
        )
    )
