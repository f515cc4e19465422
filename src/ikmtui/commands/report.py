"""``ikmtui report NAME``: a report for a period, on the terminal or into a file.

ikmtui report overview --period 2026-Q4
ikmtui report credit --period 2026-11 --format html --out kredit-nov.html
ikmtui report profile --ikm IKM-000123 --format md
ikmtui report overview --period 2026 --format json
ikmtui report overview --period 2026-11 --out rekap-nov.pdf     (letterhead and signature block)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ikmtui import clock
from ikmtui.i18n import _


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    from ikmtui.reports.catalog import FORMATS, REPORTS

    parser = sub.add_parser(
        "report",
        parents=[common],
        help=_("a report for a period: overview, ikm, clusters, training, credit, gallery, profile"),
        description=_(
            "Figures of the programme for a month, a quarter, a year or all time, on the terminal or "
            "written to a file (text, Markdown, HTML, SVG, JSON, Excel or PDF with the office's letterhead)."
        ),
    )
    parser.add_argument("name", metavar=_("NAME"), help=_("the report: {names}", names=", ".join(REPORTS)))
    parser.add_argument(
        "--period", default="all", help=_("2026-11 (month), 2026-Q4 (quarter), 2026 (year) or all (default)")
    )
    parser.add_argument("--year", default=None, help=_("a whole year, e.g. 2026 (the same as --period 2026)"))
    parser.add_argument("--ikm", default=None, help=_("IKM code for the profile report, e.g. IKM-000123"))
    parser.add_argument(
        "--format",
        default=None,
        help=_("{formats} (default: from the --out file name, else text)", formats="|".join(FORMATS)),
    )
    parser.add_argument("--out", default=None, help=_("write to this file instead of the terminal"))
    parser.add_argument("--force", action="store_true", help=_("overwrite the --out file if it exists"))
    parser.add_argument(
        "--as-of",
        dest="as_of",
        default=None,
        help=_("count as if today were this day (YYYY-MM-DD), e.g. for a recap made late"),
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ikmtui.commands import console, open_database
    from ikmtui.domain import permissions
    from ikmtui.domain.fields import parse_date
    from ikmtui.io.guard import writable_target
    from ikmtui.reports.catalog import WIDTH, build_report, check_format, check_name, format_for, render, write_report
    from ikmtui.reports.common import tables_of
    from ikmtui.reports.period import parse_period
    from ikmtui.services import documents

    name = check_name(args.name)  # a bad name or period is reported before the database is opened
    day = parse_date(args.as_of) if args.as_of else clock.today()
    period = parse_period(args.year if args.year else args.period, day)
    fmt = check_format(args.format) if args.format else (format_for(args.out) if args.out else "text")
    db = open_database(args)
    permissions.require(db.docs("staff"), db.user, "report")
    if args.out:  # refused before a large report is counted: the database itself, an existing file
        writable_target(Path(args.out).expanduser(), db.path, force=args.force)
    report = build_report(tables_of(db), name, period, day, ikm=args.ikm)
    if args.out:
        office = documents.office_of(db) if fmt == "pdf" else None
        path = write_report(report, args.out, fmt, db_path=db.path, force=args.force, office=office, today=day)
        console(stderr=True).print(_("Wrote {path}", path=path))
        return 0
    if fmt == "text":
        out = console()
        if not out.is_terminal:  # piped or redirected: plain text, never cut to 80 columns
            out.width = WIDTH
        out.print(report.renderable())
        return 0
    sys.stdout.write(render(report, fmt))
    return 0
