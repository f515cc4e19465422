"""One cluster: its legal basis, what its members add up to, and the members themselves.

The summary scrolls in at most half the screen so that the members always keep rows of their own (at 80x24 too).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Static

from ikmtui.domain.ikm import status_label
from ikmtui.domain.money import format_number
from ikmtui.i18n import _
from ikmtui.reports.registry import cluster_summary, cluster_summary_renderable
from ikmtui.services import registry
from ikmtui.storage import TABLES
from ikmtui.tabular import Column, RowSet
from ikmtui.ui.kit.dialogs import ConfirmScreen
from ikmtui.ui.kit.footer import AppFooter
from ikmtui.ui.kit.screen import BaseScreen
from ikmtui.ui.kit.vtable import VirtualTable
from ikmtui.ui.registry.cluster_form import open_cluster_form
from ikmtui.ui.registry.deleting import USER_ERRORS


class ClusterScreen(BaseScreen):
    TITLE_MSG = "Cluster"
    BINDINGS = [
        Binding("escape", "close", "Back", id="cluster.back"),
        Binding("m", "members", "Members", id="cluster.members"),
        Binding("x", "remove_member", "Remove member", id="cluster.remove-member"),
        Binding("e", "edit", "Edit", id="cluster.edit"),
    ]
    DEFAULT_CSS = """
    ClusterScreen #summary-scroll { height: auto; max-height: 50%; }
    ClusterScreen #cluster-summary { height: auto; padding: 0 1 1 1; }
    ClusterScreen #members-title { text-style: bold; padding: 0 1; height: auto; }
    ClusterScreen #members { height: 1fr; min-height: 5; }
    """

    def __init__(self, cluster_id: int, *, as_of: date | None = None) -> None:
        super().__init__()
        self.cluster_id = cluster_id
        self.as_of = as_of
        self.summary: dict[str, Any] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="summary-scroll"):
            yield Static("", id="cluster-summary")
        yield Static(_("Members (enter opens a profile, m adds or removes several, x removes one)"), id="members-title")
        yield VirtualTable(id="members")
        yield AppFooter()

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#members", VirtualTable)

    def on_mount(self) -> None:
        self.table.focus()

    def data_changed(self) -> None:
        super().data_changed()
        tables = {name: self.db.docs(name) for name in TABLES}
        if str(self.cluster_id) not in tables["clusters"]:
            if self.is_current:
                self.notify(_("That record no longer exists"), severity="warning")
                self.app.pop_screen()
            return
        self.summary = cluster_summary(tables, self.cluster_id, self.as_of or self.today())
        self.title = f"{_(self.TITLE_MSG)}: {self.summary['cluster']['code']}"
        self.query_one("#cluster-summary", Static).update(cluster_summary_renderable(self.summary))
        cid = self.cluster_id
        members = ((int(key), doc) for key, doc in tables["ikm"].items() if cid in (doc.get("cluster_ids") or ()))
        columns = [
            Column("code", "Code", 10),
            Column("name", "Business name", 30),
            Column("owner_name", "Owner", 20),
            Column("kecamatan", "Kecamatan", 16),
            Column("product", "Product", 24),
            Column(
                "workers",
                "Workers",
                7,
                "right",
                value=lambda d: d.get("workers_male", 0) + d.get("workers_female", 0),
                fmt=format_number,
            ),
            Column("status", "Status", 8, fmt=status_label),
        ]
        self.table.set_rows(RowSet(columns, members, ("nib",)), keep_id=self.table.current_id)

    # ------------------------------------------------------------------ actions
    def action_close(self) -> None:
        self.app.pop_screen()

    def action_edit(self) -> None:
        open_cluster_form(self, self.cluster_id)

    def action_members(self) -> None:
        from ikmtui.ui.registry.members import open_member_picker

        open_member_picker(self, self.cluster_id)

    def action_remove_member(self) -> None:
        record_id = self.table.current_id
        if record_id is None:
            self.notify(_("No record selected"), severity="warning")
            return
        doc = self.db.get("ikm", record_id) or {}
        label = f"{doc.get('code', '')} {doc.get('name', '')}"

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                registry.change_members(self.db, self.cluster_id, remove=[record_id])
            except USER_ERRORS as exc:
                self.report_error(exc)
                return
            self.context.data_saved()
            self.notify(_("{label} left the cluster", label=label), timeout=4)

        self.app.push_screen(
            ConfirmScreen(
                _(
                    "Remove {label} from {cluster}?",
                    label=label,
                    cluster=self.summary.get("cluster", {}).get("name", ""),
                ),
                yes=_("Remove"),
                no=_("Keep"),
            ),
            answered,
        )

    @on(VirtualTable.RowActivated)
    def _open_member(self, event: VirtualTable.RowActivated) -> None:
        from ikmtui.ui.registry.profile import IkmProfileScreen

        self.app.push_screen(IkmProfileScreen(event.record_id))
