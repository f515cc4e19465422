"""Training rules: records and bad input, seats and the waiting list, attendance, completion, certificates."""

from __future__ import annotations

import re
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ikmtui import clock
from ikmtui.domain.records import RecordInvalid
from ikmtui.domain.training import (
    MAX_SESSION_DAYS,
    ROMAN_MONTHS,
    Batch,
    Course,
    Roster,
    attendance_rate,
    certificate_number,
    check_mark,
    meets_threshold,
    next_certificate_sequence,
    parse_certificate_number,
    session_days,
)
from ikmtui.services import training as svc
from ikmtui.storage import Database, StaleRecord

CERT = re.compile(r"^\d{3}/PLT-[A-Z0-9-]+/DISPERIN/(I|II|III|IV|V|VI|VII|VIII|IX|X|XI|XII)/\d{4}$")
BATCH = {
    "course_id": 1,
    "start_date": "02/11/2026",
    "end_date": "04/11/2026",
    "venue": "Aula Dinas",
    "trainer": "Ir. Siti Aminah",
    "capacity": "3",
    "status": "open",
}
COURSE = {
    "name": "Desain Kemasan Produk Pangan",
    "category": "kemasan",
    "pillar": "M",
    "session_days": "3",
    "threshold_pct": "75",
    "cert_code": "kms",
}
FINISH_DAY = date(2026, 11, 27)


# ---------------------------------------------------------------------------------------------- records
@pytest.mark.parametrize("capacity", [0, -1, "-3", "0", "tiga", "2,5", True])
def test_batch_capacity_must_be_a_positive_whole_number(capacity: object) -> None:
    with pytest.raises(RecordInvalid) as info:
        Batch.parse({**BATCH, "capacity": capacity})
    assert set(info.value.errors) == {"capacity"}


def test_capacity_zero_or_negative_says_at_least_one() -> None:
    for capacity in (0, -5, "-5"):
        with pytest.raises(RecordInvalid) as info:
            Batch.parse({**BATCH, "capacity": capacity})
        assert info.value.errors["capacity"] == "Kapasitas minimal 1"


def test_end_date_before_start_date_is_refused() -> None:
    with pytest.raises(RecordInvalid) as info:
        Batch.parse({**BATCH, "start_date": "05/11/2026", "end_date": "04/11/2026"})
    assert info.value.errors == {"end_date": "Tanggal selesai tidak boleh sebelum tanggal mulai"}


def test_one_day_batch_and_session_days() -> None:
    one = Batch.parse({**BATCH, "end_date": "02/11/2026"})
    assert session_days(one) == ["2026-11-02"]
    listed = Batch.parse({**BATCH, "end_date": "30/11/2026", "days": "02/11/2026, 16/11/2026; 9/11/2026"})
    assert session_days(listed) == ["2026-11-02", "2026-11-09", "2026-11-16"]
    assert session_days(listed.doc() | {"id": 1}) == session_days(listed)


def test_listed_days_must_lie_between_start_and_end() -> None:
    with pytest.raises(RecordInvalid) as info:
        Batch.parse({**BATCH, "days": "01/11/2026, 03/11/2026"})
    assert set(info.value.errors) == {"days"}


def test_long_span_needs_listed_days() -> None:
    long = {**BATCH, "end_date": (date(2026, 11, 2) + timedelta(days=MAX_SESSION_DAYS)).isoformat()}
    with pytest.raises(RecordInvalid) as info:
        Batch.parse(long)
    assert set(info.value.errors) == {"days"}
    assert len(session_days(Batch.parse({**long, "days": "02/11/2026, 03/12/2026"}))) == 2


def test_batch_needs_a_course_and_valid_fields() -> None:
    with pytest.raises(RecordInvalid) as info:
        Batch.parse({**BATCH, "course_id": None, "venue": " ", "start_date": "31/02/2026", "status": "done"})
    assert set(info.value.errors) == {"course_id", "venue", "start_date", "status"}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("session_days", 0),
        ("session_days", -2),
        ("session_days", 40),
        ("threshold_pct", 120),
        ("threshold_pct", "-1"),
        ("cert_code", "K/MS"),
        ("cert_code", " "),
        ("category", "masak"),
    ],
)
def test_course_bad_input(field: str, value: object) -> None:
    with pytest.raises(RecordInvalid) as info:
        Course.parse({**COURSE, field: value})
    assert set(info.value.errors) == {field}


