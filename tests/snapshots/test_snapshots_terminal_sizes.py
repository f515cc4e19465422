"""The app at home in any terminal: the dashboard, the IKM table, the IKM form, a cluster and an attendance grid
at 80x24 (the smallest usual terminal) and 200x50 (a wide one), on fixed demo data and a fixed day. Update after a
deliberate change with ``pytest tests/snapshots/test_snapshots_terminal_sizes.py --snapshot-update`` and look at
the SVG files before committing them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ikmtui.storage import Database
from ikmtui.ui.app import make_app

SIZES = {"80x24": (80, 24), "200x50": (200, 50)}


@pytest.fixture(autouse=True)
def _fixed_day_and_prefs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("IKMTUI_TODAY", "2026-11-01")
    monkeypatch.setenv("IKMTUI_CONFIG_DIR", str(tmp_path / "config"))  # the default columns, whoever runs it


async def settle(pilot: Any) -> None:
    await pilot.pause()
    await pilot.pause(0.5)  # the footer lists its keys once the screen has settled


@pytest.mark.parametrize("size", SIZES)
def test_dashboard(snap_compare: Any, db: Database, size: str) -> None:
    assert snap_compare(make_app(db, poll_seconds=0), terminal_size=SIZES[size], run_before=settle)


@pytest.mark.parametrize("size", SIZES)
def test_ikm_table(snap_compare: Any, db: Database, size: str) -> None:
    async def open_table(pilot: Any) -> None:
        await pilot.press("2")
        await settle(pilot)

    assert snap_compare(make_app(db, poll_seconds=0), terminal_size=SIZES[size], run_before=open_table)


def still_cursors(pilot: Any) -> None:
    """A blinking cursor would make the picture depend on the moment it is taken."""
    from textual.widgets import Input

    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False


@pytest.mark.parametrize("size", SIZES)
def test_ikm_form(snap_compare: Any, db: Database, size: str) -> None:
    async def open_form(pilot: Any) -> None:
        await pilot.press("2", "a")
        await settle(pilot)
        still_cursors(pilot)

    assert snap_compare(make_app(db, poll_seconds=0), terminal_size=SIZES[size], run_before=open_form)


@pytest.mark.parametrize("size", SIZES)
def test_cluster_detail(snap_compare: Any, db: Database, size: str) -> None:
    async def open_cluster(pilot: Any) -> None:
        await pilot.press("3", "enter")
        await settle(pilot)

    assert snap_compare(make_app(db, poll_seconds=0), terminal_size=SIZES[size], run_before=open_cluster)


@pytest.mark.parametrize("size", SIZES)
def test_attendance_grid(snap_compare: Any, db: Database, size: str) -> None:
    async def open_grid(pilot: Any) -> None:
        await pilot.press("4", "enter")
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)

    assert snap_compare(make_app(db, poll_seconds=0), terminal_size=SIZES[size], run_before=open_grid)
