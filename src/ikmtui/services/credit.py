"""Credit use cases: each applies the rules of ``ikmtui.domain.credit`` to the database in one transaction.

The acting staff member is always ``db.user``; the *business* date of a step (the day the bank disbursed, the
day a repayment was made) is passed as ``date`` and defaults to today. Functions that change an application
take ``expected_version``: pass the ``version`` of the document the screen was showing, and a save made by
someone else in between is refused with :class:`ikmtui.storage.StaleRecord` instead of being overwritten.

Reading functions (``loan_status``, ``portfolio``, ...) read the database's memory, which holds this process's
own saves at once; call ``db.refresh()`` first to also see what other processes saved. Writing functions always
catch up with the file under its lock before checking anything.

Errors a staff member can cause are raised as ``ValueError`` with a translated message, or as
:class:`ikmtui.domain.records.RecordInvalid` (a ``ValueError`` with ``.errors``: field -> message) where a
form can show the message next to its field. Nothing is written when an error is raised.

Overview::

    create_application(db, data) -> dict                      # a draft, product rules checked
    update_application(db, app_id, changes) -> dict           # draft (or documents while submitted)
    transition(db, app_id, "submitted" | "verified" | ...)    # any lifecycle step, or the shortcuts:
    submit / verify / approve / reject / withdraw / disburse / write_off
    schedule_preview(db, app_id, start) -> [Installment]      # the schedule it would get, before disbursement
    record_repayment(db, app_id, date, amount) -> RepaymentResult
    record_repayments_bulk(db, rows) -> [BulkRowResult]       # a bank's monthly list, all or nothing
    repayments_of / loan_ledger / loan_status / payoff_amount / loans_in_arrears / portfolio
    check_step / check_takes_repayments / editable_fields            # refuse before a dialog asks for a note
    reverse_repayment(db, repayment_id, reason)       # corrections (a supervisor, with a reason, never a deletion)
    undo_approval / undo_disbursal(db, app_id, reason)      withdraw / cancel an approved application
    check_correction(db, app_id, kind) / reversible_repayments(db, app_id)
    installment_rows(db, app_id, as_of) -> [InstallmentRow]          # each installment's status on a date
    days_past_due(db, as_of) -> {app_id: days}      bulk_totals(results) -> {rows, ok, amount, ...}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ikmtui import clock
from ikmtui.domain import permissions
from ikmtui.domain.arrears import DaysPastDue, LoanArrears, loan_arrears, portfolio_loans, portfolio_summary
from ikmtui.domain.credit import (
    ACTIVE_STATE,
    CORRECTING_STEPS,
    DEFAULT_PRODUCT,
    CreditApplication,
    Ledger,
    Repayment,
    apply_product_terms,
    apply_transition,
    check_not_future,
    check_transition,
    check_undoable,
    get_product,
    history_entry,
    is_reversed,
    loan_schedule,
    product_errors,
    reapply,
    record_reversal,
    repayment_order,
    replay,
    reversal_changes,
    schedule_rows,
    show_date,
    state_label,
    undo,
)
from ikmtui.domain.fields import parse_date
from ikmtui.domain.money import format_rupiah, parse_rupiah
from ikmtui.domain.records import META_FIELDS, RecordInvalid
from ikmtui.domain.schedule import Installment
from ikmtui.i18n import _
from ikmtui.services import settings
from ikmtui.storage import Database, RecordMissing, Transaction

APPS = CreditApplication.table
REPAYMENTS = Repayment.table

#: Fields staff may change on a draft; while submitted only the document checklist may still be ticked.
EDITABLE_FIELDS = (
    "ikm_id",
    "product",
    "amount_requested",
    "tenor_months",
    "purpose",
    "collateral",
    "documents",
    "bank",
)
EDITABLE_WHEN_SUBMITTED = ("documents",)
#: Steps that need a note giving the reason (and so do withdrawing or cancelling an approved application).
NOTE_REQUIRED = ("rejected", "written_off")
#: Corrections need a supervisor (``records.correct``), and so do the correcting steps out of ``approved``.
CORRECT = "records.correct"
MAKER_CHECKER = "credit.maker_checker"
#: The permission (``ikmtui.domain.permissions``) each lifecycle step needs once staff accounts exist.
STEP_PERMISSIONS = {
    "submitted": "credit.submit",
    "withdrawn": "credit.submit",
    "verified": "credit.decide",
    "approved": "credit.decide",
    "rejected": "credit.decide",
    "disbursed": "credit.disburse",
    "written_off": "credit.disburse",
    "closed": "credit.disburse",
}

Doc = dict[str, Any]


# ---------------------------------------------------------------------------------------------- helpers
def _day(value: dt.date | str | None) -> dt.date:
    if value is None or (isinstance(value, str) and not value.strip()):
        return clock.today()
    return parse_date(value)


def _load(txn: Transaction, app_id: int, expected_version: int | None = None) -> tuple[Doc, CreditApplication]:
    doc = txn.current(APPS, app_id, expected_version)
    return doc, CreditApplication.parse(doc)


def _active_loans(txn: Transaction, ikm_id: int, product: str, exclude: int | None) -> list[Doc]:
    """The applicant's loans of ``product`` that are disbursed and not closed (``exclude`` left out)."""
    return [
        {**doc, "id": int(key)}
        for key, doc in txn.table(APPS).items()
        if doc.get("ikm_id") == ikm_id
        and doc.get("product") == product
        and doc.get("state") == ACTIVE_STATE
        and int(key) != exclude
    ]


