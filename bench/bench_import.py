"""How long importing 10,000 IKM rows from an Excel workbook takes (and from a CSV file).

    /work/venv/bin/python bench/bench_import.py [--rows 10000] [--runs 3]

The workbook is built here with openpyxl: a title row, Indonesian headers, and values the way office lists
hold them (NIB as numbers, NIK with spaces, ``Rp 150.000.000,-``, ``+62`` phones, kecamatan in capitals, the
workers as one total). Each run imports it into a fresh copy of the 60-IKM demo database through
``ikmtui.io.importer.import_file`` (read, check every row with the record models, write in one transaction).
Printed: the median of each part (read, check, write) and of the whole import (wall clock, and the CPU time of
this process, which other load on the machine disturbs less), for the .xlsx and a semicolon CSV (Windows-1252)
with the same rows; then the reading of the .xlsx alone in CPU time: the bounded checks of the zip
(``importer.workbook``), python-calamine, the whole of ``read_sheets`` (both, and the values made as openpyxl
gives them), and openpyxl read-only for comparison.
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

HEADERS = [
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
    "Jumlah Tenaga Kerja",
    "Nilai Investasi (Rp)",
    "Omzet per Tahun",
    "Tahun Berdiri",
    "Status",
]
KBLI = ("10213", "10710", "10794", "13134", "14111", "16293", "31001", "32120")


def rows(n: int, seed: int = 3) -> list[list[object]]:
    from ikmtui.domain import reference

    rng = random.Random(seed)
    kecamatan = reference.regions().kecamatan
    out: list[list[object]] = []
    for i in range(1, n + 1):
        k = rng.randrange(len(kecamatan))
        kec = kecamatan[k]
        born = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 40 * 365))
        day = born.day + (40 if rng.random() < 0.5 else 0)
        nik = f"3374{k + 1:02d}{day:02d}{born.month:02d}{born.year % 100:02d}{i % 9999 + 1:04d}"
        investment = rng.randrange(5, 900) * 1_000_000
        out.append(
            [
                i,
                f"Usaha Bench {i}",
                f"Pemilik {i}",
                f"{nik[:4]} {nik[4:8]} {nik[8:12]} {nik[12:]}",
                7_000_000_000_000 + i,
                f"Jl. Contoh No. {i}",
                rng.choice(kec.kelurahan).lower(),
                kec.name.upper(),
                f"+62 812 {rng.randrange(1000, 9999)} {rng.randrange(1000, 9999)}",
                int(rng.choice(KBLI)),
                "produk olahan",
                f"{rng.randrange(1, 30)} orang",
                f"Rp {investment:,}".replace(",", ".") + ",-",
                investment * 2,
                rng.randrange(1990, 2025),
                "Aktif",
            ]
        )
    return out


def build_xlsx(path: Path, data: list[list[object]]) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Data IKM")
    sheet.append(["DATA IKM KOTA SEMARANG (bench)"])
    sheet.append(HEADERS)
    for row in data:
        sheet.append(row)
    book.save(path)


def build_csv(path: Path, data: list[list[object]]) -> None:
    with path.open("w", encoding="cp1252", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(HEADERS)
        writer.writerows(data)


def run_once(source_file: Path, demo: Path, folder: Path) -> dict[str, float]:
    from ikmtui.io.importer import import_source, load
    from ikmtui.storage import Database

    target = folder / "bench.json"
    for leftover in folder.glob("bench.json*"):
        leftover.unlink()
    shutil.copyfile(demo, target)
    db = Database(target, "bench")
    before = db.count("ikm")
    times: dict[str, float] = {}
    cpu = time.process_time()
    started = time.perf_counter()
    source = load(source_file)
    times["read"] = time.perf_counter() - started
    marks: dict[str, float] = {}

    def progress(phase: str, done: int, total: int) -> None:
        marks.setdefault(phase, time.perf_counter())

    report = import_source(db, source, progress=progress)
    end = time.perf_counter()
    times["check"] = marks.get("write", end) - (started + times["read"])
    times["write"] = end - marks.get("write", end)
    times["total"] = end - started
    times["cpu"] = time.process_time() - cpu
    assert report.ok and report.inserted == len(source.rows), (report.problems[:3], report.inserted)
    assert db.count("ikm") == before + report.inserted
    return times


def cpu_of(work: Callable[[], object], runs: int) -> float:
    """The median CPU seconds of ``work``."""
    times = []
    for _ in range(runs):
        started = time.process_time()
        work()
        times.append(time.process_time() - started)
    return statistics.median(times)


def reading(path: Path, runs: int) -> dict[str, float]:
    import io

    import openpyxl
    import python_calamine

    from ikmtui.io.importer import read_sheets, workbook

    data = path.read_bytes()

    def calamine() -> None:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        for _row in book.get_sheet_by_index(0).iter_rows():
            pass

    def with_openpyxl() -> None:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        for _row in book.worksheets[0].iter_rows(values_only=True):
            pass
        book.close()

    return {
        "checks": cpu_of(lambda: workbook._ZipCheck(path, data), runs),
        "calamine": cpu_of(calamine, runs),
        "read_sheets": cpu_of(lambda: read_sheets(path), runs),
        "openpyxl": cpu_of(with_openpyxl, runs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from ikmtui.demodata import write_demo

    with tempfile.TemporaryDirectory(prefix="ikmtui-bench-import-") as tmp:
        folder = Path(tmp)
        demo = write_demo(folder / "demo.json", businesses=60, seed=7)
        data = rows(args.rows)
        xlsx, text = folder / "ikm.xlsx", folder / "ikm.csv"
        started = time.perf_counter()
        build_xlsx(xlsx, data)
        print(
            f"built {xlsx.name}: {args.rows:,} rows, {xlsx.stat().st_size / 1e6:.1f} MB in "
            f"{time.perf_counter() - started:.1f} s"
        )
        build_csv(text, data)
        for label, path in (("xlsx", xlsx), ("csv ", text)):
            runs = [run_once(path, demo, folder) for _ in range(args.runs)]
            median = {part: statistics.median(r[part] for r in runs) for part in runs[0]}
            print(
                f"import {args.rows:,} IKM rows from {label}: {median['total']:.2f} s "
                f"(read {median['read']:.2f} s, check {median['check']:.2f} s, write {median['write']:.2f} s; "
                f"CPU {median['cpu']:.2f} s; median of {args.runs})"
            )
        cpu = reading(xlsx, args.runs)
        print(
            f"read {args.rows:,} rows from xlsx, CPU: read_sheets {cpu['read_sheets']:.2f} s (zip checks "
            f"{cpu['checks']:.2f} s, python-calamine {cpu['calamine']:.2f} s, values the rest); openpyxl "
            f"read-only {cpu['openpyxl']:.2f} s; median of {args.runs}"
        )


if __name__ == "__main__":
    main()
