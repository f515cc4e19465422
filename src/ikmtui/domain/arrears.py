"""Arrears and the credit portfolio, as of any date, from stored applications and repayments (pure data).

* days past due: days since the due date of the oldest installment not fully paid (0 on the due date itself);
* ageing buckets: on schedule, 1-30, 31-60, 61-90, 91-180, 181-360, >360 days;
* collectability (kolektibilitas OJK): 1 Lancar (0 days), 2 DPK (1-90), 3 Kurang Lancar (91-120),
  4 Diragukan (121-180), 5 Macet (>180);
* PAR30: outstanding principal of loans more than 30 days late / total outstanding principal (0 when nothing
  is outstanding).

Repayments dated after the as-of date are ignored and an application's state on that date is read from its
history, so a report for last month gives the same figures whenever it is made.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from ikmtui.domain.credit import (
    ACTIVE_STATE,
    APPROVED_STATES,
    PRODUCTS,
    STATES,
    CreditApplication,
    CreditProduct,
    Ledger,
    loan_schedule,
    replay,
    state_on,
    step_date,
)
from ikmtui.domain.fields import parse_date
from ikmtui.i18n import N_, _

BUCKETS = ("on_schedule", "1-30", "31-60", "61-90", "91-180", "181-360", ">360")
BUCKET_LABELS: dict[str, str] = {
    "on_schedule": N_("on schedule"),
    "1-30": N_("1-30 days"),
    "31-60": N_("31-60 days"),
    "61-90": N_("61-90 days"),
    "91-180": N_("91-180 days"),
    "181-360": N_("181-360 days"),
    ">360": N_("more than 360 days"),
}
#: Upper bound (days past due, inclusive) of each bucket but the last.
_BUCKET_LIMITS = ((0, "on_schedule"), (30, "1-30"), (60, "31-60"), (90, "61-90"), (180, "91-180"), (360, "181-360"))

COLLECTABILITY_GRADES = (1, 2, 3, 4, 5)
COLLECTABILITY_LABELS: dict[int, str] = {
    1: N_("Current (Lancar)"),
    2: N_("Special mention (DPK)"),
    3: N_("Substandard (Kurang Lancar)"),
    4: N_("Doubtful (Diragukan)"),
    5: N_("Loss (Macet)"),
}
_COLLECTABILITY_LIMITS = ((0, 1), (90, 2), (120, 3), (180, 4))

PAR_DAYS = 30


def ageing_bucket(days_past_due: int) -> str:
    """The ageing bucket key of a loan ``days_past_due`` days late (see :data:`BUCKETS`)."""
    for limit, bucket in _BUCKET_LIMITS:
        if days_past_due <= limit:
            return bucket
    return ">360"


def bucket_label(bucket: str) -> str:
    return _(BUCKET_LABELS.get(bucket, bucket))


def collectability(days_past_due: int) -> int:
    """Kolektibilitas OJK 1-5 of a loan ``days_past_due`` days late."""
    for limit, grade in _COLLECTABILITY_LIMITS:
        if days_past_due <= limit:
            return grade
    return 5


def collectability_label(grade: int) -> str:
    return _(COLLECTABILITY_LABELS.get(grade, str(grade)))


@dataclass(frozen=True)
class LoanArrears:
    """Where one loan stands on ``as_of``. Amounts in whole rupiah."""

    application_id: int | None
    code: str
    ikm_id: int | None
    product: str
    bank: str
    #: The application's state on ``as_of`` (``disbursed``, ``closed`` or ``written_off``).
    state: str
    as_of: date
    disbursed_on: date
    amount: int
    principal_paid: int
    interest_paid: int
    outstanding_principal: int
    #: Scheduled interest not yet paid (due or not).
    outstanding_interest: int
    #: Interest and principal that fell due on or before ``as_of`` and are unpaid.
    overdue: int
    #: The oldest installment not fully paid, due or not (``None`` when paid off).
    oldest_unpaid_no: int | None
    oldest_unpaid_due: date | None
    oldest_unpaid_amount: int
    days_past_due: int
    bucket: str
    collectability: int
    last_payment: date | None
    #: When it was paid off (closed) or written off, if on or before ``as_of``.
    ended_on: date | None = None

    @property
    def active(self) -> bool:
        """Lent and not closed or written off on ``as_of``: counts in outstanding, PAR and collectability."""
        return self.state == "disbursed" and self.outstanding_principal > 0

    @property
    def late(self) -> bool:
        return self.days_past_due > 0

    def as_dict(self) -> dict[str, Any]:
        """Plain data (ISO dates) for tables, exports and JSON."""
        row = asdict(self)
        for key in ("as_of", "disbursed_on", "oldest_unpaid_due", "last_payment", "ended_on"):
            row[key] = row[key].isoformat() if row[key] is not None else None
        return row


def _day(value: object) -> date | None:
    if value in (None, ""):
        return None
    try:
        return value if isinstance(value, date) else parse_date(value)
    except ValueError:
        return None


def loan_ledger(
    app: Mapping[str, Any], repayments: Iterable[Mapping[str, Any]], as_of: date | None = None
) -> Ledger | None:
    """The repayment ledger of a stored application (its stored schedule, or one computed from its frozen
    terms if it has none) after its repayments up to ``as_of``; ``None`` if it was never disbursed."""
    disbursed_on = _day(app.get("disbursed_on"))
    if disbursed_on is None:
        return None
    rows: list[Any] = list(app.get("schedule") or [])
    if not rows:
        rows = loan_schedule(CreditApplication.parse(dict(app)), disbursed_on)
    return replay(rows, repayments, as_of)


def loan_arrears(app: Mapping[str, Any], repayments: Iterable[Mapping[str, Any]], as_of: date) -> LoanArrears | None:
    """Arrears of one loan (a stored application document) on ``as_of`` from its repayments (stored
    documents; those dated later are ignored). ``None`` when it was not disbursed on or before ``as_of``."""
    disbursed_on = _day(app.get("disbursed_on"))
    if disbursed_on is None or disbursed_on > as_of:
        return None
    ledger = loan_ledger(app, repayments, as_of)
    assert ledger is not None
    state = state_on(app, as_of) or "disbursed"
    if state not in ("disbursed", "closed", "written_off"):
        state = "disbursed"  # history dated inconsistently: the money was lent all the same
    oldest = ledger.oldest_unpaid()
    days = ledger.days_past_due(as_of) if state == "disbursed" else 0
    return LoanArrears(
        application_id=app.get("id"),
        code=str(app.get("code", "")),
        ikm_id=app.get("ikm_id"),
        product=str(app.get("product", "")),
        bank=str(app.get("bank", "")),
        state=state,
        as_of=as_of,
        disbursed_on=disbursed_on,
        amount=ledger.amount,
        principal_paid=ledger.principal_paid,
        interest_paid=ledger.interest_paid,
        outstanding_principal=ledger.outstanding_principal,
        outstanding_interest=ledger.outstanding_interest,
        overdue=ledger.due_on(as_of),
        oldest_unpaid_no=oldest.no if oldest else None,
        oldest_unpaid_due=oldest.due if oldest else None,
        oldest_unpaid_amount=oldest.unpaid if oldest else 0,
        days_past_due=days,
        bucket=ageing_bucket(days),
        collectability=collectability(days),
        last_payment=ledger.last_payment,
        ended_on=step_date(app, state) if state in ("closed", "written_off") else None,
    )


def par(loans: Iterable[LoanArrears], days: int = PAR_DAYS) -> float:
    """Portfolio at risk: outstanding principal of active loans more than ``days`` late / outstanding
    principal of all active loans, as a fraction 0..1 (0 when nothing is outstanding)."""
    active = [loan for loan in loans if loan.active]
    total = sum(loan.outstanding_principal for loan in active)
    if total <= 0:
        return 0.0
    return sum(loan.outstanding_principal for loan in active if loan.days_past_due > days) / total


def par30(loans: Iterable[LoanArrears]) -> float:
    """PAR30 as a fraction 0..1; 0 when nothing is outstanding."""
    return par(loans, PAR_DAYS)


def group_repayments(repayments: Iterable[Mapping[str, Any]]) -> dict[int, list[Mapping[str, Any]]]:
    """Repayment documents by ``application_id``."""
    grouped: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
    for repayment in repayments:
        grouped[int(repayment.get("application_id") or 0)].append(repayment)
    return grouped


def portfolio_loans(
    applications: Iterable[Mapping[str, Any]], repayments: Iterable[Mapping[str, Any]], as_of: date
) -> list[LoanArrears]:
    """Arrears of every loan disbursed on or before ``as_of`` (closed and written off ones included)."""
    grouped = group_repayments(repayments)
    loans: list[LoanArrears] = []
    for app in applications:
        loan = loan_arrears(app, grouped.get(int(app.get("id") or 0), []), as_of)
        if loan is not None:
            loans.append(loan)
    return loans


def _in_period(day: date | None, since: date | None, as_of: date) -> bool:
    return day is not None and day <= as_of and (since is None or day >= since)


def _figures(
    apps: list[Mapping[str, Any]], loans: list[LoanArrears], as_of: date, since: date | None
) -> dict[str, Any]:
    by_state = dict.fromkeys(STATES, 0)
    new = 0
    approved_count = approved_amount = disbursed_count = disbursed_amount = 0
    for app in apps:
        state = state_on(app, as_of)
        if state is None:
            continue
        by_state[state] = by_state.get(state, 0) + 1
        history = app.get("history") or [{}]
        created = _day(history[0].get("date")) or _day(str(app.get("created_at", ""))[:10])
        if _in_period(created, since, as_of):
            new += 1
        principal = app.get("amount_approved")
        principal = int(principal if principal is not None else app.get("amount_requested") or 0)
        approved_on = step_date(app, "approved")
        if approved_on is None and state in APPROVED_STATES:
            approved_on = _day(app.get("disbursed_on"))
        if _in_period(approved_on, since, as_of):
            approved_count += 1
            approved_amount += principal
        if _in_period(_day(app.get("disbursed_on")), since, as_of):
            disbursed_count += 1
            disbursed_amount += principal
    active = [loan for loan in loans if loan.active]
    outstanding = sum(loan.outstanding_principal for loan in active)
    at_risk = sum(loan.outstanding_principal for loan in active if loan.days_past_due > PAR_DAYS)
    written_off = [
        loan for loan in loans if loan.state == "written_off" and _in_period(loan.ended_on or as_of, since, as_of)
    ]
    return {
        "applications": sum(by_state.values()),
        "applications_new": new,
        "by_state": by_state,
        "approved_count": approved_count,
        "approved_amount": approved_amount,
        "disbursed_count": disbursed_count,
        "disbursed_amount": disbursed_amount,
        "outstanding_count": len(active),
        "outstanding": outstanding,
        "overdue": sum(loan.overdue for loan in active),
        "par30_amount": at_risk,
        "par30": at_risk / outstanding if outstanding else 0.0,
        "written_off_count": len(written_off),
        "written_off_amount": sum(loan.outstanding_principal for loan in written_off),
    }


def portfolio_summary(
    applications: Iterable[Mapping[str, Any]],
    repayments: Iterable[Mapping[str, Any]],
    as_of: date,
    *,
    since: date | None = None,
    products: Mapping[str, CreditProduct] | None = None,
) -> dict[str, Any]:
    """The credit portfolio on ``as_of`` as plain data (JSON-ready: ISO dates, int rupiah, fractions 0..1).

    ``applications`` and ``repayments`` are stored documents (with ``id``). Counts of applications by state
    are as of ``as_of``; *approved*, *disbursed*, *new* and *written off* count what happened in the period
    ``since``..``as_of`` (everything up to ``as_of`` when ``since`` is ``None``); outstanding, PAR30, ageing
    and collectability are positions on ``as_of``. Keys::

        as_of, since, applications, applications_new, by_state {state: n}, approved_count, approved_amount,
        disbursed_count, disbursed_amount, outstanding_count, outstanding, overdue, par30_amount, par30,
        written_off_count, written_off_amount,
        buckets [{bucket, label, count, outstanding}], collectability [{grade, label, count, outstanding}],
        by_bank {bank: {same figures as the totals}}, by_product {code: {name, same figures}}
    """
    catalog = PRODUCTS if products is None else products
    apps = [app for app in applications if state_on(app, as_of) is not None]
    loans = portfolio_loans(apps, repayments, as_of)
    active = [loan for loan in loans if loan.active]
    summary: dict[str, Any] = {"as_of": as_of.isoformat(), "since": since.isoformat() if since else None}
    summary.update(_figures(apps, loans, as_of, since))
    summary["buckets"] = [
        {
            "bucket": b,
            "label": bucket_label(b),
            "count": sum(1 for loan in active if loan.bucket == b),
            "outstanding": sum(loan.outstanding_principal for loan in active if loan.bucket == b),
        }
        for b in BUCKETS
    ]
    summary["collectability"] = [
        {
            "grade": g,
            "label": collectability_label(g),
            "count": sum(1 for loan in active if loan.collectability == g),
            "outstanding": sum(loan.outstanding_principal for loan in active if loan.collectability == g),
        }
        for g in COLLECTABILITY_GRADES
    ]
    by_bank: dict[str, Any] = {}
    for bank in sorted({str(app.get("bank", "")) for app in apps}):
        group = [app for app in apps if str(app.get("bank", "")) == bank]
        by_bank[bank] = _figures(group, [loan for loan in loans if loan.bank == bank], as_of, since)
    summary["by_bank"] = by_bank
    by_product: dict[str, Any] = {}
    for code in sorted({str(app.get("product", "")) for app in apps}):
        group = [app for app in apps if str(app.get("product", "")) == code]
        product = catalog.get(code)
        by_product[code] = {
            "name": product.name if product else code,
            **_figures(group, [loan for loan in loans if loan.product == code], as_of, since),
        }
    summary["by_product"] = by_product
    return summary


# ---------------------------------------------------------------------------------------------- table figures
#: ``(id, record)`` pairs of a table (``list(db.docs(name).items())``).
Items = Iterable[tuple[str, Mapping[str, Any]]]


class DaysPastDue:
    """Days past due of every active loan on a date, for the applications table. A loan's figure comes from
    :func:`loan_arrears` (the rule of the portfolio reports) and is kept until its
    application or one of its repayments changes, so a table reload after one repayment replays one ledger.

    It works on snapshots of the two tables (``list(db.docs(...).items())``), so it may run in a worker
    thread while the screen stays responsive."""

    def __init__(self) -> None:
        self._as_of: date | None = None
        self._known: dict[int, tuple[Any, int | None]] = {}
        self._lock = threading.Lock()

    def missing(self, apps: Items, as_of: date) -> int:
        """How many lent applications would need their ledger replayed (an estimate of the work)."""
        if as_of != self._as_of:
            return sum(1 for _key, doc in apps if doc.get("disbursed_on"))
        return sum(1 for key, doc in apps if doc.get("disbursed_on") and int(key) not in self._known)

    def __call__(self, apps: Items, repayments: Items, as_of: date) -> dict[int, int]:
        with self._lock:
            if as_of != self._as_of:
                self._known, self._as_of = {}, as_of
            grouped: dict[int, list[tuple[str, Mapping[str, Any]]]] = {}
            for key, doc in repayments:
                grouped.setdefault(doc.get("application_id") or 0, []).append((key, doc))
            result: dict[int, int] = {}
            for key, doc in apps:
                if not doc.get("disbursed_on"):
                    continue
                state = doc.get("state")
                if state != ACTIVE_STATE and (step_date(doc, str(state)) or as_of) <= as_of:
                    continue  # closed or written off by then: not active, no ledger to replay
                app_id = int(key)
                paid = grouped.get(app_id, ())
                signature = (doc.get("version"), *[(k, r.get("version")) for k, r in paid])
                known = self._known.get(app_id)
                if known is None or known[0] != signature:
                    loan = loan_arrears({**doc, "id": app_id}, [{**r, "id": int(k)} for k, r in paid], as_of)
                    known = (signature, loan.days_past_due if loan is not None and loan.active else None)
                    self._known[app_id] = known
                if known[1] is not None:
                    result[app_id] = known[1]
            return result