def _repayment_docs(table: Mapping[str, Doc], app_id: int) -> list[Doc]:
    docs = [{**doc, "id": int(key)} for key, doc in table.items() if doc.get("application_id") == app_id]
    return sorted(docs, key=repayment_order)


def _standing(docs: Iterable[Doc]) -> list[Doc]:
    """Repayments that are not reversed (a reversed one counts for nothing, not even the date order)."""
    return [doc for doc in docs if not is_reversed(doc)]


def _last_day(docs: Sequence[Doc]) -> dt.date | None:
    standing = _standing(docs)
    return repayment_order(standing[-1])[0] if standing else None


def _maker_checker(db: Database) -> bool:
    return bool(settings.value(db, MAKER_CHECKER))


def _permission(state: str, to_state: str) -> str | None:
    """The permission a step needs: withdrawing or cancelling an approved application is a correction."""
    if state == "approved" and to_state in CORRECTING_STEPS:
        return CORRECT
    return STEP_PERMISSIONS.get(to_state)


def _ikm_errors(txn: Transaction, ikm_id: int) -> dict[str, str]:
    """The applicant must exist and be active: an inactive IKM joins no programme."""
    ikm = txn.get("ikm", ikm_id)
    if ikm is None:
        return {"ikm_id": _("There is no IKM with id {id}", id=ikm_id)}
    if ikm.get("status") == "inactive":
        return {
            "ikm_id": _(
                "{code} {name} is inactive: an inactive IKM cannot apply for credit",
                code=ikm.get("code", ""),
                name=ikm.get("name", ""),
            )
        }
    return {}


def _ledger_of(app: CreditApplication, repayments: Iterable[Mapping[str, Any]]) -> Ledger:
    rows: list[Any] = app.schedule or (loan_schedule(app, app.disbursed_on) if app.disbursed_on else [])
    return replay(rows, repayments)


def _refuse(errors: Mapping[str, str]) -> None:
    """Product-rule errors during a lifecycle step: one plain message (no field names)."""
    if errors:
        raise ValueError("; ".join(errors.values()))


def _stored(app: CreditApplication) -> Doc:
    return app.doc()


def find_application(db: Database, code: str) -> Doc | None:
    """The application with the human code ``code`` (``KRD-2026-0042``, case-insensitive), or ``None``."""
    wanted = code.strip().upper()
    for key, doc in db.docs(APPS).items():
        if str(doc.get("code", "")).upper() == wanted:
            return {**doc, "id": int(key)}
    return None


def get_application(db: Database, app_id: int) -> CreditApplication:
    """The stored application as a model (``RecordMissing`` if there is none)."""
    doc = db.get(APPS, app_id)
    if doc is None:
        raise RecordMissing(APPS, app_id)
    return CreditApplication.parse(doc)


# ---------------------------------------------------------------------------------------------- applications
def create_application(db: Database, data: Mapping[str, Any], *, date: dt.date | str | None = None) -> Doc:
    """Create a draft application from form data and return the stored document (with ``id`` and ``code``).

    ``data`` holds ``ikm_id``, ``product`` (code, default Kredit Wibawa), ``amount_requested``,
    ``tenor_months``, ``purpose``, ``collateral`` (blank = none), ``documents`` (checked: KTP, KK, NIB/IUMK)
    and ``bank``. Rate, interest method and rounding are copied from the product and frozen. Raises
    :class:`RecordInvalid` (field -> message) for invalid fields, an unknown IKM or product, an amount above
    the product's limit, a tenor out of range, or an applicant who still has an active loan of the product.
    """
    on = _day(date)
    form = {k: v for k, v in data.items() if k in EDITABLE_FIELDS}
    try:
        product = get_product(str(form.get("product") or DEFAULT_PRODUCT))
    except ValueError as exc:
        raise RecordInvalid({"product": str(exc)}) from None
    app = CreditApplication.parse(apply_product_terms(form, product))
    check_not_future(on, clock.today())
    with db.transaction() as txn:
        if ikm_errors := _ikm_errors(txn, app.ikm_id):
            raise RecordInvalid(ikm_errors)
        errors = product_errors(app, product, active_loans=_active_loans(txn, app.ikm_id, product.code, None))
        if errors:
            raise RecordInvalid(errors)
        app = app.model_copy(update={"history": [history_entry("draft", on, db.user)]})
        return txn.insert(
            APPS, _stored(app), code_prefix=CreditApplication.code_prefix, per_year=CreditApplication.code_per_year
        )


def update_application(
    db: Database, app_id: int, changes: Mapping[str, Any], *, expected_version: int | None = None
) -> Doc:
    """Change fields of an application while it is a draft (:data:`EDITABLE_FIELDS`); once submitted only
    the document checklist may still be ticked. Product rules are checked again (changing the product copies
    its terms). Returns the stored document; raises :class:`RecordInvalid`, ``ValueError`` or ``StaleRecord``.
    """
    with db.transaction() as txn:
        doc, app = _load(txn, app_id, expected_version)
        allowed = (
            EDITABLE_FIELDS if app.state == "draft" else EDITABLE_WHEN_SUBMITTED if app.state == "submitted" else ()
        )
        wanted = {k: v for k, v in changes.items() if k not in META_FIELDS}
        refused = sorted(k for k in wanted if k not in allowed)
        if refused:
            raise ValueError(
                _(
                    "{code} is {state}: {fields} can no longer be changed",
                    code=app.label,
                    state=state_label(app.state),
                    fields=", ".join(refused),
                )
            )
        merged = {**doc, **wanted}
        try:
            product = get_product(str(merged.get("product") or DEFAULT_PRODUCT))
        except ValueError as exc:
            raise RecordInvalid({"product": str(exc)}) from None
        if product.code != doc.get("product"):
            merged = apply_product_terms(merged, product)
        new = CreditApplication.parse(merged)
        if new.ikm_id != app.ikm_id and (ikm_errors := _ikm_errors(txn, new.ikm_id)):
            raise RecordInvalid(ikm_errors)
        if txn.get("ikm", new.ikm_id) is None:
            raise RecordInvalid({"ikm_id": _("There is no IKM with id {id}", id=new.ikm_id)})
        active = _active_loans(txn, new.ikm_id, product.code, app_id)
        errors = product_errors(new, product, active_loans=active)
        if errors:
            raise RecordInvalid(errors)
        return txn.update(APPS, app_id, _stored(new), expected_version=expected_version)


