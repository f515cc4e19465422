"""Training use cases: each applies the rules of ``ikmtui.domain.training`` to the database in one transaction.

The acting officer is ``db.user``. Errors a staff member can cause are raised as ``ValueError`` with a
translated message, or as :class:`ikmtui.domain.records.RecordInvalid` (field -> message) where a form can
show the message beside its field. Nothing is written when an error is raised. Functions that change a course
or a batch from a form take ``expected_version`` (the version the form was opened on): a save made by someone
else in between is refused with :class:`ikmtui.storage.StaleRecord`.

Overview::

    create_course / update_course                      # the catalogue
    create_batch / update_batch / cancel_batch         # dated runs; more seats promote from the waiting list
    enroll(db, batch_id, [ikm ids]) -> EnrollResult    # booked while seats last, then the waiting list
    cancel_enrollment(db, enrollment_id) -> CancelResult  # names who was promoted into the freed seat
    set_attendance(db, enrollment_id, day, "h"|"i"|"a"|"")  # one cell of the attendance grid
    finish_batch(db, batch_id, on) -> FinishResult     # rates, completed / not completed, certificates
    issue_certificate(db, enrollment_id, on)           # a completed participant who has none yet
    reopen_batch(db, batch_id, reason)                 # supervisor: back to running, its certificates revoked
    revoke_certificate(db, enrollment_id, reason)      # supervisor: one certificate, its number never reused
    certificate_status(db, number) -> CertificateStatus  # issued / revoked / unknown (verification)
    participants(db, batch_id) / roster_of / batch_days / courses / batches
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ikmtui import clock
from ikmtui.domain import permissions
from ikmtui.domain.fields import is_blank, not_after_today, parse_date
from ikmtui.domain.records import META_FIELDS, RecordInvalid
from ikmtui.domain.training import (
    ACTIVE_STATES,
    CLOSED_STATUSES,
    EDITABLE_STATUSES,
    SEATED_STATES,
    Batch,
    Course,
    Enrollment,
    Roster,
    attendance_rate,
    certificate_counter_key,
    certificate_number,
    check_mark,
    meets_threshold,
    next_certificate_sequence,
    queue_key,
    session_days,
    state_label,
    status_label,
)
from ikmtui.i18n import N_, _, format_date
from ikmtui.services.settings import CERTIFICATE_UNIT, value_in
from ikmtui.storage import Database, RecordMissing, Transaction

COURSES = Course.table
BATCHES = Batch.table
ENROLLMENTS = Enrollment.table
#: One record per certificate number ever issued (revoked ones stay: a number is never reused).
CERTIFICATES = "certificates"

COURSE_FIELDS = ("name", "category", "pillar", "description", "session_days", "threshold_pct", "cert_code")
BATCH_FIELDS = ("course_id", "start_date", "end_date", "venue", "trainer", "capacity", "status", "days")

Doc = dict[str, Any]


# ---------------------------------------------------------------------------------------------- results
@dataclass
class EnrollResult:
    booked: list[Doc] = field(default_factory=list)
    #: (enrollment, 1-based place on the waiting list)
    waitlisted: list[tuple[Doc, int]] = field(default_factory=list)
    #: Waiting participants who got a seat that was free before these requests (e.g. after more seats).
    promoted: list[Doc] = field(default_factory=list)

    def message(self) -> str:
        text = _(
            "{booked} booked, {waiting} on the waiting list", booked=len(self.booked), waiting=len(self.waitlisted)
        )
        places = [place for _doc, place in self.waitlisted]
        if len(places) == 1:
            text += " " + _("(place {n})", n=places[0])
        elif places:
            text += " " + _("(places {first}-{last})", first=min(places), last=max(places))
        return text


@dataclass
class CancelResult:
    cancelled: Doc
    promoted: Doc | None = None

    def message(self) -> str:
        text = _("{who} cancelled", who=participant_name(self.cancelled))
        if self.promoted is not None:
            text += "; " + _("{who} promoted from the waiting list", who=participant_name(self.promoted))
        return text


@dataclass
class BatchUpdate:
    batch: Doc
    promoted: list[Doc] = field(default_factory=list)


@dataclass
class FinishResult:
    batch: Doc
    completed: list[Doc] = field(default_factory=list)
    not_completed: list[Doc] = field(default_factory=list)
    #: Still waiting when the batch finished: their requests close as "no seat" (not an officer's cancellation).
    no_seat: list[Doc] = field(default_factory=list)

    @property
    def certificates(self) -> list[str]:
        return [str(d["certificate_no"]) for d in self.completed]

    def message(self) -> str:
        text = _(
            "{code} finished: {completed} completed (certificates issued), {not_completed} not completed",
            code=self.batch.get("code", ""),
            completed=len(self.completed),
            not_completed=len(self.not_completed),
        )
        if self.no_seat:
            text += "; " + _("{n} on the waiting list got no seat", n=len(self.no_seat))
        return text


@dataclass
class ReopenResult:
    batch: Doc
    #: Certificate numbers revoked because the batch was reopened.
    revoked: list[str] = field(default_factory=list)

    def message(self) -> str:
        text = _("{code} reopened", code=self.batch.get("code", ""))
        if self.revoked:
            text += "; " + _("certificates revoked: {numbers}", numbers=", ".join(self.revoked))
        return text


@dataclass
class CertificateStatus:
    """What verification says of a certificate number: ``issued``, ``revoked`` or ``unknown``."""

    number: str
    state: str
    record: Doc | None = None

    @property
    def valid(self) -> bool:
        return self.state == "issued"


@dataclass
class Participant:
    """An enrollment with what the screens show beside it."""

    doc: Doc
    ikm_name: str = ""
    ikm_code: str = ""
    #: 1-based place on the waiting list (only while waiting).
    position: int | None = None

    @property
    def id(self) -> int:
        return int(self.doc["id"])

    @property
    def state(self) -> str:
        return str(self.doc.get("state", ""))


# ---------------------------------------------------------------------------------------------- helpers
def _today(value: dt.date | str | None) -> dt.date:
    return clock.today() if value is None or is_blank(value) else parse_date(value)


def _reason(reason: str) -> str:
    text = " ".join(str(reason or "").split())
    if not text:
        raise ValueError(_("Give a reason: it is kept in the history"))
    return text


def participant_name(doc: Mapping[str, Any]) -> str:
    return str(doc.get("participant") or doc.get("code") or "?")


def _of_batch(table: Mapping[str, Mapping[str, Any]], batch_id: int) -> list[Doc]:
    return [{**doc, "id": int(key)} for key, doc in table.items() if doc.get("batch_id") == batch_id]


def _open_batch(txn: Transaction, batch_id: int, expected_version: int | None = None) -> Doc:
    batch = txn.current(BATCHES, batch_id, expected_version)
    if batch.get("status") in CLOSED_STATUSES:
        raise ValueError(
            _(
                "{code} is {status}: it can no longer be changed",
                code=batch.get("code", ""),
                status=status_label(str(batch.get("status"))),
            )
        )
    return batch


def _form(data: Mapping[str, Any], allowed: Sequence[str]) -> Doc:
    return {k: v for k, v in data.items() if k in allowed and k not in META_FIELDS}


def _counters(txn: Transaction) -> dict[str, int]:
    """The meta document's counters as staged in ``txn``; storage commits them with the transaction."""
    return txn.counters()


