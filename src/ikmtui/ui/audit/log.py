"""The audit log: who changed, viewed or exported what, and when. Read-only for everyone."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ikmtui.i18n import _
from ikmtui.tabular import Column
from ikmtui.ui.kit.screen import TableScreen


class AuditScreen(TableScreen):
    TITLE_MSG = "Audit log"
    TABLE = "audit"
    SEARCH_FIELDS = ("detail", "record_id")

    def columns(self) -> list[Column]:
        return [
            Column("ts", "When", 19, fmt=lambda v: (v or "").replace("T", " ")[:19]),
            Column("user", "Officer", 16),
            Column("action", "Action", 16, fmt=lambda v: _(v or "")),
            Column("table", "Table", 20, fmt=lambda v: _(v or "")),
            Column("code", "Record", 16),
            Column(
                "fields",
                "Fields / detail",
                50,
                value=lambda d: ", ".join(d.get("fields") or []) or d.get("detail") or "",
            ),
        ]

    def records(self) -> Iterable[tuple[int, Mapping[str, Any]]]:
        # Newest first: the question is nearly always "who did this just now".
        docs = self.db.docs(self.TABLE)
        return ((int(key), docs[key]) for key in reversed(list(docs)))
