"""The Credit actions, shared by the applications table and the application detail: new and edit, the lifecycle
steps, repayments (single and bulk), the loan simulator and the portfolio summary.

Each action calls ``ikmtui.services.credit``; a step the lifecycle, maker-checker or the officer's role does not
allow is refused at once with the service's message (a notification), before any dialog, and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.binding import Binding

from ikmtui.domain.credit import BANKS, DEFAULT_PRODUCT, state_label
from ikmtui.domain.fields import parse_date
from ikmtui.domain.money import format_rupiah, parse_rupiah
from ikmtui.domain.records import RecordInvalid
from ikmtui.i18n import _
from ikmtui.services import credit as svc
from ikmtui.services.registry import IkmIndex
from ikmtui.ui.credit import common as common
from ikmtui.ui.credit.forms import (
    STEPS,
    ApplicationForm,
    StepForm,
    application_fields,
    repayment_fields,
    step_fields,
)
from ikmtui.ui.kit.form import FormScreen

if TYPE_CHECKING:
    from datetime import date

    from ikmtui.storage import Database
    from ikmtui.ui.kit.context import AppContext

Errors = dict[str, str] | None

#: Keys of the Credit actions. The table keeps ``s`` (sort), ``/`` (search), arrows and enter for itself.
STEP_BINDINGS = [
    Binding("u", "step('submitted')", "Submit", id="credit.submit"),
    Binding("v", "step('verified')", "Verify", id="credit.verify"),
    Binding("p", "step('approved')", "Approve", id="credit.approve"),
    Binding("x", "step('rejected')", "Reject", id="credit.reject"),
    Binding("w", "step('withdrawn')", "Withdraw", id="credit.withdraw"),
    Binding("c", "step('disbursed')", "Disburse", id="credit.disburse"),
    Binding("o", "step('written_off')", "Write off", id="credit.write_off"),
]
LOAN_BINDINGS = [
    Binding("r", "repay", "Repayment", id="credit.repay"),
    Binding("b", "bulk", "Bulk repayments", id="credit.bulk"),
    Binding("m", "simulate", "Loan simulator", id="credit.simulate"),
    Binding("g", "portfolio", "Portfolio", id="credit.portfolio"),
]


class CreditActions:
    """Mixed into a Credit screen (after ``BaseScreen``): the screen says which application is meant."""

    if TYPE_CHECKING:  # given by BaseScreen as read-only properties

        @property
        def db(self) -> Database: ...

        @property
        def context(self) -> AppContext: ...

    today: Callable[[], date]
    app: Any
    notify: Callable[..., None]

    # ------------------------------------------------------------------ to be given by the screen
    def selected_application(self) -> dict[str, Any] | None:
        """The stored application the action is about (``None`` after telling the officer why)."""
        raise NotImplementedError

    def show_application(self, app_id: int) -> None:
        """Make ``app_id`` the one shown or under the cursor after a change."""

    # ------------------------------------------------------------------ helpers
    def refuse(self, exc: BaseException | str) -> None:
        self.notify(str(exc), severity="error", timeout=10)

    def applicant_name(self, doc: dict[str, Any]) -> str:
        ikm_id = doc.get("ikm_id")
        ikm = self.db.get("ikm", ikm_id) if ikm_id is not None else None
        return str((ikm or {}).get("name") or "?")

    def _changed(self, app_id: int | None, message: str) -> None:
        self.context.data_saved()
        if app_id is not None:
            self.show_application(app_id)
        self.notify(message, timeout=6)

    # ------------------------------------------------------------------ new / edit
    def action_new(self) -> None:
        index = IkmIndex.of(self.db)
        created: dict[str, Any] = {}

        def submit(values: dict[str, Any]) -> Errors:
            data = dict(values)
            ikm_error = ""
            try:
                data["ikm_id"] = index.resolve(values.get("ikm_id"))
            except ValueError as exc:
                # Still ask the service about the other fields: with no IKM it refuses before storing anything.
                ikm_error, data["ikm_id"] = str(exc), None
            try:
                created.update(svc.create_application(self.db, data, date=self.today()))
            except RecordInvalid as exc:
                return {**exc.errors, **({"ikm_id": ikm_error} if ikm_error else {})}
            except common.REFUSALS as exc:
                return {"__all__": str(exc), **({"ikm_id": ikm_error} if ikm_error else {})}
            return None

        def closed(result: Any) -> None:
            if result is not None and created:
                self._changed(created["id"], _("Saved {code} as a draft", code=created["code"]))

        values = {"product": DEFAULT_PRODUCT, "bank": BANKS[0], "documents": []}
        self.app.push_screen(
            ApplicationForm(_("New credit application"), application_fields(), values, submit, index=index), closed
        )

    def action_edit(self) -> None:
        doc = self.selected_application()
        if doc is None:
            return
        editable = svc.editable_fields(doc)
        if not editable:
            self.refuse(svc.not_editable_message(doc))
            return
        index = IkmIndex.of(self.db)
        saved: dict[str, Any] = {}

        def submit(values: dict[str, Any]) -> Errors:
            data = dict(values)
            if "ikm_id" in data:
                try:
                    data["ikm_id"] = index.resolve(values.get("ikm_id"))
                except ValueError as exc:
                    return {"ikm_id": str(exc)}
            try:
                saved.update(svc.update_application(self.db, doc["id"], data, expected_version=doc.get("version")))
            except RecordInvalid as exc:
                return exc.errors
            except common.REFUSALS as exc:
                return {"__all__": str(exc)}
            return None

        def closed(result: Any) -> None:
            if result is not None and saved:
                self._changed(doc["id"], _("Saved {code}", code=saved.get("code", "")))

        values = {
            "ikm_id": index.label(doc.get("ikm_id")),
            "product": doc.get("product"),
            "amount_requested": common.typed_rupiah(doc.get("amount_requested")),
            "tenor_months": str(doc.get("tenor_months") or ""),
            "purpose": doc.get("purpose", ""),
            "collateral": doc.get("collateral", ""),
            "documents": list(doc.get("documents") or []),
            "bank": doc.get("bank"),
        }
        title = _("Edit {code}", code=doc.get("code", ""))
        if doc.get("state") != "draft":
            title += "\n" + _(
                "Only the document checklist can still change: {code} is {state}",
                code=doc.get("code", ""),
                state=state_label(str(doc.get("state"))),
            )
        self.app.push_screen(ApplicationForm(title, application_fields(editable), values, submit, index=index), closed)

    # ------------------------------------------------------------------ lifecycle
    def action_step(self, state: str) -> None:
        doc = self.selected_application()
        if doc is None:
            return
        step = STEPS[state]
        try:
            svc.check_step(self.db, doc["id"], state)
        except common.REFUSALS as exc:
            self.refuse(exc)
            return
        done: dict[str, Any] = {}

        def submit(values: dict[str, Any]) -> Errors:
            errors: dict[str, str] = {}
            day = self.today()
            if str(values.get("date") or "").strip():
                try:
                    day = parse_date(values["date"])
                except ValueError as exc:
                    errors["date"] = str(exc)
            amount = None
            if step.amount and str(values.get("amount_approved") or "").strip():
                try:
                    amount = parse_rupiah(values["amount_approved"])
                except ValueError as exc:
                    errors["amount_approved"] = str(exc)
            if errors:
                return errors
            note = str(values.get("note") or "")
            try:
                done.update(
                    svc.transition(
                        self.db,
                        doc["id"],
                        state,
                        note=note,
                        date=day,
                        expected_version=doc.get("version"),
                        amount_approved=amount,
                    )
                )
            except common.REFUSALS as exc:
                self.refuse(exc)
                field = "note" if step.reason and not note.strip() else "__all__"
                return {field: str(exc)}
            return None

        def closed(result: Any) -> None:
            if result is not None and done:
                self._changed(
                    doc["id"],
                    _("{code} is now {state}", code=done.get("code", ""), state=state_label(str(done.get("state")))),
                )

        amount = doc.get("amount_approved") if doc.get("amount_approved") is not None else doc.get("amount_requested")
        question = _(
            step.question, code=doc.get("code", ""), applicant=self.applicant_name(doc), amount=common.rupiah(amount)
        )
        values = {
            "date": common.typed_day(self.today()),
            "amount_approved": common.typed_rupiah(doc.get("amount_requested")),
        }
        self.app.push_screen(StepForm(question, step_fields(step), values, submit, verb=step.verb), closed)

    # ------------------------------------------------------------------ repayments
    def action_repay(self) -> None:
        doc = self.selected_application()
        if doc is None:
            return
        try:
            svc.check_takes_repayments(self.db, doc["id"])
        except common.REFUSALS as exc:
            self.refuse(exc)
            return
        day = self.today()
        ledger = svc.loan_ledger(self.db, doc["id"])
        recorded: dict[str, Any] = {}

        def submit(values: dict[str, Any]) -> Errors:
            errors: dict[str, str] = {}
            paid_on = day
            if str(values.get("date") or "").strip():
                try:
                    paid_on = parse_date(values["date"])
                except ValueError as exc:
                    errors["date"] = str(exc)
            try:
                amount = parse_rupiah(values.get("amount") or "")
            except ValueError as exc:
                errors["amount"] = str(exc)
            if errors:
                return errors
            try:
                result = svc.record_repayment(
                    self.db,
                    doc["id"],
                    paid_on,
                    amount,
                    note=str(values.get("note") or ""),
                    prepay=bool(values.get("prepay")),
                    expected_version=doc.get("version"),
                )
            except common.REFUSALS as exc:
                self.refuse(exc)
                return {"__all__": str(exc)}
            recorded["result"] = result
            return None

        def closed(result: Any) -> None:
            outcome: svc.RepaymentResult | None = recorded.get("result")
            if result is None or outcome is None:
                return
            paid = outcome.repayment
            message = _(
                "Recorded {code}: {principal} principal, {interest} interest",
                code=paid.get("code", ""),
                principal=format_rupiah(int(paid.get("principal") or 0)),
                interest=format_rupiah(int(paid.get("interest") or 0)),
            )
            if paid.get("waived_interest"):
                message += "; " + _(
                    "{waived} interest of later installments waived", waived=format_rupiah(int(paid["waived_interest"]))
                )
            if outcome.closed:
                message += "\n" + _("{code} is paid off and closed", code=doc.get("code", ""))
            self._changed(doc["id"], message)

        oldest = ledger.oldest_unpaid() if ledger is not None else None
        lines = [_("Repayment of {code} ({applicant})", code=doc.get("code", ""), applicant=self.applicant_name(doc))]
        if ledger is not None:
            lines.append(
                _(
                    "Due by {date}: {due} · still owed {owed} · payoff on {date}: {payoff}",
                    date=common.shown_day(day),
                    due=format_rupiah(ledger.due_on(day)),
                    owed=format_rupiah(ledger.remaining_total),
                    payoff=format_rupiah(ledger.payoff_amount(day)),
                )
            )
        values = {
            "date": common.typed_day(day),
            "amount": common.typed_rupiah(oldest.unpaid) if oldest is not None else "",
        }
        self.app.push_screen(FormScreen("\n".join(lines), repayment_fields(), values, submit), closed)

    def action_bulk(self) -> None:
        from ikmtui.ui.credit.bulk import BulkRepaymentScreen

        self.app.push_screen(BulkRepaymentScreen())

    def action_simulate(self) -> None:
        from ikmtui.ui.credit.simulator import SimulatorScreen

        doc = self.peek_application()
        self.app.push_screen(SimulatorScreen(doc))

    def action_portfolio(self) -> None:
        from ikmtui.ui.credit.portfolio import PortfolioScreen

        self.app.push_screen(PortfolioScreen())

    def peek_application(self) -> dict[str, Any] | None:
        """The application in view, if any, without complaining when there is none."""
        return None
