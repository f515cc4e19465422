"""``ikmtui staff add|list|disable|enable|passwd``: staff accounts from the command line.

Recovery of an administrator's lost password: ``ikmtui staff passwd ADMINISTRATOR`` run at a terminal by the
operating-system user who owns the database file sets a new one without signing in (administrator accounts only;
audited as ``staff.recover``). Whoever owns the file could replace it anyway; nobody else gets this way in.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from rich.table import Table

from ikmtui.commands import authenticate, console, open_database
from ikmtui.domain.staff import ROLES, check_password, system_user
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
    passwd = actions.add_parser(
        "passwd",
        parents=[common],
        help=_("set a new password for an account"),
        description=_(
            "Set a new password for an account: officers change their own, administrators anyone's "
            "(signing in first). Recovery, for an administrator who lost the password: run "
            "'ikmtui staff passwd ADMINISTRATOR --db FILE' at a terminal as the operating-system user "
            "who owns the database file; it asks for the new password without signing in, works only "
            "for administrator accounts, and is recorded in the audit log (staff.recover)."
        ),
    )
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
        table.add_row(
            account["username"],
            account["name"],
            _(account["role"]),
            _("yes") if account.get("active", True) else _("no"),
        )
    console().print(table)
    return 0


def run_active(args: argparse.Namespace) -> int:
    from ikmtui.services import staff

    db = open_database(args)
    staff.set_active(db, args.username, args.active)
    console().print(_("{u} enabled", u=args.username) if args.active else _("{u} disabled", u=args.username))
    return 0


def at_terminal() -> bool:
    """Someone types at this process's terminal (not a script, not a browser tab)."""
    return sys.stdin.isatty()


def owner_at_terminal(path: Path) -> str | None:
    """The operating-system user, if they own the database file and sit at its terminal: they may replace the
    file anyway, so they may give an administrator a new password. None otherwise."""
    getuid = getattr(os, "getuid", None)
    if getuid is None or not at_terminal():
        return None
    try:
        owner = path.stat().st_uid
    except OSError:
        return None
    return system_user() if getuid() == owner else None


def run_passwd(args: argparse.Namespace) -> int:
    from ikmtui.services import staff

    db = open_database(args, sign_in=False)
    account = staff.find(db, args.username)
    owner = owner_at_terminal(db.path)
    if not staff.needs_setup(db) and owner and account and account.get("role") == "administrator":
        staff.recover_password(db, args.username, new_password(args.username), by=owner)
        console().print(
            _("Password of {u} changed (recovery by {owner}, recorded in the audit log)", u=args.username, owner=owner)
        )
        return 0
    authenticate(db, args)
    staff.set_password(db, args.username, new_password(args.username))
    console().print(_("Password of {u} changed", u=args.username))
    return 0
