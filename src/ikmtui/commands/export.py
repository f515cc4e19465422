"""``ikmtui export``: every table to an Excel workbook or to CSV files, with progress on stderr.

ikmtui export --format xlsx --out rekap.xlsx
ikmtui export --format csv --out rekap-csv/ --tables ikm clusters
ikmtui export --out rekap.xlsx --with-personal-data
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ikmtui.i18n import _


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    from ikmtui.io.export import FORMATS, OPTIONAL_TABLES, TABLES

    parser = sub.add_parser(
        "export",
        parents=[common],
        help=_("export the tables to Excel (one sheet each) or CSV (one file each)"),
        description=_(
            "Write every table with fixed columns: Indonesian headers, rupiah as numbers, dates as "
            "dates. NIK and NPWP are left out unless --with-personal-data is given."
        ),
    )
    parser.add_argument(
        "--format",
        default=None,
        help=_("{formats} (default: xlsx for a .xlsx file, else csv)", formats="|".join(FORMATS)),
    )
    parser.add_argument("--out", type=Path, required=True, help=_("the .xlsx file, or the folder for the CSV files"))
    parser.add_argument(
        "--tables",
        nargs="+",
        default=None,
        metavar=_("TABLE"),
        help=_("only these tables: {tables}", tables=", ".join(TABLES + OPTIONAL_TABLES)),
    )
    parser.add_argument(
        "--with-personal-data",
        dest="personal",
        action="store_true",
        help=_("also export NIK and NPWP (personal data; the export is recorded in the audit log)"),
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help=_("overwrite the --out file (or the CSV files in the folder) if they exist"),
    )
    parser.set_defaults(handler=run)


def choose_format(fmt: str | None, out: Path) -> str:
    from ikmtui.io.export import FORMATS

    if fmt:
        wanted = fmt.strip().casefold().lstrip(".")
        if wanted not in FORMATS:
            raise ValueError(
                _("Unknown export format '{format}'; choose one of: {options}", format=fmt, options=", ".join(FORMATS))
            )
        return wanted
    return "xlsx" if out.suffix.casefold() == ".xlsx" else "csv"


def run(args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ikmtui.commands import console, open_database
    from ikmtui.domain import permissions
    from ikmtui.io.export import check_target, export, parse_tables, sheet_title
    from ikmtui.reports.common import tables_of
    from ikmtui.services.personal import log_export
    from ikmtui.storage import StorageError

    fmt = choose_format(args.format, args.out)
    names = parse_tables(args.tables)
    if fmt == "xlsx" and args.out.suffix.casefold() != ".xlsx":
        raise ValueError(_("An Excel export needs a file name ending in .xlsx, not '{name}'", name=args.out.name))
    if fmt == "csv" and args.out.exists() and not args.out.is_dir():
        raise ValueError(_("A CSV export goes into a folder; '{name}' is a file", name=args.out))
    db = open_database(args)
    permissions.require(db.docs("staff"), db.user, "report")
    # Refused before the audit log records an export that would not happen: the database, an existing file.
    check_target(fmt, args.out, db.path, force=args.force, names=names)
    if args.personal:  # allowed by role or refused before anything is written; recorded in the audit log
        log_export(db, names, str(args.out))
    tables = tables_of(db)
    total = sum(len(tables.get(name, {})) for name in names)
    err = console(stderr=True)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=err.is_terminal,
    ) as progress:
        task = progress.add_task(_("Exporting"), total=total)

        def step(table: str, n: int) -> None:
            progress.update(task, advance=n, description=_("Exporting {table}", table=sheet_title(table)))

        result = export(
            tables, fmt, args.out, names, personal=args.personal, progress=step, db_path=db.path, force=args.force
        )
    if not args.personal:
        try:  # a record of the export; one that could not be written does not undo the file
            with db.transaction() as txn:
                txn.log("export", ",".join(names), None, "", str(args.out))
        except (StorageError, PermissionError):
            pass
    err.print(
        _(
            "Wrote {path}: {n} rows in {tables} tables",
            path=result.path,
            n=sum(result.rows.values()),
            tables=len(result.rows),
        )
    )
    if args.personal:
        err.print(
            _("This export holds personal data (NIK, NPWP): keep it safe and delete it when done."), style="bold yellow"
        )
    return 0
