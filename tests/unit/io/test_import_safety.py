"""Bounded work on untrusted files (issue 17, items 11 and 12): what an import reads and how much.

Each test makes the file that broke the importer (a FIFO, ``/dev/zero``, a workbook with a cell at column
ZZZZZ, a zip bomb, a CSV with a 10 MB cell ...) and shows it refused at once with one clear line, in bounded
memory, the database untouched. The command-line runs that measure time and memory run in a subprocess with an
address-space limit, so a regression fails the test instead of swapping the machine.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

from ikmtui.cli import main
from ikmtui.io import importer
from ikmtui.io.importer import bounds
from ikmtui.storage import Database
from tests.unit.io.test_import import IKM_HEADERS, files_of, ikm_row, write_csv, write_xlsx

#: Runs ``ikmtui`` and reports, on its last stderr line, the seconds (wall clock and CPU) and the peak memory
#: (KiB) of the command. Tests compare the CPU time: the machine running them may be busy with other work.
_MEASURED = """
import sys, time
from ikmtui.cli import main
start, cpu = time.perf_counter(), time.process_time()
code = main(sys.argv[1:])
# VmHWM is this program's own peak: ru_maxrss would also count the test process it was forked from.
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(f"@@ {time.perf_counter() - start:.3f} {time.process_time() - cpu:.3f} {peak}", file=sys.stderr)
sys.exit(code)
"""
#: A child may not grow beyond this: the bug took gigabytes.
_ADDRESS_LIMIT = 1_500_000_000


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (_ADDRESS_LIMIT, _ADDRESS_LIMIT))


@dataclass
class Run:
    code: int
    err: str  # stderr without the measure
    wall: float  # seconds
    cpu: float  # seconds
    peak: float  # MB


def measured_import(path: Path, db_path: Path, *extra: str) -> Run:
    """``ikmtui import PATH --dry-run`` in a subprocess, measured."""
    env = {**os.environ, "IKMTUI_LANG": "id"}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _MEASURED,
            "import",
            str(path),
            "--db",
            str(db_path),
            "--user",
            "tester",
            "--dry-run",
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        preexec_fn=_limit_memory,
    )
    *lines, measure = done.stderr.splitlines() or [""]
    assert measure.startswith("@@ "), done.stderr
    wall, cpu, peak_kib = measure.split()[1:]
    return Run(done.returncode, "\n".join(lines) + "\n", float(wall), float(cpu), int(peak_kib) / 1024)


def assert_refused(run: Run, *words: str, cpu: float | None = 1, peak: float = 200) -> None:
    """Exit 2 with one line naming ``words``, within ``cpu`` seconds of work and ``peak`` MB."""
    code, err = run.code, run.err
    assert code == 2, err
    assert err.startswith("ikmtui: ") and err.count("\n") == 1, err
    assert "Traceback" not in err and "unexpected" not in err and "tidak terduga" not in err, err
    for word in words:
        assert word in err, err
    assert cpu is None or run.cpu < cpu, run
    assert run.peak < peak, run
    assert run.wall < 20, run  # no waiting (a FIFO), however busy the machine is


# ------------------------------------------------------------------------------------------------ not a file
def test_dev_zero_is_refused_at_once(db_path: Path) -> None:
    before = files_of(db_path)
    assert_refused(measured_import(Path("/dev/zero"), db_path), "/dev/zero", "bukan berkas biasa")  # was 2.9 GB
    assert files_of(db_path) == before


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path, db_path: Path) -> None:
    fifo = tmp_path / "daftar.csv"
    os.mkfifo(fifo)
    run = measured_import(fifo, db_path)  # the bug: blocked forever in open()
    assert_refused(run, "daftar.csv", "bukan berkas biasa")
    assert run.wall < 5, run


def test_a_link_to_a_device_is_refused(tmp_path: Path, db_path: Path) -> None:
    link = tmp_path / "ikm.xlsx"
    link.symlink_to("/dev/zero")
    with pytest.raises(ValueError, match="bukan berkas biasa"):
        importer.load(link)


def test_a_file_over_the_size_limit_is_refused_naming_the_limit(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_csv(tmp_path / "besar.csv", IKM_HEADERS, [ikm_row(i) for i in range(1, 40)])
    with path.open("a") as fh:
        fh.write("\n" * 2_000_000)
    monkeypatch.setattr(bounds, "MAX_IMPORT_BYTES", 1_500_000)
    with pytest.raises(ValueError, match=r"besar\.csv: .*paling besar 1\.5 MB"):
        importer.import_file(Database(db_path, "tester"), path, dry_run=True)


# ------------------------------------------------------------------------------------------------ .xlsx bounds
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PARTS = {
    "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>',
    "_rels/.rels": f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    f'relationships"><Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    f"</Relationships>",
    "xl/workbook.xml": f'<?xml version="1.0"?><workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
    f'<sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    f'package/2006/relationships"><Relationship Id="rId1" Type="{_REL}/worksheet" '
    f'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
    f'Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    "xl/sharedStrings.xml": f'<?xml version="1.0"?><sst xmlns="{_MAIN}"><si><t>Nama Usaha</t></si>'
    f"<si><t>NIB</t></si><si><t>Batik</t></si></sst>",
}
_HEAD = f'<?xml version="1.0"?><worksheet xmlns="{_MAIN}"><sheetData>'.encode()
_HEADER_ROW = b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
_TAIL = b"</sheetData></worksheet>"


def workbook(path: Path, sheet: bytes | Iterable[bytes], **parts: str) -> Path:
    """A minimal workbook whose sheet XML is ``sheet`` (chunks are streamed: a bomb is never in memory)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in {**_PARTS, **parts}.items():
            archive.writestr(name, text)
        if isinstance(sheet, bytes):
            archive.writestr("xl/worksheets/sheet1.xml", sheet)
        else:
            with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
                for chunk in sheet:
                    fh.write(chunk)
    return path


