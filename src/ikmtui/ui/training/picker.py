"""Pick several IKM at once: type to filter by name or code, space to select, enter to confirm."""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ikmtui.i18n import _
from ikmtui.services import registry
from ikmtui.tabular import Column, RowSet
from ikmtui.ui.kit.context import context_of
from ikmtui.ui.kit.dialogs import ConfirmScreen
from ikmtui.ui.kit.screen import rows_shown
from ikmtui.ui.kit.translate import TranslatedBindings
from ikmtui.ui.kit.vtable import VirtualTable


class IkmPickerScreen(TranslatedBindings, ModalScreen[list[int] | None]):
    """Returns the chosen IKM ids in the order they were selected (``None`` when cancelled).

    IKM in ``already`` (e.g. enrolled in the batch) are marked and cannot be chosen; inactive IKM are not
    offered (they join no programme).
    """

    BINDINGS = [
        Binding("space", "pick", "Select / unselect", id="picker.toggle"),
        Binding("ctrl+s", "confirm", "Enrol selected", id="picker.confirm", priority=True),
        Binding("escape", "cancel", "Cancel", id="picker.cancel"),
        Binding("down", "to_list", "To the list", show=False),
        Binding("slash", "to_search", "Search", show=False),
    ]
    DEFAULT_CSS = """
    IkmPickerScreen { align: center middle; }
    IkmPickerScreen > #picker-box { width: 110; max-width: 100%; height: 90%; border: thick $primary;
        background: $surface; padding: 0 1; }
    IkmPickerScreen #picker-title { text-style: bold; }
    IkmPickerScreen #picker-selected { height: auto; max-height: 4; color: $accent; }
    IkmPickerScreen #picker-help { height: 1; color: $text-muted; }
    """

    def __init__(self, title: str, *, already: set[int] | None = None) -> None:
        super().__init__()
        self.picker_title = title
        self.already = set(already or ())
        self.selected: dict[int, str] = {}
        self._codes: dict[str, str] = {}  # IKM code -> mark: ✓ selected, • already in the batch

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box"):
            yield Static(self.picker_title, id="picker-title")
            yield Input(placeholder=_("Type a name or code to filter"), id="picker-search")
            yield VirtualTable(id="picker-table")
            yield Static("", id="picker-selected")
            yield Static(
                _("↓ list · space select · enter enrol · / filter · esc cancel · • already in the batch"),
                id="picker-help",
            )

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#picker-table", VirtualTable)

    @property
    def search(self) -> Input:
        return self.query_one("#picker-search", Input)

    def on_mount(self) -> None:
        ikm = registry.active_ikm(context_of(self).db)
        self._codes = {str(ikm.get(str(i), {}).get("code", "")): "•" for i in self.already}

        def mark(code: str) -> str:
            # By code, so that 100,000 rows are built from the stored documents without copying them.
            return self._codes.get(code, "")

        columns = [
            Column("mark", "", 1, value=lambda d: d.get("code"), fmt=mark),
            Column("code", "Code", 10),
            Column("name", "Business name", 34),
            Column("owner_name", "Owner", 22),
            Column("kecamatan", "Kecamatan", 18),
        ]
        rows = RowSet(columns, ikm)
        rows.sort(2)
        self.table.set_rows(rows)
        self.call_after_refresh(self.table.build_search_keys)
        self.table.follow(self.search, self._show_selected)
        self.search.focus()
        self._show_selected()

    # ------------------------------------------------------------------ filtering
    @on(Input.Submitted, "#picker-search")
    def _submitted(self) -> None:
        self.table.focus()

    def on_key(self, event: events.Key) -> None:
        """Typing while in the list goes on filtering (space selects)."""
        if self.focused is self.table and event.is_printable and event.character not in (None, " ", "/"):
            self.search.focus()
            self.search.insert_text_at_cursor(event.character or "")
            event.stop()
            event.prevent_default()

    def action_to_list(self) -> None:
        self.table.focus()

    def action_to_search(self) -> None:
        self.search.focus()

    # ------------------------------------------------------------------ choosing
    def _show_selected(self) -> None:
        names = list(self.selected.values())
        text = _("{n} selected", n=len(names)) + (": " + ", ".join(names) if names else "")
        self.query_one("#picker-selected", Static).update(rows_shown(self.table.rows) + " · " + text)

    @on(VirtualTable.SearchReady)
    def _search_ready(self) -> None:
        self._show_selected()

    def action_pick(self) -> None:
        record_id = self.table.current_id
        if record_id is None:
            return
        if record_id in self.already:
            self.notify(_("Already in the batch"), severity="warning", timeout=3)
        else:
            doc = context_of(self).db.docs("ikm").get(str(record_id), {})
            code = str(doc.get("code", ""))
            if record_id in self.selected:
                del self.selected[record_id]
                self._codes.pop(code, None)
            else:
                self.selected[record_id] = str(doc.get("name", record_id))
                self._codes[code] = "✓"
        self.table.action_cursor(1)
        self.table.refresh()
        self._show_selected()

    @on(VirtualTable.RowActivated)
    def _activated(self) -> None:
        self.action_confirm()

    def action_confirm(self) -> None:
        if not self.selected:
            record_id = self.table.current_id if self.focused is self.table else None
            if record_id is None or record_id in self.already:
                self.notify(_("Select IKM with space first"), severity="warning", timeout=4)
                return
            self.dismiss([record_id])
            return
        self.dismiss(list(self.selected))

    def action_cancel(self) -> None:
        if not self.selected:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmScreen(
                _("Discard the {n} selected?", n=len(self.selected)), yes=_("Discard"), no=_("Keep selecting")
            ),
            answered,
        )