def _promote(txn: Transaction, keys: Iterable[int]) -> list[Doc]:
    return [txn.update(ENROLLMENTS, key, {"state": "booked", "promoted_at": txn.ts}) for key in keys]


def _check_cert_code(txn: Transaction, cert_code: str, exclude: int | None) -> None:
    for key, doc in txn.table(COURSES).items():
        if int(key) != exclude and str(doc.get("cert_code", "")).upper() == cert_code:
            raise RecordInvalid({"cert_code": _("{code} already uses this certificate code", code=doc.get("code", ""))})


# ---------------------------------------------------------------------------------------------- courses
def create_course(db: Database, data: Mapping[str, Any]) -> Doc:
    """Add a course to the catalogue; its certificate code must not be used by another course."""
    course = Course.parse(_form(data, COURSE_FIELDS))
    with db.transaction() as txn:
        _check_cert_code(txn, course.cert_code, None)
        return txn.insert(COURSES, course.doc(), code_prefix=Course.code_prefix)


def update_course(
    db: Database, course_id: int, changes: Mapping[str, Any], *, expected_version: int | None = None
) -> Doc:
    """Change a course. Results of finished batches keep the threshold they were judged by."""
    with db.transaction() as txn:
        doc = txn.current(COURSES, course_id, expected_version)
        course = Course.parse({**doc, **_form(changes, COURSE_FIELDS)})
        _check_cert_code(txn, course.cert_code, course_id)
        return txn.update(COURSES, course_id, course.doc(), expected_version=expected_version)


