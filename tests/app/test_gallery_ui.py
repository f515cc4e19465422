"""The Gallery screen driven by keys: add, sell, refuse an oversell, return, delete, payout, summary, palette."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.widgets import Input, Static

from ikmtui import i18n
from ikmtui.services import gallery as service
from ikmtui.storage import Database
from ikmtui.ui import app as app_module
from ikmtui.ui.app import make_app
from ikmtui.ui.gallery.listings import GalleryScreen
from ikmtui.ui.kit.dialogs import ConfirmScreen, ViewerScreen
from ikmtui.ui.kit.form import FormScreen

TODAY = date(2026, 12, 15)
GALLERY_KEY = next(key for mode, key, _title in app_module.SCREENS if mode == "gallery")


@pytest.fixture(autouse=True)
def _fixed_day(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("IKMTUI_TODAY", TODAY.isoformat())  # the app's clock
    yield


def screen_text(app: Any) -> str:
    """What a modal viewer shows, as plain text."""
    content = app.screen.query_one("#viewer-content", Static).content
    console = Console(width=110, file=io.StringIO(), color_system=None)
    console.print(content)
    return console.file.getvalue()


def row_of(screen: GalleryScreen, record_id: int) -> dict[str, str]:
    rows = screen.table.rows
    position = rows.position_of(record_id)
    assert position is not None
    return {c.key: text for c, text in zip(rows.columns, rows.cells(position), strict=True)}


def listing_doc(db: Database, sku: str) -> dict[str, Any]:
    found = db.find("gallery_listings", sku=sku)
    assert len(found) == 1
    return found[0]


def seed(db: Database, sku: str, stock: str = "10", ikm: str = "IKM-000005", **extra: str) -> dict[str, Any]:
    data = {
        "product_name": f"Produk {sku}",
        "ikm_id": ikm,
        "category": "batik",
        "sku": sku,
        "price": "50.000",
        "stock": stock,
        "consigned_on": "01/12/2026",
        "term_days": "90",
        "commission_pct": "10",
        **extra,
    }
    return service.create_listing(db, data)


async def open_gallery(pilot: Any, select: int | None = None) -> GalleryScreen:
    await pilot.press(GALLERY_KEY)
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, GalleryScreen)
    if select is not None:
        screen.reload(keep_id=select)
        await pilot.pause()
    return screen


async def test_add_sell_refuse_oversell_return(db: Database) -> None:
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_gallery(pilot)
        before = db.count("gallery_listings")
        expected_sku = service.suggest_sku(db, "batik")

        # a: add a listing with keys only
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        await pilot.press(*"Batik tulis", "tab", *"IKM-000005", "tab")
        await pilot.press("enter", *"bat", "enter")  # category: open the list, type to find, choose
        await pilot.pause()
        assert app.screen.query_one("#field-sku", Input).value == expected_sku  # suggested
        await pilot.press("tab", "tab", *"125.000", "tab", *"10", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, GalleryScreen)
        assert db.count("gallery_listings") == before + 1
        doc = listing_doc(db, expected_sku)
        assert (doc["product_name"], doc["ikm_id"], doc["category"], doc["price"], doc["stock"]) == (
            "Batik tulis",
            5,
            "batik",
            125_000,
            10,
        )
        assert doc["consigned_on"] == "2026-12-15" and doc["term_days"] == 90 and doc["commission_pct"] == 10.0
        assert screen.table.current_id == doc["id"]
        assert row_of(screen, doc["id"])["status"] == "dipajang"

        # j: sell part of the stock (the unit price defaults to the listing price)
        await pilot.press("j")
        await pilot.pause()
        assert app.screen.query_one("#field-unit_price", Input).value == "125.000"
        await pilot.press("4", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, GalleryScreen)
        sales = db.find("sales", listing_id=doc["id"])
        assert [(s["quantity"], s["unit_price"], s["date"]) for s in sales] == [(4, 125_000, "2026-12-15")]
        assert db.get("gallery_listings", doc["id"])["stock"] == 6  # type: ignore[index]
        assert row_of(screen, doc["id"])["stock"] == "6"

        # j: an oversell is refused beside the quantity; nothing is saved
        await pilot.press("j", "7", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        assert "Stok tinggal 6: 7 tidak dapat dijual" in str(app.screen.query_one("#error-quantity", Static).content)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)  # typed something: asks before discarding
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, GalleryScreen)
        assert len(db.find("sales", listing_id=doc["id"])) == 1
        assert db.get("gallery_listings", doc["id"])["stock"] == 6  # type: ignore[index]

        # r: return the rest (the quantity defaults to everything left)
        await pilot.press("r")
        await pilot.pause()
        assert app.screen.query_one("#field-quantity", Input).value == "6"
        await pilot.press("ctrl+s")
        await pilot.pause()
        returned = db.get("gallery_listings", doc["id"])
        assert returned is not None and returned["stock"] == 0 and returned["returned"] == 6
        assert returned["returns"][0]["date"] == "2026-12-15"
        assert row_of(screen, doc["id"])["status"] == "dikembalikan"

        # j on a returned listing: refused at once, no form
        await pilot.press("j")
        await pilot.pause()
        assert isinstance(app.screen, GalleryScreen)
        assert len(db.find("sales", listing_id=doc["id"])) == 1


async def test_selling_everything_shows_sold_out(db: Database) -> None:
    doc = seed(db, "P-SOLD", stock="3")
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_gallery(pilot, select=doc["id"])
        await pilot.press("j", "3", "ctrl+s")
        await pilot.pause()
        assert db.get("gallery_listings", doc["id"])["stock"] == 0  # type: ignore[index]
        assert row_of(screen, doc["id"])["status"] == "habis"
        # filter as you type by status
        await pilot.press("slash", *"habis")
        await pilot.pause()
        shown = [screen.table.rows.row(i)[0] for i in range(len(screen.table.rows))]
        assert doc["id"] in shown
        assert all(row_of(screen, record_id)["status"] == "habis" for record_id in shown)


async def test_bad_input_is_refused_beside_each_field(db: Database) -> None:
    seed(db, "P-TAKEN")
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_gallery(pilot)
        before = dict(db.docs("gallery_listings"))
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        typed = {
            "product_name": "Batik",
            "ikm_id": "IKM-000005",
            "sku": "p-taken",
            "price": "-125000",
            "stock": "-1",
            "commission_pct": "150",
            "marketplace_links": "Shopee shopee.co.id/x",
        }
        for name, text in typed.items():
            form.query_one(f"#field-{name}", Input).value = text
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        errors = {
            name: str(form.query_one(f"#error-{name}", Static).content)
            for name in ("price", "stock", "commission_pct", "sku", "marketplace_links", "category")
        }
        assert errors == {
            "price": "Jumlah tidak boleh negatif",
            "stock": "Angka tidak boleh negatif",
            "commission_pct": "Komisi harus persentase 0 sampai 100, mis. 10 atau 12,5",
            "sku": "SKU P-TAKEN sudah dipakai oleh " + listing_doc(db, "P-TAKEN")["code"] + " (Produk P-TAKEN)",
            "marketplace_links": "'shopee.co.id/x' bukan alamat web: tulis mis. https://shopee.co.id/toko/produk",
            "category": "Isian ini wajib diisi",
        }
        assert "belum ada yang disimpan" in str(form.query_one("#form-summary", Static).content)
        assert db.docs("gallery_listings") == before


async def test_delete_asks_and_offers_to_mark_returned_when_there_are_sales(db: Database) -> None:
    plain = seed(db, "P-PLAIN")
    sold = seed(db, "P-SOLD")
    service.record_sale(db, sold["id"], quantity=2, date="02/12/2026", today=TODAY)
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_gallery(pilot, select=plain["id"])
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert db.get("gallery_listings", plain["id"]) is not None
        await pilot.press("d", "y")
        await pilot.pause()
        assert db.get("gallery_listings", plain["id"]) is None
        assert screen.table.rows.position_of(plain["id"]) is None

        screen.reload(keep_id=sold["id"])
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "tidak dapat dihapus" in app.screen.question
        await pilot.press("y")
        await pilot.pause()
        kept = db.get("gallery_listings", sold["id"])
        assert kept is not None and kept["stock"] == 0 and kept["returned"] == 8
        assert row_of(screen, sold["id"])["status"] == "dikembalikan"


async def test_payout_statement_for_an_ikm_and_month(db: Database) -> None:
    first = seed(db, "P-A", price="12.345")
    second = seed(db, "P-B", price="11.111", commission_pct="7,5")
    service.record_sale(db, first["id"], quantity=1, date="03/12/2026", today=TODAY)
    service.record_sale(db, second["id"], quantity=3, date="04/12/2026", today=TODAY)
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_gallery(pilot, select=first["id"])
        await pilot.press("p")
        await pilot.pause()
        form = app.screen
        assert form.query_one("#field-ikm_id", Input).value == "IKM-000005"  # the IKM under the cursor
        assert str(form.query_one("#ikm-match", Static).content) == f"→ {db.docs('ikm')['5']['name']} (IKM-000005)"
        assert form.query_one("#field-month", Input).value == "12/2026"
        form.query_one("#field-month", Input).value = ""
        form.query_one("#field-month", Input).focus()
        await pilot.press(*"13/2026", "ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "bukan bulan" in str(form.query_one("#error-month", Static).content)
        await pilot.press(*["backspace"] * 7, *"12/2026", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ViewerScreen)
        sheet = screen_text(app)
        # 12.345 at 10% = 1.235 (half up); 33.333 at 7,5% = 2.500; due 45.678 - 3.735 = 41.943
        for figure in ("Rp 45.678", "Rp 3.735", "Rp 41.943", "Desember 2026"):
            assert figure in sheet
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, GalleryScreen)


async def test_details_summary_and_photo(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    photo = tmp_path / "batik.jpg"
    photo.write_bytes(b"\xff\xd8")
    doc = seed(db, "P-FOTO", photos=str(photo))
    # Issue 17: the listing keeps the photo's name in the media folder, and it is opened from there.
    [name] = doc["photos"]
    photo = service.photo_file(db.path, name)
    monkeypatch.setattr(service.shutil, "which", lambda name: None)
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_gallery(pilot, select=doc["id"])
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ViewerScreen)
        assert "P-FOTO" in screen_text(app) and name in screen_text(app)
        await pilot.press("escape", "g")
        await pilot.pause()
        assert isinstance(app.screen, ViewerScreen)
        assert "Ringkasan galeri" in screen_text(app)
        await pilot.press("escape", "o")
        await pilot.pause()
        assert app.screen is screen
        messages = [n.message for n in app._notifications]
        assert any("Penampil gambar tidak ditemukan" in m and str(photo) in m for m in messages)


@pytest.mark.parametrize("lang", ["id", "en"])
async def test_every_gallery_action_is_in_the_palette(db: Database, lang: str) -> None:
    i18n.set_language(lang)
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_gallery(pilot)
        titles = {command.title for command in app.get_system_commands(screen)}
        for binding in GalleryScreen.BINDINGS:
            assert i18n._(binding.description) in titles  # type: ignore[union-attr]
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*("Ringkasan galeri" if lang == "id" else "Gallery summary"))
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, ViewerScreen)