def transition(
    db: Database,
    app_id: int,
    to_state: str,
    by_user: str | None = None,
    note: str = "",
    date: dt.date | str | None = None,
    expected_version: int | None = None,
    *,
    amount_approved: int | str | None = None,
) -> Doc:
    """Move an application to ``to_state`` on ``date`` (default today) and record the step in its history
    (``{"state", "date", "by", "note"}``). Returns the stored document.

    ``by_user`` defaults to (and should normally be left as) ``db.user``, the signed-in staff member.
    Refused with a translated ``ValueError`` when the lifecycle does not allow the step from the current
    state, when the person who submitted tries to verify, approve or disburse (maker-checker; with the office's
    ``credit.maker_checker`` setting on, the default, also when whoever created or verified tries to approve and
    whoever approved tries to disburse), when the date is after today or before the previous step, or when a
    rule of the step fails:

    * submitted: the product's rules (limit, tenor, no active loan of the same product);
    * verified: the document checklist (KTP, KK, NIB/IUMK) is complete;
    * approved: ``amount_approved`` (default: the amount requested) is not above the amount requested nor
      the product's limit, and the applicant has no active loan of the product; the rate, method, rounding
      and tenor stored on the application are the terms of the loan from now on;
    * disbursed: the schedule is computed from the approved amount, tenor, rate, method, rounding and the
      disbursement date, and stored with the application (later product changes never rewrite it);
    * closed: only when the loan is fully repaid (repayments close it by themselves);
    * rejected, written_off: ``note`` must give the reason;
    * withdrawn or rejected (cancelled) once approved: a correction, by a supervisor, with the reason.

    Once staff accounts exist, the step also needs the role's permission (:data:`STEP_PERMISSIONS`:
    operators submit and withdraw, supervisors decide and disburse); refused with
    :class:`ikmtui.domain.permissions.PermissionDenied` (a ``PermissionError``) otherwise.
    """
    on = _day(date)
    by = by_user or db.user
    maker_checker = _maker_checker(db)
    with db.transaction() as txn:
        doc, app = _load(txn, app_id, expected_version)
        needed = _permission(app.state, to_state)
        if needed:
            permissions.require(txn.table("staff"), by, needed)
        check_transition(app, to_state, by, on, today=clock.today(), maker_checker=maker_checker)
        correcting = app.state == "approved" and to_state in CORRECTING_STEPS
        if (to_state in NOTE_REQUIRED or correcting) and not note.strip():
            raise ValueError(_("Give the reason for {state} in the note", state=state_label(to_state)))
        updates: dict[str, Any] = {}
        if to_state in ("submitted", "approved", "disbursed"):
            product = get_product(app.product)
            if to_state == "approved":
                approved = parse_rupiah(amount_approved) if amount_approved not in (None, "") else app.amount_requested
                if approved > app.amount_requested:
                    raise ValueError(
                        _(
                            "The approved amount {approved} cannot be more than the {requested} requested",
                            approved=format_rupiah(approved),
                            requested=format_rupiah(app.amount_requested),
                        )
                    )
                app = app.model_copy(update={"amount_approved": approved})
                updates["amount_approved"] = approved
            errors = product_errors(app, product, active_loans=_active_loans(txn, app.ikm_id, product.code, app_id))
            if to_state == "disbursed":  # the terms were settled at approval: only the active-loan rule
                errors = {k: v for k, v in errors.items() if k == "ikm_id"}
            _refuse(errors)
        if to_state == "verified" and app.missing_documents():
            raise ValueError(
                _(
                    "{code} cannot be verified: documents missing: {missing}",
                    code=app.label,
                    missing=", ".join(app.missing_documents()),
                )
            )
        if to_state == "disbursed":
            updates["schedule"] = schedule_rows(loan_schedule(app, on))
        if to_state == "closed":
            ledger = _ledger_of(app, _repayment_docs(txn.table(REPAYMENTS), app_id))
            if not ledger.paid_off:
                raise ValueError(
                    _(
                        "{code} cannot be closed: {remaining} is still owed; record the repayment "
                        "or write the loan off",
                        code=app.label,
                        remaining=format_rupiah(ledger.remaining_total),
                    )
                )
        moved = apply_transition(app.model_copy(update=updates), to_state, by=by, on=on, note=note)
        return txn.update(APPS, app_id, _stored(moved), expected_version=doc.get("version"))


def submit(
    db: Database, app_id: int, *, note: str = "", date: dt.date | str | None = None, expected_version: int | None = None
) -> Doc:
    """draft -> submitted (the maker); ``db.user`` is remembered as the submitter."""
    return transition(db, app_id, "submitted", note=note, date=date, expected_version=expected_version)


