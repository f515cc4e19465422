"""``ikmtui report kinerja --year 2026``: target, realisation and budget per indicator, in every format."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from ikmtui.cli import main

pytestmark = pytest.mark.usefixtures("today")


def test_json_carries_target_realisation_and_budget_per_indicator(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    assert main(["report", "kinerja", "--year", "2026", "--format", "json", "--db", str(db_path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["report"] == "kinerja" and data["year"] == 2026 and data["period"]["key"] == "2026"
    rows = {r["indicator"]: r for r in data["indicators"]}
    assert {"ikm_trained", "credit_disbursed", "workers_absorbed", "facilitated.halal"} <= set(rows)
    for row in rows.values():
        assert {"target", "realisation", "achieved", "budget", "spent", "spent_share"} <= set(row)
    assert rows["ikm_trained"]["target"] and rows["ikm_trained"]["budget"]  # the demo's plan for the year
    assert data["impact"]["ikm_with_both_years"] > 0


@pytest.mark.parametrize("fmt", ["text", "md", "html"])
def test_text_formats(capsys: pytest.CaptureFixture[str], db_path: Path, fmt: str) -> None:
    assert main(["report", "kinerja", "--year", "2026", "--format", fmt, "--db", str(db_path)]) == 0
    assert "Kinerja 2026" in capsys.readouterr().out


def test_an_excel_file(tmp_path: Path, db_path: Path) -> None:
    out = tmp_path / "kinerja-2026.xlsx"
    assert main(["report", "kinerja", "--year", "2026", "--out", str(out), "--db", str(db_path)]) == 0
    book = openpyxl.load_workbook(out, read_only=True)
    text = " ".join(str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row)
    assert "Kinerja 2026" in text and "Tenaga kerja terserap" in text


def test_a_bad_year_is_one_line(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    assert main(["report", "kinerja", "--year", "dua ribu", "--db", str(db_path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
