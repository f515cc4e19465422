"""Import: headers recognised whatever their spelling, and the values real office sheets hold."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ikmtui.domain.fields import parse_count, parse_date
from ikmtui.domain.identifiers import clean_phone
from ikmtui.domain.money import parse_rupiah
from ikmtui.io import columns as cols
from ikmtui.io import importer
from tests.unit.io.test_import import IKM_HEADERS, ikm_row, write_csv, write_xlsx


@pytest.mark.parametrize(
    ("kind", "header", "field"),
    [
        ("ikm", "Nama Usaha", "name"),
        ("ikm", "  NAMA   USAHA* ", "name"),
        ("ikm", "nama_usaha", "name"),
        ("ikm", "Business name", "name"),
        ("ikm", "Nama Pemilik", "owner_name"),
        ("ikm", "N.I.K.", "owner_nik"),
        ("ikm", "No. KTP", "owner_nik"),
        ("ikm", "Nomor Induk Berusaha", "nib"),
        ("ikm", "Telepon/No HP", "phone"),
        ("ikm", "No. WA", "phone"),
        ("ikm", "Kec.", "kecamatan"),
        ("ikm", "Kelurahan/Desa", "kelurahan"),
        ("ikm", "KBLI 2020", "kbli"),
        ("ikm", "Jumlah Tenaga Kerja", "workers_total"),
        ("ikm", "Jumlah Tenaga Kerja (L)", "workers_male"),
        ("ikm", "Tenaga Kerja Perempuan", "workers_female"),
        ("ikm", "TK P", "workers_female"),
        ("ikm", "Nilai Investasi (Rp)", "investment"),
        ("ikm", "Omset/Tahun (Rp)", "turnover"),
        ("ikm", "Omzet per Bulan", "turnover_monthly"),
        ("ikm", "Tahun Mulai Usaha", "year_founded"),
        ("ikm", "Klaster/Sentra", "clusters"),
        ("clusters", "Nama Sentra", "name"),
        ("clusters", "No. SK", "decree_number"),
        ("credit_applications", "NIB/Kode IKM", "ikm_ref"),
        ("credit_applications", "Plafon", "amount_requested"),
        ("credit_applications", "Jangka Waktu (bulan)", "tenor_months"),
        ("gallery_listings", "Harga Jual (Rp)", "price"),
        ("gallery_listings", "Shopee", "link:Shopee"),
    ],
)
def test_headers_are_recognised_in_any_case_spacing_and_language(kind: str, header: str, field: str) -> None:
    hit = cols.match(kind, header)
    assert hit is not None and hit[0] == field


@pytest.mark.parametrize("header", ["No", "Keterangan", "", "Jumlah", "Nama"])
def test_unrelated_headers_are_not_guessed(header: str) -> None:
    assert cols.match("ikm", header) is None


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from([" ", "  ", "_", ".", "-", "*", ":"]), min_size=3, max_size=3),
    st.lists(st.booleans(), min_size=10, max_size=10),
)
def test_any_spelling_of_a_header_means_the_same_field(separators: list[str], upper: list[bool]) -> None:
    words = ["Nama", "Pemilik"]
    text = separators[0] + words[0] + separators[1] + words[1] + separators[2]
    spelled = "".join(c.upper() if upper[i % len(upper)] else c.lower() for i, c in enumerate(text))
    assert cols.match("ikm", spelled) == ("owner_name", 0)


def test_two_columns_for_one_field_the_first_alias_wins_and_the_other_is_reported(tmp_path: Path) -> None:
    headers = [*IKM_HEADERS, "Telepon"]
    rows = [{**ikm_row(1), "Telepon": "bukan nomor"}]
    source = importer.load(write_xlsx(tmp_path / "dua.xlsx", headers, rows))
    assert source.header_of("phone") == "No. HP" and "Telepon" in source.ignored


def test_a_second_header_row_of_l_and_p_under_a_merged_total(tmp_path: Path) -> None:
    headers = ["Nama Usaha", "Jumlah Tenaga Kerja", None, "Jumlah Tenaga Kerja", "NIB"]
    path = write_xlsx(tmp_path / "lp.xlsx", headers, [[None, "L", "P", "Jumlah", None], ["Batik", 1, 2, 3, "1"]])
    source = importer.load(path, kind="ikm")
    assert source.header_row == 2
    assert {source.header_of(f) for f in ("workers_male", "workers_female", "workers_total")} == {
        "Jumlah Tenaga Kerja L",
        "Jumlah Tenaga Kerja P",
        "Jumlah Tenaga Kerja Jumlah",
    }
    assert [n for n, _cells in source.rows] == [3]


def test_title_rows_above_the_headers_are_skipped(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "judul.xlsx",
        IKM_HEADERS,
        [ikm_row(1)],
        above=[["PEMERINTAH KOTA SEMARANG"], ["DINAS PERINDUSTRIAN"], [], ["Data per 2025"]],
    )
    source = importer.load(path)
    assert source.header_row == 5 and source.rows[0][0] == 6 and not set(source.ignored) - {"No"}


@pytest.mark.parametrize(
    ("kind", "headers"),
    [
        ("ikm", IKM_HEADERS),
        ("clusters", ["Nama Klaster", "Sektor", "Kecamatan", "Nomor SK", "Tanggal SK"]),
        ("credit_applications", ["NIB", "Nama Usaha", "Produk", "Jumlah Pengajuan", "Tenor", "Tujuan"]),
        ("gallery_listings", ["NIB", "Nama Produk", "SKU", "Kategori", "Harga", "Stok", "Tanggal Titip"]),
    ],
)
def test_the_kind_is_recognised_from_the_headers(tmp_path: Path, kind: str, headers: list[str]) -> None:
    path = write_csv(tmp_path / "x.csv", headers, [["1"] * len(headers)])
    assert importer.load(path).kind == kind


# ------------------------------------------------------------------------------------------------ values
@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("Rp 1.500.000", 1_500_000),
        ("Rp1.500.000,-", 1_500_000),
        ("Rp. 1.500.000,00", 1_500_000),
        ("IDR 1.500.000", 1_500_000),
        ("1 500 000", 1_500_000),
        ("1,500,000", 1_500_000),
        ("1500000", 1_500_000),
        (1_500_000, 1_500_000),
        (1_500_000.0, 1_500_000),
        ("1.500.000.-", 1_500_000),
    ],
)
def test_rupiah_as_offices_write_it(text: object, amount: int) -> None:
    assert parse_rupiah(importer.prepare("investment", text)) == amount


@pytest.mark.parametrize("text", ["1,5 juta", "1.500.000,50", "abc", "Rp -"])
def test_rupiah_that_is_not_an_amount_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_rupiah(importer.prepare("investment", text))


@settings(max_examples=80, deadline=None)
@given(
    st.integers(min_value=0, max_value=10**13),
    st.sampled_from(
        ["Rp {dots}", "Rp{dots},-", "Rp. {dots},00", "IDR {plain}", "{plain}", "{commas}", "{dots}", " {dots} "]
    ),
)
def test_every_spelling_of_an_amount_gives_the_amount(amount: int, pattern: str) -> None:
    dots = f"{amount:,}".replace(",", ".")
    text = pattern.format(dots=dots, plain=amount, commas=f"{amount:,}")
    assert parse_rupiah(importer.prepare("turnover", text)) == amount


@pytest.mark.parametrize(
    ("value", "phone"),
    [
        ("+62 812 3456 7890", "081234567890"),
        ("62-812-3456-7890", "081234567890"),
        (81234567890, "081234567890"),
        ("81234567890", "081234567890"),
        ("0812 3456 7890 / 0813 1111 2222", "081234567890"),
        ("'081234567890", "081234567890"),
        (6281234567890, "081234567890"),
        ("(024) 7654321", "0247654321"),
    ],
)
def test_phone_numbers_as_sheets_hold_them(value: object, phone: str) -> None:
    assert clean_phone(importer.prepare("phone", value)) == phone


@pytest.mark.parametrize(
    ("value", "count"),
    [("5 orang", 5), ("5", 5), (5.0, 5), ("5.0", 5), ("12 bulan", 12), ("1.000", 1000), ("90 hari", 90)],
)
def test_counts_with_units(value: object, count: int) -> None:
    assert parse_count(importer.prepare("workers_male", value)) == count


def test_dates_and_years() -> None:
    assert parse_date(importer.prepare("decree_date", "27/11/2024")) == date(2024, 11, 27)
    assert parse_date(importer.prepare("decree_date", datetime(2024, 11, 27))) == date(2024, 11, 27)
    assert parse_date(importer.prepare("decree_date", 45623)) == date(2024, 11, 27)  # an Excel day number
    assert importer.prepare("year_founded", datetime(2010, 5, 1)) == 2010
    assert importer.prepare("year_founded", "01/05/2010") == 2010


def test_choices_in_indonesian() -> None:
    assert importer.prepare("status", "Tidak Aktif") == "inactive"
    assert importer.prepare("status", "AKTIF") == "active"
    assert importer.prepare("scale", "Usaha Mikro") == "mikro"
    assert importer.prepare("category", "Makanan", "gallery_listings") == "food"
    assert importer.prepare("status", "Dipajang", "gallery_listings") == "displayed"
    assert importer.prepare("certifications", "halal; PIRT, sni") == ["Halal", "P-IRT", "SNI"]
    assert importer.prepare("kecamatan", "Kec. Tembalang") == "Tembalang"
    assert importer.prepare("kelurahan", "Kel. Bulusan") == "Bulusan"


def test_delimiter_is_found_even_with_commas_inside_values(tmp_path: Path) -> None:
    path = tmp_path / "titik-koma.csv"
    path.write_text(
        "Nama Usaha;NIB;Omzet\nBatik;1234567890123;1.500.000,00\nTenun, Ikat;1234567890124;2.000,-\n", encoding="utf-8"
    )
    [sheet] = importer.read_sheets(path)
    assert sheet.rows[2][1] == ("Tenun, Ikat", "1234567890124", "2.000,-")


def test_preview_masks_the_nik(tmp_path: Path) -> None:
    row = ikm_row(1)
    source = importer.load(write_xlsx(tmp_path / "p.xlsx", IKM_HEADERS, [row]))
    headers, rows = source.preview()
    cell = rows[0][1][headers.index("NIK")]
    assert cell == row["NIK"][:4] + "********" + row["NIK"][-4:]


def test_the_workbook_reader_gives_what_openpyxl_gives(tmp_path: Path) -> None:
    """The importer reads .xlsx with python-calamine (faster); its values must be openpyxl's, cell for cell."""
    import openpyxl
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Campur"
    sheet.append(["teks", 12, 3.5, True, datetime(2024, 11, 27), date(2020, 1, 2), None, "=1+1", -7, 1e20])
    sheet.append([CellRichText("Batik ", TextBlock(InlineFont(b=True), "Sari")), "3374 0145 0190 0001"])
    sheet["D5"] = "jauh"  # a gap of rows and columns
    sheet["B5"].number_format = "dd/mm/yyyy"
    sheet["B5"] = 45623
    sheet["C5"] = 45623
    book.create_sheet("Kedua").append(["x"])
    path = tmp_path / "campur.xlsx"
    book.save(path)

    expected = openpyxl.load_workbook(path, read_only=True, data_only=True)
    want = {}
    for ws in expected.worksheets:
        want[ws.title] = [
            (n, tuple(row))
            for n, row in enumerate(ws.iter_rows(values_only=True), 1)
            if any(c is not None for c in row)
        ]
    expected.close()
    got = {s.name: s.rows for s in importer.read_sheets(path)}
    assert got.keys() == want.keys()
    for name, rows in want.items():
        assert [n for n, _ in got[name]] == [n for n, _ in rows]
        for (_, mine), (_, theirs) in zip(got[name], rows, strict=True):
            assert mine == tuple(theirs[: len(mine)]) and not any(theirs[len(mine) :])
    assert got["Campur"][2][1][1] == datetime(2024, 11, 27) and got["Campur"][1][1][0] == "Batik Sari"