# ---------------------------------------------------------------------------------------------- batches
def suggested_end(course: Mapping[str, Any] | None, start: dt.date | str) -> dt.date:
    """The last day if the course's session days run one after another from ``start``."""
    days = int((course or {}).get("session_days") or 1)
    return parse_date(start) + dt.timedelta(days=max(1, days) - 1)


def _batch_form(txn: Transaction, data: Doc) -> tuple[Batch, Doc]:
    """Validate a batch (a blank end date follows from the course's number of session days)."""
    course = None
    try:
        course_id = int(data["course_id"]) if not is_blank(data.get("course_id")) else None
    except (TypeError, ValueError):
        course_id = None
    if course_id is not None:
        course = txn.get(COURSES, course_id)
    if course_id is not None and course is None:
        raise RecordInvalid({"course_id": _("There is no course with id {id}", id=course_id)})
    if is_blank(data.get("end_date")) and not is_blank(data.get("start_date")):
        with contextlib.suppress(ValueError):  # a wrong start date: Batch.parse says so
            data = {**data, "end_date": suggested_end(course, data["start_date"]).isoformat()}
    batch = Batch.parse(data)
    if batch.status not in EDITABLE_STATUSES:
        raise RecordInvalid(
            {"status": _("Choose one of: {options}", options=", ".join(status_label(s) for s in EDITABLE_STATUSES))}
        )
    return batch, course or {}


def create_batch(db: Database, data: Mapping[str, Any]) -> Doc:
    """Plan a batch of a course: dates, venue, trainer, capacity (status planned, open or running)."""
    with db.transaction() as txn:
        batch, _course = _batch_form(txn, _form(data, BATCH_FIELDS))
        return txn.insert(BATCHES, batch.doc(), code_prefix=Batch.code_prefix, per_year=Batch.code_per_year)


def update_batch(
    db: Database, batch_id: int, changes: Mapping[str, Any], *, expected_version: int | None = None
) -> BatchUpdate:
    """Change a batch that is not finished or cancelled. Capacity cannot drop below the seats taken; more
    seats promote from the waiting list; dates cannot drop a day that already has attendance."""
    with db.transaction() as txn:
        doc = _open_batch(txn, batch_id, expected_version)
        batch, _course = _batch_form(txn, {**doc, **_form(changes, BATCH_FIELDS)})
        enrollments = _of_batch(txn.table(ENROLLMENTS), batch_id)
        roster = Roster.of(batch.capacity, enrollments)
        if len(roster.seated) > batch.capacity:
            raise RecordInvalid(
                {
                    "capacity": _(
                        "{n} participants already hold a seat: the capacity cannot be less", n=len(roster.seated)
                    )
                }
            )
        days = set(session_days(batch))
        marked = sorted(
            {
                d
                for e in enrollments
                if e.get("state") in SEATED_STATES
                for d, mark in (e.get("attendance") or {}).items()
                if mark and d not in days
            }
        )
        if marked:
            raise RecordInvalid(
                {
                    "days": _(
                        "Attendance was recorded on {days}: keep those session days",
                        days=", ".join(format_date(parse_date(d)) for d in marked),
                    )
                }
            )
        updated = txn.update(BATCHES, batch_id, batch.doc(), expected_version=expected_version)
        return BatchUpdate(updated, _promote(txn, roster.fill()))


