"""``ikmtui report``: every report in every format, files that hold the figures, one clear line for mistakes."""

from __future__ import annotations

import html
import json
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest

from ikmtui.cli import main
from ikmtui.domain.money import format_rupiah
from ikmtui.reports.catalog import REPORTS, build_report, render
from ikmtui.reports.common import tables_of
from ikmtui.reports.period import parse_period
from ikmtui.storage import Database

AS_OF = "2026-11-01"
DAY = date(2026, 11, 1)


class _Tags(HTMLParser):
    VOID = {"meta", "br", "hr", "img", "link", "input"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.ok = True

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        self.ok = self.ok and bool(self.stack) and self.stack.pop() == tag


def balanced(page: str) -> bool:
    """Every element of the page is closed, in order (a valid, printable document)."""
    parser = _Tags()
    parser.feed(page)
    return parser.ok and not parser.stack


def run(*args: str) -> int:
    return main(["report", *args, "--as-of", AS_OF])


def figures(capsys: pytest.CaptureFixture[str], db_path: Path, name: str = "overview", *extra: str) -> dict:
    assert run(name, "--db", str(db_path), "--format", "json", *extra) == 0
    return json.loads(capsys.readouterr().out)


def test_html_file_holds_the_figures(capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path) -> None:
    data = figures(capsys, db_path, "overview", "--period", "2026")
    out = tmp_path / "laporan" / "ikhtisar.html"
    assert run("overview", "--db", str(db_path), "--period", "2026", "--out", str(out)) == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert balanced(page)
    text = html.unescape(page)
    assert "Ikhtisar Program SMART" in text and "Tahun 2026" in text
    for amount in (data["investment"]["total"], data["credit"]["outstanding"], data["gallery"]["revenue"]):
        assert format_rupiah(amount) in text
    assert f'<div class="value">{data["ikm"]["total"]}</div>' in page
    assert "Menulis" in capsys.readouterr().err


def test_svg_file_holds_the_figures(capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path) -> None:
    data = figures(capsys, db_path, "credit", "--period", "2026")
    out = tmp_path / "kredit.svg"
    assert run("credit", "--db", str(db_path), "--period", "2026", "--format", "svg", "--out", str(out)) == 0
    svg = out.read_text(encoding="utf-8")
    ElementTree.fromstring(svg)  # valid XML
    text = html.unescape(svg).replace("\xa0", " ")
    assert "Laporan Kredit" in text
    assert format_rupiah(data["outstanding"]) in text
    assert format_rupiah(data["disbursed_amount"]) in text


@pytest.mark.parametrize("name", [n for n in REPORTS if n != "profile"])
@pytest.mark.parametrize("fmt", ["text", "md", "html", "svg", "json"])
def test_every_report_in_every_format(db: Database, name: str, fmt: str) -> None:
    report = build_report(tables_of(db), name, parse_period("2026"), DAY)
    out = render(report, fmt)
    assert (
        report.document.title
        in (json.dumps(report.data, ensure_ascii=False) if fmt == "json" else html.unescape(out).replace("\xa0", " "))
        or fmt == "json"
    )
    assert "\x1b[" not in out  # files never get colour codes
    if fmt == "json":
        assert json.loads(out)["report"] == name


def test_report_to_excel(db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "ikhtisar.xlsx"
    assert run("overview", "--db", str(db_path), "--period", "2026", "--out", str(out)) == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[0] == "Ringkasan" and "Menurut kecamatan" in book.sheetnames
    rows = list(book["Menurut kecamatan"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Kecamatan", "Terdaftar", "Baru")
    assert rows[-1][0] == "Jumlah" and rows[-1][1] == sum(r[1] for r in rows[1:-1])
    money = [c for c in book["Ringkasan"]["B"] if isinstance(c.value, int) and c.number_format.startswith('"Rp"')]
    assert money


def test_text_on_a_pipe_is_plain_and_wide(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    assert run("gallery", "--db", str(db_path), "--period", "2026") == 0
    out = capsys.readouterr().out
    assert "Laporan Galeri" in out and "\x1b[" not in out
    assert max(len(line) for line in out.splitlines()) > 80


def test_profile_of_one_ikm_masks_the_nik(capsys: pytest.CaptureFixture[str], db: Database) -> None:
    ikm = db.all("ikm")[3]
    assert run("profile", "--db", str(db.path), "--ikm", ikm["code"].lower()) == 0
    out = capsys.readouterr().out
    assert ikm["name"] in out and ikm["owner_nik"] not in out
    assert ikm["owner_nik"][:4] + "********" + ikm["owner_nik"][-4:] in out
    data = figures(capsys, db.path, "ikm", "--ikm", ikm["code"])
    assert data["report"] == "profile" and data["ikm"]["code"] == ikm["code"]
    enrolled = [e for e in db.all("enrollments") if e["ikm_id"] == ikm["id"]]
    assert len(data["trainings"]) == len(enrolled)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["overview", "--period", "2026-13"], "bukan periode"),
        (["laporan-x"], "Laporan 'laporan-x' tidak dikenal"),
        (["profile", "--ikm", "IKM-999999"], "Tidak ada IKM dengan kode IKM-999999"),
        (["profile"], "memerlukan kode IKM"),
        (["credit", "--ikm", "IKM-000001"], "--ikm hanya"),
        (["overview", "--format", "docx"], "Format 'docx' tidak dikenal"),
        (["overview", "--out", "laporan.docx"], "akhiri nama berkas"),
    ],
)
def test_mistakes_give_one_clear_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], db_path: Path, args: list[str], message: str
) -> None:
    assert run(*args, "--db", str(db_path)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("ikmtui: ") and message in err
    assert "Traceback" not in err


def test_mistakes_in_english(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    assert main(["report", "overview", "--period", "Q9", "--db", str(db_path), "--lang", "en"]) == 2
    assert "is not a period" in capsys.readouterr().err


@pytest.mark.parametrize("name", list(REPORTS))
def test_empty_database_says_so(capsys: pytest.CaptureFixture[str], empty_db: Database, name: str) -> None:
    extra = ["--ikm", "IKM-000001"] if name == "profile" else []
    code = run(name, "--db", str(empty_db.path), *extra)
    out, err = capsys.readouterr()
    if name == "profile":
        assert code == 2 and "Tidak ada IKM dengan kode IKM-000001" in err
        return
    assert code == 0, err
    assert "belum berisi data" in out
    data = figures(capsys, empty_db.path, name)
    assert data["empty"] is True


def test_empty_database_never_divides_by_zero(empty_db: Database) -> None:
    for name in (n for n in REPORTS if n != "profile"):
        for period in ("all", "2026", "2026-Q4", "2026-11"):
            report = build_report(tables_of(empty_db), name, parse_period(period), DAY)
            for fmt in ("md", "html", "json"):
                assert render(report, fmt)
    overview = build_report(tables_of(empty_db), "overview", parse_period("all"), DAY).data
    assert overview["training"]["completion_rate"] is None and overview["credit"]["par30"] == 0.0


def test_a_period_without_data_says_so(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    assert run("overview", "--db", str(db_path), "--period", "1999") == 0
    out = re.sub(r"\s+", " ", capsys.readouterr().out)
    assert "Tidak ada yang tercatat pada Tahun 1999" in out
    data = figures(capsys, db_path, "overview", "--period", "1999")
    assert data["quiet"] is True and data["ikm"]["total"] == 0 and data["training"]["completion_rate"] is None
    assert run("training", "--db", str(db_path), "--period", "1999") == 0
    assert "Tidak ada pelatihan yang diselenggarakan" in re.sub(r"\s+", " ", capsys.readouterr().out)


def test_area_reports_agree_with_the_overview(db: Database) -> None:
    tables, period = tables_of(db), parse_period("2026")
    overview = build_report(tables, "overview", period, DAY).data
    credit = build_report(tables, "credit", period, DAY).data
    training = build_report(tables, "training", period, DAY).data
    gallery = build_report(tables, "gallery", period, DAY).data
    ikm = build_report(tables, "ikm", period, DAY).data
    clusters = build_report(tables, "clusters", period, DAY).data
    assert {k: credit[k] for k in overview["credit"]} == overview["credit"]
    assert training["batches_held"] == overview["training"]["batches_held"] == len(training["batches"])
    assert training["certificates"] == overview["training"]["certificates"]
    assert sum(c["certificates"] for c in training["by_course"].values()) == training["certificates"]
    assert sum(b["participants"] for b in training["batches"]) == overview["training"]["participants"]
    assert gallery["revenue"] == overview["gallery"]["revenue"]
    assert sum(p["revenue"] for p in gallery["payouts"].values()) == gallery["revenue"]
    assert sum(v["revenue"] for v in gallery["sales_by_period"].values()) == gallery["revenue"]
    assert ikm["total"] == overview["ikm"]["total"] and ikm["new"] == sum(ikm["new_by_period"].values())
    assert clusters["ikm_in_clusters"] == overview["clusters"]["members"]
    assert sum(v["amount"] for v in credit["disbursed_by_period"].values()) == credit["disbursed_amount"]
    assert all(a["days_past_due"] > 0 for a in credit["arrears"])