def test_course_cert_code_is_normalised() -> None:
    assert Course.parse({**COURSE, "cert_code": "plt-dsn-btk"}).cert_code == "DSN-BTK"
    assert Course.parse({**COURSE, "cert_code": " kms "}).cert_code == "KMS"


# ---------------------------------------------------------------------------------------------- attendance
def test_attendance_outside_the_batch_days_is_refused() -> None:
    days = session_days(Batch.parse(BATCH))
    assert check_mark(days, "03/11/2026", "H") == ("2026-11-03", "h")
    assert check_mark(days, date(2026, 11, 4), "") == ("2026-11-04", "")
    for day in ("01/11/2026", "05/11/2026", "2025-11-03"):
        with pytest.raises(ValueError, match="bukan hari sesi"):
            check_mark(days, day, "h")
    with pytest.raises(ValueError, match="h \\(hadir\\)"):
        check_mark(days, "03/11/2026", "x")
    with pytest.raises(ValueError):
        check_mark(days, "kemarin", "h")


marks_and_days = st.integers(1, MAX_SESSION_DAYS).flatmap(
    lambda n: st.tuples(
        st.lists(st.sampled_from(["h", "i", "a", ""]), min_size=n, max_size=n),
        st.just([(date(2026, 1, 1) + timedelta(days=d)).isoformat() for d in range(n)]),
    )
)


@given(marks_and_days, st.integers(0, 1000).map(lambda t: t / 10))
def test_threshold_is_exact_and_rate_counts_only_present(data: tuple[list[str], list[str]], threshold: float) -> None:
    marks_list, days = data
    marks = {d: m for d, m in zip(days, marks_list, strict=True) if m}
    present = marks_list.count("h")
    assert meets_threshold(marks, days, threshold) == (Fraction(present * 100, len(days)) >= Fraction(str(threshold)))
    assert attendance_rate(marks, days) == round(100 * present / len(days), 1)
    # a mark on a day that is not a session day changes nothing
    assert attendance_rate({**marks, "1999-01-01": "h"}, days) == attendance_rate(marks, days)


def test_threshold_edges() -> None:
    days = ["2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05"]
    three = dict.fromkeys(days[:3], "h")
    assert meets_threshold(three, days, 75)  # exactly at the threshold completes
    assert not meets_threshold(three, days, 75.1)
    assert not meets_threshold({**three, days[3]: "i"}, days, 100)  # excused is not present
    assert not meets_threshold({}, [], 0)


# ---------------------------------------------------------------------------------------------- seats
@settings(max_examples=200)
@given(
    st.integers(1, 6), st.lists(st.tuples(st.sampled_from(["add", "cancel", "grow"]), st.integers(0, 30)), max_size=60)
)
def test_roster_keeps_seats_and_first_come_first_served(capacity: int, ops: list[tuple[str, int]]) -> None:
    roster = Roster(capacity)
    requested: list[int] = []  # order of arrival of everyone still in
    next_key = 0
    for op, pick in ops:
        if op == "add":
            expected = "booked" if len(roster.seated) < roster.capacity and not roster.waiting else "waitlisted"
            assert roster.add(next_key) == expected
            requested.append(next_key)
            next_key += 1
        elif op == "cancel" and requested:
            key = requested.pop(pick % len(requested))
            was_seated = key in roster.seated
            head = roster.waiting[0] if roster.waiting else None
            promoted = roster.remove(key)
            assert promoted == ([head] if was_seated and head is not None else [])
        elif op == "grow":
            roster.capacity += 1
            head = roster.waiting[:1]
            assert roster.fill() == head
        # invariants
        assert len(roster.seated) <= roster.capacity
        assert not roster.waiting or len(roster.seated) == roster.capacity
        assert not set(roster.seated) & set(roster.waiting)
        assert sorted(roster.seated + roster.waiting) == sorted(requested)
        assert roster.waiting == sorted(roster.waiting)  # the waiting list keeps arrival order
        assert all(roster.position(k) == i + 1 for i, k in enumerate(roster.waiting))


def test_roster_refuses_the_same_request_twice() -> None:
    roster = Roster(2)
    roster.add(1)
    with pytest.raises(ValueError):
        roster.add(1)


# ---------------------------------------------------------------------------------------------- certificate numbers
def test_certificate_number_format() -> None:
    assert certificate_number(1, "KMS", date(2026, 11, 3)) == "001/PLT-KMS/DISPERIN/XI/2026"
    assert certificate_number(12, "plt-dsn-btk", date(2025, 4, 30)) == "012/PLT-DSN-BTK/DISPERIN/IV/2025"
    assert certificate_number(1234, "KMS", date(2026, 1, 1)) == "1234/PLT-KMS/DISPERIN/I/2026"
    with pytest.raises(ValueError):
        certificate_number(0, "KMS", date(2026, 1, 1))