def cancel_batch(db: Database, batch_id: int, *, expected_version: int | None = None) -> tuple[Doc, int]:
    """Call a batch off: its status becomes cancelled and every booking and waiting request is cancelled."""
    with db.transaction() as txn:
        _open_batch(txn, batch_id, expected_version)
        count = 0
        for doc in _of_batch(txn.table(ENROLLMENTS), batch_id):
            if doc.get("state") in ACTIVE_STATES:
                txn.update(ENROLLMENTS, doc["id"], {"state": "cancelled", "cancelled_at": txn.ts})
                count += 1
        return txn.update(BATCHES, batch_id, {"status": "cancelled"}, expected_version=expected_version), count


# ---------------------------------------------------------------------------------------------- enrollment
def enroll(db: Database, batch_id: int, ikm_ids: Iterable[int]) -> EnrollResult:
    """Enrol IKM in a batch in the order given: booked while seats are free, then on the waiting list.

    The same IKM cannot be in a batch twice (a cancelled request does not count); the whole request is
    refused, and nothing saved, if one of them already is, or does not exist.
    """
    wanted = list(dict.fromkeys(int(i) for i in ikm_ids))
    if not wanted:
        raise ValueError(_("Choose at least one IKM"))
    with db.transaction() as txn:
        batch = _open_batch(txn, batch_id)
        ikm = txn.table("ikm")
        missing = [str(i) for i in wanted if str(i) not in ikm]
        if missing:
            raise ValueError(_("There is no IKM with id {id}", id=", ".join(missing)))
        existing = _of_batch(txn.table(ENROLLMENTS), batch_id)
        inside = {e["ikm_id"] for e in existing if e.get("state") in ACTIVE_STATES}
        twice = [ikm[str(i)].get("name") or ikm[str(i)].get("code", str(i)) for i in wanted if i in inside]
        if twice:
            raise ValueError(
                _("Already enrolled in {code}: {names}", code=batch.get("code", ""), names=", ".join(twice))
            )
        roster = Roster.of(int(batch["capacity"]), existing)
        result = EnrollResult(promoted=_promote(txn, roster.fill()))
        for ikm_id in wanted:
            business = ikm[str(ikm_id)]
            placeholder = -ikm_id
            state = roster.add(placeholder)
            doc = Enrollment.parse(
                {
                    "batch_id": batch_id,
                    "ikm_id": ikm_id,
                    "state": state,
                    "participant": business.get("owner_name") or business.get("name", ""),
                    "requested_at": txn.ts,
                }
            ).doc()
            stored = txn.insert(ENROLLMENTS, doc, code_prefix=Enrollment.code_prefix)
            if state == "booked":
                result.booked.append(stored)
            else:
                result.waitlisted.append((stored, roster.position(placeholder) or 0))
        return result


def cancel_enrollment(db: Database, enrollment_id: int, *, expected_version: int | None = None) -> CancelResult:
    """Cancel a booking or a waiting request; the first on the waiting list takes a freed seat."""
    with db.transaction() as txn:
        doc = txn.current(ENROLLMENTS, enrollment_id, expected_version)
        state = str(doc.get("state"))
        if state not in ACTIVE_STATES:
            raise ValueError(_("{who} is already {state}", who=participant_name(doc), state=state_label(state)))
        batch = _open_batch(txn, int(doc["batch_id"]))
        roster = Roster.of(int(batch["capacity"]), _of_batch(txn.table(ENROLLMENTS), int(doc["batch_id"])))
        promoted = roster.remove(enrollment_id)
        cancelled = txn.update(
            ENROLLMENTS,
            enrollment_id,
            {"state": "cancelled", "cancelled_at": txn.ts},
            expected_version=expected_version,
        )
        moved = _promote(txn, promoted)
        return CancelResult(cancelled, moved[0] if moved else None)


