"""Credit applications."""

from __future__ import annotations

from ikmtui.domain.money import format_rupiah
from ikmtui.i18n import _
from ikmtui.tabular import Column
from ikmtui.ui.screens.base import TableScreen


class CreditScreen(TableScreen):
    TITLE_MSG = "Credit"
    TABLE = "credit_applications"

    def columns(self) -> list[Column]:
        names = {int(k): d.get("name", "") for k, d in self.db.docs("ikm").items()}
        return [
            Column("code", "Code", 14),
            Column("ikm", "Applicant", 30, value=lambda d: names.get(d.get("ikm_id"), "?")),
            Column("amount_requested", "Amount", 15, "right", fmt=format_rupiah),
            Column("tenor_months", "Months", 6, "right"),
            Column("state", "State", 12, fmt=lambda v: _(v or "")),
            Column("bank", "Bank", 30),
        ]