def verify(
    db: Database, app_id: int, *, note: str = "", date: dt.date | str | None = None, expected_version: int | None = None
) -> Doc:
    """submitted -> verified (a checker: not the submitter); the document checklist must be complete."""
    return transition(db, app_id, "verified", note=note, date=date, expected_version=expected_version)


def approve(
    db: Database,
    app_id: int,
    *,
    amount_approved: int | str | None = None,
    note: str = "",
    date: dt.date | str | None = None,
    expected_version: int | None = None,
) -> Doc:
    """verified -> approved (not the submitter), for ``amount_approved`` (default: the amount requested)."""
    return transition(
        db, app_id, "approved", note=note, date=date, expected_version=expected_version, amount_approved=amount_approved
    )


def reject(
    db: Database, app_id: int, *, note: str, date: dt.date | str | None = None, expected_version: int | None = None
) -> Doc:
    """verified -> rejected; ``note`` gives the reason."""
    return transition(db, app_id, "rejected", note=note, date=date, expected_version=expected_version)


def withdraw(
    db: Database, app_id: int, *, note: str = "", date: dt.date | str | None = None, expected_version: int | None = None
) -> Doc:
    """draft / submitted / verified -> withdrawn (the applicant no longer wants the loan)."""
    return transition(db, app_id, "withdrawn", note=note, date=date, expected_version=expected_version)


def disburse(
    db: Database, app_id: int, *, date: dt.date | str | None = None, note: str = "", expected_version: int | None = None
) -> Doc:
    """approved -> disbursed on ``date`` (the day the bank paid out; not by the submitter). Stores the
    schedule computed from the approved amount and the application's frozen terms; returns the document."""
    return transition(db, app_id, "disbursed", note=note, date=date, expected_version=expected_version)


def write_off(
    db: Database, app_id: int, *, note: str, date: dt.date | str | None = None, expected_version: int | None = None
) -> Doc:
    """disbursed -> written_off; ``note`` gives the reason. Its outstanding leaves the portfolio."""
    return transition(db, app_id, "written_off", note=note, date=date, expected_version=expected_version)


def schedule_preview(db: Database, app_id: int, start: dt.date | str | None = None) -> list[Installment]:
    """The schedule of an application: the stored one once disbursed; before that, the one it would get if
    disbursed on ``start`` (default today), from the approved (else requested) amount and its frozen terms."""
    app = get_application(db, app_id)
    if app.schedule:
        return [
            Installment(
                no=int(r["no"]),
                due=parse_date(r["due"]),
                principal=int(r["principal"]),
                interest=int(r["interest"]),
                total=int(r["total"]),
                balance=int(r["balance"]),
            )
            for r in app.schedule
        ]
    return loan_schedule(app, _day(start))


# ---------------------------------------------------------------------------------------------- repayments
@dataclass
class RepaymentResult:
    """A recorded repayment: the stored repayment and application documents, and whether it paid off."""

    repayment: Doc
    application: Doc
    closed: bool


@dataclass
class BulkRowResult:
    """The outcome of one row of a bulk repayment list (``row`` counts from 1 in the order given)."""

    row: int
    code: str
    date: dt.date | None
    amount: int | None
    ok: bool
    error: str = ""
    principal: int = 0
    interest: int = 0
    closed: bool = False
    #: The ``ANS-...`` code once stored (empty on a dry run or when the list was refused).
    repayment_code: str = ""
    application_id: int | None = None
    lines: list[dict[str, int]] = field(default_factory=list)


def check_repayable(app: CreditApplication, day: dt.date, last: dt.date | None, today: dt.date | None = None) -> None:
    """Refuse (``ValueError``, translated) a repayment dated ``day`` on ``app`` (``last``: its latest one that
    stands; ``today``: the one clock's day, after which nothing is paid yet)."""
    if app.state != ACTIVE_STATE:
        if app.state == "closed":
            raise ValueError(_("{code} is already paid off (closed)", code=app.label))
        raise ValueError(
            _(
                "{code} is {state}: repayments can only be recorded on disbursed loans",
                code=app.label,
                state=state_label(app.state),
            )
        )
    if today is not None:
        check_not_future(day, today, "repayment")
    if app.disbursed_on and day < app.disbursed_on:
        raise ValueError(
            _(
                "The repayment date {date} is before the disbursement on {disbursed}",
                date=show_date(day),
                disbursed=show_date(app.disbursed_on),
            )
        )
    if last is not None and day < last:
        raise ValueError(
            _(
                "A repayment of {code} dated {last} is already recorded: enter repayments in date order",
                code=app.label,
                last=show_date(last),
            )
        )


def _insert_repayment(
    txn: Transaction, app_id: int, day: dt.date, amount: int, prepay: bool, note: str, source: str, allocation: Any
) -> Doc:
    repayment = Repayment.parse(
        {
            "application_id": app_id,
            "date": day,
            "amount": amount,
            "principal": allocation.principal,
            "interest": allocation.interest,
            "waived_interest": allocation.waived_interest,
            "prepayment": prepay,
            "allocation": allocation.lines,
            "source": source,
            "note": note,
        }
    )
    return txn.insert(REPAYMENTS, repayment.doc(), code_prefix=Repayment.code_prefix, per_year=Repayment.code_per_year)


def _close(txn: Transaction, app_id: int, app: CreditApplication, day: dt.date, by: str, repayment_code: str) -> Doc:
    closed = apply_transition(app, "closed", by=by, on=day, note=_("Paid off by repayment {code}", code=repayment_code))
    return txn.update(APPS, app_id, _stored(closed))


