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
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.widgets import Header, Static

from ikmtui.domain.money import format_rupiah
from ikmtui.i18n import _, format_count, format_date
from ikmtui.reports.common import tables_of
from ikmtui.reports.figures import dashboard
from ikmtui.reports.overview import category_label
from ikmtui.ui.dashboard.charts import BarChart
from ikmtui.ui.kit.footer import AppFooter
from ikmtui.ui.kit.screen import BaseScreen
from ikmtui.ui.results.progress import ResultsProgress

MILLION = 1_000_000


def headline_table(
    figures: dict[str, int], as_of: date | None = None, per_row: int = 3, width: int | None = None
) -> Table:
    """The headline numbers, ``per_row`` to a row (three in a wide terminal, two in a narrow one: the values are
    never cut, a long label gives way)."""
    title = _("SMART programme at a glance")
    if as_of is not None:
        title = _("{title} · as of {date}", title=title, date=format_date(as_of, "long"))
    table = Table(title=title, title_style="bold", show_header=False, expand=True, box=None, padding=(0, 1))
    for _i in range(per_row):
        table.add_column(style="dim", no_wrap=True, overflow="ellipsis")
        table.add_column(justify="right", style="bold", no_wrap=True)
    grouped = [
        [
            (_("IKM registered"), format_count(figures["ikm"])),
            (_("Active IKM"), format_count(figures["ikm_active"])),
            (_("New IKM this month"), format_count(figures.get("ikm_new_month", 0))),
        ],
        [
            (_("Workers"), format_count(figures["workers"])),
            (_("Investment"), format_rupiah(figures["investment"])),
            (_("Active clusters"), format_count(figures["clusters"])),
        ],
        [
            (_("Batches held this year"), format_count(figures.get("batches_year", 0))),
            (_("Participants this year"), format_count(figures.get("participants_year", 0))),
            (_("Certificates issued"), format_count(figures["certificates"])),
        ],
        [
            (_("Active loans"), format_count(figures["loans_active"])),
            (_("Credit outstanding"), format_rupiah(figures["outstanding"])),
            (_("Disbursed this year"), format_rupiah(figures.get("disbursed_year", 0))),
        ],
        [
            (_("Products on display"), format_count(figures["listings"])),
            (_("Items sold this year"), format_count(figures.get("items_sold_year", 0))),
            (_("Gallery sales this year"), format_rupiah(figures.get("revenue_year", 0))),
        ],
        [(_("IKM without NIB"), format_count(figures.get("ikm_without_nib", 0)))],  # getting one is programme help
    ]
    pairs = [pair for row in grouped for pair in row]
    rows = [pairs[i : i + per_row] for i in range(0, len(pairs), per_row)]
    for i in range(per_row):  # values are never cut short: a long label gives way first
        table.columns[2 * i + 1].min_width = max(len(row[i][1]) for row in rows if i < len(row))
    if width is not None:  # what is left after the values and the padding, shared by the labels
        values = sum(column.min_width or 0 for column in table.columns[1::2])
        for column in table.columns[::2]:
            column.max_width = max(6, (width - values - 4 * per_row) // per_row)
    for row in rows:
        table.add_row(*[cell for pair in row for cell in pair])
    return table


def _month_labels(keys: list[str]) -> list[str]:
    return [format_date(date(int(k[:4]), int(k[5:7]), 1), "MMM") for k in keys]


#: Below this many columns the figures go two to a row and the charts one under another.
WIDE = 120
#: Rows of an upright bar chart (title, a scale of four steps, axis and month names).
UPRIGHT = 12


class DashboardScreen(BaseScreen):
    TITLE_MSG = "Dashboard"
    DEFAULT_CSS = """
    DashboardScreen #headline { padding: 0 1; height: auto; }
    DashboardScreen #charts { grid-size: 2; grid-columns: 1fr 1fr; height: auto; padding: 0 1; grid-gutter: 1 2; }
    DashboardScreen #charts BarChart { height: 100%; }
    DashboardScreen #chart-kecamatan { row-span: 2; }
    DashboardScreen #charts.narrow { grid-size: 1; grid-columns: 1fr; }
    DashboardScreen #charts.narrow #chart-kecamatan { row-span: 1; }
    DashboardScreen #empty { padding: 0 2; color: $warning; height: auto; display: none; }
    """
    BINDINGS = [
        Binding("down", "scroll('down')", "Scroll down", show=False),
        Binding("up", "scroll('up')", "Scroll up", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="dashboard-body"):
            yield Static(id="headline")
            yield ResultsProgress(id="results-progress")
            yield Static("", id="empty")
            with Grid(id="charts"):
                yield BarChart(id="chart-kecamatan", horizontal=True, color="cyan")
                yield BarChart(id="chart-credit", whole=False, color="green")
                yield BarChart(id="chart-gallery", whole=False, color="dark_orange")
                yield BarChart(id="chart-training", horizontal=True, color="magenta")
                yield BarChart(id="chart-new", color="blue")
        yield AppFooter()

    def on_mount(self) -> None:
        self.query_one("#dashboard-body").focus()

    def action_scroll(self, direction: str) -> None:
        body = self.query_one("#dashboard-body", VerticalScroll)
        body.scroll_down() if direction == "down" else body.scroll_up()

    def on_resize(self) -> None:
        self._lay_out()

    def _lay_out(self) -> None:
        """Two columns of charts and three figures to a row in a wide terminal, one and two in a narrow one
        (scrolled). The bar charts across take a row per bar; the kecamatan one spans two rows when wide."""
        narrow = self.size.width < WIDE
        grid = self.query_one("#charts", Grid)
        grid.set_class(narrow, "narrow")
        across = [len(self.query_one(f"#chart-{name}", BarChart).labels) + 3 for name in ("kecamatan", "training")]
        kecamatan, training = (max(rows, 6) for rows in across)
        if narrow:
            grid.styles.grid_rows = f"{kecamatan} {UPRIGHT} {UPRIGHT} {training} {UPRIGHT}"
        else:
            first = max(UPRIGHT - 2, (kecamatan - 1) // 2)  # the kecamatan chart spans these two and the gutter
            grid.styles.grid_rows = f"{first} {max(UPRIGHT - 2, kecamatan - 1 - first)} {max(training, UPRIGHT)}"
        figures = getattr(self, "figures", None)
        if figures is not None:
            self.query_one("#headline", Static).update(
                headline_table(
                    figures["headline"],
                    self.today(),
                    per_row=2 if narrow else 3,
                    width=self.query_one("#headline", Static).content_region.width or None,
                )
            )

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
        empty = self.query_one("#empty", Static)
        empty.update(
            Text(_("The database holds no IKM yet: add them on the IKM screen (key 2) or import a list."))
            if not figures["headline"]["ikm"]
            else ""
        )
        empty.display = not figures["headline"]["ikm"]
        self._draw(figures["charts"])
        self.query_one(ResultsProgress).recount(tables_of(self.db), day.year)

    def _plot(self, widget_id: str, title: str, labels: list[str], values: list[float]) -> None:
        self.query_one(f"#{widget_id}", BarChart).show(title, labels, values)

    def _draw(self, charts: dict[str, dict[str, Any]]) -> None:
        kecamatan = charts["ikm_by_kecamatan"]
        self._plot("chart-kecamatan", _("Active IKM by kecamatan"), list(kecamatan), list(kecamatan.values()))
        credit = charts["credit_disbursed_by_month"]
        self._plot(
            "chart-credit",
            _("Credit disbursed per month (Rp million)"),
            _month_labels(list(credit)),
            [v / MILLION for v in credit.values()],
        )
        training = charts["participants_by_category"]
        self._plot(
            "chart-training",
            _("Training participants this year"),
            [category_label(c) for c in training],
            list(training.values()),
        )
        sales = charts["gallery_sales_by_month"]
        self._plot(
            "chart-gallery",
            _("Gallery sales per month (Rp million)"),
            _month_labels(list(sales)),
            [v / MILLION for v in sales.values()],
        )
        new = charts["ikm_new_by_month"]
        self._plot("chart-new", _("New IKM registered per month"), _month_labels(list(new)), list(new.values()))
        self._lay_out()
