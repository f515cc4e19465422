"""The IKM form as offices fill it in: required fields marked, records without NIB/NIK/phone/year saved, what a
record lacks shown on its profile, look-alikes of a new business shown before it is saved."""

from __future__ import annotations

import re
from typing import Any

from textual.widgets import Input, Label, OptionList, Static

from ikmtui.storage import Database
from ikmtui.ui.app import make_app
from ikmtui.ui.kit.dialogs import ViewerScreen
from ikmtui.ui.registry.duplicates import DuplicatesScreen
from ikmtui.ui.registry.form import IkmFormScreen, field_of
from ikmtui.ui.registry.profile import IkmProfileScreen
from ikmtui.ui.registry.table import IkmScreen
from tests.app.test_registry_ui import GOOD, fill, journal_size, shown_text, type_into

SIZE = (120, 40)


def labels(form: IkmFormScreen) -> dict[str, str]:
    found = {}
    for row in form.query(".form-row"):
        found[field_of(row)] = str(row.query_one(Label).content)
    return found


async def open_new_form(pilot: Any) -> IkmFormScreen:
    await pilot.press("2", "a")
    await pilot.pause()
    form = pilot.app.screen
    assert isinstance(form, IkmFormScreen)
    return form


async def test_a_business_like_a_registered_one_shows_it_and_is_saved_only_when_the_officer_says_so(
    db: Database,
) -> None:
    existing = db.all("ikm")[4]
    before = journal_size(db)
    look_alike = {**GOOD, "nib": "9120000000077", "owner_nik": existing["owner_nik"], "name": existing["name"]}
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_new_form(pilot)
        await fill(pilot, look_alike)
        await pilot.press("ctrl+s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, DuplicatesScreen)
        assert [d.code for d in dialog.duplicates] == [existing["code"]]
        shown = str(dialog.query_one(OptionList).get_option_at_index(0).prompt)
        assert existing["code"] in shown and "NIK pemilik sama" in shown
        assert journal_size(db) == before  # nothing saved while the officer decides

        await pilot.press("enter")  # open the existing record to compare
        await pilot.pause()
        assert isinstance(app.screen, ViewerScreen)
        assert existing["name"] in shown_text(app.screen.query_one("#viewer-content", Static).content)
        await pilot.press("escape", "escape")  # close it, then back to the form
        await pilot.pause()
        assert app.screen is form
        assert form.query_one("#field-name", Input).value == existing["name"]  # nothing typed is lost
        assert db.count("ikm") == 60

        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DuplicatesScreen)
        await pilot.press("s")  # save anyway
        await pilot.pause()
        assert isinstance(app.screen, IkmScreen)
    assert db.count("ikm") == 61
    saved = max(db.all("ikm"), key=lambda doc: doc["id"])
    kept = [a for a in db.all("audit") if a["action"] == "duplicate.kept"]
    assert [(a["record_id"], a["user"]) for a in kept] == [(saved["id"], "tester")]
    assert existing["code"] in kept[0]["detail"] and existing["owner_nik"] not in str(kept[0])


async def test_required_fields_are_marked(db: Database) -> None:
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_new_form(pilot)
        shown = labels(form)
        for name in ("name", "owner_name", "address", "kecamatan", "kelurahan", "kbli", "product"):
            assert shown[name].endswith(" *"), name
        for name in ("npwp", "email", "workers_male", "investment", "cluster_ids", "status"):
            assert not shown[name].endswith("*"), name
        assert "wajib" in str(form.query_one("#form-title", Static).content)


async def test_the_profile_says_what_the_record_lacks(db: Database) -> None:
    lacking, complete = db.all("ikm")[2], db.all("ikm")[3]
    with db.transaction() as txn:  # as an imported office list leaves them
        txn.update("ikm", lacking["id"], {"nib": None, "phone": None})
        txn.update("ikm", complete["id"], {"npwp": "0123456789012345"})
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await pilot.pause()
        app.push_screen(IkmProfileScreen(lacking["id"]))
        await pilot.pause()
        text = shown_text(app.screen.query_one("#profile", Static).content)
        assert "Belum diisi: NIB, NPWP, Telepon" in text
        app.push_screen(IkmProfileScreen(complete["id"]))
        await pilot.pause()
        text = shown_text(app.screen.query_one("#profile", Static).content)
        assert "Data lengkap" in text and "Belum diisi" not in text


async def test_an_ikm_without_nib_nik_phone_and_year_founded_is_saved_by_the_form(db: Database) -> None:
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=SIZE) as pilot:
        await open_new_form(pilot)
        await fill(pilot, {**GOOD, "nib": "", "owner_nik": "", "phone": "", "year_founded": ""})
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, IkmScreen)  # saved and closed
    saved = max(Database(db.path, "reader").all("ikm"), key=lambda doc: doc["id"])
    assert saved["name"] == GOOD["name"]
    assert (saved["nib"], saved["owner_nik"], saved["phone"], saved["year_founded"]) == (None, None, None, None)


