"""Import spreadsheets (.xlsx, .csv) of IKM, clusters, credit applications or gallery listings.

Offices keep their lists in Excel; this module brings them in without retyping and without importing garbage:

1. :func:`load` reads the file (``.xlsx`` straight from its XML, values as openpyxl gives them; ``.csv``
   separated by commas or semicolons, in UTF-8 or Windows-1252), finds the header row (title rows above it
   are skipped; a second header row of ``L | P`` under a merged ``Jumlah Tenaga Kerja`` is understood) and
   maps each column to a field with :mod:`ikmtui.io.columns`. A file that is not a spreadsheet, an empty sheet
   or a sheet without a recognised header raises ``ValueError`` with one translated message.
2. :func:`plan` checks every row with the same record models the forms use (``Ikm.parse`` etc.) after
   tolerating what real sheets contain (numbers for NIB/NIK, ``Rp 1.500.000,-``, ``+62`` phones, kecamatan in
   any case, ``dd/mm/yyyy``, ``5 orang``, ``Aktif``, ``Kec. Tembalang``, ...). Every problem is reported with
   the row number as in the spreadsheet, the column header, the value and the reason.
3. :func:`import_source` writes the planned rows in ONE transaction, or nothing at all: by default the import
   is all or nothing; ``skip_invalid`` writes the valid rows only.

Keys and duplicates: an IKM is identified by its NIB, a cluster by its name, a gallery listing by its SKU. A row
whose key is already in the database is a *duplicate* (a problem like an invalid row) unless ``update`` is
given; then the existing record is updated with the row's non-blank cells (blank cells keep the stored
value) and validated whole. Rows of the file that share a key are all reported (which of them is right is
for the officer to decide). Credit applications have no key: a row with the same IKM, product, amount and
purpose as a pending application is reported as a probable double import. Imported applications are drafts.

Workers: columns by gender (``Tenaga Kerja L`` / ``P``, or ``L | P`` under ``Jumlah Tenaga Kerja``) are used
as they are; when the sheet also has the total, it must equal their sum. When a sheet has only the total,
the total is split evenly (men = total // 2, women = the rest) and the report says how many rows were split
so; on an update a total equal to the stored one keeps the stored split. A missing scale is suggested from
investment and turnover (``suggest_scale``, PP 7/2021). A monthly turnover (``Omzet per Bulan``) is
multiplied by 12 when there is no yearly one.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import posixpath
import re
import stat
import struct
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree

from ikmtui import clock
from ikmtui.domain import reference
from ikmtui.domain.credit import (
    ACTIVE_STATE,
    DEFAULT_PRODUCT,
    DOCUMENTS,
    PENDING_STATES,
    PRODUCTS,
    CreditApplication,
    CreditProduct,
    apply_product_terms,
    history_entry,
    product_errors,
)
from ikmtui.domain.fields import parse_count, parse_date
from ikmtui.domain.gallery import GalleryListing, parse_photos
from ikmtui.domain.identifiers import clean_nib, digits_only, mask_nik
from ikmtui.domain.ikm import Cluster, Ikm, suggest_scale
from ikmtui.domain.money import format_number, parse_rupiah
from ikmtui.domain.records import META_FIELDS, Record, RecordInvalid
from ikmtui.i18n import _
from ikmtui.io import columns as cols
from ikmtui.io import guard, media
from ikmtui.io.columns import KINDS

Doc = dict[str, Any]
Tables = Callable[[str], Mapping[str, Doc]]
#: ``progress(phase, done, total)``: phase is ``read``, ``check`` or ``write``; total 0 when unknown.
Progress = Callable[[str, int, int], None]

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
#: The largest file an import reads (a 100,000-row list is about 20 MB as .csv, less as .xlsx).
MAX_IMPORT_BYTES = 50_000_000
# Bounds on what one file may make the importer do, whatever it claims: past one of them the file is refused
# (ImportTooLarge, naming the bound) before memory or time run away. A cell at column ZZZZZ, a row numbered
# 1048576 or a 1 MB zip that unpacks to gigabytes is refused in well under a second.
MAX_ROWS = 100_000  # filled-in rows of a sheet
MAX_COLUMNS = 200  # a filled-in cell further right is refused (the widest template has fewer than 40)
MAX_CELLS = 4_000_000  # filled-in cells of a sheet
MAX_CELL_CHARS = 32_767  # Excel's own limit for the text of one cell
MAX_SHEETS = 1_000
MAX_SHEET_XML_BYTES = 200_000_000  # one sheet's XML, unpacked (a 100,000 x 40 list is about 150 MB)
MAX_STRINGS_XML_BYTES = 64_000_000  # the shared strings, unpacked: kept in memory while the sheet is read
MAX_PART_XML_BYTES = 16_000_000  # the workbook, its relationships, its styles
MAX_UNPACKED_BYTES = 400_000_000  # everything unpacked from one workbook, all sheets' header rows included
MAX_ZIP_ENTRIES = 10_000  # parts of the workbook (Excel writes a few dozen)
MAX_ZIP_DIRECTORY_BYTES = 4_000_000
_MAX_NESTED = 250_000  # XML elements inside one row, shared string or list of styles
_LAST_ROW = 1_048_576  # Excel's last row: a larger row number is not from a spreadsheet
_EXCEL_COLUMNS = 16_384  # Excel's last column (XFD): a CSV line with more cells is not from a spreadsheet
#: How many rows from the top are searched for the header row.
HEADER_SEARCH_ROWS = 30
_STEP = 250  # rows between progress reports
_BLANKS = frozenset({"", "-", "--", "–", "—", "n/a", "N/A"})
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls format
_UNITS = re.compile(r"^\s*(-?[0-9][0-9.]*)\s*(?:orang|org|jiwa|pekerja|bulan|bln|hari|hr|pcs|buah|unit|tahun|thn|"
                    r"people|persons|months|days)\.?\s*$", re.IGNORECASE)
_RUPIAH_TAIL = re.compile(r"(?:,0{1,2}|,-|\.-|,–)\s*$")
_RUPIAH_HEAD = re.compile(r"^(-?)\s*(?:IDR|Rp\.?)\s*", re.IGNORECASE)
_COMMA_THOUSANDS = re.compile(r"-?[0-9]{1,3}(?:,[0-9]{3})+")
_WHOLE = re.compile(r"(-?[0-9]+)[.,]0{1,2}")
_PHONE_SPLIT = re.compile(r"\s*(?:/|;|,|\batau\b|\bor\b)\s*")
_PHONE_NOISE = re.compile(r"[\s\-().]")
_PHONE_NO_ZERO = re.compile(r"8[1-9][0-9]{6,10}")
_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")


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


# ================================================================================================ reading
@dataclass
class Sheet:
    """The cells of one sheet: ``rows`` are (row number as the spreadsheet shows it, cell values)."""

    name: str
    rows: list[tuple[int, tuple[Any, ...]]]


@dataclass
class Source:
    """A sheet ready to import: which row holds the headers and which column means which field."""

    path: Path
    kind: str
    sheet: str
    header_row: int
    headers: list[str]
    fields: dict[int, str]  # column index -> field
    ignored: list[str]  # headers not used (not recognised, or a second column for the same field)
    rows: list[tuple[int, tuple[Any, ...]]]  # data rows below the header, blank rows left out
    file_format: str = "xlsx"

    def header_of(self, field_name: str) -> str:
        """The header of the column that gives ``field_name``, or the template's header if the sheet lacks it."""
        for index, name in self.fields.items():
            if name == field_name:
                return self.headers[index]
        col = cols.column(self.kind, field_name)
        return col.header if col else field_name

    def has(self, field_name: str) -> bool:
        return field_name in self.fields.values()

    def preview(self, limit: int = 10) -> tuple[list[str], list[tuple[int, list[str]]]]:
        """Headers and the first ``limit`` data rows as text (NIK masked: it is personal data)."""
        width = len(self.headers)
        masked = {i for i, name in self.fields.items() if name == "owner_nik"}
        rows: list[tuple[int, list[str]]] = []
        for number, cells in self.rows[:limit]:
            texts = []
            for i in range(width):
                text = show_value(cells[i]) if i < len(cells) else ""
                texts.append(mask_nik(digits_only(text)) if i in masked and text else text)
            rows.append((number, texts))
        return list(self.headers), rows


class ImportTooLarge(ValueError):
    """A file past one of the import's bounds (rows, columns, cells, characters, unpacked size); the message says
    which, with the limit."""


def _not_spreadsheet(path: Path, detail: str = "") -> ValueError:
    message = _("{file} is not a spreadsheet: ikmtui imports Excel workbooks (.xlsx) and CSV files (.csv)",
                file=path.name)
    return ValueError(f"{message} ({detail})" if detail else message)


