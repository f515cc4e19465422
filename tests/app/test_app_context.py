"""The app context: screens get the database, the day and changes from ``AppContext`` (assembled by ``make_app``),
not from the App class; the day is the program's one clock, so ``IKMTUI_TODAY`` reaches the credit screens too."""

from __future__ import annotations

import ast
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from ikmtui.services import credit as svc
from ikmtui.storage import Database
from ikmtui.ui.app import SCREENS, make_app
from ikmtui.ui.credit import common
from ikmtui.ui.credit.applications import CreditScreen
from ikmtui.ui.kit.context import AppContext, context_of

UI = Path(__file__).resolve().parents[2] / "src" / "ikmtui" / "ui"
CREDIT_KEY = next(key for mode, key, _title in SCREENS if mode == "credit")
DAY = date(2027, 3, 15)
#: The modules that build the app and so may import it.
ENTRY_POINTS = {UI / "app.py"}


def expected_days_late(db: Database, day: date) -> dict[int, int]:
    return {loan.application_id: loan.days_past_due for loan in svc.loans_in_arrears(db, day, min_days=0)}


async def shown_days_late(db: Database, clock: Callable[[], date] | None) -> tuple[dict[int, int], str]:
    app = make_app(db, poll_seconds=0) if clock is None else make_app(db, poll_seconds=0, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(CREDIT_KEY)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CreditScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        column = [c.key for c in screen.table.rows.columns].index("dpd")
        shown = {
            screen.table.rows.row(i)[0]: screen.table.rows.row(i)[1][column] for i in range(len(screen.table.rows))
        }
        status = str(screen.query_one("#status").content)
    return {k: v for k, v in shown.items() if v is not None}, status


@pytest.mark.parametrize("how", ["IKMTUI_TODAY", "make_app(clock=...)"])
async def test_credit_list_counts_days_past_due_as_of_the_apps_day(
    db: Database, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = expected_days_late(db, DAY)
    # the day matters: the same loans counted on the real day (or any other) would show other numbers
    assert expected and expected != expected_days_late(db, date(2026, 12, 4))
    if how == "IKMTUI_TODAY":
        monkeypatch.setenv("IKMTUI_TODAY", DAY.isoformat())
        shown, status = await shown_days_late(db, None)
    else:
        monkeypatch.delenv("IKMTUI_TODAY", raising=False)
        shown, status = await shown_days_late(db, lambda: DAY)
    assert shown == expected
    assert common.shown_day(DAY) in status


async def test_screens_reach_the_context_and_hear_of_changes(db: Database) -> None:
    app = make_app(db, poll_seconds=0, clock=lambda: DAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        screen = app.screen
        context = context_of(screen)
        assert isinstance(context, AppContext) and context.db is db and context.today() == DAY
        assert context.officer == db.user
        before = len(screen.table.rows)  # type: ignore[attr-defined]
        db.insert("ikm", {"name": "Batik Baru Sekali", "nib": "9990001112223"}, code_prefix="IKM")
        version = context.version
        context.data_saved()  # as after a save, or another officer's change picked up by the poll
        await pilot.pause()
        assert context.version == version + 1
        assert len(screen.table.rows) == before + 1  # type: ignore[attr-defined]


def test_no_ui_module_imports_the_app_but_the_entry_points() -> None:
    offenders = []
    for path in sorted(UI.rglob("*.py")):
        if path in ENTRY_POINTS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            if isinstance(node, ast.ImportFrom) and node.module == "ikmtui.ui":
                names = [f"ikmtui.ui.{alias.name}" for alias in node.names]
            offenders += [f"{path.relative_to(UI)}: {name}" for name in names if name == "ikmtui.ui.app"]
    assert offenders == []
