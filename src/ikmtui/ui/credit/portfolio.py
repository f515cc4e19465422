"""The credit portfolio on a date (today unless another is typed): applications by state, approved and
disbursed (count and Rp), outstanding, PAR30, ageing, collectability, and the same per bank and per product,
from ``ikmtui.services.credit.portfolio``."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Header, Input, Label, Static

from ikmtui.domain.credit import STATES, state_label
from ikmtui.domain.fields import parse_date
from ikmtui.domain.money import format_number, format_rupiah
from ikmtui.i18n import _
from ikmtui.services import credit as svc
from ikmtui.ui.credit import common as common
from ikmtui.ui.kit.footer import AppFooter
from ikmtui.ui.kit.screen import BaseScreen


def _table(title: str) -> Table:
    return Table(title=title, title_justify="left", title_style="bold", box=box.SIMPLE_HEAD, pad_edge=False)


def _pct(fraction: float) -> str:
    return f"{fraction * 100:.1f}%".replace(".", ",")


FIGURES = (
    ("applications", "Applications", format_number),
    ("approved_count", "Approved", format_number),
    ("approved_amount", "Approved Rp", format_rupiah),
    ("disbursed_count", "Disbursed", format_number),
    ("disbursed_amount", "Disbursed Rp", format_rupiah),
    ("outstanding_count", "Active loans", format_number),
    ("outstanding", "Outstanding", format_rupiah),
    ("par30", "PAR30", _pct),
)


def _per_group(title: str, groups: dict[str, dict[str, Any]]) -> Table:
    """One column per bank or product, one row per figure (banks and products are few; figures are many)."""
    table = _table(title)
    table.add_column("")
    for name in groups:
        table.add_column(name, justify="right", no_wrap=True)
    for key, label, fmt in FIGURES:
        table.add_row(_(label), *[fmt(figures[key]) for figures in groups.values()])
    return table


def portfolio_renderable(summary: dict[str, Any]) -> RenderableType:
    """Rich tables of a :func:`ikmtui.services.credit.portfolio` summary."""
    as_of = date.fromisoformat(summary["as_of"])
    heading = Text(_("Credit portfolio on {date}", date=common.shown_day(as_of)), style="bold")

    totals = _table(_("Totals"))
    totals.add_column(_("Figure"))
    totals.add_column(_("Count"), justify="right")
    totals.add_column(_("Rupiah"), justify="right")
    totals.add_row(_("Applications"), format_number(summary["applications"]), "")
    totals.add_row(_("Approved"), format_number(summary["approved_count"]), format_rupiah(summary["approved_amount"]))
    totals.add_row(
        _("Disbursed"), format_number(summary["disbursed_count"]), format_rupiah(summary["disbursed_amount"])
    )
    totals.add_row(
        _("Outstanding principal"), format_number(summary["outstanding_count"]), format_rupiah(summary["outstanding"])
    )
    totals.add_row(_("Overdue amount"), "", format_rupiah(summary["overdue"]))
    totals.add_row(_("PAR30"), _pct(summary["par30"]), format_rupiah(summary["par30_amount"]))
    totals.add_row(
        _("Written off"), format_number(summary["written_off_count"]), format_rupiah(summary["written_off_amount"])
    )

    states = _table(_("Applications by state"))
    states.add_column(_("State"))
    states.add_column(_("Count"), justify="right")
    for state in STATES:
        states.add_row(state_label(state), format_number(summary["by_state"].get(state, 0)))

    grades = _table(_("Collectability of active loans"))
    grades.add_column(_("Collectability"))
    grades.add_column(_("Loans"), justify="right")
    grades.add_column(_("Outstanding"), justify="right")
    for row in summary["collectability"]:
        grades.add_row(common.grade_text(row["grade"]), format_number(row["count"]), format_rupiah(row["outstanding"]))

    ageing = _table(_("Ageing of active loans"))
    ageing.add_column(_("Days past due"))
    ageing.add_column(_("Loans"), justify="right")
    ageing.add_column(_("Outstanding"), justify="right")
    for row in summary["buckets"]:
        ageing.add_row(
            common.bucket_text(row["bucket"]), format_number(row["count"]), format_rupiah(row["outstanding"])
        )

    banks = _per_group(_("Per channelling bank"), summary["by_bank"])
    products = _per_group(
        _("Per credit product"), {figures["name"]: figures for figures in summary["by_product"].values()}
    )

    top = Table.grid(padding=(0, 4))
    top.add_row(totals, states)
    middle = Table.grid(padding=(0, 4))
    middle.add_row(grades, ageing)
    return Group(heading, top, middle, banks, products)


class PortfolioScreen(BaseScreen):
    TITLE_MSG = "Credit portfolio"
    #: Above this many applications the summary is computed in a worker thread (seconds at 10,000 loans).
    BACKGROUND_APPLICATIONS = 500
    _wanted: date | None = None
    BINDINGS = [Binding("escape", "close", "Close", id="credit.portfolio.close")]
    DEFAULT_CSS = """
    PortfolioScreen #portfolio-row { height: 3; padding: 0 1; }
    PortfolioScreen #portfolio-row Label { padding: 1 1 0 0; }
    PortfolioScreen #portfolio-date { width: 20; }
    PortfolioScreen #portfolio-error { color: $error; padding: 1 1 0 1; }
    PortfolioScreen #portfolio { height: 1fr; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="portfolio-row"):
            yield Label(_("As of"))
            yield Input(common.typed_day(self.today()), id="portfolio-date")
            yield Static("", id="portfolio-error")
        with VerticalScroll(id="portfolio"):
            yield Static("", id="portfolio-tables")
        yield AppFooter()

    def on_mount(self) -> None:
        # The date has the focus: typed digits go into it, never to the app's screen keys (1-9).
        self.query_one("#portfolio-date", Input).focus()
        self.data_changed()

    def data_changed(self) -> None:
        super().data_changed()
        self.show()

    @on(Input.Submitted, "#portfolio-date")
    def _date_entered(self) -> None:
        self.show()

    def show(self) -> None:
        error = self.query_one("#portfolio-error", Static)
        try:
            as_of = parse_date(self.query_one("#portfolio-date", Input).value)
        except ValueError as exc:
            error.update(str(exc))
            return
        self._wanted = as_of
        if self.db.count(svc.APPS) <= self.BACKGROUND_APPLICATIONS:
            self._computed(as_of, *self._compute(as_of))
            return
        error.update(_("Computing the portfolio…"))

        def work() -> None:
            outcome = self._compute(as_of)
            self.app.call_from_thread(self._computed, as_of, *outcome)

        self.run_worker(work, thread=True, exclusive=True, group="credit-portfolio")

    def _compute(self, as_of: date) -> tuple[dict[str, Any] | None, str]:
        try:
            return svc.portfolio(self.db, as_of), ""
        except (*common.REFUSALS, RuntimeError) as exc:  # RuntimeError: a table changed while it was read
            return None, str(exc)

    def _computed(self, as_of: date, summary: dict[str, Any] | None, problem: str) -> None:
        if as_of != self._wanted or not self.is_attached:
            return  # another date was asked for meanwhile
        self.query_one("#portfolio-error", Static).update(problem)
        if summary is not None:
            self.query_one("#portfolio-tables", Static).update(portfolio_renderable(summary))

    def action_close(self) -> None:
        self.dismiss()
