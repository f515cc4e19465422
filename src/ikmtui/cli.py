"""The ``ikmtui`` command: opens the app, or runs one of the subcommands under ``ikmtui/commands``.

Every failure a user can cause ends in one clear line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from ikmtui import __version__, errorlog, i18n
from ikmtui.errorlog import log_path as error_log_path  # noqa: F401 (the log's place, as before)
from ikmtui.i18n import _
from ikmtui.storage.errors import DatabaseDamaged

#: Subcommand modules, each with ``register(subparsers, common)``; a module not yet present is skipped.
COMMAND_MODULES = (
    "demo",
    "check",
    "simulate",
    "report",
    "credit",
    "export",
    "importer",
    "backup",
    "staff",
    "serve",
    "document",
    "settings",
)


class TranslatedFormatter(argparse.HelpFormatter):
    """Placeholders in the interface language: ``--db BERKAS`` (an option's default placeholder, its name in
    capitals, and a positional's name are looked up in the catalogs)."""

    def _get_default_metavar_for_optional(self, action: argparse.Action) -> str:
        return _(action.dest.upper())

    def _get_default_metavar_for_positional(self, action: argparse.Action) -> str:
        return _(action.dest)


class Parser(argparse.ArgumentParser):
    """argparse's parser with translated placeholders; the subcommands' parsers are of this class too (argparse
    makes them of the class of the parser they belong to)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", TranslatedFormatter)
        super().__init__(*args, **kwargs)


def common_options(defaults: bool) -> argparse.ArgumentParser:
    """``--db``, ``--lang`` and ``--user``, accepted before or after a subcommand."""
    parser = Parser(add_help=False)
    default = (lambda value: value) if defaults else (lambda value: argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, default=default(None), metavar=_("FILE"), help=_("database file"))
    parser.add_argument(
        "--lang", choices=i18n.LANGUAGES, default=default(None), metavar="{id,en}", help=_("language: id or en")
    )
    parser.add_argument("--user", default=default(None), metavar=_("NAME"), help=_("name of the acting officer"))
    return parser


def build_parser() -> argparse.ArgumentParser:
    i18n.translate_argparse()  # its headings are made with the parser, its errors when they happen
    parser = Parser(
        prog="ikmtui",
        parents=[common_options(True)],
        description=_("IKM development programme: registry, training, credit, gallery and reports."),
    )
    parser.add_argument(
        "--version", action="version", version=f"ikmtui {__version__}", help=_("show the version and exit")
    )
    parser.add_argument("--demo", action="store_true", help=_("open the app on a fresh copy of the demo data"))
    sub = parser.add_subparsers(dest="command", metavar=_("COMMAND"))
    common = common_options(False)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"ikmtui.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"ikmtui.commands.{name}":
                raise
            continue
        module.register(sub, common)
    return parser


def _language(argv: list[str]) -> str:
    """The language is needed before the parser is built, so that its help is translated too."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return os.environ.get("IKMTUI_LANG", i18n.DEFAULT_LANGUAGE)


def run_app(args: argparse.Namespace) -> int:
    from ikmtui.commands import acting_user, open_database

    if args.demo:
        folder = Path(tempfile.mkdtemp(prefix="ikmtui-demo-"))
        from ikmtui import clock
        from ikmtui.demodata import write_live_demo

        args.db = write_live_demo(folder / "demo.json", clock.today())  # dated so that its last day is today
    db = open_database(args, create=True, sign_in=False)  # the app asks for the password itself
    # Today's backup in the background: at 100,000 IKM it takes a while, and opening must not wait for it.
    from ikmtui.storage.backup import daily_backup_in_background

    daily_backup_in_background(db.path, data=db._data)
    from ikmtui.ui.app import make_app
    from ikmtui.ui.kit.crash import run_logged

    try:
        return run_logged(make_app(db, user=acting_user(args)))  # non-zero after a crash inside the app
    finally:
        db.close()


def _damage_hint(exc: DatabaseDamaged) -> str:
    """Name the newest backup that opens, so the officer knows what a restore would bring back."""
    from ikmtui.storage.backup import newest_good_backup

    path = Path(str(exc.path))
    path = path.with_name(path.name.removesuffix(".journal"))
    good = newest_good_backup(path)
    if good is None:
        return _("No good backup of it was found.")
    return _(
        "The newest good backup is {backup}; to bring it back: ikmtui restore {backup} --db {db}", backup=good, db=path
    )


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = _language(argv)
    if lang in i18n.LANGUAGES:
        i18n.set_language(lang)
    parser = build_parser()
    args = parser.parse_args(argv)
    from ikmtui.commands import run_command
    from ikmtui.domain.records import RecordInvalid
    from ikmtui.storage import StorageError

    try:
        if getattr(args, "handler", None):
            return run_command(args)
        return run_app(args)
    except (StorageError, RecordInvalid, ValueError, OSError) as exc:
        message = str(exc)
        if isinstance(exc, DatabaseDamaged):
            message += "\n" + _damage_hint(exc)
        if isinstance(exc, OSError) and exc.filename:
            message = _("{path}: {reason}", path=exc.filename, reason=exc.strerror or exc)
        print(f"ikmtui: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a defect: keep the details in a log, give the user one line
        print(errorlog.one_line(exc, errorlog.record(exc)), file=sys.stderr)
        return 1
