"""Inactive IKM are not offered by the pickers; a decree dated after today is refused in the cluster form; the
cluster detail keeps its figures whole and room for its members at 80x24."""

from __future__ import annotations

import re
from datetime import date

from textual.widgets import Input, Static

from ikmtui.storage import Database
from ikmtui.ui.app import make_app
from ikmtui.ui.kit.vtable import VirtualTable
from ikmtui.ui.registry.cluster import ClusterScreen
from ikmtui.ui.registry.cluster_form import ClusterFormScreen
from ikmtui.ui.registry.members import MemberPickerScreen
from ikmtui.ui.training.picker import IkmPickerScreen
from tests.app.test_registry_ui import error_of, shown_text, type_into

SIZE = (120, 40)


def shown_ids(table: VirtualTable) -> set[int]:
    return set(table.rows.ids)


def inactive(db: Database) -> set[int]:
    return {doc["id"] for doc in db.all("ikm") if doc["status"] == "inactive"}


async def test_the_training_picker_offers_only_active_ikm(db: Database) -> None:
    assert inactive(db)
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await pilot.pause()
        picker = IkmPickerScreen("Enrol")
        app.push_screen(picker)
        await pilot.pause()
        offered = shown_ids(picker.table)
        assert offered == {doc["id"] for doc in db.all("ikm")} - inactive(db)


async def test_the_member_picker_offers_active_ikm_and_the_inactive_members_to_remove(db: Database) -> None:
    cluster_id = db.all("clusters")[0]["id"]
    member = next(d for d in db.all("ikm") if cluster_id in d["cluster_ids"] and d["status"] == "active")
    with db.transaction() as txn:
        txn.update("ikm", member["id"], {"status": "inactive"})
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        app.push_screen(ClusterScreen(cluster_id))
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, MemberPickerScreen)
        offered = shown_ids(picker.table)
        outsiders = inactive(db) - {member["id"]}
        assert member["id"] in offered and not offered & outsiders
        assert offered == ({d["id"] for d in db.all("ikm")} - inactive(db)) | {member["id"]}


async def test_a_decree_dated_after_today_is_refused_beside_the_field_naming_today(db: Database, today: date) -> None:
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3", "a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ClusterFormScreen)
        form.set_value("name", "Sentra Jamu Gendong")
        form.set_value("sector", "food processing")
        form.set_value("kecamatan", "Genuk")
        form.set_value("decree_number", "SK Walikota Semarang No. 530/77/2027")
        form.query_one("#field-decree_date", Input).focus()
        await type_into(pilot, "15/01/2027")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert error_of(app, "decree_date") == (
            "Tanggal 15 Jan 2027 jatuh setelah hari ini (4 Des 2026): tidak ada yang dicatat sebelum terjadi"
        )
        assert db.count("clusters") == 8
        await pilot.press("ctrl+u")
        await type_into(pilot, "04/12/2026")  # today is fine
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is not form
    assert db.find("clusters", name="Sentra Jamu Gendong")[0]["decree_date"] == "2026-12-04"


async def test_the_cluster_detail_at_80x24_keeps_figures_whole_and_room_for_members(db: Database) -> None:
    biggest = max(db.all("clusters"), key=lambda c: sum(c["id"] in d["cluster_ids"] for d in db.all("ikm")))
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        screen = ClusterScreen(biggest["id"])
        app.push_screen(screen)
        await pilot.pause()
        text = shown_text(screen.query_one("#cluster-summary", Static).content, width=78)
        assert not re.search(r"Rp\s*\n", text)
        assert re.search(r"Rp \d{1,3}(\.\d{3})+", text)
        members = screen.query_one("#members", VirtualTable)
        assert members.region.height >= 5  # header and at least four members
        assert members.region.bottom <= 23  # above the footer
        assert len(members.rows) >= 4
