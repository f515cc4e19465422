"""Credit: products (as data), applications through their lifecycle, and repayments.

Everything here is pure: no database, no UI. ``ikmtui.services.credit`` applies these rules to stored records
in one transaction each; ``ikmtui.domain.arrears`` builds on the repayment ledger defined here.

Lifecycle (after Apache Fineract)::

    draft -> submitted -> verified -> approved | rejected | withdrawn
    approved -> disbursed -> closed | written_off
    withdrawn is also allowed from draft, submitted and verified; rejected only from verified

Each transition appends ``{"state", "date", "by", "note"}`` to ``history``; no step is dated after today or before
the step before it. Maker-checker: whoever submitted an application cannot verify, approve or disburse it; with the
office's maker-checker setting on (the default), whoever created, submitted or verified it cannot approve it and
whoever approved it cannot disburse it.

Corrections (as Apache Fineract makes them, never by deleting): an approved application may still be withdrawn or
cancelled (rejected) with a reason; an approval not yet disbursed and a disbursement without repayments can be
undone; a repayment can be reversed. The undone step stays in ``history`` marked ``undone`` (who, when, why) and a
``correction`` entry records the correction itself; neither counts as a step (:func:`steps`), so the state of an
application on any date is read as if the undone step had never been taken.

Repayments are applied installment by installment, oldest first, interest before principal of each
installment, running on into installments not yet due when a payment is larger than what is due
(see :class:`Ledger`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, BeforeValidator, ConfigDict

from ikmtui.domain.fields import (
    Count,
    Day,
    OptionalDay,
    OptionalText,
    Percent,
    RequiredText,
    Rupiah,
    not_after_today,
    parse_choice,
    parse_date,
    parse_list,
)
from ikmtui.domain.money import format_rupiah
from ikmtui.domain.records import Record, RecordInvalid
from ikmtui.domain.schedule import METHODS, Installment, schedule
from ikmtui.i18n import N_, _

STATES = ("draft", "submitted", "verified", "approved", "rejected", "withdrawn", "disbursed", "closed", "written_off")
STATE_LABELS: dict[str, str] = {
    "draft": N_("draft"),
    "submitted": N_("submitted"),
    "verified": N_("verified"),
    "approved": N_("approved"),
    "rejected": N_("rejected"),
    "withdrawn": N_("withdrawn"),
    "disbursed": N_("disbursed"),
    "closed": N_("closed"),
    "written_off": N_("written off"),
}
METHOD_LABELS: dict[str, str] = {
    "flat": N_("flat"),
    "annuity": N_("annuity"),
    "equal-principal": N_("equal principal"),
}

#: Allowed next states of each state; a state missing here or with no next state is final.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("submitted", "withdrawn"),
    "submitted": ("verified", "withdrawn"),
    "verified": ("approved", "rejected", "withdrawn"),
    "approved": ("disbursed", "withdrawn", "rejected"),
    "disbursed": ("closed", "written_off"),
    "rejected": (),
    "withdrawn": (),
    "closed": (),
    "written_off": (),
}
#: Steps the submitter may not take on their own application (maker-checker), with the verb for messages.
CHECKER_STEPS: dict[str, str] = {
    "verified": N_("verify"),
    "approved": N_("approve"),
    "disbursed": N_("disburse"),
}
#: Steps out of ``approved`` that correct the decision (a supervisor, with a reason): withdrawn or cancelled.
CORRECTING_STEPS = ("withdrawn", "rejected")
#: Kinds of ``correction`` entries in an application's history.
CORRECTIONS: dict[str, str] = {
    "undo_approval": N_("approval undone"),
    "undo_disbursal": N_("disbursement undone"),
    "reverse_repayment": N_("repayment reversed"),
}
#: States in which the application is still being decided (its amount is not yet lent).
PENDING_STATES = ("draft", "submitted", "verified", "approved")
#: States in which the amount was approved (whatever happened next).
APPROVED_STATES = ("approved", "disbursed", "closed", "written_off")
#: States in which the money was lent.
LENT_STATES = ("disbursed", "closed", "written_off")
#: A loan that is lent and not yet paid off or written off.
ACTIVE_STATE = "disbursed"

DOCUMENTS = ("KTP", "KK", "NIB/IUMK")
DOCUMENT_LABELS: dict[str, str] = {
    "KTP": N_("KTP (identity card)"),
    "KK": N_("KK (family card)"),
    "NIB/IUMK": N_("NIB/IUMK (business licence)"),
}
BANKS = ("PD BPR Bank Pasar Kota Semarang", "Bank Jateng", "BRI")


def state_label(state: str) -> str:
    """The state in the staff member's language (``disbursed`` -> ``dicairkan``)."""
    return _(STATE_LABELS.get(state, state))