def record_repayment(
    db: Database,
    app_id: int,
    date: dt.date | str,
    amount: int | str,
    *,
    note: str = "",
    prepay: bool = False,
    expected_version: int | None = None,
) -> RepaymentResult:
    """Record a repayment of ``amount`` (int or ``Rp 1.234.567`` text) paid on ``date`` on a disbursed loan.

    It is applied installment by installment, oldest first, interest before principal, running on into
    installments not yet due. An amount above what is still owed is refused (the message gives the payoff
    amount). With ``prepay=True`` the amount first settles what is due on ``date`` and the rest repays
    principal only; once the whole principal is repaid the interest of later installments is waived (early
    payoff); a prepayment above the payoff amount is refused. When the loan is fully paid it closes itself.
    Repayments must be entered in date order per loan, not before the disbursement and not after today.
    """
    day = parse_date(date)
    money = parse_rupiah(amount)
    with db.transaction() as txn:
        doc, app = _load(txn, app_id, expected_version)
        history = _repayment_docs(txn.table(REPAYMENTS), app_id)
        check_repayable(app, day, _last_day(history), clock.today())
        ledger = _ledger_of(app, history)
        allocation = ledger.apply(money, day, prepay=prepay)
        stored = _insert_repayment(txn, app_id, day, money, prepay, note, "manual", allocation)
        if ledger.paid_off:
            doc = _close(txn, app_id, app, day, db.user, stored["code"])
        return RepaymentResult(repayment=stored, application=doc, closed=ledger.paid_off)


def _row_values(row: Sequence[Any] | Mapping[str, Any]) -> tuple[Any, Any, Any]:
    if isinstance(row, Mapping):
        return row.get("code"), row.get("date"), row.get("amount")
    if len(row) != 3:
        raise ValueError(_("Each row needs a loan code, a date and an amount"))
    return row[0], row[1], row[2]


def record_repayments_bulk(
    db: Database,
    rows: Iterable[Sequence[Any] | Mapping[str, Any]],
    *,
    bank: str | None = None,
    dry_run: bool = False,
    allow_duplicates: bool = False,
) -> list[BulkRowResult]:
    """Record a bank's monthly repayment list: rows of ``(application code, date, amount)`` (or mappings
    with ``code``, ``date``, ``amount``; dates and amounts as typed or as ``date``/``int``).

    Every row is validated first, in date order, against the loans as the earlier rows leave them (a loan can
    appear several times, and is closed when a row pays it off). If every row is valid and ``dry_run`` is
    false, all are stored in ONE transaction; if any row is invalid NOTHING is stored. Either way the result
    has one :class:`BulkRowResult` per row in the order given, with ``ok``/``error`` and the split into
    principal and interest. ``bank`` (optional) refuses rows of loans channelled through another bank; a
    row identical to a repayment already recorded and not reversed (same loan, date and amount) is refused as a
    probable double import unless ``allow_duplicates``; a row dated after today is refused. Amounts above what
    is owed are refused (no prepayments here: record early payoffs one by one with :func:`record_repayment`).
    """
    items = list(rows)
    results: list[BulkRowResult] = []
    today = clock.today()
    with db.transaction() as txn:
        by_code = {str(doc.get("code", "")).upper(): int(key) for key, doc in txn.table(APPS).items()}
        repayment_table = txn.table(REPAYMENTS)
        ledgers: dict[int, tuple[CreditApplication, Ledger, list[Doc]]] = {}
        planned: list[tuple[int, dt.date]] = []
        for n, raw in enumerate(items, 1):
            result = BulkRowResult(row=n, code="", date=None, amount=None, ok=False)
            results.append(result)
            try:
                code, day_raw, amount_raw = _row_values(raw)
                result.code = str(code or "").strip()
                if not result.code:
                    raise ValueError(_("The loan code is missing"))
                result.date = parse_date(day_raw)
                result.amount = parse_rupiah(amount_raw)
                app_id = by_code.get(result.code.upper())
                if app_id is None:
                    raise ValueError(_("There is no credit application {code}", code=result.code))
                result.application_id = app_id
                planned.append((n, result.date))
            except ValueError as exc:
                result.error = str(exc)
        last_day: dict[int, dt.date] = {}
        for n, day in sorted(planned, key=lambda item: item[1]):
            result = results[n - 1]
            app_id = result.application_id
            assert app_id is not None and result.amount is not None
            try:
                if app_id not in ledgers:
                    _doc, app = _load(txn, app_id)
                    history = _standing(_repayment_docs(repayment_table, app_id))
                    ledgers[app_id] = (app, _ledger_of(app, history), history)
                    if history:
                        last_day[app_id] = repayment_order(history[-1])[0]
                app, ledger, history = ledgers[app_id]
                if bank and app.bank.casefold() != bank.strip().casefold():
                    raise ValueError(
                        _(
                            "{code} is channelled through {bank}, not {wanted}",
                            code=app.label,
                            bank=app.bank,
                            wanted=bank,
                        )
                    )
                if app.state == ACTIVE_STATE and ledger.paid_off:
                    raise ValueError(_("{code} is already paid off by an earlier row", code=app.label))
                check_repayable(app, day, last_day.get(app_id), today)
                if not allow_duplicates:
                    for old in history:
                        if repayment_order(old)[0] == day and int(old.get("amount") or 0) == result.amount:
                            raise ValueError(
                                _(
                                    "The same repayment ({amount} on {date}) is already recorded as {code}",
                                    amount=format_rupiah(result.amount),
                                    date=show_date(day),
                                    code=old.get("code", "?"),
                                )
                            )
                allocation = ledger.apply(result.amount, day)
                last_day[app_id] = day
                result.ok = True
                result.principal = allocation.principal
                result.interest = allocation.interest
                result.closed = ledger.paid_off
                result.lines = allocation.lines
            except ValueError as exc:
                result.error = str(exc)
        if dry_run or not all(r.ok for r in results):
            return results
        for n, day in sorted(planned, key=lambda item: item[1]):
            result = results[n - 1]
            assert result.application_id is not None and result.amount is not None
            app, _ledger, _history = ledgers[result.application_id]
            stored = txn.insert(
                REPAYMENTS,
                Repayment.parse(
                    {
                        "application_id": result.application_id,
                        "date": day,
                        "amount": result.amount,
                        "principal": result.principal,
                        "interest": result.interest,
                        "allocation": result.lines,
                        "source": "bulk",
                    }
                ).doc(),
                code_prefix=Repayment.code_prefix,
                per_year=Repayment.code_per_year,
            )
            result.repayment_code = stored["code"]
            if result.closed:
                _close(txn, result.application_id, app, day, db.user, stored["code"])
    return results


