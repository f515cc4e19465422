"""Credit corrections as Apache Fineract makes them: a repayment reversed (the later ones re-applied in date order),
a disbursement or an approval undone, an approved application withdrawn or cancelled. Each by a supervisor, dated,
with a reason, in the loan's history and the audit log; nothing is deleted."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ikmtui.domain.credit import state_on
from ikmtui.domain.permissions import PermissionDenied
from ikmtui.services import credit as svc
from ikmtui.storage import Database
from tests.support.credit_office import (
    APPS,
    REPAYMENTS,
    TODAY,
    approved,
    disbursed,
    make_office,
    office_on_today,
    officer,
)


@pytest.fixture
def office(tmp_path: Path) -> Iterator[Database]:
    yield from office_on_today(tmp_path)


#: Four payments on a Rp 1.030.000-a-month loan: the second is the officer's slip.
PAYMENTS = [("2026-02-10", 1_030_000), ("2026-03-10", 2_060_000), ("2026-04-12", 1_030_000), ("2026-06-10", 500_000)]
WHY = "salah input: angsuran milik pinjaman lain"


def supervisor(db: Database) -> Database:
    return officer(db, "dedi")


def figures(db: Database, app_id: int, as_of: date = TODAY) -> dict[str, Any]:
    status = svc.loan_status(db, app_id, as_of)
    assert status is not None
    found = asdict(status)
    for key in ("application_id", "code", "ikm_id"):
        found.pop(key)
    return found


def splits(db: Database, app_id: int) -> list[tuple[str, int, int, int]]:
    return [
        (r["date"], r["amount"], r["principal"], r["interest"])
        for r in svc.repayments_of(db, app_id)
        if not r.get("reversal")
    ]


# ---------------------------------------------------------------------------------------------- reversal
def test_reversal_reapplies_the_later_repayments_as_a_recomputation_would(office: Database, tmp_path: Path) -> None:
    loan = disbursed(office)
    for day, amount in PAYMENTS:
        svc.record_repayment(office, loan["id"], day, amount)
    wrong = svc.repayments_of(office, loan["id"])[1]
    before = figures(office, loan["id"])

    boss = supervisor(office)
    result = svc.reverse_repayment(boss, wrong["id"], WHY)
    office.refresh()
    assert result.repayment["reversal"]["reason"] == WHY and result.repayment["principal"] == 0
    assert [r["date"] for r in result.reapplied] == ["2026-04-12", "2026-06-10"]  # their splits moved

    # the same loan with only the remaining repayments, recorded from scratch
    fresh = make_office(tmp_path / "fresh.json")
    again = disbursed(fresh)
    for day, amount in PAYMENTS[:1] + PAYMENTS[2:]:
        svc.record_repayment(fresh, again["id"], day, amount)
    assert figures(office, loan["id"]) == figures(fresh, again["id"]) != before
    for as_of in (date(2026, 4, 30), date(2026, 7, 1), TODAY):
        assert figures(office, loan["id"], as_of) == figures(fresh, again["id"], as_of)
        assert svc.installment_rows(office, loan["id"], as_of) == svc.installment_rows(fresh, again["id"], as_of)
    assert splits(office, loan["id"]) == splits(fresh, again["id"])
    now = svc.loan_status(office, loan["id"], TODAY)
    assert now is not None and now.days_past_due > 0 and now.collectability >= 2

    # never a deletion: the reversed repayment is still there, marked, in the history and the audit log
    assert office.count(REPAYMENTS) == len(PAYMENTS)
    stored = office.get(REPAYMENTS, wrong["id"])
    assert stored["amount"] == 2_060_000
    assert stored["reversal"] == {
        "date": "2026-12-04",
        "by": "dedi",
        "reason": WHY,
        "principal": wrong["principal"],
        "interest": wrong["interest"],
    }
    last = office.get(APPS, loan["id"])["history"][-1]
    assert last["correction"] == "reverse_repayment" and last["repayment"] == wrong["code"]
    assert (last["by"], last["date"], last["note"]) == ("dedi", "2026-12-04", WHY)
    audit = [a for a in office.all("audit") if a["action"] == "repayment.reverse"]
    assert [(a["user"], a["code"], a["detail"]) for a in audit] == [("dedi", wrong["code"], WHY)]
    # the portfolio counts the remaining repayments only
    assert svc.portfolio(office)["outstanding"] == svc.portfolio(fresh)["outstanding"]


def test_reversal_is_refused_without_a_supervisor_a_reason_or_twice(office: Database) -> None:
    loan = disbursed(office)
    paid = svc.record_repayment(office, loan["id"], "2026-02-10", 1_030_000).repayment
    with pytest.raises(PermissionDenied, match="ani"):
        svc.reverse_repayment(office, paid["id"], WHY)  # ani is an operator
    with pytest.raises(ValueError, match="Isi alasannya"):
        svc.reverse_repayment(supervisor(office), paid["id"], "  ")
    with pytest.raises(ValueError, match=r"setelah hari ini \(4 Des 2026\)"):
        svc.reverse_repayment(supervisor(office), paid["id"], WHY, date="2026-12-05")
    office.refresh()
    assert not office.get(REPAYMENTS, paid["id"]).get("reversal")
    svc.reverse_repayment(supervisor(office), paid["id"], WHY)
    with pytest.raises(ValueError, match="sudah dibalik pada 04/12/2026 oleh dedi"):
        svc.reverse_repayment(supervisor(office), paid["id"], WHY)


def test_reversing_the_payoff_reopens_the_loan(office: Database) -> None:
    loan = disbursed(office)
    total = sum(row["total"] for row in loan["schedule"])
    payoff = svc.record_repayment(office, loan["id"], "2026-03-01", total)
    assert payoff.closed
    result = svc.reverse_repayment(supervisor(office), payoff.repayment["id"], WHY)
    assert result.reopened
    doc = result.application
    assert doc["state"] == "disbursed"
    closed = [h for h in doc["history"] if h["state"] == "closed"]
    assert closed and closed[0]["undone"]["reason"] == WHY  # kept, marked undone
    assert state_on(doc, date(2026, 3, 2)) == "disbursed"
    status = svc.loan_status(supervisor(office), loan["id"], TODAY)
    assert status is not None and status.active and status.outstanding_principal == 12_000_000


def test_a_future_dated_repayment_from_an_older_version_no_longer_locks_the_loan(office: Database) -> None:
    loan = disbursed(office)
    # what an older version let through: a repayment dated 2031, stored as it stored repayments
    office.insert(
        REPAYMENTS,
        {
            "application_id": loan["id"],
            "date": "2031-01-10",
            "amount": 1_030_000,
            "principal": 1_000_000,
            "interest": 30_000,
            "allocation": [{"no": 1, "principal": 1_000_000, "interest": 30_000}],
            "source": "manual",
            "note": "",
        },
        code_prefix="ANS",
    )
    [future] = svc.repayments_of(office, loan["id"])
    with pytest.raises(ValueError, match="urut tanggal"):
        svc.record_repayment(office, loan["id"], "2026-02-10", 1_030_000)
    svc.reverse_repayment(supervisor(office), future["id"], "tahun salah ketik: 2031")
    office.refresh()
    paid = svc.record_repayment(office, loan["id"], "2026-02-10", 1_030_000)
    assert paid.repayment["principal"] == 1_000_000
    status = svc.loan_status(office, loan["id"], date(2026, 2, 10))
    assert status is not None and status.outstanding_principal == 11_000_000


# ---------------------------------------------------------------------------------------------- undo
def test_undo_disbursement_only_while_no_repayment_stands(office: Database) -> None:
    loan = disbursed(office)
    paid = svc.record_repayment(office, loan["id"], "2026-02-10", 1_030_000).repayment
    boss = supervisor(office)
    with pytest.raises(ValueError, match="balik angsuran itu dahulu"):
        svc.undo_disbursal(boss, loan["id"], "salah pinjaman")
    with pytest.raises(ValueError, match="balik angsuran itu dahulu"):
        svc.check_correction(boss, loan["id"], "undo_disbursal")
    svc.reverse_repayment(boss, paid["id"], WHY)
    with pytest.raises(PermissionDenied):
        svc.undo_disbursal(office, loan["id"], "salah pinjaman")
    undone = svc.undo_disbursal(boss, loan["id"], "bank belum mencairkan")
    assert (undone["state"], undone["disbursed_on"], undone["schedule"]) == ("approved", None, [])
    disbursal = next(h for h in undone["history"] if h["state"] == "disbursed")
    assert disbursal["undone"] == {"date": "2026-12-04", "by": "dedi", "reason": "bank belum mencairkan"}
    assert undone["history"][-1]["correction"] == "undo_disbursal"
    assert state_on(undone, date(2026, 6, 1)) == "approved"  # as if it had never been lent
    assert svc.loan_status(boss, loan["id"], TODAY) is None
    assert svc.portfolio(boss)["outstanding"] == 0 and svc.portfolio(boss)["disbursed_count"] == 0
    assert any(a["action"] == "credit.undo_disbursal" for a in boss.all("audit"))
    # disbursed again on the right date, by someone who did not approve it
    with pytest.raises(ValueError, match="citra menyetujui"):
        svc.disburse(officer(office, "citra"), loan["id"], date="2026-01-20")
    again = svc.disburse(officer(office, "budi"), loan["id"], date="2026-01-20")
    assert again["disbursed_on"] == "2026-01-20" and again["schedule"][0]["due"] == "2026-02-20"


def test_undo_approval_while_not_disbursed(office: Database) -> None:
    app = approved(office)
    boss = supervisor(office)
    undone = svc.undo_approval(boss, app["id"], "jumlah disetujui salah")
    assert (undone["state"], undone["amount_approved"]) == ("verified", None)
    assert next(h for h in undone["history"] if h["state"] == "approved")["undone"]["by"] == "dedi"
    assert state_on(undone, TODAY) == "verified"
    assert svc.portfolio(boss)["approved_count"] == 0
    again = svc.approve(boss, app["id"], amount_approved=10_000_000, date="2026-01-09")
    assert (again["state"], again["amount_approved"]) == ("approved", 10_000_000)
    svc.disburse(officer(office, "budi"), app["id"], date="2026-01-10")
    with pytest.raises(ValueError, match="berstatus dicairkan"):
        svc.undo_approval(boss, app["id"], "terlambat")
    with pytest.raises(ValueError, match="lebih awal dari langkah yang dikoreksi"):
        svc.undo_disbursal(boss, app["id"], "salah", date="2026-01-01")


@pytest.mark.parametrize(("step", "state"), [(svc.withdraw_approved, "withdrawn"), (svc.cancel, "rejected")])
def test_an_approved_application_is_withdrawn_or_cancelled_by_a_supervisor_with_a_reason(
    office: Database, step: Any, state: str
) -> None:
    app = approved(office)
    with pytest.raises(PermissionDenied):
        step(office, app["id"], note="pemohon mundur")  # ani: an operator
    with pytest.raises(ValueError, match="alasan"):
        step(supervisor(office), app["id"], note="")
    done = step(supervisor(office), app["id"], note="pemohon mundur")
    assert done["state"] == state
    assert done["history"][-1] == {"state": state, "date": "2026-12-04", "by": "dedi", "note": "pemohon mundur"}


def test_a_disbursement_dated_in_the_future_by_an_older_version_can_be_undone(office: Database) -> None:
    loan = disbursed(office)
    # what an older version let through: the disbursement recorded on 4 Dec as of 20 Dec
    history = [dict(h) for h in loan["history"]]
    history[-1]["date"] = "2026-12-20"
    office.update(APPS, loan["id"], {"history": history, "disbursed_on": "2026-12-20"})
    with pytest.raises(ValueError, match="lebih awal dari pencairan pada 20/12/2026"):
        svc.record_repayment(office, loan["id"], TODAY, 1_030_000)
    undone = svc.undo_disbursal(supervisor(office), loan["id"], "tanggal cair salah ketik")
    assert (undone["state"], undone["disbursed_on"]) == ("approved", None)
    again = svc.disburse(officer(office, "budi"), loan["id"], date="2026-01-10")
    assert again["disbursed_on"] == "2026-01-10"
