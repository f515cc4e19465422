"""Workbooks (.xlsx, .xlsm, .xls, .ods) read by python-calamine, after the checks that keep it within bounds.

calamine (Rust) reads a 10,000-row list several times faster than the XML reader ikmtui used to have, and reads
the old .xls and OpenDocument too. It holds a sheet as one block from its first filled-in cell to its last and
trusts what the zip says, so a zip workbook is first checked here without calamine, streamed part by part: the
number of parts and the size of the central directory (before ``zipfile`` lists them), every part unpacked up to
its bound whatever its header claims (a zip bomb, a size that lies), and in every sheet the row numbers, the
references of the filled-in cells (rows, cells and the rows x columns they span: a cell at ZZZZZ1 is refused
before it costs anything) and the XML elements in and between the rows. Only then is the file handed over, as
the same bytes that were checked.

Values come out as openpyxl gives them (text, int, float, bool, datetime; errors such as ``#N/A`` as text). A
value merged over several rows (a Kecamatan typed once for three IKM) is filled down to every row of the merge
that holds data of its own. An .xls cannot be checked this way: its size (at most 50 MB, 65,536 x 256 cells)
bounds what calamine makes of it.
"""

from __future__ import annotations

import html
import io
import itertools
import math
import os
import posixpath
import re
import struct
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from ikmtui.domain.money import format_number
from ikmtui.i18n import _
from ikmtui.io.importer import bounds
from ikmtui.io.importer.bounds import Sheet, column_letters, damaged
from ikmtui.io.importer.values import _STEP, Progress, _noop, is_blank

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the binary .xls format
_CHUNK = 1 << 20  # bytes unpacked at a time
_ATTRS = rb"""((?:[^>"']+|"[^"]*"|'[^']*')*)>"""  # a tag's attributes, quoted '>' included, up to its end
_ROW = re.compile(rb"<(?:[\w.-]+:)?row(?=[\s/>])" + _ATTRS)
_ROW_END = re.compile(rb"</(?:[\w.-]+:)?row\s*>")
_CELL = re.compile(rb"<(?:[\w.-]+:)?c(?=[\s/>])" + _ATTRS)
_R = re.compile(rb"""\sr\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REF = re.compile(r"([A-Za-z]+)([0-9]+)")
_REFS = re.compile(rb'\sr\s*=\s*"([A-Za-z]{1,7})([0-9]{1,7})"')
_ERROR = re.compile(rb"<(?:[\w.-]+:)?c(?=\s)" + _ATTRS + rb"\s*<(?:[\w.-]+:)?v>([^<]*)<")
_ERROR_TYPE = re.compile(rb"""\st\s*=\s*["']e["']""")
_ROW_NUMBER = re.compile(rb'<row\s(?:[^>]*?\s)?r="([^"]*)"')
_PLAIN_CELL = re.compile(rb"<c(?=[\s/>])([^>]*)>")
_SHEET_DATA = re.compile(rb"<(?:[\w.-]+:)?sheetData[\s/>]")
_SHARED_STRING = re.compile(rb"<(?:[\w.-]+:)?si[\s/>]")
_ODS_TABLE = re.compile(rb"<(?:[\w.-]+:)?table(?=[\s>])" + _ATTRS)
_ODS_ROW = re.compile(rb"<(?:[\w.-]+:)?table-row(?=[\s/>])" + _ATTRS)
_ODS_ROW_END = re.compile(rb"</(?:[\w.-]+:)?table-row\s*>")
_ODS_CELL = re.compile(rb"<(?:[\w.-]+:)?(?:covered-)?table-cell(?=[\s/>])" + _ATTRS)
_ODS_ROWS_REPEATED = re.compile(rb"""number-rows-repeated\s*=\s*["']([0-9]*)["']""")
_ODS_COLUMNS_REPEATED = re.compile(rb"""number-columns-repeated\s*=\s*["']([0-9]*)["']""")
_ODS_ROWS_SPANNED = re.compile(rb"""number-rows-spanned\s*=\s*["']([0-9]{1,8})["']""")
_ODS_NAME = re.compile(rb"""\s(?:[\w.-]+:)?name\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_RELATION = re.compile(rb"<(?:[\w.-]+:)?Relationship(?=[\s/>])" + _ATTRS)
_SHEET = re.compile(rb"<(?:[\w.-]+:)?sheet(?=[\s/>])" + _ATTRS)
_ATTR = re.compile(rb"""([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_FAR = 10**9  # the column of a reference longer than any spreadsheet has


def zip_directory(fh: IO[bytes]) -> tuple[int, int]:
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
    entries, directory = struct.unpack("<HI", tail[at + 10 : at + 16])
    if (entries == 0xFFFF or directory == 0xFFFFFFFF) and tail[at - 20 : at - 16] == b"PK\x06\x07":
        (offset,) = struct.unpack("<Q", tail[at - 12 : at - 4])
        fh.seek(offset)
        record = fh.read(56)
        fh.seek(0)
        if record[:4] == b"PK\x06\x06" and len(record) == 56:
            entries, directory = struct.unpack("<QQ", record[32:48])
    return entries, directory


def _column(letters: str) -> int:
    """``C`` -> 2; a reference longer than Excel's (``ZZZZZ...``) is not turned into a huge number."""
    if len(letters) > 4:
        return _FAR
    index = 0
    for ch in letters.upper():
        index = index * 26 + ord(ch) - 64
    return index - 1


def _attrs(tag: bytes) -> dict[str, str]:
    """A tag's attributes by local name (``r:id`` -> ``id``), entities decoded."""
    return {
        key.rsplit(b":", 1)[-1].decode("utf-8", "replace"): html.unescape((a or b).decode("utf-8", "replace"))
        for key, a, b in _ATTR.findall(tag)
    }


@dataclass
class _Span:
    """What the scan of one sheet found: filled-in rows and cells, and the block they span (0-based)."""

    label: str
    rows: int = 0
    cells: int = 0
    top: int = bounds.LAST_ROW
    bottom: int = -1
    left: int = _FAR
    right: int = -1
    far: str = ""  # the cell furthest right, as the sheet names it
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, column) -> ``#N/A`` ...
    #: (top row, column, bottom row) of each cell merged down over rows: an .ods table's merges, which calamine
    #: does not report (it does for .xlsx and .xls)
    merged_down: list[tuple[int, int, int]] = field(default_factory=list)

    def add(self, path: Path, row: int, cells: int, left: int, right: int, far: str) -> None:
        self.add_block(path, 1, cells, row, row, left, right, far)

    def add_block(
        self, path: Path, rows: int, cells: int, top: int, bottom: int, left: int, right: int, far: str
    ) -> None:
        self.rows += rows
        self.cells += cells
        self.top, self.bottom = min(self.top, top), max(self.bottom, bottom)
        if left < self.left:
            self.left = left
        if right > self.right:
            self.right, self.far = right, far
        if self.rows > bounds.MAX_ROWS:
            raise bounds.too_many_rows(path, self.label)
        if self.cells > bounds.MAX_CELLS:
            raise bounds.too_many_cells(path, self.label)
        if (self.bottom - self.top + 1) * (self.right - self.left + 1) > bounds.MAX_AREA:
            if self.right >= bounds.MAX_COLUMNS:
                raise bounds.too_wide(path, self.label, self.far)
            raise bounds.too_spread(
                path,
                self.label,
                f"{column_letters(self.left)}{self.top + 1}",
                f"{column_letters(self.right)}{self.bottom + 1}",
            )


class _Part:
    """One part of a zip workbook, unpacked up to ``limit`` whatever its header claims (the sizes in a zip bomb
    lie), counted against the workbook's total."""

    def __init__(self, check: _ZipCheck, name: str, limit: int) -> None:
        self.check, self.name, self.limit = check, name, limit
        info = check.zip.getinfo(name)
        if info.file_size > limit:
            raise self._refused()
        self.info = info

    def _refused(self) -> bounds.ImportTooLarge:
        return bounds.ImportTooLarge(
            _(
                "{file}: {part} inside the workbook unpacks to more than {limit} MB; ikmtui "
                "reads at most {limit} MB of it",
                file=self.check.path.name,
                part=self.name,
                limit=self.limit // 1_000_000,
            )
        )

    def chunks(self) -> Iterator[bytes]:
        left = self.limit
        with self.check.zip.open(self.info) as fh:
            while data := fh.read(min(_CHUNK, left + 1)):
                left -= len(data)
                self.check.unpacked += len(data)
                if left < 0:
                    raise self._refused()
                if self.check.unpacked > bounds.MAX_UNPACKED_BYTES:
                    raise bounds.ImportTooLarge(
                        _(
                            "{file} unpacks to more than {limit} MB; ikmtui reads at most {limit} MB of a workbook",
                            file=self.check.path.name,
                            limit=bounds.MAX_UNPACKED_BYTES // 1_000_000,
                        )
                    )
                yield data


def _spans(
    path: Path,
    part: str,
    chunks: Iterator[bytes],
    start: re.Pattern[bytes],
    end: re.Pattern[bytes],
    outside: Callable[[bytes], None],
    row: Callable[[bytes, bytes], None],
) -> None:
    """Cut the XML of ``chunks`` into rows: ``row(attributes, content)`` for each row (content empty for ``<row/>``)
    and ``outside(text)`` for what lies between them, holding at most one row (and one chunk) in memory."""
    buffer = b""
    for chunk in chunks:
        buffer = buffer + chunk if buffer else chunk
        pos = 0
        while True:
            found = start.search(buffer, pos)
            if found is None:
                cut = buffer.rfind(b"<", pos)  # a tag cut in two waits for the next chunk
                cut = len(buffer) if cut < 0 else cut
                outside(buffer[pos:cut])
                pos = cut
                break
            outside(buffer[pos : found.start()])
            attributes = found.group(1)
            if attributes.endswith(b"/"):
                row(attributes, b"")
                pos = found.end()
                continue
            closed = end.search(buffer, found.end())
            if closed is None:
                pos = found.start()
                break
            row(attributes, buffer[found.end() : closed.start()])
            pos = closed.end()
        buffer = buffer[pos:]
        if len(buffer) > bounds.MAX_ROW_XML_BYTES:
            raise bounds.ImportTooLarge(
                _(
                    "{file}: {part} inside the workbook holds one row or element of more than "
                    "{limit} MB; it is not a list ikmtui can read",
                    file=path.name,
                    part=part,
                    limit=bounds.MAX_ROW_XML_BYTES // 1_000_000,
                )
            )
    outside(buffer)


class _ZipCheck:
    """The checks of a zip workbook (.xlsx or .ods) before calamine reads it; ``spans`` maps each sheet's part to
    what its scan found."""

    def __init__(self, path: Path, data: bytes) -> None:
        self.path = path
        self.unpacked = 0
        entries, directory = zip_directory(io.BytesIO(data))
        if entries > bounds.MAX_ZIP_ENTRIES or directory > bounds.MAX_ZIP_DIRECTORY_BYTES:
            raise bounds.ImportTooLarge(
                _(
                    "{file} holds more than {limit} parts (or names too long for a workbook); "
                    "ikmtui reads workbooks of at most {limit} parts",
                    file=path.name,
                    limit=format_number(bounds.MAX_ZIP_ENTRIES),
                )
            )
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except Exception as exc:  # a zip that is cut off or not a zip after all
            raise damaged(path, exc) from None
        self.spans: dict[str, _Span] = {}
        self.sheet_parts: dict[str, str] = {}  # sheet name -> part, as the workbook's relationships say
        try:
            names = self.zip.namelist()
            self.ods = "content.xml" in names and "xl/workbook.xml" not in names
            if not self.ods and not any(n.lower() == "xl/workbook.xml" for n in names):
                raise damaged(path, _("it holds no workbook"))
            first = [n for n in ("_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels") if n in names]
            for name in first + [n for n in names if n not in first]:
                self._check(name)
        except ValueError:  # ImportTooLarge and damaged() alike
            raise
        except Exception as exc:  # zlib and zip errors, a CRC that does not match: damaged inside
            raise damaged(path, exc) from None
        finally:
            self.zip.close()

    def _limit(self, name: str) -> int:
        lower = name.lower()
        if lower.endswith("sharedstrings.xml"):
            return bounds.MAX_STRINGS_XML_BYTES
        if "worksheets/" in lower or lower == "content.xml" or not lower.endswith((".xml", ".rels")):
            return bounds.MAX_SHEET_XML_BYTES  # sheets; pictures and other parts calamine does not read as XML
        return bounds.MAX_PART_XML_BYTES

    def _check(self, name: str) -> None:
        part = _Part(self, name, self._limit(name))
        if name in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
            self._relations(name, b"".join(part.chunks()))
        elif self.ods and name == "content.xml":
            self._scan_ods(part)
        else:
            self._scan_xlsx(part)

    def _relations(self, name: str, xml: bytes) -> None:
        """Sheet names of the parts, for messages that name the sheet as the officer knows it."""
        if name.endswith(".rels"):
            self.targets = {a.get("Id", ""): a.get("Target", "") for a in map(_attrs, _RELATION.findall(xml))}
            for sheet, rid in getattr(self, "sheet_ids", {}).items():
                self._name(sheet, rid)
        else:
            self.sheet_ids = {a.get("name", ""): a.get("id", "") for a in map(_attrs, _SHEET.findall(xml))}
            for sheet, rid in self.sheet_ids.items():
                self._name(sheet, rid)

    def _name(self, sheet: str, rid: str) -> None:
        target = getattr(self, "targets", {}).get(rid)
        if target:
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            self.sheet_parts[sheet] = part

    def _label(self, part: str) -> str:
        return next((sheet for sheet, p in self.sheet_parts.items() if p == part), posixpath.basename(part))

    def _scan_xlsx(self, part: _Part) -> None:
        """Rows, cells, the block they span and the XML elements of one part (any part: calamine finds its sheets
        through relationships that may differ from what they seem here)."""
        path = self.path
        span = _Span(self._label(part.name))
        state = {"row": 0, "outside": 0, "in_sheet": False, "strings": 0}

        def cells_of(text: bytes, number: int) -> None:
            found = _CELL.findall(text)
            filled = [a for a in found if not a.endswith(b"/")]  # <c r="XFD9" s="1"/> is formatting, no value
            if not filled:
                return
            refs = _REFS.findall(b"\0".join(filled))
            if len(refs) == len(filled) and {digits for _letters, digits in refs} == {b"%d" % number}:
                # As Excel writes them: each filled-in cell names its column in this row (a set, not a loop)
                letters = {letters.upper() for letters, _digits in refs}
                shortest, longest = min(map(len, letters)), max(map(len, letters))
                near = min(s for s in letters if len(s) == shortest).decode()
                far = max(s for s in letters if len(s) == longest).decode()
                span.add(path, number - 1, len(filled), _column(near), _column(far), f"{far}{number}")
            else:
                cells_apart(filled, number)
            if b'"e"' in text or b"'e'" in text:
                errors_of(text)

        def errors_of(text: bytes) -> None:
            """``#N/A`` and the other errors, which calamine gives as blanks."""
            for attributes, value in _ERROR.findall(text):
                if _ERROR_TYPE.search(attributes) and (ref := _R.search(attributes)):
                    parts = _REF.fullmatch((ref.group(1) or ref.group(2) or b"").decode("ascii", "replace"))
                    if parts:
                        span.errors[(int(parts.group(2)) - 1, _column(parts.group(1)))] = html.unescape(
                            value.decode("utf-8", "replace")
                        )

        def cells_apart(filled: list[bytes], number: int) -> None:
            """Cells one by one: some without a reference, or placed in another row than their own."""
            left, right, far, column = _FAR, -1, "", -1
            for attributes in filled:
                ref = _R.search(attributes)
                if ref is None:
                    column += 1
                    name = f"{column_letters(min(column, bounds.EXCEL_COLUMNS))}{number}"
                else:
                    text_ref = (ref.group(1) or ref.group(2) or b"").decode("ascii", "replace")
                    parts = _REF.fullmatch(text_ref)
                    if parts is None or len(parts.group(2)) > 7:
                        raise damaged(path, _("cell reference {ref} is not one", ref=text_ref[:20]))
                    column, at = _column(parts.group(1)), int(parts.group(2))
                    if not 0 < at <= bounds.LAST_ROW:
                        raise damaged(path, _("row number {n} is outside a sheet", n=at))
                    if at != number:  # calamine places a cell by its reference
                        span.add(path, at - 1, 1, column, column, text_ref)
                        continue
                    name = text_ref
                left = min(left, column)
                if column > right:
                    right, far = column, name
            if right >= 0:
                span.add(path, number - 1, len(filled), left, right, far)

        def outside(text: bytes) -> None:
            state["strings"] += len(_SHARED_STRING.findall(text))
            if state["strings"] > bounds.MAX_CELLS:
                raise bounds.ImportTooLarge(
                    _(
                        "{file} holds more than {limit} different texts; ikmtui imports at "
                        "most {limit} cells from one file: split the list",
                        file=path.name,
                        limit=format_number(bounds.MAX_CELLS),
                    )
                )
            if not state["in_sheet"]:
                state["in_sheet"] = _SHEET_DATA.search(text) is not None
            if state["in_sheet"]:
                state["outside"] += text.count(b"<") - text.count(b"</")
                if state["outside"] > bounds.MAX_NESTED:
                    raise bounds.too_nested(path, part.name)
                if b"<" in text:  # a cell outside a row (or a row cut short by a forged end tag) still counts
                    cells_of(text, max(state["row"], 1))

        def row(attributes: bytes, content: bytes) -> None:
            ref = _R.search(attributes)
            if ref is None:
                number = state["row"] + 1
            else:
                text_ref = (ref.group(1) or ref.group(2) or b"").strip()
                if not text_ref.isdigit() or len(text_ref) > 8:
                    raise damaged(
                        path, _("row number {n} is outside a sheet", n=text_ref[:20].decode("ascii", "replace"))
                    )
                number = int(text_ref)
            if not 0 < number <= bounds.LAST_ROW:
                raise damaged(path, _("row number {n} is outside a sheet", n=number))
            state["row"] = number
            if content.count(b"<") - content.count(b"</") > bounds.MAX_NESTED:
                raise bounds.too_nested(path, part.name)
            cells_of(content, number)

        def detailed(text: bytes) -> None:
            _spans(path, part.name, iter((text,)), _ROW, _ROW_END, outside, row)

        def block(text: bytes) -> None:
            """Whole rows as Excel writes them, checked in bulk: one regex pass for all their cells. Anything
            unusual (cells without a reference or outside a row, prefixed tags, many elements) is left to
            ``detailed``, row by row."""
            if text.count(b"<") - text.count(b"</") > bounds.MAX_NESTED or b":row" in text or b":c " in text:
                return detailed(text)
            numbers, last = _ROW_NUMBER.findall(text), bounds.LAST_ROW
            if not all(n.isdigit() and len(n) < 8 for n in numbers) or max(map(int, numbers), default=1) > last:
                return detailed(text)  # which says so
            # A quoted '>' cuts a tag short here: its reference is then missing, and ``detailed`` reads it.
            filled = [a for a in _PLAIN_CELL.findall(text) if not a.endswith(b"/")]
            refs = _REFS.findall(b"\0".join(filled))
            if len(refs) != len(filled):
                return detailed(text)
            pieces = text.split(b"</row>")
            for piece in pieces[:-1]:
                at = piece.find(b"<row")
                if at < 0 or (at and _PLAIN_CELL.search(piece, 0, at)):
                    return detailed(text)
            for piece in pieces[:-1]:  # what lies between the rows
                at = piece.find(b"<row")
                if at:
                    between(piece[:at])
            if numbers:
                state["row"] = int(numbers[-1])
            if not refs:
                return
            rows = {int(digits) for _letters, digits in refs}
            top, bottom = min(rows), max(rows)
            if not 0 < top <= bottom <= bounds.LAST_ROW:
                return detailed(text)
            letters = {letters.upper() for letters, _digits in refs}
            shortest, longest = min(map(len, letters)), max(map(len, letters))
            near = min(s for s in letters if len(s) == shortest)
            far = max(s for s in letters if len(s) == longest)
            far_row = next(int(d) for letters, d in refs if letters.upper() == far)
            span.add_block(
                path,
                len(rows),
                len(filled),
                top - 1,
                bottom - 1,
                _column(near.decode()),
                _column(far.decode()),
                f"{far.decode()}{far_row}",
            )
            if b'"e"' in text or b"'e'" in text:
                for piece in pieces[:-1]:
                    if b'"e"' in piece or b"'e'" in piece:
                        errors_of(piece)

        def between(text: bytes) -> None:
            if not state["in_sheet"]:
                found = _SHEET_DATA.search(text)
                if found is None:
                    return
                state["in_sheet"] = True
                text = text[found.start() :]
            state["outside"] += text.count(b"<") - text.count(b"</")
            if state["outside"] > bounds.MAX_NESTED:
                raise bounds.too_nested(path, part.name)

        chunks = part.chunks()
        first = next(chunks, b"")
        if b"</row>" not in first:  # not a sheet as Excel writes one (shared strings, styles ...): as it comes
            _spans(path, part.name, itertools.chain((first,), chunks), _ROW, _ROW_END, outside, row)
        else:
            buffer = first
            for chunk in chunks:
                buffer += chunk
                cut = buffer.rfind(b"</row>")
                if cut >= 0:
                    block(buffer[: cut + 6])
                    buffer = buffer[cut + 6 :]
                elif len(buffer) > bounds.MAX_ROW_XML_BYTES:
                    detailed(buffer)  # refuses a row this long; else it is what follows the rows
                    buffer = b""
            cut = buffer.rfind(b"</row>")
            if cut >= 0:
                block(buffer[: cut + 6])
                buffer = buffer[cut + 6 :]
            detailed(buffer)
        if span.rows:
            self.spans[part.name] = span

    def _scan_ods(self, part: _Part) -> None:
        """The tables of an OpenDocument spreadsheet: a row or cell repeated a million times counts a million."""
        path = self.path
        state: dict[str, Any] = {"span": _Span("?"), "row": 0}

        def repeated(pattern: re.Pattern[bytes], attributes: bytes) -> int:
            found = pattern.search(attributes)
            if found is None:
                return 1
            if not found.group(1).isdigit() or len(found.group(1)) > 8:
                raise damaged(path, _("a repeat count is not a number"))
            return max(int(found.group(1)), 1)

        def outside(text: bytes) -> None:
            for attributes in _ODS_TABLE.findall(text):
                name = _ODS_NAME.search(attributes)
                label = html.unescape((name.group(1) or name.group(2)).decode("utf-8", "replace")) if name else "?"
                state["span"], state["row"] = _Span(label), 0
                self.spans[f"{part.name}#{len(self.spans)}"] = state["span"]
            if _ODS_CELL.search(text):  # cells outside a row (or a row cut short) still count
                row(b"", text)

        def row(attributes: bytes, content: bytes) -> None:
            times = repeated(_ODS_ROWS_REPEATED, attributes)
            number = state["row"]
            state["row"] += times
            column, left, right, filled = 0, _FAR, -1, 0
            span = state["span"]
            for cell in _ODS_CELL.findall(content):
                count = repeated(_ODS_COLUMNS_REPEATED, cell)
                if not cell.endswith(b"/") or b"value-type" in cell:
                    filled += count
                    left, right = min(left, column), column + count - 1
                spanned = _ODS_ROWS_SPANNED.search(cell) if b"rows-spanned" in cell else None
                if spanned and int(spanned.group(1)) > 1 and column < bounds.MAX_COLUMNS:
                    span.merged_down.append((number, column, number + int(spanned.group(1)) - 1))
                column += count
            for offset in range(min(times, bounds.MAX_ROWS + 1) if filled else 0):
                if number + offset >= bounds.LAST_ROW:
                    raise damaged(path, _("row number {n} is outside a sheet", n=number + offset + 1))
                span.add(
                    path,
                    number + offset,
                    filled,
                    left,
                    right,
                    f"{column_letters(min(right, 99_999))}{number + offset + 1}",
                )

        _spans(path, part.name, part.chunks(), _ODS_ROW, _ODS_ROW_END, outside, row)


def _value(value: Any) -> Any:
    """A calamine value as openpyxl gives it: whole numbers as int, dates as datetime, no value as None."""
    kind = type(value)
    if kind is str:
        return value if value else None
    if kind is float:
        if value.is_integer() and -(2**53) < value < 2**53:
            return int(value)
        if not math.isfinite(value):
            raise ValueError(_("a number too large to be one"))
        return value
    if kind is date:
        return datetime(value.year, value.month, value.day)
    return value


class WorkbookReader:
    """A workbook read by calamine, one sheet at a time, after :class:`_ZipCheck` for a zip workbook."""

    def __init__(self, path: Path, data: bytes, wanted: str | None) -> None:
        import python_calamine

        self.path = path
        self.file_format = "xls" if data.startswith(OLE_MAGIC) else "xlsx"
        check = None
        if data.startswith(ZIP_MAGIC):
            check = _ZipCheck(path, data)
            self.file_format = "ods" if check.ods else "xlsx"
        self.check = check
        try:
            self.book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
            sheets = [m.name for m in self.book.sheets_metadata if m.typ == python_calamine.SheetTypeEnum.WorkSheet]
        except Exception as exc:
            raise damaged(path, exc) from None
        except BaseException as exc:  # a panic inside calamine (pyo3's PanicException is a BaseException)
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            raise damaged(path, type(exc).__name__) from None
        del data
        self.names = sheets
        try:
            if len(sheets) > bounds.MAX_SHEETS:
                raise bounds.ImportTooLarge(
                    _(
                        "{file} has more than {limit} sheets; ikmtui reads workbooks of at most {limit} sheets",
                        file=path.name,
                        limit=format_number(bounds.MAX_SHEETS),
                    )
                )
            if wanted is not None:
                found = [n for n in self.names if n.strip().casefold() == wanted.strip().casefold()]
                if not found:
                    raise ValueError(
                        _(
                            "{file} has no sheet named {sheet}; its sheets are: {names}",
                            file=path.name,
                            sheet=wanted,
                            names=", ".join(self.names),
                        )
                    )
                self.names = found[:1]
        except ValueError:
            self.book.close()
            raise
        self._kept: tuple[str, Any] | None = None  # the first sheet loaded: most often the one imported

    def _sheet(self, name: str) -> Any:
        if self._kept is not None and self._kept[0] == name:
            return self._kept[1]
        try:
            sheet = self.book.get_sheet_by_name(name)
        except Exception as exc:
            raise damaged(self.path, exc) from None
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            raise damaged(self.path, type(exc).__name__) from None
        if self._kept is None:
            self._kept = (name, sheet)
        return sheet

    def _errors(self, name: str) -> dict[tuple[int, int], str]:
        if self.check is None:
            return {}
        part = self.check.sheet_parts.get(name)
        span = self.check.spans.get(part) if part else None
        return span.errors if span else {}

    def _ods_merges(self, name: str) -> list[tuple[int, int, int]]:
        """(top row, column, bottom row) of the cells of .ods table ``name`` merged down over rows."""
        if self.check is None or not self.check.ods:
            return []
        return next((span.merged_down for span in self.check.spans.values() if span.label == name), [])

    def _rows(self, name: str, limit: int | None, progress: Progress) -> list[tuple[int, tuple[Any, ...]]]:
        """The filled-in rows of sheet ``name`` (those up to row ``limit``), columns numbered from A, a value
        merged over rows filled down."""
        sheet = self._sheet(name)
        start = sheet.start
        if start is None:
            return []
        left = start[1]  # iter_rows gives every row from the first, each from the sheet's first filled-in column
        pad = (None,) * left
        errors: dict[int, list[tuple[int, str]]] = {}  # row -> (column, text) of the error values calamine blanks
        for (row, column), text in self._errors(name).items():
            errors.setdefault(row, []).append((column, text))
        down: dict[int, dict[int, tuple[int, Any]]] = {}  # top row -> column -> (last row, value) of a merge
        for (top, column), (bottom, _right) in sheet.merged_cell_ranges or ():
            if bottom > top:
                down.setdefault(top, {})[column] = (bottom, None)
        for top, column, bottom in self._ods_merges(name):
            down.setdefault(top, {})[column] = (bottom, None)
        filling: dict[int, tuple[int, Any]] = {}  # column -> (last row, value) of the merges being filled down
        rows: list[tuple[int, tuple[Any, ...]]] = []
        filled = 0
        path = self.path
        max_columns, max_chars = bounds.MAX_COLUMNS, bounds.MAX_CELL_CHARS
        try:
            for index, raw in enumerate(sheet.iter_rows()):
                number = index + 1
                if limit is not None and number > limit:
                    break
                if raw.count("") == len(raw) and index not in errors:  # calamine gives "" for no value
                    continue
                cells = list(pad)
                cells.extend(map(_value, raw))
                for column, text in errors.get(index, ()):
                    if column < len(cells):
                        cells[column] = text
                while cells and cells[-1] is None:
                    cells.pop()
                if index in down:
                    for column in down[index]:
                        filling[column] = (down[index][column][0], cells[column] if column < len(cells) else None)
                blank = all(is_blank(c) for c in cells)
                if filling:
                    for column, (last, value) in list(filling.items()):
                        if last < index:
                            del filling[column]
                        elif not blank and value is not None and (column >= len(cells) or cells[column] is None):
                            cells.extend([None] * (column + 1 - len(cells)))
                            cells[column] = value
                if blank:
                    continue
                if len(cells) > max_columns:
                    last_filled = max(i for i, c in enumerate(cells) if not is_blank(c))
                    if last_filled >= max_columns:
                        raise bounds.too_wide(path, name, f"{column_letters(last_filled)}{number}")
                    cells = cells[: last_filled + 1]
                for column, value in enumerate(cells):
                    if type(value) is str and len(value) > max_chars:
                        raise bounds.too_long(path, name, f"{column_letters(column)}{number}", len(value))
                rows.append((number, tuple(cells)))
                filled += len(cells)
                if len(rows) > bounds.MAX_ROWS:
                    raise bounds.too_many_rows(path, name)
                if filled > bounds.MAX_CELLS:
                    raise bounds.too_many_cells(path, name)
                if number % _STEP == 0:
                    progress("read", number, 0)
        except ValueError as exc:
            if isinstance(exc, bounds.ImportTooLarge):
                raise
            raise damaged(path, exc) from None
        return rows

    def heads(self) -> list[Sheet]:
        return [Sheet(name, self._rows(name, bounds.HEADER_SEARCH_ROWS + 1, _noop)) for name in self.names]

    def full(self, name: str, progress: Progress) -> Sheet:
        return Sheet(name, self._rows(name, None, progress))

    def close(self) -> None:
        self._kept = None
        self.book.close()