# ---------------------------------------------------------------------------------------------- corrections
def _audit_correction(txn: Transaction, action: str, table: str, record_id: int, code: str, reason: str) -> None:
    """The correction in the audit log with its reason (the changed records are audited by their updates)."""
    txn.log(action, table, record_id, code, " ".join(reason.split()))


def withdraw_approved(
    db: Database, app_id: int, *, note: str, date: dt.date | str | None = None, expected_version: int | None = None
) -> Doc:
    """approved -> withdrawn (the applicant no longer wants the loan): a correction, by a supervisor, with a reason."""
    return transition(db, app_id, "withdrawn", note=note, date=date, expected_version=expected_version)


def cancel(
    db: Database, app_id: int, *, note: str, date: dt.date | str | None = None, expected_version: int | None = None
) -> Doc:
    """approved -> rejected (the office cancels its approval before disbursement): by a supervisor, with a reason."""
    return transition(db, app_id, "rejected", note=note, date=date, expected_version=expected_version)


def check_correction(db: Database, app_id: int, kind: str) -> None:
    """Raise what a correction of ``app_id`` would refuse whatever the reason: the role (``PermissionDenied``),
    the state, an undo of a disbursement that still has repayments, a reversal with none to reverse."""
    permissions.require(db.docs("staff"), db.user, CORRECT)
    app = get_application(db, app_id)
    if kind == "reverse_repayment":
        if not reversible_repayments(db, app_id):
            raise ValueError(_("{code} has no repayment to reverse", code=app.label))
        return
    check_undoable(app, kind)
    if kind == "undo_disbursal":
        _refuse_repaid(app, _standing(repayments_of(db, app_id)))


def _refuse_repaid(app: CreditApplication, standing: Sequence[Doc]) -> None:
    if standing:
        raise ValueError(
            _(
                "{code} has {n} repayment(s) ({codes}): reverse them first, then undo the disbursement",
                code=app.label,
                n=len(standing),
                codes=", ".join(str(r.get("code", "?")) for r in standing),
            )
        )


def _undo(
    db: Database, app_id: int, kind: str, reason: str, date: dt.date | str | None, expected_version: int | None
) -> Doc:
    on = _day(date)
    with db.transaction() as txn:
        permissions.require(txn.table("staff"), db.user, CORRECT)
        doc, app = _load(txn, app_id, expected_version)
        if kind == "undo_disbursal" and app.state == ACTIVE_STATE:
            _refuse_repaid(app, _standing(_repayment_docs(txn.table(REPAYMENTS), app_id)))
        moved = undo(app, kind, by=db.user, on=on, reason=reason, today=clock.today())
        stored = txn.update(APPS, app_id, _stored(moved), expected_version=doc.get("version"))
        _audit_correction(txn, f"credit.{kind}", APPS, app_id, app.code, reason)
        return stored


def undo_approval(
    db: Database, app_id: int, reason: str, *, date: dt.date | str | None = None, expected_version: int | None = None
) -> Doc:
    """approved -> verified while not disbursed: the approval is marked undone (who, when, why) and the amount
    approved cleared; the application can be approved again (by someone maker-checker allows). A supervisor's
    correction, dated (default today, never after), with a reason; in the history and the audit log."""
    return _undo(db, app_id, "undo_approval", reason, date, expected_version)


def undo_disbursal(
    db: Database, app_id: int, reason: str, *, date: dt.date | str | None = None, expected_version: int | None = None
) -> Doc:
    """disbursed -> approved while no repayment stands (reverse them first): the disbursement is marked undone,
    its date and schedule cleared, so the loan leaves every figure as if it had never been lent. A supervisor's
    correction, dated, with a reason; in the history and the audit log."""
    return _undo(db, app_id, "undo_disbursal", reason, date, expected_version)


def reversible_repayments(db: Database, app_id: int) -> list[Doc]:
    """The repayments of a loan that stand (not reversed), latest first: what a reversal can be asked for."""
    return list(reversed(_standing(repayments_of(db, app_id))))


@dataclass
class ReversalResult:
    """A reversed repayment, the application as it now stands, and the later repayments re-applied."""

    repayment: Doc
    application: Doc
    reapplied: list[Doc]
    reopened: bool


