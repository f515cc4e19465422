"""What an import found and did: the report, its problems, and how they are shown and written out."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ikmtui.domain.money import format_number
from ikmtui.i18n import _
from ikmtui.io import columns as cols
from ikmtui.io import guard, media
from ikmtui.io.importer.values import Doc


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
    #: Rows that are imported but may be a business already registered (or an earlier row): the officer checks them
    warnings: list[Problem] = field(default_factory=list)
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


def _import_detail(report: ImportReport) -> str:
    detail = (
        f"{report.file.name} [{report.sheet}]: {report.inserted} new, {report.updated} updated, "
        f"{len(report.bad_rows)} rows skipped"
    )
    look_alikes = sorted({w.row for w in report.warnings})
    if look_alikes:  # imported although they looked like registered IKM: the audit keeps that it was so decided
        detail += f", {len(look_alikes)} look-alike rows imported ({', '.join(map(str, look_alikes[:20]))})"
    return detail


def kind_label(kind: str) -> str:
    return _(cols.KIND_LABELS.get(kind, kind))


def summary(report: ImportReport) -> str:
    """One paragraph: what was read, what is wrong, what was (or would be) written."""
    lines = [
        _(
            "{file}, sheet {sheet}, headers on row {row}: {kind}",
            file=report.file.name,
            sheet=report.sheet,
            row=report.header_row,
            kind=kind_label(report.kind),
        )
    ]
    lines.append(
        _(
            "{rows} rows read: {valid} valid, {bad} with problems ({dup} duplicates)",
            rows=format_number(report.rows),
            valid=format_number(report.valid),
            bad=format_number(len(report.bad_rows)),
            dup=format_number(len(report.duplicate_rows)),
        )
    )
    if report.written:
        lines.append(
            _(
                "Imported: {new} new, {updated} updated, {same} unchanged",
                new=format_number(report.inserted),
                updated=format_number(report.updated),
                same=format_number(report.unchanged),
            )
        )
        if report.problems:
            lines.append(_("{n} rows with problems were skipped", n=format_number(len(report.bad_rows))))
    elif report.dry_run:
        lines.append(
            _(
                "Check only: nothing was written. An import would add {new} and update {updated}",
                new=format_number(report.to_insert),
                updated=format_number(report.to_update),
            )
        )
    elif report.problems and report.skip_invalid:
        lines.append(_("Nothing was written: no row is valid"))
    elif report.problems:
        lines.append(_("Nothing was written: correct the rows listed, or import only the valid rows (--skip-invalid)"))
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


def write_problems(
    report: ImportReport, out: str | Path, db_path: str | Path | None = None, *, force: bool = False
) -> Path:
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