# ---------------------------------------------------------------------------------------------- attendance
def set_attendance(db: Database, enrollment_id: int, day: dt.date | str, mark: str) -> Doc:
    """Record ``h`` (hadir), ``i`` (izin) or ``a`` (absen) for one participant on one session day; a blank
    mark clears the day. Only this one day is written, so officers filling other cells do not collide."""
    with db.transaction() as txn:
        doc = txn.current(ENROLLMENTS, enrollment_id)
        batch = txn.get(BATCHES, int(doc["batch_id"]))
        if batch is None:
            raise RecordMissing(BATCHES, int(doc["batch_id"]))
        if batch.get("status") in CLOSED_STATUSES:
            raise ValueError(
                _(
                    "{code} is {status}: attendance can no longer be changed",
                    code=batch.get("code", ""),
                    status=status_label(str(batch.get("status"))),
                )
                + (
                    " " + _("A supervisor can reopen it to correct attendance.")
                    if batch.get("status") == "finished"
                    else ""
                )
            )
        if doc.get("state") not in SEATED_STATES:
            raise ValueError(
                _(
                    "{who} has no seat in this batch ({state})",
                    who=participant_name(doc),
                    state=state_label(str(doc.get("state"))),
                )
            )
        days = session_days(batch)
        iso, mark = check_mark(days, day, mark)
        if mark:
            not_after_today(parse_date(iso), N_("Attendance on {date} is after today ({today})"))
        marks = dict(doc.get("attendance") or {})
        if marks.get(iso, "") == mark:
            return doc
        if mark:
            marks[iso] = mark
        else:
            marks.pop(iso, None)
        return txn.update(
            ENROLLMENTS, enrollment_id, {"attendance": marks, "attendance_pct": attendance_rate(marks, days)}
        )


# ---------------------------------------------------------------------------------------------- completion
def _issue(txn: Transaction, docs: Sequence[Doc], course: Mapping[str, Any], on: dt.date) -> list[Doc]:
    """Number certificates for ``docs`` (already marked completed) from the year's sequence, under the lock."""
    if not docs:
        return []
    key = certificate_counter_key(on.year)
    counters = _counters(txn)
    existing = [d.get("certificate_no") for d in txn.table(ENROLLMENTS).values()]
    existing += [d.get("number") for d in txn.table(CERTIFICATES).values()]
    sequence = next_certificate_sequence(existing, on.year, int(counters.get(key, 0)))
    issued = []
    unit = str(value_in(txn.table("settings"), CERTIFICATE_UNIT))  # the office's unit code (settings)
    for doc in docs:
        number = certificate_number(sequence, str(course.get("cert_code", "")), on, unit)
        issued.append(txn.update(ENROLLMENTS, doc["id"], {"certificate_no": number}))
        txn.insert(CERTIFICATES, _certificate_record(doc, number, on))
        sequence += 1
    counters[key] = sequence - 1
    return issued


def _certificate_record(enrollment: Mapping[str, Any], number: str, on: dt.date) -> Doc:
    return {
        "number": number,
        "enrollment_id": int(enrollment["id"]),
        "batch_id": int(enrollment["batch_id"]),
        "ikm_id": enrollment.get("ikm_id"),
        "participant": enrollment.get("participant", ""),
        "issued_on": on.isoformat(),
        "revoked_at": None,
        "revoked_reason": "",
    }


def _revoke(txn: Transaction, enrollment: Mapping[str, Any], reason: str, by: str) -> str:
    """Revoke the enrollment's certificate: its record says when, by whom and why; the enrollment loses the
    number (a new one is issued if it completes again). A certificate issued before certificates had records of
    their own gets its record now, so verification knows it was revoked."""
    number = str(enrollment["certificate_no"])
    found = next((int(k) for k, d in txn.table(CERTIFICATES).items() if d.get("number") == number), None)
    revocation = {"revoked_at": txn.ts, "revoked_by": by, "revoked_reason": reason}
    if found is None:
        batch = txn.get(BATCHES, int(enrollment["batch_id"])) or {}
        issued = str(batch.get("finished_on") or batch.get("end_date") or clock.today().isoformat())
        txn.insert(CERTIFICATES, {**_certificate_record(enrollment, number, parse_date(issued)), **revocation})
    else:
        txn.update(CERTIFICATES, found, revocation)
    txn.update(ENROLLMENTS, int(enrollment["id"]), {"certificate_no": None})
    txn.log("certificate.revoke", ENROLLMENTS, int(enrollment["id"]), number, reason)
    return number


