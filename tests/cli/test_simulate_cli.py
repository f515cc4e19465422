"""``ikmtui simulate``: the loan simulator on the command line."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from ikmtui.cli import main
from ikmtui.domain.schedule import add_months

WORKED = [
    "simulate",
    "--amount",
    "50000000",
    "--months",
    "36",
    "--rate",
    "3",
    "--method",
    "flat",
    "--start",
    "2026-01-15",
]


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    assert main(["simulate", *args, "--json"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    return json.loads(captured.out)


def test_json_worked_check(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, *WORKED[1:])
    assert set(data) >= {"amount", "months", "rate", "method", "rounding", "start", "installments", "totals"}
    assert (data["amount"], data["months"], data["rate"], data["method"], data["rounding"], data["start"]) == (
        50_000_000,
        36,
        3,
        "flat",
        1,
        "2026-01-15",
    )
    rows = data["installments"]
    assert len(rows) == 36
    assert rows[0] == {
        "no": 1,
        "due": "2026-02-15",
        "principal": 1_388_889,
        "interest": 125_000,
        "total": 1_513_889,
        "balance": 48_611_111,
    }
    assert all(r["total"] == 1_513_889 for r in rows[:-1])
    assert rows[-1]["balance"] == 0
    assert data["totals"] == {"principal": 50_000_000, "interest": 4_500_000, "total": 54_500_000}
    assert all(isinstance(r[k], int) for r in rows for k in ("principal", "interest", "total", "balance"))


def test_json_annuity(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(
        capsys,
        "--amount",
        "Rp 50.000.000",
        "--months",
        "36",
        "--rate",
        "3",
        "--method",
        "annuity",
        "--start",
        "2026-01-15",
    )
    assert data["installments"][0]["total"] == 1_454_060
    assert abs(data["totals"]["interest"] - 2_350_000) < 10_000


@pytest.mark.parametrize("amount", ["5000000", "5.000.000", "Rp 5.000.000", "rp5.000.000"])
def test_amount_formats(capsys: pytest.CaptureFixture[str], amount: str) -> None:
    data = run_json(
        capsys, "--amount", amount, "--months", "12", "--rate", "3", "--method", "flat", "--start", "2026-01-15"
    )
    assert data["amount"] == 5_000_000
    assert sum(r["principal"] for r in data["installments"]) == 5_000_000


def test_equal_principal_with_rounding(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(
        capsys,
        "--amount",
        "1.000.000",
        "--months",
        "3",
        "--rate",
        "12",
        "--method",
        "equal-principal",
        "--round",
        "100",
        "--start",
        "2026-01-31",
    )
    assert data["rounding"] == 100
    assert [r["principal"] for r in data["installments"]] == [333_300, 333_300, 333_400]
    assert [r["due"] for r in data["installments"]] == ["2026-02-28", "2026-03-31", "2026-04-30"]


def test_start_defaults_to_today(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "--amount", "1000000", "--months", "2", "--rate", "3", "--method", "flat")
    assert data["start"] == date.today().isoformat()
    assert data["installments"][0]["due"] == add_months(date.today(), 1).isoformat()


def test_table_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "en", *WORKED]) == 0
    out = capsys.readouterr().out
    for heading in ("No.", "Due date", "Principal", "Interest", "Total", "Balance"):
        assert heading in out
    assert "15/02/2026" in out
    assert "Rp 1.388.889" in out and "Rp 125.000" in out and "Rp 1.513.889" in out
    assert "Rp 48.611.111" in out
    assert "Rp 4.500.000" in out and "Rp 54.500.000" in out  # totals
    assert "…" not in out  # nothing cut short


def test_table_output_in_indonesian(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(WORKED) == 0
    out = capsys.readouterr().out
    assert "Jatuh tempo" in out and "Pokok" in out and "Bunga" in out and "Sisa pokok" in out
    assert "Angsuran Rp 1.513.889 per bulan" in out


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--amount", "-5000000", "--months", "12"], "The amount must be more than zero"),
        (["--amount=-5.000.000", "--months", "12"], "The amount must be more than zero"),
        (["--amount", "0", "--months", "12"], "The amount must be more than zero"),
        (["--amount", "5,000,000", "--months", "12"], "is not an amount in rupiah"),
        (["--amount", "lima juta", "--months", "12"], "is not an amount in rupiah"),
        (["--amount", "5000000", "--months", "0"], "The tenor must be at least 1 month"),
        (["--amount", "5000000", "--months", "dua"], "is not a number of months"),
        (["--amount", "5000000", "--months", "12", "--rate", "-1"], "The interest rate cannot be negative"),
        (["--amount", "5000000", "--months", "12", "--rate", "tiga"], "is not an interest rate"),
        (["--amount", "5000000", "--months", "12", "--method", "balloon"], "Interest method must be one of"),
        (["--amount", "5000000", "--months", "12", "--round", "0"], "Rounding must be a whole number"),
        (["--amount", "5000000", "--months", "12", "--start", "2026-02-30"], "is not a date"),
    ],
)
def test_bad_input_is_one_clear_line(capsys: pytest.CaptureFixture[str], args: list[str], expected: str) -> None:
    assert main(["--lang", "en", "simulate", *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("ikmtui: ") and expected in lines[0]
    assert "Traceback" not in captured.err


def test_bad_input_message_is_translated(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--amount", "5000000", "--months", "0"]) == 2
    assert capsys.readouterr().err.strip() == "ikmtui: Jangka waktu paling sedikit 1 bulan"


def test_missing_option_is_an_argparse_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["simulate", "--months", "12"])
    assert info.value.code == 2
    assert "--amount" in capsys.readouterr().err


def test_simulator_needs_no_database(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "nope" / "ikmtui.json"
    monkeypatch.setenv("IKMTUI_DB", str(missing))
    data = run_json(
        capsys, "--amount", "1000000", "--months", "1", "--rate", "0", "--method", "annuity", "--start", "2026-01-15"
    )
    assert data["installments"] == [
        {"no": 1, "due": "2026-02-15", "principal": 1_000_000, "interest": 0, "total": 1_000_000, "balance": 0}
    ]
    assert not missing.exists()
