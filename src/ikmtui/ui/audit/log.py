"""The audit log: who changed, viewed or exported what, and when. Read-only for everyone.

Times in local time, officers by their full name, actions, tables and fields in the interface language.
Enter opens an entry: what each field was and became, and the history of the record it is about; ``b`` opens
the recycle bin (deleted records, restored by a supervisor).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from textual import on
from textual.binding import Binding

from ikmtui.clock import local_time, officer_name
from ikmtui.services.history import action_label, describe, record_history, summary, table_label
from ikmtui.tabular import Column
from ikmtui.ui.audit.recycle import RecycleBinScreen
from ikmtui.ui.kit.dialogs import ViewerScreen
from ikmtui.ui.kit.history import entry_detail
from ikmtui.ui.kit.screen import TableScreen
from ikmtui.ui.kit.vtable import VirtualTable


class AuditScreen(TableScreen):
    TITLE_MSG = "Audit log"
    TABLE = "audit"
    SEARCH_FIELDS = ("detail", "record_id")
    BINDINGS = [
        Binding("enter", "open_entry", "Open entry", id="audit.open"),
        Binding("b", "recycle_bin", "Recycle bin", id="audit.recycle"),
    ]

    def columns(self) -> list[Column]:
        staff = self.db.docs("staff")
        return [
            Column("ts", "When", 16, fmt=local_time),
            Column("user", "Officer", 18, fmt=lambda v: officer_name(staff, v)),
            Column("action", "Action", 16, fmt=lambda v: action_label(str(v or ""))),
            Column("table", "Table", 20, fmt=lambda v: table_label(str(v or ""))),
            Column("code", "Record", 16),
            Column(
                "fields",
                "Fields / detail",
                50,
                value=summary,
            ),
        ]

    def records(self) -> Iterable[tuple[int, Mapping[str, Any]]]:
        # Newest first: the question is nearly always "who did this just now".
        docs = self.db.docs(self.TABLE)
        return ((int(key), docs[key]) for key in reversed(list(docs)))

    def action_open_entry(self) -> None:
        entry_id = self.table.current_id
        if entry_id is not None:
            self.open_entry(entry_id)

    @on(VirtualTable.RowActivated)
    def _row_activated(self, event: VirtualTable.RowActivated) -> None:
        event.stop()
        self.open_entry(event.record_id)

    def open_entry(self, entry_id: int) -> None:
        """The entry in full, with the history of the record it is about."""
        entry = self.db.docs(self.TABLE).get(str(entry_id))
        if entry is None:
            return
        tables = {name: self.db.docs(name) for name in ("audit", "staff")}
        change = describe(tables["staff"], entry_id, entry)
        record_id = entry.get("record_id")
        history = record_history(tables, change.table, record_id) if isinstance(record_id, int) else []
        self.app.push_screen(ViewerScreen(entry_detail(change, history)))

    def action_recycle_bin(self) -> None:
        self.app.push_screen(RecycleBinScreen())
