"""Clusters (klaster / sentra) set up by decree: list, add, edit, delete, members, summary."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from textual import on
from textual.binding import Binding

from ikmtui.domain.fields import parse_date
from ikmtui.domain.ikm import status_label
from ikmtui.i18n import _, format_date
from ikmtui.services import registry
from ikmtui.tabular import Column
from ikmtui.ui.kit.screen import TableScreen
from ikmtui.ui.kit.vtable import VirtualTable
from ikmtui.ui.registry.cluster_form import open_cluster_form
from ikmtui.ui.registry.deleting import delete_or_deactivate


def _show_date(value: object) -> str:
    try:
        return format_date(parse_date(value)) if value else ""
    except ValueError:
        return str(value)


class ClustersScreen(TableScreen):
    TITLE_MSG = "Clusters"
    TABLE = "clusters"
    SEARCH_FIELDS = ("coordinator",)
    BINDINGS = [
        Binding("a", "add", "Add", id="clusters.add"),
        Binding("e", "edit", "Edit", id="clusters.edit"),
        Binding("d", "delete", "Delete", id="clusters.delete"),
        Binding("m", "members", "Members", id="clusters.members"),
    ]

    _focus_next: int | None = None

    def focus_after_reload(self, doc: dict[str, Any]) -> None:
        """Put the cursor on ``doc`` (just saved) when the table is next reloaded."""
        self._focus_next = doc["id"]

    def reload(self, keep_id: int | None = None) -> None:
        if self._focus_next is not None:
            keep_id, self._focus_next = self._focus_next, None
        super().reload(keep_id)

    def columns(self) -> list[Column]:
        members: dict[int, int] = {}
        for doc in self.db.docs("ikm").values():
            for cid in doc.get("cluster_ids", ()):
                members[cid] = members.get(cid, 0) + 1
        return [
            Column("code", "Code", 10),
            Column("name", "Name", 30),
            Column("members", "Members", 7, "right", value=lambda d: members.get(int(d.get("_id", 0)), 0)),
            Column("sector", "Sector", 14, fmt=lambda v: _(v or "")),
            Column("kecamatan", "Kecamatan", 15),
            Column("decree_number", "Decree", 37),
            Column("decree_date", "Decree date", 11, fmt=_show_date),
            Column("status", "Status", 8, fmt=status_label),
        ]

    def records(self) -> Iterator[tuple[int, dict[str, Any]]]:
        return ((int(k), {**d, "_id": int(k)}) for k, d in self.db.docs("clusters").items())

    def action_add(self) -> None:
        open_cluster_form(self, None, on_saved=self.focus_after_reload)

    def action_edit(self) -> None:
        record_id = self.selected_id()
        if record_id is not None:
            open_cluster_form(self, record_id)

    def action_delete(self) -> None:
        record_id = self.selected_id()
        if record_id is not None:
            delete_or_deactivate(
                self,
                "clusters",
                record_id,
                referrers=registry.cluster_referrers,
                delete=registry.delete_cluster,
                set_status=registry.set_cluster_status,
            )

    def action_members(self) -> None:
        record_id = self.selected_id()
        if record_id is None:
            return
        from ikmtui.ui.registry.members import open_member_picker

        open_member_picker(self, record_id)

    @on(VirtualTable.RowActivated)
    def open_cluster(self, event: VirtualTable.RowActivated) -> None:
        from ikmtui.ui.registry.cluster import ClusterScreen

        self.app.push_screen(ClusterScreen(event.record_id))
