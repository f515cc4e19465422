"""The footer orders keys by importance (the screen's own first) and collapses the app-wide keys when short of
room: nothing that matters is cut at 120 columns and more; at 80 the screen's first keys and Help still show."""

from __future__ import annotations

import pytest

from ikmtui.storage import Database
from ikmtui.ui import app as app_module
from ikmtui.ui.kit.footer import AppFooter


async def footer_line(db: Database, width: int, key: str) -> str:
    app = app_module.make_app(db, poll_seconds=0)
    async with app.run_test(size=(width, 30)) as pilot:
        await pilot.press(key)
        await pilot.pause()
        return app.screen.query_one(AppFooter).render().plain


@pytest.mark.parametrize("width", [120, 140, 200])
async def test_nothing_that_matters_is_cut_from_120_columns(db: Database, width: int) -> None:
    line = await footer_line(db, width, "2")
    assert line.startswith(" a Tambah  e Ubah  d Hapus ")  # the screen's own keys first
    for label in (
        "s Urutkan",
        "/ Cari",
        "^k Kolom",
        "^e Ekspor baris",
        "^f Saring",
        "F1 Bantuan",
        "^q Keluar",
        "^p palet",
    ):
        assert label in line, (label, line)
    assert "…" not in line
    assert line.index("^k Kolom") < line.index("F1 Bantuan")  # the table's keys before the app's
    if width >= 200:
        assert "^o Impor lembar kerja" in line


async def test_app_keys_collapse_at_narrow_widths(db: Database) -> None:
    line = await footer_line(db, 140, "8")
    assert "1 Dasbor" not in line and "layar" in line  # the screen keys as one entry, the palette lists them
    narrow = await footer_line(db, 80, "2")
    assert narrow.startswith(" a Tambah  e Ubah  d Hapus ") and "F1 Bantuan" in narrow and "^p palet" in narrow
    assert len(narrow) <= 80
