"""A list as an office keeps it gets in: its headers, merged Kecamatan, month names, rows without NIB, a copied row.

The workbooks are tests/fixtures/import/office-list.{xlsx,xls,ods}, written by make_office_list.py there (which
says what each row holds). The same list in each format must import the same way, reporting only what is truly
wrong: the later copy of a duplicated row, a trade KBLI (47111) and a phone number that is not one.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ikmtui.cli import main
from ikmtui.domain.ikm import registered_day
from ikmtui.io import importer
from ikmtui.reports.figures import dashboard
from ikmtui.reports.overview import ikm_figures
from ikmtui.storage import Database

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "import"
FORMATS = ("xlsx", "xls", "ods")
#: The rows that import (sheet row -> what is stored), and the three that must be reported.
EXPECTED: dict[int, dict[str, Any]] = {
    4: {"name": "Batik Pindrikan", "nib": None, "kelurahan": "Pendrikan Kidul", "kecamatan": "Semarang Tengah",
        "year_founded": 2015, "registered_on": "2020-03-03", "turnover": 180_000_000, "workers_male": 2,
        "workers_female": 3, "phone": "081223456701", "clusters": ["Sentra Lumpia Semarang"]},
    5: {"name": "Roti Bu Ani", "nib": "8120000000012", "kecamatan": "Semarang Tengah", "year_founded": 2018,
        "registered_on": "2021-11-12", "turnover": 102_000_000, "phone": "081320000002", "clusters": []},
    7: {"name": "Lumpia Mbak Tin", "nib": None, "owner_nik": None, "phone": None, "year_founded": None,
        "registered_on": None, "scale": None, "kecamatan": "Semarang Tengah", "kelurahan": "Purwodinatan",
        "clusters": ["Sentra Lumpia Semarang"]},
    8: {"name": "Konveksi Bringin Jaya", "nib": None, "owner_nik": "3374155703900010", "kelurahan": "Beringin",
        "kecamatan": "Ngaliyan", "year_founded": 2010, "clusters": ["Sentra Konveksi Ngaliyan"]},
    10: {"name": "Tahu Tambakaji", "year_founded": 2009, "registered_on": "2019-08-17", "turnover": 150_000_000},
    12: {"name": "Keripik Tempe Meteseh", "kecamatan": "Tembalang", "year_founded": 2017, "turnover": 3_483_336,
         "registered_on": "2026-12-01"},
    13: {"name": "Mebel Sendangmulyo", "year_founded": 2005, "registered_on": "2026-09-02", "turnover": 420_000_000},
}  # fmt: skip
BAD_ROWS = {6: "NIB", 9: "KBLI", 11: "No. HP/WA"}


def _stored(db: Database, name: str) -> dict[str, Any]:
    found = db.find("ikm", name=name)
    assert len(found) == 1, (name, len(found))
    doc = dict(found[0])
    clusters = db.docs("clusters")
    doc["clusters"] = [clusters[str(i)]["name"] for i in doc.get("cluster_ids") or []]
    return doc


@pytest.mark.parametrize("suffix", FORMATS)
def test_an_office_list_imports_with_skip_invalid_reporting_only_the_truly_bad_rows(
    suffix: str, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = FIXTURES / f"office-list.{suffix}"
    db = Database(db_path, "tester")
    before = db.count("ikm")
    problems = tmp_path / "masalah.csv"
    code = main(["import", str(path), "--skip-invalid", "--db", str(db_path), "--user", "tester", "--report",
                 str(problems)])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0 and not err, (out, err)  # imported; the skipped rows are in the report
    lines = problems.read_text(encoding="utf-8-sig").splitlines()[1:]
    assert [(int(line.split(";")[0]), line.split(";")[1]) for line in lines] == sorted(BAD_ROWS.items())
    assert "baris 5" in lines[0]  # the later copy names the first, which was imported
    db.refresh()
    assert db.count("ikm") == before + len(EXPECTED)
    for fields in EXPECTED.values():
        doc = _stored(db, fields["name"])
        assert {k: doc.get(k) for k in fields} == fields
    assert "NIK" in out and "(8)" in out  # the NIK held as a number ending in 0: imported, with a warning


@pytest.mark.parametrize("suffix", FORMATS)
def test_the_same_list_in_every_format_is_read_the_same(suffix: str, db_path: Path) -> None:
    report = importer.import_file(Database(db_path, "tester"), FIXTURES / f"office-list.{suffix}", dry_run=True)
    assert report.header_row == 3 and report.rows == 10
    assert {p.row: p.column for p in report.problems} == BAD_ROWS
    assert report.duplicate_rows == [6]
    assert sorted(p.row for p in report.planned) == sorted(EXPECTED)
    columns = dict(report.columns)
    assert columns["Tgl Berdiri"] == "founded_on" and columns["Jml Tenaga Kerja"] == "workers_total"
    assert columns["Sentra/Klaster"] == "clusters" and columns["Tgl Pendataan"] == "registered_on"
    assert columns["No. HP/WA"] == "phone" and columns["Omset per Bulan"] == "turnover_monthly"


def test_an_ikm_without_nib_nik_phone_and_year_founded_is_saved_by_import(db_path: Path) -> None:
    db = Database(db_path, "tester")
    report = importer.import_file(db, FIXTURES / "office-list.xlsx", skip_invalid=True)
    assert report.written
    doc = _stored(db, "Lumpia Mbak Tin")
    assert (doc["nib"], doc["owner_nik"], doc["phone"], doc["year_founded"]) == (None, None, None, None)
    assert doc["code"].startswith("IKM-")


def test_a_registration_date_column_sets_when_the_business_was_registered(db_path: Path) -> None:
    db = Database(db_path, "tester")
    importer.import_file(db, FIXTURES / "office-list.xlsx", skip_invalid=True)
    legacy, unknown = _stored(db, "Batik Pindrikan"), _stored(db, "Lumpia Mbak Tin")
    assert registered_day(legacy) == "2020-03-03"  # not the day of the import
    assert registered_day(unknown) == unknown["created_at"][:10]


def test_a_registration_date_after_today_is_refused(tmp_path: Path, db_path: Path) -> None:
    path = tmp_path / "besok.csv"
    path.write_text(
        "Nama Usaha;Nama Pemilik;Alamat;Kecamatan;Kelurahan;KBLI;Produk;Tgl Pendataan\n"
        "Usaha Besok;Pemilik;Jl. A 1;Tugu;Jrakah;10710;roti;5 Desember 2026\n",
        encoding="utf-8",
    )
    report = importer.import_file(Database(db_path, "tester"), path, dry_run=True)
    assert [(p.row, p.column) for p in report.problems] == [(2, "Tgl Pendataan")]


def test_a_row_copied_without_nib_is_a_duplicate_by_name_and_owner(tmp_path: Path, db_path: Path) -> None:
    path = tmp_path / "ganda.csv"
    row = "Keripik Sari;Bu Sari;Jl. A 1;Tugu;Jrakah;10794;keripik"
    other_owner = "Keripik Sari;Pak Budi;Jl. B 2;Tugu;Jrakah;10794;keripik"
    path.write_text(
        "Nama Usaha;Nama Pemilik;Alamat;Kecamatan;Kelurahan;KBLI;Produk\n"
        f"{row}\n{row.replace('Keripik Sari', 'KERIPIK  SARI')}\n{other_owner}\n",
        encoding="utf-8",
    )
    db = Database(db_path, "tester")
    report = importer.import_file(db, path, skip_invalid=True)
    assert report.duplicate_rows == [3] and report.problems[0].column == "Nama Usaha"
    assert "Keripik Sari (Bu Sari)" in report.problems[0].reason and "baris 2" in report.problems[0].reason
    assert report.inserted == 2  # another owner's business of the same name is another business


def test_a_legacy_list_is_not_all_new_this_month(db_path: Path) -> None:
    db = Database(db_path, "tester")
    tables = {name: db.docs(name) for name in db._data}
    before = dashboard(tables, date(2026, 12, 4))["headline"]["ikm_new_month"]
    importer.import_file(db, FIXTURES / "office-list.xlsx", skip_invalid=True)
    tables = {name: db.docs(name) for name in db._data}
    figures = dashboard(tables, date(2026, 12, 4))
    # Of the 7 imported, only the one registered on 1 Dec 2026 and the one without a registration date are new.
    assert figures["headline"]["ikm_new_month"] == before + 2
    overview = ikm_figures(tables, "2026-12-01", "2026-12-04")
    assert overview["ikm"]["new"] == before + 2


def test_a_list_without_nib_imported_again_is_recognised_by_name_and_owner(db_path: Path) -> None:
    db = Database(db_path, "tester")
    first = importer.import_file(db, FIXTURES / "office-list.xlsx", skip_invalid=True)
    again = importer.import_file(db, FIXTURES / "office-list.xlsx", dry_run=True)
    assert again.to_insert == 0  # every row is already in, by NIB or (without one) by name and owner
    stored = _stored(db, "Lumpia Mbak Tin")
    problem = next(p for p in again.problems if p.row == 7)
    assert problem.duplicate and problem.column == "Nama Usaha" and stored["code"] in problem.reason
    updated = importer.import_file(db, FIXTURES / "office-list.xlsx", skip_invalid=True, update=True)
    assert updated.inserted == 0 and first.inserted == len(EXPECTED)
    assert len(db.find("ikm", name="Lumpia Mbak Tin")) == 1
