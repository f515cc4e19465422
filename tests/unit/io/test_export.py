"""``ikmtui export``: one sheet (or CSV file) per table with every row, formats offices can use, personal data
only when asked for, never a password hash."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from ikmtui.cli import main
from ikmtui.io.export import COLUMNS, TABLES, export_xlsx, sheet_title
from ikmtui.reports.common import tables_of
from ikmtui.storage import Database


def test_xlsx_has_one_sheet_per_table_with_every_row(
    capsys: pytest.CaptureFixture[str], db: Database, tmp_path: Path
) -> None:
    out = tmp_path / "rekap.xlsx"
    assert main(["export", "--db", str(db.path), "--format", "xlsx", "--out", str(out)]) == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == [sheet_title(t) for t in TABLES]
    assert book.sheetnames[:5] == ["IKM", "Klaster", "Kursus", "Angkatan pelatihan", "Peserta"]
    for table in TABLES:
        sheet = book[sheet_title(table)]
        assert sheet.max_row == db.count(table) + 1, table  # the header and one row per record
        assert sheet.freeze_panes == "A2"
    assert "Menulis" in capsys.readouterr().err


def test_xlsx_cells_are_numbers_dates_and_indonesian_headers(db: Database, tmp_path: Path) -> None:
    out = tmp_path / "rekap.xlsx"
    export_xlsx(tables_of(db), out)
    book = openpyxl.load_workbook(out)
    sheet = book["IKM"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["ID", "Kode", "Nama usaha", "Pemilik"]
    assert "Investasi (Rp)" in header and "NIK pemilik" not in header and "NPWP" not in header
    first = db.get("ikm", 1)
    row = {h: c for h, c in zip(header, sheet[2], strict=True)}
    assert row["Kode"].value == first["code"]
    assert row["Investasi (Rp)"].value == first["investment"]
    assert row["Investasi (Rp)"].number_format == '"Rp" #,##0'
    assert isinstance(row["Dibuat pada"].value, datetime)
    assert row["Dibuat pada"].value.date().isoformat() == first["created_at"][:10]
    repayments = book["Angsuran"]
    rep_header = [c.value for c in repayments[1]]
    rep = {h: c for h, c in zip(rep_header, repayments[2], strict=True)}
    stored = db.get("repayments", 1)
    assert isinstance(rep["Tanggal"].value, datetime) and rep["Tanggal"].value.date() == date.fromisoformat(
        stored["date"]
    )
    assert rep["Tanggal"].number_format == "DD/MM/YYYY"
    assert rep["Jumlah (Rp)"].value == stored["amount"]
    app = db.get("credit_applications", stored["application_id"])
    assert rep["Kode pengajuan"].value == app["code"]


def test_personal_data_only_when_asked_and_never_a_password(db: Database, tmp_path: Path) -> None:
    plain, personal, hashed = tmp_path / "a.xlsx", tmp_path / "b.xlsx", tmp_path / "c.xlsx"
    assert main(["export", "--db", str(db.path), "--out", str(plain)]) == 0
    assert main(["export", "--db", str(db.path), "--out", str(personal), "--with-personal-data"]) == 0
    nik = db.get("ikm", 1)["owner_nik"]

    def everything(path: Path) -> str:
        book = openpyxl.load_workbook(path)
        return "\n".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row)

    assert nik not in everything(plain)
    assert nik in everything(personal)
    tables = dict(tables_of(db))
    tables["staff"] = {k: {**d, "password_hash": "argon2$secret-hash"} for k, d in tables["staff"].items()}
    export_xlsx(tables, hashed, personal=True)
    assert "secret-hash" not in everything(hashed) and nik in everything(hashed)
    fresh = Database(db.path, "tester")
    exports = [a["action"] for a in fresh.all("audit") if a["action"].startswith("export")]
    assert exports == ["export", "export.personal"]


def test_csv_one_file_per_table(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "rekap-csv"
    assert main(["export", "--db", str(db.path), "--format", "csv", "--out", str(folder)]) == 0
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{t}.csv" for t in TABLES)
    with (folder / "ikm.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert len(rows) == db.count("ikm") + 1
    assert rows[0][:3] == ["ID", "Kode", "Nama usaha"]
    first = db.get("ikm", 1)
    investment = rows[0].index("Investasi (Rp)")
    assert rows[1][investment] == str(first["investment"])
    assert (folder / "ikm.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8


def test_chosen_tables_and_audit(db: Database, tmp_path: Path) -> None:
    out = tmp_path / "pilih.xlsx"
    assert main(["export", "--db", str(db.path), "--out", str(out), "--tables", "ikm,clusters", "audit"]) == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["IKM", "Klaster", "Log audit"]
    assert book["Log audit"].max_row == db.count("audit") + 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tables", "meta"], "Tabel 'meta' tidak dikenal"),
        (["--format", "ods"], "Format ekspor 'ods' tidak dikenal"),
        (["--format", "xlsx", "--out-name", "rekap.csv"], "berakhiran .xlsx"),
    ],
)
def test_export_mistakes(
    capsys: pytest.CaptureFixture[str], db: Database, tmp_path: Path, args: list[str], message: str
) -> None:
    out = ["--out", str(tmp_path / "rekap.xlsx")]
    if "--out-name" in args:
        at = args.index("--out-name")
        out = ["--out", str(tmp_path / args[at + 1])]
        args = args[:at]
    assert main(["export", "--db", str(db.path), *out, *args]) == 2
    assert message in capsys.readouterr().err


def test_empty_database_exports_headers_only(empty_db: Database, tmp_path: Path) -> None:
    out = tmp_path / "kosong.xlsx"
    assert main(["export", "--db", str(empty_db.path), "--out", str(out)]) == 0
    book = openpyxl.load_workbook(out)
    assert all(book[sheet_title(t)].max_row == 1 for t in TABLES)


def test_every_stored_field_is_exported_or_left_out_on_purpose(db: Database) -> None:
    """A field added to a record must be given a column (or be listed here as deliberately left out)."""
    left_out = {"password_hash", "schedule", "allocation", "fields"}
    for table in TABLES:
        exported = {f.key for f in COLUMNS[table]}
        stored = {key for doc in db.docs(table).values() for key in doc}
        assert stored - exported - left_out == set(), table


def test_personal_data_export_needs_the_role(
    capsys: pytest.CaptureFixture[str], db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ikmtui.services import staff

    db.user = "kepala"
    staff.add(db, "kepala", "Kepala Bidang", "administrator", "admin-rahasia")
    staff.add(db, "budi", "Budi Santoso", "operator", "operator-1")
    monkeypatch.setenv("IKMTUI_PASSWORD", "operator-1")
    out = tmp_path / "pribadi.xlsx"
    assert main(["export", "--db", str(db.path), "--user", "budi", "--out", str(out), "--with-personal-data"]) == 2
    assert "budi" in capsys.readouterr().err and not out.exists()
    assert main(["export", "--db", str(db.path), "--user", "budi", "--out", str(out)]) == 0
    assert out.exists()
    assert main(["report", "overview", "--db", str(db.path), "--user", "budi", "--format", "json"]) == 0
