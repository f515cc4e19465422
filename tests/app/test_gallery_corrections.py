"""The Gallery screen's stock keys driven by keys: stock received (t), adjusted with a reason (k), a sale cancelled
by a supervisor with a reason (b), a consignment statement shown (p) and marked paid once (l)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Static

from ikmtui.services import gallery as service
from ikmtui.storage import Database
from ikmtui.ui.app import make_app
from ikmtui.ui.gallery.listings import GalleryScreen
from ikmtui.ui.kit.dialogs import PromptScreen, ReasonScreen, ViewerScreen
from ikmtui.ui.kit.form import FormScreen
from tests.app.test_gallery_ui import open_gallery, screen_text, seed

TODAY = date(2026, 12, 15)


@pytest.fixture(autouse=True)
def _fixed_day(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("IKMTUI_TODAY", TODAY.isoformat())
    yield


def kinds(db: Database, listing_id: int) -> list[tuple[str, int, str]]:
    return [(m["kind"], m["quantity"], m.get("reason", "")) for m in service.movements_of(db, listing_id)]


async def type_into(pilot: Any, field: str, text: str) -> None:
    box = pilot.app.screen.query_one(f"#field-{field}", Input)
    box.value = ""
    box.focus()
    await pilot.press(*text)


async def test_receive_and_adjust_by_keys(db: Database) -> None:
    doc = seed(db, "K-1", stock="4")
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_gallery(pilot, select=doc["id"])
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        await pilot.press(*"6", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, GalleryScreen)
        assert db.get("gallery_listings", doc["id"])["stock"] == 10  # type: ignore[index]

        await pilot.press("k")
        await pilot.pause()
        await pilot.press(*"-3", "ctrl+s")  # no reason: refused beside the field, nothing saved
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        assert "alasan" in str(app.screen.query_one("#error-reason", Static).content).lower()
        await type_into(pilot, "reason", "pecah")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, GalleryScreen)
    assert db.get("gallery_listings", doc["id"])["stock"] == 7  # type: ignore[index]
    assert kinds(db, doc["id"]) == [("received", 4, ""), ("received", 6, ""), ("adjusted", -3, "pecah")]


async def test_a_supervisor_cancels_a_sale_by_keys(db: Database) -> None:
    doc = seed(db, "K-2", stock="10")
    first = service.record_sale(db, doc["id"], quantity=2, date="02/12/2026")
    service.record_sale(db, doc["id"], quantity=3, date="05/12/2026")
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_gallery(pilot, select=doc["id"])
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)  # which sale: newest first
        await pilot.press("2", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReasonScreen)
        await pilot.press("enter")  # an empty reason is refused: nothing changes
        await pilot.pause()
        assert isinstance(app.screen, ReasonScreen) and db.get("sales", first["id"]) is not None
        await pilot.press(*"salah produk", "enter")
        await pilot.pause()
        assert isinstance(app.screen, GalleryScreen)
    assert db.get("sales", first["id"]) is None
    assert db.get("gallery_listings", doc["id"])["stock"] == 7  # type: ignore[index]
    assert kinds(db, doc["id"]) == [
        ("received", 10, ""),
        ("sold", -2, ""),
        ("cancelled", 2, "salah produk"),  # dated as the sale it cancels
        ("sold", -3, ""),
    ]


async def test_an_operator_is_refused_before_choosing_a_sale(db_path: Path) -> None:
    operator = Database(db_path, "budi.santoso")
    doc = seed(operator, "K-3", stock="10")
    sale = service.record_sale(operator, doc["id"], quantity=1, date="02/12/2026")
    app = make_app(operator, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_gallery(pilot, select=doc["id"])
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, GalleryScreen)  # no dialog at all
    assert operator.get("sales", sale["id"]) is not None


async def test_statement_shown_and_marked_paid_once_by_keys(db: Database) -> None:
    doc = seed(db, "K-4", stock="10")
    service.record_sale(db, doc["id"], quantity=2, date="02/12/2026")
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_gallery(pilot, select=doc["id"])
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("ctrl+s")  # the IKM under the cursor, this month
        await pilot.pause()
        assert isinstance(app.screen, ViewerScreen)
        text = screen_text(app)
        assert "Stok di galeri" in text and "Belum dibayar: Rp 90.000" in text
        await pilot.press("escape")
        await pilot.pause()

        for attempt in range(2):
            await pilot.press("l")
            await pilot.pause()
            assert isinstance(app.screen, FormScreen)
            await type_into(pilot, "reference", "TRF-77")
            await pilot.press("ctrl+s")
            await pilot.pause()
            if attempt == 0:
                assert isinstance(app.screen, GalleryScreen)
        assert isinstance(app.screen, FormScreen)  # the second time: refused, naming the first payment
        assert "sudah dibayar pada 15 Des 2026 (TRF-77" in str(app.screen.query_one("#form-summary", Static).content)
    paid = [s["payout"] for s in db.find("sales", listing_id=doc["id"])]
    assert paid == [{"paid_on": "2026-12-15", "reference": "TRF-77", "by": "tester", "at": paid[0]["at"]}]
