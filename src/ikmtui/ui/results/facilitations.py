"""Hasil program (key 9): the facilitations given to IKM, moved through their lifecycle by keys.

Keys: a new facilitation, e edit it (officer, note, pillar, day requested), p in process, g granted (asks for the
permit or certificate number; a granted certification is added to the IKM, a granted NIB fills its NIB), x refused,
w withdrawn, f filter by state (each press shows the next state, then all again), enter or v its history,
t targets and budget of the year, u record an IKM's yearly figures, i import yearly figures from a sheet.
A step the lifecycle does not allow is said in one line and nothing changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.widgets import Static

from ikmtui.clock import officer_name
from ikmtui.domain import results as rules
from ikmtui.domain.fields import parse_date
from ikmtui.i18n import N_, _, format_date
from ikmtui.services import results as service
from ikmtui.tabular import Column
from ikmtui.ui.gallery.forms import GalleryForm
from ikmtui.ui.importing.spreadsheet import ImportScreen
from ikmtui.ui.kit.dialogs import ViewerScreen
from ikmtui.ui.kit.form import FormScreen, saving
from ikmtui.ui.kit.screen import TableScreen, rows_shown
from ikmtui.ui.kit.vtable import VirtualTable
from ikmtui.ui.results.forms import facilitation_fields, figures_fields, step_fields
from ikmtui.ui.results.targets import TargetsScreen

#: Step -> the title of its form (a msgid).
STEP_TITLES = {
    "in_process": N_("{code}: in process"),
    "granted": N_("{code}: granted"),
    "refused": N_("{code}: refused"),
    "withdrawn": N_("{code}: withdrawn"),
}
#: What ``f`` steps through: every state, then all again (None).
FILTERS: tuple[str | None, ...] = (None, *rules.STATES)


def show_day(value: Any) -> str:
    try:
        return format_date(parse_date(value)) if value else ""
    except ValueError:
        return str(value)


def facilitation_sheet(
    doc: Mapping[str, Any], ikm: Mapping[str, Any] | None, staff: Mapping[str, Mapping[str, Any]]
) -> Group:
    """One facilitation and its steps, for the viewer."""
    head = Table.grid(padding=(0, 2))
    head.add_column(style="dim")
    head.add_column()
    for label, value in (
        (_("IKM"), f"{(ikm or {}).get('code', '?')} · {(ikm or {}).get('name', '')}"),
        (_("Facilitation"), rules.kind_label(str(doc.get("kind") or ""))),
        (_("SMART pillar"), str(doc.get("pillar") or "")),
        (_("State"), rules.state_label(str(doc.get("state") or ""))),
        (_("Permit or certificate number"), str(doc.get("permit_number") or "")),
        (_("Officer"), officer_name(staff, doc.get("officer"))),
        (_("Note"), str(doc.get("note") or "")),
    ):
        head.add_row(label, value)
    steps = Table(title=_("Steps"), expand=False)
    for title in (_("Date"), _("State"), _("By"), _("Note")):
        steps.add_column(title)
    for entry in doc.get("history") or []:
        steps.add_row(
            show_day(entry.get("date")),
            rules.state_label(str(entry.get("state") or "")),
            str(entry.get("by") or ""),
            str(entry.get("note") or ""),
        )
    return Group(Text(str(doc.get("code") or ""), style="bold"), head, Text(""), steps)


class ResultsScreen(TableScreen):
    TITLE_MSG = "Programme results"
    TABLE = "facilitations"
    SEARCH_FIELDS = ("code", "permit_number", "kind")
    BINDINGS = [
        Binding("a", "add", "New facilitation", id="results.add"),
        Binding("e", "edit", "Edit facilitation", id="results.edit"),
        Binding("p", "move('in_process')", "In process", id="results.in_process"),
        Binding("g", "move('granted')", "Granted", id="results.granted"),
        Binding("x", "move('refused')", "Refused", id="results.refused"),
        Binding("w", "move('withdrawn')", "Withdrawn", id="results.withdrawn"),
        Binding("f", "filter_state", "Filter by state", id="results.filter"),
        Binding("t", "targets", "Targets and budget", id="results.targets"),
        Binding("u", "figures", "Yearly figures", id="results.figures"),
        Binding("i", "import_figures", "Import yearly figures", id="results.import"),
        Binding("v", "details", "Facilitation details", id="results.details", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.state_filter: str | None = None

    # ------------------------------------------------------------------ rows
    def columns(self) -> list[Column]:
        ikm = self.db.docs("ikm")
        staff = self.db.docs("staff")

        def ikm_label(doc: Mapping[str, Any]) -> str:
            found = ikm.get(str(doc.get("ikm_id")))
            return f"{found.get('code', '')} · {found.get('name', '')}" if found else "?"

        return [
            Column("code", "Code", 13),
            Column("ikm", "IKM", 30, value=ikm_label),
            Column("kind", "Facilitation", 22, value=lambda d: rules.kind_label(str(d.get("kind") or ""))),
            Column("pillar", "Pillar", 6),
            Column("state", "State", 10, value=lambda d: rules.state_label(str(d.get("state") or ""))),
            Column("requested_on", "Requested on", 11, fmt=show_day),
            Column("decided_on", "Decided on", 11, fmt=show_day),
            Column("permit_number", "Permit number", 16),
            Column("officer", "Officer", 16, value=lambda d: officer_name(staff, d.get("officer"))),
        ]

    def records(self) -> Mapping[str, Mapping[str, Any]] | Iterable[tuple[int, Mapping[str, Any]]]:
        docs = self.db.docs(self.TABLE)
        if self.state_filter is None:
            return docs
        return [(int(k), d) for k, d in docs.items() if d.get("state") == self.state_filter]

    def update_status(self) -> None:
        shown = rows_shown(self.table.rows)
        if self.state_filter is not None:
            shown = f"{shown} · {rules.state_label(self.state_filter)}"
        keys = _("a new · p in process · g granted · x refused · w withdrawn · f filter · t targets · u figures")
        self.query_one("#status", Static).update(f"{shown}   {keys}", layout=False)

    # ------------------------------------------------------------------ helpers
    def _saved(self, record_id: int | None, message: str) -> None:
        self.context.data_saved()
        self.reload(keep_id=record_id if record_id is not None else self.table.current_id)
        self.notify(message, timeout=4)

    def _day(self) -> str:
        day: date = self.today()
        return day.strftime("%d/%m/%Y")

    @on(VirtualTable.RowActivated)
    def _row_activated(self, event: VirtualTable.RowActivated) -> None:
        event.stop()
        self._show(event.record_id)

    def _show(self, record_id: int) -> None:
        doc = self.db.get(self.TABLE, record_id)
        if doc is None:
            return
        ikm = self.db.get("ikm", int(doc.get("ikm_id") or 0))
        self.app.push_screen(ViewerScreen(facilitation_sheet(doc, ikm, self.db.docs("staff"))))

    # ------------------------------------------------------------------ actions
    def action_details(self) -> None:
        record_id = self.selected_id()
        if record_id is not None:
            self._show(record_id)

    def action_add(self) -> None:
        created: dict[str, Any] = {}

        def closed(result: Any) -> None:
            if result is not None and created:
                self._saved(created["id"], _("Saved {code}", code=created.get("code", "")))

        self.app.push_screen(
            GalleryForm(
                _("New facilitation"),
                facilitation_fields(new=True),
                {"requested_on": self._day(), "officer": self.context.officer},
                saving(lambda values: service.create_facilitation(self.db, values), created.update),
                db=self.db,
            ),
            closed,
        )

    def action_edit(self) -> None:
        doc = self.current_doc()
        if doc is None:
            return
        saved: dict[str, Any] = {}

        def save(values: dict[str, Any]) -> dict[str, Any]:
            return service.update_facilitation(self.db, doc["id"], values, expected_version=doc.get("version"))

        def closed(result: Any) -> None:
            if result is not None and saved:
                self._saved(doc["id"], _("Saved {code}", code=saved.get("code", "")))

        values = {**doc, "requested_on": show_day(doc.get("requested_on"))}
        self.app.push_screen(
            FormScreen(
                _("Edit {code}", code=doc.get("code", "")),
                facilitation_fields(new=False),
                values,
                saving(save, saved.update),
            ),
            closed,
        )

    def action_move(self, wanted: str) -> None:
        """Move the facilitation under the cursor to ``wanted``: a form for the day, the note (and the permit of a
        grant); a move the lifecycle does not allow is said at once, without a form."""
        doc = self.current_doc()
        if doc is None:
            return
        code = str(doc.get("code") or "")
        problem = rules.transition_error(code, str(doc.get("state") or "requested"), wanted)
        if problem:
            self.notify(problem, severity="warning", timeout=8)
            return
        saved: dict[str, Any] = {}

        def save(values: dict[str, Any]) -> dict[str, Any]:
            return service.move_facilitation(
                self.db,
                doc["id"],
                wanted,
                on=values.get("date") or "",
                note=str(values.get("note") or ""),
                permit=values.get("permit_number") or "",
                expected_version=doc.get("version"),
            )

        def closed(result: Any) -> None:
            if result is not None and saved:
                self._saved(
                    doc["id"], _("{code} is now {state}", code=code, state=rules.state_label(saved.get("state", "")))
                )

        self.app.push_screen(
            FormScreen(
                _(STEP_TITLES[wanted], code=code),
                step_fields(wanted, str(doc.get("kind") or "")),
                {"date": self._day()},
                saving(save, saved.update),
            ),
            closed,
        )

    def action_filter_state(self) -> None:
        position = FILTERS.index(self.state_filter) if self.state_filter in FILTERS else 0
        self.state_filter = FILTERS[(position + 1) % len(FILTERS)]
        self.reload()
        shown = rules.state_label(self.state_filter) if self.state_filter else _("all states")
        self.notify(_("Showing: {state}", state=shown), timeout=2)

    def action_targets(self) -> None:
        self.app.push_screen(TargetsScreen(self.today().year))

    def action_figures(self) -> None:
        doc = self.db.get(self.TABLE, self.table.current_id) if self.table.current_id is not None else None
        ikm = self.db.get("ikm", int(doc.get("ikm_id") or 0)) if doc else None
        values: dict[str, Any] = {"year": str(self.today().year)}
        if ikm is not None:
            values["ikm_id"] = ikm.get("code", "")
            latest = service.figures_of(self.db, ikm["id"])
            if latest:
                values.update({k: latest[-1].get(k) for k in rules.FIGURE_FIELDS})
        saved: dict[str, Any] = {}

        def closed(result: Any) -> None:
            if result is not None and saved:
                self.context.data_saved()
                self.notify(_("Saved the figures of {year}", year=saved.get("year", "")), timeout=4)

        self.app.push_screen(
            GalleryForm(
                _("Yearly figures of an IKM"),
                figures_fields(),
                values,
                saving(lambda form: service.save_figures(self.db, form), saved.update),
                db=self.db,
            ),
            closed,
        )

    def action_import_figures(self) -> None:
        self.app.push_screen(ImportScreen(kind="yearly_figures"))
