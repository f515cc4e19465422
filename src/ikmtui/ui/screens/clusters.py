"""Clusters (klaster / sentra) set up by decree."""

from __future__ import annotations

from ikmtui.i18n import _
from ikmtui.tabular import Column
from ikmtui.ui.screens.base import TableScreen


class ClustersScreen(TableScreen):
    TITLE_MSG = "Clusters"
    TABLE = "clusters"

    def columns(self) -> list[Column]:
        members: dict[int, int] = {}
        for doc in self.db.docs("ikm").values():
            for cid in doc.get("cluster_ids", ()):
                members[cid] = members.get(cid, 0) + 1
        return [
            Column("code", "Code", 10),
            Column("name", "Name", 32),
            Column("sector", "Sector", 16, fmt=lambda v: _(v or "")),
            Column("kecamatan", "Kecamatan", 16),
            Column("decree_number", "Decree", 36),
            Column("members", "Members", 7, "right", value=lambda d: members.get(int(d.get("_id", 0)), 0)),
            Column("status", "Status", 8, fmt=lambda v: _(v or "")),
        ]

    def records(self):  # type: ignore[no-untyped-def]
        return ((int(k), {**d, "_id": int(k)}) for k, d in self.db.docs("clusters").items())
