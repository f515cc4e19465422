"""The dashboard: the programme at a glance."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from ikmtui.domain.money import format_number, format_rupiah
from ikmtui.i18n import _
from ikmtui.reports.figures import headline
from ikmtui.ui.screens.base import BaseScreen


def headline_table(figures: dict[str, int]) -> Table:
    table = Table(title=_("SMART programme at a glance"), show_header=False, expand=True, box=None, padding=(0, 2))
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_column(style="bold")
    table.add_column(justify="right")
    rows = [
        (_("IKM registered"), format_number(figures["ikm"]), _("Active IKM"), format_number(figures["ikm_active"])),
        (_("Workers"), format_number(figures["workers"]), _("Investment"), format_rupiah(figures["investment"])),
        (_("Clusters"), format_number(figures["clusters"]), _("Training batches"), format_number(figures["batches"])),
        (_("Certificates issued"), format_number(figures["certificates"]), _("Active loans"),
         format_number(figures["loans_active"])),
        (_("Credit outstanding"), format_rupiah(figures["outstanding"]), _("Products on display"),
         format_number(figures["listings"])),
        (_("Items sold in the gallery"), format_number(figures["items_sold"]), "", ""),
    ]
    for row in rows:
        table.add_row(*row)
    return table


class DashboardScreen(BaseScreen):
    TITLE_MSG = "Dashboard"
    DEFAULT_CSS = """
    DashboardScreen #headline { padding: 1 2; }
    """

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static(id="headline")
        yield Footer()

    def data_changed(self) -> None:
        super().data_changed()
        self.query_one("#headline", Static).update(headline_table(headline(self.db._data)))
