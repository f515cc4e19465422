"""The recycle bin (from the audit log, ``b``): deleted records, who deleted them, when and why; a supervisor
brings one back with ``r`` (an operator is refused with the reason)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from textual.binding import Binding
from textual.widgets import Input

from ikmtui.clock import local_time, officer_name
from ikmtui.i18n import _
from ikmtui.services import recycle
from ikmtui.services.history import table_label
from ikmtui.storage import StorageError
from ikmtui.tabular import Column
from ikmtui.ui.kit.dialogs import ConfirmScreen
from ikmtui.ui.kit.screen import TableScreen


class RecycleBinScreen(TableScreen):
    TITLE_MSG = "Recycle bin"
    TABLE = recycle.BIN
    SEARCH_FIELDS = ("reason",)
    BINDINGS = [
        Binding("r", "restore", "Restore", id="recycle.restore"),
        Binding("escape", "close", "Back", id="recycle.back"),
    ]

    def columns(self) -> list[Column]:
        staff = self.db.docs("staff")
        return [
            Column("deleted_at", "Deleted at", 16, fmt=local_time),
            Column("deleted_by", "Deleted by", 18, fmt=lambda v: officer_name(staff, v)),
            Column("table", "Table", 20, fmt=lambda v: table_label(str(v or ""))),
            Column("code", "Record", 16),
            Column("name", "Name", 30, value=lambda d: (d.get("doc") or {}).get("name", "")),
            Column("reason", "Reason", 30),
        ]

    def records(self) -> Iterable[tuple[int, Mapping[str, Any]]]:
        return ((doc["id"], doc) for doc in recycle.binned(self.db))

    def action_close(self) -> None:
        if isinstance(self.focused, Input):  # from the search box, first back to the table (as elsewhere)
            self.table.focus()
            return
        self.app.pop_screen()

    def action_restore(self) -> None:
        bin_id = self.table.current_id
        entry = self.db.docs(self.TABLE).get(str(bin_id)) if bin_id is not None else None
        if bin_id is None or entry is None:
            return
        code = entry.get("code") or entry.get("table", "")

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                restored = recycle.restore(self.db, bin_id)
            except (StorageError, ValueError, PermissionError) as exc:
                self.report_error(exc)
                return
            self.context.data_saved()
            self.notify(_("Restored {code}", code=restored.get("code", code)), timeout=4)

        self.app.push_screen(
            ConfirmScreen(_("Bring {code} back?", code=code), yes=_("Restore"), no=_("Cancel")), answered
        )
