"""Small things that add up: a screen key inside a pushed screen goes back to that screen's list, a digit typed
in a dialog stays in it, and a full NIK shown on request does not stay on screen once the officer moves on."""

from __future__ import annotations

from pathlib import Path

import pytest

from ikmtui.storage import Database
from ikmtui.ui import app as app_module
from ikmtui.ui.kit.dialogs import PickScreen, PromptScreen
from ikmtui.ui.kit.screen import FULL_NIK
from ikmtui.ui.registry.profile import IkmProfileScreen
from ikmtui.ui.training.batch import BatchScreen
from ikmtui.ui.training.batches import TrainingScreen


@pytest.fixture(autouse=True)
def own_prefs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IKMTUI_CONFIG_DIR", str(tmp_path / "config"))


async def test_pressing_4_inside_a_batch_goes_to_the_training_list(db: Database) -> None:
    app = app_module.make_app(db, poll_seconds=0)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("4")
        await pilot.pause()
        await pilot.press("enter")  # open the batch under the cursor
        await pilot.pause()
        assert isinstance(app.screen, BatchScreen)
        await pilot.press("4")
        await pilot.pause()
        assert isinstance(app.screen, TrainingScreen)
        await pilot.press("1", "4")  # and the mode keys still switch as before
        await pilot.pause()
        assert isinstance(app.screen, TrainingScreen)


async def test_a_digit_typed_in_a_dialog_stays_in_it(db: Database) -> None:
    app = app_module.make_app(db, poll_seconds=0)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("2", "ctrl+k")  # the column chooser: a list has the focus, not a text field
        await pilot.pause()
        assert isinstance(app.screen, PickScreen)
        await pilot.press("4", "ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, PickScreen) and app.current_mode == "ikm"
        await pilot.press("escape", "ctrl+e")  # the export prompt: its field has the focus
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("ctrl+u", *"2026")
        assert app.screen.query_one("#prompt-input").value == "2026"  # type: ignore[attr-defined]


async def test_the_full_nik_is_withdrawn_when_the_officer_moves_on(db: Database) -> None:
    app = app_module.make_app(db, poll_seconds=0)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("2", "enter")
        await pilot.pause()
        assert isinstance(app.screen, IkmProfileScreen)
        await pilot.press("n")
        await pilot.pause()
        assert any(FULL_NIK.search(str(n.message)) for n in app._notifications)
        await pilot.press("1")
        await pilot.pause()
        assert not any(FULL_NIK.search(str(n.message)) for n in app._notifications)
