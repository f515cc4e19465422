"""The command palette finds records and speaks the app's language: a business's name typed from the credit
screen opens its profile; every screen and action is there once; Textual's own entries are the app's, translated."""

from __future__ import annotations

from typing import Any

from textual.command import CommandList, CommandPalette

from ikmtui.storage import Database
from ikmtui.ui import app as app_module
from ikmtui.ui.credit.applications import CreditScreen
from ikmtui.ui.palette import find_records
from ikmtui.ui.registry.profile import IkmProfileScreen


async def _wait_for_hits(pilot: Any, palette: CommandPalette) -> None:
    for _try in range(40):
        await pilot.pause(0.05)
        if palette.query_one(CommandList).option_count:
            return


async def test_a_business_typed_in_the_palette_from_the_credit_screen_opens_its_profile(db: Database) -> None:
    ikm_id, doc = next((int(k), d) for k, d in db.docs("ikm").items() if d["name"].startswith("Batik"))
    app = app_module.make_app(db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5")
        await pilot.pause()
        assert isinstance(app.screen, CreditScreen)
        await pilot.press("ctrl+p")
        await pilot.pause()
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        await pilot.press(*doc["name"])
        await _wait_for_hits(pilot, palette)
        await pilot.press("down", "enter")  # the first hit, below the input
        await pilot.pause(0.2)
        assert isinstance(app.screen, IkmProfileScreen)
        assert app.screen.ikm_id == ikm_id


def test_records_are_found_by_code_or_name_in_any_order(db: Database) -> None:
    doc = next(iter(db.docs("ikm").values()))
    loan = next(iter(db.docs("credit_applications").values()))
    owner = db.get("ikm", loan["ikm_id"])
    assert owner is not None
    found = [(kind.table, text) for kind, _id, text in find_records(db, doc["code"])]
    assert found[0] == ("ikm", f"{doc['code']} {doc['name']} · {doc['owner_name']}")
    words = doc["name"].split()
    assert any(doc["code"] in text for _k, _i, text in find_records(db, " ".join(reversed(words))))
    loans = [text for kind, _i, text in find_records(db, loan["code"]) if kind.table == "credit_applications"]
    assert loans == [f"{loan['code']} {owner['name']}"]
    assert list(find_records(db, "x")) == []  # one letter: every record, so none


async def test_palette_entries_are_the_apps_once_each(db: Database) -> None:
    app = app_module.make_app(db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        names = [command.title for command in app.get_system_commands(app.screen)]
        assert len(names) == len(set(names)), [n for n in names if names.count(n) > 1]
        assert names.count("Bantuan") == 1 and names.count("Keluar") == 1
        for english in ("Quit", "Theme", "Keys", "Screenshot", "Focus Next", "Copy selected text", "Maximize"):
            assert english not in names
        assert "Tema" in names
        # every screen, and the actions of the other screens
        assert "Buka: Dasbor" in names and "Kredit: Permohonan baru" in names


async def test_a_screenshot_is_saved_in_a_folder_that_exists(db: Database, tmp_path: Any, monkeypatch: Any) -> None:
    import platformdirs

    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setattr(platformdirs, "user_downloads_dir", lambda: str(home / "Downloads"))  # not there
    app = app_module.make_app(db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        names = {command.title: command for command in app.get_system_commands(app.screen)}
        names["Tangkapan layar (screenshot)"].callback()
        await pilot.pause()
    saved = list(home.glob("ikmtui-*.svg"))
    assert len(saved) == 1 and saved[0].read_text(encoding="utf-8").lstrip().startswith("<svg")
    assert saved[0].stat().st_mode & 0o077 == 0


async def test_no_match_is_said_in_the_apps_language(db: Database) -> None:
    app = app_module.make_app(db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        await pilot.press(*"zzqqxx")
        await _wait_for_hits(pilot, palette)
        await pilot.pause(palette._NO_MATCHES_COUNTDOWN + 0.3)
        shown = [str(option.prompt.renderable) for option in palette.query_one(CommandList).options]
        assert shown == ["Tidak ada yang cocok"], shown
