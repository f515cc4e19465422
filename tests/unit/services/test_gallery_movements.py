"""Stock as the sum of recorded movements (received, sold, returned, adjusted, cancelled sales), corrections,
payouts paid once, no date after today, and marketplace links kept whole."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from ikmtui.domain.gallery import parse_links, stock_total, stocks_on
from ikmtui.domain.permissions import PermissionDenied
from ikmtui.domain.records import RecordInvalid
from ikmtui.services import gallery as service
from ikmtui.storage import Database

TODAY = date(2026, 12, 4)


def listing_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "product_name": "Bandeng presto",
        "ikm_id": "IKM-000005",
        "category": "food",
        "sku": "MOV-001",
        "price": "50.000",
        "stock": "10",
        "consigned_on": "01/11/2026",
        "term_days": "90",
        "commission_pct": "10",
    }
    data.update(changes)
    return data


def movements(db: Database, listing_id: int) -> list[tuple[str, str, int]]:
    return [(m["date"], m["kind"], m["quantity"]) for m in service.movements_of(db, listing_id)]


def stock(db: Database, listing_id: int) -> int:
    return int(db.get("gallery_listings", listing_id)["stock"])  # type: ignore[index]


@pytest.fixture
def listing(db: Database, today: date) -> dict[str, Any]:
    return service.create_listing(db, listing_data())


def test_a_new_listing_is_received_and_a_delivery_adds_to_the_stock(db: Database, listing: dict[str, Any]) -> None:
    assert movements(db, listing["id"]) == [("2026-11-01", "received", 10)]
    service.record_sale(db, listing["id"], quantity=4, date="10/11/2026")
    saved = service.receive_stock(db, listing["id"], quantity="5", date="20/11/2026", note="kiriman kedua")
    assert saved["stock"] == 11 and saved["sold"] == 4
    assert movements(db, listing["id"]) == [
        ("2026-11-01", "received", 10),
        ("2026-11-10", "sold", -4),
        ("2026-11-20", "received", 5),
    ]
    assert stock_total(service.movements_of(db, listing["id"])) == stock(db, listing["id"]) == 11
    # The edit form no longer types over the stock: a different figure is refused, the same one is kept.
    form = service.form_values(db, saved)
    with pytest.raises(RecordInvalid) as caught:
        service.update_listing(db, listing["id"], {**form, "stock": "30"})
    assert "tidak ditimpa" in caught.value.errors["stock"]
    assert service.update_listing(db, listing["id"], {**form, "price": "55.000"})["stock"] == 11


def test_a_listing_stored_before_movements_keeps_its_stock(db: Database, today: date) -> None:
    """An old file: stock, sold and returns on the listing, no movements. Its history is computed, not lost."""
    doc = db.insert(
        "gallery_listings",
        {
            "ikm_id": 5,
            "product_name": "Lama",
            "sku": "OLD-1",
            "category": "food",
            "price": 10_000,
            "stock": 6,
            "consigned_on": "2026-10-01",
            "term_days": 90,
            "commission_pct": 10.0,
            "status": "displayed",
            "sold": 3,
            "returned": 1,
            "returns": [{"date": "2026-10-20", "quantity": 1, "note": "", "by": "x"}],
        },
    )
    db.insert(
        "sales",
        {"listing_id": doc["id"], "ikm_id": 5, "date": "2026-10-10", "quantity": 3, "unit_price": 10_000},
        code_prefix="JUL",
    )
    expected = [("2026-10-01", "received", 10), ("2026-10-10", "sold", -3), ("2026-10-20", "returned", -1)]
    assert movements(db, doc["id"]) == expected  # computed while nothing is stored
    tables = [db.docs(name) for name in ("gallery_listings", "stock_movements", "sales")]
    assert [
        stocks_on(*tables, day)[str(doc["id"])] for day in ("2026-09-30", "2026-10-05", "2026-10-15", "2026-12-01")
    ] == [
        0,
        10,
        7,
        6,
    ]
    service.receive_stock(db, doc["id"], quantity=2, date="01/12/2026")
    stored = sorted(
        (m["date"], m["kind"], m["quantity"])
        for m in db.docs("stock_movements").values()
        if m["listing_id"] == doc["id"]
    )
    assert stored == sorted([*expected, ("2026-12-01", "received", 2)])  # stored with the first new movement
    assert stock(db, doc["id"]) == 8


def test_a_late_sale_cannot_take_units_later_sales_took(db: Database, listing: dict[str, Any]) -> None:
    service.record_sale(db, listing["id"], quantity=8, date="20/11/2026")
    service.receive_stock(db, listing["id"], quantity=5, date="25/11/2026")
    # 7 on hand now, but on 15 Nov only 2 could still go: 8 of the 10 were sold on the 20th.
    with pytest.raises(RecordInvalid) as caught:
        service.record_sale(db, listing["id"], quantity=3, date="15/11/2026")
    assert "Stok tinggal 2" in caught.value.errors["quantity"]
    service.record_sale(db, listing["id"], quantity=2, date="15/11/2026")
    assert stock(db, listing["id"]) == 5


def test_returns_and_adjustments_are_movements_with_their_reasons(db: Database, listing: dict[str, Any]) -> None:
    service.return_stock(db, listing["id"], quantity=2, date="02/12/2026", note="kemasan rusak")
    with pytest.raises(RecordInvalid) as caught:
        service.adjust_stock(db, listing["id"], change="-1", reason=" ")
    assert set(caught.value.errors) == {"reason"}
    with pytest.raises(RecordInvalid) as caught:
        service.adjust_stock(db, listing["id"], change="0", reason="hitung ulang")
    assert "change" in caught.value.errors
    with pytest.raises(RecordInvalid) as caught:
        service.adjust_stock(db, listing["id"], change="-9", reason="hilang")
    assert "Stok tinggal 8" in caught.value.errors["change"]
    saved = service.adjust_stock(db, listing["id"], change="-3", reason="pecah saat dipajang", date="03/12/2026")
    assert saved["stock"] == 5 and saved["returned"] == 2
    last = service.movements_of(db, listing["id"])[-1]
    assert (last["kind"], last["quantity"], last["reason"], last["created_by"]) == (
        "adjusted",
        -3,
        "pecah saat dipajang",
        "tester",
    )


def test_a_cancelled_sale_gives_its_units_back_and_keeps_the_history(db: Database, listing: dict[str, Any]) -> None:
    sale = service.record_sale(db, listing["id"], quantity=3, date="05/11/2026")
    assert stock(db, listing["id"]) == 7
    restored = service.cancel_sale(db, sale["id"], reason="salah pilih produk")
    assert restored["stock"] == 10 and restored["sold"] == 0
    assert db.get("sales", sale["id"]) is None
    assert movements(db, listing["id"]) == [
        ("2026-11-01", "received", 10),
        ("2026-11-05", "sold", -3),
        ("2026-11-05", "cancelled", 3),
    ]
    logged = [a for a in db.docs("audit").values() if a.get("action") == "cancel" and a.get("record_id") == sale["id"]]
    assert [a.get("detail") for a in logged] == ["salah pilih produk"]
    binned = [b for b in db.docs("recycle_bin").values() if b["table"] == "sales" and b["record_id"] == sale["id"]]
    assert [b["reason"] for b in binned] == ["salah pilih produk"]


def test_only_a_supervisor_cancels_a_sale(db_path: Any, today: date) -> None:
    operator = Database(db_path, "budi.santoso")  # an operator in the demo's accounts
    listing = service.create_listing(operator, listing_data())
    sale = service.record_sale(operator, listing["id"], quantity=1, date="02/11/2026")
    with pytest.raises(PermissionDenied):
        service.cancel_sale(operator, sale["id"], reason="salah")
    assert operator.get("sales", sale["id"]) is not None and stock(operator, listing["id"]) == 9
    supervisor = Database(db_path, "sri.wahyuni")
    assert service.cancel_sale(supervisor, sale["id"], reason="salah")["stock"] == 10


def test_a_payout_is_paid_once(db: Database, listing: dict[str, Any]) -> None:
    ikm_id = listing["ikm_id"]
    first = service.record_sale(db, listing["id"], quantity=2, date="05/11/2026")
    service.record_sale(db, listing["id"], quantity=1, date="28/11/2026")
    with pytest.raises(RecordInvalid) as caught:
        service.mark_paid(db, ikm_id, 2026, 11, paid_on="27/11/2026", reference="TRF-1")
    assert "28 Nov 2026" in caught.value.errors["paid_on"]  # before the last sale it pays
    with pytest.raises(RecordInvalid) as caught:
        service.mark_paid(db, ikm_id, 2026, 11, paid_on="03/12/2026", reference=" ")
    assert set(caught.value.errors) == {"reference"}
    paid = service.mark_paid(db, ikm_id, 2026, 11, paid_on="03/12/2026", reference="TRF-0042")
    assert len(paid) == 2 and all(s["payout"]["reference"] == "TRF-0042" for s in paid)
    assert paid[0]["payout"]["by"] == "tester" and paid[0]["payout"]["paid_on"] == "2026-12-03"
    with pytest.raises(RecordInvalid) as caught:
        service.mark_paid(db, ikm_id, 2026, 11, paid_on="04/12/2026", reference="TRF-0043")
    assert "sudah dibayar pada 3 Des 2026 (TRF-0042, oleh tester)" in caught.value.errors["__all__"]
    with pytest.raises(RecordInvalid, match="sudah dibayarkan"):
        service.cancel_sale(db, first["id"], reason="salah")
    with pytest.raises(RecordInvalid, match="Tidak ada penjualan"):
        service.mark_paid(db, ikm_id, 2026, 10, paid_on="03/12/2026", reference="TRF-9")


@pytest.mark.parametrize(
    ("action", "field"),
    [
        (lambda db, lid: service.record_sale(db, lid, quantity=1, date="05/12/2026"), "date"),
        (lambda db, lid: service.receive_stock(db, lid, quantity=1, date="05/12/2026"), "date"),
        (lambda db, lid: service.return_stock(db, lid, quantity=1, date="05/12/2026"), "date"),
        (lambda db, lid: service.adjust_stock(db, lid, change="+1", reason="x", date="05/12/2026"), "date"),
        (lambda db, lid: service.mark_paid(db, 5, 2026, 11, paid_on="05/12/2026", reference="T"), "paid_on"),
        (
            lambda db, lid: service.create_listing(db, listing_data(sku="NEW-9", consigned_on="05/12/2026")),
            "consigned_on",
        ),
    ],
)
def test_nothing_is_dated_after_today(db: Database, listing: dict[str, Any], action: Any, field: str) -> None:
    service.record_sale(db, listing["id"], quantity=1, date="02/11/2026")
    before = {name: dict(db.docs(name)) for name in ("sales", "stock_movements", "gallery_listings")}
    with pytest.raises(RecordInvalid) as caught:
        action(db, listing["id"])
    message = caught.value.errors[field]
    assert "Tanggal 5 Des 2026" in message and "hari ini" in message and "4 Des 2026" in message
    assert {name: dict(db.docs(name)) for name in before} == before


def test_marketplace_links_are_kept_whole() -> None:
    shopee = {"marketplace": "Shopee", "url": "https://shopee.co.id/a"}
    tokopedia = {"marketplace": "Tokopedia", "url": "https://www.tokopedia.com/b"}
    assert parse_links("Shopee https://shopee.co.id/a https://www.tokopedia.com/b") == [shopee, tokopedia]
    assert parse_links("Shopee https://shopee.co.id/a, https://www.tokopedia.com/b,") == [shopee, tokopedia]
    assert parse_links("Shopee https://shopee.co.id/a,Tokopedia https://www.tokopedia.com/b") == [shopee, tokopedia]
    assert parse_links("Shopee https://shopee.co.id/a\nTokopedia: https://www.tokopedia.com/b") == [shopee, tokopedia]
    assert parse_links("TikTok Shop https://www.tiktok.com/@toko/x") == [
        {"marketplace": "TikTok Shop", "url": "https://www.tiktok.com/@toko/x"}
    ]
    for bad in ("Shopee https://shopee.co.id/a Tokopedia", "Shopee https://shopee.co.id/a www.tokopedia.com/b"):
        with pytest.raises(ValueError, match="bukan alamat web"):
            parse_links(bad)


def test_a_stock_figure_set_outside_the_gallery_is_kept_as_an_adjustment(db: Database, listing: dict[str, Any]) -> None:
    """An import with update may still write the stock figure: the next movement keeps it, as an adjustment."""
    db.update("gallery_listings", listing["id"], {"stock": 14})
    saved = service.record_sale(db, listing["id"], quantity=1, date="04/12/2026")
    assert db.get("gallery_listings", listing["id"])["stock"] == 13  # type: ignore[index]
    adjusted = [m for m in service.movements_of(db, listing["id"]) if m["kind"] == "adjusted"]
    assert [(m["quantity"], m["date"]) for m in adjusted] == [(4, "2026-12-04")] and saved["quantity"] == 1


def test_a_listing_moved_to_another_ikm_takes_its_movements(db: Database, listing: dict[str, Any]) -> None:
    """Entered for the wrong IKM and corrected before any sale: the movements name the right IKM too."""
    current = service.receive_stock(db, listing["id"], quantity=2, date="02/11/2026")
    moved = service.update_listing(db, listing["id"], {**service.form_values(db, current), "ikm_id": "IKM-000006"})
    assert moved["ikm_id"] == 6
    assert {m["ikm_id"] for m in service.movements_of(db, listing["id"])} == {6}
