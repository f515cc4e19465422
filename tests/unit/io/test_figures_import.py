"""Yearly figures of IKM imported from a sheet with the registry import's header rules; every year kept, and the
Kinerja report's impact table recomputed by hand afterwards."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from ikmtui.cli import main
from ikmtui.io import importer
from ikmtui.reports.catalog import build_report
from ikmtui.reports.common import tables_of
from ikmtui.reports.period import Period
from ikmtui.services.results import figures_of
from ikmtui.storage import Database
from tests.support.results import impact_by_hand

pytestmark = pytest.mark.usefixtures("today")


def _fresh(db: Database, n: int) -> list[dict]:
    """IKM the demo gave no yearly figures."""
    reported = {f["ikm_id"] for f in db.all("yearly_figures")}
    found = [d for d in db.all("ikm") if d["id"] not in reported]
    assert len(found) >= n
    return found[:n]


def _sheet(path: Path, header: list[list[str]], rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["PEMUTAKHIRAN DATA IKM KOTA SEMARANG"])  # a title row above the headers
    for line in [*header, *rows]:
        sheet.append(line)
    book.save(path)
    return path


def test_two_years_from_a_sheet_by_the_registry_rules(db: Database, tmp_path: Path) -> None:
    ikm = _fresh(db, 3)
    header = [
        ["NIB / Kode IKM", "Tahun", "Jumlah Tenaga Kerja", "", "Omzet per Bulan", "Nilai Produksi", "Nilai Investasi"],
        ["", "", "L", "P", "", "", ""],
    ]
    rows = []
    for i, doc in enumerate(ikm):
        ref = doc["code"] if i == 0 else doc["nib"]  # by code or by NIB, as other sheets name an IKM
        rows.append([ref, 2025, 2 + i, 3, f"Rp {10 + i}.000.000", "Rp 90.000.000,-", 50_000_000])
        rows.append([ref, "2026", 3 + i, 4, f"{12 + i}.000.000", 100_000_000, "50.000.000"])
    path = _sheet(tmp_path / "pemutakhiran.xlsx", header, rows)
    source = importer.load(path)
    assert source.kind == "yearly_figures"  # recognised from its headers
    report = importer.import_source(db, source)
    assert report.written and report.inserted == 6 and not report.problems
    first = figures_of(db, ikm[0]["id"])
    assert [(f["year"], f["workers_male"], f["workers_female"], f["turnover"]) for f in first] == [
        (2025, 2, 3, 120_000_000),
        (2026, 3, 4, 144_000_000),
    ]
    assert first[0]["production_value"] == 90_000_000 and first[1]["investment"] == 50_000_000
    # the impact table counts them, and equals the long way round
    data = build_report(tables_of(db), "kinerja", Period.year(2026), date(2026, 12, 4)).data
    for name, figures in impact_by_hand(db, 2026).items():
        for key, value in figures.items():
            shown = data["impact"]["groups"][name][key]
            assert shown == (pytest.approx(value) if isinstance(value, float) else value), (name, key)


def test_a_year_already_recorded_is_a_duplicate_unless_updating(db: Database, tmp_path: Path) -> None:
    known = db.all("yearly_figures")[0]
    code = db.get("ikm", known["ikm_id"])["code"]  # type: ignore[index]
    header = [["Kode IKM", "Tahun", "Jumlah Tenaga Kerja", "Omzet per Tahun"]]
    path = _sheet(tmp_path / "ulang.xlsx", header, [[code, known["year"], 9, "Rp 1.000.000"]])
    report = importer.import_file(db, path)
    assert not report.written and report.problems[0].duplicate and "--update" in report.problems[0].reason
    report = importer.import_file(db, path, update=True)
    assert report.updated == 1
    again = db.get("yearly_figures", known["id"])
    assert again is not None and again["workers_male"] + again["workers_female"] == 9
    assert again["turnover"] == 1_000_000 and again["investment"] == known["investment"]  # blank cells keep theirs


def test_the_command_line_takes_the_kind(db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = Database(db_path, "tester")
    ikm = _fresh(db, 1)[0]
    db.close()
    path = _sheet(
        tmp_path / "data.xlsx", [["NIB", "Tahun", "TK Laki-laki", "TK Perempuan"]], [[ikm["nib"], 2026, 1, 1]]
    )
    bad = _sheet(tmp_path / "bad.xlsx", [["NIB", "Tahun"]], [[ikm["nib"], 2031]])
    assert main(["import", str(bad), "--kind", "yearly_figures", "--db", str(db_path)]) != 0
    said = capsys.readouterr()
    assert "2000" in said.out + said.err and "Traceback" not in said.err  # the year's bounds, beside its row
    assert main(["import", str(path), "--kind", "yearly_figures", "--db", str(db_path)]) == 0
    db = Database(db_path, "tester")
    assert [(f["year"], f["workers_male"], f["workers_female"]) for f in figures_of(db, ikm["id"])] == [(2026, 1, 1)]