def read_sheets(path: str | Path, sheet: str | None = None, *, header_rows_only: bool = False,
                progress: Progress = _noop) -> list[Sheet]:
    """The sheets of ``path`` (one for a CSV); ``sheet`` picks one by name (any case).

    With ``header_rows_only`` only the first rows of each sheet are read (enough to find the headers).
    Anything that is not a readable spreadsheet raises ``ValueError`` with a translated message.
    """
    reader = _open(Path(path), sheet, progress)
    try:
        return reader.heads() if header_rows_only else [reader.full(s.name, progress) for s in reader.heads()]
    finally:
        reader.close()


def _open(path: Path, wanted: str | None, progress: Progress) -> _XlsxReader | _CsvReader:
    """A reader of ``path`` chosen by its content (an .xlsx is a zip), or ``ValueError`` saying why not.

    Only a regular file of at most :data:`MAX_IMPORT_BYTES` is opened: a FIFO would hang the read and a device
    (``/dev/zero``) never ends.
    """
    if path.is_dir():
        raise ValueError(_("{file} is a folder, not a spreadsheet", file=path))
    if not path.exists():
        raise ValueError(_("{file} does not exist", file=path))
    try:
        guard.regular_file(path, MAX_IMPORT_BYTES)
        # Non-blocking: should a FIFO replace the file after the check, opening it must not wait for a writer.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:  # guard.FileRefused included: its text names the file and the limit
        raise ValueError(str(exc) if isinstance(exc, guard.FileRefused) else
                         _("{path}: {reason}", path=path, reason=exc.strerror or exc)) from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_IMPORT_BYTES:
        os.close(fd)
        raise ValueError(_("{file} changed while it was being opened; try again", file=path.name))
    fh = os.fdopen(fd, "rb")
    try:
        head = fh.read(8)
        fh.seek(0)
        suffix = path.suffix.lower()
        if head.startswith(_ZIP_MAGIC):
            return _XlsxReader(path, fh, wanted)
        if head.startswith(_OLE_MAGIC):
            raise ValueError(_("{file} is in the old Excel format (.xls): open it in Excel or LibreOffice and save "
                               "it as .xlsx (Excel workbook) or .csv", file=path.name))
        if suffix in EXCEL_SUFFIXES:
            raise _not_spreadsheet(path, _("the file is not an Excel workbook although its name ends in {suffix}",
                                           suffix=suffix))
        return _CsvReader(path, fh, progress)
    except BaseException:
        fh.close()
        raise


def _damaged(path: Path, exc: BaseException) -> ValueError:
    return _not_spreadsheet(path, _("the Excel file is damaged or not a workbook: {detail}",
                                    detail=str(exc) or type(exc).__name__))


def _local(tag: str) -> str:
    """``{namespace}row`` -> ``row``: Transitional and Strict OOXML name their elements alike."""
    return tag.rsplit("}", 1)[-1]


def _column_index(ref: str) -> int:
    """``C5`` -> 2 (zero-based column of a cell reference); at most ``MAX_COLUMNS`` for a column further right
    (``ZZZZZ...`` of any length is not turned into a huge number)."""
    index = 0
    for ch in ref:
        if "A" <= ch <= "Z":
            index = index * 26 + ord(ch) - 64
        elif "a" <= ch <= "z":
            index = index * 26 + ord(ch) - 96
        else:
            break
        if index > MAX_COLUMNS:
            return MAX_COLUMNS
    return index - 1


def column_letters(index: int) -> str:
    """2 -> ``C``: the column of a zero-based index as a spreadsheet names it."""
    letters = ""
    index += 1
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell_name(ref: str | None, column: int, number: int) -> str:
    """The cell as the officer finds it in the sheet (a forged reference is cut short)."""
    return ref[:12] if ref else f"{column_letters(column)}{number}"


def _too_wide(path: Path, sheet: str, cell: str) -> ImportTooLarge:
    return ImportTooLarge(_("{file}, sheet {sheet}: cell {cell} lies beyond column {last}; ikmtui reads at most "
                            "{limit} columns", file=path.name, sheet=sheet, cell=cell,
                            last=column_letters(MAX_COLUMNS - 1), limit=MAX_COLUMNS))


def _too_long(path: Path, sheet: str, cell: str, size: int) -> ImportTooLarge:
    return ImportTooLarge(_("{file}, sheet {sheet}: cell {cell} holds {n} characters; a cell may hold at most "
                            "{limit}", file=path.name, sheet=sheet, cell=cell, n=format_number(size),
                            limit=format_number(MAX_CELL_CHARS)))


def _too_many_rows(path: Path, sheet: str) -> ImportTooLarge:
    return ImportTooLarge(_("{file}, sheet {sheet}: more than {limit} rows; ikmtui imports at most {limit} rows "
                            "from one file: split the list", file=path.name, sheet=sheet,
                            limit=format_number(MAX_ROWS)))


def _too_many_cells(path: Path, sheet: str) -> ImportTooLarge:
    return ImportTooLarge(_("{file}, sheet {sheet}: more than {limit} filled-in cells; ikmtui imports at most "
                            "{limit} cells from one file: split the list", file=path.name, sheet=sheet,
                            limit=format_number(MAX_CELLS)))


