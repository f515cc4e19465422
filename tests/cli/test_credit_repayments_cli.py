"""``ikmtui credit repayments FILE [--dry-run]``: a bank's monthly list from the command line, with the bulk screen's
all-or-nothing check; ``ikmtui report credit --format json`` then shows the new outstanding."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ikmtui.cli import main
from ikmtui.storage import Database
from tests.support.credit_office import REPAYMENTS, disbursed, office_on_today


@pytest.fixture
def office(tmp_path: Path) -> Iterator[Database]:
    yield from office_on_today(tmp_path)


def bank_list(tmp_path: Path, rows: list[tuple[str, str, str]]) -> Path:
    path = tmp_path / "angsuran-bpr.csv"
    path.write_text("kode;tanggal;jumlah\n" + "".join(f"{c};{d};{a}\n" for c, d, a in rows), encoding="utf-8")
    return path


def outstanding(db: Database, capsys: pytest.CaptureFixture[str]) -> Any:
    assert main(["report", "credit", "--db", str(db.path), "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)["outstanding"]


def test_one_future_row_changes_nothing_and_is_named(
    office: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = disbursed(office, 1), disbursed(office, 2, amount_requested=3_000_000, tenor_months=3, collateral="")
    before = outstanding(office, capsys)
    path = bank_list(
        tmp_path,
        [
            (a["code"], "10/02/2026", "Rp 1.030.000"),
            (b["code"], "10/01/2027", "1.010.000"),
            (a["code"], "10/03/2026", "1030000"),
        ],
    )
    assert main(["credit", "repayments", str(path), "--db", str(office.path), "--user", "ani"]) == 1
    err = capsys.readouterr().err
    assert f"baris 2: {b['code']} 10/01/2027" in err and "setelah hari ini (4 Des 2026)" in err
    assert "1 dari 3 baris ditolak: belum ada yang dicatat" in err
    office.refresh()
    assert office.count(REPAYMENTS) == 0
    assert outstanding(office, capsys) == before


def test_valid_rows_are_recorded_and_the_report_shows_the_new_outstanding(
    office: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = disbursed(office, 1), disbursed(office, 2, amount_requested=3_000_000, tenor_months=3, collateral="")
    before = outstanding(office, capsys)
    rows = [(a["code"], "10/02/2026", "Rp 1.030.000"), (a["code"], "10/03/2026", "1.030.000")]
    rows += [(b["code"], row["due"], str(row["total"])) for row in b["schedule"]]
    path = bank_list(tmp_path, rows)

    assert main(["credit", "repayments", str(path), "--dry-run", "--db", str(office.path), "--user", "ani"]) == 0
    out = capsys.readouterr().out
    assert "Semua 5 baris sah" in out and "✓ sah" in out
    office.refresh()
    assert office.count(REPAYMENTS) == 0

    assert main(["credit", "repayments", str(path), "--db", str(office.path), "--user", "ani"]) == 0
    out = capsys.readouterr().out
    assert "5 angsuran tercatat" in out and "1 pinjaman lunas" in out
    office.refresh()
    assert office.count(REPAYMENTS) == 5
    assert office.get("credit_applications", b["id"])["state"] == "closed"
    assert outstanding(office, capsys) == before - 2_000_000 - 3_000_000

    # the same list again: refused as a double import, nothing more recorded
    assert main(["credit", "repayments", str(path), "--db", str(office.path), "--user", "ani"]) == 1
    assert "5 dari 5 baris ditolak: belum ada yang dicatat" in capsys.readouterr().err
    office.refresh()
    assert office.count(REPAYMENTS) == 5


def test_a_list_that_cannot_be_read_is_one_line(
    office: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["credit", "repayments", str(tmp_path / "tidak-ada.csv"), "--db", str(office.path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ikmtui: ") and "Traceback" not in err and len(err.strip().splitlines()) == 1
