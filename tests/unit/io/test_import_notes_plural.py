"""Import notes count rows with plural forms: "1 row", "2 rows" in English."""

from __future__ import annotations

from pathlib import Path

from ikmtui import i18n
from ikmtui.io import importer
from ikmtui.storage import Database
from tests.unit.io.test_import import IKM_HEADERS, ikm_row, write_xlsx


def test_import_notes_say_one_row_in_the_singular(tmp_path: Path, db: Database) -> None:
    i18n.set_language("en")
    rows = [ikm_row(901, **{"Omzet per Tahun": 120_000_000}), ikm_row(902)]
    report = importer.import_file(db, write_xlsx(tmp_path / "i.xlsx", IKM_HEADERS, rows), dry_run=True)
    notes = " | ".join(report.notes)
    assert "2 rows without a scale" in notes, notes
    report = importer.import_file(db, write_xlsx(tmp_path / "j.xlsx", IKM_HEADERS, rows[:1]), dry_run=True)
    assert "1 row without a scale" in " | ".join(report.notes), report.notes
