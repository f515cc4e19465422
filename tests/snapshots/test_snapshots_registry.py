"""What the registry looks like: the IKM table, the IKM form with its errors, a profile (fixed data, fixed
size, fixed day). Update after a deliberate change with ``pytest tests/snapshots/test_snapshots_registry.py
--snapshot-update`` and look at the SVG files before committing them."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from ikmtui.storage import Database
from ikmtui.ui import app as app_module

SIZE = (120, 40)


def still_cursors(pilot: Pilot[Any]) -> None:
    """A blinking cursor would make the picture depend on the moment it is taken."""
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False


def test_ikm_table(db: Database, snap_compare: Any) -> None:
    assert snap_compare(app_module.make_app(db, poll_seconds=0), press=["2"], terminal_size=SIZE)


def test_ikm_form_with_errors(db: Database, snap_compare: Any) -> None:
    async def mistakes(pilot: Pilot[Any]) -> None:
        await pilot.press("2", "a")
        await pilot.pause()
        await pilot.press("tab")
        await pilot.press(*"Siti Aminah")
        await pilot.press("tab", *"3374", "tab", *"91200", "tab", "tab", *"Jl. Pemuda 1")
        await pilot.press("ctrl+s")
        await pilot.pause()
        still_cursors(pilot)

    assert snap_compare(app_module.make_app(db, poll_seconds=0), run_before=mistakes, terminal_size=SIZE)


def test_ikm_profile(db: Database, snap_compare: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IKMTUI_TODAY", date(2026, 11, 1).isoformat())  # the app's clock
    loan = next(a for a in db.all("credit_applications") if a["state"] == "disbursed")
    nib = db.get("ikm", loan["ikm_id"])["nib"]  # type: ignore[index]

    async def open_profile(pilot: Pilot[Any]) -> None:
        await pilot.press("2", "slash", *nib, "enter")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(app_module.make_app(db, poll_seconds=0), run_before=open_profile, terminal_size=SIZE)
