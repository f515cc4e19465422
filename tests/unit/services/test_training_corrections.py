"""Training corrections: reopen a finished batch, revoke a certificate, numbers never reused, nothing dated after
today, waiting requests that got no seat, the batch status as the clock sees it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from ikmtui import clock
from ikmtui.domain.permissions import PermissionDenied
from ikmtui.domain.training import current_status
from ikmtui.services import training as svc
from ikmtui.storage import Database

TODAY = date(2026, 12, 4)
COURSE = {
    "name": "Desain Kemasan",
    "category": "kemasan",
    "pillar": "M",
    "session_days": "3",
    "threshold_pct": "75",
    "cert_code": "kms",
}
BATCH = {"start_date": "02/11/2026", "end_date": "04/11/2026", "venue": "Aula", "trainer": "Bu Siti", "capacity": "2"}


@pytest.fixture(autouse=True)
def _today() -> Any:
    with clock.fixed(TODAY):
        yield


def account(db: Database, username: str, role: str) -> None:
    """An account without a password: sign-in stays off, and the name acts with its role."""
    with db.transaction() as txn:
        txn.insert("staff", {"username": username, "name": username.title(), "role": role, "active": True})


def as_user(db: Database, username: str) -> Database:
    db.user = username
    return db


@pytest.fixture
def finished(empty_db: Database) -> dict[str, Any]:
    """A finished batch: two seated (one completed, one not), one who waited and got no seat."""
    account(empty_db, "tester", "supervisor")
    account(empty_db, "op", "operator")
    course = svc.create_course(empty_db, COURSE)
    batch = svc.create_batch(empty_db, {**BATCH, "course_id": course["id"]})
    with empty_db.transaction() as txn:
        ikm = [txn.insert("ikm", {"name": f"IKM {n}", "owner_name": f"Pemilik {n}"})["id"] for n in range(3)]
    svc.enroll(empty_db, batch["id"], ikm)
    seated = svc.seated(empty_db, batch["id"])
    days = svc.batch_days(empty_db, batch["id"])
    for day in days:
        svc.set_attendance(empty_db, seated[0].id, day, "h")
    svc.set_attendance(empty_db, seated[1].id, days[0], "h")
    result = svc.finish_batch(empty_db, batch["id"], "27/11/2026")
    return {"batch": result.batch, "result": result, "seated": [p.id for p in seated], "days": days}


def enrollment(db: Database, enrollment_id: int) -> dict[str, Any]:
    doc = db.get("enrollments", enrollment_id)
    assert doc is not None
    return doc


def test_finishing_leaves_the_waiting_list_with_no_seat_not_cancelled(empty_db: Database, finished: dict) -> None:
    result = finished["result"]
    assert len(result.no_seat) == 1 and result.no_seat[0]["state"] == "no_seat"
    assert "1 dalam daftar tunggu tidak mendapat kursi" in result.message()
    assert not [d for d in empty_db.all("enrollments") if d["state"] == "cancelled"]


def test_reopen_revokes_the_certificates_and_refinishing_issues_new_numbers(empty_db: Database, finished: dict) -> None:
    first = finished["result"].certificates
    assert first == ["001/PLT-KMS/DISPERIN/XI/2026"]
    reopened = svc.reopen_batch(empty_db, finished["batch"]["id"], "daftar hadir salah ketik")
    assert reopened.revoked == first
    assert reopened.batch["status"] == "running" and reopened.batch["finished_on"] is None
    states = sorted(d["state"] for d in empty_db.all("enrollments"))
    assert states == ["booked", "booked", "waitlisted"]
    assert enrollment(empty_db, finished["seated"][0])["attendance"]  # attendance kept for the correction
    status = svc.certificate_status(empty_db, first[0])
    assert status.state == "revoked" and status.record and status.record["revoked_reason"] == "daftar hadir salah ketik"
    # the correction: the second participant was present on every day after all
    for day in finished["days"]:
        svc.set_attendance(empty_db, finished["seated"][1], day, "h")
    again = svc.finish_batch(empty_db, finished["batch"]["id"], "04/12/2026")
    assert sorted(again.certificates) == ["002/PLT-KMS/DISPERIN/XII/2026", "003/PLT-KMS/DISPERIN/XII/2026"]
    assert first[0] not in again.certificates  # a number is never reused
    assert svc.certificate_status(empty_db, first[0]).state == "revoked"
    assert all(svc.certificate_status(empty_db, n).valid for n in again.certificates)
    actions = [e["action"] for e in empty_db.all("audit")]
    assert "reopen" in actions and "certificate.revoke" in actions
    assert finished["batch"]["code"] and reopened.batch["corrections"][0]["reason"] == "daftar hadir salah ketik"


def test_revoke_one_certificate_then_issue_a_new_number(empty_db: Database, finished: dict) -> None:
    first = finished["seated"][0]
    number = enrollment(empty_db, first)["certificate_no"]
    assert svc.revoke_certificate(empty_db, first, "nama salah cetak") == number
    assert enrollment(empty_db, first)["certificate_no"] is None
    assert svc.certificate_status(empty_db, number).state == "revoked"
    new = svc.issue_certificate(empty_db, first)["certificate_no"]
    assert new != number and svc.certificate_status(empty_db, new).state == "issued"
    with pytest.raises(ValueError, match="tidak memiliki sertifikat"):
        svc.revoke_certificate(empty_db, finished["seated"][1], "apa saja")


def test_a_certificate_from_before_certificate_records_is_verified_and_revoked(
    empty_db: Database, finished: dict
) -> None:
    first = finished["seated"][0]
    number = enrollment(empty_db, first)["certificate_no"]
    with empty_db.transaction() as txn:  # as an older version stored it: on the enrollment only
        for key in list(txn.table("certificates")):
            txn.delete("certificates", int(key))
    assert svc.certificate_status(empty_db, number).state == "issued"
    svc.revoke_certificate(empty_db, first, "dicabut")
    assert svc.certificate_status(empty_db, number).state == "revoked"
    assert svc.certificate_status(empty_db, "999/PLT-KMS/DISPERIN/XI/2026").state == "unknown"


def test_corrections_need_a_supervisor_and_a_reason(empty_db: Database, finished: dict) -> None:
    batch_id = finished["batch"]["id"]
    with pytest.raises(ValueError, match="alasan"):
        svc.reopen_batch(empty_db, batch_id, "   ")
    as_user(empty_db, "op")
    with pytest.raises(PermissionDenied):
        svc.reopen_batch(empty_db, batch_id, "salah")
    with pytest.raises(PermissionDenied):
        svc.revoke_certificate(empty_db, finished["seated"][0], "salah")
    assert empty_db.get("batches", batch_id)["status"] == "finished"  # nothing changed


def test_only_a_finished_batch_is_reopened(empty_db: Database, finished: dict) -> None:
    svc.reopen_batch(empty_db, finished["batch"]["id"], "koreksi")
    with pytest.raises(ValueError, match="hanya angkatan yang sudah selesai"):
        svc.reopen_batch(empty_db, finished["batch"]["id"], "koreksi")


def test_attendance_of_a_finished_batch_says_to_reopen(empty_db: Database, finished: dict) -> None:
    with pytest.raises(ValueError, match="membukanya kembali"):
        svc.set_attendance(empty_db, finished["seated"][1], finished["days"][1], "h")


def test_nothing_dated_after_today(empty_db: Database) -> None:
    course = svc.create_course(empty_db, COURSE)
    batch = svc.create_batch(
        empty_db, {**BATCH, "start_date": "03/12/2026", "end_date": "05/12/2026", "course_id": course["id"]}
    )
    with empty_db.transaction() as txn:
        ikm_id = txn.insert("ikm", {"name": "IKM", "owner_name": "P"})["id"]
    svc.enroll(empty_db, batch["id"], [ikm_id])
    person = svc.seated(empty_db, batch["id"])[0].id
    svc.set_attendance(empty_db, person, "2026-12-04", "h")  # today is fine
    with pytest.raises(ValueError, match="setelah hari ini \\(4 Des 2026\\)"):
        svc.set_attendance(empty_db, person, "2026-12-05", "h")  # tomorrow is not, and the message names today
    assert enrollment(empty_db, person)["attendance"] == {"2026-12-04": "h"}
    with pytest.raises(ValueError):
        svc.finish_batch(empty_db, batch["id"], "05/12/2026")


def test_the_status_follows_the_clock() -> None:
    batch = {"status": "planned", "start_date": "2026-12-01", "end_date": "2026-12-05"}
    assert current_status(batch, date(2026, 11, 30)) == "planned"
    assert current_status(batch, date(2026, 12, 3)) == "running"
    assert current_status(batch, date(2026, 12, 6)) == "overdue"
    assert current_status({**batch, "status": "finished"}, date(2026, 12, 6)) == "finished"
    assert current_status({**batch, "status": "cancelled"}, date(2026, 12, 3)) == "cancelled"
