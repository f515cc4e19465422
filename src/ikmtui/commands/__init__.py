"""Subcommands of the ``ikmtui`` command line, one module each, with the helpers they share."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from rich.console import Console

from ikmtui import paths
from ikmtui.domain.staff import system_user
from ikmtui.i18n import _
from ikmtui.storage import Database
from ikmtui.storage.database import open_databases


def acting_user(args: argparse.Namespace) -> str:
    """``--user NAME``, else the operating-system user."""
    return getattr(args, "user", None) or system_user()


def db_path(args: argparse.Namespace) -> Path:
    given: Path | None = getattr(args, "db", None)  # argparse makes it a Path
    return given or paths.default_db_path()


def run_command(args: argparse.Namespace) -> int:
    """Run the subcommand ``args`` names, then close every database it opened (even on an error): the last
    ikmtui to close a database folds its journal into the file, so that plain TinyDB reads all of it."""
    before = open_databases()  # held, so that no id is reused by a new one meanwhile
    try:
        return int(args.handler(args) or 0)
    finally:
        for db in open_databases():
            if all(db is not other for other in before):
                db.close()


def open_database(args: argparse.Namespace, *, create: bool = False, sign_in: bool = True) -> Database:
    """Open the database as the acting officer; once accounts exist, the officer proves who they are.

    The password comes from ``IKMTUI_PASSWORD`` (scripts) or a hidden prompt. Until the first account with a
    password exists (the office is being set up), nobody needs to sign in.
    """
    path = db_path(args)
    if not create and not path.exists():
        raise FileNotFoundError(2, _("no such file"), str(path))
    db = Database(path, acting_user(args), create=create)
    for warning in db.warnings:  # a stale journal set aside, read-only media
        print(f"ikmtui: {warning}", file=sys.stderr)
    from ikmtui.services.staff import install_guard

    install_guard(db)
    if sign_in:
        authenticate(db, args)
    return db


def authenticate(db: Database, args: argparse.Namespace) -> None:
    from ikmtui.services.staff import SignIn, needs_setup

    if needs_setup(db):
        return
    username = acting_user(args)
    password = os.environ.get("IKMTUI_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            raise PermissionError(_("Sign in: give --user and set IKMTUI_PASSWORD (no terminal to ask for it)"))
        password = getpass.getpass(_("Password for {u}: ", u=username))
    SignIn(db)(username, password)


def console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False)
