"""One credit application: its terms, the history of its steps, where the loan stands on the as-of date (days
past due, ageing bucket, collectability), its schedule with what is paid of each installment, and its
repayments. The same action keys as the table work here on this application; esc goes back."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Header, Static

from ikmtui.domain.arrears import LoanArrears
from ikmtui.domain.credit import DOCUMENTS, PRODUCTS, correction_label, method_label, state_label
from ikmtui.domain.money import format_number, format_rupiah
from ikmtui.i18n import _
from ikmtui.services import credit as svc
from ikmtui.services.credit import InstallmentRow, installment_rows
from ikmtui.ui.credit import common as common
from ikmtui.ui.credit.actions import CORRECTION_BINDINGS, LOAN_BINDINGS, STEP_BINDINGS, CreditActions
from ikmtui.ui.credit.collections import DOCUMENT_BINDINGS, LoanDocuments
from ikmtui.ui.kit.footer import AppFooter
from ikmtui.ui.kit.screen import BaseScreen

STATUS_STYLE = {"paid": "green", "overdue": "bold red", "due": "yellow", "partly paid": "yellow", "preview": "dim"}


def _table(title: str, **kwargs: Any) -> Table:
    return Table(
        title=title,
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
        **kwargs,
    )


def terms_renderable(doc: dict[str, Any], applicant: str) -> RenderableType:
    grid = _table(_("Application {code}", code=doc.get("code", "")), show_header=False)
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    product = PRODUCTS.get(str(doc.get("product", "")))
    rate = f"{float(doc.get('annual_rate') or 0):g}".replace(".", ",")
    documents = list(doc.get("documents") or [])
    checked = ", ".join(f"✓ {d}" if d in documents else f"✗ {d}" for d in DOCUMENTS)
    rows = [
        (_("State"), state_label(str(doc.get("state", "")))),
        (_("Applicant"), applicant),
        (_("Credit product"), product.name if product else str(doc.get("product", ""))),
        (_("Amount requested"), common.rupiah(doc.get("amount_requested"))),
        (_("Amount approved"), common.rupiah(doc.get("amount_approved")) or "—"),
        (_("Tenor (months)"), str(doc.get("tenor_months", ""))),
        (
            _("Interest"),
            _("{rate}% a year, {method}", rate=rate, method=method_label(str(doc.get("interest_method"))))
            + (
                " · " + _("rounded to {n}", n=format_rupiah(int(doc["rounding"])))
                if int(doc.get("rounding") or 1) > 1
                else ""
            ),
        ),
        (_("Purpose"), str(doc.get("purpose", ""))),
        (_("Collateral"), str(doc.get("collateral") or "—")),
        (_("Documents checked"), checked),
        (_("Channelling bank"), str(doc.get("bank", ""))),
        (_("Disbursed on"), common.shown_day(doc.get("disbursed_on")) or "—"),
    ]
    for label, value in rows:
        grid.add_row(label, value)
    return grid


def history_renderable(doc: dict[str, Any]) -> RenderableType:
    table = _table(_("History"))
    table.add_column(_("Date"), no_wrap=True)
    table.add_column(_("State"), no_wrap=True)
    table.add_column(_("Officer"), no_wrap=True)
    table.add_column(_("Note"))
    for entry in doc.get("history") or []:
        state = state_label(str(entry.get("state", "")))
        note = str(entry.get("note", ""))
        style = ""
        if entry.get("correction"):  # the record of a correction: what was corrected, and why
            state = correction_label(str(entry["correction"]))
            if entry.get("repayment"):
                note = f"{entry['repayment']}: {note}"
            style = "yellow"
        undone = entry.get("undone")
        if undone:  # a step taken back: kept, struck through, with who took it back, when and why
            note = (note + "; " if note else "") + _(
                "undone {date} by {user}: {reason}",
                date=common.shown_day(undone.get("date")),
                user=undone.get("by", ""),
                reason=undone.get("reason", ""),
            )
            style = "dim strike"
        table.add_row(
            common.shown_day(entry.get("date")), Text(state, style=style), str(entry.get("by", "")), Text(note)
        )
    return table


def status_renderable(doc: dict[str, Any], loan: LoanArrears | None, as_of: date) -> RenderableType:
    grid = _table(_("Position on {date}", date=common.shown_day(as_of)), show_header=False)
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    if loan is None:
        grid.add_row(_("Not disbursed"), _("the schedule below is a preview from {date}", date=common.shown_day(as_of)))
        return grid
    late_style = "bold red" if loan.days_past_due > 30 else "yellow" if loan.days_past_due else "green"
    rows: list[tuple[str, str | Text]] = [
        (_("Outstanding principal"), format_rupiah(loan.outstanding_principal)),
        (_("Interest still to pay"), format_rupiah(loan.outstanding_interest)),
        (_("Overdue amount"), format_rupiah(loan.overdue)),
        (_("Days past due"), Text(str(loan.days_past_due), style=late_style)),
        (_("Ageing"), common.bucket_text(loan.bucket)),
        (_("Collectability"), Text(common.grade_text(loan.collectability), style=late_style)),
        (
            _("Oldest unpaid"),
            _(
                "no. {no} · due {date} · {amount}",
                no=loan.oldest_unpaid_no,
                date=common.shown_day(loan.oldest_unpaid_due),
                amount=format_rupiah(loan.oldest_unpaid_amount),
            )
            if loan.oldest_unpaid_no
            else "—",
        ),
        (_("Principal repaid"), format_rupiah(loan.principal_paid)),
        (_("Interest paid"), format_rupiah(loan.interest_paid)),
        (_("Last payment"), common.shown_day(loan.last_payment) or "—"),
    ]
    if loan.state != "disbursed":
        rows.insert(0, (_("State"), f"{state_label(loan.state)} ({common.shown_day(loan.ended_on)})"))
    for label, value in rows:
        grid.add_row(label, value)
    return grid


def schedule_renderable(rows: list[InstallmentRow], preview: bool) -> RenderableType:
    title = _("Schedule (preview, Rp)") if preview else _("Schedule (Rp)")
    table = _table(title, show_footer=True)
    money = format_number
    table.add_column(_("No."), footer=_("Total"), justify="right", no_wrap=True)
    table.add_column(_("Due date"), no_wrap=True)
    table.add_column(_("Principal"), footer=money(sum(r.principal for r in rows)), justify="right", no_wrap=True)
    table.add_column(_("Interest"), footer=money(sum(r.interest for r in rows)), justify="right", no_wrap=True)
    table.add_column(_("Total"), footer=money(sum(r.total for r in rows)), justify="right", no_wrap=True)
    table.add_column(_("Balance"), justify="right", no_wrap=True)
    if not preview:
        table.add_column(_("Paid"), footer=money(sum(r.paid for r in rows)), justify="right", no_wrap=True)
        table.add_column(_("Unpaid"), footer=money(sum(r.unpaid for r in rows)), justify="right", no_wrap=True)
        table.add_column(_("Status"), no_wrap=True)
    for r in rows:
        cells: list[str | Text] = [
            str(r.no),
            common.typed_day(r.due),
            money(r.principal),
            money(r.interest),
            money(r.total),
            money(r.balance),
        ]
        if not preview:
            status = common.installment_status(r.status)
            if r.status == "paid" and r.paid_on:
                status += " " + common.typed_day(r.paid_on)
            elif r.status == "overdue":
                status += " " + _("{n} days", n=r.days_late)
            if r.waived:
                status += " · " + _("{amount} interest waived", amount=money(r.waived))
            cells += [money(r.paid), money(r.unpaid), Text(status, style=STATUS_STYLE.get(r.status, ""))]
        table.add_row(*cells)
    return table


def repayments_renderable(repayments: list[dict[str, Any]]) -> RenderableType:
    table = _table(_("Repayments"))
    table.add_column(_("Code"), no_wrap=True)
    table.add_column(_("Date"), no_wrap=True)
    table.add_column(_("Amount"), justify="right", no_wrap=True)
    table.add_column(_("Principal"), justify="right", no_wrap=True)
    table.add_column(_("Interest"), justify="right", no_wrap=True)
    table.add_column(_("Entry"), no_wrap=True)
    table.add_column(_("Note"))
    for r in repayments:
        note = str(r.get("note") or "")
        if r.get("prepayment"):
            note = _("early payoff") + (f"; {note}" if note else "")
        reversal = r.get("reversal")
        if reversal:  # kept on record, counted for nothing
            note = _(
                "reversed {date} by {user}: {reason}",
                date=common.shown_day(reversal.get("date")),
                user=reversal.get("by", ""),
                reason=reversal.get("reason", ""),
            ) + (f"; {note}" if note else "")
        style = "dim strike" if reversal else ""
        table.add_row(
            Text(str(r.get("code", "")), style=style),
            Text(common.typed_day(date.fromisoformat(str(r.get("date"))[:10])), style=style),
            Text(format_rupiah(int(r.get("amount") or 0)), style=style),
            format_rupiah(int(r.get("principal") or 0)),
            format_rupiah(int(r.get("interest") or 0)),
            _("bank list") if r.get("source") == "bulk" else _("manual"),
            Text(note, style="yellow" if reversal else ""),
        )
    if not repayments:
        return Group(table, Text(_("No repayments recorded"), style="dim"))
    return table


class CreditDetailScreen(BaseScreen, CreditActions, LoanDocuments):
    TITLE_MSG = "Credit application"
    BINDINGS = [
        Binding("escape", "back", "Back", id="credit.back"),
        Binding("e", "edit", "Edit draft", id="credit.edit"),
        *STEP_BINDINGS,
        *LOAN_BINDINGS,
        *CORRECTION_BINDINGS,
        *DOCUMENT_BINDINGS,
    ]
    DEFAULT_CSS = """
    CreditDetailScreen #detail { height: 1fr; padding: 0 1; }
    CreditDetailScreen #detail-top { height: auto; }
    CreditDetailScreen #detail-terms { width: 56; height: auto; }
    CreditDetailScreen #detail-side { width: 1fr; height: auto; padding-left: 2; }
    CreditDetailScreen #detail-status, CreditDetailScreen #detail-history { height: auto; }
    CreditDetailScreen #detail-schedule, CreditDetailScreen #detail-repayments { height: auto; margin-top: 1; }
    """

    def __init__(self, app_id: int) -> None:
        super().__init__()
        self.app_id = app_id
        self.loan: LoanArrears | None = None
        self.installments: list[InstallmentRow] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="detail"):
            with Horizontal(id="detail-top"):
                yield Static(id="detail-terms")
                with Vertical(id="detail-side"):
                    yield Static(id="detail-status")
                    yield Static(id="detail-history")
            yield Static(id="detail-schedule")
            yield Static(id="detail-repayments")
        yield AppFooter()

    def on_mount(self) -> None:
        self.query_one("#detail", VerticalScroll).focus()
        self.data_changed()

    def data_changed(self) -> None:
        super().data_changed()
        self.render_detail()

    def render_detail(self) -> None:
        doc = self.db.get(svc.APPS, self.app_id)
        if doc is None:  # deleted elsewhere: nothing left to show
            self.notify(_("No record selected"), severity="warning")
            self.dismiss()
            return
        as_of = self.today()
        self.title = self.screen_title()
        ikm = self.db.get("ikm", doc["ikm_id"]) or {}
        applicant = f"{ikm.get('code', '')} · {ikm.get('name', '?')}"
        try:
            self.loan = svc.loan_status(self.db, self.app_id, as_of)
            self.installments = installment_rows(self.db, self.app_id, as_of)
        except common.REFUSALS as exc:  # a record other software wrote badly: say so, show what there is
            self.report_error(exc)
            self.loan, self.installments = None, []
        preview = bool(self.installments) and self.installments[0].status == "preview"
        self.query_one("#detail-terms", Static).update(terms_renderable(doc, applicant))
        self.query_one("#detail-status", Static).update(status_renderable(doc, self.loan, as_of))
        self.query_one("#detail-history", Static).update(history_renderable(doc))
        self.query_one("#detail-schedule", Static).update(schedule_renderable(self.installments, preview))
        self.query_one("#detail-repayments", Static).update(
            repayments_renderable(svc.repayments_of(self.db, self.app_id))
        )

    def screen_title(self) -> str:
        doc = self.db.get(svc.APPS, self.app_id) or {}
        return f"{_(self.TITLE_MSG)} {doc.get('code', '')}".strip()

    # ------------------------------------------------------------------ CreditActions
    def selected_application(self) -> dict[str, Any] | None:
        return self.db.get(svc.APPS, self.app_id)

    def peek_application(self) -> dict[str, Any] | None:
        return self.db.get(svc.APPS, self.app_id)

    def action_back(self) -> None:
        self.dismiss()