@given(
    st.integers(1, 99_999),
    st.from_regex(r"[A-Z0-9]{1,5}(-[A-Z0-9]{1,5})?", fullmatch=True),
    st.dates(date(2000, 1, 1), date(2099, 12, 31)),
)
def test_certificate_number_round_trip(sequence: int, code: str, issued: date) -> None:
    number = certificate_number(sequence, code, issued)
    assert CERT.match(number) or sequence > 999
    parsed = parse_certificate_number(number)
    assert parsed is not None
    assert (parsed.sequence, parsed.month, parsed.year) == (sequence, issued.month, issued.year)
    assert number.split("/")[3] == ROMAN_MONTHS[issued.month - 1]


@given(st.sets(st.integers(1, 2000), max_size=40), st.integers(0, 2500), st.integers(2020, 2030))
def test_next_sequence_is_above_every_number_of_the_year(issued: set[int], counter: int, year: int) -> None:
    numbers = [certificate_number(s, "KMS", date(year, 5, 1)) for s in issued]
    numbers += [certificate_number(5000, "KMS", date(year - 1, 5, 1)), None, "rubbish"]
    nxt = next_certificate_sequence(numbers, year, counter)
    assert nxt == max([counter, *issued]) + 1


@given(
    st.lists(
        st.tuples(st.integers(1, 999), st.sampled_from(["KMS", "SNI"]), st.integers(1, 12)),
        min_size=2,
        max_size=20,
        unique_by=lambda t: t[0],
    )
)
def test_distinct_sequences_give_distinct_numbers(items: list[tuple[int, str, int]]) -> None:
    numbers = [certificate_number(seq, code, date(2026, month, 1)) for seq, code, month in items]
    assert len(set(numbers)) == len(numbers)


# ---------------------------------------------------------------------------------------------- services
def add_ikm(db: Database, count: int) -> list[int]:
    with db.transaction() as txn:
        return [
            txn.insert("ikm", {"name": f"Batik Sekar {n}", "owner_name": f"Pemilik {n}"}, code_prefix="IKM")["id"]
            for n in range(count)
        ]


@pytest.fixture
def course(empty_db: Database) -> dict[str, Any]:
    return svc.create_course(empty_db, COURSE)


@pytest.fixture
def batch(empty_db: Database, course: dict[str, Any]) -> dict[str, Any]:
    return svc.create_batch(empty_db, {**BATCH, "course_id": course["id"]})


def states(db: Database, batch_id: int) -> dict[int, str]:
    return {d["ikm_id"]: d["state"] for d in db.find("enrollments", batch_id=batch_id)}


def test_create_course_and_batch(empty_db: Database, course: dict[str, Any], batch: dict[str, Any]) -> None:
    assert course["code"] == "PLT-000001" and course["cert_code"] == "KMS"
    assert batch["code"].startswith("ANG-") and batch["capacity"] == 3
    with pytest.raises(RecordInvalid) as info:
        svc.create_course(empty_db, {**COURSE, "name": "Lain", "cert_code": "KMS"})
    assert set(info.value.errors) == {"cert_code"}
    with pytest.raises(RecordInvalid) as info:
        svc.create_batch(empty_db, {**BATCH, "course_id": 99})
    assert set(info.value.errors) == {"course_id"}
    with pytest.raises(RecordInvalid) as info:
        svc.create_batch(empty_db, {**BATCH, "course_id": course["id"], "status": "finished"})
    assert set(info.value.errors) == {"status"}
    # a blank end date follows from the course's number of session days
    auto = svc.create_batch(empty_db, {**BATCH, "course_id": course["id"], "end_date": ""})
    assert auto["end_date"] == "2026-11-04"
    assert empty_db.count("batches") == 2


def test_enrol_five_in_three_seats(empty_db: Database, batch: dict[str, Any]) -> None:
    ikm = add_ikm(empty_db, 6)
    result = svc.enroll(empty_db, batch["id"], ikm[:5])
    assert [d["ikm_id"] for d in result.booked] == ikm[:3]
    assert [(d["ikm_id"], place) for d, place in result.waitlisted] == [(ikm[3], 1), (ikm[4], 2)]
    assert result.message() == "3 terdaftar, 2 masuk daftar tunggu (urutan 1-2)"
    rows = svc.participants(empty_db, batch["id"])
    assert [(p.doc["ikm_id"], p.state, p.position) for p in rows] == [
        (ikm[0], "booked", None),
        (ikm[1], "booked", None),
        (ikm[2], "booked", None),
        (ikm[3], "waitlisted", 1),
        (ikm[4], "waitlisted", 2),
    ]
    assert rows[0].doc["participant"] == "Pemilik 0"


