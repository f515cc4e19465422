"""``ikmtui settings show|set``: the office settings (letterhead, certificate unit code, signatories).

ikmtui settings show
ikmtui settings set office.phone "(024) 3547211"
ikmtui settings set signatory.certificates.name "Dr. Ir. Budi Santoso, M.T."
ikmtui settings set office.logo logo.png          (the picture is copied in beside the database; "" removes it)

Only an administrator changes them; every change is audited.
"""

from __future__ import annotations

import argparse

from rich.table import Table

from ikmtui.i18n import _


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser("settings", parents=[common], help=_("the office settings: letterhead, signatories"))
    actions = parser.add_subparsers(dest="settings_action", required=True, metavar=_("ACTION"))
    actions.add_parser("show", parents=[common], help=_("list every setting and its value")).set_defaults(
        handler=run_show
    )
    change = actions.add_parser("set", parents=[common], help=_("change one setting (administrators)"))
    change.add_argument("key", metavar=_("KEY"), help=_("e.g. office.name, signatory.certificates.nip"))
    change.add_argument("value", metavar=_("VALUE"), help=_("the new value (for office.logo: a picture file)"))
    change.set_defaults(handler=run_set)


def run_show(args: argparse.Namespace) -> int:
    from ikmtui.commands import console, open_database
    from ikmtui.services import settings

    db = open_database(args)
    table = Table(title=_("Office settings"))
    table.add_column(_("Key"), no_wrap=True)
    table.add_column(_("Setting"))
    table.add_column(_("Value"))
    for key, value in settings.values(db).items():
        shown = (_("yes") if value else _("no")) if isinstance(value, bool) else str(value)
        table.add_row(key, settings.label(key), shown)
    out = console()
    if not out.is_terminal:  # piped: whole lines, never cut to 80 columns
        out.width = 200
    out.print(table)
    return 0


def run_set(args: argparse.Namespace) -> int:
    from ikmtui.commands import console, open_database
    from ikmtui.domain.records import RecordInvalid
    from ikmtui.services import settings

    db = open_database(args)
    if args.key == settings.LOGO:
        settings.set_logo(db, args.value)
    else:
        try:
            settings.put_many(db, {args.key: args.value})
        except RecordInvalid as exc:
            raise ValueError("; ".join(exc.errors.values())) from None
    console().print(_("{key} set", key=args.key), markup=False)
    return 0
