"""``ikmtui credit repayments FILE``: a bank's monthly repayment list from the command line.

ikmtui credit repayments angsuran-bpr-2026-11.csv --dry-run
ikmtui credit repayments angsuran-bpr-2026-11.csv --bank "PD BPR Bank Pasar Kota Semarang"

The same reading and the same all-or-nothing check as the Bulk repayments screen (``io.repayments`` and
``services.credit.record_repayments_bulk``): if any row is refused nothing is recorded, the refused rows are named
on stderr and the exit status is 1.
"""

from __future__ import annotations

import argparse

from ikmtui.i18n import _


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "credit",
        parents=[common],
        help=_("credit from the command line: a bank's repayment list"),
        description=_("Credit work that offices script, such as the bank's monthly repayment list."),
    )
    actions = parser.add_subparsers(dest="credit_action", required=True, metavar=_("ACTION"))
    repayments = actions.add_parser(
        "repayments",
        parents=[common],
        help=_("record a bank's repayment list (CSV: loan code; date; amount), all or nothing"),
        description=_(
            "Check every row of a bank's repayment list (one repayment per line: loan code, date, amount; "
            "separated by ; , tab or |) against the loans as the earlier rows leave them, and record them all in "
            "one go. If any row is refused, nothing is recorded and the refused rows are listed."
        ),
    )
    repayments.add_argument("file", metavar=_("FILE"), help=_("the CSV file of the bank's list"))
    repayments.add_argument(
        "--dry-run", dest="dry_run", action="store_true", help=_("check every row and record nothing")
    )
    repayments.add_argument(
        "--bank", default=None, metavar=_("BANK"), help=_("refuse rows of loans channelled through another bank")
    )
    repayments.set_defaults(handler=run_repayments)


def run_repayments(args: argparse.Namespace) -> int:
    from ikmtui.commands import console, open_database
    from ikmtui.domain.credit import show_date
    from ikmtui.domain.money import format_rupiah
    from ikmtui.io.repayments import read_repayment_file
    from ikmtui.services import credit as svc

    rows = read_repayment_file(args.file)  # a file that cannot be read is refused before the database opens
    if not rows:
        raise ValueError(_("The list is empty: paste or type code;date;amount lines, or give a CSV file"))
    db = open_database(args)
    results = svc.record_repayments_bulk(db, rows, bank=args.bank, dry_run=args.dry_run)
    refused = [r for r in results if not r.ok]
    out = console(stderr=bool(refused))
    for result in results:
        if result.ok and not args.dry_run and not refused:
            continue  # recorded: the summary says so; only what needs looking at is listed one by one
        out.print(
            _(
                "row {row}: {code} {date} {amount}: {outcome}",
                row=result.row,
                code=result.code or "?",
                date=show_date(result.date) if result.date else "?",
                amount=format_rupiah(result.amount) if result.amount is not None else "?",
                outcome=svc.row_outcome(result),
            ),
            markup=False,
            soft_wrap=True,  # one line per row, whatever the terminal's width: scripts read it
        )
    out.print(svc.bulk_summary(results, stored=not args.dry_run and not refused), markup=False, soft_wrap=True)
    db.close()
    return 1 if refused else 0
