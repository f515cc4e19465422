"""Collections: the overdue worklist, the contact log and warning letters recorded on the loan."""

from __future__ import annotations

import pytest

from ikmtui.domain.records import RecordInvalid
from ikmtui.services import collections as svc
from ikmtui.services.credit import loans_in_arrears
from ikmtui.storage import Database

pytestmark = pytest.mark.usefixtures("today")


def test_worklist_is_the_overdue_loans_most_days_first_with_contact_details(db: Database) -> None:
    rows = svc.worklist(db)
    assert [r.loan.code for r in rows] == [loan.code for loan in loans_in_arrears(db)]
    assert rows and all(r.loan.days_past_due > 0 for r in rows)
    days = [r.loan.days_past_due for r in rows]
    assert days == sorted(days, reverse=True)
    ikm = db.get("ikm", int(rows[0].loan.ikm_id or 0)) or {}
    assert rows[0].phone == ikm["phone"] and str(ikm["address"]) in rows[0].address


def test_contacts_and_letters_show_as_last_contact_and_last_letter(db: Database) -> None:
    db.user = "budi.santoso"
    loan = svc.worklist(db)[0].loan
    app_id = int(loan.application_id or 0)
    issued = sum(1 for c in db.all("loan_contacts") if c.get("number") and c["date"].startswith("2026"))
    svc.log_contact(db, app_id, "call", outcome="tidak diangkat", on="2026-12-01")
    letter = svc.issue_reminder(db, app_id, 1)
    visit = svc.log_contact(db, app_id, "visit", outcome="janji bayar", promise_date="2026-12-10")
    row = next(r for r in svc.worklist(db) if r.loan.application_id == app_id)
    assert row.last_contact is not None and row.last_contact["id"] == visit["id"]
    assert row.last_letter is not None and row.last_letter["number"] == letter["number"]
    assert letter["number"] == f"{issued + 1:03d}/SP1/DISPERIN/XII/2026"  # numbered on from this year's letters
    assert letter["days_past_due"] == loan.days_past_due
    second = svc.issue_reminder(db, app_id, 2)
    assert second["number"] == f"{issued + 2:03d}/SP2/DISPERIN/XII/2026"
    assert [c["kind"] for c in svc.contacts_of(db, app_id)][:4] == ["letter", "visit", "letter", "call"]


def test_bad_contacts_and_letters_are_refused_and_nothing_changes(db: Database) -> None:
    loan = svc.worklist(db)[0].loan
    app_id = int(loan.application_id or 0)
    before = db.all("loan_contacts")
    with pytest.raises(RecordInvalid) as caught:
        svc.log_contact(db, app_id, "email", promise_date="2026-11-01", on="2026-12-05")
    assert set(caught.value.errors) == {"kind", "date", "promise_date"}
    with pytest.raises(ValueError):
        svc.issue_reminder(db, app_id, 4)
    late = {r.loan.application_id for r in svc.worklist(db)}
    paid_off = next(int(k) for k, d in db.docs("credit_applications").items() if d.get("state") == "closed")
    draft = next(int(k) for k, d in db.docs("credit_applications").items() if d.get("state") == "draft")
    assert not late & {paid_off, draft}
    for app_id in (paid_off, draft):
        with pytest.raises(ValueError, match="tidak menunggak"):
            svc.issue_reminder(db, app_id, 1)
    assert db.all("loan_contacts") == before
