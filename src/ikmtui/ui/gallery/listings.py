"""Gallery listings: the showroom's and marketplaces' products, their stock movements, sales and the makers'
payouts.

Keys: a add, e edit, d delete, j record a sale (jual), t stock received (terima), r return stock to the IKM,
k adjust the stock with a reason (koreksi), b cancel a sale (batal; a supervisor, with a reason), p consignment
statement, l mark a statement paid (lunas), o open a photo (only from the database's media folder), g gallery
summary, enter details. Every change goes through ``ikmtui.services.gallery``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from textual import on
from textual.binding import Binding

from ikmtui.domain import permissions
from ikmtui.domain.fields import parse_date
from ikmtui.domain.gallery import (
    category_label,
    consignment_end,
    listing_status,
    parse_month,
    sale_amounts,
    status_label,
)
from ikmtui.domain.money import format_number, format_rupiah
from ikmtui.domain.records import RecordInvalid
from ikmtui.i18n import _, format_date
from ikmtui.reports.gallery import (
    consignment_renderable,
    gallery_summary,
    listing_sheet,
    monthly_consignment,
    summary_renderable,
)
from ikmtui.services import gallery as service
from ikmtui.storage import StorageError
from ikmtui.tabular import Column
from ikmtui.ui.gallery.documents import GALLERY_DOCUMENT_BINDINGS, GalleryDocuments
from ikmtui.ui.gallery.forms import (
    GalleryForm,
    ListingForm,
    adjust_fields,
    paid_fields,
    payout_fields,
    receive_fields,
    return_fields,
    sale_fields,
)
from ikmtui.ui.kit.dialogs import ConfirmScreen, PromptScreen, ReasonScreen, ViewerScreen
from ikmtui.ui.kit.form import FormField, saving
from ikmtui.ui.kit.screen import TableScreen
from ikmtui.ui.kit.vtable import VirtualTable

REPORT_TABLES = ("ikm", "clusters", "gallery_listings", "sales", "stock_movements")


class GalleryScreen(TableScreen, GalleryDocuments):
    TITLE_MSG = "Gallery"
    TABLE = "gallery_listings"
    SEARCH_FIELDS = ("code", "sku")
    BINDINGS = [
        Binding("a", "add", "Add listing", id="gallery.add"),
        Binding("e", "edit", "Edit listing", id="gallery.edit"),
        Binding("d", "delete", "Delete listing", id="gallery.delete"),
        Binding("j", "sell", "Record sale", id="gallery.sell"),
        Binding("t", "receive", "Stock received", id="gallery.receive"),
        Binding("r", "return_stock", "Return stock", id="gallery.return"),
        Binding("k", "adjust", "Adjust stock", id="gallery.adjust"),
        Binding("b", "cancel_sale", "Cancel a sale", id="gallery.cancel_sale"),
        Binding("p", "payout", "Consignment statement", id="gallery.payout"),
        *GALLERY_DOCUMENT_BINDINGS,
        Binding("l", "mark_paid", "Mark statement paid", id="gallery.paid"),
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
            return service.create_listing(self.db, form, today=self.today())

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
                new=False,
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
                    "Delete {code} {product}? It goes to the recycle bin, from which a supervisor can restore it.",
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
        if doc is not None and int(doc.get("stock") or 0) <= 0:
            self.notify(_("{code} has no stock left to return", code=doc.get("code", "")), severity="warning")
            return
        self._stock_form(
            lambda listing: _("Return stock to the IKM: {listing}", listing=listing),
            return_fields(),
            {"quantity": str((doc or {}).get("stock") or 0)},
            service.return_stock,
            lambda saved: _(
                "{code}: {quantity} returned to the IKM; stock left {stock}",
                code=saved.get("code", ""),
                quantity=saved["returns"][-1]["quantity"],
                stock=saved.get("stock", 0),
            ),
        )

    def _stock_form(
        self,
        title: Callable[[str], str],
        fields: list[FormField],
        values: dict[str, Any],
        write: Callable[..., dict[str, Any]],
        message: Callable[[dict[str, Any]], str],
    ) -> None:
        """A form that moves the stock of the listing under the cursor through the service ``write``, which takes
        the form's fields by name (dated today unless typed otherwise); once saved, ``message(saved listing)``."""
        doc = self.current_doc()
        if doc is None:
            return
        saved: dict[str, Any] = {}

        def closed(result: Any) -> None:
            if result is not None and saved:
                self._saved(doc["id"], message(saved))

        self.app.push_screen(
            GalleryForm(
                title(service.describe_stock(doc)),
                fields,
                {"date": self.today().strftime("%d/%m/%Y"), **values},
                saving(
                    lambda form: write(
                        self.db,
                        doc["id"],
                        **{spec.name: form.get(spec.name) or "" for spec in fields},
                        today=self.today(),
                    ),
                    saved.update,
                ),
                db=self.db,
            ),
            closed,
        )

    def action_receive(self) -> None:
        self._stock_form(
            lambda listing: _("Stock received from the IKM: {listing}", listing=listing),
            receive_fields(),
            {},
            service.receive_stock,
            lambda saved: _("{code}: stock received; stock now {stock}", code=saved["code"], stock=saved["stock"]),
        )

    def action_adjust(self) -> None:
        self._stock_form(
            lambda listing: _("Adjust the stock: {listing}", listing=listing),
            adjust_fields(),
            {},
            service.adjust_stock,
            lambda saved: _("{code}: stock adjusted; stock now {stock}", code=saved["code"], stock=saved["stock"]),
        )

    def action_cancel_sale(self) -> None:
        doc = self.current_doc()
        if doc is None:
            return
        try:  # asked first: an operator is not made to pick a sale and give a reason for nothing
            permissions.require(self.db.docs("staff"), self.db.user, "records.correct")
        except PermissionError as exc:
            self.report_error(exc)
            return
        sales = sorted(service.sales_of(self.db, doc["id"]), key=lambda s: (str(s.get("date")), s["id"]), reverse=True)
        if not sales:
            self.notify(_("{code} has no sale to cancel", code=doc.get("code", "")), severity="warning")
            return

        def line(sale: dict[str, Any]) -> str:
            return f"{sale.get('code', '')} · {format_date(parse_date(sale['date']))} · {sale.get('quantity')} × " + (
                format_rupiah(int(sale.get("unit_price") or 0))
            )

        def cancel(sale: dict[str, Any], reason: str | None) -> None:
            if not reason:
                return
            try:
                saved = service.cancel_sale(self.db, sale["id"], reason=reason, expected_version=sale.get("version"))
            except RecordInvalid as exc:
                self.report_error(ValueError("; ".join(exc.errors.values())))
                return
            except (StorageError, ValueError, PermissionError) as exc:
                self.report_error(exc)
                return
            self._saved(
                doc["id"],
                _("Sale {sale} cancelled; stock now {stock}", sale=sale.get("code", ""), stock=saved.get("stock", 0)),
            )

        def ask_reason(sale: dict[str, Any]) -> None:
            self.app.push_screen(
                ReasonScreen(_("Cancel sale {sale}? Why:", sale=line(sale))), lambda reason: cancel(sale, reason)
            )

        if len(sales) == 1:
            ask_reason(sales[0])
            return
        listing = "\n".join(f"{n}. {line(sale)}" for n, sale in enumerate(sales[:20], 1))

        def chosen(answer: str | None) -> None:
            if answer is None:
                return
            text = answer.strip()
            if not text.isdigit() or not 1 <= int(text) <= min(len(sales), 20):
                self.notify(_("Type a number from 1 to {n}", n=min(len(sales), 20)), severity="warning")
                return
            ask_reason(sales[int(text) - 1])

        self.app.push_screen(
            PromptScreen(_("Which sale? (1-{n}, newest first)", n=min(len(sales), 20)) + "\n" + listing, "1"), chosen
        )

    def action_payout(self) -> None:
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
            statement = monthly_consignment(self._tables(), chosen["ikm_id"], year, month)
            self.app.push_screen(ViewerScreen(consignment_renderable(statement, printed_on=self.today())))

        self.app.push_screen(
            GalleryForm(_("Consignment statement"), payout_fields(), self._statement_values(), check, db=self.db),
            closed,
        )

    def _statement_values(self) -> dict[str, Any]:
        """The IKM of the listing under the cursor and this month."""
        current = self.db.get(self.TABLE, self.table.current_id) if self.table.current_id is not None else None
        return {
            "ikm_id": service.ikm_code(self.db, current.get("ikm_id")) if current else "",
            "month": self.today().strftime("%m/%Y"),
        }

    def action_mark_paid(self) -> None:
        paid: list[dict[str, Any]] = []

        def save(form: dict[str, Any]) -> list[dict[str, Any]]:
            errors: dict[str, str] = {}
            try:
                ikm_id = service.resolve_ikm(self.db.docs("ikm"), form.get("ikm_id"))
            except ValueError as exc:
                errors["ikm_id"] = str(exc)
            try:
                year, month = parse_month(form.get("month"))
            except ValueError as exc:
                errors["month"] = str(exc)
            if errors:
                raise RecordInvalid(errors)
            return service.mark_paid(
                self.db,
                ikm_id,
                year,
                month,
                paid_on=form.get("paid_on"),
                reference=form.get("reference") or "",
                today=self.today(),
            )

        def closed(result: Any) -> None:
            if result is not None and paid:
                self._saved(
                    self.table.current_id,
                    _(
                        "Paid {amount} to the IKM ({n} sale lines), transfer {reference}",
                        amount=format_rupiah(sum(sale_amounts(sale)[2] for sale in paid)),
                        n=len(paid),
                        reference=paid[0]["payout"]["reference"],
                    ),
                )

        values = {**self._statement_values(), "paid_on": self.today().strftime("%d/%m/%Y")}
        self.app.push_screen(
            GalleryForm(
                _("Mark a consignment statement paid"), paid_fields(), values, saving(save, paid.extend), db=self.db
            ),
            closed,
        )

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