def one_row(cells: str, number: int = 2) -> bytes:
    return _HEAD + _HEADER_ROW + f'<row r="{number}">{cells}</row>'.encode() + _TAIL


def zzzzz_workbook(path: Path) -> Path:
    """The attack of the issue: a 20 KB workbook of real rows with one cell at column ZZZZZ of the header row."""
    write_xlsx(path, IKM_HEADERS, [ikm_row(i) for i in range(1, 160)])
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(
        b"</row>", b'<c r="ZZZZZ1" t="inlineStr"><is><t>catatan</t></is></c></row>', 1
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def test_a_20_kb_workbook_with_a_cell_at_column_zzzzz_is_refused_at_once_in_little_memory(
    tmp_path: Path, db_path: Path
) -> None:
    path = zzzzz_workbook(tmp_path / "lebar.xlsx")
    assert 10_000 < path.stat().st_size < 40_000
    before = files_of(db_path)
    assert_refused(measured_import(path, db_path), "lebar.xlsx", "ZZZZZ1", "200 kolom")  # was 3 GiB in 32 s
    assert files_of(db_path) == before


def test_a_cell_at_the_last_row_or_a_huge_dimension_allocates_nothing(tmp_path: Path) -> None:
    dimension = f'<?xml version="1.0"?><worksheet xmlns="{_MAIN}"><dimension ref="A1:ZZZZZ1048576"/><sheetData>'
    path = workbook(
        tmp_path / "jauh.xlsx",
        dimension.encode()
        + _HEADER_ROW
        + b'<row r="1048576"><c r="A1048576" t="s"><v>2</v></c><c r="XFD1048576" s="1"/></row>'
        + _TAIL,
    )
    started = time.process_time()
    [sheet] = importer.read_sheets(path)
    assert time.process_time() - started < 1
    assert sheet.rows == [(1, ("Nama Usaha", "NIB")), (1_048_576, ("Batik",))]


@pytest.mark.parametrize(
    "sheet",
    [
        one_row('<c r="A2" t="s"><v>2</v></c>', number=1_048_577),  # beyond Excel's last row
        one_row('<c r="A2" t="s"><v>99</v></c>'),  # no such shared string
        one_row('<c r="A2"><v>' + "9" * 5000 + "</v></c>"),  # a number too long to be one
    ],
)
def test_a_forged_sheet_is_damaged_not_a_crash(tmp_path: Path, sheet: bytes) -> None:
    with pytest.raises(ValueError, match="rusak"):
        importer.load(workbook(tmp_path / "palsu.xlsx", sheet))


def test_a_long_column_reference_is_not_turned_into_a_huge_number(tmp_path: Path) -> None:
    path = workbook(tmp_path / "ref.xlsx", one_row(f'<c r="{"Z" * 200_000}2" t="s"><v>2</v></c>'))
    started = time.process_time()
    with pytest.raises(importer.ImportTooLarge, match="200 kolom"):
        importer.load(path)
    assert time.process_time() - started < 1


def test_empty_formatted_cells_beyond_the_column_limit_are_still_skipped(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "format.xlsx",
        one_row('<c r="A2" t="s"><v>2</v></c><c r="ZZZ2" s="1"/><c r="ZZZZ2" t="inlineStr"><is><t> </t></is></c>'),
    )
    [sheet] = importer.read_sheets(path)
    assert sheet.rows[1] == (2, ("Batik",))


def test_a_cell_longer_than_excel_allows_is_refused_by_its_name(tmp_path: Path) -> None:
    text = "x" * (importer.MAX_CELL_CHARS + 1)
    path = workbook(tmp_path / "panjang.xlsx", one_row(f'<c r="B2" t="inlineStr"><is><t>{text}</t></is></c>'))
    with pytest.raises(importer.ImportTooLarge, match=r"B2 berisi 32\.768 karakter.*32\.767"):
        importer.load(path)


def test_rows_and_cells_beyond_the_limits_are_refused_naming_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_xlsx(tmp_path / "banyak.xlsx", IKM_HEADERS, [ikm_row(i) for i in range(1, 30)])
    monkeypatch.setattr(bounds, "MAX_ROWS", 20)
    with pytest.raises(importer.ImportTooLarge, match="lebih dari 20 baris"):
        importer.load(path)
    monkeypatch.setattr(bounds, "MAX_ROWS", 100)
    monkeypatch.setattr(bounds, "MAX_CELLS", 100)
    with pytest.raises(importer.ImportTooLarge, match="lebih dari 100 sel"):
        importer.load(path)


def test_a_zip_bomb_sheet_is_refused_before_it_is_unpacked(tmp_path: Path, db_path: Path) -> None:
    padding = b" " * 1_000_000  # XML whitespace: 300 MB unpacked, a few hundred KB packed
    path = workbook(tmp_path / "bom.xlsx", [_HEAD + _HEADER_ROW, *[padding] * 300, _TAIL])
    assert path.stat().st_size < 2_000_000
    assert_refused(measured_import(path, db_path), "bom.xlsx", "sheet1.xml", "200 MB")


def test_a_size_that_lies_in_the_zip_does_not_make_it_read_more(tmp_path: Path) -> None:
    path = workbook(tmp_path / "bohong.xlsx", one_row('<c r="A2" t="s"><v>2</v></c>'))
    data = bytearray(path.read_bytes())
    header = data.rindex(b"xl/worksheets/sheet1.xml") - 46  # its entry in the central directory
    assert data[header : header + 4] == b"PK\x01\x02"
    data[header + 24 : header + 28] = (20).to_bytes(4, "little")  # the uncompressed size, claimed to be 20 bytes
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="rusak"):
        importer.load(path)


