"""Reading a spreadsheet into rows of cell values, within bounds whatever the file claims."""

from __future__ import annotations

import codecs
import csv
import os
import posixpath
import re
import stat
import struct
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree

from ikmtui.domain.money import format_number
from ikmtui.i18n import _
from ikmtui.io import guard
from ikmtui.io.importer.values import _STEP, Progress, _noop, is_blank

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
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls format
_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")


@dataclass
class Sheet:
    """The cells of one sheet: ``rows`` are (row number as the spreadsheet shows it, cell values)."""

    name: str
    rows: list[tuple[int, tuple[Any, ...]]]



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
