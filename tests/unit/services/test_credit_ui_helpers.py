"""What the Credit screens ask of the services (once ``services.credit_extra``): finding the applicant, refusing a
step before its dialog, installment statuses, days past due (cached per loan), and reading a bank's repayment list."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ikmtui.domain import arrears
from ikmtui.domain.permissions import PermissionDenied
from ikmtui.io import repayments as bank_lists
from ikmtui.services import credit as svc
from ikmtui.services import registry
from ikmtui.storage import Database

DISBURSED = date(2026, 1, 10)


@pytest.fixture
def office(tmp_path: Path) -> Database:
    db = Database(tmp_path / "ikmtui.json", "ani")
    for name, nib in (
        ("Batik Sari", "1234567890123"),
        ("Batik Sari Ratna", "2234567890123"),
        ("Bandeng Presto Juwana", "3234567890123"),
    ):
        db.insert("ikm", {"name": name, "nib": nib}, code_prefix="IKM")
    return db


def loan(db: Database, ikm_id: int = 1, **overrides: Any) -> dict[str, Any]:
    """Rp 12.000.000, 12 months, 3% flat: Rp 1.030.000 a month; submitted by ani, approved by citra, the rest by
    budi."""
    data = {
        "ikm_id": ikm_id,
        "product": "WIBAWA",
        "amount_requested": 12_000_000,
        "tenor_months": 12,
        "purpose": "modal kerja",
        "collateral": "BPKB",
        "documents": ["KTP", "KK", "NIB/IUMK"],
        "bank": "PD BPR Bank Pasar Kota Semarang",
        **overrides,
    }
    app = svc.create_application(db, data, date="2026-01-05")
    svc.submit(db, app["id"], date="2026-01-06")
    db.user = "budi"
    svc.verify(db, app["id"], date="2026-01-07")
    db.user = "citra"  # maker-checker: whoever verified does not approve, whoever approved does not disburse
    svc.approve(db, app["id"], date="2026-01-08")
    db.user = "budi"
    done = svc.disburse(db, app["id"], date=DISBURSED)
    db.user = "ani"
    return done


# ---------------------------------------------------------------------------------------------- applicant
def test_the_applicant_is_found_by_code_number_nib_or_name(office: Database) -> None:
    index = registry.IkmIndex.of(office)
    assert index.resolve("IKM-000003") == 3
    assert index.resolve("ikm-000003") == 3
    assert index.resolve("3") == 3
    assert index.resolve("2234567890123") == 2
    assert index.resolve("IKM-000002 · Batik Sari Ratna") == 2  # what the edit form shows
    assert index.resolve("presto") == 3
    assert index.resolve("sari ratna") == 2
    assert index.resolve("batik sari") == 1  # the whole name of one, a part of the other
    assert index.resolve(2) == 2
    assert index.label(3) == "IKM-000003 · Bandeng Presto Juwana"
    with pytest.raises(ValueError, match="2 IKM cocok dengan 'batik'"):
        index.resolve("batik")
    with pytest.raises(ValueError, match="Tidak ada IKM yang cocok dengan 'tahu'"):
        index.resolve("tahu")
    with pytest.raises(ValueError, match="Ketik kode IKM"):
        index.resolve("  ")
    with pytest.raises(ValueError, match="Tidak ada IKM dengan id 9"):
        index.resolve(9)
    found, total = index.matches("batik", limit=1)
    assert total == 2 and [e.id for e in found] == [1]


def test_finding_the_applicant_stays_fast_at_100000_ikm() -> None:
    docs = {
        str(i): {"code": f"IKM-{i:06d}", "nib": f"{9100000000000 + i}", "name": f"Usaha {i} Batik Jaya"}
        for i in range(1, 100_001)
    }
    started = time.perf_counter()
    index = registry.IkmIndex(docs)
    assert index.resolve("IKM-054321") == 54321
    assert index.resolve(str(9100000000000 + 777)) == 777
    assert index.matches("usaha 99999 ")[1] == 1
    assert index.matches("batik jaya")[1] == 100_000
    elapsed = time.perf_counter() - started
    assert elapsed < 5, f"building and four look-ups took {elapsed:.2f} s"  # about 0.2 s on a quiet machine


# ---------------------------------------------------------------------------------------------- before a dialog
def test_check_step_refuses_what_the_service_refuses(office: Database) -> None:
    app = svc.create_application(
        office,
        {"ikm_id": 1, "amount_requested": 5_000_000, "tenor_months": 12, "purpose": "modal kerja"},
        date="2026-01-05",
    )
    svc.check_step(office, app["id"], "submitted")
    with pytest.raises(ValueError, match="dari draf menjadi disetujui"):
        svc.check_step(office, app["id"], "approved")
    svc.submit(office, app["id"], date="2026-01-06")
    with pytest.raises(ValueError, match="ani yang mengajukan"):
        svc.check_step(office, app["id"], "verified")
    office.user = "budi"
    svc.check_step(office, app["id"], "verified")  # the date is the service's business when confirmed
    with pytest.raises(ValueError, match="pinjaman yang sudah dicairkan"):
        svc.check_takes_repayments(office, app["id"])
    assert svc.editable_fields(office.get("credit_applications", app["id"])) == ("documents",)
    office.insert("staff", {"username": "budi", "name": "Budi", "role": "operator", "password_hash": "x"})
    with pytest.raises(PermissionDenied):
        svc.check_step(office, app["id"], "verified")


# ---------------------------------------------------------------------------------------------- installments
def test_installment_statuses_on_a_date(office: Database) -> None:
    app = svc.create_application(
        office,
        {"ikm_id": 1, "amount_requested": 5_000_000, "tenor_months": 12, "purpose": "modal kerja"},
        date="2026-01-05",
    )
    preview = svc.installment_rows(office, app["id"], date(2026, 2, 1))
    assert {r.status for r in preview} == {"preview"} and preview[0].due == date(2026, 3, 1)
    done = loan(office, 2)
    svc.record_repayment(office, done["id"], "2026-02-10", 1_030_000)
    svc.record_repayment(office, done["id"], "2026-03-20", 500_000)
    rows = svc.installment_rows(office, done["id"], date(2026, 4, 10))
    assert [r.status for r in rows[:4]] == ["paid", "overdue", "due", "upcoming"]
    assert rows[0].paid_on == date(2026, 2, 10) and rows[1].paid == 500_000 and rows[1].days_late == 31
    assert rows[-1].balance == 0 and rows[0].balance == 11_000_000
    # as of an earlier day, the later repayment does not count yet
    assert svc.installment_rows(office, done["id"], date(2026, 3, 19))[1].paid == 0
    # paying ahead: the next installment is partly paid before it falls due
    svc.record_repayment(office, done["id"], "2026-04-10", 2_000_000)
    rows = svc.installment_rows(office, done["id"], date(2026, 4, 10))
    assert [r.status for r in rows[:4]] == ["paid", "paid", "paid", "partly paid"]
    payoff = svc.payoff_amount(office, done["id"], "2026-04-11")
    svc.record_repayment(office, done["id"], "2026-04-11", payoff, prepay=True)
    rows = svc.installment_rows(office, done["id"], date(2026, 4, 11))
    assert all(r.status == "paid" for r in rows) and rows[-1].waived == 30_000


# ---------------------------------------------------------------------------------------------- days past due
def test_days_past_due_match_the_portfolio_rule(db: Database) -> None:
    apps = list(db.docs("credit_applications").items())
    repayments = list(db.docs("repayments").items())
    late = arrears.DaysPastDue()
    for as_of in (date(2026, 3, 1), date(2026, 11, 1), date(2027, 6, 30)):
        expected = {loan.application_id: loan.days_past_due for loan in svc.loans_in_arrears(db, as_of, min_days=0)}
        assert late(apps, repayments, as_of) == expected
        assert svc.days_past_due(db, as_of) == expected
    assert any(days > 0 for days in late(apps, repayments, date(2027, 6, 30)).values())


def test_days_past_due_replay_only_the_loans_that_changed(office: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = loan(office, 1), loan(office, 2)
    replayed: list[int] = []
    real = arrears.loan_arrears

    def counting(app: Any, repayments: Any, as_of: date) -> Any:
        replayed.append(int(app["id"]))
        return real(app, repayments, as_of)

    monkeypatch.setattr(arrears, "loan_arrears", counting)
    late = arrears.DaysPastDue()

    def run(as_of: date) -> dict[int, int]:
        return late(list(office.docs("credit_applications").items()), list(office.docs("repayments").items()), as_of)

    as_of = date(2026, 3, 10)  # installment 1 fell due on 10/02: both 28 days late
    assert run(as_of) == {first["id"]: 28, second["id"]: 28}
    assert sorted(replayed) == [first["id"], second["id"]]
    replayed.clear()
    assert late.missing(list(office.docs("credit_applications").items()), as_of) == 0
    assert run(as_of) == {first["id"]: 28, second["id"]: 28} and replayed == []
    svc.record_repayment(office, first["id"], "2026-03-10", 1_030_000)
    assert run(as_of) == {first["id"]: 0, second["id"]: 28} and replayed == [first["id"]]


# ---------------------------------------------------------------------------------------------- bank lists
def test_pasted_lists_in_the_shapes_banks_send() -> None:
    text = (
        "Kode;Tanggal;Jumlah\n"
        "KRD-2026-0001;10/02/2026;1.030.000\n"
        "\n# a comment\n"
        "KRD-2026-0002\t2026-02-11\tRp 1.030.000\n"
        "KRD-2026-0003 | 12/02/2026 | 1030000\n"
        "KRD-2026-0004,13/02/2026,1030000\n"
        "KRD-2026-0005;14/02/2026\n"
    )
    assert bank_lists.parse_repayment_text(text) == [
        ["KRD-2026-0001", "10/02/2026", "1.030.000"],
        ["KRD-2026-0002", "2026-02-11", "Rp 1.030.000"],
        ["KRD-2026-0003", "12/02/2026", "1030000"],
        ["KRD-2026-0004", "13/02/2026", "1030000"],
        ["KRD-2026-0005", "14/02/2026"],  # passed on as typed: the service says what is missing
    ]
    # a first row of data is never taken for column titles
    assert bank_lists.parse_repayment_text("KRD-2026-0001;10/02/2026;1.030.000") == [
        ["KRD-2026-0001", "10/02/2026", "1.030.000"]
    ]


def test_csv_files_and_their_problems(tmp_path: Path) -> None:
    path = tmp_path / "bpr.csv"
    path.write_bytes("kode,tanggal,jumlah\r\nKRD-2026-0001,10/02/2026,1030000\r\n,,\r\n".encode("cp1252"))
    assert bank_lists.read_repayment_file(path) == [["KRD-2026-0001", "10/02/2026", "1030000"]]
    path.write_text("\ufeffKRD-2026-0001;10/02/2026;1.030.000\n", encoding="utf-8")
    assert bank_lists.read_repayment_file(f"  {path}  ") == [["KRD-2026-0001", "10/02/2026", "1.030.000"]]
    with pytest.raises(ValueError, match="tidak ada"):
        bank_lists.read_repayment_file(tmp_path / "none.csv")
    with pytest.raises(ValueError, match="tidak dapat dibaca"):
        bank_lists.read_repayment_file(tmp_path)


CODES = st.from_regex(r"KRD-20[0-9]{2}-[0-9]{4}", fullmatch=True)
DAYS = st.dates(date(2020, 1, 1), date(2035, 12, 31)).flatmap(
    lambda d: st.sampled_from([d.isoformat(), d.strftime("%d/%m/%Y")])
)
AMOUNTS = st.integers(1, 10**9).flatmap(
    lambda n: st.sampled_from([str(n), f"{n:,}".replace(",", "."), f"Rp {n:,}".replace(",", ".")])
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(CODES, DAYS, AMOUNTS), min_size=1, max_size=8), st.sampled_from([";", "\t", " | ", "; "]))
def test_any_list_typed_with_one_separator_reads_back(rows: list[tuple[str, str, str]], sep: str) -> None:
    text = "\n".join(sep.join(row) for row in rows)
    assert bank_lists.parse_repayment_text(text) == [list(row) for row in rows]


def test_bulk_totals_count_only_valid_rows() -> None:
    rows = [
        svc.BulkRowResult(1, "A", None, 100, True, principal=90, interest=10),
        svc.BulkRowResult(2, "B", None, 50, False, error="x"),
        svc.BulkRowResult(3, "C", None, 30, True, principal=30, closed=True),
    ]
    assert svc.bulk_totals(rows) == {
        "rows": 3,
        "ok": 2,
        "failed": 1,
        "amount": 130,
        "principal": 120,
        "interest": 10,
        "closed": 1,
    }
