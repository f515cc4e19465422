"""The Gallery's forms: a listing, a sale, a delivery, a return, a stock adjustment, the choice of IKM and month
for a consignment statement, and its payment.

Every form only collects text; ``ikmtui.services.gallery`` validates and saves, and its messages appear beside
the fields (``FormScreen`` closes only when nothing is wrong).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from textual.widgets import Input, Select, Static

from ikmtui.domain.gallery import BADGES, CATEGORIES, category_label
from ikmtui.i18n import N_, _
from ikmtui.services.gallery import ikm_matches, suggest_sku
from ikmtui.ui.kit.form import FormField, FormScreen, Submit

if TYPE_CHECKING:
    from ikmtui.storage import Database


def listing_fields(*, new: bool = True) -> list[FormField]:
    """The listing form; the stock is entered once, as the first delivery (afterwards it moves through
    deliveries, sales, returns and adjustments, each recorded)."""
    fields = [
        FormField("product_name", "Product name", placeholder="Batik tulis motif Asem Arang"),
        FormField("ikm_id", "IKM (maker)", placeholder="IKM-000012", help=N_("Its code, or part of its name")),
        FormField(
            "category", "Category", kind="select", options=lambda _values: [(category_label(c), c) for c in CATEGORIES]
        ),
        FormField("sku", "SKU", placeholder="SKG-BAT-00012", help=N_("Suggested from the category; must be unique")),
        FormField("price", "Price (Rp)", placeholder="150.000"),
        FormField("stock", "Units received", placeholder="12", help=N_("The first delivery; later ones: key t")),
        FormField("consigned_on", "Consigned on", placeholder="27/11/2026"),
        FormField("term_days", "Term (days)", placeholder="90"),
        FormField("commission_pct", "Commission %", placeholder="10"),
        FormField(
            "photos",
            "Photo files",
            placeholder="/home/galeri/foto/batik-01.jpg",
            help=N_(
                "Pictures (.jpg, .png, .webp, .gif, at most 10 MB), separated by ;. They are copied "
                "into the database's media folder when the listing is saved"
            ),
        ),
        FormField(
            "marketplace_links",
            "Marketplace links",
            placeholder="Shopee https://shopee.co.id/...",
            help=N_(
                "Marketplace and web address, separated by spaces, commas or ; e.g. Shopee https://shopee.co.id/a, "
                "Tokopedia https://tokopedia.com/b"
            ),
        ),
        FormField("badges", "Certification badges", kind="multi", options=[(b, b) for b in BADGES]),
    ]
    return fields if new else [spec for spec in fields if spec.name != "stock"]


def sale_fields() -> list[FormField]:
    return [
        FormField("quantity", "Quantity", placeholder="1"),
        FormField("date", "Date", placeholder="27/11/2026"),
        FormField("unit_price", "Unit price (Rp)", help=N_("Defaults to the listing price")),
        FormField("note", "Note"),
    ]


def return_fields() -> list[FormField]:
    return [
        FormField("quantity", "Quantity", help=N_("Defaults to everything still in stock")),
        FormField("date", "Date", placeholder="27/11/2026"),
        FormField("note", "Note"),
    ]


def receive_fields() -> list[FormField]:
    return [
        FormField("quantity", "Units received", placeholder="12"),
        FormField("date", "Date", placeholder="27/11/2026"),
        FormField("note", "Note", placeholder=N_("e.g. delivery note number")),
    ]


def adjust_fields() -> list[FormField]:
    return [
        FormField("change", "Change in units", placeholder="-2", help=N_("+3 found in a count, -2 damaged or lost")),
        FormField("date", "Date", placeholder="27/11/2026"),
        FormField("reason", "Reason (required)", placeholder=N_("e.g. stock count of 30 November")),
    ]


def paid_fields() -> list[FormField]:
    return [
        *payout_fields(),
        FormField("paid_on", "Paid on", placeholder="04/12/2026"),
        FormField("reference", "Transfer reference", placeholder="TRF-2026-1204-001"),
    ]


def payout_fields() -> list[FormField]:
    return [
        FormField("ikm_id", "IKM (maker)", placeholder="IKM-000012", help=N_("Its code, or part of its name")),
        FormField("month", "Month", placeholder="11/2026"),
    ]


class GalleryForm(FormScreen):
    """A form with an ``ikm_id`` field shows which IKM the text matches, as it is typed."""

    def __init__(
        self, title: str, fields: Sequence[FormField], values: dict[str, Any] | None, submit: Submit, *, db: Database
    ) -> None:
        super().__init__(title, fields, values, submit)
        self.db = db

    def on_mount(self) -> None:  # FormScreen's own on_mount runs too (Textual calls each class's handler)
        if any(spec.name == "ikm_id" for spec in self.fields):
            self.query_one("#form-fields").mount(
                Static(self._ikm_hint(), id="ikm-match", classes="form-help"), before=self.query_one("#error-ikm_id")
            )

    def on_field_changed(self, name: str) -> None:
        if name == "ikm_id":
            for hint in self.query("#ikm-match").results(Static):
                hint.update(self._ikm_hint())

    def _ikm_hint(self) -> str:
        text = self.query_one("#field-ikm_id", Input).value.strip()
        if not text:
            return ""
        found = ikm_matches(self.db.docs("ikm"), text, limit=4)
        if not found:
            return _("No IKM matches")
        if len(found) == 1:
            return "→ " + found[0][1]
        return _("Several match: {names}", names="; ".join(label for _id, label in found[:3]))


class ListingForm(GalleryForm):
    """The listing form: also suggests a free SKU when a category is chosen and the SKU is blank or suggested."""

    def __init__(
        self, title: str, values: dict[str, Any] | None, submit: Submit, *, db: Database, new: bool = True
    ) -> None:
        super().__init__(title, listing_fields(new=new), values, submit, db=db)
        self._suggested = ""

    def on_field_changed(self, name: str) -> None:
        super().on_field_changed(name)
        if name != "category":
            return
        select = self.query_one("#field-category", Select)
        sku = self.query_one("#field-sku", Input)
        if select.is_blank() or (sku.value.strip() and sku.value.strip() != self._suggested):
            return
        self._suggested = suggest_sku(self.db, str(select.value))
        self.set_value("sku", self._suggested)