class _Capped:
    """A part of the zip, read up to a limit whatever its header claims (the sizes in a zip bomb lie)."""

    def __init__(self, reader: _XlsxReader, part: str, limit: int) -> None:
        self.reader, self.part, self.limit = reader, part, limit
        info = reader.zip.getinfo(part)
        if info.file_size > limit:
            raise self._refused()
        self.left = limit
        self.fh = reader.zip.open(info)

    def _refused(self) -> ImportTooLarge:
        return ImportTooLarge(_("{file}: {part} inside the workbook unpacks to more than {limit} MB; ikmtui reads "
                                "at most {limit} MB of it", file=self.reader.path.name, part=self.part,
                                limit=self.limit // 1_000_000))

    def read(self, size: int = -1) -> bytes:
        data = self.fh.read(self.left + 1 if size < 0 else min(size, self.left + 1))
        self.left -= len(data)
        self.reader.unpacked += len(data)
        if self.left < 0:
            raise self._refused()
        if self.reader.unpacked > MAX_UNPACKED_BYTES:
            raise ImportTooLarge(_("{file} unpacks to more than {limit} MB; ikmtui reads at most {limit} MB of a "
                                   "workbook", file=self.reader.path.name, limit=MAX_UNPACKED_BYTES // 1_000_000))
        return data

    def __enter__(self) -> _Capped:
        return self

    def __exit__(self, *exc: object) -> None:
        self.fh.close()


def _too_nested(path: Path, part: str) -> ImportTooLarge:
    return ImportTooLarge(_("{file}: {part} inside the workbook holds more than {limit} XML elements in one row, "
                            "one text or between the rows; it is not a list ikmtui can read", file=path.name,
                            part=part, limit=format_number(_MAX_NESTED)))


def _finished(source: _Capped, tags: frozenset[str]) -> Iterator[ElementTree.Element]:
    """The elements of ``source`` whose local name is in ``tags``, each whole when yielded.

    Whatever has been handled is cut from the tree at once, so the memory stays flat however many rows (or how
    much padding) the XML holds; inside one wanted element at most ``_MAX_NESTED`` elements are kept.
    """
    stack: list[ElementTree.Element] = []
    inside = nested = 0  # open wanted elements around the parser; elements kept inside them
    wanted: dict[str, bool] = {}  # tag -> whether its local name is in ``tags`` (a few tags, millions of elements)
    for event, element in ElementTree.iterparse(source, events=("start", "end")):
        tag = element.tag
        hit = wanted.get(tag)
        if hit is None:
            hit = wanted[tag] = _local(tag) in tags
        if event == "start":
            stack.append(element)
            if inside:
                nested += 1
                if nested > _MAX_NESTED:
                    raise _too_nested(source.reader.path, source.part)
            if hit:
                inside += 1
            continue
        stack.pop()
        if hit:
            inside -= 1
            yield element
        if not inside:
            nested = 0
            if stack:
                del stack[-1][:]  # its earlier siblings went before it: this frees only what was just handled


def _zip_directory(fh: IO[bytes]) -> tuple[int, int]:
    """(parts, bytes of the central directory) a zip announces at its end, zip64 included; (0, 0) if not found.

    Read before ``zipfile`` builds an object per part: 50 MB of empty parts would take 300 MB and seconds.
    """
    size = fh.seek(0, os.SEEK_END)
    tail_size = min(size, 65_557)  # the end record (22 bytes) and the longest comment
    fh.seek(size - tail_size)
    tail = fh.read(tail_size)
    fh.seek(0)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return 0, 0
    entries, directory = struct.unpack("<HI", tail[at + 10:at + 16])
    if (entries == 0xFFFF or directory == 0xFFFFFFFF) and tail[at - 20:at - 16] == b"PK\x06\x07":
        (offset,) = struct.unpack("<Q", tail[at - 12:at - 4])
        fh.seek(offset)
        record = fh.read(56)
        fh.seek(0)
        if record[:4] == b"PK\x06\x06" and len(record) == 56:
            entries, directory = struct.unpack("<QQ", record[32:48])
    return entries, directory


def _joined_text(element: ElementTree.Element) -> str:
    """The text of a shared or inline string: its ``t``, or the ``t`` of each rich-text run (not phonetics)."""
    parts: list[str] = []
    for child in element:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(parts)


class _XlsxReader:
    """An .xlsx workbook read straight from its XML parts, one row at a time.

    openpyxl (even read-only) builds an object per shared string and per cell; for a 10,000-row list this reader
    is several times faster. Values come out as openpyxl gives them: text, int or float, bool, and datetime for
    numbers whose cell format is a date (``openpyxl.styles.numbers.is_date_format``, 1900 or 1904 calendar).
    """

    file_format = "xlsx"
    names: list[str]  # the worksheets, in workbook order (set by ``_read_workbook``)

    def __init__(self, path: Path, fh: IO[bytes], wanted: str | None) -> None:
        self.path = path
        self.fh = fh
        self.unpacked = 0  # bytes unpacked so far, against MAX_UNPACKED_BYTES
        entries, directory = _zip_directory(fh)
        if entries > MAX_ZIP_ENTRIES or directory > MAX_ZIP_DIRECTORY_BYTES:
            raise ImportTooLarge(_("{file} holds more than {limit} parts (or names too long for a workbook); "
                                   "ikmtui reads workbooks of at most {limit} parts", file=path.name,
                                   limit=format_number(MAX_ZIP_ENTRIES)))
        try:
            self.zip = zipfile.ZipFile(fh)
        except Exception as exc:  # a zip that is cut off or not a zip after all
            raise _damaged(path, exc) from None
        try:
            self._read_workbook()
        except ImportTooLarge:
            self.zip.close()
            raise
        except Exception as exc:  # missing parts, broken XML: a file that only looks like a workbook
            self.zip.close()
            raise _damaged(path, exc) from None
        self._strings: list[str] | None = None
        if wanted is not None:
            found = [n for n in self.names if n.strip().casefold() == wanted.strip().casefold()]
            if not found:
                self.close()
                raise ValueError(_("{file} has no sheet named {sheet}; its sheets are: {names}", file=self.path.name,
                                   sheet=wanted, names=", ".join(self.names)))
            self.names = found[:1]

    def _elements(self, part: str, tags: frozenset[str], limit: int | None = None) -> Iterator[ElementTree.Element]:
        with _Capped(self, part, MAX_PART_XML_BYTES if limit is None else limit) as fh:
            yield from _finished(fh, tags)

    @staticmethod
    def _target(base: str, target: str) -> str:
        if target.startswith("/"):
            return target.lstrip("/")
        return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))

    def _relations(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id -> (type, part name) of ``part``."""
        rels = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
        return {rel.get("Id", ""): (rel.get("Type", ""), self._target(part, rel.get("Target", "")))
                for rel in self._elements(rels, frozenset({"Relationship"}))}

    def _read_workbook(self) -> None:
        from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
        from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH

        package = {t.rsplit("/", 1)[-1]: target for t, target in self._relations("").values()}
        book_part = package["officeDocument"]
        relations = self._relations(book_part)
        self.epoch = WINDOWS_EPOCH
        self.sheets: dict[str, str] = {}
        for element in self._elements(book_part, frozenset({"workbookPr", "sheet"})):
            name = _local(element.tag)
            if name == "workbookPr" and element.get("date1904", "").lower() in ("1", "true"):
                self.epoch = MAC_EPOCH
            elif name == "sheet":
                rid = next((v for k, v in element.attrib.items() if _local(k) == "id"), "")
                kind, target = relations.get(rid, ("", ""))
                if kind.endswith("/worksheet"):  # chart sheets and dialogs hold no rows
                    self.sheets[element.get("name", "")] = target
                if len(self.sheets) > MAX_SHEETS:
                    raise ImportTooLarge(_("{file} has more than {limit} sheets; ikmtui reads workbooks of at most "
                                           "{limit} sheets", file=self.path.name, limit=format_number(MAX_SHEETS)))
        self.names = list(self.sheets)
        by_type = {kind.rsplit("/", 1)[-1]: target for kind, target in relations.values()}
        self.strings_part = by_type.get("sharedStrings")
        self.date_styles: set[int] = set()
        if by_type.get("styles") in self.zip.namelist():
            formats: dict[int, str] = dict(BUILTIN_FORMATS)
            for element in self._elements(by_type["styles"], frozenset({"numFmt", "cellXfs"})):
                if _local(element.tag) == "numFmt":
                    formats[int(element.get("numFmtId", "0"))] = element.get("formatCode", "")
                else:
                    for index, xf in enumerate(x for x in element if _local(x.tag) == "xf"):
                        if is_date_format(formats.get(int(xf.get("numFmtId", "0")), "")):
                            self.date_styles.add(index)

    @property
    def strings(self) -> list[str]:
        if self._strings is None:
            strings: list[str] = []
            if self.strings_part and self.strings_part in self.zip.namelist():
                for element in self._elements(self.strings_part, frozenset({"si"}), MAX_STRINGS_XML_BYTES):
                    strings.append(_joined_text(element))
                    if len(strings) > MAX_CELLS:
                        raise ImportTooLarge(_("{file} holds more than {limit} different texts; ikmtui imports at "
                                               "most {limit} cells from one file: split the list",
                                               file=self.path.name, limit=format_number(MAX_CELLS)))
            self._strings = strings
        return self._strings

    def _value(self, cell: ElementTree.Element) -> Any:
        kind = cell.get("t", "n")
        raw: str | None = None
        for child in cell:
            name = _local(child.tag)
            if name == "v":
                raw = child.text
            elif name == "is":
                return _joined_text(child)
        if raw is None or (not raw and kind not in ("str", "inlineStr")):
            return None
        if kind == "s":
            return self.strings[int(raw)]
        if kind in ("str", "e", "inlineStr"):
            return raw
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "d":
            return datetime.fromisoformat(raw)
        number: int | float = float(raw) if ("." in raw or "E" in raw or "e" in raw) else int(raw)
        style = cell.get("s")
        if style and int(style) in self.date_styles:
            from openpyxl.utils.datetime import from_excel

            return from_excel(number, self.epoch)
        return number

    def _sheet_rows(self, name: str) -> Iterator[ElementTree.Element]:
        """The ``<row>`` elements of sheet ``name``, each whole when yielded and freed once handled.

        Rows are most of a workbook's XML, so this is :func:`_finished` made lean: only end events are parsed,
        and what stays in the tree is bounded instead of cut off. A handled row keeps an empty shell (at most
        one per row of a sheet); elements outside rows (at most ``_MAX_NESTED``) are counted as the difference
        between the elements parsed and those inside the rows; nothing after ``</sheetData>`` is read.
        """
        part = self.sheets[name]
        local: dict[str, str] = {}
        pending = outside = shells = 0  # elements since the last row; outside rows so far; rows handled
        with _Capped(self, part, MAX_SHEET_XML_BYTES) as fh:
            for _event, element in ElementTree.iterparse(fh):
                pending += 1
                tag = element.tag
                kind = local.get(tag)
                if kind is None:
                    kind = local[tag] = _local(tag)
                if kind == "row":
                    outside += pending - len(list(element.iter()))
                    pending = 0
                    shells += 1
                    yield element
                    element.clear()
                    if shells > _LAST_ROW:
                        raise ValueError(_("more rows than a sheet has"))
                elif kind == "sheetData":
                    return
                if pending + outside > _MAX_NESTED:  # in one row, or between the rows
                    raise _too_nested(self.path, part)

    def _rows(self, name: str, limit: int | None, progress: Progress) -> list[tuple[int, tuple[Any, ...]]]:
        """The filled-in rows of sheet ``name`` (those up to row ``limit``), held sparse: only filled-in cells
        take room, and a reference such as ``ZZZZZ1048576`` is checked against the bounds, never allocated."""
        rows: list[tuple[int, tuple[Any, ...]]] = []
        filled = 0
        try:
            number = 0
            for element in self._sheet_rows(name):
                number = int(element.get("r") or number + 1)
                if not 0 < number <= _LAST_ROW:
                    raise ValueError(_("row number {n} is outside a sheet", n=number))
                if limit is not None and number > limit:
                    break
                cells: list[Any] = []
                for cell in element:
                    if _local(cell.tag) != "c":
                        continue
                    ref = cell.get("r")
                    column = _column_index(ref) if ref else len(cells)
                    value = self._value(cell)
                    if value is None:  # formatted but empty cells, even out to column XFD, take no room
                        continue
                    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                        raise _too_long(self.path, name, _cell_name(ref, column, number), len(value))
                    if column >= MAX_COLUMNS or column < 0:
                        if is_blank(value):
                            continue
                        raise _too_wide(self.path, name, _cell_name(ref, column, number))
                    if column > len(cells):
                        cells.extend([None] * (column - len(cells)))
                    if column == len(cells):
                        cells.append(value)
                    else:
                        cells[column] = value
                if any(not is_blank(c) for c in cells):
                    rows.append((number, tuple(cells)))
                    filled += len(cells)
                    if len(rows) > MAX_ROWS:
                        raise _too_many_rows(self.path, name)
                    if filled > MAX_CELLS:
                        raise _too_many_cells(self.path, name)
                if number % _STEP == 0:
                    progress("read", number, 0)
        except ImportTooLarge:
            raise
        except Exception as exc:  # zlib, XML and zip errors from a workbook damaged inside
            raise _damaged(self.path, exc) from None
        return rows

    def heads(self) -> list[Sheet]:
        return [Sheet(name, self._rows(name, HEADER_SEARCH_ROWS + 1, _noop)) for name in self.names]

    def full(self, name: str, progress: Progress) -> Sheet:
        return Sheet(name, self._rows(name, None, progress))

    def close(self) -> None:
        self.zip.close()
        self.fh.close()


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
        if line.count(delimiter) >= _EXCEL_COLUMNS:
            raise ImportTooLarge(_("{file}, line {line}: more than {n} cells; ikmtui reads at most {limit} columns",
                                   file=path.name, line=format_number(number), n=format_number(_EXCEL_COLUMNS),
                                   limit=MAX_COLUMNS))
        yield line


class _CsvReader:
    """A CSV file, read whole: comma, semicolon or tab separated; UTF-8, Windows-1252 or UTF-16 text."""

    file_format = "csv"

    def __init__(self, path: Path, fh: IO[bytes], progress: Progress) -> None:
        with fh:
            raw = fh.read(MAX_IMPORT_BYTES + 1)
        if len(raw) > MAX_IMPORT_BYTES:  # grown since it was checked
            raise ValueError(_("{file} is larger than {limit} MB; ikmtui imports files up to {limit} MB",
                               file=path.name, limit=MAX_IMPORT_BYTES // 1_000_000))
        utf16 = raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        if not utf16 and b"\0" in raw:
            raise _not_spreadsheet(path, _("it contains binary data"))
        text = _decode(raw)
        del raw
        if "\0" in text:
            raise _not_spreadsheet(path, _("it contains binary data"))
        name = path.stem
        delimiter = _delimiter(text)
        reader = csv.reader(_csv_lines(path, text, delimiter), delimiter=delimiter)
        rows: list[tuple[int, tuple[Any, ...]]] = []
        filled = 0
        number = 0
        try:
            for number, cells in enumerate(reader, 1):
                if len(cells) > MAX_COLUMNS:  # Excel ends every line at the last column of the sheet's used range
                    last = max((i for i, c in enumerate(cells) if not is_blank(c)), default=-1)
                    if last >= MAX_COLUMNS:
                        raise _too_wide(path, name, f"{column_letters(last)}{number}")
                    cells = cells[:last + 1]
                if cells and max(map(len, cells)) > MAX_CELL_CHARS:
                    column = next(i for i, c in enumerate(cells) if len(c) > MAX_CELL_CHARS)
                    raise _too_long(path, name, f"{column_letters(column)}{number}", len(cells[column]))
                if any(not is_blank(c) for c in cells):
                    rows.append((number, tuple(c.strip() for c in cells)))
                    filled += len(cells)
                    if len(rows) > MAX_ROWS or number > _LAST_ROW:
                        raise _too_many_rows(path, name)
                    if filled > MAX_CELLS:
                        raise _too_many_cells(path, name)
                elif number > _LAST_ROW:  # a million blank lines are not a list either
                    raise _too_many_rows(path, name)
                if number % _STEP == 0:
                    progress("read", number, 0)
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):  # the csv module's own bound, above Excel's
                raise ImportTooLarge(_("{file}, row {row}: a cell holds more than {limit} characters; a cell may "
                                       "hold at most {limit}", file=path.name, row=format_number(number + 1),
                                       limit=format_number(MAX_CELL_CHARS))) from None
            raise _not_spreadsheet(path, str(exc)) from None
        self.sheet = Sheet(name, rows)

    def heads(self) -> list[Sheet]:
        return [Sheet(self.sheet.name, [r for r in self.sheet.rows if r[0] <= HEADER_SEARCH_ROWS + 1])]

    def full(self, name: str, progress: Progress) -> Sheet:
        return self.sheet

    def close(self) -> None:
        return None


# ================================================================================================ headers
@dataclass
class _HeaderMatch:
    kind: str
    index: int  # position in sheet.rows of the (last) header row
    headers: list[str]
    fields: dict[int, str]
    ignored: list[str]

    @property
    def score(self) -> int:
        return len(set(self.fields.values()))

    @property
    def complete(self) -> bool:
        return all(f in self.fields.values() for f in cols.required_fields(self.kind))


def _text(value: object) -> str:
    return "" if value is None else " ".join(show_value(value).split())


def _map_headers(kind: str, headers: list[str]) -> tuple[dict[int, str], list[str]]:
    best: dict[str, tuple[int, int]] = {}  # field -> (priority, column)
    for i, header in enumerate(headers):
        hit = cols.match(kind, header) if header else None
        if hit and (hit[0] not in best or hit[1] < best[hit[0]][0]):
            best[hit[0]] = (hit[1], i)
    fields = {i: name for name, (_rank, i) in best.items()}
    ignored = [h for i, h in enumerate(headers) if h and i not in fields]
    return dict(sorted(fields.items())), ignored


def _combined_headers(top: tuple[Any, ...], sub: tuple[Any, ...]) -> list[str] | None:
    """Headers of a two-row header (``Jumlah Tenaga Kerja`` merged over ``L | P``), or None if ``sub`` is data."""
    subs = [_text(c) for c in sub]
    if not any(subs) or any(s and cols.normalize(s) not in cols.SUBHEADERS for s in subs):
        return None
    headers: list[str] = []
    group = ""
    for i in range(max(len(top), len(subs))):
        above = _text(top[i]) if i < len(top) else ""
        below = subs[i] if i < len(subs) else ""
        group = above or group
        headers.append(f"{group} {below}".strip() if below else above)
    return headers


def _find_header(sheet: Sheet, kind: str) -> _HeaderMatch | None:
    best: _HeaderMatch | None = None
    rows = sheet.rows[:HEADER_SEARCH_ROWS]
    for position, (_number, cells) in enumerate(rows):
        candidates = [(position, [_text(c) for c in cells])]
        if position + 1 < len(sheet.rows):
            combined = _combined_headers(cells, sheet.rows[position + 1][1])
            if combined:
                candidates.insert(0, (position + 1, combined))
        for index, headers in candidates:
            fields, ignored = _map_headers(kind, headers)
            found = _HeaderMatch(kind, index, headers, fields, ignored)
            if found.fields and (best is None or found.score > best.score):
                best = found
    return best


def _choose(sheet: Sheet, kind: str | None) -> _HeaderMatch | None:
    matches = [m for k in ([kind] if kind else KINDS) if (m := _find_header(sheet, k))]
    if not matches:
        return None
    # A kind whose required columns are all there beats one that merely matches more headers.
    return max(matches, key=lambda m: (m.complete, m.score, -KINDS.index(m.kind)))


def load(path: str | Path, *, kind: str | None = None, sheet: str | None = None,
         progress: Progress = _noop) -> Source:
    """Read ``path`` and map its columns for ``kind`` (default: the kind its headers match best).

    The sheet is ``sheet`` if given, else the first sheet with recognised headers. Raises ``ValueError`` with a
    translated message for a file that is not a spreadsheet, an empty sheet or one without recognised headers.
    """
    path = Path(path)
    if kind is not None and kind not in KINDS:
        raise ValueError(_("Unknown kind {kind}; choose one of: {kinds}", kind=kind, kinds=", ".join(KINDS)))
    reader = _open(path, sheet, progress)
    try:
        heads = reader.heads()
        if all(not s.rows for s in heads):
            if len(heads) == 1:
                raise ValueError(_("The sheet {sheet} of {file} is empty", sheet=heads[0].name, file=path.name))
            raise ValueError(_("Every sheet of {file} is empty", file=path.name))
        chosen: tuple[Sheet, _HeaderMatch] | None = None
        for head in heads:
            found = _choose(head, kind)
            if found is not None and (chosen is None or (found.complete and not chosen[1].complete)):
                chosen = (head, found)
                if found.complete:
                    break
        if chosen is None:
            expected = ", ".join(c.header for c in cols.columns_of(kind or "ikm") if c.required)
            raise ValueError(_("No known column headers in {file}: the first row of the list should name the "
                               "columns, e.g. {expected} (ikmtui import --template writes an example)",
                               file=path.name, expected=expected))
        head, match = chosen
        full = reader.full(head.name, progress)
    finally:
        reader.close()
    header_number = head.rows[match.index][0]
    data = [(n, cells) for n, cells in full.rows if n > header_number]
    if not data:
        raise ValueError(_("The sheet {sheet} of {file} has headers but no rows to import", sheet=full.name,
                           file=path.name))
    return Source(path=path, kind=match.kind, sheet=full.name, header_row=header_number, headers=match.headers,
                  fields=match.fields, ignored=match.ignored, rows=data, file_format=reader.file_format)


# ================================================================================================ values
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
    """``Rp 1.500.000,-``, ``IDR 1.500.000,00``, ``1 500 000`` and ``1,500,000`` -> ``1.500.000`` / ``1500000``."""
    if not isinstance(value, str):
        return value
    text = _RUPIAH_HEAD.sub(r"\1", value.strip())
    text = _RUPIAH_TAIL.sub("", text).strip().replace(" ", "")
    if _COMMA_THOUSANDS.fullmatch(text):  # thousands with commas, as English Excel shows them
        text = text.replace(",", "")
    return text


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
    """A founding date where the year was asked for counts as its year (``01/02/2019`` -> 2019)."""
    if isinstance(value, date):
        return value.year
    if isinstance(value, str) and re.search(r"[/.-]", value.strip()):
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
    if isinstance(value, int | float) and not isinstance(value, bool):
        digits = str(int(value))
        if len(digits) >= 16 and digits.endswith("0"):
            raise ValueError(_("The NIK is stored as a number, and Excel keeps only 15 digits of a number, so its "
                               "last digit may be lost: format the column as Text and type the NIK again"))
        return digits
    return _identifier(value)


#: field -> how a cell is tidied before the record model validates it.
PREPARE: dict[str, Callable[[object], object]] = {
    "owner_nik": _nik, "nib": _identifier, "npwp": _identifier, "kbli": _identifier, "phone": _phone,
    "investment": _rupiah, "turnover": _rupiah, "turnover_monthly": _rupiah, "amount_requested": _rupiah,
    "price": _rupiah, "workers_male": _count, "workers_female": _count, "workers_total": _count,
    "tenor_months": _count, "stock": _count, "term_days": _count, "year_founded": _year,
    "decree_date": _date, "consigned_on": _date, "applied_on": _date,
    "kecamatan": _prefixed(r"kec\.?", "kecamatan"), "kelurahan": _prefixed(r"kel\.?", "kelurahan", "desa"),
    "status": _choice("status"), "scale": _choice("scale"), "certifications": _choices("certification"),
    "badges": _choices("certification"), "category": _choice("category"),
}


def prepare(field_name: str, value: object, kind: str = "ikm") -> object:
    """Tidy one cell for ``field_name`` the way real sheets need (raises ValueError for hopeless cells)."""
    if kind == "gallery_listings" and field_name == "status":
        return cols.synonym("listing_status", value)
    tidy = PREPARE.get(field_name)
    if isinstance(value, str):
        value = value.strip()
    return tidy(value) if tidy else value


# ================================================================================================ report
@dataclass
class Problem:
    """One thing wrong: ``row`` as the spreadsheet numbers it, the column header, the cell and why."""

    row: int
    column: str
    value: str
    reason: str
    duplicate: bool = False


@dataclass
class Planned:
    row: int
    action: str  # "insert", "update" or "unchanged"
    doc: Doc  # the whole document to insert, or the changed fields of an update
    record_id: int | None = None
    version: int | None = None
    photos: list[media.Photo] = field(default_factory=list)  # checked pictures to copy in when it is written


@dataclass
class ImportReport:
    """What an import found and did; ``written`` tells whether anything reached the database."""

    kind: str
    file: Path
    sheet: str
    header_row: int
    columns: list[tuple[str, str]]  # (header in the file, field)
    ignored: list[str]
    rows: int
    planned: list[Planned] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dry_run: bool = False
    skip_invalid: bool = False
    written: bool = False
    inserted: int = 0
    updated: int = 0
    _snapshot: dict[str, Mapping[str, Doc]] = field(default_factory=dict, repr=False)

    @property
    def bad_rows(self) -> list[int]:
        return sorted({p.row for p in self.problems})

    @property
    def duplicate_rows(self) -> list[int]:
        return sorted({p.row for p in self.problems if p.duplicate})

    @property
    def valid(self) -> int:
        return len(self.planned)

    @property
    def unchanged(self) -> int:
        return sum(1 for p in self.planned if p.action == "unchanged")

    @property
    def to_insert(self) -> int:
        return sum(1 for p in self.planned if p.action == "insert")

    @property
    def to_update(self) -> int:
        return sum(1 for p in self.planned if p.action == "update")

    @property
    def ok(self) -> bool:
        return not self.problems


class RowInvalid(Exception):
    """Problems of one row: field -> message (``duplicate`` when the row is only a duplicate)."""

    def __init__(self, errors: Mapping[str, str], *, duplicate: bool = False) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = dict(errors)
        self.duplicate = duplicate


# ================================================================================================ kinds
def _meta_free(doc: Mapping[str, Any]) -> Doc:
    return {k: v for k, v in doc.items() if k not in META_FIELDS}


def _ikm_index(tables: Tables) -> tuple[dict[str, int], dict[str, int]]:
    by_nib: dict[str, int] = {}
    by_code: dict[str, int] = {}
    for key, doc in tables("ikm").items():
        if doc.get("nib"):
            by_nib.setdefault(str(doc["nib"]), int(key))
        if doc.get("code"):
            by_code[str(doc["code"]).upper()] = int(key)
    return by_nib, by_code


def _name_key(value: object) -> str:
    return " ".join(str(value).split()).casefold()


class _Kind:
    """How rows of one kind become records; built once per plan with indexes of what is stored."""

    kind = ""
    model: type[Record] = Record
    key_field = ""  # the column holding the key (for duplicate messages)
    #: model field -> the sheet fields an error of it is shown on (first present wins)
    error_columns: dict[str, tuple[str, ...]] = {}
    tables_used: tuple[str, ...] = ()

    def __init__(self, tables: Tables, source: Source, *, update: bool, user: str, today: date,
                 db_path: Path | None = None) -> None:
        self.tables = tables
        self.source = source
        self.db_path = db_path  # the database written to: gallery photos are checked against it and copied beside it
        self.update = update
        self.user = user
        self.today = today
        self.number = 0  # the row being planned
        self.marks: dict[str, set[int]] = defaultdict(set)  # note -> rows it applies to
        self.model_fields = frozenset(self.model.model_fields) - META_FIELDS

    def mark(self, note: str) -> None:
        self.marks[note].add(self.number)

    @property
    def table(self) -> str:
        return self.model.table

    def model_data(self, values: Mapping[str, Any]) -> tuple[Doc, dict[str, str]]:
        """Prepared cells of the model's own fields, and the cells that could not even be tidied."""
        data: Doc = {}
        errors: dict[str, str] = {}
        for name, value in values.items():
            if name not in self.model_fields:
                continue
            try:
                data[name] = prepare(name, value, self.kind)
            except ValueError as exc:
                errors[name] = str(exc)
        return data, errors

    def key(self, values: Mapping[str, Any]) -> Hashable | None:
        return None

    def existing(self, key: Hashable) -> tuple[int, Doc] | None:
        return None

    def duplicate_message(self, key: Hashable, record_id: int, doc: Doc) -> str:
        return _("Already in the database as {code} {name}: import with update (--update) to change it",
                 code=doc.get("code", ""), name=doc.get("name", ""))

    def row(self, number: int, values: Mapping[str, Any]) -> Planned:
        raise NotImplementedError

    def validate(self, data: Doc, errors: dict[str, str]) -> Record:
        """The record model's validation (the form's), with this row's own errors added."""
        try:
            record = self.model.parse({k: v for k, v in data.items() if k not in errors})
        except RecordInvalid as exc:
            raise RowInvalid({**exc.errors, **errors}) from None
        if errors:
            raise RowInvalid(errors)
        return record

    def keyed(self, number: int, values: Mapping[str, Any], data: Doc, errors: dict[str, str],
              finish: Callable[[Record], Doc] = lambda r: r.doc()) -> Planned:
        """Insert, update or duplicate, for kinds identified by a key."""
        key = self.key(values)
        found = self.existing(key) if key is not None else None
        if found is not None and self.update:
            record_id, current = found
            merged = {**_meta_free(current), **self.merge_extra(current, data)}
            doc = finish(self.validate(merged, errors))
            changes = {k: v for k, v in doc.items() if current.get(k) != v}
            return Planned(number, "update" if changes else "unchanged", changes, record_id, current.get("version"))
        doc = finish(self.validate(self.new_extra(data), errors))
        if found is not None:
            raise RowInvalid({self.key_field: self.duplicate_message(key, *found)}, duplicate=True)
        return Planned(number, "insert", doc)

    def merge_extra(self, current: Doc, data: Doc) -> Doc:
        return data

    def new_extra(self, data: Doc) -> Doc:
        return data

    def notes(self, planned: Mapping[int, Planned]) -> list[str]:
        return []

    def marked(self, note: str, planned: Mapping[int, Planned]) -> int:
        """How many of the rows that will be written got ``note``."""
        return sum(1 for number in self.marks.get(note, ()) if number in planned)


class _IkmKind(_Kind):
    kind = "ikm"
    model = Ikm
    key_field = "nib"
    tables_used = ("ikm", "clusters")
    error_columns = {"workers_male": ("workers_male", "workers_total"),
                     "workers_female": ("workers_female", "workers_total"),
                     "turnover": ("turnover", "turnover_monthly"), "cluster_ids": ("clusters",)}

    def __init__(self, tables: Tables, source: Source, **kwargs: Any) -> None:
        super().__init__(tables, source, **kwargs)
        self.by_nib, _by_code = _ikm_index(tables)
        self.ikm = tables("ikm")
        self.clusters: dict[str, int] = {}
        short: dict[str, list[int]] = defaultdict(list)
        for key, doc in tables("clusters").items():
            self.clusters[_name_key(doc.get("name", ""))] = int(key)
            if doc.get("code"):
                self.clusters[str(doc["code"]).casefold()] = int(key)
            short[_short_cluster(doc.get("name", ""))].append(int(key))
        self.short_clusters = {name: ids[0] for name, ids in short.items() if len(ids) == 1}
        self.by_gender = source.has("workers_male") or source.has("workers_female")

    def key(self, values: Mapping[str, Any]) -> Hashable | None:
        try:
            return clean_nib(_identifier(values["nib"]))
        except (KeyError, ValueError):
            return None

    def existing(self, key: Hashable) -> tuple[int, Doc] | None:
        record_id = self.by_nib.get(str(key))
        return (record_id, self.ikm[str(record_id)]) if record_id is not None else None

    def duplicate_message(self, key: Hashable, record_id: int, doc: Doc) -> str:
        return _("NIB {nib} is already in the database as {code} {name}: import with update (--update) to "
                 "change it", nib=key, code=doc.get("code", ""), name=doc.get("name", ""))

    def _cluster_ids(self, value: object) -> list[int]:
        ids: list[int] = []
        unknown: list[str] = []
        for part in re.split(r"[;\n]|,(?!\d)", str(value)):
            name = part.strip()
            if not name:
                continue
            found = self.clusters.get(_name_key(name)) or self.short_clusters.get(_short_cluster(name))
            if found is None:
                unknown.append(name)
            elif found not in ids:
                ids.append(found)
        if unknown:
            raise ValueError(_("No cluster named {names}: register it first or check the spelling",
                               names=", ".join(unknown)))
        return sorted(ids)

    def row(self, number: int, values: Mapping[str, Any]) -> Planned:
        data, errors = self.model_data(values)
        self._workers(values, data, errors)
        if "turnover" not in values and "turnover_monthly" in values:
            try:
                data["turnover"] = parse_rupiah(prepare("turnover_monthly", values["turnover_monthly"])) * 12
                self.mark("monthly")
            except ValueError as exc:
                errors["turnover_monthly"] = str(exc)
        if "clusters" in values:
            try:
                data["cluster_ids"] = self._cluster_ids(values["clusters"])
            except ValueError as exc:
                errors["clusters"] = str(exc)
        return self.keyed(number, values, data, errors, finish=_ikm_doc)

    def _workers(self, values: Mapping[str, Any], data: Doc, errors: dict[str, str]) -> None:
        if "workers_total" not in values:
            return
        try:
            total = parse_count(prepare("workers_total", values["workers_total"]))
        except ValueError as exc:
            errors["workers_total"] = str(exc)
            return
        if self.by_gender:
            try:
                men = parse_count(data.get("workers_male", 0))
                women = parse_count(data.get("workers_female", 0))
            except ValueError:
                return  # the gender column's own error is reported
            if men + women != total:
                errors["workers_total"] = _("The total {total} is not men + women ({men} + {women})", total=total,
                                            men=men, women=women)
            return
        data["workers_total"] = total
        data["workers_male"], data["workers_female"] = total // 2, total - total // 2

    def merge_extra(self, current: Doc, data: Doc) -> Doc:
        total = data.pop("workers_total", None)
        if total is not None:
            if total == int(current.get("workers_male") or 0) + int(current.get("workers_female") or 0):
                data.pop("workers_male", None)  # the same total: keep the split the office already knows
                data.pop("workers_female", None)
            else:
                self.mark("split")
        return data

    def new_extra(self, data: Doc) -> Doc:
        if data.pop("workers_total", None) is not None:
            self.mark("split")
        if is_blank(data.get("scale")):
            data.pop("scale", None)
            try:
                investment = parse_rupiah(data.get("investment", 0))
                turnover = parse_rupiah(data.get("turnover", 0))
            except ValueError:
                investment = turnover = 0  # the amount's own error is reported
            data["scale"] = suggest_scale(investment, turnover)
            self.mark("scale")
        return data

    def notes(self, planned: Mapping[int, Planned]) -> list[str]:
        notes = []
        if n := self.marked("split", planned):
            notes.append(_("{n} rows give only the total number of workers: it was split evenly between men and "
                           "women; correct the split in the IKM form where it is known", n=n))
        if n := self.marked("monthly", planned):
            notes.append(_("{n} rows give a monthly turnover: it was multiplied by 12", n=n))
        if n := self.marked("scale", planned):
            notes.append(_("{n} rows without a scale: suggested from investment and turnover (PP 7/2021)", n=n))
        return notes


def _short_cluster(name: object) -> str:
    return re.sub(r"^(?:sentra|klaster|kluster|cluster)\s+", "", _name_key(name))


def _ikm_doc(record: Record) -> Doc:
    doc = record.doc()
    doc["cluster_ids"] = sorted(set(doc.get("cluster_ids") or []))
    return doc


class _ClusterKind(_Kind):
    kind = "clusters"
    model = Cluster
    key_field = "name"
    tables_used = ("clusters",)

    def __init__(self, tables: Tables, source: Source, **kwargs: Any) -> None:
        super().__init__(tables, source, **kwargs)
        self.docs = tables("clusters")
        self.by_name = {_name_key(doc.get("name", "")): int(key) for key, doc in self.docs.items()}

    def key(self, values: Mapping[str, Any]) -> Hashable | None:
        return _name_key(values["name"]) if not is_blank(values.get("name")) else None

    def existing(self, key: Hashable) -> tuple[int, Doc] | None:
        record_id = self.by_name.get(str(key))
        return (record_id, self.docs[str(record_id)]) if record_id is not None else None

    def row(self, number: int, values: Mapping[str, Any]) -> Planned:
        data, errors = self.model_data(values)
        return self.keyed(number, values, data, errors)

    def merge_extra(self, current: Doc, data: Doc) -> Doc:
        data.pop("name", None)  # matched whatever its case and spacing: keep the name as registered
        return data


class _RefKind(_Kind):
    """Kinds whose rows name an IKM by NIB or code."""

    def __init__(self, tables: Tables, source: Source, **kwargs: Any) -> None:
        super().__init__(tables, source, **kwargs)
        self.by_nib, self.by_code = _ikm_index(tables)

    def ikm_id(self, values: Mapping[str, Any], errors: dict[str, str]) -> int | None:
        value = values.get("ikm_ref")
        if is_blank(value):
            errors["ikm_ref"] = _("This field is required")
            return None
        text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value).strip()
        found = self.by_code.get(text.upper()) or self.by_nib.get(digits_only(_identifier(text)))
        if found is None:
            errors["ikm_ref"] = _("No IKM has the NIB or code {value}: import or register the IKM first",
                                  value=text)
        return found


def _product(value: object) -> CreditProduct:
    wanted = cols.normalize(value)
    for code, product in PRODUCTS.items():
        if wanted in (cols.normalize(code), cols.normalize(product.name)):
            return product
    if wanted in ("kur", "kurmikro"):
        return PRODUCTS.get("KUR-MIKRO", PRODUCTS[DEFAULT_PRODUCT])
    raise ValueError(_("Unknown credit product {code}; choose one of: {options}", code=str(value).strip(),
                       options=", ".join(p.name for p in PRODUCTS.values())))


def _documents(value: object) -> list[str]:
    if cols.normalize(value) in cols.ALL_DOCUMENTS_WORDS:
        return list(DOCUMENTS)
    return [str(cols.synonym("document", part.strip())) for part in re.split(r"[,;\n]|/(?!IUMK)", str(value))
            if part.strip()]


class _CreditKind(_RefKind):
    kind = "credit_applications"
    model = CreditApplication
    key_field = "ikm_ref"
    tables_used = ("ikm", "credit_applications")
    error_columns = {"ikm_id": ("ikm_ref",)}

    def __init__(self, tables: Tables, source: Source, **kwargs: Any) -> None:
        super().__init__(tables, source, **kwargs)
        self.active: dict[tuple[Any, Any], list[Doc]] = defaultdict(list)  # by (ikm_id, product) as stored
        self.pending: dict[tuple[Any, ...], Doc] = {}
        for key, doc in tables("credit_applications").items():
            if doc.get("state") == ACTIVE_STATE:
                self.active[(doc.get("ikm_id"), doc.get("product"))].append({**doc, "id": int(key)})
            elif doc.get("state") in PENDING_STATES:
                self.pending.setdefault(self._key_of(doc), doc)
        self.keys: dict[int, tuple[Any, ...]] = {}

    @staticmethod
    def _key_of(doc: Mapping[str, Any]) -> tuple[Any, ...]:
        return (doc.get("ikm_id"), doc.get("product"), doc.get("amount_requested"),
                _name_key(doc.get("purpose", "")))

    def row(self, number: int, values: Mapping[str, Any]) -> Planned:
        errors: dict[str, str] = {}
        ikm_id = self.ikm_id(values, errors)
        try:
            product = _product(values["product"]) if "product" in values else PRODUCTS[DEFAULT_PRODUCT]
        except ValueError as exc:
            errors["product"] = str(exc)
            product = PRODUCTS[DEFAULT_PRODUCT]
        data, cell_errors = self.model_data(values)
        errors.update(cell_errors)
        data.pop("product", None)
        if "documents" in data:
            data["documents"] = _documents(data["documents"])
        data["ikm_id"] = ikm_id if ikm_id is not None else 0
        on = self.today
        if "applied_on" in values:
            try:
                on = parse_date(prepare("applied_on", values["applied_on"]))
            except ValueError as exc:
                errors["applied_on"] = str(exc)
        record = self.validate(apply_product_terms(data, product), errors)
        assert isinstance(record, CreditApplication)
        rules = product_errors(record, product, active_loans=self.active.get((ikm_id, product.code), ()))
        if rules:
            raise RowInvalid({("ikm_ref" if k == "ikm_id" else k): v for k, v in rules.items()})
        record = record.model_copy(update={"history": [history_entry("draft", on, self.user)]})
        doc = record.doc()
        key = self._key_of(doc)
        if key in self.pending:
            raise RowInvalid({"amount_requested": _(
                "Probably imported before: {code} is a pending application of this IKM with the same product, "
                "amount and purpose", code=self.pending[key].get("code", ""))}, duplicate=True)
        self.keys[number] = key
        return Planned(number, "insert", doc)


class _GalleryKind(_RefKind):
    kind = "gallery_listings"
    model = GalleryListing
    key_field = "sku"
    tables_used = ("ikm", "gallery_listings")
    error_columns = {"ikm_id": ("ikm_ref",),
                     "marketplace_links": ("marketplace_links", *(f"link:{m}" for m in
                                                                  ("Tokopedia", "Shopee", "Bukalapak", "Lazada",
                                                                   "Blibli", "TikTok Shop")))}

    def __init__(self, tables: Tables, source: Source, **kwargs: Any) -> None:
        super().__init__(tables, source, **kwargs)
        self.docs = tables("gallery_listings")
        self.by_sku = {str(doc.get("sku", "")).upper(): int(key) for key, doc in self.docs.items()}
        self.folder = source.path.parent
        self.checked: dict[str, media.Photo | str] = {}  # path -> picture or why refused: each file read once

    def key(self, values: Mapping[str, Any]) -> Hashable | None:
        return str(values["sku"]).strip().upper() if not is_blank(values.get("sku")) else None

    def existing(self, key: Hashable) -> tuple[int, Doc] | None:
        record_id = self.by_sku.get(str(key))
        return (record_id, self.docs[str(record_id)]) if record_id is not None else None

    def duplicate_message(self, key: Hashable, record_id: int, doc: Doc) -> str:
        return _("SKU {sku} is already in the database as {code} {name}: import with update (--update) to "
                 "change it", sku=key, code=doc.get("code", ""), name=doc.get("product_name", ""))

    def _photos(self, values: Mapping[str, Any], errors: dict[str, str]) -> tuple[list[str], list[media.Photo]]:
        """The photos named in the sheet, as the listing form takes them (``io.media.take_photos``): each a picture,
        never the database; relative names are in the sheet's folder. Copied in only when the import is written."""
        try:
            entries = parse_photos(values["photos"])
        except ValueError as exc:
            errors["photos"] = str(exc)
            return [], []
        if not entries:
            return [], []
        if self.db_path is None:  # nothing to check a photo against, nowhere to copy it
            errors["photos"] = _("Photos can be imported only into a database")
            return [], []
        key = self.key(values)
        found = self.existing(key) if key is not None and self.update else None
        known = set(found[1].get("photos") or []) if found is not None else set()
        names, new, error = media.take_photos(self.db_path, entries, known=known, folder=self.folder,
                                              checked=self.checked)
        if error is not None:
            errors["photos"] = error
        return names, new

    def row(self, number: int, values: Mapping[str, Any]) -> Planned:
        errors: dict[str, str] = {}
        ikm_id = self.ikm_id(values, errors)
        data, cell_errors = self.model_data(values)
        errors.update(cell_errors)
        data["ikm_id"] = ikm_id if ikm_id is not None else 0
        photos: list[media.Photo] = []
        if "photos" in values:
            data["photos"], photos = self._photos(values, errors)
        links = [str(values["marketplace_links"])] if "marketplace_links" in values else []
        links += [f"{name.removeprefix('link:')} {str(value).strip()}" for name, value in values.items()
                  if name.startswith("link:")]
        if links:
            data["marketplace_links"] = "; ".join(links)
        planned = self.keyed(number, values, data, errors)
        planned.photos = photos
        return planned


HANDLERS: dict[str, type[_Kind]] = {"ikm": _IkmKind, "clusters": _ClusterKind,
                                    "credit_applications": _CreditKind, "gallery_listings": _GalleryKind}


# ================================================================================================ planning
def _check_required(source: Source, update: bool) -> None:
    missing = [c.header for c in cols.columns_of(source.kind) if c.required and not source.has(c.field)]
    if missing and not update:
        raise ValueError(_("{file}: required columns are missing: {columns} (ikmtui import --template {kind} "
                           "writes a sheet with every column)", file=source.path.name, columns=", ".join(missing),
                           kind=source.kind))


def plan(tables: Tables, source: Source, *, update: bool = False, user: str = "", today: date | None = None,
         progress: Progress = _noop, db_path: str | os.PathLike[str] | None = None) -> ImportReport:
    """Check every row of ``source`` against the stored data read through ``tables``; nothing is written.

    ``db_path`` is the database the rows are for: gallery photos are checked against it (a picture, never the
    database or its files); without it a sheet that names photos is refused row by row."""
    _check_required(source, update)
    handler = HANDLERS[source.kind](tables, source, update=update, user=user, today=today or clock.today(),
                                    db_path=Path(db_path) if db_path is not None else None)
    report = ImportReport(
        kind=source.kind, file=source.path, sheet=source.sheet, header_row=source.header_row,
        columns=[(source.headers[i], name) for i, name in source.fields.items()], ignored=list(source.ignored),
        rows=len(source.rows), _snapshot={name: tables(name) for name in handler.tables_used})
    cells_of: dict[int, dict[str, Any]] = {}
    keys: dict[Hashable, list[int]] = defaultdict(list)
    planned: dict[int, Planned] = {}
    total = len(source.rows)
    items = list(source.fields.items())
    for done, (number, cells) in enumerate(source.rows, 1):
        values = {name: cells[i] for i, name in items if i < len(cells) and not is_blank(cells[i])}
        if not values:
            continue
        cells_of[number] = values
        key = handler.key(values)
        if key is not None:
            keys[key].append(number)
        handler.number = number
        try:
            planned[number] = handler.row(number, values)
        except RowInvalid as exc:
            _add_problems(report, source, handler, number, values, exc.errors, duplicate=exc.duplicate)
        if done % _STEP == 0:
            progress("check", done, total)
    if isinstance(handler, _CreditKind):
        for number, key in handler.keys.items():
            keys[key].append(number)
    for key, numbers in keys.items():
        if len(numbers) < 2:
            continue
        shown = ", ".join(map(str, numbers[:6])) + (", …" if len(numbers) > 6 else "")
        for number in numbers:
            planned.pop(number, None)
            if isinstance(handler, _CreditKind):
                message = _("The same application (IKM, product, amount, purpose) is on {n} rows of this file: "
                            "{rows}", n=len(numbers), rows=shown)
                column = "amount_requested"
            else:
                value = key if isinstance(handler, _IkmKind | _GalleryKind) else show_value(
                    cells_of[numbers[0]].get(handler.key_field))
                message = _("{value} is on {n} rows of this file: {rows}", value=value, n=len(numbers), rows=shown)
                column = handler.key_field
            _add_problems(report, source, handler, number, cells_of[number], {column: message}, duplicate=True)
    report.planned = [planned[n] for n in sorted(planned)]
    report.problems.sort(key=lambda p: p.row)
    report.notes = handler.notes(planned)
    progress("check", total, total)
    return report


def _add_problems(report: ImportReport, source: Source, handler: _Kind, number: int, values: Mapping[str, Any],
                  errors: Mapping[str, str], *, duplicate: bool = False) -> None:
    for name, reason in errors.items():
        shown = next((f for f in handler.error_columns.get(name, (name,)) if source.has(f) or f in values),
                     handler.error_columns.get(name, (name,))[0])
        raw = show_value(values.get(shown))
        if shown == "owner_nik" and raw:
            digits = digits_only(raw)
            reason = reason.replace(digits, mask_nik(digits))
            raw = mask_nik(digits)
        column = source.header_of(shown) if name != "__all__" else ""
        report.problems.append(Problem(number, column, raw, reason, duplicate))


# ================================================================================================ writing
def import_source(db: Any, source: Source, *, dry_run: bool = False, skip_invalid: bool = False,
                  update: bool = False, today: date | None = None, progress: Progress = _noop,
                  db_path: str | os.PathLike[str] | None = None) -> ImportReport:
    """Check ``source`` and, unless ``dry_run``, write it in ONE transaction (all or nothing by default).

    ``db_path`` (default ``db.path``) is the database photos are checked against; the pictures of the rows
    written are copied into its media folder, never on a dry run."""
    db_path = db.path if db_path is None else db_path
    report = plan(db.docs, source, update=update, user=db.user, today=today, progress=progress, db_path=db_path)
    report.dry_run, report.skip_invalid = dry_run, skip_invalid
    if dry_run or (report.problems and not skip_invalid) or not report.planned:
        return report
    from ikmtui.domain import permissions

    permissions.require(db.docs("staff"), db.user, "edit")
    with db.transaction() as txn:
        if any(txn.table(name) is not docs for name, docs in report._snapshot.items()):
            # Someone saved meanwhile: check again against the newest data, under the lock.
            report = plan(txn.table, source, update=update, user=db.user, today=today, db_path=db_path)
            report.skip_invalid = skip_invalid
            if report.problems and not skip_invalid:
                return report
        todo = [p for p in report.planned if p.action != "unchanged"]
        for photo in {photo.name: photo for item in todo for photo in item.photos}.values():
            media.keep_photo(db.path, photo)  # checked again as read; FileRefused: nothing is written
        model = HANDLERS[source.kind].model
        for done, item in enumerate(todo, 1):
            if item.action == "insert":
                txn.insert(model.table, item.doc, code_prefix=model.code_prefix, per_year=model.code_per_year)
                report.inserted += 1
            else:
                assert item.record_id is not None
                txn.update(model.table, item.record_id, item.doc, expected_version=item.version)
                report.updated += 1
            if done % _STEP == 0:
                progress("write", done, len(todo))
        if todo:
            txn.log("import", model.table, None, "", _import_detail(report))
    report.written = bool(report.inserted or report.updated)
    progress("write", report.inserted + report.updated, report.inserted + report.updated)
    return report


def _import_detail(report: ImportReport) -> str:
    return (f"{report.file.name} [{report.sheet}]: {report.inserted} new, {report.updated} updated, "
            f"{len(report.bad_rows)} rows skipped")


def import_file(db: Any, path: str | Path, *, kind: str | None = None, sheet: str | None = None,
                dry_run: bool = False, skip_invalid: bool = False, update: bool = False,
                today: date | None = None, progress: Progress = _noop) -> ImportReport:
    """:func:`load` then :func:`import_source`: the whole import of one file."""
    source = load(path, kind=kind, sheet=sheet, progress=progress)
    return import_source(db, source, dry_run=dry_run, skip_invalid=skip_invalid, update=update, today=today,
                         progress=progress)


# ================================================================================================ output
def kind_label(kind: str) -> str:
    return _(cols.KIND_LABELS.get(kind, kind))


def summary(report: ImportReport) -> str:
    """One paragraph: what was read, what is wrong, what was (or would be) written."""
    lines = [_("{file}, sheet {sheet}, headers on row {row}: {kind}", file=report.file.name, sheet=report.sheet,
               row=report.header_row, kind=kind_label(report.kind))]
    lines.append(_("{rows} rows read: {valid} valid, {bad} with problems ({dup} duplicates)",
                   rows=format_number(report.rows), valid=format_number(report.valid),
                   bad=format_number(len(report.bad_rows)), dup=format_number(len(report.duplicate_rows))))
    if report.written:
        lines.append(_("Imported: {new} new, {updated} updated, {same} unchanged",
                       new=format_number(report.inserted), updated=format_number(report.updated),
                       same=format_number(report.unchanged)))
        if report.problems:
            lines.append(_("{n} rows with problems were skipped", n=format_number(len(report.bad_rows))))
    elif report.dry_run:
        lines.append(_("Check only: nothing was written. An import would add {new} and update {updated}",
                       new=format_number(report.to_insert), updated=format_number(report.to_update)))
    elif report.problems and report.skip_invalid:
        lines.append(_("Nothing was written: no row is valid"))
    elif report.problems:
        lines.append(_("Nothing was written: correct the rows listed, or import only the valid rows "
                       "(--skip-invalid)"))
    elif not report.planned or not (report.to_insert or report.to_update):
        lines.append(_("Nothing to write: every row is already in the database as it is"))
    return "\n".join(lines)


def problem_table(report: ImportReport, limit: int = 100) -> Any:
    """The problems as a Rich table (at most ``limit`` rows: Rich tables get slow at thousands)."""
    from rich.table import Table

    table = Table(title=_("Problems"), title_justify="left", expand=False)
    table.add_column(_("Row"), justify="right", no_wrap=True)
    table.add_column(_("Column"), no_wrap=True, max_width=24)
    table.add_column(_("Value"), max_width=30)
    table.add_column(_("Reason"))
    for problem in report.problems[:limit]:
        table.add_row(str(problem.row), problem.column, problem.value, problem.reason)
    if len(report.problems) > limit:
        table.caption = _("… and {n} more (write them all with --report FILE)", n=len(report.problems) - limit)
    return table


def write_problems(report: ImportReport, out: str | Path, db_path: str | Path | None = None, *,
                   force: bool = False) -> Path:
    """Every problem as a CSV (semicolon, UTF-8 with BOM: Excel in Indonesia opens it as it is).

    Written through the file guard: never onto the database or its files, over an existing file only with
    ``force``, owner-only; the values come from the imported sheet, so a formula in one is written as text.
    """
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";")
    writer.writerow([_("Row"), _("Column"), _("Value"), _("Reason")])
    for p in report.problems:
        writer.writerow([guard.spreadsheet_value(v) for v in (p.row, p.column, p.value, p.reason)])
    return guard.write_private(out, text.getvalue().encode("utf-8-sig"), db_path, force=force)


# ================================================================================================ templates
def write_template(kind: str, out: str | Path, db_path: str | Path | None = None, *, force: bool = False) -> Path:
    """An empty sheet with the expected (Indonesian) headers of ``kind``, and a guide sheet; ``.csv`` or xlsx.

    Written through the file guard, as :func:`write_problems`.
    """
    if kind not in KINDS:
        raise ValueError(_("Unknown kind {kind}; choose one of: {kinds}", kind=kind, kinds=", ".join(KINDS)))
    target = guard.writable_target(out, db_path, force=force)
    columns = cols.template_columns(kind)
    if target.suffix.lower() == ".csv":
        text = io.StringIO()
        csv.writer(text, delimiter=";").writerow([c.header for c in columns])
        return guard.write_private(target, text.getvalue().encode("utf-8-sig"), db_path, force=force)
    import openpyxl
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = cols.SHEET_NAMES[kind]
    sheet.append([c.header for c in columns])
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    for index, col in enumerate(columns, 1):
        cell = sheet.cell(row=1, column=index)
        cell.font = bold
        if col.required:
            cell.fill = required_fill
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(col.header) + 4)
        if col.field in ("owner_nik", "nib", "npwp", "phone", "kbli", "ikm_ref", "sku"):
            # Text cells keep the leading 0 of a phone number and all 16 digits of a NIK.
            sheet.column_dimensions[get_column_letter(index)].number_format = "@"
        choices = _template_choices(kind, col.field)
        if choices and len(",".join(choices)) < 250:
            check = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
            check.add(f"{get_column_letter(index)}2:{get_column_letter(index)}5000")
            sheet.add_data_validation(check)
    sheet.freeze_panes = "A2"
    guide = book.create_sheet(_("Guide"))
    guide.append([_("Column"), _("Required"), _("How to fill it in")])
    for cell in guide[1]:
        cell.font = bold
    for col in columns:
        guide.append([col.header, _("yes") if col.required else "", _(col.hint) if col.hint else ""])
    guide.column_dimensions["A"].width = 26
    guide.column_dimensions["C"].width = 90
    with guard.private_output(target, db_path, force=force) as fh:
        book.save(fh)
    return target


def _template_choices(kind: str, field_name: str) -> list[str]:
    if field_name == "kecamatan":
        return reference.regions().names()
    if field_name == "scale":
        return ["mikro", "kecil", "menengah"]
    if field_name == "status" and kind in ("ikm", "clusters"):
        return ["Aktif", "Tidak Aktif"]
    return []