def test_the_same_ikm_cannot_enrol_twice(empty_db: Database, batch: dict[str, Any]) -> None:
    ikm = add_ikm(empty_db, 4)
    svc.enroll(empty_db, batch["id"], ikm[:2])
    before = empty_db.count("enrollments")
    with pytest.raises(ValueError, match="Sudah terdaftar"):
        svc.enroll(empty_db, batch["id"], [ikm[2], ikm[1]])
    assert empty_db.count("enrollments") == before  # all or nothing
    # the same id twice in one request counts once
    assert len(svc.enroll(empty_db, batch["id"], [ikm[2], ikm[2]]).booked) == 1
    with pytest.raises(ValueError):
        svc.enroll(empty_db, batch["id"], [999])
    with pytest.raises(ValueError):
        svc.enroll(empty_db, batch["id"], [])
    # after cancelling, the IKM may ask again (and queues at the end)
    first = next(d for d in empty_db.find("enrollments", batch_id=batch["id"]) if d["ikm_id"] == ikm[0])
    svc.cancel_enrollment(empty_db, first["id"])
    again = svc.enroll(empty_db, batch["id"], [ikm[0], ikm[3]])
    assert [d["ikm_id"] for d in again.booked] == [ikm[0]]
    assert [d["ikm_id"] for d, _place in again.waitlisted] == [ikm[3]]


def test_cancel_promotes_the_first_waiting(empty_db: Database, batch: dict[str, Any]) -> None:
    ikm = add_ikm(empty_db, 5)
    result = svc.enroll(empty_db, batch["id"], ikm)
    second = result.booked[1]
    cancel = svc.cancel_enrollment(empty_db, second["id"], expected_version=second["version"])
    assert cancel.promoted is not None and cancel.promoted["ikm_id"] == ikm[3]
    assert cancel.message() == "Pemilik 1 dibatalkan; Pemilik 3 naik dari daftar tunggu"
    assert states(empty_db, batch["id"]) == {
        ikm[0]: "booked",
        ikm[1]: "cancelled",
        ikm[2]: "booked",
        ikm[3]: "booked",
        ikm[4]: "waitlisted",
    }
    # cancelling a waiting request promotes nobody
    waiting = result.waitlisted[1][0]
    assert svc.cancel_enrollment(empty_db, waiting["id"]).promoted is None
    with pytest.raises(ValueError, match="sudah berstatus"):
        svc.cancel_enrollment(empty_db, waiting["id"])
    with pytest.raises(StaleRecord):
        svc.cancel_enrollment(empty_db, result.booked[0]["id"], expected_version=99)


def test_capacity_changes(empty_db: Database, batch: dict[str, Any]) -> None:
    ikm = add_ikm(empty_db, 5)
    svc.enroll(empty_db, batch["id"], ikm)
    with pytest.raises(RecordInvalid) as info:
        svc.update_batch(empty_db, batch["id"], {"capacity": 2})
    assert set(info.value.errors) == {"capacity"}
    with pytest.raises(RecordInvalid):
        svc.update_batch(empty_db, batch["id"], {"capacity": 0})
    more = svc.update_batch(empty_db, batch["id"], {"capacity": "4"})
    assert [d["ikm_id"] for d in more.promoted] == [ikm[3]]
    with pytest.raises(StaleRecord):
        svc.update_batch(empty_db, batch["id"], {"venue": "Balai Kota"}, expected_version=batch["version"])


