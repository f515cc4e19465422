"""Documents as use cases: read the database and the office settings, make the PDF (``ikmtui.documents``),
record what a document records (a warning letter's number on the loan, a revealed NIK in the audit log), and write
the file through the file guard. The command line (``ikmtui document``) and the screens both go through here.

Each ``make_*`` returns a :class:`Made`: the bytes, the file name to suggest, and the figures the document states.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ikmtui import clock
from ikmtui.documents.pdf import Office
from ikmtui.domain import permissions
from ikmtui.domain.fields import is_blank, parse_date
from ikmtui.storage import Database


@dataclass
class Made:
    """A document made: its bytes, the file name it is offered under, and what it states."""

    data: bytes
    name: str
    figures: dict[str, Any] = field(default_factory=dict)


def _day(value: dt.date | str | None) -> dt.date:
    return clock.today() if value is None or is_blank(value) else parse_date(value)


def _tables(db: Database) -> dict[str, Any]:
    from ikmtui.reports.common import tables_of

    return tables_of(db)


def office_of(db: Database) -> Office:
    """The office as the settings have it now (letterhead, certificate unit, signatories)."""
    from ikmtui.services.settings import office

    return Office.from_settings(office(db))


def _may_print(db: Database) -> None:
    permissions.require(db.docs("staff"), db.user, "report")


#: The start of each document's file name (the office's own words: the files are theirs).
FILE_NAMES = {
    "attendance": "daftar-hadir",
    "certificates": "sertifikat",
    "consignment": "titipan",
    "loan_card": "kartu-angsuran",
    "profile": "profil",
    "report": "laporan",
}


def file_name(kind: str, *parts: str) -> str:
    """``daftar-hadir-ANG-2026-0003.pdf``: the name a document of ``kind`` about ``parts`` is offered under."""
    words = [FILE_NAMES.get(kind, kind), *parts]
    return "-".join(w.replace("/", "-").replace(" ", "-") for w in words if w) + ".pdf"


def make_attendance(db: Database, batch: str, *, blank: bool = False, on: dt.date | str | None = None) -> Made:
    from ikmtui.documents.training import attendance_pdf, batch_sheet

    _may_print(db)
    tables = _tables(db)
    sheet = batch_sheet(tables, batch)
    data = attendance_pdf(tables, batch, office_of(db), _day(on), blank=blank)
    return Made(data, file_name("attendance", sheet.batch_code), {"sheet": sheet})


def make_certificates(db: Database, batch: str, *, on: dt.date | str | None = None) -> Made:
    from ikmtui.documents.training import certificates_pdf, find_batch

    _may_print(db)
    tables = _tables(db)
    code = str(find_batch(tables, batch)[0].get("code", batch))
    data, certificates = certificates_pdf(tables, batch, office_of(db), _day(on))
    return Made(data, file_name("certificates", code), {"certificates": certificates})


def make_consignment(db: Database, ikm: str, month: str, *, on: dt.date | str | None = None) -> Made:
    from ikmtui.documents.gallery import consignment_pdf, consignment_statement

    _may_print(db)
    tables = _tables(db)
    statement = consignment_statement(tables, ikm, month)
    data = consignment_pdf(tables, ikm, month, office_of(db), _day(on))
    payout = statement.payout
    name = file_name("consignment", payout.ikm_code, f"{payout.year:04d}-{payout.month:02d}")
    return Made(data, name, {"statement": statement})


def make_loan_card(db: Database, loan: str, *, on: dt.date | str | None = None) -> Made:
    from ikmtui.documents.credit import loan_card_pdf

    _may_print(db)
    data, status = loan_card_pdf(_tables(db), loan, office_of(db), _day(on))
    return Made(data, file_name("loan_card", status.code), {"status": status})


def make_reminder(db: Database, loan: str, level: int, *, on: dt.date | str | None = None) -> Made:
    """Number and record warning letter ``level`` on the loan (``services.collections.issue_reminder``), then
    make the letter with that number."""
    from ikmtui.documents.credit import find_loan, reminder_pdf
    from ikmtui.services.collections import issue_reminder

    day = _day(on)
    app = find_loan(_tables(db), loan)
    contact = issue_reminder(db, int(app["id"]), level, on=day)
    data, status = reminder_pdf(_tables(db), loan, level, str(contact["number"]), office_of(db), day)
    return Made(data, file_name(f"SP{level}", status.code), {"status": status, "contact": contact})


def make_profile(db: Database, ikm: str, *, reveal: bool = False, on: dt.date | str | None = None) -> Made:
    """The IKM profile sheet; ``reveal``: with the owner's NIK in clear (supervisors; audited as a reveal)."""
    from ikmtui.documents.profile import profile_pdf
    from ikmtui.reports.profile import find_ikm
    from ikmtui.services.personal import reveal as reveal_field

    _may_print(db)
    tables = _tables(db)
    key, doc = find_ikm(tables, ikm)
    nik = reveal_field(db, "ikm", int(key), "owner_nik") if reveal else None
    data = profile_pdf(_tables(db), ikm, office_of(db), _day(on), nik=nik)
    return Made(data, file_name("profile", str(doc.get("code", ""))), {"nik_revealed": nik is not None})


def make_report(
    db: Database, name: str, period: str = "all", *, ikm: str | None = None, on: dt.date | str | None = None
) -> Made:
    """Any report (``reports.catalog``) with letterhead and signature block."""
    from ikmtui.documents.report import report_pdf
    from ikmtui.reports.catalog import build_report, check_name
    from ikmtui.reports.period import parse_period

    _may_print(db)
    day = _day(on)
    report = build_report(_tables(db), check_name(name), parse_period(period, day), day, ikm=ikm)
    return Made(report_pdf(report.document, office_of(db), day), file_name("report", name, period))


def save(db: Database, made: Made, path: str | os.PathLike[str], *, force: bool = False) -> Path:
    """Write the document to ``path`` through the file guard (never onto the database or its parts; an
    existing file only with ``force``; owner-only). A folder gets the document's own file name inside it."""
    from ikmtui.io.guard import write_private

    target = Path(path).expanduser()
    if target.is_dir():
        target = target / made.name
    return write_private(target, made.data, db.path, force=force)
