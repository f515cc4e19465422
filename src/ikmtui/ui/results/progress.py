"""The dashboard's panel of the year's progress: each indicator with a target against its realisation, the budget
spent, the facilitations granted. Counted in a thread (at 100,000 IKM a fraction of a second), so the dashboard
is drawn and keys answer while it counts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import work
from textual.widgets import Static

from ikmtui.domain.money import format_number, format_rupiah
from ikmtui.i18n import _
from ikmtui.reports.document import bar_text, format_percent
from ikmtui.reports.kinerja import progress

Tables = Mapping[str, Mapping[str, Mapping[str, Any]]]
#: Indicators shown at most (the rest are in the Kinerja report).
SHOWN = 5


def progress_renderable(data: Mapping[str, Any]) -> RenderableType:
    year = data["year"]
    money = data["budget"]
    title = Text(_("Kinerja {year}: progress against the targets", year=year), style="bold")
    rows = data["indicators"]
    if not rows:
        return Group(title, Text(_("No targets set for {year} yet: key 9, then t", year=year), style="dim"))
    reached = sum(1 for r in rows if (r["achieved"] or 0) >= 1)
    summary = Text(
        _(
            "{reached} of {n} targets reached · budget spent {spent} of {budget} ({share}) · facilitations granted "
            "{granted}, in process {in_process}",
            reached=reached,
            n=len(rows),
            spent=format_rupiah(money["spent"]),
            budget=format_rupiah(money["budget"]),
            share=format_percent(money["spent_share"]),
            granted=format_number(data["granted"]),
            in_process=format_number(data["in_process"]),
        ),
        style="dim",
    )
    table = Table(show_header=False, box=None, padding=(0, 1), expand=False)
    table.add_column(no_wrap=True, overflow="ellipsis", max_width=48)
    table.add_column(justify="right", no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    for row in sorted(rows, key=lambda r: r["achieved"] or 0)[:SHOWN]:  # the ones furthest behind first
        achieved = row["achieved"] or 0.0
        table.add_row(
            row["label"],
            f"{format_number(row['realisation'])} / {format_number(row['target'])}",
            Text(bar_text(min(achieved, 1.0), 1.0, 16) or "·", style="green" if achieved >= 1 else "yellow"),
            format_percent(row["achieved"]),
        )
    return Group(title, summary, table)


class ResultsProgress(Static):
    """The panel; :meth:`recount` counts again (the dashboard calls it whenever its data changed)."""

    DEFAULT_CSS = "ResultsProgress { padding: 1 1 0 1; height: auto; }"

    def recount(self, tables: Tables, year: int) -> None:
        self._count(tables, year)

    @work(thread=True, exclusive=True, group="results-progress", exit_on_error=False)
    def _count(self, tables: Tables, year: int) -> None:
        shown = progress_renderable(progress(tables, year))
        self.app.call_from_thread(self.update, shown)