def reverse_repayment(
    db: Database,
    repayment_id: int,
    reason: str,
    *,
    date: dt.date | str | None = None,
    expected_version: int | None = None,
) -> ReversalResult:
    """Reverse a repayment, as Apache Fineract does: it stays on record, marked reversed (who, when, why, and the
    split it had) with principal and interest 0, and counts for nothing from then on; the loan's other repayments
    are re-applied in date order and each one's split into principal and interest is stored anew, so the
    schedule's paid status, outstanding, days past due and collectability are those of the repayments that
    remain. A loan closed by its repayments that is no longer paid off is open again. A supervisor's correction,
    dated (default today, never after), with a reason; in the loan's history and the audit log.

    A repayment dated after today (stored by an older version) can be reversed too, which unlocks the loan: the
    date order of later entries is checked against the repayments that stand."""
    on = _day(date)
    with db.transaction() as txn:
        permissions.require(txn.table("staff"), db.user, CORRECT)
        check_not_future(on, clock.today(), "correction")
        repayment = txn.current(REPAYMENTS, repayment_id, expected_version)
        code = str(repayment.get("code", ""))
        if is_reversed(repayment):
            reversal = repayment["reversal"]
            raise ValueError(
                _(
                    "{code} was already reversed on {date} by {user}",
                    code=code,
                    date=show_date(parse_date(reversal.get("date", ""))),
                    user=reversal.get("by", "?"),
                )
            )
        app_id = int(repayment.get("application_id") or 0)
        doc, app = _load(txn, app_id)
        stored_rep = txn.update(REPAYMENTS, repayment_id, reversal_changes(repayment, by=db.user, on=on, reason=reason))
        others = [r for r in _standing(_repayment_docs(txn.table(REPAYMENTS), app_id)) if r["id"] != repayment_id]
        rows: list[Any] = app.schedule or (loan_schedule(app, app.disbursed_on) if app.disbursed_on else [])
        ledger, applied = reapply(rows, others)
        reapplied: list[Doc] = []
        for old, allocation in applied:
            split = {
                "principal": allocation.principal,
                "interest": allocation.interest,
                "waived_interest": allocation.waived_interest,
                "allocation": allocation.lines,
            }
            if any(old.get(key) != value for key, value in split.items()):
                reapplied.append(txn.update(REPAYMENTS, int(old["id"]), split))
        moved = record_reversal(app, code, by=db.user, on=on, reason=reason, paid_off=ledger.paid_off)
        stored_app = txn.update(APPS, app_id, _stored(moved), expected_version=doc.get("version"))
        _audit_correction(txn, "repayment.reverse", REPAYMENTS, repayment_id, code, reason)
        return ReversalResult(stored_rep, stored_app, reapplied, app.state != moved.state)


# ---------------------------------------------------------------------------------------------- loan status
def repayments_of(db: Database, app_id: int) -> list[Doc]:
    """The repayments of a loan, in date order (stored documents with ``id`` and ``code``)."""
    return _repayment_docs(db.docs(REPAYMENTS), app_id)


def loan_ledger(db: Database, app_id: int, as_of: dt.date | str | None = None) -> Ledger | None:
    """Each installment with what was paid of it (repayments up to ``as_of``, default all);
    ``None`` before disbursement."""
    app = get_application(db, app_id)
    if app.disbursed_on is None:
        return None
    history = repayments_of(db, app_id)
    rows: list[Any] = app.schedule or loan_schedule(app, app.disbursed_on)
    return replay(rows, history, None if as_of is None else _day(as_of))


def payoff_amount(db: Database, app_id: int, date: dt.date | str | None = None) -> int:
    """What a prepayment on ``date`` (default today) must be to pay the loan off (0 if not disbursed)."""
    ledger = loan_ledger(db, app_id, date)
    return ledger.payoff_amount(_day(date)) if ledger is not None else 0


def loan_status(db: Database, app_id: int, as_of: dt.date | str | None = None) -> LoanArrears | None:
    """Outstanding principal, oldest unpaid installment, days past due, ageing bucket and collectability of
    one loan on ``as_of`` (default today); ``None`` when it was not disbursed by then."""
    doc = db.get(APPS, app_id)
    if doc is None:
        raise RecordMissing(APPS, app_id)
    return loan_arrears(doc, repayments_of(db, app_id), _day(as_of))


def loans_in_arrears(db: Database, as_of: dt.date | str | None = None, *, min_days: int = 1) -> list[LoanArrears]:
    """Active loans at least ``min_days`` past due on ``as_of`` (default today), most overdue first.
    ``min_days=0`` lists every active loan."""
    day = _day(as_of)
    loans = portfolio_loans(db.all(APPS), db.all(REPAYMENTS), day)
    late = [loan for loan in loans if loan.active and loan.days_past_due >= min_days]
    return sorted(late, key=lambda loan: (-loan.days_past_due, loan.code))


def portfolio(
    db: Database, as_of: dt.date | str | None = None, *, since: dt.date | str | None = None
) -> dict[str, Any]:
    """The portfolio summary on ``as_of`` (default today) as plain data; see
    :func:`ikmtui.domain.arrears.portfolio_summary` for its keys. ``since`` limits the approved, disbursed,
    new and written-off figures to a period (e.g. the first day of the month for a monthly recap)."""
    return portfolio_summary(
        db.all(APPS), db.all(REPAYMENTS), _day(as_of), since=None if since in (None, "") else _day(since)
    )


