"""``ikmtui staff add|list|disable|enable|passwd``: staff accounts from the command line."""

from __future__ import annotations

import argparse
import getpass
import os

from rich.table import Table

from ikmtui.commands import console, open_database
from ikmtui.domain.staff import ROLES, check_password
from ikmtui.i18n import _


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser("staff", parents=[common], help=_("manage staff accounts"))
    actions = parser.add_subparsers(dest="staff_action", required=True, metavar=_("ACTION"))
    add = actions.add_parser("add", parents=[common], help=_("add an account (asks for its password)"))
    add.add_argument("--username", required=True)
    add.add_argument("--name", required=True, help=_("full name"))
    add.add_argument("--role", required=True, choices=ROLES)
    add.set_defaults(handler=run_add)
    actions.add_parser("list", parents=[common], help=_("list accounts")).set_defaults(handler=run_list)
    for name, active, text in (("disable", False, _("disable an account")), ("enable", True, _("enable an account"))):
        p = actions.add_parser(name, parents=[common], help=text)
        p.add_argument("username")
        p.set_defaults(handler=run_active, active=active)
    passwd = actions.add_parser("passwd", parents=[common], help=_("set a new password for an account"))
    passwd.add_argument("username")
    passwd.set_defaults(handler=run_passwd)


def new_password(username: str) -> str:
    """From ``IKMTUI_NEW_PASSWORD`` (scripts), else a hidden prompt asked twice; never echoed."""
    scripted = os.environ.get("IKMTUI_NEW_PASSWORD")
    if scripted is not None:
        return check_password(scripted)
    first = getpass.getpass(_("New password for {u}: ", u=username))
    return check_password(first, getpass.getpass(_("Type it again: ")))


def run_add(args: argparse.Namespace) -> int:
    from ikmtui.services import staff

    db = open_database(args, create=True)
    account = staff.add(db, args.username, args.name, args.role, new_password(args.username))
    console().print(_("Added {code}: {u} ({role})", code=account["code"], u=account["username"], role=_(args.role)))
    return 0


def run_list(args: argparse.Namespace) -> int:
    from ikmtui.services import staff

    db = open_database(args)
    table = Table(title=_("Staff accounts"))
    for title in (_("Username"), _("Name"), _("Role"), _("Active")):
        table.add_column(title)
    for account in staff.accounts(db):
        table.add_row(account["username"], account["name"], _(account["role"]),
                      _("yes") if account.get("active", True) else _("no"))
    console().print(table)
    return 0


def run_active(args: argparse.Namespace) -> int:
    from ikmtui.services import staff

    db = open_database(args)
    staff.set_active(db, args.username, args.active)
    console().print(_("{u} enabled", u=args.username) if args.active else _("{u} disabled", u=args.username))
    return 0


def run_passwd(args: argparse.Namespace) -> int:
    from ikmtui.services import staff

    db = open_database(args)
    staff.set_password(db, args.username, new_password(args.username))
    console().print(_("Password of {u} changed", u=args.username))
    return 0
