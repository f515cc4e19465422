"""Collections: the worklist of overdue loans (most days past due first, with the borrower's phone and address,
the last contact and the last warning letter), the contact log of a loan (calls, visits, letters, outcomes,
promises to pay), and the warning letters SP1-SP3 and the repayment card as PDF.

The Credit screens reach it with ``l`` and print a loan's repayment card with ``k`` (:data:`DOCUMENT_BINDINGS`,
:class:`LoanDocuments`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.table import Table
from textual import on
from textual.binding import Binding

from ikmtui.domain.money import format_rupiah
from ikmtui.i18n import N_, _, format_date
from ikmtui.services import collections as svc
from ikmtui.services import documents
from ikmtui.tabular import Column
from ikmtui.ui.kit.dialogs import ViewerScreen
from ikmtui.ui.kit.documents import save_document
from ikmtui.ui.kit.form import FormField, FormScreen, saving
from ikmtui.ui.kit.screen import TableScreen
from ikmtui.ui.kit.vtable import VirtualTable

if TYPE_CHECKING:
    from ikmtui.ui.kit.screen import BaseScreen

#: Keys the Credit screens add for documents: the repayment card of the loan meant, and this worklist.
DOCUMENT_BINDINGS = [
    Binding("k", "loan_card", "Repayment card (PDF)", id="credit.loan_card"),
    Binding("l", "collections", "Collections worklist", id="credit.collections"),
]


def print_loan_card(screen: BaseScreen, doc: dict[str, Any] | None) -> None:
    """Save the repayment card of the loan ``doc`` (a stored application) as a PDF."""
    if doc is None:
        return
    code = str(doc.get("code", ""))
    save_document(
        screen,
        documents.file_name("loan_card", code),
        lambda: documents.make_loan_card(screen.db, code, on=screen.today()),
    )


class LoanDocuments:
    """Mixed into a Credit screen that says which application is meant (``selected_application``)."""

    app: Any

    def selected_application(self) -> dict[str, Any] | None:
        raise NotImplementedError

    def action_loan_card(self) -> None:
        print_loan_card(self, self.selected_application())  # type: ignore[arg-type]

    def action_collections(self) -> None:
        self.app.push_screen(CollectionsScreen())


def _day(value: Any) -> str:
    from ikmtui.domain.fields import parse_date

    try:
        return format_date(parse_date(value)) if value else ""
    except ValueError:
        return str(value)


def contact_text(doc: dict[str, Any] | None) -> str:
    """``4 Des 2026 telepon: janji bayar`` (or the letter's number)."""
    if not doc:
        return ""
    what = f"SP{doc['level']} {doc.get('number', '')}" if doc.get("level") else svc.kind_label(str(doc.get("kind")))
    outcome = "" if doc.get("level") else str(doc.get("outcome") or "")
    return f"{_day(doc.get('date'))} {what}" + (f": {outcome}" if outcome else "")


class CollectionsScreen(TableScreen):
    """Overdue loans, most days past due first; a contact log per loan; reminders issued from here."""

    TITLE_MSG = "Collections"
    TABLE = "credit_applications"
    BINDINGS = [
        Binding("escape", "back", "Back", id="collections.back"),
        Binding("n", "log_contact", "Log contact", id="collections.contact"),
        Binding("i", "contacts", "Contact log", id="collections.log"),
        Binding("1", "reminder(1)", "Warning letter SP1", id="collections.sp1"),
        Binding("2", "reminder(2)", "Warning letter SP2", id="collections.sp2"),
        Binding("3", "reminder(3)", "Warning letter SP3", id="collections.sp3"),
        Binding("k", "loan_card", "Repayment card (PDF)", id="collections.loan_card"),
    ]

    def columns(self) -> list[Column]:
        return [
            Column("code", "Loan", 13),
            Column("ikm_name", "IKM", 24),
            Column("owner", "Owner", 18),
            Column("phone", "Phone", 14),
            Column("dpd", "Days late", 9, "right"),
            Column("overdue", "Overdue", 13, "right", fmt=lambda v: format_rupiah(v) if v is not None else ""),
            Column("outstanding", "Outstanding", 13, "right", fmt=lambda v: format_rupiah(v) if v is not None else ""),
            Column("last_contact", "Last contact", 28),
            Column("promise", "Promised", 12),
            Column("last_letter", "Last letter", 28),
            Column("address", "Address", 30),
        ]

    def records(self) -> Any:
        rows = []
        for row in svc.worklist(self.db, self.today()):
            loan = row.loan
            last = row.last_contact or {}
            rows.append(
                (
                    int(loan.application_id or 0),
                    {
                        "id": int(loan.application_id or 0),
                        "code": loan.code,
                        "ikm_name": f"{row.ikm_name} ({row.ikm_code})",
                        "owner": row.owner,
                        "phone": row.phone,
                        "address": row.address,
                        "dpd": loan.days_past_due,
                        "overdue": loan.overdue,
                        "outstanding": loan.outstanding_principal,
                        "last_contact": contact_text(row.last_contact),
                        "promise": _day(last.get("promise_date")),
                        "last_letter": contact_text(row.last_letter),
                    },
                )
            )
        return rows

    def update_status(self) -> None:
        super().update_status()
        self.query_one("#status").update(  # type: ignore[attr-defined]
            _("{n} loans past due on {date}", n=self.table.rows.total, date=format_date(self.today()))
            + "   "
            + _("n log contact · i contact log · 1/2/3 warning letter · k repayment card")
        )

    def action_back(self) -> None:
        self.dismiss()

    def _loan(self) -> dict[str, Any] | None:
        return self.current_doc()

    def action_log_contact(self) -> None:
        doc = self._loan()
        if doc is None:
            return
        fields = [
            FormField("kind", "Contact", "select", [(svc.kind_label(k), k) for k in svc.CONTACT_KINDS]),
            FormField("date", "Date", placeholder="27/11/2026"),
            FormField("outcome", "Outcome", placeholder=N_("e.g. promised to pay, not reached")),
            FormField("promise_date", "Promise to pay on", placeholder="27/11/2026"),
            FormField("note", "Note"),
        ]

        def save(values: dict[str, Any]) -> dict[str, Any]:
            return svc.log_contact(
                self.db,
                int(doc["id"]),
                values.get("kind") or "",
                outcome=values.get("outcome"),
                promise_date=values.get("promise_date"),
                note=values.get("note"),
                on=values.get("date") or self.today(),
            )

        def closed(result: Any) -> None:
            if result is not None:
                self.context.data_saved()
                self.notify(_("Contact recorded on {code}", code=doc.get("code", "")), timeout=4)

        title = _("Contact with the borrower of {code}", code=doc.get("code", ""))
        self.app.push_screen(FormScreen(title, fields, {"kind": "call"}, saving(save)), closed)

    def action_contacts(self) -> None:
        doc = self._loan()
        if doc is None:
            return
        table = Table(title=_("Contact log of {code}", code=doc.get("code", "")), expand=True)
        for title in (_("Date"), _("Contact"), _("Outcome"), _("Promised"), _("Officer"), _("Note")):
            table.add_column(title)
        contacts = svc.contacts_of(self.db, int(doc["id"]))
        for contact in contacts:
            what = svc.kind_label(str(contact.get("kind")))
            if contact.get("level"):
                what = f"SP{contact['level']} {contact.get('number', '')}"
            table.add_row(
                _day(contact.get("date")),
                what,
                str(contact.get("outcome") or ""),
                _day(contact.get("promise_date")),
                str(contact.get("officer") or ""),
                str(contact.get("note") or ""),
            )
        if not contacts:
            table.caption = _("No contact recorded yet")
        self.app.push_screen(ViewerScreen(table))

    @on(VirtualTable.RowActivated)
    def _row_activated(self, event: VirtualTable.RowActivated) -> None:
        event.stop()
        self.action_contacts()

    def action_reminder(self, level: int) -> None:
        doc = self._loan()
        if doc is None:
            return
        code = str(doc.get("code", ""))
        save_document(
            self,
            documents.file_name(f"SP{level}", code),
            lambda: documents.make_reminder(self.db, code, level, on=self.today()),
        )

    def action_loan_card(self) -> None:
        print_loan_card(self, self._loan())
