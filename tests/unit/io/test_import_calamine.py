"""Workbooks read by python-calamine (issue 18): .xlsx, .xls and .ods, a value merged over rows filled down,
and the checks that keep calamine within bounds (it holds a sheet as one block from its first filled-in cell to
its last, and expands an .ods row repeated a million times).
"""

from __future__ import annotations

import base64
import time
import zipfile
import zlib
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from ikmtui.io import importer
from ikmtui.io.importer import bounds
from ikmtui.storage import Database
from tests.unit.io.test_import import IKM_HEADERS, files_of, ikm_row, run, write_xlsx
from tests.unit.io.test_import_safety import _HEAD, _HEADER_ROW, _TAIL, assert_refused, measured_import, workbook

#: An .xls (BIFF8, written by xlwt) of IKM_HEADERS and the rows ikm_row(1) and ikm_row(17), whose Kecamatan
#: (Semarang Utara) is one cell merged over both rows. Kept here as bytes: no .xls writer is a dependency.
XLS = zlib.decompress(
    base64.b64decode(
        "eNrtmE1sG0UUx9+uv7/tNCkkLelSoECpKjsptTm0pha0BCfBQCMQQqLbZtVu4qyrjY1ED6VQckRC4gTqpVIvXEq5ABUfAk4ckIrggISElIA49YQE"
        "Eoc25v/erqd26CGRoKLIz9o383szszP/nfHs2N9eyS2f/2BkhdbYfgrQajtG4a6YhivWgSyhvN3mbCeN4mr37bayWBQTGQ7RJ6lvIjyHPN8rpNOl"
        "4JfwRD/jepFO0nTDsYxbaBUZg6nxGPbBa3QOkTQNy6gGxB8Tv0n8+1LzU/GPSuRN8ftQd1l7ga6Up3eW/FX8vL5dytLE9/1I2vwokQIN0de8il99"
        "S/PqhuiAa5v1/2bBaDBJFwjzdshyLNesL9MgJvAC/dE2iH7vfFO/MPrxWxvXCPE/e+ORm8Tf1oNEZ6h9RBb4EvbUIyFvI33MbJrGRHXqGl3W7kHk"
        "blxYoNONOJy5YBozi+YJM+lDzVqw6/Z8ADhRFV/B9/hAHWVNbNhVq95yUd2R/DGOmk6Y77bbeKKGIVQrkxPgmtuYbc2niQ5bjnncNKqWO2cak2sD"
        "tQya2nXTNiacl63FprloI/LUwimraZy0XOOweaLlpNCIU6NiubO2ayeIZMjGzJxtFDAQf8xGAfvP+HhxT34sX8rv2ftwPp8fQ2NOO1YAP1nfLU15"
        "zAW8aCqtesuYbLh4BPlSYaxTE4+vkC8W8hDlNpp2sqfXYryr22J3v8W9j6BxqbffQjG9pt9iglU5cy3nuDFlLvb0LbWftRZM10TpTBNpnN+Xsr9m"
        "e/bXlOw7SfhZykg+J7tPFhN/7b3fvps6Wiu/JJEz8k713rz38WKhNr3GLdA4LSWBzsuYdkqLh8S/LnfdIvkR8YPYM5DuqA35mYNnpc4bUroD/YyL"
        "fV++vyv/APJLV5/+eHTpl/KDyF88tHJq8OIP5fO0HSeBWbTnz1nape3S3n2H7XK5k2r+Lv2T+OG/7dhRPeuPve0fLzJ0neKSzYn3iJ+Opkj3n5VH"
        "AVBAURAUVBQChRSFQWFFEVBEURQUVRQDxRTFQXFFCVBCURKUVJQCpRSlQWlFGVDG16yt0Xxaj0vsxvg00ZxVxJpziljzgCLWvEkRax5UxJqHFLFm"
        "QxFr3qyINd+hiDXfCfqM7gUl/JF5zwFP/6urCfjSua05Or2NtbEq/SaqdKl/0L+vt86HFbGqEUWsaosiVrVVEau6SxGrGgV9Dg26P5NeCWvapup1"
        "a9J7NOnr0PSrPw/cQ4T26wP0IcvB2eKGxalvfetb3/rWt9vTNO+HhZyignJq8s6oEf9/neu4Vvt/k/xv7Rlq4NPEyfBxcpC69MqG1s9mCmmde2nr"
        "bNP5v5DtOfTu0jwdlXHMb3j94jeG1q1n3Q2z/9xXaKP9r25knP9y/38BjbFYVw=="
    )
)


def _merged_workbook(path: Path) -> tuple[Path, list[dict[str, Any]]]:
    """Three IKM of one kecamatan whose Kecamatan cell is typed once, merged over their three rows."""
    rows = [ikm_row(i) for i in (1, 17, 33)]  # the same kecamatan (ikm_row cycles through 16)
    assert len({r["Kecamatan"] for r in rows}) == 1
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(IKM_HEADERS)
    for row in rows:
        sheet.append([row[h] if h != "Kecamatan" else None for h in IKM_HEADERS])
    column = IKM_HEADERS.index("Kecamatan") + 1
    sheet.cell(row=2, column=column, value=rows[0]["Kecamatan"])
    letter = openpyxl.utils.get_column_letter(column)
    sheet.merge_cells(f"{letter}2:{letter}4")
    book.save(path)
    return path, rows


