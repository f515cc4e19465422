"""Issue 22: an IKM's current figures are its latest year's: saving or importing the latest year's figures
updates the IKM record (workers, turnover, investment) in the same transaction; an older year does not."""

from __future__ import annotations

from pathlib import Path

from ikmtui.io import importer
from ikmtui.services import results
from ikmtui.storage import Database
from tests.unit.io.test_figures_import import _fresh, _sheet


def ikm(db: Database, ikm_id: int) -> dict:
    doc = db.get("ikm", ikm_id)
    assert doc is not None
    return doc


def test_the_latest_year_saved_by_form_becomes_the_ikms_figures(db: Database, today: object) -> None:
    business = _fresh(db, 1)[0]
    latest = {"workers_male": 7, "workers_female": 5, "turnover": 240_000_000, "investment": 90_000_000}
    results.save_figures(db, {"ikm": business["code"], "year": 2026, **latest})
    assert {k: ikm(db, business["id"])[k] for k in latest} == latest
    older = {"workers_male": 2, "workers_female": 1, "turnover": 100_000_000, "investment": 50_000_000}
    results.save_figures(db, {"ikm": business["code"], "year": 2025, **older})
    assert {k: ikm(db, business["id"])[k] for k in latest} == latest  # an older year changes nothing
    assert [f["year"] for f in results.figures_of(db, business["id"])] == [2025, 2026]


def test_the_latest_year_imported_becomes_the_ikms_figures(db: Database, tmp_path: Path, today: object) -> None:
    business = _fresh(db, 1)[0]
    header = [["Kode IKM", "Tahun", "TK Laki-laki", "TK Perempuan", "Omzet per Tahun", "Investasi"]]
    rows = [[business["code"], 2025, 3, 2, "Rp 150.000.000", "Rp 40.000.000"]]
    rows += [[business["code"], 2026, 6, 4, "Rp 300.000.000", "Rp 80.000.000"]]
    report = importer.import_file(db, _sheet(tmp_path / "data.xlsx", header, rows), kind="yearly_figures")
    assert report.ok and report.inserted == 2, report.problems
    doc = ikm(db, business["id"])
    assert (doc["workers_male"], doc["workers_female"], doc["turnover"], doc["investment"]) == (
        6,
        4,
        300_000_000,
        80_000_000,
    )
