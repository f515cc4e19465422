"""The dashboard: headline figures and four terminal charts of the programme, recounted whenever data changes.

The figures come from :func:`ikmtui.reports.figures.dashboard` (one pass over each table, reusing the parts of
tables that did not change); the day they are counted for is the app's clock (:func:`ikmtui.clock.today`), which
a fixed ``IKMTUI_TODAY`` pins for demonstrations and snapshot tests.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Grid, VerticalScroll
from textual.widgets import Header, Static
from textual_plotext import PlotextPlot

from ikmtui.domain.money import format_number, format_rupiah
from ikmtui.i18n import _, format_date
from ikmtui.reports.figures import dashboard
from ikmtui.reports.overview import category_label
from ikmtui.ui.kit.footer import AppFooter
from ikmtui.ui.kit.screen import BaseScreen

MILLION = 1_000_000


def headline_table(figures: dict[str, int], as_of: date | None = None) -> Table:
    """The headline numbers, three to a row."""
    title = _("SMART programme at a glance")
    if as_of is not None:
        title = _("{title} · as of {date}", title=title, date=format_date(as_of, "long"))
    table = Table(title=title, title_style="bold", show_header=False, expand=True, box=None, padding=(0, 1))
    for _i in range(3):
        table.add_column(style="dim", no_wrap=True, overflow="ellipsis")
        table.add_column(justify="right", style="bold", no_wrap=True)
    rows = [
        [
            (_("IKM registered"), format_number(figures["ikm"])),
            (_("Active IKM"), format_number(figures["ikm_active"])),
            (_("New IKM this month"), format_number(figures.get("ikm_new_month", 0))),
        ],
        [
            (_("Workers"), format_number(figures["workers"])),
            (_("Investment"), format_rupiah(figures["investment"])),
            (_("Active clusters"), format_number(figures["clusters"])),
        ],
        [
            (_("Batches held this year"), format_number(figures.get("batches_year", 0))),
            (_("Participants this year"), format_number(figures.get("participants_year", 0))),
            (_("Certificates issued"), format_number(figures["certificates"])),
        ],
        [
            (_("Active loans"), format_number(figures["loans_active"])),
            (_("Credit outstanding"), format_rupiah(figures["outstanding"])),
            (_("Disbursed this year"), format_rupiah(figures.get("disbursed_year", 0))),
        ],
        [
            (_("Products on display"), format_number(figures["listings"])),
            (_("Items sold this year"), format_number(figures.get("items_sold_year", 0))),
            (_("Gallery sales this year"), format_rupiah(figures.get("revenue_year", 0))),
        ],
    ]
    for i in range(3):  # values are never cut short: a long label gives way first
        table.columns[2 * i + 1].min_width = max(len(row[i][1]) for row in rows)
    for row in rows:
        table.add_row(*[cell for pair in row for cell in pair])
    return table


def _month_labels(keys: list[str]) -> list[str]:
    return [format_date(date(int(k[:4]), int(k[5:7]), 1), "MMM") for k in keys]


class DashboardScreen(BaseScreen):
    TITLE_MSG = "Dashboard"
    DEFAULT_CSS = """
    DashboardScreen #headline { padding: 0 1; height: auto; }
    DashboardScreen #charts { grid-size: 2 3; grid-columns: 1fr 1fr; grid-rows: 10 10 10; height: auto;
        padding: 0 1; grid-gutter: 0 1; }
    DashboardScreen #chart-kecamatan { row-span: 2; }
    DashboardScreen PlotextPlot { height: 100%; }
    DashboardScreen #empty { padding: 0 2; color: $warning; height: auto; display: none; }
    """

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static(id="headline")
            yield Static("", id="empty")
            with Grid(id="charts"):
                yield PlotextPlot(id="chart-kecamatan")
                yield PlotextPlot(id="chart-credit")
                yield PlotextPlot(id="chart-gallery")
                yield PlotextPlot(id="chart-training")
                yield PlotextPlot(id="chart-new")
        yield AppFooter()

    def data_changed(self) -> None:
        super().data_changed()
        try:
            day = self.today()
            figures = dashboard(
                {
                    name: self.db.docs(name)
                    for name in (
                        "ikm",
                        "clusters",
                        "courses",
                        "batches",
                        "enrollments",
                        "credit_applications",
                        "repayments",
                        "gallery_listings",
                        "sales",
                    )
                },
                day,
            )
        except (ValueError, KeyError) as exc:
            self.report_error(exc)
            return
        self.figures = figures
        self.query_one("#headline", Static).update(headline_table(figures["headline"], day))
        empty = self.query_one("#empty", Static)
        empty.update(
            Text(_("The database holds no IKM yet: add them on the IKM screen (key 2) or import a list."))
            if not figures["headline"]["ikm"]
            else ""
        )
        empty.display = not figures["headline"]["ikm"]
        self._draw(figures["charts"])

    def _plot(
        self,
        widget_id: str,
        title: str,
        labels: list[str],
        values: list[float],
        *,
        horizontal: bool = False,
        color: Any = "cyan",
    ) -> None:
        widget = self.query_one(f"#{widget_id}", PlotextPlot)
        plt = widget.plt
        plt.clear_figure()
        plt.title(title)
        if any(values):
            # Narrow bars: wider ones straddle two rows or columns of the terminal and look misplaced.
            plt.bar(labels, values, orientation="horizontal" if horizontal else "vertical", color=color, width=0.4)
            # Every label placed explicitly: plotext's own choice of ticks can drop the last one.
            positions: list[float] = list(range(1, len(labels) + 1))
            if horizontal:  # one terminal row per bar (see _draw): the rows fall on the labels as they are
                plt.yticks(positions, labels)
            else:  # half a bar of room at both ends, so the last label is not cut at the frame
                plt.xticks(positions, labels)
                plt.xlim(0.5, len(labels) + 0.5)
        else:
            plt.text(_("no data"), 0, 0)
        widget.refresh()

    def _draw(self, charts: dict[str, dict[str, Any]]) -> None:
        kecamatan = charts["ikm_by_kecamatan"]
        # One terminal row per kecamatan: title, frame and axis take 4 more rows.
        rows = len(kecamatan) + 4
        self.query_one("#charts", Grid).styles.grid_rows = f"{rows // 2} {rows - rows // 2} 10"
        names = list(kecamatan)[::-1]  # plotext draws horizontal bars bottom-up: first kecamatan on top
        self._plot(
            "chart-kecamatan",
            _("Active IKM by kecamatan"),
            names,
            [kecamatan[n] for n in names],
            horizontal=True,
            color="cyan",
        )
        credit = charts["credit_disbursed_by_month"]
        self._plot(
            "chart-credit",
            _("Credit disbursed per month (Rp million)"),
            _month_labels(list(credit)),
            [round(v / MILLION, 1) for v in credit.values()],
            color="green",
        )
        training = charts["participants_by_category"]
        categories = list(training)[::-1]
        self._plot(
            "chart-training",
            _("Training participants this year"),
            [category_label(c) for c in categories],
            [training[c] for c in categories],
            horizontal=True,
            color="magenta",
        )
        sales = charts["gallery_sales_by_month"]
        self._plot(
            "chart-gallery",
            _("Gallery sales per month (Rp million)"),
            _month_labels(list(sales)),
            [round(v / MILLION, 1) for v in sales.values()],
            color="orange",
        )
        new = charts["ikm_new_by_month"]
        self._plot(
            "chart-new", _("New IKM registered per month"), _month_labels(list(new)), list(new.values()), color="blue"
        )
