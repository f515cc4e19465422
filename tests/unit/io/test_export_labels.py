"""State and category codes are exported as the reader says them: ``disbursed``, ``furniture`` and ``flat`` are
``dicairkan``, ``furnitur`` and ``flat`` (a loan method's Indonesian name) in an Indonesian export."""

from __future__ import annotations

import csv
from pathlib import Path

from ikmtui import i18n
from ikmtui.domain import credit
from ikmtui.io.export import export_csv
from ikmtui.storage import Database


def read(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))


def test_codes_are_translated_in_an_indonesian_export(db: Database, tmp_path: Path) -> None:
    i18n.set_language("id")
    result = export_csv(db._data, tmp_path / "out", ["credit_applications", "clusters", "ikm", "gallery_listings"])
    loans = read(result.path / "credit_applications.csv")
    by_code = {doc["code"]: doc for doc in db.docs("credit_applications").values()}
    for row in loans:
        assert row["Tahap"] == i18n._(credit.STATE_LABELS[by_code[row["Kode"]]["state"]])
        assert row["Metode bunga"] == i18n._(credit.METHOD_LABELS[by_code[row["Kode"]]["interest_method"]])
    assert "dicairkan" in {row["Tahap"] for row in loans} and "disbursed" not in str(loans)
    clusters = {row["Nama"]: row["Sektor"] for row in read(result.path / "clusters.csv")}
    furniture = next(doc["name"] for doc in db.docs("clusters").values() if doc["sector"] == "furniture")
    assert clusters[furniture] == "furnitur"
    assert {row["Status"] for row in read(result.path / "ikm.csv")} == {"aktif", "nonaktif"}
    listings = read(result.path / "gallery_listings.csv")
    assert not {row["Kategori"] for row in listings} & {"fashion", "food", "furniture", "handicraft"} - {"fashion"}


def test_codes_stay_english_in_an_english_export(db: Database, tmp_path: Path) -> None:
    try:
        i18n.set_language("en")
        result = export_csv(db._data, tmp_path / "out", ["credit_applications"])
        assert "disbursed" in (result.path / "credit_applications.csv").read_text(encoding="utf-8-sig")
    finally:
        i18n.set_language("id")
