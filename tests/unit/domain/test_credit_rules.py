"""Credit rules: lifecycle, maker-checker, product limits, repayments, arrears and the portfolio."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from ikmtui import clock, i18n
from ikmtui.domain import arrears
from ikmtui.domain.credit import (
    PRODUCTS,
    STATES,
    TRANSITIONS,
    CreditApplication,
    Ledger,
    allowed_transitions,
    apply_transition,
    state_on,
)
from ikmtui.domain.records import RecordInvalid
from ikmtui.domain.schedule import schedule
from ikmtui.services import credit as svc
from ikmtui.storage import Database, StaleRecord
from tests.support.credit_office import application

ALLOWED = {
    ("draft", "submitted"),
    ("draft", "withdrawn"),
    ("submitted", "verified"),
    ("submitted", "withdrawn"),
    ("verified", "approved"),
    ("verified", "rejected"),
    ("verified", "withdrawn"),
    ("approved", "disbursed"),
    ("approved", "withdrawn"),  # corrections: withdrawn or cancelled once approved (a supervisor, with a reason)
    ("approved", "rejected"),
    ("disbursed", "closed"),
    ("disbursed", "written_off"),
}
DISBURSED = date(2026, 1, 10)
FIRST_DUE = date(2026, 2, 10)


@pytest.fixture
def english() -> Iterator[None]:
    i18n.set_language("en")
    yield
    i18n.set_language("id")


@pytest.fixture
def maker(tmp_path: Path) -> Database:
    return Database(tmp_path / "credit.json", "ani")


@pytest.fixture
def checker(tmp_path: Path, maker: Database) -> Database:
    return Database(tmp_path / "credit.json", "budi")


@pytest.fixture(autouse=True)
def _late_today() -> Iterator[None]:
    """Steps and repayments are never dated after today: these loans are followed into 2027."""
    with clock.fixed(date(2027, 12, 31)):
        yield


def approver(checker: Database) -> Database:
    """A third officer: maker-checker keeps whoever verified (the checker) from approving too."""
    return Database(checker.path, "citra")


def add_ikm(db: Database, name: str = "Batik Sekar Arum") -> int:
    return int(db.insert("ikm", {"name": name}, code_prefix="IKM")["id"])


def new_app(db: Database, ikm_id: int, **overrides: Any) -> dict[str, Any]:
    return application(db, ikm_id, **overrides)  # dated 2026-01-05


def disbursed_loan(
    maker: Database, checker: Database, ikm_id: int | None = None, *, on: date = DISBURSED, **overrides: Any
) -> dict[str, Any]:
    """A loan taken through the whole lifecycle: by default Rp 12.000.000, 12 months, 3% flat, so every
    installment is Rp 1.030.000 (1.000.000 principal + 30.000 interest)."""
    ikm_id = add_ikm(maker) if ikm_id is None else ikm_id
    app = new_app(maker, ikm_id, **overrides)
    svc.submit(maker, app["id"], date=on - timedelta(days=4))
    svc.verify(checker, app["id"], date=on - timedelta(days=3))
    svc.approve(approver(checker), app["id"], date=on - timedelta(days=2))
    loan = svc.disburse(checker, app["id"], date=on)
    maker.refresh()  # reads come from memory: pick up what the checker saved (writes always catch up)
    return loan


def model(state: str, **extra: Any) -> CreditApplication:
    return CreditApplication.parse(
        {
            "ikm_id": 1,
            "amount_requested": 5_000_000,
            "tenor_months": 12,
            "purpose": "modal kerja",
            "state": state,
            "submitted_by": "ani",
            "code": "KRD-2026-0001",
            **extra,
        }
    )


# ---------------------------------------------------------------------------------------------- lifecycle
def test_transition_table_is_the_documented_lifecycle() -> None:
    assert {(a, b) for a, nexts in TRANSITIONS.items() for b in nexts} == ALLOWED
    assert set(TRANSITIONS) == set(STATES)
    for final in ("rejected", "withdrawn", "closed", "written_off"):
        assert allowed_transitions(final) == ()


@pytest.mark.parametrize("current", STATES)
@pytest.mark.parametrize("wanted", STATES)
def test_every_transition_is_allowed_or_refused(current: str, wanted: str, english: None) -> None:
    app = model(current)
    if (current, wanted) in ALLOWED:
        moved = apply_transition(app, wanted, by="budi", on=date(2026, 2, 1), note="ok")
        assert moved.state == wanted
        assert moved.history[-1] == {"state": wanted, "date": "2026-02-01", "by": "budi", "note": "ok"}
        assert app.state == current and app.history == []  # the original is untouched
    else:
        with pytest.raises(ValueError) as refused:
            apply_transition(app, wanted, by="budi", on=date(2026, 2, 1))
        message = str(refused.value)
        assert "KRD-2026-0001" in message
        assert current.replace("_", " ") in message and wanted.replace("_", " ") in message


def test_unknown_state_is_refused(english: None) -> None:
    with pytest.raises(ValueError, match="Unknown credit state"):
        apply_transition(model("draft"), "paid", by="budi", on=date(2026, 2, 1))


@pytest.mark.parametrize(
    ("current", "wanted"), [("submitted", "verified"), ("verified", "approved"), ("approved", "disbursed")]
)
def test_maker_checker_in_the_domain(current: str, wanted: str, english: None) -> None:
    with pytest.raises(ValueError, match="ani submitted KRD-2026-0001 and so cannot also"):
        apply_transition(model(current), wanted, by="ani", on=date(2026, 2, 1))
    assert apply_transition(model(current), wanted, by="budi", on=date(2026, 2, 1)).state == wanted


@pytest.mark.parametrize(
    ("current", "wanted"),
    [("submitted", "withdrawn"), ("verified", "rejected"), ("verified", "withdrawn"), ("disbursed", "written_off")],
)
def test_the_submitter_may_still_withdraw_reject_or_write_off(current: str, wanted: str) -> None:
    assert apply_transition(model(current), wanted, by="ani", on=date(2026, 2, 1)).state == wanted


def test_submitting_records_the_maker() -> None:
    moved = apply_transition(model("draft", submitted_by=""), "submitted", by="citra", on=date(2026, 2, 1))
    assert moved.submitted_by == "citra"


def test_a_step_cannot_be_dated_before_the_previous_one(english: None) -> None:
    app = model("submitted", history=[{"state": "submitted", "date": "2026-02-01", "by": "ani", "note": ""}])
    with pytest.raises(ValueError, match="before the previous step"):
        apply_transition(app, "verified", by="budi", on=date(2026, 1, 31))


def test_refusal_is_translated() -> None:
    with pytest.raises(ValueError, match="tidak dapat diubah dari draf menjadi disetujui"):
        apply_transition(model("draft"), "approved", by="budi", on=date(2026, 2, 1))


def test_full_lifecycle_through_the_services(maker: Database, checker: Database) -> None:
    ikm = add_ikm(maker)
    app = new_app(maker, ikm)
    assert app["code"].startswith("KRD-") and app["code"].endswith("-0001")
    assert app["state"] == "draft" and app["history"][0]["state"] == "draft"
    assert (app["annual_rate"], app["interest_method"], app["rounding"]) == (3.0, "flat", 1)
    svc.submit(maker, app["id"], date="2026-01-06", note="berkas masuk")
    svc.verify(checker, app["id"], date="2026-01-07")
    approved = svc.approve(approver(checker), app["id"], amount_approved="Rp 10.000.000", date="2026-01-08")
    assert approved["amount_approved"] == 10_000_000
    maker.refresh()  # reads come from memory: pick up what the checker saved
    preview = svc.schedule_preview(maker, app["id"], start=date(2026, 1, 10))
    assert sum(r.principal for r in preview) == 10_000_000
    loan = svc.disburse(checker, app["id"], date="2026-01-10")
    assert loan["state"] == "disbursed" and loan["disbursed_on"] == "2026-01-10"
    assert [r["total"] for r in loan["schedule"]] == [r.total for r in preview]
    assert [h["state"] for h in loan["history"]] == ["draft", "submitted", "verified", "approved", "disbursed"]
    assert [h["by"] for h in loan["history"]] == ["ani", "ani", "budi", "citra", "budi"]
    assert loan["history"][1]["note"] == "berkas masuk"
    assert loan["submitted_by"] == "ani"


def test_maker_checker_through_the_services(maker: Database, checker: Database, english: None) -> None:
    app = new_app(maker, add_ikm(maker))
    svc.submit(maker, app["id"], date="2026-01-06")
    with pytest.raises(ValueError, match="cannot also verify"):
        svc.verify(maker, app["id"], date="2026-01-07")
    svc.verify(checker, app["id"], date="2026-01-07")
    with pytest.raises(ValueError, match="cannot also approve"):
        svc.approve(maker, app["id"], date="2026-01-08")
    svc.approve(approver(checker), app["id"], date="2026-01-08")
    with pytest.raises(ValueError, match="cannot also disburse"):
        svc.disburse(maker, app["id"], date="2026-01-10")
    assert maker.get("credit_applications", app["id"])["state"] == "approved"


def test_roles_once_staff_accounts_exist(maker: Database, checker: Database) -> None:
    from ikmtui.domain.permissions import PermissionDenied

    maker.insert("staff", {"username": "ani", "name": "Ani", "role": "operator", "password_hash": "x"})
    maker.insert("staff", {"username": "budi", "name": "Budi", "role": "supervisor", "password_hash": "x"})
    app = new_app(maker, add_ikm(maker))
    svc.submit(maker, app["id"], date="2026-01-06")
    operator_too = Database(maker.path, "citra")  # no account at all
    with pytest.raises(PermissionDenied):
        svc.verify(operator_too, app["id"], date="2026-01-07")
    maker.insert("staff", {"username": "citra", "name": "Citra", "role": "operator", "password_hash": "x"})
    with pytest.raises(PermissionDenied):
        svc.verify(operator_too, app["id"], date="2026-01-07")
    assert svc.verify(checker, app["id"], date="2026-01-07")["state"] == "verified"


def test_forbidden_step_through_the_services_changes_nothing(maker: Database, english: None) -> None:
    app = new_app(maker, add_ikm(maker))
    with pytest.raises(ValueError, match="from draft to approved"):
        svc.transition(maker, app["id"], "approved")
    assert maker.get("credit_applications", app["id"])["version"] == app["version"]


@pytest.mark.parametrize("at", ["draft", "submitted", "verified"])
def test_withdraw_from_each_pending_state(maker: Database, checker: Database, at: str) -> None:
    app = new_app(maker, add_ikm(maker))
    if at != "draft":
        svc.submit(maker, app["id"], date="2026-01-06")
    if at == "verified":
        svc.verify(checker, app["id"], date="2026-01-07")
    done = svc.withdraw(maker, app["id"], date="2026-01-09", note="pemohon mundur")
    assert done["state"] == "withdrawn"
    assert done["history"][-1] == {"state": "withdrawn", "date": "2026-01-09", "by": "ani", "note": "pemohon mundur"}


def test_reject_and_write_off_need_a_reason(maker: Database, checker: Database, english: None) -> None:
    app = new_app(maker, add_ikm(maker))
    svc.submit(maker, app["id"], date="2026-01-06")
    svc.verify(checker, app["id"], date="2026-01-07")
    with pytest.raises(ValueError, match="Give the reason"):
        svc.reject(checker, app["id"], note=" ", date="2026-01-08")
    assert svc.reject(checker, app["id"], note="usaha belum berjalan", date="2026-01-08")["state"] == "rejected"
    loan = disbursed_loan(maker, checker)
    with pytest.raises(ValueError, match="Give the reason"):
        svc.write_off(checker, loan["id"], note="", date="2027-06-01")
    assert svc.write_off(checker, loan["id"], note="usaha tutup", date="2027-06-01")["state"] == "written_off"


def test_verification_needs_every_document(maker: Database, checker: Database, english: None) -> None:
    app = new_app(maker, add_ikm(maker), documents="KTP")
    svc.submit(maker, app["id"], date="2026-01-06")
    with pytest.raises(ValueError, match="documents missing: KK, NIB/IUMK"):
        svc.verify(checker, app["id"], date="2026-01-07")
    svc.update_application(checker, app["id"], {"documents": "KTP; KK; nib/iumk"})
    assert svc.verify(checker, app["id"], date="2026-01-07")["state"] == "verified"


def test_only_drafts_can_be_edited(maker: Database, checker: Database, english: None) -> None:
    app = new_app(maker, add_ikm(maker))
    edited = svc.update_application(
        maker, app["id"], {"amount_requested": "Rp 11.000.000"}, expected_version=app["version"]
    )
    assert edited["amount_requested"] == 11_000_000
    svc.submit(maker, app["id"], date="2026-01-06")
    with pytest.raises(ValueError, match="can no longer be changed"):
        svc.update_application(maker, app["id"], {"amount_requested": 1_000_000})


def test_stale_version_is_refused(maker: Database, checker: Database) -> None:
    app = new_app(maker, add_ikm(maker))
    svc.update_application(checker, app["id"], {"purpose": "beli mesin jahit"})
    with pytest.raises(StaleRecord):
        svc.submit(maker, app["id"], expected_version=app["version"])


def test_close_by_hand_only_when_paid(maker: Database, checker: Database, english: None) -> None:
    loan = disbursed_loan(maker, checker)
    with pytest.raises(ValueError, match="still owed"):
        svc.transition(checker, loan["id"], "closed", date="2026-03-01")


def test_schedule_is_frozen_against_product_changes(
    maker: Database, checker: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = new_app(maker, add_ikm(maker, "Bandeng Presto Juwana"))
    loan = disbursed_loan(maker, checker)
    before = svc.loan_status(maker, loan["id"], "2026-06-01")
    changed = PRODUCTS["WIBAWA"].model_copy(update={"annual_rate": 9.0, "method": "annuity", "rounding": 100})
    monkeypatch.setitem(PRODUCTS, "WIBAWA", changed)
    stored = maker.get("credit_applications", loan["id"])
    assert stored["schedule"] == loan["schedule"]
    assert svc.loan_status(maker, loan["id"], "2026-06-01") == before
    # an application made before the change keeps the terms it was made with
    svc.submit(maker, draft["id"], date="2026-01-06")
    svc.verify(checker, draft["id"], date="2026-01-07")
    svc.approve(approver(checker), draft["id"], date="2026-01-08")
    other = svc.disburse(checker, draft["id"], date="2026-01-10")
    maker.refresh()
    assert other["schedule"] == loan["schedule"]
    assert other["annual_rate"] == 3.0 and other["interest_method"] == "flat"


# ---------------------------------------------------------------------------------------------- product rules
@pytest.mark.parametrize(
    ("amount", "collateral", "ok"),
    [
        (5_000_000, "", True),
        (5_000_001, "", False),
        (50_000_000, "sertifikat tanah", True),
        (50_000_001, "sertifikat tanah", False),
        (0, "", False),
    ],
)
def test_amount_limits(maker: Database, amount: int, collateral: str, ok: bool, english: None) -> None:
    ikm = add_ikm(maker)
    if ok:
        assert new_app(maker, ikm, amount_requested=amount, collateral=collateral)["amount_requested"] == amount
    else:
        with pytest.raises(RecordInvalid) as refused:
            new_app(maker, ikm, amount_requested=amount, collateral=collateral)
        assert set(refused.value.errors) == {"amount_requested"}
        if amount:
            assert "Kredit Wibawa lends at most" in refused.value.errors["amount_requested"]
    assert len(maker.docs("credit_applications")) == (1 if ok else 0)


def test_limit_message_names_both_limits(maker: Database, english: None) -> None:
    with pytest.raises(RecordInvalid) as refused:
        new_app(maker, add_ikm(maker), amount_requested="Rp 6.000.000", collateral="")
    assert refused.value.errors["amount_requested"] == (
        "Kredit Wibawa lends at most Rp 5.000.000 without collateral (Rp 50.000.000 with collateral); "
        "Rp 6.000.000 is more than that"
    )


@pytest.mark.parametrize(("tenor", "ok"), [(0, False), (1, True), (36, True), (37, False)])
def test_tenor_range(maker: Database, tenor: int, ok: bool, english: None) -> None:
    if ok:
        assert new_app(maker, add_ikm(maker), tenor_months=tenor)["tenor_months"] == tenor
    else:
        with pytest.raises(RecordInvalid, match="between 1 and 36 months"):
            new_app(maker, add_ikm(maker), tenor_months=tenor)


def test_invalid_fields_are_reported_per_field(maker: Database) -> None:
    with pytest.raises(RecordInvalid) as refused:
        new_app(maker, add_ikm(maker), amount_requested="lima juta", purpose="", documents="SIUP")
    assert set(refused.value.errors) == {"amount_requested", "purpose", "documents"}


def test_unknown_ikm_and_product(maker: Database, english: None) -> None:
    with pytest.raises(RecordInvalid) as refused:
        new_app(maker, 999)
    assert refused.value.errors == {"ikm_id": "There is no IKM with id 999"}
    with pytest.raises(RecordInvalid) as refused:
        new_app(maker, add_ikm(maker), product="KUR-KECIL")
    assert "Unknown credit product" in refused.value.errors["product"]


def test_second_product_has_its_own_terms(maker: Database) -> None:
    app = new_app(
        maker, add_ikm(maker), product="kur-mikro", amount_requested=80_000_000, tenor_months=48, collateral=""
    )
    assert (app["product"], app["annual_rate"], app["interest_method"], app["rounding"]) == (
        "KUR-MIKRO",
        6.0,
        "annuity",
        100,
    )


def test_an_active_loan_of_the_same_product_is_refused(maker: Database, checker: Database, english: None) -> None:
    ikm = add_ikm(maker)
    pending = new_app(maker, ikm)  # applied before the other loan was disbursed
    loan = disbursed_loan(maker, checker, ikm)
    with pytest.raises(RecordInvalid) as refused:
        new_app(maker, ikm)
    assert refused.value.errors["ikm_id"] == (
        f"This IKM still has an active Kredit Wibawa loan ({loan['code']}) that is not paid off"
    )
    with pytest.raises(ValueError, match="still has an active Kredit Wibawa loan"):
        svc.submit(maker, pending["id"], date="2026-01-20")
    # another product is fine
    assert new_app(maker, ikm, product="KUR-MIKRO", collateral="")["state"] == "draft"
    # once paid off, a new Kredit Wibawa application is accepted again
    total = sum(row["total"] for row in loan["schedule"])
    assert svc.record_repayment(maker, loan["id"], "2026-02-10", total).closed
    assert new_app(maker, ikm)["state"] == "draft"


def test_approval_is_checked_against_request_and_limit(maker: Database, checker: Database, english: None) -> None:
    app = new_app(maker, add_ikm(maker), amount_requested=4_000_000, collateral="")
    svc.submit(maker, app["id"], date="2026-01-06")
    svc.verify(checker, app["id"], date="2026-01-07")
    with pytest.raises(ValueError, match=r"cannot be more than the Rp 4\.000\.000 requested"):
        svc.approve(approver(checker), app["id"], amount_approved=4_500_000, date="2026-01-08")
    assert (
        svc.approve(approver(checker), app["id"], amount_approved=3_000_000, date="2026-01-08")["state"] == "approved"
    )


# ---------------------------------------------------------------------------------------------- repayments
def test_repayment_pays_interest_first_then_principal_oldest_first(maker: Database, checker: Database) -> None:
    loan = disbursed_loan(maker, checker)
    assert loan["schedule"][0] == {
        "no": 1,
        "due": "2026-02-10",
        "principal": 1_000_000,
        "interest": 30_000,
        "total": 1_030_000,
        "balance": 11_000_000,
    }
    first = svc.record_repayment(maker, loan["id"], "2026-02-10", 20_000)
    assert (first.repayment["interest"], first.repayment["principal"]) == (20_000, 0)
    second = svc.record_repayment(maker, loan["id"], "2026-02-12", "Rp 1.040.000")
    assert (second.repayment["interest"], second.repayment["principal"]) == (40_000, 1_000_000)
    assert second.repayment["allocation"] == [
        {"no": 1, "principal": 1_000_000, "interest": 10_000},
        {"no": 2, "principal": 0, "interest": 30_000},
    ]
    ledger = svc.loan_ledger(maker, loan["id"])
    assert ledger is not None
    assert ledger.installments[0].settled
    assert ledger.installments[1].interest_unpaid == 0 and ledger.installments[1].principal_unpaid == 1_000_000
    assert ledger.outstanding_principal == 11_000_000
    assert not second.closed


def test_paying_ahead_runs_into_later_installments(maker: Database, checker: Database) -> None:
    loan = disbursed_loan(maker, checker)
    result = svc.record_repayment(maker, loan["id"], "2026-02-05", 3 * 1_030_000)
    assert [line["no"] for line in result.repayment["allocation"]] == [1, 2, 3]
    status = svc.loan_status(maker, loan["id"], "2026-05-09")
    assert status is not None and status.days_past_due == 0 and status.oldest_unpaid_no == 4
    assert svc.loan_status(maker, loan["id"], "2026-05-11").days_past_due == 1  # type: ignore[union-attr]


def test_the_loan_closes_itself_when_paid(maker: Database, checker: Database) -> None:
    loan = disbursed_loan(maker, checker)
    for n, row in enumerate(loan["schedule"]):
        result = svc.record_repayment(maker, loan["id"], row["due"], row["total"])
        assert result.closed == (n == len(loan["schedule"]) - 1)
    stored = maker.get("credit_applications", loan["id"])
    assert stored["state"] == "closed"
    assert stored["history"][-1]["state"] == "closed"
    assert stored["history"][-1]["date"] == loan["schedule"][-1]["due"]
    assert stored["history"][-1]["note"].endswith(result.repayment["code"])
    paid = svc.repayments_of(maker, loan["id"])
    assert sum(r["principal"] for r in paid) == 12_000_000 and sum(r["interest"] for r in paid) == 360_000
    with pytest.raises(ValueError):
        svc.record_repayment(maker, loan["id"], "2027-02-10", 1)


def test_overpayment_is_refused_without_the_prepayment_flag(maker: Database, checker: Database, english: None) -> None:
    loan = disbursed_loan(maker, checker)
    with pytest.raises(ValueError, match=r"Rp 12\.360\.001 is more than the Rp 12\.360\.000 still owed"):
        svc.record_repayment(maker, loan["id"], "2026-02-10", 12_360_001)
    assert svc.repayments_of(maker, loan["id"]) == []


def test_prepayment_repays_principal_and_waives_later_interest(
    maker: Database, checker: Database, english: None
) -> None:
    loan = disbursed_loan(maker, checker)
    svc.record_repayment(maker, loan["id"], "2026-02-10", 1_030_000)
    # on 15/03 installment 2 is due (1.030.000); the remaining principal is 10.000.000
    assert svc.payoff_amount(maker, loan["id"], "2026-03-15") == 11_030_000
    with pytest.raises(ValueError, match="that pays the loan off on 15/03/2026"):
        svc.record_repayment(maker, loan["id"], "2026-03-15", 11_030_001, prepay=True)
    partial = svc.record_repayment(maker, loan["id"], "2026-03-15", 3_030_000, prepay=True)
    assert (partial.repayment["interest"], partial.repayment["principal"]) == (30_000, 3_000_000)
    assert not partial.closed
    status = svc.loan_status(maker, loan["id"], "2026-03-15")
    assert status is not None and status.outstanding_principal == 8_000_000
    # installments 3 and 4 had their principal prepaid: only their interest falls due
    ledger = svc.loan_ledger(maker, loan["id"])
    assert ledger is not None
    assert [(i.principal_unpaid, i.interest_unpaid) for i in ledger.installments[2:5]] == [
        (0, 30_000),
        (0, 30_000),
        (1_000_000, 30_000),
    ]
    payoff = svc.payoff_amount(maker, loan["id"], "2026-03-20")
    assert payoff == 8_000_000
    final = svc.record_repayment(maker, loan["id"], "2026-03-20", payoff, prepay=True)
    assert final.closed and final.application["state"] == "closed"
    assert final.repayment["waived_interest"] == 10 * 30_000


def test_repayment_date_and_state_checks(maker: Database, checker: Database, english: None) -> None:
    app = new_app(maker, add_ikm(maker))
    with pytest.raises(ValueError, match="only be recorded on disbursed loans"):
        svc.record_repayment(maker, app["id"], "2026-02-10", 1_000)
    loan = disbursed_loan(maker, checker)
    with pytest.raises(ValueError, match="before the disbursement on 10/01/2026"):
        svc.record_repayment(maker, loan["id"], "2026-01-09", 1_000)
    svc.record_repayment(maker, loan["id"], "2026-02-10", 1_000)
    with pytest.raises(ValueError, match="enter repayments in date order"):
        svc.record_repayment(maker, loan["id"], "2026-02-09", 1_000)
    with pytest.raises(ValueError, match="more than zero"):
        svc.record_repayment(maker, loan["id"], "2026-02-11", 0)


def test_ledger_allocation_in_the_domain() -> None:
    rows = schedule(3_000_000, 3, 12, "flat", start=date(2026, 1, 1))  # 1.030.000 a month
    ledger = Ledger(rows)
    allocation = ledger.apply(1_500_000, date(2026, 2, 1))
    assert allocation.lines == [
        {"no": 1, "principal": 1_000_000, "interest": 30_000},
        {"no": 2, "principal": 440_000, "interest": 30_000},
    ]
    assert ledger.remaining_total == 3_090_000 - 1_500_000
    with pytest.raises(ValueError):
        ledger.apply(ledger.remaining_total + 1, date(2026, 3, 1))
    assert ledger.apply(ledger.remaining_total, date(2026, 3, 1)).paid_off


# ---------------------------------------------------------------------------------------------- bulk
def test_bulk_entry_applies_every_row_in_one_transaction(maker: Database, checker: Database) -> None:
    a = disbursed_loan(maker, checker)
    b = disbursed_loan(maker, checker, amount_requested=3_000_000, tenor_months=3, collateral="")
    rows = [
        (a["code"], "10/02/2026", "Rp 1.030.000"),
        (b["code"].lower(), "2026-02-11", b["schedule"][0]["total"]),
        (a["code"], "2026-03-10", 1_030_000),
    ]
    journal = maker.journal_path.read_bytes().count(b"\n")
    results = svc.record_repayments_bulk(maker, rows, bank="PD BPR Bank Pasar Kota Semarang")
    assert [r.ok for r in results] == [True, True, True], [r.error for r in results]
    assert maker.journal_path.read_bytes().count(b"\n") == journal + 1  # one commit
    assert all(r.repayment_code.startswith("ANS-") for r in results)
    assert (results[0].principal, results[0].interest) == (1_000_000, 30_000)
    assert len(svc.repayments_of(maker, a["id"])) == 2
    assert all(r["source"] == "bulk" for r in svc.repayments_of(maker, a["id"]))


def test_bulk_entry_with_an_invalid_row_stores_nothing(maker: Database, checker: Database, english: None) -> None:
    a = disbursed_loan(maker, checker)
    rows = [
        (a["code"], "2026-02-10", 1_030_000),
        ("KRD-2026-9999", "2026-02-10", 1_030_000),
        (a["code"], "31/02/2026", 1_030_000),
        (a["code"], "2026-02-10", "1,030,000"),
        (a["code"], "2026-03-10", 99_000_000),
        ("", "2026-03-10", 1),
    ]
    results = svc.record_repayments_bulk(maker, rows)
    assert [r.ok for r in results] == [True, False, False, False, False, False]
    assert "There is no credit application KRD-2026-9999" in results[1].error
    assert "is not a date" in results[2].error
    assert "is not an amount in rupiah" in results[3].error
    assert "still owed" in results[4].error
    assert "missing" in results[5].error
    assert results[0].repayment_code == ""
    assert svc.repayments_of(maker, a["id"]) == []


def test_bulk_dry_run_duplicates_bank_and_payoff(maker: Database, checker: Database, english: None) -> None:
    b = disbursed_loan(maker, checker, amount_requested=3_000_000, tenor_months=3, collateral="")
    rows = [(b["code"], r["due"], r["total"]) for r in b["schedule"]]
    dry = svc.record_repayments_bulk(maker, rows, dry_run=True)
    assert all(r.ok for r in dry) and dry[-1].closed
    assert svc.repayments_of(maker, b["id"]) == []
    other_bank = svc.record_repayments_bulk(maker, rows[:1], bank="BRI")
    assert "channelled through PD BPR Bank Pasar Kota Semarang, not BRI" in other_bank[0].error
    done = svc.record_repayments_bulk(maker, rows[:1])
    assert done[0].ok
    again = svc.record_repayments_bulk(maker, rows)
    assert not again[0].ok and "already recorded as ANS-" in again[0].error
    assert len(svc.repayments_of(maker, b["id"])) == 1
    rest = svc.record_repayments_bulk(maker, [*rows[1:], (b["code"], "2026-05-11", 1)])
    assert [r.ok for r in rest] == [True, True, False]
    assert "already paid off by an earlier row" in rest[2].error
    final = svc.record_repayments_bulk(maker, rows[1:])
    assert all(r.ok for r in final) and final[-1].closed
    assert maker.get("credit_applications", b["id"])["state"] == "closed"


# ---------------------------------------------------------------------------------------------- arrears
@pytest.mark.parametrize(
    ("days", "bucket", "grade"),
    [
        (0, "on_schedule", 1),
        (1, "1-30", 2),
        (30, "1-30", 2),
        (31, "31-60", 2),
        (60, "31-60", 2),
        (61, "61-90", 2),
        (90, "61-90", 2),
        (91, "91-180", 3),
        (120, "91-180", 3),
        (121, "91-180", 4),
        (180, "91-180", 4),
        (181, "181-360", 5),
        (360, "181-360", 5),
        (361, ">360", 5),
        (2000, ">360", 5),
    ],
)
def test_buckets_and_collectability_at_the_boundaries(days: int, bucket: str, grade: int) -> None:
    assert arrears.ageing_bucket(days) == bucket
    assert arrears.collectability(days) == grade


def test_collectability_labels() -> None:
    assert [arrears.collectability_label(g) for g in range(1, 6)] == [
        "Lancar",
        "Dalam Perhatian Khusus (DPK)",
        "Kurang Lancar",
        "Diragukan",
        "Macet",
    ]


@pytest.mark.parametrize("days", [0, 1, 30, 31, 90, 91, 120, 121, 180, 181, 360, 361])
def test_days_past_due_of_an_unpaid_loan(maker: Database, checker: Database, days: int) -> None:
    loan = disbursed_loan(maker, checker)
    status = svc.loan_status(maker, loan["id"], FIRST_DUE + timedelta(days=days))
    assert status is not None
    assert status.days_past_due == days
    assert status.oldest_unpaid_no == 1 and status.oldest_unpaid_due == FIRST_DUE
    assert status.bucket == arrears.ageing_bucket(days)
    assert status.collectability == arrears.collectability(days)
    assert status.outstanding_principal == 12_000_000


def test_arrears_as_of_a_past_date_ignores_later_repayments(maker: Database, checker: Database) -> None:
    loan = disbursed_loan(maker, checker)
    svc.record_repayment(maker, loan["id"], "2026-04-01", 2 * 1_030_000)
    before = svc.loan_status(maker, loan["id"], "2026-03-31")
    after = svc.loan_status(maker, loan["id"], "2026-04-01")
    assert before is not None and after is not None
    assert before.days_past_due == 49 and before.outstanding_principal == 12_000_000
    assert before.overdue == 2 * 1_030_000
    assert after.days_past_due == 0 and after.outstanding_principal == 10_000_000
    assert after.last_payment == date(2026, 4, 1)
    assert svc.loan_status(maker, loan["id"], "2026-01-09") is None  # not yet disbursed


def test_par30_with_nothing_outstanding(empty_db: Database) -> None:
    assert arrears.par30([]) == 0.0
    summary = svc.portfolio(empty_db, "2026-06-30")
    assert summary["outstanding"] == 0 and summary["par30"] == 0.0 and summary["par30_amount"] == 0
    assert summary["applications"] == 0
    assert [row["count"] for row in summary["collectability"]] == [0, 0, 0, 0, 0]


def test_par30_and_portfolio_summary(maker: Database, checker: Database) -> None:
    good = disbursed_loan(maker, checker)
    disbursed_loan(maker, checker, amount_requested=3_000_000, tenor_months=3, collateral="", bank="Bank Jateng")
    kur = disbursed_loan(
        maker, checker, product="KUR-MIKRO", amount_requested=20_000_000, collateral="", tenor_months=24, bank="BRI"
    )
    new_app(maker, add_ikm(maker, "Lumpia Gang Lombok"))
    for row in good["schedule"][:2]:
        svc.record_repayment(maker, good["id"], row["due"], row["total"])
    for row in kur["schedule"][:2]:
        svc.record_repayment(maker, kur["id"], row["due"], row["total"])
    as_of = FIRST_DUE + timedelta(days=31)  # 13/03/2026: "late" is 31 days past due
    loans = arrears.portfolio_loans(maker.all("credit_applications"), maker.all("repayments"), as_of)
    outstanding = {loan.code: loan.outstanding_principal for loan in loans}
    total = sum(outstanding.values())
    assert arrears.par30(loans) == pytest.approx(3_000_000 / total)
    summary = svc.portfolio(maker, as_of)
    assert summary["outstanding"] == total == 10_000_000 + 3_000_000 + outstanding[kur["code"]]
    assert summary["par30_amount"] == 3_000_000
    assert summary["par30"] == pytest.approx(3_000_000 / total)
    assert summary["by_state"]["disbursed"] == 3 and summary["by_state"]["draft"] == 1
    assert summary["applications"] == 4
    assert (summary["approved_count"], summary["approved_amount"]) == (3, 35_000_000)
    assert (summary["disbursed_count"], summary["disbursed_amount"]) == (3, 35_000_000)
    assert {row["grade"]: row["count"] for row in summary["collectability"]} == {1: 2, 2: 1, 3: 0, 4: 0, 5: 0}
    assert {row["bucket"]: row["count"] for row in summary["buckets"]}["31-60"] == 1
    assert summary["by_bank"]["Bank Jateng"]["par30"] == 1.0
    assert summary["by_bank"]["BRI"]["par30"] == 0.0
    assert summary["by_product"]["KUR-MIKRO"]["name"] == "KUR Mikro"
    assert summary["by_product"]["WIBAWA"]["disbursed_amount"] == 15_000_000
    # one day earlier the late loan is 30 days past due: not in PAR30
    assert svc.portfolio(maker, as_of - timedelta(days=1))["par30"] == 0.0
    # a month recap only counts what happened in the month
    assert svc.portfolio(maker, as_of, since="2026-02-01")["disbursed_count"] == 0
    # before anything was disbursed
    earlier = svc.portfolio(maker, "2026-01-07")
    assert earlier["disbursed_count"] == 0 and earlier["outstanding"] == 0
    assert earlier["by_state"]["verified"] == 3


def test_written_off_loans_leave_the_portfolio(maker: Database, checker: Database) -> None:
    loan = disbursed_loan(maker, checker)
    svc.write_off(checker, loan["id"], note="usaha tutup", date="2026-12-01")
    maker.refresh()
    before = svc.portfolio(maker, "2026-11-30")
    after = svc.portfolio(maker, "2026-12-01")
    assert before["outstanding"] == 12_000_000 and before["par30"] == 1.0
    assert after["outstanding"] == 0 and after["par30"] == 0.0
    assert (after["written_off_count"], after["written_off_amount"]) == (1, 12_000_000)
    stored = maker.get("credit_applications", loan["id"])
    assert state_on(stored, date(2026, 11, 30)) == "disbursed"
    assert state_on(stored, date(2026, 12, 1)) == "written_off"
    assert svc.loans_in_arrears(maker, "2026-11-30")[0].code == loan["code"]
    assert svc.loans_in_arrears(maker, "2026-12-01") == []


def test_demo_data_gives_a_consistent_portfolio(db: Database) -> None:
    summary = svc.portfolio(db, "2026-12-31")
    assert summary["applications"] == len(db.docs("credit_applications"))
    assert 0.0 <= summary["par30"] <= 1.0
    assert sum(row["outstanding"] for row in summary["collectability"]) == summary["outstanding"]
    assert sum(bank["outstanding"] for bank in summary["by_bank"].values()) == summary["outstanding"]
