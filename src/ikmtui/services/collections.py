"""Collections: the worklist of overdue loans and what the office did about each (calls, visits, letters).

* :func:`worklist` - active loans past due on a day, most overdue first, with the borrower's phone and address,
  the last contact and the last warning letter;
* :func:`log_contact` - a call, visit or letter with its outcome and a promise-to-pay date, in ``loan_contacts``;
* :func:`issue_reminder` - a warning letter SP1/SP2/SP3: numbered (``001/SP1/DISPERIN/XII/2026``, a sequence per
  year) and recorded on the loan as a letter contact with its level, number, date and officer, in one audited
  transaction; the letter itself is ``documents.credit.reminder_pdf`` with that number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ikmtui import clock
from ikmtui.domain import permissions
from ikmtui.domain.arrears import LoanArrears
from ikmtui.domain.fields import is_blank, not_after_today, parse_date
from ikmtui.domain.records import RecordInvalid
from ikmtui.domain.training import ROMAN_MONTHS
from ikmtui.i18n import N_, _
from ikmtui.services.credit import APPS, loan_status, loans_in_arrears
from ikmtui.services.settings import CERTIFICATE_UNIT, value_in
from ikmtui.storage import Database, RecordMissing

TABLE = "loan_contacts"
Doc = dict[str, Any]

CONTACT_KINDS = ("call", "visit", "letter")
KIND_LABELS = {"call": N_("call"), "visit": N_("visit"), "letter": N_("letter")}
LEVELS = (1, 2, 3)
MAX_TEXT = 500


def kind_label(kind: str) -> str:
    return _(KIND_LABELS.get(kind, kind))


@dataclass(frozen=True)
class CollectionRow:
    """One overdue loan on the worklist."""

    loan: LoanArrears
    ikm_code: str
    ikm_name: str
    owner: str
    phone: str
    address: str
    last_contact: Doc | None
    last_letter: Doc | None


#: A contact or a letter happens on or before today.
CONTACT_AFTER_TODAY = N_("A contact cannot be dated {date}, after today ({today})")


def _day(value: object) -> dt.date:
    return clock.today() if value is None or is_blank(value) else parse_date(value)


def _order(doc: Mapping[str, Any]) -> tuple[str, int]:
    """By contact date, then in the order recorded (ids grow; two saves in a second share a timestamp)."""
    return (str(doc.get("date", "")), int(doc.get("id") or 0))


def contacts_of(db: Database, app_id: int) -> list[Doc]:
    """The contacts logged on a loan, newest first (stored documents with ``id``)."""
    found = [{**doc, "id": int(k)} for k, doc in db.docs(TABLE).items() if doc.get("application_id") == app_id]
    return sorted(found, key=_order, reverse=True)


def worklist(db: Database, as_of: dt.date | str | None = None) -> list[CollectionRow]:
    """Active loans at least a day past due on ``as_of`` (default today), most overdue first."""
    day = _day(as_of)
    ikm = db.docs("ikm")
    latest: dict[int, Doc] = {}
    letters: dict[int, Doc] = {}
    for key, doc in db.docs(TABLE).items():
        app_id = int(doc.get("application_id") or 0)
        entry = {**doc, "id": int(key)}
        if app_id not in latest or _order(entry) > _order(latest[app_id]):
            latest[app_id] = entry
        if doc.get("kind") == "letter" and (app_id not in letters or _order(entry) > _order(letters[app_id])):
            letters[app_id] = entry
    rows = []
    for loan in loans_in_arrears(db, day):
        business = ikm.get(str(loan.ikm_id)) or {}
        address = ", ".join(str(business.get(k)) for k in ("address", "kelurahan", "kecamatan") if business.get(k))
        app_id = int(loan.application_id or 0)
        rows.append(
            CollectionRow(
                loan=loan,
                ikm_code=str(business.get("code", "")),
                ikm_name=str(business.get("name", "")),
                owner=str(business.get("owner_name") or ""),
                phone=str(business.get("phone") or ""),
                address=address,
                last_contact=latest.get(app_id),
                last_letter=letters.get(app_id),
            )
        )
    return rows


def _text(field: str, value: object, errors: dict[str, str]) -> str:
    text = "" if value is None else " ".join(str(value).split())
    if len(text) > MAX_TEXT:
        errors[field] = _("At most {n} characters", n=MAX_TEXT)
    return text


def log_contact(
    db: Database,
    app_id: int,
    kind: str,
    *,
    outcome: object = "",
    promise_date: object = None,
    note: object = "",
    on: dt.date | str | None = None,
) -> Doc:
    """Record a call, visit or letter on loan ``app_id`` with its outcome and the date the borrower promised to
    pay (on or after the contact, if any). Refused (``RecordInvalid`` by field) without changing anything."""
    errors: dict[str, str] = {}
    kind = str(kind or "").strip().casefold()
    if kind not in CONTACT_KINDS:
        errors["kind"] = _("Choose call, visit or letter")
    try:
        day = not_after_today(_day(on), CONTACT_AFTER_TODAY)
    except ValueError as exc:
        errors["date"], day = str(exc), clock.today()
    promise: str | None = None
    if not is_blank(promise_date):
        try:
            promised = parse_date(promise_date)
            if promised < day:
                errors["promise_date"] = _("A promise to pay is dated on or after the contact")
            promise = promised.isoformat()
        except ValueError as exc:
            errors["promise_date"] = str(exc)
    record = {
        "kind": kind,
        "date": day.isoformat(),
        "outcome": _text("outcome", outcome, errors),
        "promise_date": promise,
        "note": _text("note", note, errors),
    }
    if errors:
        raise RecordInvalid(errors)
    return _insert(db, app_id, record)


def _insert(db: Database, app_id: int, record: Doc) -> Doc:
    permissions.require(db.docs("staff"), db.user, "edit")
    with db.transaction() as txn:
        app = txn.get(APPS, app_id)
        if app is None:
            raise RecordMissing(APPS, app_id)
        if record["kind"] == "letter" and record.get("level"):
            year = record["date"][:4]
            same_year = [d for d in txn.table(TABLE).values() if d.get("number") and str(d.get("date", ""))[:4] == year]
            sequence = 1 + max((int(str(d["number"]).split("/")[0]) for d in same_year), default=0)
            day = parse_date(record["date"])
            unit = str(value_in(txn.table("settings"), CERTIFICATE_UNIT))
            record["number"] = f"{sequence:03d}/SP{record['level']}/{unit}/{ROMAN_MONTHS[day.month - 1]}/{day.year}"
        doc = {"application_id": app_id, "ikm_id": app.get("ikm_id"), **record, "officer": db.user}
        return txn.insert(TABLE, doc, code_prefix="KNT")


def issue_reminder(db: Database, app_id: int, level: int, *, on: dt.date | str | None = None) -> Doc:
    """Number and record warning letter ``level`` (1-3) on a loan that is past due on ``on`` (default today);
    returns the contact record (``number``, ``level``, ``date``, ``officer``, ``days_past_due``)."""
    if level not in LEVELS:
        raise ValueError(_("The warning level is 1, 2 or 3"))
    day = not_after_today(_day(on), CONTACT_AFTER_TODAY)
    status = loan_status(db, app_id, day)
    if status is None or not status.active or status.days_past_due <= 0:
        code = (db.get(APPS, app_id) or {}).get("code", "")
        raise ValueError(_("{code} is not past due: no warning letter", code=code))
    record = {
        "kind": "letter",
        "date": day.isoformat(),
        "level": level,
        "outcome": _("warning letter SP{level} issued", level=level),
        "promise_date": None,
        "note": "",
        "days_past_due": status.days_past_due,
        "overdue": status.overdue,
    }
    return _insert(db, app_id, record)
