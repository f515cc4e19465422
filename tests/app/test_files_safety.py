"""Files the app writes for an officer: never onto the database or its parts, never over an existing file without
a yes (``--force``), owner-only whatever the umask, no live formula in a spreadsheet; the error log owner-only."""

from __future__ import annotations

import csv
import os
import re
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pytest
from textual.widgets import Input

from ikmtui.cli import main
from ikmtui.storage import Database
from ikmtui.ui.app import make_app
from ikmtui.ui.kit.dialogs import ConfirmScreen, PromptScreen
from ikmtui.ui.reports.catalog import ReportsScreen

AS_OF = "2026-11-01"


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IKMTUI_TODAY", AS_OF)


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def used_db(db_path: Path) -> Path:
    """The demo database after one save: it has a journal (and a lock file, if storage keeps one)."""
    db = Database(db_path, "tester")
    ikm = db.all("ikm")[0]
    db.update("ikm", ikm["id"], {"phone": "0241234567"}, expected_version=ikm["version"])
    db.close()
    backups = db_path.with_name(db_path.name + ".backups")
    backups.mkdir(exist_ok=True)
    (backups / "ikmtui-2026-11-01.json").write_bytes(db_path.read_bytes())
    return db_path


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (the database and its parts) with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert err.startswith("ikmtui: ") and "\n" not in err and "Traceback" not in err
    return err


# ---------------------------------------------------------------------------------------------- report --out
def parts(db_path: Path) -> list[Path]:
    name = db_path.name
    backups = db_path.with_name(name + ".backups")
    return [
        db_path,
        db_path.with_name(name + ".journal"),
        db_path.with_name(name + ".lock"),
        backups,
        backups / "laporan.html",
        backups / "ikmtui-2026-11-01.json",
        db_path.with_name(name + ".media") / "x.md",
        db_path.with_name(name + ".journal.stale-20261204-081500"),
    ]  # a journal set aside is kept too


@pytest.mark.parametrize("which", range(8))
def test_report_out_onto_the_database_or_its_parts_is_refused(
    capsys: pytest.CaptureFixture[str], db_path: Path, which: int
) -> None:
    used_db(db_path)
    before = snapshot(db_path.parent)
    target = parts(db_path)[which]
    # --format: a name like .journal would otherwise be refused for its extension before the guard is asked
    assert main(["report", "overview", "--db", str(db_path), "--out", str(target), "--format", "html"]) == 2
    err = one_line_error(capsys)
    assert "basis data atau salah satu berkasnya" in err
    assert snapshot(db_path.parent) == before
    # --force does not make the database a report either
    assert main(["report", "overview", "--db", str(db_path), "--out", str(target), "--format", "json", "--force"]) == 2
    assert snapshot(db_path.parent) == before
    assert Database(db_path, "tester").all("ikm")  # still opens