def test_shared_strings_and_parts_beyond_their_limits_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = workbook(tmp_path / "teks.xlsx", one_row('<c r="A2" t="s"><v>2</v></c>'))
    monkeypatch.setattr(bounds, "MAX_STRINGS_XML_BYTES", 100)
    with pytest.raises(importer.ImportTooLarge, match=r"sharedStrings\.xml"):
        importer.load(path)
    monkeypatch.setattr(bounds, "MAX_STRINGS_XML_BYTES", 1_000_000)
    monkeypatch.setattr(bounds, "MAX_PART_XML_BYTES", 100)
    with pytest.raises(importer.ImportTooLarge, match=r"_rels/\.rels di dalam buku kerja"):
        importer.load(path)


def test_a_million_rows_of_one_text_are_refused_in_bounded_memory(tmp_path: Path, db_path: Path) -> None:
    """The "1 MB workbook that peaked at 2.4 GB": rows of cells all naming one shared string (a million rows
    are refused by their unpacked size at once; half a million are read up to the row limit)."""
    rows = (b"<row>" + b'<c t="s"><v>2</v></c>' * 10 + b"</row>") * 10_000  # no references: the next row, cell

    def sheet() -> Iterable[bytes]:
        yield _HEAD + _HEADER_ROW
        yield from [rows] * 50  # half a million rows: 110 MB of XML
        yield _TAIL

    path = workbook(tmp_path / "sejuta.xlsx", sheet())
    assert path.stat().st_size < 1_500_000
    assert_refused(measured_import(path, db_path), "sejuta.xlsx", "100.000 baris", cpu=None)  # reads 100,000 rows


