"""Training documents: the daily attendance sheet of a batch (blank, to sign, or filled, with the marks) and the
certificates of its completers (verified with ``ikmtui document verify``: ``services.training.certificate_status``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from ikmtui.documents.pdf import Office, OfficePdf, Signature, long_date, place_date
from ikmtui.domain.fields import parse_date
from ikmtui.domain.training import category_label
from ikmtui.i18n import _
from ikmtui.reports.training import MARK_TEXT, AttendanceSheet, attendance_sheet, format_pct

Doc = Mapping[str, Any]
Tables = Mapping[str, Mapping[str, Doc]]


def find_batch(tables: Tables, code: str) -> tuple[Doc, Doc]:
    """The batch with ``code`` (any case) and its course; ``ValueError`` naming the code if there is none."""
    wanted = str(code or "").strip().casefold()
    for key, batch in tables["batches"].items():
        if str(batch.get("code", "")).casefold() == wanted:
            course = tables["courses"].get(str(batch.get("course_id"))) or {}
            return {**batch, "id": int(key)}, course
    raise ValueError(_("No training batch {code}", code=code))


def batch_sheet(tables: Tables, code: str) -> AttendanceSheet:
    """The attendance sheet figures of a batch (its seated participants, marks, rates and results)."""
    batch, course = find_batch(tables, code)
    enrollments = [doc for doc in tables["enrollments"].values() if doc.get("batch_id") == batch["id"]]
    return attendance_sheet(course, batch, enrollments, tables["ikm"])


def _day_heading(iso: str) -> str:
    day = parse_date(iso)
    return f"{day.day:02d}/{day.month:02d}"


def _batch_lines(sheet: AttendanceSheet) -> list[tuple[str, str]]:
    return [
        (_("Course"), f"{sheet.course} ({category_label(sheet.category)})"),
        (_("Batch"), sheet.batch_code),
        (_("Dates"), f"{long_date(parse_date(sheet.start))} – {long_date(parse_date(sheet.end))}"),
        (_("Venue"), sheet.venue or "-"),
        (_("Trainer"), sheet.trainer or "-"),
    ]


def attendance_pdf(tables: Tables, code: str, office: Office, today: date, *, blank: bool = False) -> bytes:
    """The daily attendance sheet (daftar hadir) of batch ``code``: every seated participant with name and IKM;
    blank: one signature column per session day; filled: H/I/A per day, the attendance rate and the result."""
    sheet = batch_sheet(tables, code)
    title = _("Attendance sheet") if blank else _("Attendance record")
    pdf = OfficePdf(office, f"{title} {sheet.batch_code}", landscape=True)
    pdf.add_page()
    pdf.heading(title, sheet.course)
    pdf.fields(_batch_lines(sheet), label_width=30, size=9)
    pdf.ln(2)
    days = sheet.days
    columns: list[tuple[str, float, str]]
    if blank:
        columns = [("No", 6, "C"), (_("Participant"), 34, "L"), (_("IKM"), 36, "L")]
        columns += [(_day_heading(d), max(8.0, 110 / max(len(days), 1)), "L") for d in days]
        rows = [[str(r.no), r.participant, f"{r.ikm}\n{r.ikm_code}"] + ["" for _d in days] for r in sheet.rows]
        pdf.grid(columns, rows, size=8, line_height=5.2)
        pdf.paragraph(_("Each participant signs in the column of the day."), size=8)
    else:
        columns = [("No", 6, "C"), (_("Participant"), 34, "L"), (_("IKM"), 36, "L")]
        columns += [(_day_heading(d), 9, "C") for d in days]
        columns += [(_("Rate"), 14, "R"), (_("Result"), 20, "L")]
        rows = [
            [str(r.no), r.participant, f"{r.ikm} ({r.ikm_code})"]
            + [MARK_TEXT.get(m, "") for m in r.marks]
            + [format_pct(r.rate), _("completed") if r.state == "completed" else _("not completed")]
            for r in sheet.rows
        ]
        pdf.grid(columns, rows, size=8)
        pdf.paragraph(
            _(
                "H present · I excused · A absent. {completed} of {n} participants completed "
                "(at least {threshold} of the days present).",
                completed=sheet.completed,
                n=len(sheet.rows),
                threshold=format_pct(sheet.threshold),
            ),
            size=8,
        )
    signer = office.signatory("attendance")
    pdf.signatures(
        [
            Signature(_("Trainer,"), sheet.trainer),
            Signature.of(_("Acknowledged by,"), signer),
        ],
        when=place_date(office, today),
        space=16,
    )
    return pdf.to_bytes()


# ---------------------------------------------------------------------------------------------- certificates
@dataclass(frozen=True)
class Certificate:
    number: str
    participant: str
    ikm: str
    ikm_code: str
    course: str
    start: str
    end: str


def completers(tables: Tables, code: str) -> tuple[Doc, Doc, list[Certificate]]:
    """The batch, its course and one certificate per participant who completed it and holds a number, by
    number."""
    batch, course = find_batch(tables, code)
    found = []
    for doc in tables["enrollments"].values():
        if doc.get("batch_id") != batch["id"] or doc.get("state") != "completed" or not doc.get("certificate_no"):
            continue
        business = tables["ikm"].get(str(doc.get("ikm_id"))) or {}
        found.append(
            Certificate(
                number=str(doc["certificate_no"]),
                participant=str(doc.get("participant") or business.get("owner_name") or ""),
                ikm=str(business.get("name", "")),
                ikm_code=str(business.get("code", "")),
                course=str(course.get("name", "")),
                start=str(batch.get("start_date", "")),
                end=str(batch.get("end_date", "")),
            )
        )
    return batch, course, sorted(found, key=lambda c: c.number)


def verification_text(number: str, office: Office) -> str:
    """What a certificate's QR code holds: the number and the office, to be checked with
    ``ikmtui document verify NUMBER``."""
    return f"{number}\n{office.name}"


def certificates_pdf(tables: Tables, code: str, office: Office, today: date) -> tuple[bytes, list[Certificate]]:
    """One landscape page per completer of batch ``code``: number, name, IKM, course, dates, the signatory and
    a QR code of the number and the office. Returns the file and the certificates in it (none: no page)."""
    batch, _course, certificates = completers(tables, code)
    if not certificates:
        raise ValueError(_("{code}: nobody completed this batch with a certificate number", code=batch["code"]))
    pdf = OfficePdf(office, _("Certificates {code}", code=batch["code"]), landscape=True, letterhead_every_page=True)
    pdf.set_auto_page_break(False)
    pdf.footer_y = -20  # inside the border
    # Dated the day the batch finished (its certificates were issued), whenever it is printed.
    issued = parse_date(batch.get("finished_on") or batch.get("end_date") or today)
    signer = office.signatory("certificates")
    for cert in certificates:
        pdf.add_page()
        pdf.set_draw_color(31, 78, 140)
        pdf.set_line_width(1.2)
        pdf.rect(8, 8, pdf.w - 16, pdf.h - 16)
        pdf.set_line_width(0.3)
        pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
        pdf.set_draw_color(0)
        pdf.set_line_width(0.2)
        pdf.ln(1)
        pdf.set_font("DejaVu", "B", 26)
        pdf.cell(0, 12, _("CERTIFICATE"), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 10.5)
        pdf.cell(0, 6, _("Number: {number}", number=cert.number), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
        pdf.cell(0, 6, _("is awarded to"), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "B", 22)
        pdf.cell(0, 12, cert.participant, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 11)
        pdf.cell(0, 6, f"{cert.ikm} ({cert.ikm_code})", align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
        pdf.centred(
            pdf.body_width,
            6,
            _(
                "for completing the training {course}, held by {office} from {start} to {end}.",
                course=cert.course,
                office=office.name,
                start=long_date(parse_date(cert.start)),
                end=long_date(parse_date(cert.end)),
            ),
        )
        pdf.set_y(pdf.h - 62)
        left = pdf.l_margin
        pdf.qr(verification_text(cert.number, office), left + 4, pdf.h - 58, 30)
        pdf.set_xy(left, pdf.h - 27)
        pdf.set_font("DejaVu", "", 6.5)
        pdf.cell(40, 3, _("Check: ikmtui document verify"), align="C")
        pdf.set_xy(left + 70, pdf.h - 62)
        pdf.set_left_margin(left + 70)
        pdf.signatures([Signature.of("", signer)], when=place_date(office, issued), space=16)
        pdf.set_left_margin(left)
    return pdf.to_bytes(), certificates
