"""One browser tab's session: the app process that ``ikmtui serve`` starts for every connection.

The server runs ``python -m ikmtui.serve.tab --db PATH --lang id [--user NAME]`` with Textual's web driver selected
through the environment (``TEXTUAL_DRIVER``), so the app talks to the browser through the server instead of a
terminal. Every tab is its own process writing to the same database file; the storage layer's file lock and
journal keep their saves apart. Sign-in, once an account has a password, happens in the app itself (the sign-in
screen), never through a terminal prompt: a web session has no terminal. Until then the tab acts as nobody:
``--user`` (the server's) is only the name prefilled on the form, and the officer acted as while sign-in is off.
The server gives each tab the browser's address in ``IKMTUI_REMOTE_ADDR``: failed sign-ins are counted per
address too.

Shutdown: the web driver turns SIGINT/SIGTERM and the server's ``quit`` message into an orderly exit of the app,
delivered between two event handlers, so a save in progress (a synchronous journal append) always completes first.

The one module of ``ikmtui.serve`` that reaches Textual and the UI (``make_app``, inside ``main``): it runs in the
tab's process, never in the server's.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def build_parser() -> argparse.ArgumentParser:
    from ikmtui import i18n

    parser = argparse.ArgumentParser(prog="python -m ikmtui.serve.tab", add_help=True)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--lang", choices=i18n.LANGUAGES, default=i18n.DEFAULT_LANGUAGE)
    parser.add_argument("--user", default="", help="name prefilled on the sign-in form; acts only while sign-in is off")
    parser.add_argument("--poll", type=float, default=2.0, help="seconds between looks for other officers' saves")
    return parser


def main(argv: list[str] | None = None) -> int:
    from ikmtui import i18n

    args = build_parser().parse_args(argv)
    i18n.set_language(args.lang)
    from ikmtui.storage import Database, StorageError

    try:
        # create=False: the server created or checked the file before it started listening.
        db = Database(args.db, args.user, create=False)
    except (StorageError, OSError) as exc:
        print(f"ikmtui: {exc}", file=sys.stderr, flush=True)
        return 2
    from ikmtui.ui.app import make_app
    from ikmtui.ui.kit.crash import run_logged

    try:  # a crash is logged and ends the tab's process non-zero, as in a terminal
        return run_logged(
            make_app(db, user=args.user, poll_seconds=args.poll, address=os.environ.get("IKMTUI_REMOTE_ADDR"))
        )
    finally:
        db.close()


if __name__ == "__main__":
    raise SystemExit(main())