# ---------------------------------------------------------------------------------------------- before a dialog
def check_step(db: Database, app_id: int, to_state: str) -> None:
    """Raise what :func:`transition` would refuse about ``to_state`` whatever the note, date and amount: the
    role's permission (``PermissionDenied``), the lifecycle and maker-checker (``ValueError``). Lets a screen
    refuse at once instead of after asking for a note. Rules of the step itself (documents, reason, limits,
    the date) are left to :func:`transition` when the step is confirmed."""
    doc = db.get(APPS, app_id)
    if doc is None:
        raise RecordMissing(APPS, app_id)
    needed = _permission(str(doc.get("state", "")), to_state)
    if needed:
        permissions.require(db.docs("staff"), db.user, needed)
    # The date rules need the step's own date: checked by the service when the dialog is confirmed.
    check_transition(CreditApplication.parse(doc), to_state, db.user, dt.date.max, maker_checker=_maker_checker(db))


def check_takes_repayments(db: Database, app_id: int) -> None:
    """Raise :func:`check_repayable`'s ``ValueError`` when ``app_id`` takes no repayments (not disbursed, or
    closed), before a dialog asks for the amount."""
    app = get_application(db, app_id)
    if app.state != ACTIVE_STATE:
        check_repayable(app, dt.date.max, None)


def editable_fields(doc: Mapping[str, Any]) -> tuple[str, ...]:
    """The fields :func:`update_application` lets staff change in ``doc``'s state."""
    state = doc.get("state")
    if state == "draft":
        return EDITABLE_FIELDS
    if state == "submitted":
        return EDITABLE_WHEN_SUBMITTED
    return ()


def not_editable_message(doc: Mapping[str, Any]) -> str:
    return _(
        "{code} is {state}: only drafts can be edited (and the documents of submitted applications)",
        code=doc.get("code", ""),
        state=state_label(str(doc.get("state", ""))),
    )


# ---------------------------------------------------------------------------------------------- installments
@dataclass(frozen=True)
class InstallmentRow:
    """One installment as a screen shows it on ``as_of``."""

    no: int
    due: dt.date
    principal: int
    interest: int
    total: int
    balance: int
    paid: int
    unpaid: int
    waived: int
    #: ``preview`` (not disbursed), ``paid``, ``overdue``, ``due`` (today), ``partly paid``, ``upcoming``
    status: str
    paid_on: dt.date | None
    days_late: int


def installment_rows(db: Database, app_id: int, as_of: dt.date) -> list[InstallmentRow]:
    """The schedule of an application with what is paid of each installment on ``as_of``: the stored schedule
    of a disbursed loan (repayments up to ``as_of``), else the preview if it were disbursed on ``as_of``."""
    ledger = loan_ledger(db, app_id, as_of)
    if ledger is None:
        return [
            InstallmentRow(r.no, r.due, r.principal, r.interest, r.total, r.balance, 0, r.total, 0, "preview", None, 0)
            for r in schedule_preview(db, app_id, start=as_of)
        ]
    rows: list[InstallmentRow] = []
    balance = ledger.amount
    for inst in ledger.installments:
        balance -= inst.principal
        paid = inst.principal_paid + inst.interest_paid
        if inst.settled:
            status = "paid"
        elif inst.due < as_of:
            status = "overdue"
        elif inst.due == as_of:
            status = "due"
        elif paid:
            status = "partly paid"
        else:
            status = "upcoming"
        days = (as_of - inst.due).days if status == "overdue" else 0
        rows.append(
            InstallmentRow(
                inst.no,
                inst.due,
                inst.principal,
                inst.interest,
                inst.total,
                balance,
                paid,
                inst.unpaid,
                inst.interest_waived,
                status,
                inst.paid_on if inst.settled else None,
                days,
            )
        )
    return rows


# ---------------------------------------------------------------------------------------------- bulk lists
def bulk_totals(results: Iterable[BulkRowResult]) -> dict[str, int]:
    """Rows, valid rows, and the rupiah of the valid rows of a bulk result."""
    items = list(results)
    ok = [r for r in items if r.ok]
    return {
        "rows": len(items),
        "ok": len(ok),
        "failed": len(items) - len(ok),
        "amount": sum(r.amount or 0 for r in ok),
        "principal": sum(r.principal for r in ok),
        "interest": sum(r.interest for r in ok),
        "closed": sum(1 for r in ok if r.closed),
    }


def bulk_summary(results: Iterable[BulkRowResult], *, stored: bool) -> str:
    """One line on a checked or recorded bank list, the same on the screen and on the command line: how many rows
    were refused (and so nothing recorded), or what was (or would be) recorded."""
    totals = bulk_totals(results)
    if totals["failed"]:
        return _(
            "{failed} of {rows} rows refused: nothing was recorded. Correct them and check again.",
            failed=totals["failed"],
            rows=totals["rows"],
        )
    money = {key: format_rupiah(totals[key]) for key in ("amount", "principal", "interest")}
    if stored:
        return _(
            "Recorded {rows} repayments, {amount} ({principal} principal, {interest} interest); "
            "{closed} loan(s) paid off",
            rows=totals["rows"],
            closed=totals["closed"],
            **money,
        )
    return _(
        "All {rows} rows are valid: {amount} ({principal} principal, {interest} interest)", rows=totals["rows"], **money
    )


def row_outcome(result: BulkRowResult) -> str:
    """What one row of a bank list did, or why it was refused (``✗ reason``, ``✓ ANS-... · closed``, ``✓ valid``)."""
    if not result.ok:
        return "✗ " + result.error
    if result.repayment_code:
        return "✓ " + result.repayment_code + (" · " + state_label("closed") if result.closed else "")
    return "✓ " + (_("valid, pays the loan off") if result.closed else _("valid"))


def days_past_due(db: Database, as_of: dt.date) -> dict[int, int]:
    """Days past due of every active loan on ``as_of``, by application id."""
    return DaysPastDue()(list(db.docs(APPS).items()), list(db.docs(REPAYMENTS).items()), as_of)
