"""The Credit actions, shared by the applications table and the application detail: new and edit, the lifecycle
steps, repayments (single and bulk), corrections (reverse a repayment, undo a disbursement or an approval), the loan
simulator and the portfolio summary.

Each action calls ``ikmtui.services.credit``; a step or correction the lifecycle, maker-checker or the officer's
role does not allow is refused at once with the service's message (a notification), before any dialog, and nothing
changes. A date after today is refused beside the date field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.binding import Binding

from ikmtui.domain.credit import BANKS, DEFAULT_PRODUCT, check_not_future, show_date, state_label
from ikmtui.domain.fields import parse_date
from ikmtui.domain.money import format_rupiah, parse_rupiah
from ikmtui.domain.records import RecordInvalid
from ikmtui.i18n import N_, _
from ikmtui.services import credit as svc
from ikmtui.services.registry import IkmIndex, active_ikm
from ikmtui.ui.credit import common as common
from ikmtui.ui.credit.forms import (
    CORRECTING_STEPS,
    STEPS,
    ApplicationForm,
    StepForm,
    application_fields,
    repayment_fields,
    reversal_fields,
    step_fields,
)
from ikmtui.ui.kit.dialogs import ReasonScreen
from ikmtui.ui.kit.form import FormScreen

if TYPE_CHECKING:
    from datetime import date

    from ikmtui.storage import Database
    from ikmtui.ui.kit.context import AppContext

Errors = dict[str, str] | None

UNDO_QUESTIONS = {
    "undo_disbursal": N_(
        "Undo the disbursement of {code} ({applicant}, {amount})? It goes back to approved, its schedule is "
        "cleared and it leaves the portfolio. Why:"
    ),
    "undo_approval": N_("Undo the approval of {code} ({applicant}, {amount})? It goes back to verified. Why:"),
}

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
#: Corrections (a supervisor, with a reason): shift and the key of what they take back.
CORRECTION_BINDINGS = [
    Binding("R", "reverse", "Reverse repayment", id="credit.reverse"),
    Binding("C", "undo('undo_disbursal')", "Undo disbursement", id="credit.undo_disbursal"),
    Binding("P", "undo('undo_approval')", "Undo approval", id="credit.undo_approval"),
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

    def typed_date(self, values: dict[str, Any], errors: dict[str, str], kind: str = "step") -> date:
        """The date typed in a dialog (today when blank); what is not a date, or is after today, goes beside it."""
        day = self.today()
        if str(values.get("date") or "").strip():
            try:
                day = parse_date(values["date"])
                check_not_future(day, self.today(), kind)
            except ValueError as exc:
                errors["date"] = str(exc)
        return day

    def _changed(self, app_id: int | None, message: str) -> None:
        self.context.data_saved()
        if app_id is not None:
            self.show_application(app_id)
        self.notify(message, timeout=6)

    # ------------------------------------------------------------------ new / edit
    def applicants(self, keep: int | None = None) -> IkmIndex:
        """The IKM the applicant field offers: active ones only (and ``keep``, the applicant a draft already has)."""
        docs = active_ikm(self.db)
        current = self.db.docs("ikm").get(str(keep)) if keep is not None else None
        if current is not None:
            docs = {**docs, str(keep): current}
        return IkmIndex(docs)

    def action_new(self) -> None:
        index = self.applicants()
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
        index = self.applicants(keep=doc.get("ikm_id"))
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
        correcting = doc.get("state") == "approved" and state in CORRECTING_STEPS
        step = CORRECTING_STEPS[state] if correcting else STEPS[state]
        try:
            svc.check_step(self.db, doc["id"], state)
        except common.REFUSALS as exc:
            self.refuse(exc)
            return
        done: dict[str, Any] = {}

        def submit(values: dict[str, Any]) -> Errors:
            errors: dict[str, str] = {}
            day = self.typed_date(values, errors)
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
            paid_on = self.typed_date(values, errors, "repayment")
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

    # ------------------------------------------------------------------ corrections
    def action_reverse(self) -> None:
        doc = self.selected_application()
        if doc is None:
            return
        try:
            svc.check_correction(self.db, doc["id"], "reverse_repayment")
        except common.REFUSALS as exc:
            self.refuse(exc)
            return
        standing = svc.reversible_repayments(self.db, doc["id"])
        done: dict[str, Any] = {}

        def submit(values: dict[str, Any]) -> Errors:
            chosen = values.get("repayment")
            reason = str(values.get("reason") or "")
            if chosen is None:
                return {"repayment": _("Choose the repayment to reverse")}
            if not reason.strip():
                return {"reason": _("Give a reason: it is kept in the history")}
            try:
                done["result"] = svc.reverse_repayment(self.db, int(chosen), reason)
            except common.REFUSALS as exc:
                self.refuse(exc)
                return {"__all__": str(exc)}
            return None

        def closed(result: Any) -> None:
            outcome: svc.ReversalResult | None = done.get("result")
            if result is None or outcome is None:
                return
            message = _("Reversed {code}", code=outcome.repayment.get("code", ""))
            if outcome.reapplied:
                message += "; " + _("{n} later repayment(s) re-applied", n=len(outcome.reapplied))
            if outcome.reopened:
                message += "\n" + _("{code} is open again", code=doc.get("code", ""))
            self._changed(doc["id"], message)

        title = _(
            "Reverse a repayment of {code} ({applicant}): it stays on record, marked reversed, and the later "
            "repayments are applied again",
            code=doc.get("code", ""),
            applicant=self.applicant_name(doc),
        )
        options = [
            (f"{r.get('code', '')} · {show_date(parse_date(r['date']))} · {common.rupiah(r.get('amount'))}", r["id"])
            for r in standing
        ]
        values = {"repayment": standing[0]["id"] if standing else None}
        self.app.push_screen(FormScreen(title, reversal_fields(options), values, submit), closed)

    def action_undo(self, kind: str) -> None:
        doc = self.selected_application()
        if doc is None:
            return
        try:
            svc.check_correction(self.db, doc["id"], kind)
        except common.REFUSALS as exc:
            self.refuse(exc)
            return
        question = _(
            UNDO_QUESTIONS[kind],
            code=doc.get("code", ""),
            applicant=self.applicant_name(doc),
            amount=common.rupiah(doc.get("amount_approved")),
        )

        def answered(reason: str | None) -> None:
            if not reason:
                return
            undo = svc.undo_disbursal if kind == "undo_disbursal" else svc.undo_approval
            try:
                stored = undo(self.db, doc["id"], reason, expected_version=doc.get("version"))
            except common.REFUSALS as exc:
                self.refuse(exc)
                return
            self._changed(
                doc["id"],
                _("{code} is now {state}", code=stored.get("code", ""), state=state_label(str(stored.get("state")))),
            )

        self.app.push_screen(ReasonScreen(question), answered)

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
