"""Tables that use the width and find what officers look for: columns fitted to the rows and the terminal, the
``field:value`` filter, kelurahan searched, a column choice kept per officer, the rows shown exported."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from textual.widgets import Input

from ikmtui.storage import Database
from ikmtui.tabular import Column, RowSet, fit_widths
from ikmtui.ui import app as app_module
from ikmtui.ui.kit import prefs
from ikmtui.ui.kit.dialogs import PickScreen, PromptScreen
from ikmtui.ui.kit.vtable import VirtualTable


@pytest.fixture(autouse=True)
def own_prefs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "config"
    monkeypatch.setenv("IKMTUI_CONFIG_DIR", str(folder))
    return folder


def _shown_texts(table: VirtualTable) -> list[str]:
    return [strip.text for strip in (table.render_line(y) for y in range(table.size.height))]


def test_fit_widths_shares_the_room_among_text_columns() -> None:
    assert fit_widths([10, 30, 20], [10, 8, 8], 100) == [10, 30, 20]  # all fit: as wide as their text
    assert fit_widths([10, 30, 20], [10, 8, 8], 40) == [10, 15, 15]  # shared evenly
    assert fit_widths([10, 30, 12], [10, 8, 8], 40) == [10, 18, 12]  # the narrow one satisfied first
    assert fit_widths([10, 30, 20], [10, 8, 8], 20) == [10, 8, 8]  # never under the minimum: it scrolls


async def test_at_200_columns_no_ikm_column_is_cut(db: Database) -> None:
    app = app_module.make_app(db, poll_seconds=0)
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        table = app.screen.query_one(VirtualTable)
        rows = table.rows
        for position in range(len(rows)):  # every row of the demo data, not only those on screen
            for width, text in zip(table.widths, rows.cells(position), strict=True):
                assert len(text) <= width, (text, width)
        assert all(len(c.title) <= w for c, w in zip(rows.columns, table.widths, strict=True))
        assert not any("…" in line for line in _shown_texts(table))
        await pilot.resize_terminal(80, 24)  # re-fitted: the text columns give way, short ones keep theirs
        await pilot.pause()
        assert sum(w + 1 for w in table.widths) <= table.scrollable_content_region.width
        assert table.widths[0] == len("IKM-000001")


async def test_status_filter_shows_exactly_the_inactive_ikm(db: Database) -> None:
    inactive = {int(key) for key, doc in db.docs("ikm").items() if doc["status"] == "inactive"}
    assert inactive and len(inactive) < db.count("ikm")
    app = app_module.make_app(db, poll_seconds=0)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("2", "slash", *"status:nonaktif")
        await pilot.pause()
        rows = app.screen.query_one(VirtualTable).rows
        assert {rows.row(p)[0] for p in range(len(rows))} == inactive
        app.screen.query_one("#search", Input).value = "status:aktif"  # a word that starts so: not nonaktif
        await pilot.pause()
        assert len(rows) == db.count("ikm") - len(inactive)


async def test_kelurahan_is_searched(db: Database) -> None:
    target_id = int(next(iter(db.docs("ikm"))))
    db.update("ikm", target_id, {"kelurahan": "Tlogosari Kulon"})
    app = app_module.make_app(db, poll_seconds=0)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("2", "slash", *"Tlogosari")
        await pilot.pause()
        rows = app.screen.query_one(VirtualTable).rows
        assert [rows.row(p)[0] for p in range(len(rows))] == [target_id]


def test_field_terms_combine_with_words() -> None:
    columns = [Column("name", "Name"), Column("kecamatan", "Kecamatan"), Column("status", "Status")]
    docs = [
        (1, {"name": "Batik Sari", "kecamatan": "Tembalang", "status": "inactive"}),
        (2, {"name": "Batik Ayu", "kecamatan": "Tembalang", "status": "active"}),
        (3, {"name": "Batik Ratu", "kecamatan": "Genuk", "status": "inactive"}),
        (4, {"name": "Roti Enak", "kecamatan": "Tembalang", "status": "inactive"}),
    ]
    rows = RowSet(columns, docs)
    rows.filter("status:inactive kec:tembalang batik")
    assert [rows.row(p)[0] for p in range(len(rows))] == [1]
    rows.filter("nosuchfield:x")  # not a field: an ordinary word, found nowhere
    assert len(rows) == 0


async def test_column_choice_is_kept_per_officer(db: Database, own_prefs: Path) -> None:
    app = app_module.make_app(db, poll_seconds=0)
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        assert "investment" not in [c.key for c in app.screen.query_one(VirtualTable).rows.columns]
        await pilot.press("ctrl+k")
        await pilot.pause()
        assert isinstance(app.screen, PickScreen)
        picker = app.screen.query_one("#pick-list")
        picker.select("investment")  # type: ignore[attr-defined]
        picker.deselect("kbli")  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await pilot.pause()
        keys = [c.key for c in app.screen.query_one(VirtualTable).rows.columns]
        assert "investment" in keys and "kbli" not in keys
    assert prefs.shown_columns("tester", "IkmScreen") == keys
    assert prefs.shown_columns("someone else", "IkmScreen") is None
    again = app_module.make_app(db, poll_seconds=0)
    async with again.run_test(size=(200, 50)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        assert [c.key for c in again.screen.query_one(VirtualTable).rows.columns] == keys


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
async def test_export_writes_the_rows_shown(db: Database, tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"shown.{suffix}"
    app = app_module.make_app(db, poll_seconds=0)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("2", "slash", *"batik", "enter")
        await pilot.pause()
        rows = app.screen.query_one(VirtualTable).rows
        shown = [rows.row(p)[1][1] for p in range(len(rows))]  # business names, in the order shown
        assert 0 < len(shown) < db.count("ikm")
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        app.screen.query_one("#prompt-input", Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
    assert target.stat().st_mode & 0o077 == 0
    if suffix == "xlsx":
        sheet = load_workbook(target).active
        lines = [[cell.value for cell in row] for row in sheet.iter_rows()]
    else:
        import csv

        lines = list(csv.reader(target.read_text(encoding="utf-8-sig").splitlines()))
    assert lines[0][:2] == ["Kode", "Nama usaha"]
    assert [line[1] for line in lines[1:]] == shown


async def test_rows_scrolled_into_view_widen_their_column() -> None:
    from textual.app import App, ComposeResult

    docs = [(i, {"name": f"Usaha {i}", "note": "x"}) for i in range(1, 1001)]
    docs[899] = (900, {"name": "Usaha dengan nama yang jauh lebih panjang dari yang lain", "note": "x"})

    class TableApp(App[None]):
        def compose(self) -> ComposeResult:
            yield VirtualTable(RowSet([Column("name", "Name", 20), Column("note", "Note", 10)], docs))

    app = TableApp()
    async with app.run_test(size=(120, 30)) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.pause()
        assert table.widths[0] == len("Usaha 200")  # the first rows measured
        table.action_jump(-1)
        table.cursor_row = 899
        await pilot.pause()
        assert table.widths[0] == len("Usaha dengan nama yang jauh lebih panjang dari yang lain")


async def test_under_serve_the_rows_shown_go_to_the_browser(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from ikmtui.ui.kit import screen as screen_module

    sent: list[Path] = []
    monkeypatch.setattr(screen_module, "in_browser", lambda app: True)
    monkeypatch.setattr(screen_module, "deliver_file", lambda app, path: sent.append(Path(path)))
    app = app_module.make_app(db, poll_seconds=0)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("2", "ctrl+e")  # no question about a path on the server
        await pilot.pause()
        assert not isinstance(app.screen, PromptScreen)
    assert len(sent) == 1 and sent[0].name == "ikm-20261204.xlsx"
    assert sent[0].parent.name.startswith("ikmtui-downloads-") and sent[0].stat().st_mode & 0o077 == 0
    sheet = load_workbook(sent[0]).active
    assert sheet.max_row == db.count("ikm") + 1


async def test_an_existing_file_is_overwritten_only_after_a_yes(db: Database, tmp_path: Path) -> None:
    from ikmtui.ui.kit.dialogs import ConfirmScreen

    target = tmp_path / "shown.csv"
    target.write_text("old")
    app = app_module.make_app(db, poll_seconds=0)
    async with app.run_test(size=(140, 40)) as pilot:
        for answer in ("n", "y"):
            await pilot.press("2", "ctrl+e")
            await pilot.pause()
            app.screen.query_one("#prompt-input", Input).value = str(target)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press(answer)
            await pilot.pause()
            assert (target.read_text() == "old") == (answer == "n")


async def test_the_filter_picker_shows_exactly_the_inactive_ikm(db: Database) -> None:
    inactive = {int(key) for key, doc in db.docs("ikm").items() if doc["status"] == "inactive"}
    app = app_module.make_app(db, poll_seconds=0)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("2", "ctrl+f")
        await pilot.pause()
        assert isinstance(app.screen, PickScreen)
        picker = app.screen.query_one("#pick-list")
        picker.select(("status", "nonaktif"))  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen.query_one("#search", Input).value == "status:nonaktif"
        rows = app.screen.query_one(VirtualTable).rows
        assert {rows.row(p)[0] for p in range(len(rows))} == inactive


def test_values_of_one_field_are_alternatives() -> None:
    columns = [Column("name", "Name"), Column("kecamatan", "Kecamatan")]
    docs = [
        (1, {"name": "A", "kecamatan": "Semarang Timur"}),
        (2, {"name": "B", "kecamatan": "Semarang Barat"}),
        (3, {"name": "C", "kecamatan": "Genuk"}),
    ]
    rows = RowSet(columns, docs)
    rows.filter("kec:semarang_timur")
    assert [rows.row(p)[0] for p in range(len(rows))] == [1]
    rows.filter("kec:semarang_timur kec:genuk")
    assert [rows.row(p)[0] for p in range(len(rows))] == [1, 3]
    rows.filter("kec:genuk")  # one alternative fewer: searched again, not within the rows shown
    assert [rows.row(p)[0] for p in range(len(rows))] == [3]
    assert [(c.key, text, n) for c, text, n in rows.choices()] == [
        ("kecamatan", "Genuk", 1),
        ("kecamatan", "Semarang Barat", 1),
        ("kecamatan", "Semarang Timur", 1),
    ]