def test_a_kecamatan_merged_over_three_rows_is_filled_down(tmp_path: Path, db_path: Path) -> None:
    path, rows = _merged_workbook(tmp_path / "gabung.xlsx")
    source = importer.load(path)
    kecamatan = IKM_HEADERS.index("Kecamatan")
    assert [cells[kecamatan] for _n, cells in source.rows] == [rows[0]["Kecamatan"]] * 3
    report = importer.import_file(Database(db_path, "tester"), path)
    assert report.ok and report.inserted == 3, report.problems
    stored = Database(db_path, "tester").docs("ikm")
    assert (
        sorted(d["kecamatan"] for d in stored.values() if d["nib"] in {r["NIB"] for r in rows})
        == [rows[0]["Kecamatan"]] * 3
    )


def test_a_merge_fills_down_only_rows_with_data_and_never_to_the_right(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"], sheet["B1"], sheet["C1"] = "Nama Usaha", "Kecamatan", "Catatan"
    sheet["A2"], sheet["B2"] = "Batik", "Tembalang"
    sheet["A3"] = "Tahu"
    sheet.merge_cells("B2:C5")  # over two columns and four rows; rows 4 and 5 hold nothing else
    book.save(tmp_path / "lebar.xlsx")
    [read] = importer.read_sheets(tmp_path / "lebar.xlsx")
    assert read.rows == [
        (1, ("Nama Usaha", "Kecamatan", "Catatan")),
        (2, ("Batik", "Tembalang")),
        (3, ("Tahu", "Tembalang")),
    ]


def test_a_list_that_starts_at_c3_keeps_its_row_numbers_and_columns(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["C3"], sheet["D3"], sheet["D4"] = "Nama Usaha", "NIB", 7
    book.save(tmp_path / "geser.xlsx")
    [read] = importer.read_sheets(tmp_path / "geser.xlsx")
    assert read.rows == [(3, (None, None, "Nama Usaha", "NIB")), (4, (None, None, None, 7))]


def test_a_header_merged_down_over_a_two_row_header_is_understood(tmp_path: Path) -> None:
    """Nama Usaha merged over both header rows, Jumlah Tenaga Kerja over L | P."""
    book = openpyxl.Workbook()
    sheet = book.active
    headers = [h for h in IKM_HEADERS if h not in ("Tenaga Kerja L", "Tenaga Kerja P")]
    sheet.append([*headers, "Jumlah Tenaga Kerja", None])
    sheet.append([None] * len(headers) + ["L", "P"])
    for i in range(1, len(headers) + 1):
        letter = openpyxl.utils.get_column_letter(i)
        sheet.merge_cells(f"{letter}1:{letter}2")
    first = openpyxl.utils.get_column_letter(len(headers) + 1)
    sheet.merge_cells(f"{first}1:{openpyxl.utils.get_column_letter(len(headers) + 2)}1")
    row = ikm_row(1)
    sheet.append([*(row[h] for h in headers), 4, 5])
    book.save(tmp_path / "dua.xlsx")
    source = importer.load(tmp_path / "dua.xlsx")
    assert source.header_row == 2
    assert {"name", "workers_male", "workers_female", "kecamatan"} <= set(source.fields.values())
    assert source.rows[0][1][source.headers.index("Jumlah Tenaga Kerja L")] == 4


def test_an_old_excel_file_is_read_with_its_merged_kecamatan(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "lama.xls"
    path.write_bytes(XLS)
    source = importer.load(path)
    assert source.file_format == "xls" and source.sheet == "Data IKM"
    kecamatan = IKM_HEADERS.index("Kecamatan")
    assert [cells[kecamatan] for _n, cells in source.rows] == ["Semarang Utara"] * 2
    before = Database(db_path, "tester").count("ikm")
    code, _out, err = run(capsys, path, "--db", db_path)
    assert code == 0, err
    assert Database(db_path, "tester").count("ikm") == before + 2


# ------------------------------------------------------------------------------------------------ .ods
_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def ods(path: Path, rows_xml: str, name: str = "Data IKM") -> Path:
    """A minimal OpenDocument spreadsheet whose one table holds rows_xml."""
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS} office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{name}">{rows_xml}</table:table>'
        f"</office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:'
            'tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
        )
        archive.writestr("content.xml", content)
    return path


def ods_cell(value: Any, repeat: int = 1) -> str:
    times = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    if isinstance(value, int):
        return (
            f'<table:table-cell{times} office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return f'<table:table-cell{times} office:value-type="string"><text:p>{value}</text:p></table:table-cell>'


def ods_row(values: list[Any], repeat: int = 1) -> str:
    times = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{times}>" + "".join(ods_cell(v) for v in values) + "</table:table-row>"


def test_an_opendocument_spreadsheet_is_imported(tmp_path: Path, db_path: Path) -> None:
    rows = [ikm_row(1), ikm_row(2)]
    # As LibreOffice saves it: the rest of the sheet as empty rows and cells repeated to its last row and column.
    tail = (
        '<table:table-row table:number-rows-repeated="1048573"><table:table-cell '
        'table:number-columns-repeated="1024"/></table:table-row>'
    )
    path = ods(
        tmp_path / "daftar.ods",
        ods_row(IKM_HEADERS) + "".join(ods_row([r[h] for h in IKM_HEADERS]) for r in rows) + tail,
    )
    source = importer.load(path)
    assert source.file_format == "ods" and source.sheet == "Data IKM" and len(source.rows) == 2
    report = importer.import_file(Database(db_path, "tester"), path)
    assert report.ok and report.inserted == 2, report.problems


def test_an_ods_row_repeated_a_million_times_is_refused_in_little_memory(tmp_path: Path, db_path: Path) -> None:
    """calamine expands repeated rows: this 1 KB file took 260 MB and counted a million rows."""
    path = ods(tmp_path / "ulang.ods", ods_row(["Nama Usaha", "NIB"]) + ods_row(["Batik", "1"], repeat=1_000_000))
    assert path.stat().st_size < 2_000
    before = files_of(db_path)
    assert_refused(measured_import(path, db_path), "ulang.ods", "100.000 baris", peak=100)
    assert files_of(db_path) == before


def test_an_ods_cell_repeated_far_to_the_right_is_refused_by_its_column(tmp_path: Path) -> None:
    path = ods(
        tmp_path / "lebar.ods",
        ods_row(["Nama Usaha", "NIB"])
        + "<table:table-row>"
        + ods_cell("Batik")
        + ods_cell("x", repeat=16_000)
        + "</table:table-row>",
    )
    with pytest.raises(importer.ImportTooLarge, match="200 kolom"):
        importer.load(path)


# ------------------------------------------------------------------------------------------------ bounds
def test_a_sparse_sheet_is_refused_before_calamine_holds_its_block(tmp_path: Path, db_path: Path) -> None:
    """Two cells, A1 and AN200000, make a block of 8 million cells (about 250 MB in calamine)."""
    path = workbook(
        tmp_path / "jarang.xlsx",
        _HEAD + _HEADER_ROW + b'<row r="200001"><c r="AN200001" t="s"><v>2</v></c></row>' + _TAIL,
    )
    assert_refused(measured_import(path, db_path), "jarang.xlsx", "A1", "AN200001", "8.000.000 sel")


def test_the_block_bound_can_be_lowered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_xlsx(tmp_path / "blok.xlsx", IKM_HEADERS, [ikm_row(i) for i in range(1, 11)])
    importer.load(path)
    monkeypatch.setattr(bounds, "MAX_AREA", 100)
    with pytest.raises(importer.ImportTooLarge, match=r"A1 sampai P11, lebih dari 100 sel"):
        importer.load(path)


@pytest.mark.parametrize(
    "hidden",
    [
        # a forged end of row inside a text: the scan must not lose the cells after it
        b'<row r="2"><c r="A2" t="inlineStr"><is><t><![CDATA[</row>]]></t></is></c><c r="ZZZZZ2" t="s"><v>2</v></c>'
        b"</row>",
        # a quoted '>' before the reference, and a reference in single quotes
        b'<row r="2"><c foo=">" r="ZZZZZ2" t="s"><v>2</v></c></row>',
        b"<row r='2'><c r='ZZZZZ2' t='s'><v>2</v></c></row>",
        # prefixed tags
        b'<x:row r="2" xmlns:x="urn:x"><x:c r="ZZZZZ2" t="s"><x:v>2</x:v></x:c></x:row>',
    ],
)
def test_a_far_cell_cannot_hide_from_the_checks(tmp_path: Path, hidden: bytes) -> None:
    path = workbook(tmp_path / "sembunyi.xlsx", _HEAD + _HEADER_ROW + hidden + _TAIL)
    started = time.process_time()
    with pytest.raises(ValueError, match=r"ZZZZZ2|rusak"):
        importer.read_sheets(path)
    assert time.process_time() - started < 1


def test_an_error_value_is_kept_as_its_text(tmp_path: Path) -> None:
    """calamine gives #N/A as a blank; the sheet's own text is put back (it tells the officer what is wrong)."""
    path = workbook(
        tmp_path / "galat.xlsx",
        _HEAD + _HEADER_ROW + b'<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="e"><v>#N/A</v></c></row>' + _TAIL,
    )
    [sheet] = importer.read_sheets(path)
    assert sheet.rows[1] == (2, ("Batik", "#N/A"))


def test_a_file_named_xlsx_that_is_a_binary_office_file_is_damaged_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "dokumen.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000))
    with pytest.raises(ValueError, match="rusak"):
        importer.load(path)


def test_the_file_picker_and_the_command_accept_xls_and_ods() -> None:
    assert {".xlsx", ".xls", ".ods"} <= set(importer.EXCEL_SUFFIXES)
