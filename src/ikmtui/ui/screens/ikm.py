"""The IKM registry."""

from __future__ import annotations

from ikmtui.domain.money import format_number
from ikmtui.i18n import _
from ikmtui.tabular import Column
from ikmtui.ui.screens.base import TableScreen


class IkmScreen(TableScreen):
    TITLE_MSG = "IKM"
    TABLE = "ikm"
    SEARCH_FIELDS = ("nib", "product")

    def columns(self) -> list[Column]:
        clusters = {int(k): d.get("name", "") for k, d in self.db.docs("clusters").items()}
        return [
            Column("code", "Code", 10),
            Column("name", "Business name", 28),
            Column("owner_name", "Owner", 20),
            Column("kecamatan", "Kecamatan", 16),
            Column("kbli", "KBLI", 6),
            Column("scale", "Scale", 8),
            Column("workers", "Workers", 7, "right",
                   value=lambda d: d.get("workers_male", 0) + d.get("workers_female", 0), fmt=format_number),
            Column("clusters", "Clusters", 24,
                   value=lambda d: ", ".join(clusters.get(c, "?") for c in d.get("cluster_ids", []))),
            Column("status", "Status", 8, fmt=lambda v: _(v or "")),
        ]
