"""F1 help: its key tables come from the bindings of the screen it is opened on, in the app's language (every
screen key 1-8 among them), and never list a key the screen hides (before sign-in, the screen keys)."""

from __future__ import annotations

import pytest

from ikmtui import i18n
from ikmtui.i18n import _
from ikmtui.services import staff
from ikmtui.storage import Database
from ikmtui.ui.app import SCREENS, make_app
from ikmtui.ui.kit.dialogs import ViewerScreen
from ikmtui.ui.kit.help import shown_key


async def help_of(app, pilot) -> str:  # type: ignore[no-untyped-def]
    await pilot.press("f1")
    await pilot.pause()
    assert isinstance(app.screen, ViewerScreen)
    text = str(app.screen.content)
    await pilot.press("escape")
    await pilot.pause()
    return text


@pytest.mark.parametrize("lang", ["id", "en"])
async def test_help_lists_every_key_of_the_screen_it_is_opened_on(db: Database, lang: str) -> None:
    i18n.set_language(lang)
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        for mode, key, _title in SCREENS:
            await pilot.press(key)
            await pilot.pause()
            screen = app.screen
            declared = {
                (b.key, b.action)
                for cls in type(screen).__mro__
                if cls.__module__.startswith("ikmtui.")
                for b in cls.__dict__.get("BINDINGS", [])
            }
            own = [
                (k, a.binding)
                for k, a in screen.active_bindings.items()
                if a.node is screen and a.binding.description and (k, a.binding.action) in declared
            ]
            assert own or mode == "dashboard"
            text = await help_of(app, pilot)
            assert text.startswith("# ikmtui — " + ("bantuan" if lang == "id" else "help"))  # the prose stays
            for screen_mode, screen_key, screen_title in SCREENS:  # 1-8, the audit log's 8 too
                assert f"| `{screen_key}` | {_(screen_title)} |" in text, (mode, screen_mode)
            rows = [line for line in text.splitlines() if line.startswith("| `")]
            for key_name, binding in own:  # every key the screen declares, with its translated description
                shown = shown_key(app, binding)
                assert any(
                    shown in row.split("`")[1].split(" / ") and row.endswith(f"| {binding.description} |")
                    for row in rows
                ), (mode, key_name)
            assert "`1` … `7`" not in text


async def test_credit_help_shows_its_actions_in_indonesian(db: Database) -> None:
    i18n.set_language("id")
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(next(key for mode, key, _title in SCREENS if mode == "credit"))
        await pilot.pause()
        text = await help_of(app, pilot)
    for row in (
        "| `g` | Portofolio |",
        "| `b` | Angsuran massal |",
        "| `u` | Ajukan |",
        "| `8` | Log audit |",
        "| `F1` | Bantuan |",
        "| `ctrl+q` | Keluar |",
        "## Tombol di layar ini: Kredit",
    ):
        assert row in text


async def test_before_sign_in_the_help_lists_no_screen_key(db: Database) -> None:
    db.user = "kepala"
    staff.install_guard(db)
    staff.add(db, "kepala", "Kepala Bidang", "administrator", "admin-rahasia")
    app = make_app(Database(db.path, "kepala"), poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = await help_of(app, pilot)
    assert "| `F1` |" in text and "| `ctrl+q` |" in text
    for _mode, key, _title in SCREENS:
        assert f"| `{key}` |" not in text
    assert "ctrl+o" not in text