def method_label(method: str) -> str:
    return _(METHOD_LABELS.get(method, method))


def show_date(day: date) -> str:
    """Dates in messages are written the Indonesian way: ``27/11/2026``."""
    return day.strftime("%d/%m/%Y")


#: What may not be dated after today, with its refusal (``{date}``, ``{today}``).
FUTURE_REFUSALS: dict[str, str] = {
    "step": N_("The date {date} is after today ({today}): a step is recorded on or after the day it happened"),
    "repayment": N_("The repayment date {date} is after today ({today}): record a repayment once it is paid"),
    "correction": N_("The date {date} is after today ({today}): a correction is dated on or before today"),
}


def check_not_future(day: date, today: date, kind: str = "step") -> None:
    """Refuse (``ValueError`` naming today) a ``day`` after ``today`` (the program's one clock)."""
    not_after_today(day, FUTURE_REFUSALS[kind], today)


def correction_label(kind: str) -> str:
    return _(CORRECTIONS.get(kind, kind))


def counts_as_step(entry: Mapping[str, Any]) -> bool:
    """A history entry that moved the application (not undone later, not the record of a correction)."""
    return not entry.get("undone") and not entry.get("correction")


def steps(history: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The entries of ``history`` that count as steps (see :func:`counts_as_step`), in order."""
    return [entry for entry in history if counts_as_step(entry)]


# ---------------------------------------------------------------------------------------------- products
class CreditProduct(BaseModel):
    """A credit programme's terms. Applications copy rate, method and rounding when created, so changing a
    product later never rewrites an existing application or its schedule."""

    model_config = ConfigDict(frozen=True)

    code: str
    name: str
    max_without_collateral: int
    max_with_collateral: int
    annual_rate: float
    method: str
    rounding: int = 1
    max_tenor_months: int = 36
    description: str = ""
    active: bool = True

    def limit(self, with_collateral: bool) -> int:
        """The largest amount that may be lent, with or without collateral."""
        return self.max_with_collateral if with_collateral else self.max_without_collateral


PRODUCTS: dict[str, CreditProduct] = {
    "WIBAWA": CreditProduct(
        code="WIBAWA",
        name="Kredit Wibawa",
        max_without_collateral=5_000_000,
        max_with_collateral=50_000_000,
        annual_rate=3.0,
        method="flat",
        rounding=1,
        max_tenor_months=36,
        description=N_("City programme for IKM, 3% a year flat, through PD BPR Bank Pasar Kota Semarang"),
    ),
    "KUR-MIKRO": CreditProduct(
        code="KUR-MIKRO",
        name="KUR Mikro",
        max_without_collateral=100_000_000,
        max_with_collateral=100_000_000,
        annual_rate=6.0,
        method="annuity",
        rounding=100,
        max_tenor_months=60,
        description=N_("People's business credit (KUR) facilitated by the office, 6% a year effective"),
    ),
}
DEFAULT_PRODUCT = "WIBAWA"


def get_product(code: str, products: Mapping[str, CreditProduct] | None = None) -> CreditProduct:
    """The product with ``code`` (case-insensitive), or ``ValueError`` naming the products there are."""
    catalog = PRODUCTS if products is None else products
    for key, product in catalog.items():
        if key.casefold() == str(code).strip().casefold():
            return product
    raise ValueError(
        _("Unknown credit product {code}; choose one of: {options}", code=code, options=", ".join(catalog))
    )


# ---------------------------------------------------------------------------------------------- records
def parse_documents(value: object) -> list[str]:
    """The document checklist: any of KTP, KK, NIB/IUMK, as a list or as ``KTP, KK`` text; no duplicates."""
    choose = parse_choice(DOCUMENTS)
    found: list[str] = []
    for item in parse_list(value):
        doc = choose(item)
        if doc not in found:
            found.append(doc)
    return [d for d in DOCUMENTS if d in found]


def parse_rounding(value: object) -> int:
    from ikmtui.domain.fields import parse_count

    number = parse_count(value)
    if number < 1:
        raise ValueError(_("Rounding must be a whole number of rupiah, at least 1"))
    return number


class CreditApplication(Record):
    table: ClassVar[str] = "credit_applications"
    code_prefix: ClassVar[str] = "KRD"
    code_per_year: ClassVar[bool] = True

    ikm_id: int
    product: str = DEFAULT_PRODUCT
    amount_requested: Rupiah
    amount_approved: Rupiah | None = None
    tenor_months: Count
    annual_rate: Percent = 3.0
    interest_method: Annotated[str, BeforeValidator(parse_choice(METHODS))] = "flat"
    rounding: Annotated[int, BeforeValidator(parse_rounding)] = 1
    purpose: RequiredText
    collateral: OptionalText = ""
    documents: Annotated[list[str], BeforeValidator(parse_documents)] = []
    bank: RequiredText = BANKS[0]
    state: Annotated[str, BeforeValidator(parse_choice(STATES))] = "draft"
    #: Every transition: ``{"state", "date", "by", "note"}``.
    history: list[dict[str, Any]] = []
    submitted_by: str = ""
    disbursed_on: OptionalDay = None
    #: Stored at disbursement so later product changes do not rewrite history.
    schedule: list[dict[str, Any]] = []

    @property
    def has_collateral(self) -> bool:
        return bool(self.collateral.strip())

    @property
    def principal(self) -> int:
        """What is (or would be) lent: the approved amount once there is one, else the amount requested."""
        return self.amount_approved if self.amount_approved is not None else self.amount_requested

    @property
    def label(self) -> str:
        return self.code or _("new application")

    def missing_documents(self) -> list[str]:
        return [d for d in DOCUMENTS if d not in self.documents]

    def step(self, state: str) -> dict[str, Any] | None:
        """The latest history entry that moved the application into ``state`` (who, when, note); undone steps
        and corrections do not count."""
        return next(
            (entry for entry in reversed(self.history) if entry.get("state") == state and counts_as_step(entry)),
            None,
        )

    def step_by(self, state: str) -> str:
        """Who took the step into ``state`` ("" when nobody did)."""
        entry = self.step(state)
        return str(entry.get("by") or "") if entry else ""

    @property
    def creator(self) -> str:
        return self.step_by("draft") or self.created_by


class Repayment(Record):
    table: ClassVar[str] = "repayments"
    code_prefix: ClassVar[str] = "ANS"

    application_id: int
    date: Day
    amount: Rupiah
    #: How the amount was applied when it was recorded.
    principal: int = 0
    interest: int = 0
    #: Interest of later installments forgiven because this payment paid the loan off early.
    waived_interest: int = 0
    #: ``True``: what exceeds the installments due on ``date`` went to principal only (see :class:`Ledger`).
    prepayment: bool = False
    #: Per installment: ``{"no", "principal", "interest"}``.
    allocation: list[dict[str, int]] = []
    #: ``manual`` or ``bulk`` (from a bank's monthly list).
    source: str = "manual"
    note: OptionalText = ""
    #: Set when it was reversed: ``{"date", "by", "reason", "principal", "interest"}`` (the split it had). A
    #: reversed repayment stays on record with principal and interest 0 and is left out of every ledger.
    reversal: dict[str, Any] | None = None


def is_reversed(repayment: Mapping[str, Any]) -> bool:
    return bool(repayment.get("reversal"))


# ---------------------------------------------------------------------------------------------- product rules
def product_errors(
    app: CreditApplication, product: CreditProduct, *, active_loans: Iterable[Mapping[str, Any]] = ()
) -> dict[str, str]:
    """What the product's rules say against ``app`` (field -> message); empty when it complies.

    The amount checked is the approved amount if there is one, else the requested one; ``active_loans`` are
    the applicant's loans of the same product that are disbursed and not closed (``app`` itself is ignored).
    """
    errors: dict[str, str] = {}
    amount = app.principal
    field_name = "amount_requested" if app.amount_approved is None else "amount_approved"
    limit = product.limit(app.has_collateral)
    if amount <= 0:
        errors[field_name] = _("The amount must be more than zero")
    elif amount > limit:
        if app.has_collateral or product.max_with_collateral <= product.max_without_collateral:
            errors[field_name] = _(
                "{product} lends at most {limit}; {amount} is more than that",
                product=product.name,
                limit=format_rupiah(limit),
                amount=format_rupiah(amount),
            )
        else:
            errors[field_name] = _(
                "{product} lends at most {limit} without collateral ({limit_collateral} with collateral); "
                "{amount} is more than that",
                product=product.name,
                limit=format_rupiah(limit),
                limit_collateral=format_rupiah(product.max_with_collateral),
                amount=format_rupiah(amount),
            )
    if not 1 <= app.tenor_months <= product.max_tenor_months:
        errors["tenor_months"] = _(
            "The tenor of {product} must be between 1 and {max} months",
            product=product.name,
            max=product.max_tenor_months,
        )
    others = [loan for loan in active_loans if loan.get("id") is None or loan.get("id") != app.id]
    if others:
        errors["ikm_id"] = _(
            "This IKM still has an active {product} loan ({code}) that is not paid off",
            product=product.name,
            code=", ".join(str(loan.get("code") or "?") for loan in others),
        )
    return errors


def check_product_rules(
    app: CreditApplication, product: CreditProduct, *, active_loans: Iterable[Mapping[str, Any]] = ()
) -> None:
    """Raise :class:`RecordInvalid` (field -> message) when ``app`` breaks the product's rules."""
    errors = product_errors(app, product, active_loans=active_loans)
    if errors:
        raise RecordInvalid(errors)


def apply_product_terms(data: dict[str, Any], product: CreditProduct) -> dict[str, Any]:
    """``data`` with the product's code, rate, method and rounding copied in (frozen from now on)."""
    return {
        **data,
        "product": product.code,
        "annual_rate": product.annual_rate,
        "interest_method": product.method,
        "rounding": product.rounding,
    }


# ---------------------------------------------------------------------------------------------- lifecycle
def allowed_transitions(state: str) -> tuple[str, ...]:
    """The states an application in ``state`` may move to (empty for final states)."""
    return TRANSITIONS.get(state, ())


def can_transition(current: str, wanted: str) -> bool:
    return wanted in allowed_transitions(current)


def check_maker_checker(app: CreditApplication, wanted: str, by: str) -> None:
    """The office's maker-checker rule (on by default): whoever created or verified an application may not approve
    it (nor whoever submitted it: :func:`check_transition` refuses that always); whoever approved it may not
    disburse it."""
    roles: tuple[tuple[str, str], ...]
    if wanted == "approved":
        roles = (
            (app.creator, N_("{user} created {code} and so cannot also approve it: another staff member must do that")),
            (
                app.step_by("verified"),
                N_("{user} verified {code} and so cannot also approve it: another staff member must do that"),
            ),
        )
    elif wanted == "disbursed":
        roles = (
            (
                app.step_by("approved"),
                N_("{user} approved {code} and so cannot also disburse it: another staff member must do that"),
            ),
        )
    else:
        return
    for who, message in roles:
        if who and by == who:
            raise ValueError(_(message, user=by, code=app.label))


def check_transition(
    app: CreditApplication,
    wanted: str,
    by: str,
    on: date,
    *,
    today: date | None = None,
    maker_checker: bool = False,
) -> None:
    """Refuse (``ValueError`` with a translated message) a transition the lifecycle does not allow, one by
    someone maker-checker excludes (``maker_checker``: the office's wider rule), or one dated after ``today`` or
    before the previous step."""
    if wanted not in STATES:
        raise ValueError(
            _("Unknown credit state {state}; choose one of: {options}", state=wanted, options=", ".join(STATES))
        )
    current = app.state
    if not can_transition(current, wanted):
        allowed = allowed_transitions(current)
        if allowed:
            raise ValueError(
                _(
                    "{code} cannot go from {current} to {wanted}; from {current} it can only go to: {allowed}",
                    code=app.label,
                    current=state_label(current),
                    wanted=state_label(wanted),
                    allowed=", ".join(state_label(s) for s in allowed),
                )
            )
        raise ValueError(
            _(
                "{code} cannot go from {current} to {wanted}: {current} is a final state",
                code=app.label,
                current=state_label(current),
                wanted=state_label(wanted),
            )
        )
    if wanted in CHECKER_STEPS and app.submitted_by and by == app.submitted_by:
        raise ValueError(
            _(
                "{user} submitted {code} and so cannot also {action} it: another staff member must do that",
                user=by,
                code=app.label,
                action=_(CHECKER_STEPS[wanted]),
            )
        )
    if maker_checker:
        check_maker_checker(app, wanted, by)
    if today is not None:
        check_not_future(on, today)
    taken = steps(app.history)
    if taken:
        last = taken[-1]
        try:
            previous = parse_date(last.get("date", ""))
        except ValueError:
            previous = None
        if previous is not None and on < previous:
            raise ValueError(
                _(
                    "The date {date} is before the previous step ({state} on {previous})",
                    date=show_date(on),
                    state=state_label(str(last.get("state", ""))),
                    previous=show_date(previous),
                )
            )


def history_entry(state: str, on: date, by: str, note: str = "") -> dict[str, Any]:
    return {"state": state, "date": on.isoformat(), "by": by, "note": note.strip()}


def apply_transition(app: CreditApplication, wanted: str, *, by: str, on: date, note: str = "") -> CreditApplication:
    """A copy of ``app`` moved to ``wanted`` with the step recorded in its history; refused with
    ``ValueError`` when the lifecycle or maker-checker does not allow it. The original is left unchanged."""
    check_transition(app, wanted, by, on)
    changes: dict[str, Any] = {"state": wanted, "history": [*app.history, history_entry(wanted, on, by, note)]}
    if wanted == "submitted":
        changes["submitted_by"] = by
    if wanted == "disbursed":
        changes["disbursed_on"] = on
    return app.model_copy(update=changes)


# ---------------------------------------------------------------------------------------------- corrections
#: What each undo takes back: the state it must be in, the state it returns to.
UNDO: dict[str, tuple[str, str]] = {
    "undo_approval": ("approved", "verified"),
    "undo_disbursal": ("disbursed", "approved"),
}


def _reason(reason: str) -> str:
    text = " ".join(str(reason or "").split())
    if not text:
        raise ValueError(_("Give a reason: it is kept in the history"))
    return text


def correction_entry(kind: str, state: str, on: date, by: str, reason: str, **extra: Any) -> dict[str, Any]:
    """The history entry that records a correction (it is not a step: :func:`counts_as_step`)."""
    return {**history_entry(state, on, by, reason), "correction": kind, **extra}


def _undone(history: list[dict[str, Any]], state: str, on: date, by: str, reason: str) -> list[dict[str, Any]]:
    """``history`` with its latest step into ``state`` marked undone (who, when, why); nothing is removed."""
    marked = list(history)
    for index in range(len(marked) - 1, -1, -1):
        entry = marked[index]
        if entry.get("state") == state and counts_as_step(entry):
            marked[index] = {**entry, "undone": {"date": on.isoformat(), "by": by, "reason": reason}}
            break
    return marked


def check_correction_date(app: CreditApplication, state: str, on: date, today: date) -> None:
    """A correction is dated on or before today and not before the step it corrects (unless that step is dated
    after today, as an older version let through: correcting it is the way out)."""
    check_not_future(on, today, "correction")
    entry = app.step(state)
    try:
        taken = parse_date(entry.get("date", "")) if entry else None
    except ValueError:
        taken = None
    if taken is not None and on < taken <= today:
        raise ValueError(
            _(
                "The date {date} is before the step it corrects ({state} on {previous})",
                date=show_date(on),
                state=state_label(state),
                previous=show_date(taken),
            )
        )


def check_undoable(app: CreditApplication, kind: str) -> None:
    """Refuse (``ValueError``) an undo (:data:`UNDO`) of an application not in the state it takes back."""
    current = UNDO[kind][0]
    if app.state != current:
        raise ValueError(
            _(
                "{code} is {state}: only an application that is {wanted} can have this undone",
                code=app.label,
                state=state_label(app.state),
                wanted=state_label(current),
            )
        )


def undo(app: CreditApplication, kind: str, *, by: str, on: date, reason: str, today: date) -> CreditApplication:
    """A copy of ``app`` with its approval (``undo_approval``, while not disbursed) or its disbursement
    (``undo_disbursal``; the caller checks that no repayment stands) undone: the step is marked undone, a
    correction entry says who, when and why, and the state goes back. ``ValueError`` when not possible."""
    current, back = UNDO[kind]
    why = _reason(reason)
    check_undoable(app, kind)
    check_correction_date(app, current, on, today)
    history = [*_undone(app.history, current, on, by, why), correction_entry(kind, back, on, by, why)]
    changes: dict[str, Any] = {"state": back, "history": history}
    if kind == "undo_approval":
        changes["amount_approved"] = None
    else:
        changes.update(disbursed_on=None, schedule=[])
    return app.model_copy(update=changes)


def record_reversal(
    app: CreditApplication, repayment_code: str, *, by: str, on: date, reason: str, paid_off: bool
) -> CreditApplication:
    """A copy of ``app`` whose history records the reversal of ``repayment_code``; a loan closed by its
    repayments that is no longer paid off (``paid_off``) is open again: its closing step is marked undone."""
    why = _reason(reason)
    history = list(app.history)
    state = app.state
    if state == "closed" and not paid_off:
        history, state = _undone(history, "closed", on, by, why), ACTIVE_STATE
    history.append(correction_entry("reverse_repayment", state, on, by, why, repayment=repayment_code))
    return app.model_copy(update={"state": state, "history": history})


def reversal_changes(repayment: Mapping[str, Any], *, by: str, on: date, reason: str) -> dict[str, Any]:
    """The changes that mark a repayment reversed: its split kept in ``reversal``, its figures back to 0."""
    return {
        "reversal": {
            "date": on.isoformat(),
            "by": by,
            "reason": _reason(reason),
            "principal": int(repayment.get("principal") or 0),
            "interest": int(repayment.get("interest") or 0),
        },
        "principal": 0,
        "interest": 0,
        "waived_interest": 0,
        "allocation": [],
    }


def state_on(app: Mapping[str, Any], day: date) -> str | None:
    """The state an application (a stored document) was in at the end of ``day``; ``None`` if it did not
    exist yet. Read from its history, so every summary can be made "as of" any date."""
    history = app.get("history") or []
    state: str | None = None
    for entry in steps(history):
        try:
            entry_day = parse_date(entry.get("date", ""))
        except ValueError:
            continue
        if entry_day <= day:
            state = str(entry.get("state"))
        else:
            break
    if not history:
        created = str(app.get("created_at") or "")[:10]
        try:
            return str(app.get("state", "draft")) if not created or parse_date(created) <= day else None
        except ValueError:
            return str(app.get("state", "draft"))
    return state


def step_date(app: Mapping[str, Any], state: str) -> date | None:
    """When an application (a stored document) first reached ``state``, from its history (undone steps left out)."""
    for entry in steps(app.get("history") or []):
        if entry.get("state") == state:
            try:
                return parse_date(entry.get("date", ""))
            except ValueError:
                return None
    return None


# ---------------------------------------------------------------------------------------------- schedules
def loan_schedule(app: CreditApplication, start: date) -> list[Installment]:
    """The schedule of ``app`` from its own frozen terms (principal, tenor, rate, method, rounding)."""
    return schedule(
        app.principal, app.tenor_months, app.annual_rate, app.interest_method, start=start, rounding=app.rounding
    )


def schedule_rows(rows: Iterable[Installment]) -> list[dict[str, Any]]:
    """Installments as stored in ``CreditApplication.schedule`` (ISO due dates)."""
    return [row.as_dict() for row in rows]


# ---------------------------------------------------------------------------------------------- repayments
@dataclass
class InstallmentState:
    """One installment of a loan and what has been paid (or forgiven) of it so far."""

    no: int
    due: date
    principal: int
    interest: int
    principal_paid: int = 0
    interest_paid: int = 0
    interest_waived: int = 0
    paid_on: date | None = None  # date of the payment that settled it

    @property
    def total(self) -> int:
        return self.principal + self.interest

    @property
    def principal_unpaid(self) -> int:
        return self.principal - self.principal_paid

    @property
    def interest_unpaid(self) -> int:
        return self.interest - self.interest_paid - self.interest_waived

    @property
    def unpaid(self) -> int:
        return self.principal_unpaid + self.interest_unpaid

    @property
    def settled(self) -> bool:
        return self.unpaid == 0


@dataclass
class Allocation:
    """How one payment was applied."""

    amount: int
    principal: int = 0
    interest: int = 0
    waived_interest: int = 0
    lines: list[dict[str, int]] = field(default_factory=list)
    paid_off: bool = False

    def add(self, no: int, principal: int, interest: int) -> None:
        if not principal and not interest:
            return
        self.principal += principal
        self.interest += interest
        for line in self.lines:
            if line["no"] == no:
                line["principal"] += principal
                line["interest"] += interest
                return
        self.lines.append({"no": no, "principal": principal, "interest": interest})


class Ledger:
    """A loan's installments with what has been paid of each, built by replaying its repayments in order.

    Allocation rule: a payment goes to the oldest installment that is not settled, its interest first and
    then its principal, then to the next installment, and so on, also into installments not yet due
    (paying ahead). A payment larger than the remaining total (all unpaid interest and principal) is refused.

    Early payoff (``prepay=True``): the payment first settles the installments due on or before its date
    (interest, then principal, oldest first); what is left is a prepayment of principal only, applied to the
    principal of later installments, oldest first. Their interest stays due as scheduled, except that when
    the whole principal has been repaid the interest of the installments not yet due is waived and the loan
    is paid off. A prepayment may not exceed the payoff amount (:meth:`payoff_amount`).
    """

    def __init__(self, rows: Iterable[Mapping[str, Any] | Installment]) -> None:
        self.installments: list[InstallmentState] = []
        for row in rows:
            get: Callable[[str], Any] = row.get if isinstance(row, Mapping) else row.__getattribute__
            due = get("due")
            self.installments.append(
                InstallmentState(
                    no=int(get("no")),
                    due=due if isinstance(due, date) else parse_date(due),
                    principal=int(get("principal")),
                    interest=int(get("interest")),
                )
            )
        self.unapplied = 0  # replay only: amounts of stored payments that found nothing left to pay
        self.last_payment: date | None = None
        self._open = 0  # installments before this one are settled, for good: payments are never undone

    def _first_open(self) -> int:
        """Index of the first installment not settled (``len`` when all are): replaying a loan's payments
        then costs what each payment touches, not the whole schedule each time."""
        installments, index = self.installments, self._open
        while index < len(installments) and installments[index].settled:
            index += 1
        self._open = index
        return index

    # -- figures
    @property
    def amount(self) -> int:
        return sum(i.principal for i in self.installments)

    @property
    def outstanding_principal(self) -> int:
        return sum(i.principal_unpaid for i in self.installments)

    @property
    def outstanding_interest(self) -> int:
        return sum(i.interest_unpaid for i in self.installments)

    @property
    def remaining_total(self) -> int:
        return sum(i.unpaid for i in self.installments)

    @property
    def principal_paid(self) -> int:
        return sum(i.principal_paid for i in self.installments)

    @property
    def interest_paid(self) -> int:
        return sum(i.interest_paid for i in self.installments)

    @property
    def paid_off(self) -> bool:
        return bool(self.installments) and self._first_open() == len(self.installments)

    def due_on(self, day: date) -> int:
        """Unpaid interest and principal of the installments due on or before ``day`` (the arrears)."""
        return sum(i.unpaid for i in self.installments if i.due <= day)

    def payoff_amount(self, day: date) -> int:
        """What pays the loan off on ``day`` as a prepayment: what is due by then plus the principal of later
        installments (their interest is waived)."""
        return self.due_on(day) + sum(i.principal_unpaid for i in self.installments if i.due > day)

    def oldest_unpaid(self) -> InstallmentState | None:
        """The first installment not yet settled (due or not), ``None`` when the loan is paid off."""
        index = self._first_open()
        return self.installments[index] if index < len(self.installments) else None

    def days_past_due(self, day: date) -> int:
        """Days since the due date of the oldest unpaid installment; 0 when nothing due is unpaid."""
        oldest = self.oldest_unpaid()
        return max(0, (day - oldest.due).days) if oldest is not None else 0

    # -- payments
    def check(self, amount: int, day: date, *, prepay: bool = False) -> None:
        """Refuse (``ValueError``, translated) a payment this loan cannot take."""
        if amount <= 0:
            raise ValueError(_("The amount must be more than zero"))
        if self.paid_off:
            raise ValueError(_("The loan is already paid off"))
        if prepay:
            payoff = self.payoff_amount(day)
            if amount > payoff:
                raise ValueError(
                    _(
                        "{amount} is more than the {payoff} that pays the loan off on {date}",
                        amount=format_rupiah(amount),
                        payoff=format_rupiah(payoff),
                        date=show_date(day),
                    )
                )
        elif amount > self.remaining_total:
            raise ValueError(
                _(
                    "{amount} is more than the {remaining} still owed; to pay off early, record it as a "
                    "prepayment (the payoff on {date} is {payoff})",
                    amount=format_rupiah(amount),
                    remaining=format_rupiah(self.remaining_total),
                    date=show_date(day),
                    payoff=format_rupiah(self.payoff_amount(day)),
                )
            )

    def apply(self, amount: int, day: date, *, prepay: bool = False, strict: bool = True) -> Allocation:
        """Apply a payment of ``amount`` made on ``day``; returns how it was split.

        With ``strict`` (the default) a payment the loan cannot take is refused before anything changes;
        without it (replaying stored payments) what finds nothing left to pay is kept in ``unapplied``.
        """
        if strict:
            self.check(amount, day, prepay=prepay)
        allocation = Allocation(amount=amount)
        left = amount
        start = self._first_open()
        for inst in self.installments[start:]:
            if prepay and inst.due > day:
                continue
            left = self._pay(inst, left, day, allocation, interest_too=True)
            if not left:
                break
        if prepay and left:
            for inst in self.installments[start:]:
                if inst.due > day:
                    left = self._pay(inst, left, day, allocation, interest_too=False)
                    if not left:
                        break
            if self.outstanding_principal == 0:
                for inst in self.installments:
                    if inst.due > day and inst.interest_unpaid:
                        allocation.waived_interest += inst.interest_unpaid
                        inst.interest_waived += inst.interest_unpaid
                        inst.paid_on = inst.paid_on or day
        self.unapplied += left
        self.last_payment = day if self.last_payment is None else max(self.last_payment, day)
        allocation.paid_off = self.paid_off
        return allocation

    @staticmethod
    def _pay(inst: InstallmentState, left: int, day: date, allocation: Allocation, *, interest_too: bool) -> int:
        interest = min(left, inst.interest_unpaid) if interest_too else 0
        principal = min(left - interest, inst.principal_unpaid)
        inst.interest_paid += interest
        inst.principal_paid += principal
        if inst.settled and inst.paid_on is None and (interest or principal):
            inst.paid_on = day
        allocation.add(inst.no, principal, interest)
        return left - interest - principal


def repayment_order(repayment: Mapping[str, Any]) -> tuple[date, int]:
    day = repayment.get("date")
    return (day if isinstance(day, date) else parse_date(day), int(repayment.get("id") or 0))


def reapply(
    rows: Iterable[Mapping[str, Any] | Installment], repayments: Iterable[Mapping[str, Any]], as_of: date | None = None
) -> tuple[Ledger, list[tuple[Mapping[str, Any], Allocation]]]:
    """The ledger of a loan after its stored repayments that are not reversed (dated on or before ``as_of``, if
    given), applied in date order with the rule of :class:`Ledger`, and how each was split."""
    ledger = Ledger(rows)
    applied: list[tuple[Mapping[str, Any], Allocation]] = []
    for repayment in sorted((r for r in repayments if not is_reversed(r)), key=repayment_order):
        day = repayment_order(repayment)[0]
        if as_of is not None and day > as_of:
            continue
        amount = int(repayment.get("amount") or 0)
        applied.append((repayment, ledger.apply(amount, day, prepay=bool(repayment.get("prepayment")), strict=False)))
    return ledger, applied


def replay(
    rows: Iterable[Mapping[str, Any] | Installment], repayments: Iterable[Mapping[str, Any]], as_of: date | None = None
) -> Ledger:
    """The ledger of a loan after its stored repayments that are not reversed (see :func:`reapply`)."""
    return reapply(rows, repayments, as_of)[0]
