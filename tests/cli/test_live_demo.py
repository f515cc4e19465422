"""Issue 19: ``ikmtui --demo`` shows a live office: the bundled demo's dates are moved so that its last day is
today; ``write_demo(..., as_of=DAY)`` is the same for the same seed and day; without it nothing moves."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest

from ikmtui import paths
from ikmtui.cli import main
from ikmtui.demodata import AS_OF, build, last_day, live, write_demo, write_live_demo
from ikmtui.storage import Database


def tables_of(path: Path) -> dict[str, Any]:
    data = orjson.loads(path.read_bytes())
    data["meta"]["1"].pop("created_at")  # when the file was written, not what it holds
    return data


def test_the_bundled_demo_moved_to_today_keeps_every_interval(tmp_path: Path) -> None:
    bundled = Database.read_snapshot(paths.DEMO_DB)
    today = date(2027, 9, 14)
    moved = Database.read_snapshot(write_live_demo(tmp_path / "demo.json", today))
    assert last_day(bundled) < today and last_day(moved) == today
    shift = today - last_day(bundled)
    loan_key, loan = next((k, d) for k, d in bundled["credit_applications"].items() if d.get("disbursed_on"))
    after = moved["credit_applications"][loan_key]
    assert date.fromisoformat(after["disbursed_on"]) == date.fromisoformat(loan["disbursed_on"]) + shift
    assert after["created_at"][10:] == loan["created_at"][10:]  # the time of day and its offset are kept
    assert len(moved["ikm"]) == len(bundled["ikm"]) and moved["ikm"]["1"]["nib"] == bundled["ikm"]["1"]["nib"]
    # Nothing recorded after today (a repayment or a sale in the future would be refused by the app itself).
    for name in ("repayments", "sales"):
        assert max(d["date"] for d in moved[name].values()) <= today.isoformat()


def test_write_demo_as_of_a_day_is_deterministic_and_the_default_unchanged(tmp_path: Path) -> None:
    day = date(2026, 12, 4)
    first = write_demo(tmp_path / "a.json", businesses=40, seed=3, as_of=day)
    second = write_demo(tmp_path / "b.json", businesses=40, seed=3, as_of=day)
    assert tables_of(first) == tables_of(second)
    assert last_day(tables_of(first)) == day
    plain = tables_of(write_demo(tmp_path / "c.json", businesses=40, seed=3))
    generated = build(40, 3)
    assert plain["ikm"] == generated["ikm"] and last_day(plain) == last_day(generated)
    assert abs(last_day(generated) - AS_OF) < timedelta(days=40)
    assert live(generated, last_day(generated))["sales"] == generated["sales"]  # no move, no change


def test_the_demo_command_takes_a_day(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.json"
    assert main(["demo", "--out", str(out), "--businesses", "30", "--as-of", "2027-01-20"]) == 0
    assert last_day(tables_of(out)) == date(2027, 1, 20)
    with pytest.raises(SystemExit) as refused:
        main(["demo", "--out", str(tmp_path / "y.json"), "--as-of", "kemarin"])
    assert refused.value.code == 2 and "2026-12-04" in capsys.readouterr().err


def test_targets_and_yearly_figures_move_with_the_years(tmp_path: Path) -> None:
    bundled = Database.read_snapshot(paths.DEMO_DB)
    last = last_day(bundled)
    today = date(last.year + 1, 3, 1)
    moved = Database.read_snapshot(write_live_demo(tmp_path / "demo.json", today))
    for name in ("targets", "yearly_figures"):
        before = sorted(d["year"] for d in bundled[name].values())
        assert before, name
        assert sorted(d["year"] for d in moved[name].values()) == [y + 1 for y in before]
    # this year's targets are there to report on
    assert any(d["year"] == today.year for d in moved["targets"].values())
