"""Pick a cluster's members from the registry: filter as you type, tick several, save them at once.

Inactive IKM are not offered, except members already in the cluster (marked, so that they can be removed)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ikmtui.domain.ikm import status_label
from ikmtui.i18n import _
from ikmtui.services import registry
from ikmtui.tabular import Column, RowSet
from ikmtui.ui.kit.dialogs import ConfirmScreen
from ikmtui.ui.kit.screen import rows_shown
from ikmtui.ui.kit.translate import TranslatedBindings
from ikmtui.ui.kit.vtable import VirtualTable
from ikmtui.ui.registry.deleting import USER_ERRORS

if TYPE_CHECKING:
    from ikmtui.storage import Database
    from ikmtui.ui.kit.screen import BaseScreen

TICKED, UNTICKED = "[x] ", "[ ] "


class MemberPickerScreen(TranslatedBindings, ModalScreen[bool]):
    """Every IKM with a tick for the members; ``ctrl+s`` adds and removes in one transaction."""

    BINDINGS = [
        Binding("space", "tick", "Tick", id="picker.toggle"),
        Binding("plus", "tick_shown(True)", "Tick all shown", id="picker.tick-shown"),
        Binding("minus", "tick_shown(False)", "Untick all shown", id="picker.untick-shown"),
        Binding("slash", "focus_search", "Search", id="picker.search"),
        Binding("down", "focus_table", "To table", show=False),
        Binding("ctrl+s", "apply", "Save", id="picker.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="picker.cancel"),
    ]
    DEFAULT_CSS = """
    MemberPickerScreen { align: center middle; }
    MemberPickerScreen > #picker-box { width: 110; max-width: 100%; height: 90%; border: thick $primary;
        background: $surface; padding: 0 1; }
    MemberPickerScreen #picker-title { text-style: bold; }
    MemberPickerScreen #picker-status { height: auto; color: $text-muted; }
    """

    def __init__(self, db: Database, cluster_id: int) -> None:
        super().__init__()
        self.db = db
        self.cluster_id = cluster_id
        self.cluster = db.get("clusters", cluster_id) or {}
        self.original = set(registry.cluster_member_ids(db, cluster_id))
        self.ticked = set(self.original)
        self.saved: tuple[int, int] | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box"):
            yield Static(
                _("Members of {code} {name}", code=self.cluster.get("code", ""), name=self.cluster.get("name", "")),
                id="picker-title",
            )
            yield Input(placeholder=_("Type to filter ( / )"), id="picker-search")
            yield VirtualTable(id="picker-table")
            yield Static("", id="picker-status")

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#picker-table", VirtualTable)

    def on_mount(self) -> None:
        docs = {
            key: doc for key, doc in self.db.docs("ikm").items() if registry.is_active(doc) or int(key) in self.original
        }
        self.code_ids = {doc.get("code", ""): int(key) for key, doc in docs.items()}
        code_ids, ticked = self.code_ids, self.ticked

        def mark(code: Any) -> str:
            return (TICKED if code_ids.get(code) in ticked else UNTICKED) + str(code or "")

        columns = [
            Column("code", "Code", 14, fmt=mark),
            Column("name", "Business name", 30),
            Column("owner_name", "Owner", 20),
            Column("kecamatan", "Kecamatan", 16),
            Column("product", "Product", 16),
            Column("status", "Status", 8, fmt=status_label),
        ]
        rows = RowSet(columns, self._records(docs), ("nib",))
        self.table.set_rows(rows)
        self.table.follow(self.query_one("#picker-search", Input), self.update_status)
        self.table.focus()
        self.update_status()
        # With 100,000 IKM the search keys take a second: build them while the officer reads the list.
        self.call_after_refresh(self.table.build_search_keys)

    def _records(self, docs: Mapping[str, Mapping[str, Any]]) -> Iterable[tuple[int, Mapping[str, Any]]]:
        """Members first (so they are seen at once), then everyone else, each in registry order."""
        yield from ((int(key), doc) for key, doc in docs.items() if int(key) in self.original)
        yield from ((int(key), doc) for key, doc in docs.items() if int(key) not in self.original)

    # ------------------------------------------------------------------ state
    def changes(self) -> tuple[set[int], set[int]]:
        return self.ticked - self.original, self.original - self.ticked

    def update_status(self) -> None:
        add, remove = self.changes()
        shown = rows_shown(self.table.rows)
        self.query_one("#picker-status", Static).update(
            _("{n} ticked (+{add} / -{remove})", n=len(self.ticked), add=len(add), remove=len(remove))
            + " · "
            + shown
            + "\n"
            + _("space tick · + tick all shown · - untick all shown · ctrl+s save · esc cancel")
        )

    # ------------------------------------------------------------------ actions
    @on(VirtualTable.SearchReady)
    def _search_ready(self) -> None:
        self.update_status()

    @on(Input.Submitted, "#picker-search")
    def _search_done(self) -> None:
        self.table.focus()

    @on(VirtualTable.RowActivated)
    def _activated(self, event: VirtualTable.RowActivated) -> None:
        event.stop()
        self.action_tick()

    def action_focus_search(self) -> None:
        self.query_one("#picker-search", Input).focus()

    def action_focus_table(self) -> None:
        self.table.focus()

    def action_tick(self) -> None:
        record_id = self.table.current_id
        if record_id is None:
            return
        if record_id in self.ticked:
            self.ticked.discard(record_id)
        else:
            self.ticked.add(record_id)
        self.table.action_cursor(1)
        self.table.refresh()
        self.update_status()

    def action_tick_shown(self, tick: bool) -> None:
        rows = self.table.rows
        shown = [rows.row(position)[0] for position in range(len(rows))]
        if tick:
            self.ticked.update(shown)
        else:
            self.ticked.difference_update(shown)
        self.table.refresh()
        self.update_status()

    def action_apply(self) -> None:
        add, remove = self.changes()
        if not add and not remove:
            self.dismiss(False)
            return
        try:
            self.saved = registry.change_members(self.db, self.cluster_id, add=add, remove=remove)
        except USER_ERRORS as exc:
            self.notify(str(exc), severity="error", timeout=8)
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        add, remove = self.changes()
        if not add and not remove:
            self.dismiss(False)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(False)

        self.app.push_screen(
            ConfirmScreen(_("Discard the changes you typed?"), yes=_("Discard"), no=_("Keep editing")), answered
        )


def open_member_picker(screen: BaseScreen, cluster_id: int) -> None:
    """Push the picker for a cluster; once saved, refresh the screens and say what changed."""
    picker = MemberPickerScreen(screen.db, cluster_id)

    def closed(changed: bool | None) -> None:
        if changed and picker.saved is not None:
            added, removed = picker.saved
            screen.context.data_saved()
            screen.notify(_("{added} added, {removed} removed", added=added, removed=removed), timeout=4)

    screen.app.push_screen(picker, closed)
