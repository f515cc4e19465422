"""``ikmtui serve``: the application in web browsers on the office network, one session per browser tab.

    ikmtui serve                                  # http://127.0.0.1:8000/ on this computer only
    ikmtui serve --db /srv/ikmtui/ikmtui.json --host 0.0.0.0 --port 8080 --lang id

Every tab runs its own app process on the same database file (the storage layer keeps their saves apart).
ctrl+c stops the server within seconds, after every open session has finished its work or been ended.
The server makes the daily backup too, at start and once a day while it runs.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from ikmtui.commands import acting_user, db_path
from ikmtui.i18n import _
from ikmtui.serve.limits import MAX_TABS, MAX_TABS_PER_ADDRESS  # light: the web server loads only in run()

if TYPE_CHECKING:
    from ikmtui.storage import Database


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(_("a port is a number from 0 to 65535 (0: any free port)"))
    return port


def _count(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(_("a number of tabs is 1 or more"))
    return number


def beyond_this_computer(db: Database, host: str, port: int) -> str:
    """The warning for listening on a network: who can reach it, and whether sign-in protects it."""
    from ikmtui.services.staff import needs_setup

    reach = _(
        "Warning: listening on {host}: anyone who can reach port {port} of this computer can open ikmtui.",
        host=host,
        port=port,
    )
    if needs_setup(db):
        advice = _(
            "Sign-in is NOT enabled: enable it (staff accounts with passwords) before serving on the office network."
        )
    else:
        advice = _("Sign-in is enabled: every browser tab asks for an account.")
    return " ".join((reach, advice, _("Put the server behind HTTPS where the network is not trusted.")))


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "serve",
        parents=[common],
        help=_("open the app in web browsers: one session per browser tab"),
        description=_(
            "Serve the application to web browsers. Every browser tab is its own session on the same "
            "database. Listens on this computer only unless --host says otherwise."
        ),
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help=_("address to listen on (default 127.0.0.1: this computer only; 0.0.0.0: every network of this computer)"),
    )
    parser.add_argument("--port", type=_port, default=8000, help=_("port to listen on (default 8000)"))
    parser.add_argument(
        "--max-tabs",
        type=_count,
        default=MAX_TABS,
        metavar="N",
        help=_("browser tabs open at once, at most (default {n}); each is an app process", n=MAX_TABS),
    )
    parser.add_argument(
        "--max-tabs-per-address",
        type=_count,
        default=MAX_TABS_PER_ADDRESS,
        metavar="N",
        help=_(
            "browser tabs from one address, at most (default {n}); behind a proxy every tab "
            "comes from the proxy's address",
            n=MAX_TABS_PER_ADDRESS,
        ),
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ikmtui import i18n
    from ikmtui.serve import server
    from ikmtui.serve.backups import start_daily_backup
    from ikmtui.serve.console import say
    from ikmtui.serve.network import is_loopback
    from ikmtui.storage import Database

    path = db_path(args).resolve()
    user = acting_user(args)
    lang = getattr(args, "lang", None) or i18n.get_language()
    # Open it once here: a damaged or foreign file is reported now, not in every browser tab.
    db = Database(path, user, create=True)
    say(_("Database {path}: {n} IKM", path=path, n=db.count("ikm")))
    if not is_loopback(args.host):
        print(beyond_this_computer(db, args.host, args.port), file=sys.stderr, flush=True)
    start_daily_backup(db)
    try:
        return server.serve(
            path,
            host=args.host,
            port=args.port,
            lang=lang,
            user=user,
            max_tabs=args.max_tabs,
            max_tabs_per_address=args.max_tabs_per_address,
        )
    finally:
        db.close()  # after every tab: the last to close folds the journal, so the file alone is the database
