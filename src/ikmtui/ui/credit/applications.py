"""Credit applications: the table of every application, filtered as you type and sortable, with the lifecycle,
repayments, the loan simulator and the portfolio summary on single keys (see ``ui.credit.actions``).

Keys: a new, e edit a draft, i (or enter) detail, u submit, v verify, p approve, x reject, w withdraw,
c disburse (cair), o write off, r repayment, b bulk repayments, m loan simulator, g portfolio summary; corrections
(a supervisor, with a reason): R reverse a repayment, C undo a disbursement, P undo an approval (w and x withdraw or
cancel an approved application).
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.binding import Binding
from textual.widgets import Static

from ikmtui.domain.arrears import DaysPastDue
from ikmtui.domain.credit import state_label
from ikmtui.domain.money import format_rupiah
from ikmtui.i18n import _
from ikmtui.tabular import Column
from ikmtui.ui.credit import common as common
from ikmtui.ui.credit.actions import CORRECTION_BINDINGS, LOAN_BINDINGS, STEP_BINDINGS, CreditActions
from ikmtui.ui.credit.collections import DOCUMENT_BINDINGS, LoanDocuments
from ikmtui.ui.kit.screen import TableScreen
from ikmtui.ui.kit.vtable import VirtualTable


def _amount(value: Any) -> str:
    return format_rupiah(value) if value is not None else ""


class CreditScreen(TableScreen, CreditActions, LoanDocuments):
    TITLE_MSG = "Credit"
    TABLE = "credit_applications"
    #: Also found by the state's stored name (``disbursed``) and the purpose.
    SEARCH_FIELDS = ("state", "purpose")
    BINDINGS = [
        Binding("a", "new", "New application", id="credit.new"),
        Binding("e", "edit", "Edit draft", id="credit.edit"),
        Binding("i", "detail", "Detail", id="credit.detail"),
        *STEP_BINDINGS,
        *LOAN_BINDINGS,
        *CORRECTION_BINDINGS,
        *DOCUMENT_BINDINGS,
    ]

    #: Above this many loan ledgers to replay, days past due are computed in a worker thread and filled in
    #: when ready (the table shows at once); below it they are computed before the table is shown.
    BACKGROUND_LEDGERS = 300

    def __init__(self) -> None:
        super().__init__()
        self._late = DaysPastDue()
        self._dpd: dict[int, int] = {}
        self._dpd_key: tuple[Any, ...] | None = None

    def columns(self) -> list[Column]:
        ikm = self.db.docs("ikm")
        names = {int(k): d.get("name", "") for k, d in ikm.items()}
        self._refresh_days_past_due()
        late = self._dpd
        return [
            Column("code", "Code", 13),
            Column("ikm", "Applicant", 26, value=lambda d: names.get(d.get("ikm_id", 0), "?")),
            Column("product", "Product", 9),
            Column("amount_requested", "Requested", 14, "right", fmt=_amount),
            Column("amount_approved", "Approved", 14, "right", fmt=_amount),
            Column("tenor_months", "Months", 6, "right"),
            Column("state", "State", 14, value=lambda d: state_label(str(d.get("state", "")))),
            Column("dpd", "Days late", 9, "right", value=lambda d: late.get(int(d["id"])) if "id" in d else None),
            Column("bank", "Bank", 20),
        ]

    def _refresh_days_past_due(self) -> None:
        as_of = self.today()
        key = (as_of, self.context.version)
        if key == self._dpd_key:
            return
        self._dpd_key = key
        apps = list(self.db.docs(self.TABLE).items())  # snapshots: the worker never reads live tables
        repayments = list(self.db.docs("repayments").items())
        if self._late.missing(apps, as_of) <= self.BACKGROUND_LEDGERS:
            self._dpd = self._late(apps, repayments, as_of)
            return

        def work() -> None:
            result = self._late(apps, repayments, as_of)
            self.app.call_from_thread(self._days_past_due_ready, key, result)

        self.run_worker(work, thread=True, exclusive=True, group="credit-days-past-due")

    def _days_past_due_ready(self, key: tuple[Any, ...], result: dict[int, int]) -> None:
        if key != self._dpd_key or not self.is_attached:
            return  # the data changed meanwhile: a newer computation is on its way
        self._dpd = result
        self.reload(keep_id=self.table.current_id)

    def records(self) -> Any:
        return ((int(key), {**doc, "id": int(key)}) for key, doc in self.db.docs(self.TABLE).items())

    def update_status(self) -> None:
        super().update_status()
        status = self.query_one("#status", Static)
        text = str(status.content)
        status.update(text + "  " + _("· as of {date}", date=common.shown_day(self.today())))

    # ------------------------------------------------------------------ CreditActions
    def selected_application(self) -> dict[str, Any] | None:
        return self.current_doc()

    def peek_application(self) -> dict[str, Any] | None:
        record_id = self.table.current_id
        return self.db.get(self.TABLE, record_id) if record_id is not None else None

    def show_application(self, app_id: int) -> None:
        self.reload(keep_id=app_id)

    # ------------------------------------------------------------------ detail
    @on(VirtualTable.RowActivated)
    def _row_activated(self, event: VirtualTable.RowActivated) -> None:
        event.stop()
        self._open(event.record_id)

    def action_detail(self) -> None:
        doc = self.current_doc()
        if doc is not None:
            self._open(doc["id"])

    def _open(self, app_id: int) -> None:
        from ikmtui.ui.credit.detail import CreditDetailScreen

        self.app.push_screen(CreditDetailScreen(app_id))
