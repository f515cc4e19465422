"""``ikmtui demo --out PATH``: write a generated database."""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path

from ikmtui.commands import console
from ikmtui.i18n import _


def _businesses(text: str) -> int:
    """The ``--businesses`` count, refused by argparse (one line, exit 2) outside 1 to MAX_BUSINESSES."""
    from ikmtui.demodata import MAX_BUSINESSES
    from ikmtui.domain.money import format_number

    try:
        count = int(text)
    except ValueError:
        count = 0
    if not 1 <= count <= MAX_BUSINESSES:
        raise argparse.ArgumentTypeError(
            _("the number of IKM is a whole number from 1 to {limit}", limit=format_number(MAX_BUSINESSES))
        )
    return count


def _as_of(text: str) -> date:
    from ikmtui import clock

    if text.strip().lower() in ("today", "hari-ini", "hariini"):
        return clock.today()
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(_("a day like 2026-12-04, or 'today'")) from None


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser("demo", parents=[common], help=_("write a generated demo database"))
    parser.add_argument("--out", type=Path, required=True, help=_("file to write"))
    parser.add_argument("--businesses", type=_businesses, default=300, help=_("number of IKM (default 300)"))
    parser.add_argument("--seed", type=int, default=1, help=_("random seed: the same seed gives the same file"))
    parser.add_argument("--force", action="store_true", help=_("overwrite an existing file"))
    parser.add_argument(
        "--as-of",
        type=_as_of,
        default=None,
        metavar=_("DAY"),
        help=_(
            "move the demo's dates so that its last day is DAY (YYYY-MM-DD or 'today'); the same day and seed "
            "give the same records"
        ),
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ikmtui.demodata import write_demo

    started = time.perf_counter()
    path = write_demo(args.out, args.businesses, args.seed, force=args.force, as_of=args.as_of)
    console().print(
        _("Wrote {path}: {n} IKM in {s} s", path=path, n=args.businesses, s=f"{time.perf_counter() - started:.1f}")
    )
    return 0