def test_attendance_rules(empty_db: Database, batch: dict[str, Any]) -> None:
    ikm = add_ikm(empty_db, 4)
    result = svc.enroll(empty_db, batch["id"], ikm)
    seat = result.booked[0]
    doc = svc.set_attendance(empty_db, seat["id"], "02/11/2026", "h")
    assert doc["attendance"] == {"2026-11-02": "h"} and doc["attendance_pct"] == 33.3
    assert svc.set_attendance(empty_db, seat["id"], "2026-11-02", "h")["version"] == doc["version"]  # no change
    for day in ("01/11/2026", "05/11/2026"):
        with pytest.raises(ValueError, match="bukan hari sesi"):
            svc.set_attendance(empty_db, seat["id"], day, "h")
    with pytest.raises(ValueError):
        svc.set_attendance(empty_db, seat["id"], "03/11/2026", "x")
    with pytest.raises(ValueError, match="tidak mendapat kursi"):
        svc.set_attendance(empty_db, result.waitlisted[0][0]["id"], "03/11/2026", "h")
    assert svc.set_attendance(empty_db, seat["id"], "02/11/2026", "")["attendance"] == {}
    # dates cannot move away from days that have attendance
    svc.set_attendance(empty_db, seat["id"], "04/11/2026", "a")
    with pytest.raises(RecordInvalid) as info:
        svc.update_batch(empty_db, batch["id"], {"end_date": "03/11/2026"})
    assert set(info.value.errors) == {"days"}


def fill(db: Database, batch_id: int, rows: list[str]) -> list[int]:
    """``rows``: one string of marks per seated participant, in order; returns their enrollment ids."""
    seated = svc.seated(db, batch_id)
    days = svc.batch_days(db, batch_id)
    for person, marks in zip(seated, rows, strict=True):
        for day, mark in zip(days, marks, strict=True):
            svc.set_attendance(db, person.id, day, mark.strip())
    return [p.id for p in seated]


def test_finish_marks_completion_and_issues_certificates(empty_db: Database, batch: dict[str, Any]) -> None:
    ikm = add_ikm(empty_db, 5)
    svc.enroll(empty_db, batch["id"], ikm)
    with pytest.raises(ValueError, match="berlangsung sampai"):
        svc.finish_batch(empty_db, batch["id"], "03/11/2026")
    ids = fill(empty_db, batch["id"], ["hhh", "hia", "hh "])
    result = svc.finish_batch(empty_db, batch["id"], FINISH_DAY)
    assert [d["id"] for d in result.completed] == [ids[0]]
    assert [d["id"] for d in result.not_completed] == ids[1:]
    assert [d["ikm_id"] for d in result.no_seat] == ikm[3:]  # still waiting: no seat, not cancelled
    assert {d["state"] for d in result.no_seat} == {"no_seat"}
    assert result.certificates == ["001/PLT-KMS/DISPERIN/XI/2026"]
    assert result.batch["status"] == "finished" and result.batch["finished_on"] == "2026-11-27"
    docs = {d["id"]: d for d in empty_db.all("enrollments")}
    assert docs[ids[1]]["certificate_no"] is None and docs[ids[1]]["attendance_pct"] == 33.3
    assert docs[ids[2]]["attendance_pct"] == 66.7  # the empty cell counts as absent
    assert empty_db.meta["counters"]["CERT-2026"] == 1
    # a finished batch is closed
    with pytest.raises(ValueError):
        svc.finish_batch(empty_db, batch["id"], FINISH_DAY)
    with pytest.raises(ValueError):
        svc.set_attendance(empty_db, ids[1], "03/11/2026", "h")
    with pytest.raises(ValueError):
        svc.enroll(empty_db, batch["id"], [ikm[4]])
    with pytest.raises(ValueError):
        svc.cancel_enrollment(empty_db, ids[0])
    # certificates are never issued twice nor to someone who did not complete
    with pytest.raises(ValueError, match="sudah memiliki sertifikat"):
        svc.issue_certificate(empty_db, ids[0], FINISH_DAY)
    with pytest.raises(ValueError, match="tidak lulus"):
        svc.issue_certificate(empty_db, ids[1], FINISH_DAY)


def test_certificate_sequence_runs_per_year_across_batches(empty_db: Database, course: dict[str, Any]) -> None:
    other = svc.create_course(empty_db, {**COURSE, "name": "Penerapan SNI", "cert_code": "SNI"})
    ikm = add_ikm(empty_db, 4)
    numbers: list[str] = []
    plan = [
        (course, "2026-11-02", FINISH_DAY),
        (other, "2026-11-09", FINISH_DAY),
        (course, "2026-12-28", date(2027, 1, 2)),
        (other, "2027-01-04", date(2027, 2, 1)),
    ]
    for which, start, finished in plan:
        made = svc.create_batch(
            empty_db, {**BATCH, "course_id": which["id"], "start_date": start, "end_date": "", "capacity": 4}
        )
        svc.enroll(empty_db, made["id"], ikm)
        with clock.fixed(finished):  # attendance and finishing are never dated after today
            fill(empty_db, made["id"], ["hhh", "hhh", "hha", "hhh"])
            numbers += svc.finish_batch(empty_db, made["id"], finished).certificates
    assert len(numbers) == len(set(numbers)) == 12
    assert all(CERT.match(n) for n in numbers)
    assert [n.split("/")[0] for n in numbers] == [
        "001",
        "002",
        "003",
        "004",
        "005",
        "006",
        "001",
        "002",
        "003",
        "004",
        "005",
        "006",
    ]
    assert numbers[3] == "004/PLT-SNI/DISPERIN/XI/2026"
    assert numbers[6] == "001/PLT-KMS/DISPERIN/I/2027" and numbers[9] == "004/PLT-SNI/DISPERIN/II/2027"
    assert empty_db.meta["counters"]["CERT-2026"] == 6 and empty_db.meta["counters"]["CERT-2027"] == 6


