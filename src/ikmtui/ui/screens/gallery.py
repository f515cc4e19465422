"""Gallery listings."""

from __future__ import annotations

from ikmtui.domain.money import format_rupiah
from ikmtui.i18n import _
from ikmtui.tabular import Column
from ikmtui.ui.screens.base import TableScreen


class GalleryScreen(TableScreen):
    TITLE_MSG = "Gallery"
    TABLE = "gallery_listings"

    def columns(self) -> list[Column]:
        names = {int(k): d.get("name", "") for k, d in self.db.docs("ikm").items()}
        return [
            Column("sku", "SKU", 14),
            Column("product_name", "Product", 30),
            Column("ikm", "IKM", 26, value=lambda d: names.get(d.get("ikm_id"), "?")),
            Column("category", "Category", 12, fmt=lambda v: _(v or "")),
            Column("price", "Price", 13, "right", fmt=format_rupiah),
            Column("stock", "Stock", 6, "right"),
            Column("status", "Status", 10, fmt=lambda v: _(v or "")),
        ]
