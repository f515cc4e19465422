"""The IKM form in any terminal: two columns from 140 wide, compact and scrolling at 80x24; ticks shown by a mark;
a corrected NIB loses its "already registered" error as soon as it changes."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from ikmtui.storage import Database
from ikmtui.ui.app import make_app
from ikmtui.ui.registry.form import IkmFormScreen, SearchableSelectionList
from tests.app.test_registry_data_quality import open_new_form
from tests.app.test_registry_ui import GOOD, error_of, fill, type_into


async def test_a_corrected_nib_clears_its_error_at_once(db: Database) -> None:
    taken = db.all("ikm")[6]
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_new_form(pilot)
        await fill(pilot, {**GOOD, "nib": taken["nib"]})
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "sudah terdaftar" in error_of(app, "nib")
        assert app.focused is form.query_one("#field-nib", Input)
        await pilot.press("end", "backspace")  # correcting it: the error goes at the first key, not at the next save
        await pilot.pause()
        assert error_of(app, "nib") == ""
        assert not form.query_one("#error-nib", Static).display
        await type_into(pilot, taken["nib"][-1])  # typed back: named again at once
        await pilot.pause()
        assert taken["code"] in error_of(app, "nib")
    assert db.count("ikm") == 60


async def test_ticked_options_show_a_mark_not_only_a_colour(db: Database) -> None:
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_new_form(pilot)
        certifications = form.query_one("#field-certifications", SearchableSelectionList)
        certifications.focus()
        await pilot.pause()
        before = [certifications.render_line(y).text for y in range(2)]
        await pilot.press("space")  # tick the first (Halal)
        await pilot.pause()
        after = [certifications.render_line(y).text for y in range(2)]
        assert "Halal" in after[0] and "✓" in after[0] and "✓" not in before[0]
        assert "✓" not in after[1]
        assert before[0].replace(" ", "") != after[0].replace(" ", "")  # the text itself differs, not the colour
        assert certifications.selected == ["Halal"]


def layout(form: IkmFormScreen) -> dict[str, tuple[int, int]]:
    return {
        name: (block.region.x, block.region.y)
        for block in form.query(".form-field")
        for name in [next(w.id[6:] for w in block.query("*") if w.id and w.id.startswith("field-"))]
    }


@pytest.mark.parametrize(("size", "columns"), [((140, 42), 2), ((200, 50), 2), ((139, 42), 1), ((120, 40), 1)])
async def test_two_columns_from_140_wide(db: Database, size: tuple[int, int], columns: int) -> None:
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=size) as pilot:
        form = await open_new_form(pilot)
        places = layout(form)
        assert len({x for x, _y in places.values()}) == columns
        if columns == 2:
            assert places["name"][1] == places["owner_name"][1]  # side by side
            assert places["name"][0] < places["owner_name"][0]


async def test_at_80x24_the_form_is_compact_and_scrolls(db: Database) -> None:
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_new_form(pilot)
        scroll = form.query_one("#form-fields")
        blocks = list(form.query(".form-field"))
        visible = [b for b in blocks if scroll.region.y <= b.region.y and b.region.bottom <= scroll.region.bottom]
        assert len(visible) >= 8, len(visible)  # was 3 of 21
        assert scroll.virtual_size.height > scroll.region.height  # the rest is below: it scrolls
        last = form.query_one("#field-status")
        last.focus()
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        assert scroll.region.y <= last.region.y < scroll.region.bottom


async def test_a_list_left_unchosen_says_it_is_required(db: Database) -> None:
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_new_form(pilot)
        await fill(pilot, {k: v for k, v in GOOD.items() if k not in ("kecamatan", "kelurahan")})
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert error_of(app, "kecamatan") == "Isian ini wajib diisi"
        assert error_of(app, "kelurahan") == "Isian ini wajib diisi"
    assert db.count("ikm") == 60