def test_deeply_padded_rows_are_refused_not_kept(tmp_path: Path) -> None:
    path = workbook(tmp_path / "isi.xlsx", one_row("<c/>" * 300_000))
    with pytest.raises(importer.ImportTooLarge, match="elemen XML"):
        importer.load(path)
    path = workbook(tmp_path / "antara.xlsx", _HEAD + _HEADER_ROW + b"<x/>" * 300_000 + _TAIL)
    with pytest.raises(importer.ImportTooLarge, match="elemen XML"):
        importer.load(path)


def test_a_billion_laughs_sheet_is_damaged_at_once(tmp_path: Path) -> None:
    entities = '<!ENTITY a0 "ha">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
    sheet = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]><worksheet xmlns="{_MAIN}"><sheetData>'
        f'<row r="1"><c r="A1" t="inlineStr"><is><t>&a9;</t></is></c></row></sheetData></worksheet>'
    )
    started = time.process_time()
    with pytest.raises(ValueError, match="rusak"):
        importer.load(workbook(tmp_path / "tawa.xlsx", sheet.encode()))
    assert time.process_time() - started < 1


def test_a_zip_of_many_parts_is_refused_before_it_is_listed(tmp_path: Path) -> None:
    path = tmp_path / "bagian.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for i in range(importer.MAX_ZIP_ENTRIES + 1):
            archive.writestr(zipfile.ZipInfo(f"x{i}"), b"")
    started = time.process_time()
    with pytest.raises(importer.ImportTooLarge, match=r"10\.000 bagian"):
        importer.load(path)
    assert time.process_time() - started < 1


# ------------------------------------------------------------------------------------------------ .csv bounds
def _csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_csv_with_a_10_mb_cell_is_refused_by_its_row_not_a_crash(tmp_path: Path, db_path: Path) -> None:
    path = _csv(tmp_path / "sel.csv", "Nama Usaha;NIB;Kecamatan\nBatik;" + "x" * 10_000_000 + ";Tembalang\n")
    before = files_of(db_path)
    run = measured_import(path, db_path)  # the bug: "unexpected error: field larger than field limit"
    assert_refused(run, "sel.csv", "baris 2", "32.767 karakter")
    assert files_of(db_path) == before


