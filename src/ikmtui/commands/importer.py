"""``ikmtui import``: bring an office's spreadsheet (.xlsx, .xls, .ods or .csv) in, checked row by row, all or
nothing.

Exit status: 0 imported (or, with ``--dry-run``, nothing wrong found); 1 problems found and nothing written
(the report lists them); 2 the file cannot be imported at all (not a spreadsheet, empty, no known headers,
required columns missing), the database is untouched.

A database that does not exist yet is created by the first import (an office starting from its Excel lists);
``--dry-run`` never creates one. Import clusters before the IKM that name them, and IKM before the credit
applications and gallery listings that refer to them by NIB or code.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from ikmtui.commands import acting_user, console, db_path, open_database
from ikmtui.i18n import _
from ikmtui.io import guard
from ikmtui.io.columns import KINDS
from ikmtui.io.importer import (
    ImportReport,
    Progress,
    import_source,
    load,
    problem_table,
    summary,
    write_problems,
    write_template,
)
from ikmtui.storage import Database

#: Problems printed on the terminal; ``--report FILE`` writes all of them.
SHOWN_PROBLEMS = 100


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "import",
        parents=[common],
        help=_("import IKM, clusters, credit applications or gallery listings from a spreadsheet"),
        description=_(
            "Import an Excel (.xlsx, .xls), OpenDocument (.ods) or CSV list. Every row is checked like a "
            "form; by default the import is all or nothing. Exit status: 0 imported, 1 problems found "
            "(nothing written), 2 the file cannot be read as a list."
        ),
        epilog=_(
            "Import clusters before the IKM that name them, and IKM before the credit applications and "
            "gallery listings that refer to them by NIB or code. The first import creates the database."
        ),
    )
    parser.add_argument("file", nargs="?", type=Path, metavar=_("FILE"), help=_("the .xlsx, .xls, .ods or .csv file"))
    parser.add_argument("--kind", choices=KINDS, help=_("what the sheet lists (default: recognised from its headers)"))
    parser.add_argument(
        "--sheet", metavar=_("NAME"), help=_("the sheet to read (default: the first with recognised headers)")
    )
    parser.add_argument("--dry-run", action="store_true", help=_("check every row and report; write nothing"))
    parser.add_argument(
        "--skip-invalid",
        action="store_true",
        help=_("write the valid rows and skip the others (default: all or nothing)"),
    )
    parser.add_argument(
        "--update",
        action="store_true",
        help=_("update records already in the database (same NIB, cluster name or SKU) with the row's filled-in cells"),
    )
    parser.add_argument("--report", type=Path, metavar=_("FILE"), help=_("also write every problem to this CSV file"))
    parser.add_argument(
        "--template",
        choices=KINDS,
        metavar=_("KIND"),
        help=_(
            "instead of importing, write an empty sheet with the expected headers of KIND ({kinds})",
            kinds=", ".join(KINDS),
        ),
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar=_("FILE"),
        help=_("where --template writes (.xlsx or .csv; default: template-KIND.xlsx)"),
    )
    parser.add_argument("--force", action="store_true", help=_("overwrite an existing --report or --template file"))
    parser.set_defaults(handler=run)


@contextmanager
def _progress_bar() -> Iterator[Progress]:
    """A rich progress bar on stderr (only on a terminal), fed by the importer's ``progress`` callback."""
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bar

    err = console(stderr=True)
    phases = {"read": _("Reading"), "check": _("Checking"), "write": _("Writing")}
    with Bar(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as bar:
        task = bar.add_task(phases["read"], total=None)

        def progress(phase: str, done: int, total: int) -> None:
            bar.update(task, description=phases.get(phase, phase), completed=done, total=total or None)

        yield progress


def run(args: argparse.Namespace) -> int:
    out = console()
    if args.template:
        target = write_template(
            args.template, args.out or Path(f"template-{args.template}.xlsx"), db_path(args), force=args.force
        )
        out.print(_("Wrote the {kind} template to {path}", kind=args.template, path=target), markup=False)
        return 0
    if args.file is None:
        raise ValueError(_("Name the FILE to import, or write a template with --template KIND"))
    if args.report is not None:  # refused before the import, not after it was written
        guard.writable_target(args.report, db_path(args), force=args.force)
    with _progress_bar() as progress, ExitStack() as stack:
        source = load(args.file, kind=args.kind, sheet=args.sheet, progress=progress)  # ValueError: exit 2
        target = Path(db_path(args))
        if target.exists() or not args.dry_run:
            if not target.exists():  # the office's first list: it starts the database
                out.print(_("Creating a new database {path}", path=target), markup=False)
            db = open_database(args, create=True)
        else:  # checking a list before there is a database: check it against an empty one, write nothing
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ikmtui-check-")))
            db = Database(folder / "empty.json", acting_user(args))
        # Photos are checked against the database named, even when checked against an empty stand-in.
        report = import_source(
            db,
            source,
            dry_run=args.dry_run,
            skip_invalid=args.skip_invalid,
            update=args.update,
            progress=progress,
            db_path=target,
        )
    show(report, args.report, db_path(args), force=args.force)
    return 1 if report.problems and not report.written else 0


def show(report: ImportReport, report_file: Path | None = None, db: Path | None = None, *, force: bool = False) -> None:
    out = console()
    if report.ignored:
        out.print(_("Columns not used: {names}", names=", ".join(report.ignored)), markup=False, style="dim")
    for note in report.notes:
        out.print(note, markup=False)
    if report.problems:
        out.print(problem_table(report, SHOWN_PROBLEMS))
        if report_file is not None:
            write_problems(report, report_file, db, force=force)
            out.print(_("Every problem is listed in {path}", path=report_file), markup=False)
    out.print(
        summary(report), markup=False, style="bold red" if report.problems and not report.written else "bold green"
    )
