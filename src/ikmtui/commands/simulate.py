"""``ikmtui simulate``: the installments of a loan, as a table or as JSON. Needs no database.

ikmtui simulate --amount "Rp 50.000.000" --months 36 --rate 3 --method flat
ikmtui simulate --amount 5000000 --months 12 --rate 6 --method annuity --round 100 --json
"""

from __future__ import annotations

import argparse
import json
import re
from datetime import date
from typing import Any

from rich import box
from rich.table import Table

from ikmtui import clock
from ikmtui.commands import console
from ikmtui.domain.credit import DEFAULT_PRODUCT, PRODUCTS, method_label
from ikmtui.domain.fields import parse_date
from ikmtui.domain.money import format_rupiah, parse_rupiah
from ikmtui.domain.schedule import METHODS, check_terms, schedule, totals
from ikmtui.i18n import _


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    default = PRODUCTS[DEFAULT_PRODUCT]
    parser = sub.add_parser(
        "simulate",
        parents=[common],
        help=_("loan simulator: the installments of a loan"),
        description=_("Compute the repayment schedule of a loan (flat, annuity or equal principal)."),
    )
    parser.add_argument(
        "--amount", required=True, help=_("amount lent in rupiah: 5000000, 5.000.000 or 'Rp 5.000.000'")
    )
    parser.add_argument("--months", required=True, help=_("tenor in months"))
    parser.add_argument(
        "--rate",
        default=str(default.annual_rate),
        help=_("annual interest rate in percent, e.g. 3 or 2,5 (default {rate})", rate=default.annual_rate),
    )
    parser.add_argument(
        "--method",
        default=default.method,
        help=_("interest method: {methods} (default {default})", methods=", ".join(METHODS), default=default.method),
    )
    parser.add_argument(
        "--round", dest="rounding", default="1", help=_("round installments to this many rupiah, e.g. 100 (default 1)")
    )
    parser.add_argument(
        "--start",
        default=None,
        help=_("disbursement date YYYY-MM-DD; the first installment is due a month later (default today)"),
    )
    parser.add_argument("--json", action="store_true", help=_("print one JSON object instead of a table"))
    parser.set_defaults(handler=run)


def parse_months(value: str) -> int:
    text = str(value).strip()
    if not re.fullmatch(r"[+-]?\d+", text):
        raise ValueError(_("'{value}' is not a number of months", value=text))
    return int(text)


def parse_rate(value: str) -> float:
    text = str(value).strip().rstrip("%").strip().replace(",", ".")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        raise ValueError(
            _("'{value}' is not an interest rate: write a percentage such as 3 or 2,5", value=str(value).strip())
        )
    return float(text)


def parse_method(value: str) -> str:
    text = str(value).strip().casefold().replace("_", "-").replace(" ", "-")
    if text not in METHODS:
        raise ValueError(_("Interest method must be one of: {options}", options=", ".join(METHODS)))
    return text


def parse_rounding(value: str) -> int:
    text = str(value).strip().replace(".", "")
    if not re.fullmatch(r"[+-]?\d+", text):
        raise ValueError(_("Rounding must be a whole number of rupiah, at least 1"))
    return int(text)


def simulate(amount: int, months: int, rate: float, method: str, rounding: int, start: date) -> dict[str, Any]:
    """The simulation as plain data: terms, installments and totals in whole rupiah (the ``--json`` form)."""
    check_terms(amount, months, rate, method, rounding)
    rows = schedule(amount, months, rate, method, start=start, rounding=rounding)
    return {
        "amount": amount,
        "months": months,
        "rate": rate,
        "method": method,
        "rounding": rounding,
        "start": start.isoformat(),
        "installments": [row.as_dict() for row in rows],
        "totals": totals(rows),
    }


def run(args: argparse.Namespace) -> int:
    try:
        amount = parse_rupiah(args.amount, allow_negative=True)
    except ValueError as exc:
        raise ValueError(_("--amount: {error}", error=exc)) from None
    months = parse_months(args.months)
    rate = parse_rate(args.rate)
    method = parse_method(args.method)
    rounding = parse_rounding(args.rounding)
    start = clock.today() if args.start in (None, "") else parse_date(args.start)
    result = simulate(amount, months, rate, method, rounding, start)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    out = console()
    if not out.is_terminal:  # piped or redirected: never cut an amount short to fit 80 columns
        out.width = max(out.width, 120)
    rate_text = f"{rate:g}".replace(".", ",")
    out.print(
        _(
            "Loan of {amount} over {months} months at {rate}% a year, {method}",
            amount=format_rupiah(amount),
            months=months,
            rate=rate_text,
            method=method_label(method),
        )
    )
    table = Table(box=box.SIMPLE_HEAD, show_footer=True, pad_edge=False, collapse_padding=True)
    sums = result["totals"]
    table.add_column(_("No."), footer=_("Total"), justify="right", no_wrap=True)
    table.add_column(_("Due date"), no_wrap=True)
    table.add_column(_("Principal"), footer=format_rupiah(sums["principal"]), justify="right", no_wrap=True)
    table.add_column(_("Interest"), footer=format_rupiah(sums["interest"]), justify="right", no_wrap=True)
    table.add_column(_("Total"), footer=format_rupiah(sums["total"]), justify="right", no_wrap=True)
    table.add_column(_("Balance"), justify="right", no_wrap=True)
    for row in result["installments"]:
        table.add_row(
            str(row["no"]),
            date.fromisoformat(row["due"]).strftime("%d/%m/%Y"),
            format_rupiah(row["principal"]),
            format_rupiah(row["interest"]),
            format_rupiah(row["total"]),
            format_rupiah(row["balance"]),
        )
    out.print(table)
    first = result["installments"][0]["total"]
    out.print(
        _(
            "Installment {installment} a month; total interest {interest}; total repaid {total}",
            installment=format_rupiah(first),
            interest=format_rupiah(sums["interest"]),
            total=format_rupiah(sums["total"]),
        )
    )
    return 0