def test_report_out_through_a_symlink_or_dots_to_the_database_is_refused(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    before = db_path.read_bytes()
    link = tmp_path / "laporan.html"
    link.symlink_to(db_path)
    (tmp_path / "sub").mkdir()
    for target in (link, tmp_path / "sub" / ".." / db_path.name):
        assert main(["report", "overview", "--db", str(db_path), "--out", str(target), "--force"]) == 2
        assert "basis data" in one_line_error(capsys)
    assert db_path.read_bytes() == before and link.is_symlink()


def test_report_over_an_existing_file_needs_force(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "catatan.html"
    out.write_text("my notes", encoding="utf-8")
    assert main(["report", "overview", "--db", str(db_path), "--out", str(out), "--as-of", AS_OF]) == 2
    assert "--force" in one_line_error(capsys)
    assert out.read_text(encoding="utf-8") == "my notes"
    assert main(["report", "overview", "--db", str(db_path), "--out", str(out), "--as-of", AS_OF, "--force"]) == 0
    assert "<!DOCTYPE html>" in out.read_text(encoding="utf-8")
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]  # no temp left behind


def test_export_onto_the_database_parts_or_an_existing_file_is_refused(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    used_db(db_path)
    before = snapshot(tmp_path)
    backups = db_path.with_name(db_path.name + ".backups")
    for args in (
        ["--out", str(backups / "rekap.xlsx")],
        ["--format", "csv", "--out", str(backups)],
        ["--format", "csv", "--out", str(db_path.with_name(db_path.name + ".media"))],
        ["--format", "csv", "--out", str(db_path)],
    ):
        assert main(["export", "--db", str(db_path), *args, "--force"]) == 2, args
        one_line_error(capsys)
        assert snapshot(tmp_path) == before
    out = tmp_path / "rekap.xlsx"
    out.write_bytes(b"an older export")
    assert main(["export", "--db", str(db_path), "--out", str(out)]) == 2
    assert "--force" in one_line_error(capsys)
    assert out.read_bytes() == b"an older export"
    audit = [a["action"] for a in Database(db_path, "tester").all("audit")]
    assert "export" not in audit  # nothing recorded for an export that did not happen
    assert main(["export", "--db", str(db_path), "--out", str(out), "--force"]) == 0
    assert zipfile.is_zipfile(out)
    folder = tmp_path / "csv"
    assert main(["export", "--db", str(db_path), "--format", "csv", "--out", str(folder)]) == 0
    capsys.readouterr()
    assert main(["export", "--db", str(db_path), "--format", "csv", "--out", str(folder)]) == 2
    assert "ikm.csv" in one_line_error(capsys)
    assert main(["export", "--db", str(db_path), "--format", "csv", "--out", str(folder), "--force"]) == 0


# ---------------------------------------------------------------------------------------------- Reports screen
async def open_reports(app, pilot) -> ReportsScreen:  # type: ignore[no-untyped-def]
    await pilot.press("7")
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(app.screen, ReportsScreen)
    return app.screen


async def export_to(app, pilot, path: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("x")
    await pilot.pause()
    assert isinstance(app.screen, PromptScreen)
    app.screen.query_one(Input).value = path
    await pilot.press("enter")
    await pilot.pause()


def errors_shown(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(n.message) for n in app._notifications if n.severity == "error"]


async def test_reports_screen_refuses_the_database_and_asks_before_overwriting(db: Database, tmp_path: Path) -> None:
    """A typed database path (or a part of it) is refused with a message, the files byte-identical; an existing
    file is overwritten only after a yes (n keeps it)."""
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_reports(app, pilot)
        before = snapshot(tmp_path)
        journal = db.path.with_name(db.path.name + ".journal")
        for target in (db.path, journal, db.path.parent / "x" / ".." / "ikmtui.json"):
            await export_to(app, pilot, str(target))
            assert app.screen is screen
            assert "basis data atau salah satu berkasnya" in errors_shown(app)[-1]
            assert snapshot(tmp_path) == before
        notes = tmp_path / "catatan.md"
        notes.write_text("my notes", encoding="utf-8")
        await export_to(app, pilot, str(notes))
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen and notes.read_text(encoding="utf-8") == "my notes"
        await export_to(app, pilot, str(notes))
        await pilot.press("y")
        await pilot.pause()
        assert notes.read_text(encoding="utf-8").startswith("# ")
    assert db.path.read_bytes() == before[db.path.name]


async def test_reports_screen_in_a_browser_writes_only_into_its_own_folder(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a browser a typed path is only a file name: the report goes to a folder of the app's own and is sent
    as a download; the server's files, the database among them, are not touched."""
    import ikmtui.ui.reports.catalog as reports_module

    sent: list[Path] = []
    monkeypatch.setattr(reports_module, "in_browser", lambda app: True)
    monkeypatch.setattr(reports_module, "deliver_file", lambda app, path, **kw: sent.append(Path(path)))
    before = snapshot(tmp_path)
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_reports(app, pilot)
        await export_to(app, pilot, str(db.path.with_suffix(".md")))
        await export_to(app, pilot, str(db.path.with_suffix(".md")))  # again: its own file, no question
    assert snapshot(tmp_path) == before
    assert len(sent) == 2 and sent[0].name == "ikmtui.md" and tmp_path not in sent[0].parents
    assert stat.S_IMODE(sent[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(sent[0].parent.stat().st_mode) == 0o700


# ---------------------------------------------------------------------------------------------- owner-only files
def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_exports_and_reports_are_owner_only_under_umask_022(umask_022: None, db_path: Path, tmp_path: Path) -> None:
    probe = tmp_path / "probe"
    probe.write_text("x")
    assert mode(probe) == 0o644  # what an ordinary file gets under this umask
    xlsx = tmp_path / "out" / "pribadi.xlsx"
    assert main(["export", "--db", str(db_path), "--out", str(xlsx), "--with-personal-data"]) == 0
    assert mode(xlsx) == 0o600
    folder = tmp_path / "out" / "csv-pribadi"
    assert main(["export", "--db", str(db_path), "--format", "csv", "--out", str(folder), "--with-personal-data"]) == 0
    assert mode(folder) == 0o700
    files = sorted(folder.iterdir())
    assert len(files) == 10 and {mode(f) for f in files} == {0o600}
    assert main(["export", "--db", str(db_path), "--format", "csv", "--out", str(folder), "--force"]) == 0
    assert {mode(f) for f in folder.iterdir()} == {0o600}  # overwritten files stay owner-only
    for name in ("ikhtisar.html", "ikhtisar.xlsx", "ikhtisar.json"):
        out = tmp_path / "out" / name
        assert main(["report", "overview", "--db", str(db_path), "--out", str(out), "--as-of", AS_OF]) == 0
        assert mode(out) == 0o600, name
    assert not [p for p in (tmp_path / "out").rglob("*") if ".tmp-" in p.name]


def test_csv_export_into_an_existing_folder_keeps_the_folder_as_it_was(
    umask_022: None, db_path: Path, tmp_path: Path
) -> None:
    """An officer's own folder is not re-permissioned (it may be their home); the files in it are 0600."""
    folder = tmp_path / "dokumen"
    folder.mkdir(mode=0o755)
    (folder / "surat.txt").write_text("kept")
    assert main(["export", "--db", str(db_path), "--format", "csv", "--out", str(folder), "--tables", "ikm"]) == 0
    assert mode(folder) == 0o755 and mode(folder / "ikm.csv") == 0o600
    assert (folder / "surat.txt").read_text() == "kept"


def raise_defect(monkeypatch: pytest.MonkeyPatch) -> None:
    import ikmtui.commands.report as report_command

    def broken(args: object) -> int:
        raise RuntimeError("a defect with NIK 3374010101900001 in it")

    monkeypatch.setattr(report_command, "run", broken)


def test_the_error_log_is_owner_only_in_the_users_own_folder(
    umask_022: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ikmtui import cli

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    raise_defect(monkeypatch)
    assert main(["report", "overview"]) == 1
    err = capsys.readouterr().err.strip()
    log = cli.error_log_path()
    assert err.count("\n") == 0 and "Traceback" not in err and str(log) in err
    assert log.is_relative_to(tmp_path / "state") and "/tmp/ikmtui-error.log" not in err
    assert mode(log) == 0o600 and mode(log.parent) == 0o700
    assert "RuntimeError" in log.read_text(encoding="utf-8")
    log.chmod(0o644)  # as an older version left it
    assert main(["report", "overview"]) == 1
    assert mode(log) == 0o600 and log.read_text(encoding="utf-8").count("RuntimeError: a defect") == 2


def test_the_error_log_never_follows_a_planted_link(
    umask_022: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ikmtui import cli

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched")
    log = cli.error_log_path()
    log.parent.mkdir(parents=True)
    log.symlink_to(victim)
    raise_defect(monkeypatch)
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # TMPDIR read afresh
    assert main(["report", "overview"]) == 1
    assert victim.read_text() == "untouched"
    written = [p for p in (tmp_path / "tmp").iterdir() if p.name.startswith("ikmtui-error-")]
    assert len(written) == 1 and mode(written[0]) == 0o600 and "RuntimeError" in written[0].read_text()
    assert str(written[0]) in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------- no live formulas
PAYLOADS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"]
FORMULA_CHARS = ("=", "+", "-", "@", "\t", "\r")
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def poisoned(db_path: Path) -> Database:
    """Six IKM, six gallery products and other texts named after the payloads, written as stored (below the
    services' checks, as an import or an older version could have left them); one turnover negative."""
    db = Database(db_path, "tester")
    ikm = db.all("ikm")[:6]
    for doc, payload in zip(ikm, PAYLOADS, strict=True):
        db.update(
            "ikm",
            doc["id"],
            {
                "name": payload,
                "owner_name": payload,
                "product": payload,
                "address": payload,
                "phone": payload,
                "turnover": -5,
            },
            expected_version=doc["version"],
        )
    listings = db.all("gallery_listings")[:6]
    for doc, payload in zip(listings, PAYLOADS, strict=True):
        db.update(
            "gallery_listings",
            doc["id"],
            {"product_name": payload, "sku": payload, "ikm_id": ikm[0]["id"]},
            expected_version=doc["version"],
        )
    for doc, payload in zip(db.all("clusters")[:6], PAYLOADS, strict=False):
        db.update("clusters", doc["id"], {"name": payload, "coordinator": payload}, expected_version=doc["version"])
    return db


def xlsx_cells(path: Path) -> tuple[list[str], list[tuple[str, bool]], list[float]]:
    """From the workbook's XML: formula elements, every text cell as (text, has Excel's quote prefix), numbers."""
    with zipfile.ZipFile(path) as book:
        names = book.namelist()
        shared: list[str] = []
        if "xl/sharedStrings.xml" in names:
            root = ElementTree.fromstring(book.read("xl/sharedStrings.xml"))
            shared = ["".join(t.text or "" for t in si.iter(f"{MAIN}t")) for si in root.iter(f"{MAIN}si")]
        styles = ElementTree.fromstring(book.read("xl/styles.xml"))
        xfs = styles.find(f"{MAIN}cellXfs")
        quoted = [xf.get("quotePrefix") in ("1", "true") for xf in (xfs if xfs is not None else [])]
        formulas: list[str] = []
        texts: list[tuple[str, bool]] = []
        numbers: list[float] = []
        for name in names:
            if not name.startswith("xl/worksheets/sheet"):
                continue
            raw = book.read(name)
            for cell in ElementTree.fromstring(raw).iter(f"{MAIN}c"):
                if cell.find(f"{MAIN}f") is not None:
                    formulas.append(f"{name} {cell.get('r')}")
                kind, style = cell.get("t"), int(cell.get("s") or 0)
                value = cell.find(f"{MAIN}v")
                if kind == "s" and value is not None:
                    text = shared[int(value.text or 0)]
                elif kind == "inlineStr":
                    text = "".join(t.text or "" for t in cell.iter(f"{MAIN}t"))
                elif kind in (None, "n") and value is not None:
                    numbers.append(float(value.text or 0))
                    continue
                else:
                    continue
                texts.append((text, style < len(quoted) and quoted[style]))
    return formulas, texts, numbers


def assert_no_live_formula(path: Path, *, expected: int) -> None:
    formulas, texts, _numbers = xlsx_cells(path)
    assert formulas == [], formulas
    live = [text for text, quote in texts if text.startswith(FORMULA_CHARS) and not quote]
    assert live == []
    # XML reads a stored CR back as a line feed; the text itself is kept as typed
    kept = [t for t, quote in texts if quote and t.replace("\n", "\r") in PAYLOADS]
    assert len(kept) >= expected, (len(kept), path.name)


def test_spreadsheet_value_neutralises_text_only() -> None:
    from ikmtui.io.guard import spreadsheet_value

    assert [spreadsheet_value(p) for p in PAYLOADS] == ["'" + p for p in PAYLOADS]
    assert [spreadsheet_value(v) for v in (-5, -2.5, 0, "Batik -2", "", None, "e-mail")] == [
        -5,
        -2.5,
        0,
        "Batik -2",
        "",
        None,
        "e-mail",
    ]


def test_xlsx_export_has_no_live_formula(db_path: Path, tmp_path: Path) -> None:
    poisoned(db_path).close()
    out = tmp_path / "rekap.xlsx"
    assert main(["export", "--db", str(db_path), "--out", str(out)]) == 0
    # 6 IKM x (name, owner, product, address, phone) + 6 products x (name, SKU) + 6 clusters x 2 + SKU references
    assert_no_live_formula(out, expected=54)
    _formulas, _texts, numbers = xlsx_cells(out)
    assert numbers.count(-5) >= 6  # a negative number stays a number
    import openpyxl

    sheet = openpyxl.load_workbook(out)["IKM"]
    names = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert set(PAYLOADS[:5]) <= set(names)  # exactly as typed, no apostrophe added to the value


def test_csv_export_has_no_live_formula(db_path: Path, tmp_path: Path) -> None:
    poisoned(db_path).close()
    folder = tmp_path / "csv"
    assert main(["export", "--db", str(db_path), "--format", "csv", "--out", str(folder)]) == 0
    cells: list[str] = []
    for path in folder.glob("*.csv"):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            cells += [cell for row in csv.reader(fh) for cell in row]
    # a negative number (the turnover) is a number, which a spreadsheet reads as a number; nothing else starts so
    assert [c for c in cells if c.startswith(FORMULA_CHARS) and not re.fullmatch(r"-\d+(\.\d+)?", c)] == []
    assert cells.count("-5") == 6
    assert sum(1 for c in cells if c[1:] in PAYLOADS and c[0] == "'") >= 54


@pytest.mark.parametrize("name", ["overview", "ikm", "clusters", "gallery", "profile"])
def test_xlsx_reports_have_no_live_formula(db_path: Path, tmp_path: Path, name: str) -> None:
    db = poisoned(db_path)
    code = db.all("ikm")[0]["code"]
    db.close()
    out = tmp_path / f"{name}.xlsx"
    extra = ["--ikm", code] if name == "profile" else []
    assert main(["report", name, "--db", str(db_path), "--out", str(out), "--as-of", AS_OF, *extra]) == 0
    assert_no_live_formula(out, expected={"profile": 6, "clusters": 6, "gallery": 6}.get(name, 0))
