"""The office's plan for a year: a target and a budget per indicator, with the realisation counted from the records.

Keys: a set a target (a second one for the same indicator and year changes it), e edit the line under the cursor,
d delete it (after a yes), [ and ] the previous or next year, esc back to the facilitations.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from textual.binding import Binding
from textual.widgets import Static

from ikmtui.domain import results as rules
from ikmtui.domain.money import format_number, format_rupiah
from ikmtui.i18n import _
from ikmtui.reports.common import tables_of
from ikmtui.reports.document import format_percent
from ikmtui.reports.kinerja import realisations
from ikmtui.services import results as service
from ikmtui.storage import StorageError
from ikmtui.tabular import Column
from ikmtui.ui.kit.dialogs import ConfirmScreen
from ikmtui.ui.kit.form import FormScreen, saving
from ikmtui.ui.kit.screen import TableScreen
from ikmtui.ui.results.forms import target_fields


def _money(value: Any) -> str:
    return format_rupiah(int(value)) if value is not None else ""


class TargetsScreen(TableScreen):
    TITLE_MSG = "Targets and budget"
    TABLE = "targets"
    SEARCH_FIELDS = ("activity", "indicator")
    BINDINGS = [
        Binding("escape", "back", "Back", id="targets.back"),
        Binding("a", "add", "Set a target", id="targets.add"),
        Binding("e", "edit", "Edit target", id="targets.edit"),
        Binding("d", "delete", "Delete target", id="targets.delete"),
        Binding("left_square_bracket", "year(-1)", "Previous year", id="targets.previous"),
        Binding("right_square_bracket", "year(1)", "Next year", id="targets.next"),
    ]

    def __init__(self, year: int) -> None:
        super().__init__()
        self.year = year
        self.done: dict[str, int] = {}

    def screen_title(self) -> str:
        return _("Targets and budget {year}", year=self.year)

    def columns(self) -> list[Column]:
        self.done = realisations(tables_of(self.db), self.year)
        done = self.done

        def title(doc: Mapping[str, Any]) -> str:
            found = rules.indicator(str(doc.get("indicator") or ""))
            return found.title if found else str(doc.get("indicator") or "")

        def achieved(doc: Mapping[str, Any]) -> float | None:
            target = int(doc.get("target") or 0)
            return done.get(str(doc.get("indicator")), 0) / target if target else None

        def pillar(doc: Mapping[str, Any]) -> str:
            found = rules.indicator(str(doc.get("indicator") or ""))
            return found.pillar if found else ""

        return [
            Column("pillar", "Pillar", 6, value=pillar),
            Column("indicator", "Indicator", 30, value=title),
            Column("activity", "Activity", 26),
            Column("target", "Target", 10, "right", fmt=format_number),
            Column(
                "done",
                "Realisation",
                11,
                "right",
                value=lambda d: done.get(str(d.get("indicator")), 0),
                fmt=format_number,
            ),
            Column("achieved", "Achieved", 9, "right", value=achieved, fmt=format_percent),
            Column("budget", "Budget", 16, "right", fmt=_money),
            Column("spent", "Spent", 16, "right", fmt=_money),
        ]

    def records(self) -> Mapping[str, Mapping[str, Any]] | Iterable[tuple[int, Mapping[str, Any]]]:
        return [(int(k), d) for k, d in self.db.docs(self.TABLE).items() if d.get("year") == self.year]

    def update_status(self) -> None:
        self.query_one("#status", Static).update(
            _("{n} lines for {year} · a set · e edit · d delete · [ ] year", n=len(self.table.rows), year=self.year),
            layout=False,
        )

    def action_back(self) -> None:
        self.dismiss()

    def action_year(self, step: int) -> None:
        self.year += step
        self.title = self.screen_title()
        self.reload()

    def _open(self, values: dict[str, Any], version: int | None) -> None:
        saved: dict[str, Any] = {}

        def save(form: dict[str, Any]) -> dict[str, Any]:
            return service.save_target(self.db, form, expected_version=version)

        def closed(result: Any) -> None:
            if result is not None and saved:
                self.context.data_saved()
                self.reload(keep_id=saved.get("id"))
                self.notify(_("Saved {code}", code=saved.get("code", "")), timeout=3)

        self.app.push_screen(
            FormScreen(_("Target and budget"), target_fields(), values, saving(save, saved.update)), closed
        )

    def action_add(self) -> None:
        self._open({"year": str(self.year)}, None)

    def action_edit(self) -> None:
        doc = self.current_doc()
        if doc is not None:
            self._open({**doc, "year": str(doc.get("year"))}, doc.get("version"))

    def action_delete(self) -> None:
        doc = self.current_doc()
        if doc is None:
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                service.delete_target(self.db, doc["id"], expected_version=doc.get("version"))
            except (StorageError, ValueError, PermissionError) as exc:
                self.report_error(exc)
                return
            self.context.data_saved()
            self.reload()

        self.app.push_screen(ConfirmScreen(_("Delete the target line {code}?", code=doc.get("code", ""))), answered)