def test_a_workbook_on_the_1904_calendar(tmp_path: Path) -> None:
    import openpyxl
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    book = openpyxl.Workbook()
    book.epoch = CALENDAR_MAC_1904
    book.active.append(["Tanggal SK", datetime(2024, 11, 27)])
    book.save(tmp_path / "mac.xlsx")
    [sheet] = importer.read_sheets(tmp_path / "mac.xlsx")
    assert sheet.rows[0][1][1] == datetime(2024, 11, 27)


def test_formatted_empty_cells_far_to_the_right_take_no_room(tmp_path: Path) -> None:
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Nama Usaha", "NIB"])
    sheet.append(["Batik", "1234567890123"])
    sheet["XFD2"].font = Font(bold=True)  # styled, no value: Excel writes <c r="XFD2" s="1"/>
    book.save(tmp_path / "lebar.xlsx")
    [read] = importer.read_sheets(tmp_path / "lebar.xlsx")
    assert read.rows == [(1, ("Nama Usaha", "NIB")), (2, ("Batik", "1234567890123"))]


def _excel_style_workbook(path: Path) -> Path:
    """A workbook laid out as Excel writes it: shared strings (one rich, one with a phonetic run), a date style,
    a number stored as text, a formula with its cached value, a boolean and an error. Excel marks a text that
    begins or ends with a space ``xml:space="preserve"``; without the mark calamine, as XML allows, trims it."""
    import zipfile

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/>'
        + "".join(
            f'<Override PartName="/xl/{name}" ContentType="application/vnd.openxmlformats-'
            f'officedocument.spreadsheetml.{kind}+xml"/>'
            for name, kind in (
                ("workbook.xml", "sheet.main"),
                ("worksheets/sheet1.xml", "worksheet"),
                ("sharedStrings.xml", "sharedStrings"),
                ("styles.xml", "styles"),
            )
        )
        + "</Types>",
        "_rels/.rels": f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" '
        f'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0"?><workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
        f'<sheet name="Data IKM" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats'
        f'.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
        f'<Relationship Id="rId3" Type="{rel}/styles" Target="styles.xml"/>'
        f"</Relationships>",
        "xl/sharedStrings.xml": f'<?xml version="1.0"?><sst xmlns="{main}" count="4" uniqueCount="4">'
        f"<si><t>Nama Usaha</t></si><si><t>Tanggal SK</t></si>"
        f'<si><r><t xml:space="preserve">Batik </t></r><r><rPr><b/></rPr><t>Sari</t></r></si>'
        f'<si><t>Tahu</t><rPh sb="0" eb="1"><t>ta</t></rPh></si></sst>',
        "xl/styles.xml": f'<?xml version="1.0"?><styleSheet xmlns="{main}"><numFmts count="1">'
        f'<numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
        f'<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs></styleSheet>',
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0"?><worksheet xmlns="{main}"><sheetData>'
        f'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        f'<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" s="1"><v>45623</v></c>'
        f'<c r="C2" t="str"><f>A1</f><v>x</v></c><c r="D2" t="b"><v>1</v></c>'
        f'<c r="E2" t="e"><v>#N/A</v></c></row>'
        f'<row r="4"><c r="A4" t="s"><v>3</v></c><c r="C4"><v>3374014501900001</v></c>'
        f'<c r="D4"><v>1.5E3</v></c></row></sheetData></worksheet>',
    }
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


@pytest.mark.filterwarnings("ignore:Workbook contains no default style")  # openpyxl, about the minimal styles part
def test_a_workbook_as_excel_writes_it(tmp_path: Path) -> None:
    import openpyxl

    path = _excel_style_workbook(tmp_path / "excel.xlsx")
    [sheet] = importer.read_sheets(path)
    assert sheet.name == "Data IKM"
    assert sheet.rows == [
        (1, ("Nama Usaha", "Tanggal SK")),
        (2, ("Batik Sari", datetime(2024, 11, 27), "x", True, "#N/A")),
        (4, ("Tahu", None, 3374014501900001, 1500.0)),
    ]
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    theirs = [row for row in book.active.iter_rows(values_only=True) if any(c is not None for c in row)]
    book.close()
    assert [r for _n, r in sheet.rows] == [t[: len(r)] for (_n, r), t in zip(sheet.rows, theirs, strict=True)]
