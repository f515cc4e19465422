"""Subcommands of the ``ikmtui`` command line, one module each, with the helpers they share."""

from __future__ import annotations

import argparse

from rich.console import Console

from ikmtui import paths
from ikmtui.domain.staff import system_user
from ikmtui.i18n import _
from ikmtui.storage import Database


def acting_user(args: argparse.Namespace) -> str:
    """``--user NAME``, else the operating-system user."""
    return getattr(args, "user", None) or system_user()


def db_path(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    return getattr(args, "db", None) or paths.default_db_path()


def open_database(args: argparse.Namespace, *, create: bool = False) -> Database:
    path = db_path(args)
    if not create and not path.exists():
        raise FileNotFoundError(2, _("no such file"), str(path))
    return Database(path, acting_user(args), create=create)


def console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False)