def test_a_csv_cell_longer_than_excel_allows_is_refused_by_its_name(tmp_path: Path) -> None:
    path = _csv(tmp_path / "sel.csv", "Nama Usaha;NIB;Kecamatan\nBatik;" + "x" * 40_000 + ";Tembalang\n")
    with pytest.raises(importer.ImportTooLarge, match=r"sel B2 berisi 40\.000 karakter"):
        importer.load(path)


def test_a_csv_line_of_millions_of_separators_is_refused_before_it_is_split(tmp_path: Path, db_path: Path) -> None:
    path = _csv(tmp_path / "lebar.csv", "Nama Usaha;NIB;Kecamatan\n" + ";" * 3_000_000 + "x\n")
    assert_refused(measured_import(path, db_path), "lebar.csv", "baris 2", "200 kolom")


def test_a_csv_value_beyond_the_column_limit_is_refused_by_its_cell(tmp_path: Path) -> None:
    path = _csv(tmp_path / "jauh.csv", "Nama Usaha;NIB;Kecamatan\nBatik;1;Tembalang" + ";" * 247 + "catatan\n")
    with pytest.raises(importer.ImportTooLarge, match="sel IP2 berada di luar kolom GR"):
        importer.load(path)


def test_trailing_separators_of_a_wide_used_range_are_not_columns(tmp_path: Path) -> None:
    """Excel ends every CSV line at the last column of the sheet's used range: blank, and not refused."""
    path = _csv(tmp_path / "excel.csv", "Nama Usaha;NIB" + ";" * 5000 + "\nBatik;1" + ";" * 5000 + "\n")
    [sheet] = importer.read_sheets(path)
    assert sheet.rows == [(1, ("Nama Usaha", "NIB")), (2, ("Batik", "1"))]


@pytest.mark.parametrize(
    ("raw", "rows"),
    [
        (
            b'Nama Usaha;NIB\r\n"Batik\r\nSari";1\rTahu;2\nTempe;3',
            [(1, ("Nama Usaha", "NIB")), (2, ("Batik\r\nSari", "1")), (3, ("Tahu", "2")), (4, ("Tempe", "3"))],
        ),
        (b'a,b\rc,d\r"e\rf",g\r', [(1, ("a", "b")), (2, ("c", "d")), (3, ("e\rf", "g"))]),
    ],
)
def test_csv_lines_end_as_before_without_a_copy_of_the_text(
    tmp_path: Path, raw: bytes, rows: list[tuple[int, tuple[str, ...]]]
) -> None:
    """The lines are split by a regex now (io.StringIO held the text again at 4 bytes a character)."""
    path = tmp_path / "akhir.csv"
    path.write_bytes(raw)
    assert importer.read_sheets(path)[0].rows == rows


def test_a_nul_byte_anywhere_in_a_csv_is_binary_data(tmp_path: Path, db_path: Path) -> None:
    path = tmp_path / "nul.csv"
    path.write_bytes(b"Nama Usaha;NIB;Kecamatan\n" + b"Batik;1;Tembalang\n" * 20_000 + b"Bat\x00ik;2;Tembalang\n")
    assert_refused(measured_import(path, db_path), "nul.csv", "data biner")


def test_csv_rows_beyond_the_limit_and_a_million_blank_lines_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_csv(tmp_path / "banyak.csv", IKM_HEADERS, [ikm_row(i) for i in range(1, 30)])
    monkeypatch.setattr(bounds, "MAX_ROWS", 20)
    with pytest.raises(importer.ImportTooLarge, match="lebih dari 20 baris"):
        importer.load(path)
    monkeypatch.setattr(bounds, "MAX_ROWS", 100)
    monkeypatch.setattr(bounds, "MAX_CELLS", 100)
    with pytest.raises(importer.ImportTooLarge, match="lebih dari 100 sel"):
        importer.load(path)
    blank = _csv(tmp_path / "kosong.csv", "Nama Usaha;NIB\n" + "\n" * 1_100_000)
    started = time.process_time()
    with pytest.raises(importer.ImportTooLarge, match="baris"):
        importer.load(blank)
    assert time.process_time() - started < 3


