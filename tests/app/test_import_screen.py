"""The Import screen: file picker, preview, report, import in a worker with a progress bar.

The screen is pushed on a small host app that has what it needs from ``IkmApp`` (an ``AppContext``), so
these tests depend on the import screen only; how the app opens it is wired in ``ui/app.py``.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Checkbox, DataTable, Select, Static

from ikmtui import clock
from ikmtui.storage import Database
from ikmtui.ui.importing.spreadsheet import ImportScreen, PathSuggester, SpreadsheetTree
from ikmtui.ui.kit.context import AppContext
from ikmtui.ui.kit.dialogs import ConfirmScreen
from tests.unit.io.test_import import IKM_HEADERS, files_of, ikm_row, nib, write_xlsx


class Host(App[None]):
    def __init__(self, db: Database) -> None:
        super().__init__()
        self.context = AppContext.create(self, db, clock.today)

    @property
    def saved(self) -> int:
        """How many saves the screen announced."""
        return self.context.version


async def settle(pilot: Pilot[None], screen: ImportScreen) -> None:
    """Wait until the screen's worker has finished (reading and checking run in a thread)."""
    await pilot.pause()
    for _ in range(1000):
        if not screen.busy:
            break
        await asyncio.sleep(0.02)
    await pilot.pause()
    assert not screen.busy


def report_text(screen: ImportScreen) -> str:
    static = screen.query_one("#import-report", Static)
    return (
        "\n".join(line.text for line in static.render_lines(static.region.reset_offset))
        if static.region
        else str(static.render())
    )


def _mixed(tmp_path: Path) -> Path:
    rows = [ikm_row(1), ikm_row(2, Kecamatan="Atlantis"), ikm_row(3)]
    return write_xlsx(tmp_path / "campur.xlsx", IKM_HEADERS, rows)


async def test_preview_report_and_import_of_the_valid_rows(tmp_path: Path, db: Database) -> None:
    path = _mixed(tmp_path)
    app = Host(db)
    async with app.run_test(size=(150, 50)) as pilot:
        screen = ImportScreen(path)
        app.push_screen(screen)
        await settle(pilot, screen)
        table = screen.query_one("#import-preview", DataTable)
        assert table.row_count == 3
        nik_column = IKM_HEADERS.index("NIK") + 1  # after the row number
        shown_nik = str(table.get_row_at(0)[nik_column])
        assert "********" in shown_nik and ikm_row(1)["NIK"] not in shown_nik
        assert screen.report is not None and screen.report.bad_rows == [3]
        assert "Atlantis" in report_text(screen)

        before = files_of(db.path)
        await pilot.press("ctrl+s")  # all or nothing: one invalid row, nothing written
        await settle(pilot, screen)
        assert files_of(db.path) == before and app.saved == 0

        screen.query_one("#import-skip", Checkbox).value = True
        await pilot.press("ctrl+s")
        await settle(pilot, screen)
        assert db.find("ikm", nib=nib(1)) and db.find("ikm", nib=nib(3)) and not db.find("ikm", nib=nib(2))
        assert app.saved == 1 and screen.report.inserted == 2
        assert "2 baru" in report_text(screen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ImportScreen)


async def test_a_file_that_is_not_a_spreadsheet_shows_one_message(tmp_path: Path, db: Database) -> None:
    path = tmp_path / "foto.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    app = Host(db)
    async with app.run_test(size=(150, 50)) as pilot:
        screen = ImportScreen(path)
        app.push_screen(screen)
        await settle(pilot, screen)
        assert "bukan lembar kerja" in report_text(screen)
        assert screen.query_one("#import-preview", DataTable).row_count == 0
        await pilot.press("ctrl+s")
        await settle(pilot, screen)
        assert app.saved == 0 and app.is_running


async def test_update_asks_first_and_then_updates(tmp_path: Path, db: Database) -> None:
    existing = db.get("ikm", 1)
    assert existing is not None
    path = write_xlsx(tmp_path / "ubah.xlsx", ["NIB", "Nama Usaha"], [[existing["nib"], "Nama Dari Lembar"]])
    app = Host(db)
    async with app.run_test(size=(150, 50)) as pilot:
        screen = ImportScreen(path, kind="ikm")
        app.push_screen(screen)
        await settle(pilot, screen)
        assert screen.report is None and "kolom wajib tidak ada" in report_text(screen)  # a partial sheet...
        screen.query_one("#import-update", Checkbox).value = True  # ...is fine for an update: checked again
        await settle(pilot, screen)
        assert screen.report.ok and screen.report.to_update == 1

        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert db.get("ikm", 1)["name"] == existing["name"]

        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot, screen)
        assert db.get("ikm", 1)["name"] == "Nama Dari Lembar" and app.saved == 1


async def test_kind_selector_checks_again(tmp_path: Path, db: Database) -> None:
    path = _mixed(tmp_path)
    app = Host(db)
    async with app.run_test(size=(150, 50)) as pilot:
        screen = ImportScreen(path)
        app.push_screen(screen)
        await settle(pilot, screen)
        screen.query_one("#import-kind", Select).value = "clusters"
        await settle(pilot, screen)
        assert screen.checked_with == ("clusters", False)
        assert "kolom wajib tidak ada" in report_text(screen)


async def test_picking_a_file_in_the_tree_checks_it(tmp_path: Path, db: Database) -> None:
    path = _mixed(tmp_path)
    app = Host(db)
    async with app.run_test(size=(150, 50)) as pilot:
        screen = ImportScreen(folder=tmp_path)
        app.push_screen(screen)
        await pilot.pause()
        tree = screen.query_one(SpreadsheetTree)
        tree.post_message(SpreadsheetTree.FileSelected(tree.root, path))
        await settle(pilot, screen)
        assert screen.source is not None and screen.source.path == path
        assert screen.query_one("#import-preview", DataTable).row_count == 3


async def test_the_tree_lists_folders_and_spreadsheets_only(tmp_path: Path, db: Database) -> None:
    for name in ("a.xlsx", "b.CSV", "c.png", "d.txt", ".e.xlsx"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "folder").mkdir()
    app = Host(db)
    async with app.run_test(size=(150, 50)) as pilot:
        screen = ImportScreen(folder=tmp_path)
        app.push_screen(screen)
        await pilot.pause()
        tree = screen.query_one(SpreadsheetTree)
        for _ in range(200):
            await pilot.pause(0.02)
            if tree.root.children:
                break
        assert sorted(str(node.label) for node in tree.root.children) == ["a.xlsx", "b.CSV", "folder"]


async def test_the_path_input_completes_folders_and_spreadsheets(tmp_path: Path) -> None:
    (tmp_path / "data-ikm").mkdir()
    (tmp_path / "data-ikm" / "daftar 2025.xlsx").write_bytes(b"x")
    (tmp_path / "data-ikm" / "catatan.txt").write_bytes(b"x")
    suggest = PathSuggester()
    assert await suggest.get_suggestion(str(tmp_path / "data-")) == str(tmp_path / "data-ikm") + "/"
    assert await suggest.get_suggestion(str(tmp_path / "data-ikm" / "d")) == str(
        tmp_path / "data-ikm" / "daftar 2025.xlsx"
    )
    assert await suggest.get_suggestion(str(tmp_path / "data-ikm" / "c")) is None
    assert await suggest.get_suggestion(str(tmp_path / "nothing" / "x")) is None