# ---------------------------------------------------------------------------------------------- KBLI
async def test_a_business_under_a_code_of_the_full_list_is_registered_by_words_of_its_title(db: Database) -> None:
    from ikmtui.ui.registry.kbli import KbliInput

    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_new_form(pilot)
        await fill(pilot, {key: value for key, value in GOOD.items() if key != "kbli"})
        field = form.query_one("#field-kbli", KbliInput)
        field.focus()
        await type_into(pilot, "kimia organik pertanian")  # one title has all three words
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert field.value == "20115 Industri kimia dasar organik yang bersumber dari hasil pertanian"
        assert app.focused is form.query_one("#field-product")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, IkmScreen)

        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, IkmFormScreen)
        await fill(pilot, {**{k: v for k, v in GOOD.items() if k != "kbli"}, "name": "Pande Besi Mranggen"})
        await fill(pilot, {"nib": "9120000000002", "owner_nik": "", "phone": "", "owner_name": "Darmo"})
        form.query_one("#field-kbli", KbliInput).focus()
        await type_into(pilot, "logam")  # many titles: enter goes into the list of matches
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.focused, OptionList)
        while "25910" not in str(app.focused.get_option_at_index(app.focused.highlighted or 0).prompt):
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        assert form.query_one("#field-kbli", KbliInput).value.startswith("25910 Industri penempaan")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, IkmScreen), form.query_one("#form-summary", Static).content
    codes = {doc["name"]: doc["kbli"] for doc in Database(db.path, "reader").all("ikm")}
    assert codes[GOOD["name"]] == "20115" and codes["Pande Besi Mranggen"] == "25910"


async def test_tab_after_a_typed_code_goes_on_to_the_next_field(db: Database) -> None:
    from ikmtui.ui.registry.kbli import KbliInput

    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_new_form(pilot)
        field = form.query_one("#field-kbli", KbliInput)
        field.focus()
        await type_into(pilot, "10710")  # its one match is listed under the field
        await pilot.pause()
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused is form.query_one("#field-product")  # not into the list of matches
        assert field.value.startswith("10710 ")


async def test_words_that_name_no_code_are_refused_beside_the_field(db: Database) -> None:
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_new_form(pilot)
        await fill(pilot, {**GOOD, "kbli": "roket antariksa"})
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "roket antariksa" in str(form.query_one("#error-kbli", Static).content)
    assert db.count("ikm") == 60


async def test_the_dashboard_says_how_many_ikm_have_no_nib(db: Database) -> None:
    with db.transaction() as txn:
        for doc in db.all("ikm")[:5]:
            txn.update("ikm", doc["id"], {"nib": None})
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(140, 42)) as pilot:
        await pilot.press("1")
        await pilot.pause()
        text = shown_text(app.screen.query_one("#headline", Static).content, width=136)
        assert re.search(r"IKM belum ber-NIB\s+5\b", text), text


async def test_the_ikm_missing_a_field_are_listed_from_a_profile(db: Database) -> None:
    from ikmtui.ui.kit.vtable import VirtualTable
    from ikmtui.ui.registry.completeness import IncompleteIkmScreen

    docs = db.all("ikm")
    with db.transaction() as txn:
        for doc in docs[:4]:
            txn.update("ikm", doc["id"], {"nib": None})
        txn.update("ikm", docs[10]["id"], {"phone": None})
    without_nib = {doc["id"] for doc in docs[:4]}
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await pilot.pause()
        app.push_screen(IkmProfileScreen(docs[0]["id"]))
        await pilot.pause()
        await pilot.press("k")  # this one lacks an NIB: the others that lack one
        await pilot.pause()
        listing = app.screen
        assert isinstance(listing, IncompleteIkmScreen) and listing.field == "nib"
        table = listing.query_one(VirtualTable)
        assert set(table.rows.ids) == without_nib
        assert "IKM tanpa NIB" in str(listing.title)
        await pilot.press("f", "f", "f")  # owner NIK, NPWP, phone
        await pilot.pause()
        assert listing.field == "phone"
        raw = Database(db.path, "reader").docs("ikm")
        assert set(table.rows.ids) == {int(k) for k, d in raw.items() if not d.get("phone")} == {docs[10]["id"]}
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, IkmProfileScreen) and app.screen.ikm_id == docs[10]["id"]


async def test_an_edit_removes_the_owner_nik_with_a_dash_and_keeps_it_when_left_empty(db: Database) -> None:
    from ikmtui.ui.registry.form import open_ikm_form

    first, second = db.all("ikm")[9], db.all("ikm")[10]
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await pilot.pause()
        for doc, typed in ((first, "-"), (second, "")):
            open_ikm_form(app.screen, doc["id"])  # type: ignore[arg-type]
            await pilot.pause()
            form = app.screen
            assert isinstance(form, IkmFormScreen)
            assert "ketik - untuk menghapusnya" in form.query_one("#field-owner_nik", Input).placeholder
            form.query_one("#field-owner_nik", Input).focus()
            await type_into(pilot, typed)
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, IkmScreen)
    stored = Database(db.path, "reader")
    assert (stored.get("ikm", first["id"]) or {})["owner_nik"] is None
    assert (stored.get("ikm", second["id"]) or {})["owner_nik"] == second["owner_nik"]
