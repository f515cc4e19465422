"""Documents read back (pypdf) and checked against the database: attendance marks and rates, certificates for
completers only, consignment totals, the loan card's outstanding, a reminder's days past due, the letterhead."""

from __future__ import annotations

import copy
import io
from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from pypdf import PdfReader

from ikmtui.documents import credit, gallery, profile, report, training
from ikmtui.documents.pdf import Office, in_words, place_date
from ikmtui.domain.arrears import loan_arrears
from ikmtui.domain.money import format_rupiah
from ikmtui.reports.areas import credit_report
from ikmtui.reports.catalog import build_report
from ikmtui.reports.common import tables_of
from ikmtui.reports.period import parse_period
from ikmtui.services import settings
from ikmtui.storage import Database

TODAY = date(2026, 12, 4)
OFFICE = Office.from_settings({**settings.DEFAULTS, "signatory.certificates.name": "Dr. Hana Wijaya"})


def pages(data: bytes) -> list[str]:
    """The text of each page, spaces squeezed."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def text(data: bytes) -> str:
    return " ".join(pages(data))


@pytest.fixture
def tables(db: Database) -> dict[str, Mapping[str, Any]]:
    return copy.deepcopy(tables_of(db))


def finished_batch(tables: Mapping[str, Any]) -> dict[str, Any]:
    """The finished batch with the most participants who completed it."""
    finished = [{**b, "id": int(k)} for k, b in tables["batches"].items() if b.get("status") == "finished"]

    def completed(batch: dict[str, Any]) -> int:
        return sum(
            1 for e in tables["enrollments"].values() if e["batch_id"] == batch["id"] and e["state"] == "completed"
        )

    return max(finished, key=completed)


def enrollments_of(tables: Mapping[str, Any], batch_id: int) -> list[dict[str, Any]]:
    return [e for e in tables["enrollments"].values() if e["batch_id"] == batch_id]


# ---------------------------------------------------------------------------------------------- attendance
def test_filled_attendance_sheet_has_the_marks_and_rates_of_the_database(tables: dict[str, Any]) -> None:
    batch = finished_batch(tables)
    seated = [e for e in enrollments_of(tables, batch["id"]) if e["state"] in ("completed", "not_completed")]
    assert seated
    days = training.batch_sheet(tables, batch["code"]).days
    content = text(training.attendance_pdf(tables, batch["code"], OFFICE, TODAY))
    for doc in seated:
        ikm = tables["ikm"][str(doc["ikm_id"])]
        marks = " ".join(doc["attendance"].get(d, "").upper() for d in days if doc["attendance"].get(d))
        rate = f"{round(100 * sum(doc['attendance'].get(d) == 'h' for d in days) / len(days), 1):.1f}%".replace(
            ".", ","
        )
        result = "lulus" if doc["state"] == "completed" else "tidak lulus"
        row = f"{doc['participant']} {ikm['name']} ({ikm['code']}) {marks} {rate} {result}"
        assert row in content


def test_blank_attendance_sheet_lists_every_participant_with_a_column_per_day(tables: dict[str, Any]) -> None:
    batch = finished_batch(tables)
    sheet = training.batch_sheet(tables, batch["code"])
    content = text(training.attendance_pdf(tables, batch["code"], OFFICE, TODAY, blank=True))
    for row in sheet.rows:
        assert f"{row.participant} {row.ikm}" in content
    for day in sheet.days:
        assert f"{day[8:10]}/{day[5:7]}" in content
    assert "%" not in content  # nothing filled in


def test_an_unknown_batch_is_a_clear_error(tables: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="ANG-1999-0001"):
        training.attendance_pdf(tables, "ANG-1999-0001", OFFICE, TODAY)


# ---------------------------------------------------------------------------------------------- certificates
def test_one_certificate_page_per_completer_with_number_and_name(tables: dict[str, Any]) -> None:
    batch = finished_batch(tables)
    completed = {
        e["certificate_no"]: e["participant"]
        for e in enrollments_of(tables, batch["id"])
        if e["state"] == "completed" and e.get("certificate_no")
    }
    data, certificates = training.certificates_pdf(tables, batch["code"], OFFICE, TODAY)
    found = pages(data)
    assert len(found) == len(completed) == len(certificates)
    for page in found:
        number = next(n for n in completed if n in page)
        assert completed[number] in page
        assert "Dr. Hana Wijaya" in page
    assert {c.number for c in certificates} == set(completed)


def test_no_certificate_for_who_did_not_complete(tables: dict[str, Any]) -> None:
    batch = finished_batch(tables)
    completers = [e for e in enrollments_of(tables, batch["id"]) if e["state"] == "completed"]
    dropped = completers[0]
    number = dropped["certificate_no"]
    dropped["state"] = "not_completed"  # the number stays on the record: still no certificate
    data, _certificates = training.certificates_pdf(tables, batch["code"], OFFICE, TODAY)
    assert len(pages(data)) == len(completers) - 1
    assert number not in text(data)
    for doc in completers[1:]:
        doc["state"] = "not_completed"
    with pytest.raises(ValueError, match="tidak ada peserta"):
        training.certificates_pdf(tables, batch["code"], OFFICE, TODAY)


def test_certificates_for_a_batch_of_thirty_one_page_each(tables: dict[str, Any]) -> None:
    batch = finished_batch(tables)
    for doc in enrollments_of(tables, batch["id"]):
        doc["state"] = "not_completed"  # exactly the thirty below complete
    ikm = list(tables["ikm"])
    for n in range(30):
        tables["enrollments"][str(10_000 + n)] = {
            "batch_id": batch["id"],
            "ikm_id": int(ikm[n % len(ikm)]),
            "participant": f"Peserta Nomor {n + 1}",
            "state": "completed",
            "certificate_no": f"{900 + n:03d}/PLT-UJI/DISPERIN/XII/2026",
            "attendance": {},
        }
    data, certificates = training.certificates_pdf(tables, batch["code"], OFFICE, TODAY)
    assert len(certificates) == 30 and len(pages(data)) == 30  # its time: bench/bench_documents.py


# ---------------------------------------------------------------------------------------------- consignment
def test_consignment_totals_equal_an_independent_recomputation(tables: dict[str, Any]) -> None:
    by_month: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for sale in tables["sales"].values():
        by_month.setdefault((sale["ikm_id"], sale["date"][:7]), []).append(sale)
    (ikm_id, month), sales = max(by_month.items(), key=lambda item: len(item[1]))
    gross = sum(s["quantity"] * s["unit_price"] for s in sales)
    commission = sum(
        int(
            (Decimal(s["quantity"] * s["unit_price"]) * Decimal(str(s["commission_pct"])) / 100).quantize(
                0, ROUND_HALF_UP
            )
        )
        for s in sales
    )
    code = tables["ikm"][str(ikm_id)]["code"]
    content = text(gallery.consignment_pdf(tables, code, month, OFFICE, TODAY))
    assert f"Total penjualan : {format_rupiah(gross)}" in content
    assert f"Komisi galeri : {format_rupiah(commission)}" in content
    assert f"Hak IKM : {format_rupiah(gross - commission)}" in content
    assert in_words(gross - commission) in content


# ---------------------------------------------------------------------------------------------- credit
def late_loans(tables: Mapping[str, Any]) -> list[dict[str, Any]]:
    data = credit_report(tables, parse_period("all", TODAY), TODAY).data
    assert data["arrears"], "the demo has loans in arrears"
    return list(data["arrears"])


def test_loan_card_outstanding_equals_the_credit_report(tables: dict[str, Any]) -> None:
    for row in late_loans(tables):
        data, status = credit.loan_card_pdf(tables, row["code"], OFFICE, TODAY)
        assert status.outstanding_principal == row["outstanding"]
        assert f"Sisa pokok : {format_rupiah(row['outstanding'])}" in text(data)


def test_reminder_days_past_due_equal_the_arrears_module(tables: dict[str, Any]) -> None:
    row = late_loans(tables)[0]
    app = credit.find_loan(tables, row["code"])
    repayments = credit.repayments_of(tables, app["id"])
    expected = loan_arrears(app, repayments, TODAY)
    assert expected is not None
    for level in (1, 2, 3):
        data, status = credit.reminder_pdf(tables, row["code"], level, f"00{level}/SP{level}/X/XII/2026", OFFICE, TODAY)
        content = text(data)
        assert status.days_past_due == expected.days_past_due
        assert f"Hari tunggakan : {expected.days_past_due} hari" in content
        assert f"00{level}/SP{level}/X/XII/2026" in content
        assert f"SP{level}" in content


# ---------------------------------------------------------------------------------------------- letterhead
def test_settings_change_the_letterhead_of_every_document(tables: dict[str, Any]) -> None:
    office = Office.from_settings(
        {**settings.DEFAULTS, "office.name": "Dinas Koperasi Kota Salatiga", "office.city": "Salatiga"}
    )
    batch = finished_batch(tables)
    loan = late_loans(tables)[0]["code"]
    sale = next(iter(tables["sales"].values()))
    ikm_code = tables["ikm"][str(sale["ikm_id"])]["code"]
    made = {
        "attendance": training.attendance_pdf(tables, batch["code"], office, TODAY),
        "blank": training.attendance_pdf(tables, batch["code"], office, TODAY, blank=True),
        "certificates": training.certificates_pdf(tables, batch["code"], office, TODAY)[0],
        "consignment": gallery.consignment_pdf(tables, ikm_code, sale["date"][:7], office, TODAY),
        "loan card": credit.loan_card_pdf(tables, loan, office, TODAY)[0],
        "reminder": credit.reminder_pdf(tables, loan, 1, "001", office, TODAY)[0],
        "profile": profile.profile_pdf(tables, ikm_code, office, TODAY),
        "report": report.report_pdf(
            build_report(tables, "overview", parse_period("2026-11", TODAY), TODAY).document, office, TODAY
        ),
    }
    for name, data in made.items():
        first = pages(data)[0]
        assert "DINAS KOPERASI KOTA SALATIGA" in first, name
        assert "DINAS PERINDUSTRIAN" not in first, name
    assert "Salatiga, 4 Desember 2026" in text(made["reminder"])


def test_place_date_line_and_amount_in_words() -> None:
    assert place_date(OFFICE, TODAY) == "Semarang, 4 Desember 2026"
    assert in_words(1_513_889) == ("Satu juta lima ratus tiga belas ribu delapan ratus delapan puluh sembilan rupiah")


def test_profile_masks_the_nik_unless_given_in_clear(tables: dict[str, Any]) -> None:
    ikm = next(iter(tables["ikm"].values()))
    nik = ikm["owner_nik"]
    masked = text(profile.profile_pdf(tables, ikm["code"], OFFICE, TODAY))
    assert nik not in masked and nik[:4] in masked
    assert nik in text(profile.profile_pdf(tables, ikm["code"], OFFICE, TODAY, nik=nik))
