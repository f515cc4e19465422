"""The registry's form and cluster detail at 80x24 (the smallest usual terminal) and 200x50 (a wide one), on fixed
demo data and a fixed day: the IKM form compact in one column that scrolls, then in two columns; the cluster's
figures whole with room for its members. Update after a deliberate change with ``pytest
tests/snapshots/test_snapshots_registry_sizes.py --snapshot-update`` and look at the SVG files before committing
them."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input

from ikmtui.storage import Database
from ikmtui.ui.app import make_app
from ikmtui.ui.registry.cluster import ClusterScreen
from tests.snapshots import test_snapshots_terminal_sizes as terminal_sizes
from tests.snapshots.test_snapshots_terminal_sizes import SIZES

_fixed_day_and_prefs = terminal_sizes._fixed_day_and_prefs  # the same day and default preferences, autouse


async def settle(pilot: Any) -> None:
    await terminal_sizes.settle(pilot)
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False


@pytest.mark.parametrize("size", SIZES)
def test_ikm_form(snap_compare: Any, db: Database, size: str) -> None:
    async def open_form(pilot: Any) -> None:
        await pilot.press("2", "a")
        await settle(pilot)

    assert snap_compare(make_app(db, poll_seconds=0), terminal_size=SIZES[size], run_before=open_form)


@pytest.mark.parametrize("size", SIZES)
def test_cluster_detail(snap_compare: Any, db: Database, size: str) -> None:
    async def open_cluster(pilot: Any) -> None:
        await pilot.press("3")
        await pilot.pause()
        pilot.app.push_screen(ClusterScreen(2))  # Sentra Bandeng Presto Krobokan: billions of rupiah, 9 members
        await settle(pilot)

    assert snap_compare(make_app(db, poll_seconds=0), terminal_size=SIZES[size], run_before=open_cluster)