# ------------------------------------------------------------------------------------------------ files written
def _run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str]:
    code = main(["import", *map(str, args), "--user", "tester"])
    return code, capsys.readouterr().err


def test_the_problem_report_and_a_template_never_overwrite_the_database(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path / "salah.csv", IKM_HEADERS, [ikm_row(1, Kecamatan="Atlantis")])
    before = files_of(db_path)
    for args in (
        [path, "--db", db_path, "--report", db_path],
        [path, "--db", db_path, "--report", db_path.with_name(db_path.name + ".journal")],
        ["--template", "ikm", "--db", db_path, "--out", db_path],
    ):
        code, err = _run(capsys, *args)
        assert code == 2 and "basis data" in err and err.count("\n") == 1, err
        assert files_of(db_path) == before


def test_the_problem_report_needs_force_over_a_file_is_private_and_holds_no_formula(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path / "rumus.csv", IKM_HEADERS, [ikm_row(1, Kecamatan='=HYPERLINK("http://x","y")')])
    report = tmp_path / "masalah.csv"
    report.write_text("milik orang lain")
    code, err = _run(capsys, path, "--db", db_path, "--dry-run", "--report", report)
    assert code == 2 and "--force" in err and report.read_text() == "milik orang lain"
    os.umask(umask := os.umask(0o022))
    try:
        code, _err = _run(capsys, path, "--db", db_path, "--dry-run", "--report", report, "--force")
    finally:
        os.umask(umask)
    assert code == 1
    written = report.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in written and ";=" not in written and "\n=" not in written
    assert report.stat().st_mode & 0o777 == 0o600


# ------------------------------------------------------------------------------------------------ demo bound
@pytest.mark.parametrize("count", ["100000000", "200001", "0", "-5", "banyak"])
def test_demo_businesses_is_bounded(tmp_path: Path, capsys: pytest.CaptureFixture[str], count: str) -> None:
    out = tmp_path / "demo.json"
    started = time.process_time()
    with pytest.raises(SystemExit) as exit_:  # argparse refuses it: usage and one line, exit 2
        main(["demo", "--out", str(out), "--businesses", count])
    assert exit_.value.code == 2 and time.process_time() - started < 1
    err = capsys.readouterr().err
    assert "jumlah IKM adalah bilangan bulat dari 1 sampai 200.000" in err and "Traceback" not in err
    assert not out.exists()


def test_demo_builder_refuses_an_unbounded_count_too() -> None:
    from ikmtui.demodata import MAX_BUSINESSES, build

    with pytest.raises(ValueError, match=r"1 sampai 200\.000 IKM"):
        build(MAX_BUSINESSES + 1)


# ------------------------------------------------------------------------------------------------ Import screen
def _uploads_and_server_files(tmp_path: Path, db: Database) -> Path:
    """Spreadsheets uploaded from a browser, and others on the server's disk that a browser must not see."""
    from ikmtui import paths

    uploads = paths.uploads_dir(Path(db.path))
    uploads.mkdir()
    write_xlsx(uploads / "unggahan.xlsx", IKM_HEADERS, [ikm_row(1), ikm_row(2)])
    write_csv(uploads / "daftar.csv", IKM_HEADERS, [ikm_row(3)])
    (uploads / "catatan.txt").write_text("bukan lembar kerja")
    (uploads / ".sementara.xlsx").write_bytes(b"x")
    (uploads / "folder.xlsx").mkdir()
    (tmp_path / "rahasia.xlsx").write_bytes(b"x")  # on the server, outside the uploads
    (uploads / "tautan.xlsx").symlink_to(tmp_path / "rahasia.xlsx")  # a link out of the folder
    return uploads


