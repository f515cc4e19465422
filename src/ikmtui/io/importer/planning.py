"""Checking every row of a sheet against the stored data, and writing it in one transaction."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Hashable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from ikmtui import clock
from ikmtui.domain.duplicates import DuplicateIndex
from ikmtui.domain.identifiers import digits_only, mask_nik
from ikmtui.i18n import _
from ikmtui.io import columns as cols
from ikmtui.io import media
from ikmtui.io.importer.headers import Source, load
from ikmtui.io.importer.kinds import HANDLERS, NameOwner, _CreditKind, _GalleryKind, _IkmKind, _Kind
from ikmtui.io.importer.report import ImportReport, Planned, Problem, RowInvalid, _import_detail
from ikmtui.io.importer.values import _STEP, Progress, Tables, _noop, is_blank, show_value


def _check_required(source: Source, update: bool) -> None:
    missing = [c.header for c in cols.columns_of(source.kind) if c.required and not source.has(c.field)]
    if missing and not update:
        raise ValueError(
            _(
                "{file}: required columns are missing: {columns} (ikmtui import --template {kind} "
                "writes a sheet with every column)",
                file=source.path.name,
                columns=", ".join(missing),
                kind=source.kind,
            )
        )


def plan(
    tables: Tables,
    source: Source,
    *,
    update: bool = False,
    user: str = "",
    today: date | None = None,
    progress: Progress = _noop,
    db_path: str | os.PathLike[str] | None = None,
) -> ImportReport:
    """Check every row of ``source`` against the stored data read through ``tables``; nothing is written.

    ``db_path`` is the database the rows are for: gallery photos are checked against it (a picture, never the
    database or its files); without it a sheet that names photos is refused row by row."""
    _check_required(source, update)
    handler = HANDLERS[source.kind](
        tables,
        source,
        update=update,
        user=user,
        today=today or clock.today(),
        db_path=Path(db_path) if db_path is not None else None,
    )
    report = ImportReport(
        kind=source.kind,
        file=source.path,
        sheet=source.sheet,
        header_row=source.header_row,
        columns=[(source.headers[i], name) for i, name in source.fields.items()],
        ignored=list(source.ignored),
        rows=len(source.rows),
        _snapshot={name: tables(name) for name in handler.tables_used},
    )
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
        # The first copy (the first that is valid) is imported; the others are reported as copies of it.
        kept = next((number for number in numbers if number in planned), numbers[0])
        for number in numbers:
            if number == kept:
                continue
            planned.pop(number, None)
            if isinstance(handler, _CreditKind):
                message = _(
                    "The same application (IKM, product, amount and purpose) as on row {first}: only one is imported",
                    first=kept,
                )
                column = "amount_requested"
            else:
                column = handler.key_field
                if isinstance(key, NameOwner):  # an IKM without NIB: the same name and owner
                    column = "name"
                    value = f"{show_value(cells_of[kept].get('name'))} ({show_value(cells_of[kept].get('owner_name'))})"
                elif isinstance(handler, _IkmKind | _GalleryKind):
                    value = str(key)
                else:
                    value = show_value(cells_of[kept].get(handler.key_field))
                message = _(
                    "{value} is also on row {first} of this file: only one is imported", value=value, first=kept
                )
            _add_problems(report, source, handler, number, cells_of[number], {column: message}, duplicate=True)
    report.planned = [planned[n] for n in sorted(planned)]
    report.problems.sort(key=lambda p: p.row)
    report.notes = handler.notes(planned)
    if source.kind == "ikm":
        _look_alikes(report, source, tables, planned)
    progress("check", total, total)
    return report


#: Names compared (new rows x the registered IKM and the rows above them) past which only the NIK and phone are
#: compared: rapidfuzz takes about 1.3 microseconds a name (measured: 5,000 new rows into 60 IKM, 16 s by name,
#: 1.3 s without), so an office's list of a few hundred rows into a registry of thousands stays within seconds.
LOOK_ALIKE_BUDGET = 3_000_000
_LOOK_ALIKES_SHOWN = 10


def _look_alikes(report: ImportReport, source: Source, tables: Tables, planned: Mapping[int, Planned]) -> None:
    """Warn of new rows that may be a business already registered, or one of the rows above them: the same owner
    NIK, the same phone, or a very similar name with the same owner or address (``domain.duplicates``, the check
    the registry form makes). They are imported all the same; the report names them for the officer to check."""
    index = DuplicateIndex(tables("ikm").items())
    new = [number for number in sorted(planned) if planned[number].action == "insert"]
    by_name = len(new) * (len(index.entries) + len(new) // 2) <= LOOK_ALIKE_BUDGET
    column = source.header_of("name")
    for number in new:
        doc = planned[number].doc
        for found in index.find(doc if by_name else {**doc, "name": ""}, limit=3):
            what = _("row {row}", row=-found.id) if found.id < 0 else f"{found.code} {found.name}"
            reason = _("May be the same business as {what} ({why})", what=what, why=found.reason_text())
            report.warnings.append(Problem(number, column, show_value(doc.get("name")), reason))
        index.add(-number, doc)  # later rows are compared with this one too (a negative id: a row of the file)
    if report.warnings:
        rows = sorted({w.row for w in report.warnings})
        report.notes.append(
            _(
                "{n} rows look like an IKM already registered or a row above them; they are imported, check "
                "them: {rows}",
                n=len(rows),
                rows=", ".join(map(str, rows[:_LOOK_ALIKES_SHOWN])) + (", …" if len(rows) > _LOOK_ALIKES_SHOWN else ""),
            )
        )
        report.notes.extend(
            _("Row {row}: {reason}", row=w.row, reason=w.reason) for w in report.warnings[:_LOOK_ALIKES_SHOWN]
        )


def _add_problems(
    report: ImportReport,
    source: Source,
    handler: _Kind,
    number: int,
    values: Mapping[str, Any],
    errors: Mapping[str, str],
    *,
    duplicate: bool = False,
) -> None:
    for name, reason in errors.items():
        shown = next(
            (f for f in handler.error_columns.get(name, (name,)) if source.has(f) or f in values),
            handler.error_columns.get(name, (name,))[0],
        )
        raw = show_value(values.get(shown))
        if shown == "owner_nik" and raw:
            digits = digits_only(raw)
            reason = reason.replace(digits, mask_nik(digits))
            raw = mask_nik(digits)
        column = source.header_of(shown) if name != "__all__" else ""
        report.problems.append(Problem(number, column, raw, reason, duplicate))


# ================================================================================================ writing
def import_source(
    db: Any,
    source: Source,
    *,
    dry_run: bool = False,
    skip_invalid: bool = False,
    update: bool = False,
    today: date | None = None,
    progress: Progress = _noop,
    db_path: str | os.PathLike[str] | None = None,
) -> ImportReport:
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
        written = []
        for done, item in enumerate(todo, 1):
            if item.action == "insert":
                written.append(
                    txn.insert(model.table, item.doc, code_prefix=model.code_prefix, per_year=model.code_per_year)
                )
                report.inserted += 1
            else:
                assert item.record_id is not None
                written.append(txn.update(model.table, item.record_id, item.doc, expected_version=item.version))
                report.updated += 1
            if done % _STEP == 0:
                progress("write", done, len(todo))
        if todo:
            HANDLERS[source.kind].after_write(txn, written)
            txn.log("import", model.table, None, "", _import_detail(report))
    report.written = bool(report.inserted or report.updated)
    progress("write", report.inserted + report.updated, report.inserted + report.updated)
    return report


def import_file(
    db: Any,
    path: str | Path,
    *,
    kind: str | None = None,
    sheet: str | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    update: bool = False,
    today: date | None = None,
    progress: Progress = _noop,
) -> ImportReport:
    """:func:`load` then :func:`import_source`: the whole import of one file."""
    source = load(path, kind=kind, sheet=sheet, progress=progress)
    return import_source(
        db, source, dry_run=dry_run, skip_invalid=skip_invalid, update=update, today=today, progress=progress
    )
