"""Reports: pick a report and a period, see it, export it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from ikmtui.i18n import _
from ikmtui.reports.figures import headline
from ikmtui.ui.screens.base import BaseScreen
from ikmtui.ui.screens.dashboard import headline_table


class ReportsScreen(BaseScreen):
    TITLE_MSG = "Reports"

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static(_("Overview"), id="report-title")
            yield Static(id="report")
        yield Footer()

    def data_changed(self) -> None:
        super().data_changed()
        self.query_one("#report", Static).update(headline_table(headline(self.db._data)))