def finish_batch(
    db: Database, batch_id: int, on: dt.date | str | None = None, *, expected_version: int | None = None
) -> FinishResult:
    """Close a batch on or after its last session day: each seated participant's attendance rate decides
    completed (at or above the course threshold; a certificate is issued) or not completed. Empty cells count
    as absent. Requests still waiting are cancelled."""
    finished_on = _today(on)
    not_after_today(finished_on, N_("A batch is finished on or before today ({today}), not on {date}"))
    with db.transaction() as txn:
        batch = _open_batch(txn, batch_id, expected_version)
        last = parse_date(batch["end_date"])
        if finished_on < last:
            raise ValueError(
                _(
                    "{code} runs until {date}: finish it on or after its last session day",
                    code=batch.get("code", ""),
                    date=format_date(last),
                )
            )
        course = txn.get(COURSES, int(batch["course_id"]))
        if course is None:
            raise RecordMissing(COURSES, int(batch["course_id"]))
        days = session_days(batch)
        threshold = float(course.get("threshold_pct", 75.0))
        result = FinishResult(batch)
        passed: list[Doc] = []
        for doc in sorted(_of_batch(txn.table(ENROLLMENTS), batch_id), key=queue_key):
            state = doc.get("state")
            marks = doc.get("attendance") or {}
            if state in SEATED_STATES:
                done = meets_threshold(marks, days, threshold)
                updated = txn.update(
                    ENROLLMENTS,
                    doc["id"],
                    {"state": "completed" if done else "not_completed", "attendance_pct": attendance_rate(marks, days)},
                )
                (passed if done else result.not_completed).append(updated)
            elif state in ACTIVE_STATES:
                result.no_seat.append(txn.update(ENROLLMENTS, doc["id"], {"state": "no_seat"}))
        result.completed = _issue(txn, passed, course, finished_on)
        result.batch = txn.update(
            BATCHES,
            batch_id,
            {"status": "finished", "finished_on": finished_on.isoformat()},
            expected_version=expected_version,
        )
        return result


def issue_certificate(db: Database, enrollment_id: int, on: dt.date | str | None = None) -> Doc:
    """A certificate for one participant who completed the course and has none yet."""
    issued_on = _today(on)
    with db.transaction() as txn:
        doc = txn.current(ENROLLMENTS, enrollment_id)
        if doc.get("certificate_no"):
            raise ValueError(
                _("{who} already has certificate {number}", who=participant_name(doc), number=doc["certificate_no"])
            )
        if doc.get("state") != "completed":
            raise ValueError(_("{who} did not complete the course: no certificate", who=participant_name(doc)))
        batch = txn.current(BATCHES, int(doc["batch_id"]))
        course = txn.current(COURSES, int(batch["course_id"]))
        return _issue(txn, [doc], course, issued_on)[0]


# ---------------------------------------------------------------------------------------------- corrections
def reopen_batch(db: Database, batch_id: int, reason: str, *, expected_version: int | None = None) -> ReopenResult:
    """Reopen a finished batch (a supervisor, with a reason) to correct attendance or results: it runs again,
    results go back to booked with their attendance kept, those who got no seat wait again, and every
    certificate of the batch is revoked with the reason. Finishing again issues new numbers."""
    why = _reason(reason)
    with db.transaction() as txn:
        permissions.require(txn.table("staff"), db.user, "records.correct")
        batch = txn.current(BATCHES, batch_id, expected_version)
        if batch.get("status") != "finished":
            raise ValueError(
                _(
                    "{code} is {status}: only a finished batch can be reopened",
                    code=batch.get("code", ""),
                    status=status_label(str(batch.get("status"))),
                )
            )
        result = ReopenResult(batch)
        for doc in sorted(_of_batch(txn.table(ENROLLMENTS), batch_id), key=queue_key):
            if doc.get("certificate_no"):
                result.revoked.append(_revoke(txn, doc, why, db.user))
            if doc.get("state") in ("completed", "not_completed"):
                txn.update(ENROLLMENTS, doc["id"], {"state": "booked"})
            elif doc.get("state") == "no_seat":
                txn.update(ENROLLMENTS, doc["id"], {"state": "waitlisted"})
        corrections = [*batch.get("corrections", []), {"action": "reopen", "at": txn.ts, "by": db.user, "reason": why}]
        result.batch = txn.update(
            BATCHES,
            batch_id,
            {"status": "running", "finished_on": None, "corrections": corrections},
            expected_version=expected_version,
        )
        txn.log("reopen", BATCHES, batch_id, str(batch.get("code", "")), why)
        return result


