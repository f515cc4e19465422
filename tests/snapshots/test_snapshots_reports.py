"""Snapshots of the dashboard and of the overview report: fixed demo data (seed 7, 60 IKM), a fixed terminal
size and a fixed "today" (``IKMTUI_TODAY``), so the same code always draws the same screen."""

from __future__ import annotations

import pytest

from ikmtui.storage import Database
from ikmtui.ui.app import make_app

SIZE = (120, 40)


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IKMTUI_TODAY", "2026-11-01")


def test_dashboard_snapshot(snap_compare, db: Database) -> None:  # type: ignore[no-untyped-def]
    async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.pause()
        await pilot.pause(0.5)  # the footer lists its keys once the screen has settled

    assert snap_compare(make_app(db, poll_seconds=0), terminal_size=SIZE, run_before=settle)


def test_overview_report_snapshot(snap_compare, db: Database) -> None:  # type: ignore[no-untyped-def]
    async def open_overview(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("7")
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.5)

    assert snap_compare(make_app(db, poll_seconds=0), terminal_size=SIZE, run_before=open_overview)


def test_credit_report_snapshot_for_a_quarter(snap_compare, db: Database) -> None:  # type: ignore[no-untyped-def]
    async def open_credit(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("7", "c", "u", "left_square_bracket")
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.5)

    assert snap_compare(make_app(db, poll_seconds=0), terminal_size=SIZE, run_before=open_credit)
