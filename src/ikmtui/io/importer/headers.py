"""Finding the header row of a sheet and which column means which field."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from ikmtui.domain.identifiers import digits_only, mask_nik
from ikmtui.i18n import _
from ikmtui.io import columns as cols
from ikmtui.io.columns import KINDS
from ikmtui.io.importer.bounds import HEADER_SEARCH_ROWS, Sheet
from ikmtui.io.importer.reading import open_sheets
from ikmtui.io.importer.values import Progress, _noop, show_value


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
        return col.header if col else SHEET_ONLY_FIELDS.get(field_name, field_name)

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


#: Fields a sheet may give that no record stores as such (see headers.toml).
SHEET_ONLY_FIELDS = {"founded_on": "Tanggal Berdiri", "registered_on": "Tanggal Terdaftar"}
_EXTRA_RANK = 20  # a spelling from headers.toml yields to io/columns.py's own when a sheet has both


@cache
def _spellings() -> tuple[dict[str, str], dict[str, dict[str, tuple[str, int]]]]:
    """headers.toml: (abbreviation -> word in full, kind -> normalized header -> (field, priority))."""
    raw = tomllib.loads(resources.files(__package__).joinpath("headers.toml").read_text(encoding="utf-8"))
    words = {str(k).casefold(): str(v) for k, v in raw.pop("abbreviations", {}).items()}
    index: dict[str, dict[str, tuple[str, int]]] = {}
    for kind, fields in raw.items():
        found = index.setdefault(kind, {})
        for field_name, headers in fields.items():
            for rank, header in enumerate(headers):
                found.setdefault(cols.normalize(header), (field_name, _EXTRA_RANK + rank))
    return words, index


def _written_out(header: str) -> str:
    """``Jml Tenaga Kerja`` -> ``jumlah Tenaga Kerja``: the words offices shorten, in full (headers.toml)."""
    words = _spellings()[0]
    return re.sub(r"[^\W_]+", lambda m: words.get(m.group(0).casefold(), m.group(0)), header)


def match_header(kind: str, header: str) -> tuple[str, int] | None:
    """The field ``header`` means for ``kind`` and its priority (lower wins): as io/columns.py knows it, or as
    headers.toml spells it, each also with its shortened words written out; None if neither knows it."""
    extra = _spellings()[1].get(kind, {})
    hit = extra.get(cols.normalize(header)) or cols.match(kind, header)  # "Omzet (Rp/Bulan)" is not "Omzet"
    if hit:
        return hit
    full = _written_out(header)
    for text in dict.fromkeys((header, full, re.sub(r"\([^)]*\)", " ", full))):
        found = extra.get(cols.normalize(text))
        if found:
            return found
    return cols.match(kind, full) if full != header else None


def _map_headers(kind: str, headers: list[str]) -> tuple[dict[int, str], list[str]]:
    best: dict[str, tuple[int, int]] = {}  # field -> (priority, column)
    for i, header in enumerate(headers):
        hit = match_header(kind, header) if header else None
        if hit and (hit[0] not in best or hit[1] < best[hit[0]][0]):
            best[hit[0]] = (hit[1], i)
    fields = {i: name for name, (_rank, i) in best.items()}
    ignored = [h for i, h in enumerate(headers) if h and i not in fields]
    return dict(sorted(fields.items())), ignored


def _combined_headers(top: tuple[Any, ...], sub: tuple[Any, ...]) -> list[str] | None:
    """Headers of a two-row header (``Jumlah Tenaga Kerja`` merged over ``L | P``), or None if ``sub`` is data.

    A header merged down over both rows (``Nama Usaha``) is filled down by the reader: under itself it is blank."""
    subs = [_text(c) for c in sub]
    subs = ["" if i < len(top) and s == _text(top[i]) else s for i, s in enumerate(subs)]
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


def load(path: str | Path, *, kind: str | None = None, sheet: str | None = None, progress: Progress = _noop) -> Source:
    """Read ``path`` and map its columns for ``kind`` (default: the kind its headers match best).

    The sheet is ``sheet`` if given, else the first sheet with recognised headers. Raises ``ValueError`` with a
    translated message for a file that is not a spreadsheet, an empty sheet or one without recognised headers.
    """
    path = Path(path)
    if kind is not None and kind not in KINDS:
        raise ValueError(_("Unknown kind {kind}; choose one of: {kinds}", kind=kind, kinds=", ".join(KINDS)))
    reader = open_sheets(path, sheet, progress)
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
            raise ValueError(
                _(
                    "No known column headers in {file}: the first row of the list should name the "
                    "columns, e.g. {expected} (ikmtui import --template writes an example)",
                    file=path.name,
                    expected=expected,
                )
            )
        head, match = chosen
        full = reader.full(head.name, progress)
    finally:
        reader.close()
    header_number = head.rows[match.index][0]
    data = [(n, cells) for n, cells in full.rows if n > header_number]
    if not data:
        raise ValueError(
            _("The sheet {sheet} of {file} has headers but no rows to import", sheet=full.name, file=path.name)
        )
    return Source(
        path=path,
        kind=match.kind,
        sheet=full.name,
        header_row=header_number,
        headers=match.headers,
        fields=match.fields,
        ignored=match.ignored,
        rows=data,
        file_format=reader.file_format,
    )
