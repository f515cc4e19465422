"""The IKM registry: a table of every business that filters as you type; add, edit, delete, open a profile."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.binding import Binding

from ikmtui.domain.ikm import scale_label, status_label
from ikmtui.i18n import format_count
from ikmtui.tabular import Column
from ikmtui.ui.kit.screen import TableScreen
from ikmtui.ui.kit.vtable import VirtualTable
from ikmtui.ui.registry.deleting import delete_ikm_flow
from ikmtui.ui.registry.form import open_ikm_form


def cluster_names(db: Any, *, short: bool = False) -> dict[int, str]:
    """Cluster id -> name; ``short`` drops the "Sentra " or "Klaster " every name starts with (narrow columns)."""
    names = {int(key): str(doc.get("name", "")) for key, doc in db.docs("clusters").items()}
    if short:
        names = {key: name.removeprefix("Sentra ").removeprefix("Klaster ") for key, name in names.items()}
    return names


def ikm_columns(db: Any) -> list[Column]:
    """The registry table's columns (widths are what each keeps when the terminal is short of room; the table
    fits them to the rows and the width there is); the optional ones show once picked with ``ctrl+k``."""
    clusters = cluster_names(db, short=True)

    def names(doc: Any) -> str:
        ids = doc.get("cluster_ids")
        return ", ".join(clusters.get(c, "?") for c in ids) if ids else ""

    return [
        Column("code", "Code", 10),
        Column("name", "Business name", 26),
        Column("owner_name", "Owner", 17),
        Column("kecamatan", "Kecamatan", 16),
        Column("kbli", "KBLI", 5),
        Column("scale", "Scale", 8, fmt=scale_label),
        Column(
            "workers",
            "Workers",
            6,
            "right",
            value=lambda d: d.get("workers_male", 0) + d.get("workers_female", 0),
            fmt=format_count,
        ),
        Column("status", "Status", 8, fmt=status_label),
        Column("clusters", "Clusters", 13, value=names),  # takes what the terminal has left
        Column("kelurahan", "Kelurahan", 16, optional=True),
        Column("product", "Product", 20, optional=True),
        Column("phone", "Phone", 14, optional=True),
        Column("investment", "Investment (Rp)", 14, "right", fmt=_rupiah, optional=True),
        Column("turnover", "Annual turnover (Rp)", 14, "right", fmt=_rupiah, optional=True),
        Column("year_founded", "Year founded", 6, "right", optional=True),
    ]


def _rupiah(value: Any) -> str:
    return "" if value is None else format_count(value)


class IkmScreen(TableScreen):
    TITLE_MSG = "IKM"
    TABLE = "ikm"
    SEARCH_FIELDS = ("nib", "product", "kelurahan")
    BINDINGS = [
        Binding("a", "add", "Add", id="ikm.add"),
        Binding("e", "edit", "Edit", id="ikm.edit"),
        Binding("d", "delete", "Delete", id="ikm.delete"),
    ]

    _focus_next: int | None = None

    def focus_after_reload(self, doc: dict[str, Any]) -> None:
        """Put the cursor on ``doc`` (just saved) when the table is next reloaded."""
        self._focus_next = doc["id"]

    _clusters_seen: object = None

    def reuse_search_keys(self) -> bool:
        """A business's row shows its clusters' names: keys are reusable while no cluster changed (a save while
        the table is filtered would otherwise rebuild all 100,000 keys, about a second)."""
        clusters = self.db.docs("clusters")  # the same object until a cluster changes
        same, self._clusters_seen = clusters is self._clusters_seen, clusters
        return same

    def reload(self, keep_id: int | None = None) -> None:
        if self._focus_next is not None:
            keep_id, self._focus_next = self._focus_next, None
        super().reload(keep_id)

    def columns(self) -> list[Column]:
        return ikm_columns(self.db)

    # ------------------------------------------------------------------ actions
    def action_add(self) -> None:
        open_ikm_form(self, None, on_saved=self.focus_after_reload)

    def action_edit(self) -> None:
        record_id = self.selected_id()
        if record_id is not None:
            open_ikm_form(self, record_id)

    def action_delete(self) -> None:
        record_id = self.selected_id()
        if record_id is not None:
            delete_ikm_flow(self, record_id)

    @on(VirtualTable.RowActivated)
    def open_profile(self, event: VirtualTable.RowActivated) -> None:
        from ikmtui.ui.registry.profile import IkmProfileScreen

        self.app.push_screen(IkmProfileScreen(event.record_id))
