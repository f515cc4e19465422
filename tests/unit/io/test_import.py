"""``ikmtui import``: spreadsheets the tests build (xlsx with openpyxl, csv with ; or , in UTF-8 or Windows-1252).

The helpers at the top (valid rows, writers, file snapshots) are shared by the other ``test_import_*`` modules.
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import orjson
import pytest

from ikmtui.cli import main
from ikmtui.domain import reference
from ikmtui.domain.identifiers import clean_nik
from ikmtui.io import importer
from ikmtui.storage import Database
from tests.support.commits import committed, count_commits  # noqa: F401 (count_commits: a fixture)

IKM_HEADERS = [
    "No",
    "Nama Usaha",
    "Nama Pemilik",
    "NIK",
    "NIB",
    "Alamat",
    "Kelurahan",
    "Kecamatan",
    "No. HP",
    "KBLI",
    "Produk",
    "Tenaga Kerja L",
    "Tenaga Kerja P",
    "Nilai Investasi",
    "Omzet per Tahun",
    "Tahun Berdiri",
]


# ------------------------------------------------------------------------------------------------ helpers
def nik(i: int, kec: int = 1) -> str:
    born = date(1965, 1, 1) + timedelta(days=(i * 97) % 12000)
    return f"3374{kec:02d}{born.day:02d}{born.month:02d}{born.year % 100:02d}{i % 9999 + 1:04d}"


def nib(i: int) -> str:
    return f"{5_000_000_000_000 + i}"


def kec_kel(i: int) -> tuple[str, str]:
    kecamatan = reference.regions().kecamatan[i % 16]
    return kecamatan.name, kecamatan.kelurahan[i % len(kecamatan.kelurahan)]


def ikm_row(i: int, **changes: Any) -> dict[str, Any]:
    """A valid IKM row by its Indonesian headers (as the template has them), ``changes`` by header."""
    kec, kel = kec_kel(i)
    row = {
        "No": i,
        "Nama Usaha": f"Usaha Uji {i}",
        "Nama Pemilik": f"Pemilik {i}",
        "NIK": nik(i, i % 16 + 1),
        "NIB": nib(i),
        "Alamat": f"Jl. Uji No. {i}",
        "Kelurahan": kel,
        "Kecamatan": kec,
        "No. HP": f"0812{i:08d}",
        "KBLI": "10710",
        "Produk": "roti",
        "Tenaga Kerja L": 1,
        "Tenaga Kerja P": 2,
        "Nilai Investasi": 50_000_000,
        "Omzet per Tahun": 120_000_000,
        "Tahun Berdiri": 2015,
    }
    row.update(changes)
    return row


def write_xlsx(
    path: Path,
    headers: Sequence[Any],
    rows: Sequence[Sequence[Any] | dict[str, Any]],
    *,
    above: Sequence[Sequence[Any]] = (),
    title: str = "Data",
) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for line in above:
        sheet.append(list(line))
    sheet.append(list(headers))
    for row in rows:
        sheet.append([row.get(h) for h in headers] if isinstance(row, dict) else list(row))
    book.save(path)
    return path


def write_csv(
    path: Path,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any] | dict[str, Any]],
    *,
    delimiter: str = ";",
    encoding: str = "utf-8",
) -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(headers)
        for row in rows:
            writer.writerow(
                ["" if row.get(h) is None else row.get(h) for h in headers] if isinstance(row, dict) else row
            )
    return path


def files_of(db_path: Path) -> dict[str, bytes | None]:
    """The bytes of the database file and of its journal (None when there is none)."""
    journal = db_path.with_name(db_path.name + ".journal")
    return {"db": db_path.read_bytes(), "journal": journal.read_bytes() if journal.exists() else None}


def journal_lines(db_path: Path) -> int:
    journal = db_path.with_name(db_path.name + ".journal")
    return len(journal.read_bytes().splitlines()) if journal.exists() else 0


def run(capsys: pytest.CaptureFixture[str], *args: Any) -> tuple[int, str, str]:
    code = main(["import", *map(str, args), "--user", "tester"])
    out, err = capsys.readouterr()
    return code, out, err


def test_helpers_make_valid_identifiers() -> None:
    assert all(clean_nik(nik(i, i % 16 + 1)) for i in range(1, 200))


# ------------------------------------------------------------------------------------------------ valid files
@pytest.mark.usefixtures("count_commits")
def test_messy_but_valid_xlsx_is_imported_in_one_transaction(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = Database(db_path, "tester")
    cluster_id, cluster = next((int(k), d) for k, d in db.docs("clusters").items())
    before = db.count("ikm")
    lines = committed(db_path)
    headers = [
        "No.",
        "NAMA  USAHA",
        "nama pemilik",
        "N.I.K",
        "nib",
        "Alamat Usaha",
        "Kel.",
        "KECAMATAN",
        "Telepon/No HP",
        "Kode KBLI",
        "Jenis Produk",
        "Jumlah Tenaga Kerja",
        None,
        "Nilai Investasi (Rp)",
        "Omzet",
        "Tahun Berdiri",
        "Klaster",
        "Sertifikasi",
        "Status",
        "Keterangan",
    ]
    sub = [None] * 11 + ["L", "P"] + [None] * 7
    kec, kel = kec_kel(3)
    rows = [
        [
            1,
            "Batik  Sari",
            "Sri Wahyuni",
            " ".join([nik(1)[:4], nik(1)[4:8], nik(1)[8:12], nik(1)[12:]]),
            int(nib(1)),
            "Jl. Pemuda 1",
            kel.upper(),
            kec.lower(),
            "+62 812 3456 7890",
            13134,
            "batik tulis",
            "2 orang",
            3,
            "Rp 150.000.000,-",
            "Rp1.200.000.000",
            2015,
            cluster["name"].upper(),
            "halal, pirt",
            "Aktif",
            "catatan",
        ],
        [
            2,
            "Lumpia Jaya",
            "Budi",
            nik(2),
            nib(2) + " ",
            "Jl. A",
            f"Kel. {kel}",
            f"Kec. {kec}",
            81234567890,
            "10799",
            "lumpia",
            1,
            "0",
            "5.000.000",
            "2.500.000.000,00",
            datetime(2010, 5, 1),
            "",
            "",
            "tidak aktif",
            "",
        ],
    ]
    path = write_xlsx(
        tmp_path / "daftar ikm.xlsx", headers, [sub, *rows], above=[["DATA IKM KOTA SEMARANG TAHUN 2025"], []]
    )

    code, out, err = run(capsys, path, "--db", db_path)

    assert code == 0, out + err
    assert "2 baru" in out
    db.refresh()
    assert db.count("ikm") == before + 2
    assert committed(db_path) == lines + 1  # ONE transaction
    first = db.find("ikm", nib=nib(1))[0]
    second = db.find("ikm", nib=nib(2))[0]
    assert first["name"] == "Batik Sari" and first["owner_nik"] == nik(1)
    assert (first["kecamatan"], first["kelurahan"]) == (kec, kel)
    assert first["phone"] == "081234567890" and second["phone"] == "081234567890"
    assert (first["workers_male"], first["workers_female"]) == (2, 3)
    assert (first["investment"], first["turnover"]) == (150_000_000, 1_200_000_000)
    assert first["scale"] == "mikro" and second["scale"] == "kecil"  # suggested: turnover above Rp 2 billion
    assert first["cluster_ids"] == [cluster_id] and second["cluster_ids"] == []
    assert first["certifications"] == ["Halal", "P-IRT"]
    assert (first["status"], second["status"]) == ("active", "inactive")
    assert second["year_founded"] == 2010 and second["kbli"] == "10799"
    assert first["code"].startswith("IKM-") and first["created_by"] == "tester"
    audit = [d for d in db.docs("audit").values() if d.get("action") == "import"]
    assert audit and "daftar ikm.xlsx" in audit[-1]["detail"]
    assert nik(1) not in str(audit)


def test_semicolon_windows_1252_csv_with_english_headers_in_another_order(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    headers = [
        "Kecamatan",
        "Business name",
        "Owner",
        "NIB",
        "NIK",
        "Address",
        "Village",
        "Phone",
        "KBLI",
        "Product",
        "Workers",
        "Investment",
        "Monthly turnover",
        "Year founded",
    ]
    rows = []
    for i in (11, 12):
        kec, kel = kec_kel(i)
        rows.append(
            [
                kec.upper(),
                f"Kerajinan Café {i}",
                "José Müller",
                nib(i),
                nik(i, i % 16 + 1),
                "Jl. Ngesrep Timur",
                kel,
                f"+62 813-0000-00{i}",
                "32120",
                "gerabah",
                "5",
                "Rp 25.000.000",
                "Rp 10.000.000",
                "01/02/2019" if i == 11 else "2019",
            ]
        )
    path = write_csv(tmp_path / "ikm.csv", headers, rows, delimiter=";", encoding="cp1252")
    assert "é".encode("cp1252") in path.read_bytes()

    code, out, err = run(capsys, path, "--db", db_path)

    assert code == 0, out + err
    db = Database(db_path, "tester")
    assert db.find("ikm", nib=nib(11))[0]["year_founded"] == 2019  # a founding date gives its year
    doc = db.find("ikm", nib=nib(12))[0]
    assert doc["name"] == "Kerajinan Café 12" and doc["owner_name"] == "José Müller"
    assert (doc["workers_male"], doc["workers_female"]) == (2, 3)  # one total: split evenly, the odd one to women
    assert doc["turnover"] == 120_000_000  # monthly x 12
    assert "dibagi rata" in out and "dikalikan 12" in out


def test_comma_utf8_csv_with_bom_and_quoted_amounts(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    row = ikm_row(21, **{"Nilai Investasi": "1,500,000", "Omzet per Tahun": "Rp 2.000.000,00", "Tenaga Kerja L": "3.0"})
    path = write_csv(tmp_path / "ikm.csv", IKM_HEADERS, [row], delimiter=",", encoding="utf-8-sig")
    code, out, err = run(capsys, path, "--db", db_path)
    assert code == 0, out + err
    doc = Database(db_path, "tester").find("ikm", nib=nib(21))[0]
    assert (doc["investment"], doc["turnover"], doc["workers_male"]) == (1_500_000, 2_000_000, 3)


def test_dry_run_writes_nothing(tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_xlsx(tmp_path / "ikm.xlsx", IKM_HEADERS, [ikm_row(31), ikm_row(32)])
    before = files_of(db_path)
    code, out, _err = run(capsys, path, "--db", db_path, "--dry-run")
    assert code == 0
    assert "tidak ada yang ditulis" in out.lower() and "menambah 2" in out
    assert files_of(db_path) == before


# ------------------------------------------------------------------------------------------------ invalid rows
def _mixed(tmp_path: Path) -> Path:
    rows = [ikm_row(41), ikm_row(42, **{"Kecamatan": "Atlantis", "No. HP": "12345"}), ikm_row(43)]
    return write_xlsx(tmp_path / "campur.xlsx", IKM_HEADERS, rows, above=[["Daftar IKM"], ["per Desember"]])


def test_one_invalid_row_writes_nothing_and_reports_row_column_value_reason(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _mixed(tmp_path)
    before = files_of(db_path)

    code, out, _err = run(capsys, path, "--db", db_path, "--report", tmp_path / "masalah.csv")

    assert code == 1
    assert files_of(db_path) == before
    report = importer.import_file(Database(db_path, "tester"), path, dry_run=True)
    # Two title rows, the header on row 3: the second data row is row 5 of the spreadsheet.
    assert {(p.row, p.column, p.value) for p in report.problems} == {
        (5, "Kecamatan", "Atlantis"),
        (5, "No. HP", "12345"),
    }
    assert "Atlantis" in out and "bukan kecamatan" in out and "Tidak ada yang ditulis" in out
    with (tmp_path / "masalah.csv").open(encoding="utf-8-sig") as fh:
        written = list(csv.reader(fh, delimiter=";"))
    assert written[0] == ["Baris", "Kolom", "Nilai", "Alasan"] and len(written) == 3
    assert all(line[0] == "5" for line in written[1:])


@pytest.mark.usefixtures("count_commits")
def test_skip_invalid_writes_the_valid_rows_only(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _mixed(tmp_path)
    lines = committed(db_path)
    code, out, _err = run(capsys, path, "--db", db_path, "--skip-invalid")
    assert code == 0
    db = Database(db_path, "tester")
    assert db.find("ikm", nib=nib(41)) and db.find("ikm", nib=nib(43)) and not db.find("ikm", nib=nib(42))
    assert committed(db_path) == lines + 1
    assert "1 baris bermasalah dilewati" in out


def test_invalid_nik_is_masked_in_the_report(tmp_path: Path, db_path: Path) -> None:
    bad = nik(51)[:8] + "13" + nik(51)[10:]  # month 13: not a date of birth
    path = write_xlsx(tmp_path / "nik.xlsx", IKM_HEADERS, [ikm_row(51, NIK=bad)])
    report = importer.import_file(Database(db_path, "tester"), path, dry_run=True)
    [problem] = report.problems
    assert problem.column == "NIK" and bad not in problem.value + problem.reason
    assert problem.value == bad[:4] + "*" * 8 + bad[-4:]


def test_nik_stored_as_a_number_ending_in_0_is_accepted_with_a_warning(tmp_path: Path, db_path: Path) -> None:
    rounded = int(nik(52)[:15] + "0")
    path = write_xlsx(tmp_path / "nik.xlsx", IKM_HEADERS, [ikm_row(52, NIK=rounded), ikm_row(53, NIK=int(nik(53)))])
    report = importer.import_file(Database(db_path, "tester"), path, dry_run=True)
    assert not nik(53).endswith("0")  # a number that cannot have been rounded is taken as it is, without a word
    assert report.problems == []  # 16-digit NIKs are exact as spreadsheet numbers unless typed in by hand
    assert [p.doc["owner_nik"] for p in report.planned] == [str(rounded), nik(53)]
    warnings = [note for note in report.notes if "NIK" in note]
    assert len(warnings) == 1 and "(2)" in warnings[0] and "Teks" in warnings[0]


# ------------------------------------------------------------------------------------------------ duplicates
def test_a_duplicate_nib_within_the_file_imports_the_first_copy_and_reports_the_later(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spaced = f"{nib(61)[:4]} {nib(61)[4:8]} {nib(61)[8:]}"
    rows = [ikm_row(61), ikm_row(62), ikm_row(63, NIB=spaced, NIK=nik(63))]
    path = write_xlsx(tmp_path / "ganda.xlsx", IKM_HEADERS, rows)
    before = files_of(db_path)
    code, out, _err = run(capsys, path, "--db", db_path)
    assert code == 1 and files_of(db_path) == before  # all or nothing: the later copy is a problem
    assert "1 ganda" in out
    report = importer.import_file(Database(db_path, "tester"), path, skip_invalid=True)
    assert report.duplicate_rows == [4]
    assert all("baris 2" in p.reason for p in report.problems)
    db = Database(db_path, "tester")
    assert db.find("ikm", nib=nib(62)) and db.find("ikm", nib=nib(61))[0]["name"] == ikm_row(61)["Nama Usaha"]


def test_a_row_with_a_nib_already_in_the_database_is_a_duplicate_without_update(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = Database(db_path, "tester")
    existing = db.get("ikm", 1)
    assert existing is not None
    path = write_xlsx(tmp_path / "ada.xlsx", IKM_HEADERS, [ikm_row(71, NIB=existing["nib"]), ikm_row(72)])
    before = files_of(db_path)
    code, out, _err = run(capsys, path, "--db", db_path)
    assert code == 1 and files_of(db_path) == before
    assert existing["code"] in out and "--update" in out
    report = importer.import_file(db, path, dry_run=True)
    assert report.duplicate_rows == [2] and report.problems[0].column == "NIB" and report.problems[0].duplicate


@pytest.mark.usefixtures("count_commits")
def test_update_changes_the_existing_record_with_the_filled_in_cells(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = Database(db_path, "tester")
    existing = db.get("ikm", 1)
    assert existing is not None
    total = existing["workers_male"] + existing["workers_female"]
    headers = ["NIB", "Nama Usaha", "Omzet per Tahun", "Jumlah Tenaga Kerja", "Email", "No. HP"]
    rows = [[existing["nib"], "Nama Baru", "Rp 3.000.000.000", total, "", ""], ikm_row(81)]
    path = write_xlsx(tmp_path / "ubah.xlsx", headers, rows[:1])
    code, out, err = run(capsys, path, "--db", db_path, "--update")
    assert code == 0, out + err
    db.refresh()
    after = db.get("ikm", 1)
    assert after is not None
    assert after["name"] == "Nama Baru" and after["turnover"] == 3_000_000_000
    assert after["version"] == existing["version"] + 1 and after["code"] == existing["code"]
    # Blank cells and columns the sheet lacks keep the stored value; the same total keeps the stored split.
    assert after["phone"] == existing["phone"] and after["owner_nik"] == existing["owner_nik"]
    assert (after["workers_male"], after["workers_female"]) == (existing["workers_male"], existing["workers_female"])
    assert after["scale"] == existing["scale"]
    assert "1 diperbarui" in out
    # The same sheet again changes nothing and writes nothing.
    lines = committed(db_path)
    code, out, _err = run(capsys, path, "--db", db_path, "--update")
    assert code == 0 and "sudah ada di basis data apa adanya" in out and committed(db_path) == lines


def test_update_of_an_invalid_value_is_refused(tmp_path: Path, db_path: Path) -> None:
    db = Database(db_path, "tester")
    existing = db.get("ikm", 2)
    assert existing is not None
    path = write_xlsx(tmp_path / "ubah.xlsx", ["NIB", "KBLI"], [[existing["nib"], "01111"]])
    before = files_of(db_path)
    report = importer.import_file(db, path, update=True)
    assert [(p.row, p.column) for p in report.problems] == [(2, "KBLI")] and not report.written
    assert files_of(db_path) == before


# ------------------------------------------------------------------------------------------------ unreadable files
def _png(path: Path) -> Path:
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    return path


def _text_named_xlsx(path: Path) -> Path:
    path.write_text("Nama Usaha,NIB\nBatik,1234567890123\n")
    return path


def _broken_zip(path: Path) -> Path:
    good = write_xlsx(path.with_name("good.xlsx"), IKM_HEADERS, [ikm_row(1)])
    raw = good.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])
    return path


def _zip_without_workbook(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return path


def _damaged_inside(path: Path) -> Path:
    good = write_xlsx(path.with_name("good.xlsx"), IKM_HEADERS, [ikm_row(1)])
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, data[: len(data) // 3] if item.filename.endswith("sheet1.xml") else data)
    return path


def _old_xls(path: Path) -> Path:
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500))
    return path


def _empty_csv(path: Path) -> Path:
    path.write_text("\n\n")
    return path


def _empty_sheet(path: Path) -> Path:
    openpyxl.Workbook().save(path)
    return path


def _no_known_headers(path: Path) -> Path:
    return write_xlsx(path, ["Foo", "Bar", "Baz"], [[1, 2, 3], [4, 5, 6]])


def _headers_only(path: Path) -> Path:
    return write_xlsx(path, IKM_HEADERS, [])


def _missing_required(path: Path) -> Path:
    return write_xlsx(path, ["Nama Usaha", "NIB"], [["Batik", nib(1)]])


@pytest.mark.parametrize(
    ("make", "name", "words"),
    [
        (_png, "foto.xlsx", "bukan lembar kerja"),
        (_png, "foto.csv", "data biner"),
        (_text_named_xlsx, "teks.xlsx", "bukan buku kerja Excel"),
        (_broken_zip, "rusak.xlsx", "rusak"),
        (_zip_without_workbook, "zip.xlsx", "rusak"),
        (_damaged_inside, "dalam.xlsx", "rusak"),
        (_old_xls, "lama.xls", ".xls"),
        (_empty_csv, "kosong.csv", "kosong"),
        (_empty_sheet, "kosong.xlsx", "kosong"),
        (_no_known_headers, "asing.xlsx", "judul kolom"),
        (_headers_only, "judul.xlsx", "tidak ada baris"),
        (_missing_required, "kurang.xlsx", "kolom wajib tidak ada: Nama Pemilik, Alamat"),
    ],
)
def test_a_file_that_cannot_be_imported_gives_one_clear_message_and_leaves_the_database_untouched(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str], make: Any, name: str, words: str
) -> None:
    Database(db_path, "tester").insert("clusters", {"name": "x"})  # a journal to compare as well
    path = make(tmp_path / name)
    before = files_of(db_path)
    assert before["journal"]

    code, out, err = run(capsys, path, "--db", db_path)

    assert code == 2
    assert files_of(db_path) == before
    assert words in err and err.startswith("ikmtui: ") and err.count("\n") == 1, err
    assert "Traceback" not in err + out
    with pytest.raises(ValueError):
        importer.import_file(Database(db_path, "tester"), path, dry_run=True)


def test_missing_file_is_one_line(tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, tmp_path / "tidak-ada.xlsx", "--db", db_path)
    assert code == 2 and "tidak ada" in err and "Traceback" not in err


def test_no_file_and_no_template_is_explained(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, "--db", db_path)
    assert code == 2 and "--template" in err


# ------------------------------------------------------------------------------------------------ sheets
def test_sheet_option_and_first_sheet_with_known_headers(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Catatan"
    notes.append(["Daftar ini dikirim oleh kelurahan"])
    for title, rows in (("Tahap 1", [ikm_row(91)]), ("Tahap 2", [ikm_row(92)])):
        sheet = book.create_sheet(title)
        sheet.append(IKM_HEADERS)
        for row in rows:
            sheet.append([row[h] for h in IKM_HEADERS])
    path = tmp_path / "tahap.xlsx"
    book.save(path)
    db = Database(db_path, "tester")
    assert importer.import_file(db, path, dry_run=True).sheet == "Tahap 1"
    code, _out, _err = run(capsys, path, "--db", db_path, "--sheet", "tahap 2")
    assert code == 0
    db.refresh()
    assert db.find("ikm", nib=nib(92)) and not db.find("ikm", nib=nib(91))
    code, _out, err = run(capsys, path, "--db", db_path, "--sheet", "Tahap 9")
    assert code == 2 and "Tahap 1, Tahap 2" in err


# ------------------------------------------------------------------------------------------------ templates
@pytest.mark.parametrize("kind", importer.KINDS)
def test_template_has_the_indonesian_headers_the_importer_recognises(
    tmp_path: Path, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / f"templat-{kind}.xlsx"
    assert main(["import", "--template", kind, "--out", str(out)]) == 0
    book = openpyxl.load_workbook(out)
    headers = [c.value for c in book.worksheets[0][1]]
    assert headers == [c.header for c in importer.cols.template_columns(kind)]
    assert book.sheetnames[1] == "Petunjuk"
    sheet = book.worksheets[0]
    sheet.append(["x"] * len(headers))
    book.save(out)
    source = importer.load(out)
    assert source.kind == kind and len(source.fields) == len(headers) and not source.ignored
    csv_out = tmp_path / "templat.csv"
    importer.write_template(kind, csv_out)
    assert csv_out.read_text(encoding="utf-8-sig").strip().split(";") == headers


def test_a_filled_in_template_imports(tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "templat.xlsx"
    importer.write_template("ikm", out)
    book = openpyxl.load_workbook(out)
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    row = ikm_row(95)
    values = {
        "Tenaga Kerja Laki-laki": 4,
        "Tenaga Kerja Perempuan": 5,
        "Skala Usaha": "Kecil",
        "Sertifikasi": "SNI",
        "Status": "Aktif",
        "Klaster": "",
        "Email": "a@b.id",
        "NPWP": "",
    }
    sheet.append([values.get(h, row.get(h)) for h in headers])
    book.save(out)
    code, out_text, err = run(capsys, out, "--db", db_path)
    assert code == 0, out_text + err
    doc = Database(db_path, "tester").find("ikm", nib=nib(95))[0]
    assert (doc["scale"], doc["workers_female"], doc["email"], doc["npwp"]) == ("kecil", 5, "a@b.id", None)


# ------------------------------------------------------------------------------------------------ permissions
def test_a_viewer_may_not_import(tmp_path: Path, db_path: Path) -> None:
    from ikmtui.domain.permissions import PermissionDenied
    from ikmtui.services import staff

    db = Database(db_path, "kepala")
    staff.add(db, "kepala", "Kepala", "administrator", "rahasia-kepala")
    staff.add(db, "rina", "Rina", "viewer", "rahasia-rina")
    viewer = Database(db_path, "rina")
    staff.install_guard(viewer)
    path = write_xlsx(tmp_path / "ikm.xlsx", IKM_HEADERS, [ikm_row(99)])
    before = files_of(db_path)
    assert importer.import_file(viewer, path, dry_run=True).ok  # checking is reading: allowed
    with pytest.raises(PermissionDenied):
        importer.import_file(viewer, path)
    assert files_of(db_path) == before


def test_import_is_one_journal_line_even_for_many_rows(tmp_path: Path, db_path: Path) -> None:
    path = write_csv(tmp_path / "banyak.csv", IKM_HEADERS, [ikm_row(i) for i in range(100, 400)])
    db = Database(db_path, "tester")
    lines = journal_lines(db_path)
    report = importer.import_file(db, path)
    assert report.inserted == 300 and journal_lines(db_path) == lines + 1
    last = orjson.loads(db_path.with_name(db_path.name + ".journal").read_bytes().splitlines()[-1])
    assert sum(1 for op in last["ops"] if op[1] == "ikm") == 300


def test_the_first_import_starts_a_new_database_and_a_dry_run_never_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_xlsx(tmp_path / "ikm.xlsx", IKM_HEADERS, [ikm_row(1), ikm_row(2)])
    target = tmp_path / "baru" / "ikmtui.json"
    code, out, _err = run(capsys, path, "--db", target, "--dry-run")
    assert code == 0 and "menambah 2" in out and not target.exists()
    code, out, _err = run(capsys, path, "--db", target)
    assert code == 0 and "Membuat basis data baru" in out
    assert Database(target, "tester").count("ikm") == 2
