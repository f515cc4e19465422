"""The loan simulator, as ``ikmtui simulate`` on screen: amount, months, rate, method, rounding and start give
the schedule and its totals, recomputed as you type. Nothing is stored."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Header, Input, Label, Select, Static

from ikmtui.commands.simulate import parse_method, parse_months, parse_rate, parse_rounding, simulate
from ikmtui.domain.credit import DEFAULT_PRODUCT, PRODUCTS, method_label
from ikmtui.domain.fields import parse_date
from ikmtui.domain.money import format_rupiah, parse_rupiah
from ikmtui.domain.schedule import METHODS
from ikmtui.i18n import _
from ikmtui.tabular import Column, RowSet
from ikmtui.ui.credit import common as common
from ikmtui.ui.kit.footer import AppFooter
from ikmtui.ui.kit.screen import BaseScreen
from ikmtui.ui.kit.vtable import VirtualTable

FIELDS = (
    ("amount", "Amount"),
    ("months", "Months"),
    ("rate", "Rate % a year"),
    ("method", "Method"),
    ("rounding", "Rounding (Rp)"),
    ("start", "Disbursed on"),
)


def schedule_columns() -> list[Column]:
    return [
        Column("no", "No.", 4, "right"),
        Column("due", "Due date", 11, value=lambda r: common.typed_day(r["due"])),
        Column("principal", "Principal", 14, "right", fmt=format_rupiah),
        Column("interest", "Interest", 13, "right", fmt=format_rupiah),
        Column("total", "Total", 14, "right", fmt=format_rupiah),
        Column("balance", "Balance", 14, "right", fmt=format_rupiah),
        Column("end", "", 1, value=lambda _row: None),  # the last column stretches: keep the amounts together
    ]


class SimulatorScreen(BaseScreen):
    TITLE_MSG = "Loan simulator"
    BINDINGS = [Binding("escape", "close", "Close", id="credit.simulator.close")]
    DEFAULT_CSS = """
    SimulatorScreen #sim-form { height: auto; padding: 0 1; }
    SimulatorScreen .sim-row { height: 3; }
    SimulatorScreen .sim-label { width: 18; padding: 1 1 0 0; }
    SimulatorScreen .sim-input { width: 1fr; }
    SimulatorScreen #sim-error { color: $error; text-style: bold; padding: 0 1; height: auto; }
    SimulatorScreen #sim-totals { padding: 0 1; height: auto; text-style: bold; }
    SimulatorScreen #sim-table { height: 1fr; }
    """

    def __init__(self, application: dict[str, Any] | None = None) -> None:
        super().__init__()
        product = PRODUCTS[DEFAULT_PRODUCT]
        source = application or {}
        principal = (
            source.get("amount_approved")
            if source.get("amount_approved") is not None
            else source.get("amount_requested")
        )
        start = source.get("disbursed_on")
        self.initial = {
            "amount": common.typed_rupiah(principal if principal is not None else product.max_without_collateral),
            "months": str(source.get("tenor_months") or 12),
            "rate": f"{float(source.get('annual_rate', product.annual_rate)):g}".replace(".", ","),
            "method": str(source.get("interest_method") or product.method),
            "rounding": str(source.get("rounding") or product.rounding),
            "start": common.typed_day(parse_date(start) if start else self.today()),
        }
        self.result: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="sim-form"):
            for pair in (FIELDS[0:2], FIELDS[2:4], FIELDS[4:6]):
                with Horizontal(classes="sim-row"):
                    for name, label in pair:
                        yield Label(_(label), classes="sim-label")
                        if name == "method":
                            yield Select(
                                [(method_label(m), m) for m in METHODS],
                                value=self.initial["method"],
                                allow_blank=False,
                                id="sim-method",
                                classes="sim-input",
                            )
                        else:
                            yield Input(self.initial[name], id=f"sim-{name}", classes="sim-input")
        yield Static("", id="sim-error")
        yield Static("", id="sim-totals")
        yield VirtualTable(RowSet(schedule_columns(), []), id="sim-table")
        yield AppFooter()

    def on_mount(self) -> None:
        self.query_one("#sim-amount", Input).focus()
        self.recompute()

    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self) -> None:
        if self.is_mounted:
            self.recompute()

    @on(Input.Submitted)
    def _next(self) -> None:
        self.focus_next()

    def _text(self, name: str) -> str:
        return self.query_one(f"#sim-{name}", Input).value

    def recompute(self) -> None:
        error = self.query_one("#sim-error", Static)
        try:
            amount = parse_rupiah(self._text("amount"))
            months = parse_months(self._text("months"))
            rate = parse_rate(self._text("rate"))
            method = parse_method(str(self.query_one("#sim-method", Select).value))
            rounding = parse_rounding(self._text("rounding"))
            start = parse_date(self._text("start"))
            result = simulate(amount, months, rate, method, rounding, start)
        except ValueError as exc:
            error.update(str(exc))
            self.query_one("#sim-totals", Static).update("")
            self.result = None
            return
        error.update("")
        self.result = result
        rows = [(row["no"], {**row, "due": parse_date(row["due"])}) for row in result["installments"]]
        self.query_one("#sim-table", VirtualTable).set_rows(RowSet(schedule_columns(), rows))
        sums = result["totals"]
        self.query_one("#sim-totals", Static).update(
            _(
                "Installment {installment} a month; total interest {interest}; total repaid {total}",
                installment=format_rupiah(result["installments"][0]["total"]),
                interest=format_rupiah(sums["interest"]),
                total=format_rupiah(sums["total"]),
            )
        )

    def action_close(self) -> None:
        self.dismiss()