def report_text_of(screen: object, selector: str) -> str:
    from textual.widgets import Static

    static = screen.query_one(selector, Static)  # type: ignore[attr-defined]
    return str(static.render())


async def test_in_a_browser_the_import_screen_lists_only_uploaded_files(
    tmp_path: Path, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.widgets import DataTable, DirectoryTree, Input, OptionList

    from ikmtui.ui.importing.spreadsheet import ImportScreen
    from ikmtui.ui.kit import delivery
    from tests.app.test_import_screen import Host, report_text, settle

    uploads = _uploads_and_server_files(tmp_path, db)
    monkeypatch.setattr(delivery, "in_browser", lambda app: True)
    monkeypatch.chdir(tmp_path)  # the server's working folder holds spreadsheets too
    app = Host(db)
    async with app.run_test(size=(150, 50)) as pilot:
        screen = ImportScreen()
        app.push_screen(screen)
        await pilot.pause()
        assert not screen.query(DirectoryTree) and not screen.query(Input)  # no browsing, no typed server path
        listed = screen.query_one("#import-uploads", OptionList)
        names = [str(listed.get_option_at_index(i).prompt) for i in range(listed.option_count)]
        assert sorted(names) == ["daftar.csv", "unggahan.xlsx"]
        assert "tombol unggah" in report_text_of(screen, "#import-info")

        listed.highlighted = names.index("unggahan.xlsx")
        await pilot.press("enter")
        await settle(pilot, screen)
        assert screen.source is not None and screen.source.path == (uploads / "unggahan.xlsx").resolve()
        assert screen.query_one("#import-preview", DataTable).row_count == 2
        assert screen.report is not None and "unggahan.xlsx" in report_text(screen)

        write_csv(uploads / "baru.csv", IKM_HEADERS, [ikm_row(4)])  # uploaded while the screen is open
        screen.refresh_uploads()
        await pilot.pause()
        assert "baru.csv" in [str(listed.get_option_at_index(i).prompt) for i in range(listed.option_count)]


async def test_in_a_browser_a_path_outside_the_uploads_is_not_read(
    tmp_path: Path, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ikmtui.ui.importing.spreadsheet import ImportScreen
    from ikmtui.ui.kit import delivery
    from tests.app.test_import_screen import Host

    _uploads_and_server_files(tmp_path, db)
    outside = write_xlsx(tmp_path / "server.xlsx", IKM_HEADERS, [ikm_row(1)])
    monkeypatch.setattr(delivery, "in_browser", lambda app: True)
    app = Host(db)
    async with app.run_test(size=(150, 50)) as pilot:
        for path in (outside, tmp_path / "db.json.uploads" / ".." / "server.xlsx"):
            screen = ImportScreen(path)
            app.push_screen(screen)
            await pilot.pause()
            assert screen.picked is None and screen.source is None and not screen.busy
            await pilot.press("escape")
            await pilot.pause()
        screen = ImportScreen()
        app.push_screen(screen)
        await pilot.pause()
        assert screen._uploaded(Path("tautan.xlsx")) is None  # the link out of the folder


async def test_in_a_terminal_a_picked_fifo_is_refused_at_once(tmp_path: Path, db: Database) -> None:
    from ikmtui.ui.importing.spreadsheet import ImportScreen
    from tests.app.test_import_screen import Host, report_text, settle

    fifo = tmp_path / "pipa.csv"
    os.mkfifo(fifo)
    app = Host(db)
    async with app.run_test(size=(150, 50)) as pilot:
        screen = ImportScreen(fifo)
        app.push_screen(screen)
        await settle(pilot, screen)
        assert "bukan berkas biasa" in report_text(screen)
        await pilot.press("ctrl+s")
        await settle(pilot, screen)
        assert "bukan berkas biasa" in report_text(screen) and app.saved == 0 and app.is_running