def test_sequence_never_repeats_even_when_counter_or_numbers_are_ahead(
    empty_db: Database, batch: dict[str, Any]
) -> None:
    ikm = add_ikm(empty_db, 3)
    svc.enroll(empty_db, batch["id"], ikm)
    ids = fill(empty_db, batch["id"], ["hhh", "hhh", "hhh"])
    # numbers issued before the counter existed (older data), and a counter ahead of the numbers
    with empty_db.transaction() as txn:
        txn.update("enrollments", ids[2], {"state": "cancelled"})
    other = svc.create_batch(empty_db, {**BATCH, "course_id": batch["course_id"]})
    with empty_db.transaction() as txn:
        old = txn.insert(
            "enrollments",
            {
                "batch_id": other["id"],
                "ikm_id": ikm[0],
                "state": "completed",
                "certificate_no": "041/PLT-KMS/DISPERIN/III/2026",
            },
        )
    result = svc.finish_batch(empty_db, batch["id"], FINISH_DAY)
    assert [n[:3] for n in result.certificates] == ["042", "043"]
    with empty_db.transaction() as txn:
        txn.update("enrollments", old["id"], {"certificate_no": None})
        txn._meta()["counters"]["CERT-2026"] = 99
    with empty_db.transaction() as txn:
        txn.update("enrollments", ids[2], {"state": "completed"})
    assert svc.issue_certificate(empty_db, ids[2], FINISH_DAY)["certificate_no"].startswith("100/")


def test_two_officers_finishing_at_once_get_distinct_numbers(tmp_path: Path) -> None:
    first = Database(tmp_path / "t.json", "ani")
    course = svc.create_course(first, COURSE)
    ikm = add_ikm(first, 3)
    made = [svc.create_batch(first, {**BATCH, "course_id": course["id"]}) for _ in range(2)]
    for b in made:
        svc.enroll(first, b["id"], ikm)
        fill(first, b["id"], ["hhh", "hhh", "hhh"])
    second = Database(tmp_path / "t.json", "budi")  # loaded now; the first officer's next save is not in it
    one = svc.finish_batch(first, made[0]["id"], FINISH_DAY).certificates
    two = svc.finish_batch(second, made[1]["id"], FINISH_DAY).certificates
    assert len(set(one + two)) == 6


def test_cancel_batch(empty_db: Database, batch: dict[str, Any]) -> None:
    ikm = add_ikm(empty_db, 4)
    svc.enroll(empty_db, batch["id"], ikm)
    doc, count = svc.cancel_batch(empty_db, batch["id"])
    assert doc["status"] == "cancelled" and count == 4
    assert set(states(empty_db, batch["id"]).values()) == {"cancelled"}
    with pytest.raises(ValueError):
        svc.update_batch(empty_db, batch["id"], {"capacity": 10})


def test_demo_training_data_follows_the_rules(db: Database) -> None:
    numbers = [d["certificate_no"] for d in db.all("enrollments") if d.get("certificate_no")]
    assert numbers and len(numbers) == len(set(numbers))
    assert all(CERT.match(n) for n in numbers)
    for batch in db.all("batches"):
        Batch.parse(batch)
        roster = svc.roster_of(db, batch["id"])
        assert len(roster.seated) <= batch["capacity"]
        for doc in db.find("enrollments", batch_id=batch["id"]):
            assert (doc["state"] == "completed") == bool(doc.get("certificate_no"))
    counters = db.meta["counters"]
    for year in {n.rsplit("/", 1)[1] for n in numbers}:
        assert counters[f"CERT-{year}"] == max(int(n[:3]) for n in numbers if n.endswith(year))
