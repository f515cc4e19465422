"""Gallery listings: the showroom's and marketplaces' products, their sales, returns and the makers' payouts.

Keys: a add, e edit, d delete, j record a sale (jual), r return stock to the IKM, p payout statement,
o open a photo (only from the database's media folder), g gallery summary, enter details. Every change goes
through ``ikmtui.services.gallery``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from textual import on
from textual.binding import Binding

from ikmtui.domain.gallery import category_label, consignment_end, listing_status, parse_month, status_label
from ikmtui.domain.money import format_number, format_rupiah
from ikmtui.domain.records import RecordInvalid
from ikmtui.i18n import _, format_date
from ikmtui.reports.gallery import (
    gallery_summary,
    listing_sheet,
    payout_renderable,
    payout_statement,
    summary_renderable,
)
from ikmtui.services import gallery as service
from ikmtui.storage import StorageError
from ikmtui.tabular import Column
from ikmtui.ui.gallery.forms import (
    GalleryForm,
    ListingForm,
    payout_fields,
    return_fields,
    sale_fields,
)
from ikmtui.ui.kit.dialogs import ConfirmScreen, PromptScreen, ViewerScreen
from ikmtui.ui.kit.form import saving
from ikmtui.ui.kit.screen import TableScreen
from ikmtui.ui.kit.vtable import VirtualTable

REPORT_TABLES = ("ikm", "clusters", "gallery_listings", "sales")


class GalleryScreen(TableScreen):
    TITLE_MSG = "Gallery"
    TABLE = "gallery_listings"
    SEARCH_FIELDS = ("code", "sku")
    BINDINGS = [
        Binding("a", "add", "Add listing", id="gallery.add"),
        Binding("e", "edit", "Edit listing", id="gallery.edit"),
        Binding("d", "delete", "Delete listing", id="gallery.delete"),
        Binding("j", "sell", "Record sale", id="gallery.sell"),
        Binding("r", "return_stock", "Return stock", id="gallery.return"),
        Binding("p", "payout", "Payout statement", id="gallery.payout"),
        Binding("o", "open_photo", "Open photo", id="gallery.photo"),
        Binding("g", "summary", "Gallery summary", id="gallery.summary"),
        Binding("i", "details", "Listing details", id="gallery.details", show=False),
    ]

    def columns(self) -> list[Column]:
        names = {int(k): d.get("name", "") for k, d in self.db.docs("ikm").items()}
        day = self.today()

        def ends(doc: Mapping[str, Any]) -> str:
            end = consignment_end(doc)
            return end.isoformat() if end else ""

        return [
            Column("sku", "SKU", 14),
            Column("product_name", "Product", 24),
            Column("ikm", "IKM", 19, value=lambda d: names.get(d.get("ikm_id", 0), "?")),
            Column("category", "Category", 11, value=lambda d: category_label(str(d.get("category", "")))),
            Column("price", "Price", 12, "right", fmt=format_rupiah),
            Column("stock", "Stock", 5, "right", fmt=format_number),
            Column("status", "Status", 12, value=lambda d: status_label(listing_status(d, day))),
            Column("ends", "Term ends", 11, value=ends, fmt=lambda v: format_date(date.fromisoformat(v)) if v else ""),
        ]

    # ------------------------------------------------------------------ helpers
    def _tables(self) -> dict[str, Any]:
        return {name: self.db.docs(name) for name in REPORT_TABLES}

    def _saved(self, record_id: int | None, message: str) -> None:
        self.context.data_saved()
        self.reload(keep_id=record_id if record_id is not None else self.table.current_id)
        self.notify(message)

    @on(VirtualTable.RowActivated)
    def _row_activated(self, event: VirtualTable.RowActivated) -> None:
        event.stop()
        self._show_details(event.record_id)

    def _show_details(self, record_id: int) -> None:
        self.app.push_screen(ViewerScreen(listing_sheet(self._tables(), record_id, self.today())))

    # ------------------------------------------------------------------ actions
    def action_details(self) -> None:
        doc = self.current_doc()
        if doc is not None:
            self._show_details(doc["id"])

    def action_add(self) -> None:
        created: dict[str, Any] = {}
        values = service.new_listing_values(self.db, today=self.today())

        def save(form: dict[str, Any]) -> dict[str, Any]:
            return service.create_listing(self.db, form)

        def closed(result: Any) -> None:
            if result is not None and created:
                self._saved(created["id"], _("Saved {code}", code=created["code"]))

        self.app.push_screen(
            ListingForm(_("New gallery listing"), values, saving(save, created.update), db=self.db), closed
        )

    def action_edit(self) -> None:
        doc = self.current_doc()
        if doc is None:
            return
        saved: dict[str, Any] = {}

        def save(form: dict[str, Any]) -> dict[str, Any]:
            return service.update_listing(self.db, doc["id"], form, expected_version=doc.get("version"))

        def closed(result: Any) -> None:
            if result is not None and saved:
                self._saved(doc["id"], _("Saved {code}", code=saved["code"]))

        self.app.push_screen(
            ListingForm(
                _("Edit {code}", code=doc.get("code", "")),
                service.form_values(self.db, doc),
                saving(save, saved.update),
                db=self.db,
            ),
            closed,
        )

    def action_delete(self) -> None:
        doc = self.current_doc()
        if doc is None:
            return
        sales = service.sales_of(self.db, doc["id"])
        stock = int(doc.get("stock") or 0)
        if sales and stock <= 0:
            self.notify(
                _(
                    "{code} has {n} sale(s) and cannot be deleted; it has no stock left to return",
                    code=doc.get("code", ""),
                    n=len(sales),
                ),
                severity="warning",
                timeout=8,
            )
            return
        if sales:
            question = _(
                "{code} has {n} sale(s) and cannot be deleted.\nMark it returned instead, handing the {stock} "
                "left back to the IKM today?",
                code=doc.get("code", ""),
                n=len(sales),
                stock=stock,
            )

            def mark(answer: bool | None) -> None:
                if answer:
                    self._return_all(doc)

            self.app.push_screen(ConfirmScreen(question, yes=_("Mark returned"), no=_("Cancel")), mark)
            return

        def delete(answer: bool | None) -> None:
            if not answer:
                return
            try:
                service.delete_listing(self.db, doc["id"], expected_version=doc.get("version"))
            except (StorageError, ValueError, PermissionError) as exc:
                self.report_error(exc)
                return
            self._saved(None, _("Deleted {code}", code=doc.get("code", "")))

        self.app.push_screen(
            ConfirmScreen(
                _(
                    "Delete {code} {product}? This cannot be undone.",
                    code=doc.get("code", ""),
                    product=doc.get("product_name", ""),
                )
            ),
            delete,
        )

    def _return_all(self, doc: dict[str, Any]) -> None:
        try:
            saved = service.return_stock(self.db, doc["id"], today=self.today(), expected_version=doc.get("version"))
        except RecordInvalid as exc:
            self.report_error(ValueError("; ".join(exc.errors.values())))
            return
        except (StorageError, ValueError, PermissionError) as exc:
            self.report_error(exc)
            return
        self._saved(doc["id"], _("{code} returned to the IKM", code=saved.get("code", "")))

    def action_sell(self) -> None:
        doc = self.current_doc()
        if doc is None:
            return
        status = listing_status(doc, self.today())
        if status != "displayed":
            self.notify(
                _("{code} is {status}: it cannot be sold", code=doc.get("code", ""), status=status_label(status)),
                severity="warning",
                timeout=6,
            )
            return
        sold: dict[str, Any] = {}

        def save(form: dict[str, Any]) -> dict[str, Any]:
            return service.record_sale(
                self.db,
                doc["id"],
                quantity=form.get("quantity"),
                date=form.get("date"),
                unit_price=form.get("unit_price"),
                note=form.get("note") or "",
                today=self.today(),
            )

        def closed(result: Any) -> None:
            if result is not None and sold:
                left = int((self.db.get(self.TABLE, doc["id"]) or {}).get("stock") or 0)
                self._saved(
                    doc["id"],
                    _(
                        "Sold {quantity} × {product} ({code}); stock left {stock}",
                        quantity=sold["quantity"],
                        product=doc.get("product_name", ""),
                        code=sold.get("code", ""),
                        stock=left,
                    ),
                )

        values = {"date": self.today().strftime("%d/%m/%Y"), "unit_price": format_number(int(doc.get("price") or 0))}
        self.app.push_screen(
            GalleryForm(
                _("Record sale: {listing}", listing=service.describe_stock(doc)),
                sale_fields(),
                values,
                saving(save, sold.update),
                db=self.db,
            ),
            closed,
        )

    def action_return_stock(self) -> None:
        doc = self.current_doc()
        if doc is None:
            return
        if int(doc.get("stock") or 0) <= 0:
            self.notify(_("{code} has no stock left to return", code=doc.get("code", "")), severity="warning")
            return
        saved: dict[str, Any] = {}

        def save(form: dict[str, Any]) -> dict[str, Any]:
            return service.return_stock(
                self.db,
                doc["id"],
                quantity=form.get("quantity"),
                date=form.get("date"),
                note=form.get("note") or "",
                today=self.today(),
            )

        def closed(result: Any) -> None:
            if result is not None and saved:
                self._saved(
                    doc["id"],
                    _(
                        "{code}: {quantity} returned to the IKM; stock left {stock}",
                        code=saved.get("code", ""),
                        quantity=saved["returns"][-1]["quantity"],
                        stock=saved.get("stock", 0),
                    ),
                )

        values = {"quantity": str(doc.get("stock") or 0), "date": self.today().strftime("%d/%m/%Y")}
        self.app.push_screen(
            GalleryForm(
                _("Return stock to the IKM: {listing}", listing=service.describe_stock(doc)),
                return_fields(),
                values,
                saving(save, saved.update),
                db=self.db,
            ),
            closed,
        )

    def action_payout(self) -> None:
        current = self.db.get(self.TABLE, self.table.current_id) if self.table.current_id is not None else None
        chosen: dict[str, Any] = {}

        def check(form: dict[str, Any]) -> dict[str, str] | None:
            errors: dict[str, str] = {}
            try:
                chosen["ikm_id"] = service.resolve_ikm(self.db.docs("ikm"), form.get("ikm_id"))
            except ValueError as exc:
                errors["ikm_id"] = str(exc)
            try:
                chosen["month"] = parse_month(form.get("month"))
            except ValueError as exc:
                errors["month"] = str(exc)
            return errors or None

        def closed(result: Any) -> None:
            if result is None or not chosen:
                return
            year, month = chosen["month"]
            statement = payout_statement(self._tables(), chosen["ikm_id"], year, month)
            self.app.push_screen(ViewerScreen(payout_renderable(statement, printed_on=self.today())))

        values = {
            "ikm_id": service.ikm_code(self.db, current.get("ikm_id")) if current else "",
            "month": self.today().strftime("%m/%Y"),
        }
        self.app.push_screen(GalleryForm(_("Payout statement"), payout_fields(), values, check, db=self.db), closed)

    def action_open_photo(self) -> None:
        doc = self.current_doc()
        if doc is None:
            return
        photos = list(doc.get("photos") or [])
        if not photos:
            self.notify(_("{code} has no photo", code=doc.get("code", "")), severity="warning")
            return
        if len(photos) == 1:
            self._open(photos[0])
            return
        listing = "\n".join(f"{n}. {path}" for n, path in enumerate(photos, 1))

        def chosen(answer: str | None) -> None:
            if answer is None:
                return
            text = answer.strip()
            if not text.isdigit() or not 1 <= int(text) <= len(photos):
                self.notify(_("Type a number from 1 to {n}", n=len(photos)), severity="warning")
                return
            self._open(photos[int(text) - 1])

        self.app.push_screen(PromptScreen(_("Which photo? (1-{n})", n=len(photos)) + "\n" + listing, "1"), chosen)

    def _open(self, name: str) -> None:
        """Show a photo, only ever from the database's media folder (a path stored by an older version is not
        served: the listing is edited to bring the photo in)."""
        from ikmtui.ui.kit.delivery import deliver_file, in_browser

        if in_browser(self.app):  # the server's viewer is of no use to an officer in a browser
            try:
                path = service.photo_file(self.db.path, name)
            except OSError as exc:
                self.notify(str(exc), severity="warning", timeout=8)
                return
            deliver_file(self.app, path, inline=True)
            return
        opened, message = service.open_photo(self.db.path, name)
        self.notify(message, severity="information" if opened else "warning", timeout=8)

    def action_summary(self) -> None:
        self.app.push_screen(ViewerScreen(summary_renderable(gallery_summary(self._tables(), self.today()))))