def revoke_certificate(db: Database, enrollment_id: int, reason: str) -> str:
    """Revoke one certificate (a supervisor, with a reason); returns its number, which is never issued again.
    The participant stays completed: :func:`issue_certificate` gives a new number when that is right."""
    why = _reason(reason)
    with db.transaction() as txn:
        permissions.require(txn.table("staff"), db.user, "records.correct")
        doc = txn.current(ENROLLMENTS, enrollment_id)
        if not doc.get("certificate_no"):
            raise ValueError(_("{who} has no certificate to revoke", who=participant_name(doc)))
        return _revoke(txn, doc, why, db.user)


def certificate_status(db: Database, number: str) -> CertificateStatus:
    """Whether ``number`` was issued by this office and still stands (``issued``), was revoked, or is unknown.
    Certificates issued before they had records of their own are found on their enrollment."""
    wanted = " ".join(str(number or "").split()).upper()
    for doc in db.all(CERTIFICATES):
        if str(doc.get("number", "")).upper() == wanted:
            return CertificateStatus(str(doc["number"]), "revoked" if doc.get("revoked_at") else "issued", doc)
    for doc in db.all(ENROLLMENTS):
        if str(doc.get("certificate_no") or "").upper() == wanted:
            record = _certificate_record(doc, str(doc["certificate_no"]), clock.today())
            batch = db.get(BATCHES, int(doc["batch_id"])) or {}
            record["issued_on"] = batch.get("finished_on") or batch.get("end_date")
            return CertificateStatus(str(doc["certificate_no"]), "issued", record)
    return CertificateStatus(wanted, "unknown")


# ---------------------------------------------------------------------------------------------- reading
def courses(db: Database) -> list[Doc]:
    return sorted(db.all(COURSES), key=lambda d: str(d.get("name", "")).casefold())


def batches(db: Database, course_id: int | None = None) -> list[Doc]:
    docs = db.all(BATCHES) if course_id is None else db.find(BATCHES, course_id=course_id)
    return sorted(docs, key=lambda d: (str(d.get("start_date", "")), d["id"]))


def batch_days(db: Database, batch_id: int) -> list[str]:
    batch = db.get(BATCHES, batch_id)
    if batch is None:
        raise RecordMissing(BATCHES, batch_id)
    return session_days(batch)


def roster_of(db: Database, batch_id: int) -> Roster:
    batch = db.get(BATCHES, batch_id)
    if batch is None:
        raise RecordMissing(BATCHES, batch_id)
    return Roster.of(int(batch["capacity"]), _of_batch(db.docs(ENROLLMENTS), batch_id))


def participants(db: Database, batch_id: int, *, include_cancelled: bool = True) -> list[Participant]:
    """A batch's enrollments: seated first, then the waiting list in order, then cancellations."""
    docs = sorted(_of_batch(db.docs(ENROLLMENTS), batch_id), key=queue_key)
    waiting = [d["id"] for d in docs if d.get("state") == "waitlisted"]
    ikm = db.docs("ikm")

    def group(doc: Doc) -> int:
        state = doc.get("state")
        return 0 if state in SEATED_STATES else 1 if state in ACTIVE_STATES else 2

    rows = []
    for doc in sorted(docs, key=group):
        if not include_cancelled and doc.get("state") not in ACTIVE_STATES:
            continue
        business = ikm.get(str(doc.get("ikm_id")), {})
        position = waiting.index(doc["id"]) + 1 if doc["id"] in waiting else None
        rows.append(Participant(doc, str(business.get("name", "?")), str(business.get("code", "")), position))
    return rows


def seated(db: Database, batch_id: int) -> list[Participant]:
    """Participants who hold a seat: the rows of the attendance grid."""
    return [p for p in participants(db, batch_id) if p.state in SEATED_STATES]
