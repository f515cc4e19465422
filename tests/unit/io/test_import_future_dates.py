"""Nothing imported happens after today: a decree, an application or a consignment dated after the
one clock is a bad row naming today, and nothing of the file is written."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ikmtui import clock
from ikmtui.io import importer
from ikmtui.storage import TABLES, Database
from tests.unit.io.test_import import write_xlsx
from tests.unit.io.test_import_kinds import CLUSTER_HEADERS, CREDIT_HEADERS, GALLERY_HEADERS, _free_ikm

TODAY = date(2026, 12, 4)


@pytest.fixture(autouse=True)
def _today() -> object:
    with clock.fixed(TODAY):
        yield


def snapshot(db: Database) -> dict[str, dict]:
    return {name: dict(db.docs(name)) for name in TABLES if name != "audit"}


def refused(db: Database, path: Path, column: str) -> None:
    before = snapshot(db)
    report = importer.import_file(db, path)
    assert not report.ok and report.inserted == 0
    [problem] = report.problems
    assert problem.column == column and "4 Des 2026" in problem.reason, problem
    assert snapshot(db) == before


def test_a_cluster_decreed_after_today(tmp_path: Path, db: Database) -> None:
    row = ["Sentra Tenun", "handicraft", "GUNUNGPATI", "SK 530/12", "15/01/2027", "Ibu Sri", "Aktif"]
    refused(db, write_xlsx(tmp_path / "k.xlsx", CLUSTER_HEADERS, [row]), "Tanggal SK")


def test_a_credit_application_dated_after_today(tmp_path: Path, db: Database) -> None:
    free = _free_ikm(db)[0]
    row = [free["code"], "", "Kredit Wibawa", "5.000.000", 12, "modal kerja", "", "KTP", "10/01/2027"]
    refused(db, write_xlsx(tmp_path / "c.xlsx", CREDIT_HEADERS, [row]), CREDIT_HEADERS[-1])


def test_a_consignment_dated_after_today(tmp_path: Path, db: Database) -> None:
    ikm = next(d for d in db.all("ikm") if d.get("nib"))
    row = [ikm["code"], "Wingko", "SKG-FOD-91001", "oleh-oleh", "15000", 10, "01/12/2027", "", "", "", "", ""]
    path = write_xlsx(tmp_path / "g.xlsx", GALLERY_HEADERS, [row])
    refused(db, path, GALLERY_HEADERS[6])


def test_today_itself_is_accepted(tmp_path: Path, db: Database) -> None:
    row = ["Sentra Tenun", "handicraft", "GUNUNGPATI", "SK 530/12", "04/12/2026", "Ibu Sri", "Aktif"]
    report = importer.import_file(db, write_xlsx(tmp_path / "k.xlsx", CLUSTER_HEADERS, [row]))
    assert report.ok and report.inserted == 1
