"""One clock: ``IKMTUI_TODAY`` and a test's pinned day reach reports, services, the command line and the
stamps storage writes; nothing outside ``ikmtui.clock`` asks the system for the date."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path

import pytest

from ikmtui import clock
from ikmtui.cli import main
from ikmtui.domain.fields import parse_year
from ikmtui.services import credit as svc
from ikmtui.storage import Database
from ikmtui.storage.database import now_iso

SRC = Path(__file__).resolve().parents[3] / "src" / "ikmtui"
LATER = date(2027, 3, 15)


def active_loan(db: Database) -> int:
    return next(int(key) for key, doc in db.docs(svc.APPS).items() if doc.get("state") == "disbursed")


def test_no_other_module_asks_the_system_for_the_date() -> None:
    asks = re.compile(r"\b(date|datetime)\.(today|now|utcnow)\(")
    files = [path for path in sorted(SRC.rglob("*.py")) if path.name != "clock.py"]
    found = [
        f"{path.relative_to(SRC)}:{n}"
        for path in files
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if asks.search(line)
    ]
    assert found == []


def test_environment_fixes_today_and_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IKMTUI_TODAY", "2027-03-15")
    assert clock.today() == LATER
    moment = clock.now()
    assert moment.date() == LATER and moment.tzinfo is not None  # aware: stamps compare across offsets
    assert abs(moment.time().hour - datetime.now().hour) % 24 <= 1  # that day, at the current local time
    assert now_iso().startswith("2027-03-15T")  # what the audit log stamps


def test_pinned_day_wins_and_is_released(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IKMTUI_TODAY", "2027-03-15")
    with clock.fixed(date(2030, 1, 2)):
        assert clock.today() == date(2030, 1, 2)
        with clock.fixed(date(2031, 5, 6)):
            assert clock.now().date() == date(2031, 5, 6)
        assert clock.today() == date(2030, 1, 2)
    assert clock.today() == LATER
    monkeypatch.delenv("IKMTUI_TODAY")
    assert clock.today() == date.today()


def test_a_bad_environment_date_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IKMTUI_TODAY", "kemarin")
    with pytest.raises(ValueError, match="IKMTUI_TODAY"):
        clock.today()


def test_credit_report_counts_days_past_due_as_of_the_fixed_day(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, db_path: Path
) -> None:
    def report(*extra: str) -> dict:
        assert main(["report", "credit", "--db", str(db_path), "--format", "json", *extra]) == 0
        return json.loads(capsys.readouterr().out)

    monkeypatch.setenv("IKMTUI_TODAY", "2027-03-15")
    fixed = report()
    assert fixed["as_of"] == "2027-03-15"
    assert fixed == report("--as-of", "2027-03-15")  # the same figures as asking for that day
    monkeypatch.delenv("IKMTUI_TODAY")
    earlier = report("--as-of", "2026-11-01")
    # Every active loan is further behind four months later: the ageing buckets moved.
    assert earlier["overdue"] < fixed["overdue"]
    assert [b["count"] for b in earlier["buckets"]] != [b["count"] for b in fixed["buckets"]]


def test_services_take_today_from_the_clock(db: Database) -> None:
    app_id = active_loan(db)
    with clock.fixed(LATER):
        status = svc.loan_status(db, app_id)
        payoff = svc.payoff_amount(db, app_id)
        assert parse_year("2027") == 2027
    assert status is not None and status == svc.loan_status(db, app_id, LATER)
    assert payoff == svc.payoff_amount(db, app_id, LATER)
    with clock.fixed(date(2026, 11, 1)):
        assert svc.loan_status(db, app_id).days_past_due < status.days_past_due
        with pytest.raises(ValueError, match="2026"):
            parse_year("2027")  # a year after today's is refused


def test_simulator_starts_on_the_fixed_day(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IKMTUI_TODAY", "2027-03-15")
    assert main(["simulate", "--amount", "12000000", "--months", "12", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["start"] == "2027-03-15" and data["installments"][0]["due"] == "2027-04-15"


def test_the_today_fixture_pins_the_clock_for_the_test(today: date, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IKMTUI_TODAY", "2031-01-01")  # the pinned day wins over the environment
    assert today == date(2026, 12, 4) and clock.today() == today
    assert now_iso().startswith("2026-12-04T")
