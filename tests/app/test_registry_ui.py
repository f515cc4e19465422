"""The IKM and cluster screens driven by keys, checked on the screen and in the database file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Input, Select, Static

from ikmtui.services import registry
from ikmtui.storage import Database
from ikmtui.ui.app import IkmApp, make_app
from ikmtui.ui.kit.dialogs import ConfirmScreen
from ikmtui.ui.registry.cluster import ClusterScreen
from ikmtui.ui.registry.cluster_form import ClusterFormScreen
from ikmtui.ui.registry.clusters import ClustersScreen
from ikmtui.ui.registry.form import IkmFormScreen
from ikmtui.ui.registry.members import MemberPickerScreen
from ikmtui.ui.registry.profile import IkmProfileScreen
from ikmtui.ui.registry.table import IkmScreen

SIZE = (120, 40)
GOOD = {
    "name": "Bandeng Juwana Elrina",
    "owner_name": "Siti Aminah",
    "owner_nik": "3374014101900001",
    "nib": "9120000000001",
    "address": "Jl. Pandanaran No. 1",
    "kecamatan": "Tembalang",
    "kelurahan": "Jangli",
    "phone": "081234567890",
    "kbli": "10213",
    "product": "bandeng presto",
    "workers_male": "3",
    "workers_female": "5",
    "investment": "150.000.000",
    "turnover": "300.000.000",
    "scale": "mikro",
    "year_founded": "2015",
}


def journal_size(db: Database) -> int:
    return db.journal_path.stat().st_size if db.journal_path.exists() else 0


def shown_text(renderable: Any, width: int = 118) -> str:
    console = Console(width=width, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(renderable)
    return console.export_text()


def error_of(app: IkmApp, field: str) -> str:
    return str(app.screen.query_one(f"#error-{field}", Static).content)


async def type_into(pilot: Pilot[Any], text: str) -> None:
    await pilot.press(*["space" if ch == " " else ch for ch in text])


async def find(pilot: Pilot[Any], text: str) -> None:
    """Filter the table of the current screen by ``text`` with keys, then go back to the table."""
    await pilot.press("slash", "ctrl+u")
    await type_into(pilot, text)
    await pilot.press("enter")
    await pilot.pause()


async def fill(pilot: Pilot[Any], values: dict[str, str]) -> None:
    """Put values in the open IKM form (the add test types every field; the others only the one under test)."""
    form = pilot.app.screen
    assert isinstance(form, IkmFormScreen)
    for name, value in values.items():
        form.set_value(name, value)
        if name == "kecamatan":
            await pilot.pause()  # the kelurahan list follows the kecamatan


# ---------------------------------------------------------------------------------------------- adding
async def test_add_an_ikm_with_keys_only_and_find_it_on_disk(db: Database, db_path: Path) -> None:
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "a")
        await pilot.pause()
        assert isinstance(app.screen, IkmFormScreen)
        await type_into(pilot, "Bandeng Juwana Elrina")
        await pilot.press("tab")
        await type_into(pilot, "Siti Aminah")
        await pilot.press("tab")
        await type_into(pilot, "3374014101900001")
        await pilot.press("tab")
        await type_into(pilot, "9120000000001")
        await pilot.press("tab", "tab")  # NPWP left empty
        await type_into(pilot, "Jl. Pandanaran No. 1")
        await pilot.press("tab", "enter")  # kecamatan: open the list, type to search, enter
        await type_into(pilot, "tembal")
        await pilot.press("enter", "tab", "enter")
        await pilot.pause()
        await type_into(pilot, "jangli")
        await pilot.press("enter", "tab")
        await type_into(pilot, "+62 812 3456 7890")
        await pilot.press("tab", "tab")  # e-mail left empty; the KBLI field searches as you type
        await type_into(pilot, "10213")
        await pilot.press("enter")  # the one match, then on to the product
        await type_into(pilot, "bandeng presto")
        await pilot.press("tab", "ctrl+u", "3", "tab", "ctrl+u", "5", "tab")
        await type_into(pilot, "1.500.000.000")
        await pilot.press("tab")
        await type_into(pilot, "Rp 900.000.000")
        await pilot.press("tab")
        await pilot.pause()
        assert app.screen.query_one("#field-scale", Select).value == "kecil"  # suggested (PP 7/2021)
        await pilot.press("tab")
        await type_into(pilot, "2015")
        await pilot.press("tab")
        await type_into(pilot, "bandeng")  # the clusters list searches as you type; space ticks
        await pilot.press("space", "tab")
        await type_into(pilot, "halal")
        await pilot.press("space", "tab", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, IkmScreen)
        table = app.screen.table
        assert table.current_id == 61  # the cursor is on the new business
        assert "Bandeng Juwana Elrina" in table.rows.cells(table.cursor_row)

    stored = Database(db_path, "someone.else").find("ikm", nib="9120000000001")
    assert len(stored) == 1
    doc = stored[0]
    assert (doc["code"], doc["name"], doc["kecamatan"], doc["kelurahan"]) == (
        "IKM-000061",
        "Bandeng Juwana Elrina",
        "Tembalang",
        "Jangli",
    )
    assert (doc["phone"], doc["kbli"], doc["scale"], doc["investment"], doc["turnover"]) == (
        "081234567890",
        "10213",
        "kecil",
        1_500_000_000,
        900_000_000,
    )
    assert (doc["workers_male"], doc["workers_female"], doc["year_founded"]) == (3, 5, 2015)
    assert doc["cluster_ids"] == [2] and doc["certifications"] == ["Halal"] and doc["created_by"] == "tester"


INVALID = [  # (field, what is typed, the message shown beside the field)
    ("nib", "91200000", "NIB harus tepat 13 angka (dari OSS), mis. 1234567890123"),
    ("owner_nik", "3374", "NIK harus tepat 16 angka, mis. 3374010101900001"),
    ("phone", "0212", "Nomor telepon harus seperti 081234567890 atau +62 812 3456 7890"),
    ("investment", "1,5 juta", "'1,5 juta' bukan jumlah rupiah: tulis 1234567, 1.234.567 atau Rp 1.234.567"),
    ("turnover", "Rp 1,5", "'Rp 1,5' memuat sen: jumlah rupiah harus bulat, tanpa sen"),  # 1,5 rupiah
    ("name", "", "Isian ini wajib diisi"),
    ("nib", "DUPLICATE", "NIB {nib} sudah terdaftar atas {code} {name}"),
]


async def test_each_invalid_field_shows_its_message_beside_it_and_nothing_is_saved(db: Database) -> None:
    existing = db.all("ikm")[6]
    before = journal_size(db)
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "a")
        await pilot.pause()
        for field, typed, message in INVALID:  # one form, one mistake at a time (one app: keeps the test fast)
            if typed == "DUPLICATE":
                typed = existing["nib"]
                message = message.format(nib=existing["nib"], code=existing["code"], name=existing["name"])
            await fill(pilot, {**GOOD, field: ""})
            app.screen.query_one(f"#field-{field}", Input).focus()
            await type_into(pilot, typed)
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, IkmFormScreen), field  # still open
            assert error_of(app, field) == message
            others = {name: error_of(app, name) for name in GOOD if name != field}
            assert set(others.values()) == {""}, others
            assert app.focused is app.screen.query_one(f"#field-{field}")
            assert "1 isian perlu diperbaiki" in str(app.screen.query_one("#form-summary", Static).content)
            assert journal_size(db) == before and db.count("ikm") == 60
    assert journal_size(db) == before and Database(db.path, "reader").count("ikm") == 60


async def test_escape_closes_a_clean_form_and_asks_once_something_was_typed(db: Database) -> None:
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "a")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, IkmScreen)
        await pilot.press("a")
        await pilot.pause()
        await type_into(pilot, "Batik")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # keep editing
        await pilot.pause()
        assert isinstance(app.screen, IkmFormScreen)
        assert app.screen.query_one("#field-name", Input).value == "Batik"
        await pilot.press("escape", "y")
        await pilot.pause()
        assert isinstance(app.screen, IkmScreen)
    assert db.count("ikm") == 60


# ---------------------------------------------------------------------------------------------- editing
async def test_edit_saves_the_change_and_keeps_the_nik(db: Database, db_path: Path) -> None:
    doc = db.all("ikm")[9]
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await find(pilot, doc["nib"])
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, IkmFormScreen)
        assert form.query_one("#field-owner_nik", Input).value == ""  # personal data not shown
        assert "********" in form.query_one("#field-owner_nik", Input).placeholder
        assert form.query_one("#field-kecamatan", Select).value == doc["kecamatan"]
        await pilot.press("ctrl+u")
        await type_into(pilot, "Batik Baru Sejahtera")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, IkmScreen)
        assert "Batik Baru Sejahtera" in app.screen.table.rows.cells(app.screen.table.cursor_row)
    stored = Database(db_path, "reader").get("ikm", doc["id"])
    assert stored is not None
    assert stored["name"] == "Batik Baru Sejahtera" and stored["owner_nik"] == doc["owner_nik"]
    assert stored["version"] == doc["version"] + 1 and stored["updated_by"] == "tester"
    entry = [a for a in db.all("audit") if a["record_id"] == doc["id"] and a["action"] == "update"][-1]
    assert entry["fields"] == ["name"]


async def test_a_stale_edit_is_refused_with_the_other_officers_name(db: Database, db_path: Path) -> None:
    doc = db.all("ikm")[3]
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await find(pilot, doc["nib"])
        await pilot.press("e")
        await pilot.pause()
        Database(db_path, "officer2").update("ikm", doc["id"], {"product": "wingko babat"})
        await pilot.press("ctrl+u")
        await type_into(pilot, "Nama Saya")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, IkmFormScreen)
        summary = str(app.screen.query_one("#form-summary", Static).content)
        assert "officer2" in summary and doc["code"] in summary
    stored = db.get("ikm", doc["id"])
    assert stored is not None and stored["name"] == doc["name"] and stored["product"] == "wingko babat"


# ---------------------------------------------------------------------------------------------- deleting
async def test_delete_asks_first_and_is_gone_from_disk(db: Database, db_path: Path) -> None:
    new = registry.create_ikm(db, {**GOOD, "scale": "mikro"})
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await find(pilot, new["nib"])
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert new["code"] in app.screen.question
        await pilot.press("n")
        await pilot.pause()
        assert db.get("ikm", new["id"]) is not None
        await pilot.press("d", "y")
        await pilot.pause()
        assert isinstance(app.screen, IkmScreen)
        assert len(app.screen.table.rows) == 0
    assert Database(db_path, "reader").get("ikm", new["id"]) is None


async def test_deleting_an_ikm_with_records_offers_to_mark_it_inactive(db: Database) -> None:
    borrower = db.get("ikm", db.all("credit_applications")[0]["ikm_id"])
    assert borrower is not None
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await find(pilot, borrower["nib"])
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "tidak dapat dihapus" in app.screen.question and "pengajuan kredit" in app.screen.question
        assert "nonaktif" in app.screen.question
        await pilot.press("y")
        await pilot.pause()
        assert "nonaktif" in app.screen.table.rows.cells(0)
    stored = db.get("ikm", borrower["id"])
    assert stored is not None and stored["status"] == "inactive"


# ---------------------------------------------------------------------------------------------- table and profile
async def test_filter_as_you_type_narrows_by_name_owner_code_nib_and_product(db: Database) -> None:
    docs = db.all("ikm")
    target = docs[20]
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "slash")
        table = app.screen.table
        counts = []
        for ch in "bandeng":
            await pilot.press(ch)
            counts.append(len(table.rows))
        assert counts == sorted(counts, reverse=True) and counts[-1] < 60
        clusters = {c["id"]: c["name"] for c in db.all("clusters")}
        assert counts[-1] == sum(
            1
            for d in docs
            if "bandeng" in " ".join([d["name"], d["product"], *(clusters[c] for c in d["cluster_ids"])]).lower()
        )
        search = app.screen.query_one("#search", Input)
        for text in (target["code"], target["nib"], target["owner_name"], target["product"], target["name"]):
            search.value = text  # as if pasted: the table follows every change of the box
            await pilot.pause()
            ids = [table.rows.row(p)[0] for p in range(len(table.rows))]
            assert target["id"] in ids
            assert len(ids) < 60
        search.value = ""
        await pilot.pause()
        assert len(table.rows) == 60


async def test_sort_by_any_column(db: Database) -> None:
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "right", "s")
        await pilot.pause()
        table = app.screen.table
        names = [table.rows.row(p)[1][1] for p in range(len(table.rows))]
        assert names == sorted(names, key=str.casefold)
        await pilot.press("right", "right", "right", "right", "right", "s", "s")  # workers, largest first
        await pilot.pause()
        workers = [table.rows.row(p)[1][6] for p in range(len(table.rows))]
        assert workers == sorted(workers, reverse=True)


async def test_enter_opens_the_profile_with_everything_linked(db: Database) -> None:
    loan = next(a for a in db.all("credit_applications") if a["state"] == "disbursed")
    doc = db.get("ikm", loan["ikm_id"])
    assert doc is not None
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await find(pilot, doc["nib"])
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, IkmProfileScreen)
        text = shown_text(screen.query_one("#profile", Static).content)
        assert doc["code"] in text and doc["name"] in text
        assert doc["owner_nik"][:4] + "********" + doc["owner_nik"][-4:] in text
        assert doc["owner_nik"] not in text
        assert loan["code"] in text and "dicairkan" in text
        await pilot.press("n")  # the full NIK, for a role that may see it: the viewing is audited
        await pilot.pause()
        viewed = [a for a in db.all("audit") if a["action"] == "reveal"]
        assert [(a["record_id"], a["user"], a["detail"]) for a in viewed] == [(doc["id"], "tester", "owner_nik")]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, IkmScreen)


# ---------------------------------------------------------------------------------------------- clusters
async def test_a_cluster_gets_members_from_the_picker_and_its_summary_adds_up(db: Database) -> None:
    cluster_id = 4
    members = set(registry.cluster_member_ids(db, cluster_id))
    newcomers = [d for d in db.all("ikm") if d["id"] not in members and "roti" in d["product"]]
    assert len(newcomers) >= 2
    lines_before = db.journal_path.read_bytes().count(b"\n") if db.journal_path.exists() else 0
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        assert isinstance(app.screen, ClustersScreen)
        await find(pilot, "KLS-000004")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ClusterScreen)
        await pilot.press("m")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, MemberPickerScreen)
        await pilot.press("slash")
        await type_into(pilot, "roti")
        await pilot.press("enter")
        await pilot.pause()
        shown = [picker.table.rows.row(p)[0] for p in range(len(picker.table.rows))]
        assert set(shown) >= {d["id"] for d in newcomers}
        await pilot.press("plus")  # tick every business shown
        await pilot.press("ctrl+s")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ClusterScreen)
        expected = members | set(shown)
        assert set(registry.cluster_member_ids(db, cluster_id)) == expected
        lines_after = db.journal_path.read_bytes().count(b"\n")
        assert lines_after == lines_before + 1  # every IKM updated in one transaction
        docs = [d for d in db.all("ikm") if d["id"] in expected]
        summary = screen.summary
        assert summary["members"] == len(expected) == len(screen.table.rows)
        assert summary["workers"] == sum(d["workers_male"] + d["workers_female"] for d in docs)
        assert summary["investment"] == sum(d["investment"] for d in docs)
        text = shown_text(screen.query_one("#cluster-summary", Static).content)
        assert f"{summary['members']} ({summary['members_active']} aktif)" in text

        # One member leaves: x, confirmed.
        leaving = screen.table.current_id
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert leaving not in registry.cluster_member_ids(db, cluster_id)
        assert screen.summary["members"] == len(expected) - 1


async def test_cluster_add_edit_and_delete(db: Database) -> None:
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3", "a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ClusterFormScreen)
        await type_into(pilot, "Sentra Jamu Gendong")
        await pilot.press("tab", "enter")
        await type_into(pilot, "pangan")
        await pilot.press("enter", "tab", "enter")
        await type_into(pilot, "genuk")
        await pilot.press("enter", "tab")
        await type_into(pilot, "SK Walikota Semarang No. 530/77/2026")
        await pilot.press("tab")
        await type_into(pilot, "31/02/2026")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "bukan tanggal" in error_of(app, "decree_date")
        assert db.count("clusters") == 8
        await pilot.press("ctrl+u")
        await type_into(pilot, "27/10/2026")
        await pilot.press("tab")
        await type_into(pilot, "Bu Lastri")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ClustersScreen)
        created = db.find("clusters", name="Sentra Jamu Gendong")[0]
        assert (created["sector"], created["kecamatan"], created["decree_date"], created["coordinator"]) == (
            "food processing",
            "Genuk",
            "2026-10-27",
            "Bu Lastri",
        )
        assert app.screen.table.current_id == created["id"]

        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ClusterFormScreen)
        await pilot.press("tab", "tab", "tab", "tab", "tab", "ctrl+u")
        await type_into(pilot, "Pak Darto")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert db.get("clusters", created["id"])["coordinator"] == "Pak Darto"  # type: ignore[index]

        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert db.get("clusters", created["id"]) is None

        await find(pilot, "KLS-000001")  # has members: offered to mark it inactive instead
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and "IKM" in app.screen.question
        await pilot.press("y")
        await pilot.pause()
        assert db.get("clusters", 1)["status"] == "inactive"  # type: ignore[index]
        assert registry.cluster_member_ids(db, 1)  # members kept


def test_multi_select_lists_search_as_you_type() -> None:
    from ikmtui.ui.registry.form import search_labels

    labels = ["kls-000001 sentra batik", "kls-000002 sentra bandeng presto", "kls-000003 sentra lumpia"]
    assert search_labels(labels, "band") == 1
    assert search_labels(labels, "sentra") == 0
    assert search_labels(labels, "xyz") is None


async def test_typing_before_the_search_keys_are_built_shows_the_keyed_rows_then_every_match(
    db: Database, monkeypatch: Any
) -> None:
    import asyncio

    from ikmtui.ui.kit import vtable

    gate = asyncio.Event()
    slices: list[int] = []

    async def held(self: vtable.VirtualTable) -> None:
        slices.append(1)
        if len(slices) > 1:  # the first slice of ten rows is keyed, then the builder waits for the test
            await gate.wait()

    monkeypatch.setattr(vtable, "SEARCH_SLICE", 10)
    monkeypatch.setattr(vtable.VirtualTable, "_between_slices", held)
    docs = db.all("ikm")
    expected = [d["id"] for d in docs if "a" in d["name"].casefold()]
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await pilot.pause()
        await pilot.press("slash", "a")
        table, status = app.screen.table, app.screen.query_one("#status", Static)
        shown = [table.rows.row(p)[0] for p in range(len(table.rows))]
        assert table.rows.partial and shown == [i for i in expected if i in {d["id"] for d in docs[:20]}]
        assert "masih mencari" in str(status.content)
        gate.set()
        await pilot.pause()
        await pilot.pause()
        shown = [table.rows.row(p)[0] for p in range(len(table.rows))]
        assert not table.rows.partial and shown == expected
        assert "masih mencari" not in str(status.content)
