"""The app shell driven by keys, in both languages."""

from __future__ import annotations

import pytest

from ikmtui import i18n
from ikmtui.storage import Database
from ikmtui.ui.app import SCREENS, make_app
from ikmtui.ui.kit.dialogs import ViewerScreen
from ikmtui.ui.kit.screen import TableScreen

TITLES = {
    "id": ["Dasbor", "IKM", "Klaster", "Pelatihan", "Kredit", "Galeri", "Laporan", "Log audit", "Hasil program"],
    "en": [
        "Dashboard",
        "IKM",
        "Clusters",
        "Training",
        "Credit",
        "Gallery",
        "Reports",
        "Audit log",
        "Programme results",
    ],
}


@pytest.mark.parametrize("lang", ["id", "en"])
async def test_every_screen_by_its_key(db: Database, lang: str) -> None:
    i18n.set_language(lang)
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.current_mode == "dashboard"
        for (mode, key, _title), title in zip(SCREENS, TITLES[lang], strict=True):
            await pilot.press(key)
            await pilot.pause()
            assert app.current_mode == mode
            assert app.screen.title == title
            if isinstance(app.screen, TableScreen):
                assert len(app.screen.table.rows.ids) == db.count(app.screen.TABLE)
        footer_text = " ".join(
            b.description
            for b in app.screen.active_bindings and [a.binding for a in app.screen.active_bindings.values()]
        )
        assert ("Bantuan" if lang == "id" else "Help") in footer_text
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, ViewerScreen)
        await pilot.press("escape")
        await pilot.press("ctrl+q")
    assert app.return_code == 0


async def test_filter_as_you_type_narrows_the_table(db: Database) -> None:
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2", "slash")
        first = db.all("ikm")[0]
        await pilot.press(*first["nib"])
        await pilot.pause()
        table = app.screen.table
        assert len(table.rows) == 1
        assert table.current_id == first["id"]


async def test_palette_reaches_screens(db: Database) -> None:
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Buka: Galeri")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert app.current_mode == "gallery"


async def test_another_process_save_shows_up(db: Database) -> None:
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        before = len(app.screen.table.rows.ids)
        other = Database(db.path, "officer2")
        doc = other.all("ikm")[0]
        other.delete("ikm", doc["id"])
        app.poll_database()
        await pilot.pause()
        assert len(app.screen.table.rows.ids) == before - 1


async def test_import_screen_from_anywhere(db: Database) -> None:
    from ikmtui.ui.importing.spreadsheet import ImportScreen

    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3", "ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, ImportScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.current_mode == "clusters" and not isinstance(app.screen, ImportScreen)


async def test_full_collections_wait_until_nobody_types_and_the_settings_return_on_exit(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc
    import time

    from ikmtui.ui import app as app_module

    monkeypatch.setattr(app_module, "IDLE_SECONDS", 0.5)
    before = gc.get_threshold()
    app = make_app(db, poll_seconds=0)
    quiet_for: list[float] = []  # at each full pass: seconds since the last key

    def watch(phase: str, info: dict) -> None:
        if phase == "start" and info["generation"] == 2 and app._last_input:
            quiet_for.append(time.monotonic() - app._last_input)

    gc.callbacks.append(watch)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert gc.get_threshold()[2] > 1000 * before[2]  # no full pass on allocation counts alone
            await pilot.press(*"2/batik", "escape", "down", "down")
            await pilot.pause(1.5)
            assert quiet_for  # once nobody typed for a while, the app ran a full pass itself
            assert min(quiet_for) >= 0.5  # and never sooner
            passes = len(quiet_for)
            await pilot.pause(1.5)
            assert len(quiet_for) == passes  # one pass per pause: an idle app does not keep collecting
        assert gc.get_threshold() == before
    finally:
        gc.callbacks.remove(watch)


def test_a_form_submit_shows_every_kind_of_refusal_and_passes_on_success() -> None:
    from ikmtui.domain.records import RecordInvalid
    from ikmtui.storage import DatabaseLocked
    from ikmtui.ui.kit.form import saving

    def refuse(exc: Exception):
        def save(values: dict) -> None:
            raise exc

        return saving(save)

    assert refuse(RecordInvalid({"name": "Wajib diisi"}))({}) == {"name": "Wajib diisi"}
    for exc in (
        PermissionError("Hanya supervisor"),
        ValueError("Tanggal terbalik"),
        DatabaseLocked(__import__("pathlib").Path("x.json"), 15.0),
    ):
        assert refuse(exc)({}) == {"__all__": str(exc)}  # beside no field, above them all; nothing raised
    done: list[dict] = []
    assert saving(lambda values: {**values, "id": 7}, done.append)({"name": "Batik"}) is None
    assert done == [{"name": "Batik", "id": 7}]
