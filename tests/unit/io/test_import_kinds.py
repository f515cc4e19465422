"""Import of clusters, credit applications and gallery listings (which name their IKM by NIB or code)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ikmtui.domain.credit import ACTIVE_STATE
from ikmtui.io import importer
from ikmtui.storage import Database
from tests.unit.io.test_import import IKM_HEADERS, files_of, ikm_row, journal_lines, nib, write_csv, write_xlsx


def _ikm(db: Database, record_id: int) -> dict[str, Any]:
    doc = db.get("ikm", record_id)
    assert doc is not None
    return doc


# ------------------------------------------------------------------------------------------------ clusters
CLUSTER_HEADERS = ["Nama Klaster", "Sektor", "Kecamatan", "Nomor SK", "Tanggal SK", "Koordinator", "Status"]


def test_clusters_import_and_are_known_by_name(tmp_path: Path, db: Database) -> None:
    existing = next(iter(db.docs("clusters").values()))
    rows = [
        [
            "Sentra Tenun Gunungpati",
            "handicraft",
            "GUNUNGPATI",
            "SK Walikota No. 530/12/2025",
            "05/03/2025",
            "Ibu Sri",
            "Aktif",
        ],
        [existing["name"].lower(), "batik", existing["kecamatan"], "SK 1", "01/01/2020", "", ""],
    ]
    path = write_xlsx(tmp_path / "klaster.xlsx", CLUSTER_HEADERS, rows)
    report = importer.import_file(db, path, dry_run=True)
    assert report.kind == "clusters" and report.duplicate_rows == [3]
    assert existing["code"] in report.problems[0].reason and report.problems[0].column == "Nama Klaster"

    report = importer.import_file(db, path, update=True)
    assert (report.inserted, report.updated) == (1, 1)
    new = db.find("clusters", name="Sentra Tenun Gunungpati")[0]
    assert (new["kecamatan"], new["decree_date"], new["status"]) == ("Gunungpati", "2025-03-05", "active")
    changed = db.find("clusters", code=existing["code"])[0]
    assert changed["name"] == existing["name"] and changed["decree_number"] == "SK 1"
    assert changed["coordinator"] == existing["coordinator"]  # blank cell: stored value kept


def test_ikm_rows_refer_to_clusters_by_name_or_code_and_unknown_ones_are_refused(tmp_path: Path, db: Database) -> None:
    clusters = list(db.docs("clusters").values())
    short = clusters[1]["name"].split(" ", 1)[1]  # "Bandeng Presto Krobokan" for "Sentra Bandeng Presto Krobokan"
    rows = [ikm_row(1, Klaster=f"{clusters[0]['code']}; {short}"), ikm_row(2, Klaster="Sentra Tidak Ada")]
    path = write_xlsx(tmp_path / "ikm.xlsx", [*IKM_HEADERS, "Klaster"], rows)
    report = importer.import_file(db, path, skip_invalid=True)
    assert [(p.row, p.column) for p in report.problems] == [(3, "Klaster")]
    assert "Sentra Tidak Ada" in report.problems[0].reason
    doc = db.find("ikm", nib=nib(1))[0]
    ids = {d["code"]: int(k) for k, d in db.docs("clusters").items()}
    assert doc["cluster_ids"] == sorted([ids[clusters[0]["code"]], ids[clusters[1]["code"]]])


# ------------------------------------------------------------------------------------------------ credit
CREDIT_HEADERS = [
    "NIB",
    "Nama Usaha",
    "Produk Kredit",
    "Jumlah Pengajuan",
    "Tenor (bulan)",
    "Tujuan Penggunaan",
    "Agunan",
    "Dokumen",
    "Tanggal Pengajuan",
]


def _free_ikm(db: Database) -> list[dict[str, Any]]:
    """IKM without an active loan (so that the product rule about active loans does not interfere)."""
    busy = {d["ikm_id"] for d in db.docs("credit_applications").values() if d.get("state") == ACTIVE_STATE}
    return [{**d, "id": int(k)} for k, d in db.docs("ikm").items() if int(k) not in busy]


def test_credit_applications_refer_to_an_ikm_by_nib_or_code(tmp_path: Path, db: Database) -> None:
    free = _free_ikm(db)
    rows = [
        [
            int(free[0]["nib"]),
            free[0]["name"],
            "Kredit Wibawa",
            "Rp 5.000.000",
            "12 bulan",
            "modal kerja",
            "",
            "lengkap",
            "02/01/2026",
        ],
        [free[1]["code"], "", "", "25.000.000", 24, "mesin jahit", "BPKB motor", "KTP, KK", ""],
    ]
    path = write_xlsx(tmp_path / "kredit.xlsx", CREDIT_HEADERS, rows)
    before = db.count("credit_applications")
    report = importer.import_file(db, path, today=date(2026, 1, 5))
    assert report.ok and report.kind == "credit_applications" and report.inserted == 2, report.problems
    new = sorted((d for d in db.all("credit_applications")), key=lambda d: d["id"])[before:]
    assert [d["ikm_id"] for d in new] == [free[0]["id"], free[1]["id"]]
    assert all(d["state"] == "draft" and d["product"] == "WIBAWA" and d["code"].startswith("KRD-") for d in new)
    assert new[0]["history"] == [{"state": "draft", "date": "2026-01-02", "by": "tester", "note": ""}]
    assert new[1]["history"][0]["date"] == "2026-01-05"
    assert new[0]["documents"] == ["KTP", "KK", "NIB/IUMK"] and new[1]["documents"] == ["KTP", "KK"]
    assert (new[0]["amount_requested"], new[0]["tenor_months"]) == (5_000_000, 12)

    again = importer.import_file(db, path, dry_run=True)
    assert again.duplicate_rows == [2, 3]  # probably imported before: same IKM, product, amount, purpose
    assert new[0]["code"] in again.problems[0].reason


def test_credit_rows_break_the_product_rules_or_name_no_ikm(tmp_path: Path, db: Database) -> None:
    free = _free_ikm(db)
    busy = next(d for d in db.docs("credit_applications").values() if d.get("state") == ACTIVE_STATE)
    busy_nib = _ikm(db, busy["ikm_id"])["nib"]
    rows = [
        [free[0]["nib"], "", "", "Rp 6.000.000", 12, "modal", "", "", ""],  # above 5 million without collateral
        ["9999999999999", "", "", "1.000.000", 12, "modal", "", "", ""],
        [busy_nib, "", "Wibawa", "1.000.000", 12, "modal", "", "", ""],
        [free[1]["nib"], "", "Kredit Entah", "1.000.000", 99, "modal", "", "", ""],
    ]
    path = write_csv(tmp_path / "kredit.csv", CREDIT_HEADERS, rows)
    before = files_of(db.path)
    report = importer.import_file(db, path)
    assert not report.written and files_of(db.path) == before
    found = {(p.row, p.column) for p in report.problems}
    assert found == {(2, "Jumlah Pengajuan"), (3, "NIB"), (4, "NIB"), (5, "Produk Kredit")}
    reasons = {p.row: p.reason for p in report.problems}
    assert "Rp 5.000.000" in reasons[2] and "9999999999999" in reasons[3] and busy["code"] in reasons[4]


# ------------------------------------------------------------------------------------------------ gallery
GALLERY_HEADERS = [
    "Kode IKM",
    "Nama Produk",
    "SKU",
    "Kategori",
    "Harga",
    "Stok",
    "Tanggal Titip",
    "Komisi (%)",
    "Label Sertifikasi",
    "Shopee",
    "Tokopedia",
    "Foto",
]


def test_gallery_listings_import_with_marketplace_columns_and_photos(tmp_path: Path, db: Database) -> None:
    ikm = _ikm(db, 3)
    (tmp_path / "foto").mkdir()
    (tmp_path / "foto" / "a.jpg").write_bytes(b"\xff\xd8\xff\xe0")  # issue 17: a photo must be a real picture
    rows = [
        [
            ikm["code"],
            "Bandeng presto",
            "skg-fod-90001",
            "Makanan",
            "Rp 45.000",
            "20 pcs",
            "01/10/2026",
            "12,5",
            "halal, pirt",
            "https://shopee.co.id/bandeng-1",
            "",
            "foto/a.jpg",
        ],
        [ikm["nib"], "Wingko", "SKG-FOD-90002", "oleh-oleh", "15000", 10, "2026-10-02", "", "", "", "", ""],
        [
            ikm["nib"],
            "Wingko",
            "SKG-FOD-90003",
            "mainan",
            "15000",
            10,
            "2026-10-02",
            "",
            "",
            "",
            "",
            "foto/tidak-ada.jpg",
        ],
    ]
    path = write_xlsx(tmp_path / "galeri.xlsx", GALLERY_HEADERS, rows)
    report = importer.import_file(db, path, skip_invalid=True)
    assert report.kind == "gallery_listings" and report.inserted == 2
    assert {(p.row, p.column) for p in report.problems} == {(4, "Kategori"), (4, "Foto")}
    first = db.find("gallery_listings", sku="SKG-FOD-90001")[0]
    assert first["ikm_id"] == 3 and first["price"] == 45_000 and first["stock"] == 20
    assert first["category"] == "food" and first["commission_pct"] == 12.5 and first["badges"] == ["Halal", "P-IRT"]
    assert first["marketplace_links"] == [{"marketplace": "Shopee", "url": "https://shopee.co.id/bandeng-1"}]
    [photo] = first["photos"]  # issue 17: copied into the media folder, stored by its name there
    assert photo.startswith("a-") and (db.path.parent / f"{db.path.name}.media" / photo).is_file()
    second = db.find("gallery_listings", sku="SKG-FOD-90002")[0]
    assert (second["category"], second["commission_pct"], second["term_days"]) == ("souvenir", 10.0, 90)

    lines = journal_lines(db.path)
    again = importer.import_file(db, path, dry_run=True)
    assert again.duplicate_rows == [2, 3] and "SKG-FOD-90001" in again.problems[0].reason
    assert journal_lines(db.path) == lines


@pytest.mark.parametrize("kind", ["credit_applications", "gallery_listings"])
def test_rows_that_name_no_ikm_at_all_are_reported(tmp_path: Path, db: Database, kind: str) -> None:
    headers = CREDIT_HEADERS if kind == "credit_applications" else GALLERY_HEADERS
    row = ["", *["1"] * (len(headers) - 1)]
    report = importer.import_file(db, write_csv(tmp_path / "x.csv", headers, [row]), kind=kind, dry_run=True)
    assert (2, headers[0]) in {(p.row, p.column) for p in report.problems}
