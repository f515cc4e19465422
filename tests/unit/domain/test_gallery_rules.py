"""Gallery rules without the UI: field parsing, status on a date, commission rounding, and the services."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ikmtui.domain.gallery import (
    commission_of,
    listing_status,
    next_sku,
    parse_links,
    parse_month,
    sale_amounts,
)
from ikmtui.domain.records import RecordInvalid
from ikmtui.services import gallery as service
from ikmtui.storage import Database, RecordReferenced, StaleRecord, Transaction

TODAY = date(2026, 12, 20)


def listing_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "product_name": "Batik tulis Asem Arang",
        "ikm_id": "IKM-000005",
        "category": "batik",
        "sku": "TEST-001",
        "price": "125.000",
        "stock": "10",
        "consigned_on": "01/12/2026",
        "term_days": "90",
        "commission_pct": "10",
        "photos": "",
        "marketplace_links": "",
        "badges": ["SNI"],
    }
    data.update(changes)
    return data


def journal_lines(db: Database) -> list[dict[str, Any]]:
    if not db.journal_path.exists():
        return []
    return [orjson.loads(line) for line in db.journal_path.read_bytes().splitlines() if line.strip()]


# ---------------------------------------------------------------------------------------------- parsing
def test_links_are_named_and_validated() -> None:
    assert parse_links("Shopee https://shopee.co.id/a; https://www.tokopedia.com/b\nblibli: https://blibli.com/c") == [
        {"marketplace": "Shopee", "url": "https://shopee.co.id/a"},
        {"marketplace": "Tokopedia", "url": "https://www.tokopedia.com/b"},
        {"marketplace": "Blibli", "url": "https://blibli.com/c"},
    ]
    assert parse_links("") == []
    for bad in (
        "Shopee shopee.co.id/a",
        "Shopee https://",
        "Shopee ftp://shopee.co.id/a",
        "Shopee https://x y",
        "Shopee http://localhost/a",
    ):
        with pytest.raises(ValueError, match="alamat web"):
            parse_links(bad)
    with pytest.raises(ValueError, match="Sebutkan nama marketplace"):
        parse_links("https://example.com/produk")


def test_month_parsing() -> None:
    assert parse_month("11/2026") == (2026, 11)
    assert parse_month("2026-03") == (2026, 3)
    assert parse_month(" 1.2027 ") == (2027, 1)
    for bad in ("13/2026", "2026", "nov 2026", ""):
        with pytest.raises(ValueError, match="bukan bulan"):
            parse_month(bad)


def test_sku_suggestion_follows_the_highest_number() -> None:
    assert next_sku([], "batik") == "SKG-BAT-00001"
    assert next_sku(["SKG-FOO-00007", "skg-bat-00002", "OTHER-99"], "food") == "SKG-FOO-00008"


# ---------------------------------------------------------------------------------------------- status
def test_status_on_a_date() -> None:
    doc = {"stock": 3, "consigned_on": "2026-01-01", "term_days": 30, "status": "displayed"}
    assert listing_status(doc, date(2026, 1, 31)) == "displayed"  # the last day of the term
    assert listing_status(doc, date(2026, 2, 1)) == "expired"
    assert listing_status({**doc, "stock": 0}, date(2026, 1, 5)) == "sold_out"
    assert listing_status({**doc, "stock": 0, "status": "returned"}, date(2026, 3, 1)) == "returned"
    assert listing_status({**doc, "status": "returned"}, date(2026, 1, 5)) == "displayed"  # restocked


# ---------------------------------------------------------------------------------------------- commission
def test_commission_is_rounded_half_up_per_line() -> None:
    assert commission_of(12_345, 10) == 1_235  # 1.234,5 -> up
    assert commission_of(12_345, 12.5) == 1_543  # 1.543,125 -> down
    assert commission_of(33_333, 7.5) == 2_500  # 2.499,975 -> up
    assert commission_of(5, 10) == 1  # 0,5 -> up
    assert commission_of(4, 10) == 0
    assert sale_amounts({"quantity": 3, "unit_price": 11_111, "commission_pct": 7.5}) == (33_333, 2_500, 30_833)


@given(gross=st.integers(0, 10**11), pct=st.decimals(0, 100, places=2))
def test_commission_matches_exact_arithmetic(gross: int, pct: Any) -> None:
    exact = Fraction(gross) * Fraction(str(pct)) / 100
    expected = int(exact + Fraction(1, 2)) if exact >= 0 else 0  # floor(x + 1/2): half up for x >= 0
    commission = commission_of(gross, float(pct))
    assert commission == expected
    assert 0 <= commission <= gross


# ---------------------------------------------------------------------------------------------- listings
def test_create_listing_resolves_the_ikm_and_normalises(db: Database) -> None:
    doc = service.create_listing(db, listing_data(sku="test-001", marketplace_links="shopee https://shopee.co.id/x"))
    stored = db.get("gallery_listings", doc["id"])
    assert stored is not None
    assert stored["ikm_id"] == 5 and stored["sku"] == "TEST-001" and stored["price"] == 125_000
    assert stored["consigned_on"] == "2026-12-01" and stored["status"] == "displayed" and stored["code"]
    assert stored["marketplace_links"] == [{"marketplace": "Shopee", "url": "https://shopee.co.id/x"}]
    assert service.resolve_ikm(db.docs("ikm"), db.docs("ikm")["5"]["name"]) == 5


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("price", "-125000", "Jumlah tidak boleh negatif"),
        ("stock", "-1", "Angka tidak boleh negatif"),
        ("commission_pct", "101", "Komisi harus persentase 0 sampai 100"),
        ("sku", "SKG-FAS-00001", "SKU SKG-FAS-00001 sudah dipakai oleh GAL-000001"),
        ("sku", "skg-fas-00001", "SKU SKG-FAS-00001 sudah dipakai"),
        ("marketplace_links", "Shopee htps//shopee.co.id/x", "bukan alamat web"),
        ("photos", "/no/such/photo.jpg", "Berkas foto tidak ditemukan: /no/such/photo.jpg"),
        ("ikm_id", "IKM-999999", "Tidak ada IKM yang cocok"),
        ("product_name", "  ", "Isian ini wajib diisi"),
        ("category", "perhiasan", "Pilih salah satu"),
    ],
)
def test_bad_input_is_refused_with_its_message_and_nothing_saved(
    db: Database, field: str, value: str, message: str
) -> None:
    before = dict(db.docs("gallery_listings"))
    lines = len(journal_lines(db))
    with pytest.raises(RecordInvalid) as caught:
        service.create_listing(db, listing_data(**{field: value}))
    assert list(caught.value.errors) == [field]
    assert message in caught.value.errors[field]
    assert db.docs("gallery_listings") == before
    assert len(journal_lines(db)) == lines


def test_every_problem_is_reported_at_once(db: Database) -> None:
    with pytest.raises(RecordInvalid) as caught:
        service.create_listing(
            db,
            listing_data(
                price="-1", stock="x", commission_pct="150", sku="SKG-FAS-00001", marketplace_links="Shopee nope"
            ),
        )
    assert set(caught.value.errors) == {"price", "stock", "commission_pct", "sku", "marketplace_links"}


def test_photos_must_exist_and_are_kept_as_paths(db: Database, tmp_path: Path) -> None:
    photo = tmp_path / "batik, depan.jpg"
    photo.write_bytes(b"\xff\xd8")
    doc = service.create_listing(db, listing_data(photos=f"{photo}; {photo}"))
    # Issue 17: a photo is copied into the database's media folder; the listing keeps its name there.
    [name] = doc["photos"]
    assert name.startswith("batik-depan-") and service.photo_file(db.path, name).read_bytes() == b"\xff\xd8"
    photo.unlink()  # moved away later: editing another field still works, the photo stays as it was
    saved = service.update_listing(db, doc["id"], {**service.form_values(db, doc), "price": "130.000"})
    assert saved["photos"] == [name] and saved["price"] == 130_000


def test_edit_round_trips_through_the_form_values(db: Database) -> None:
    doc = service.create_listing(
        db, listing_data(commission_pct="12,5", marketplace_links="Tokopedia https://tokopedia.com/t")
    )
    again = service.update_listing(db, doc["id"], service.form_values(db, doc), expected_version=doc["version"])
    keep = (
        "ikm_id",
        "product_name",
        "sku",
        "category",
        "price",
        "stock",
        "consigned_on",
        "term_days",
        "commission_pct",
        "marketplace_links",
        "badges",
        "photos",
        "status",
    )
    assert {k: again[k] for k in keep} == {k: doc[k] for k in keep}
    with pytest.raises(StaleRecord):
        service.update_listing(db, doc["id"], {"price": "1"}, expected_version=doc["version"])


def test_the_ikm_of_a_listing_with_sales_cannot_change(db: Database) -> None:
    doc = service.create_listing(db, listing_data())
    service.record_sale(db, doc["id"], quantity=1, date="02/12/2026", today=TODAY)
    with pytest.raises(RecordInvalid) as caught:
        service.update_listing(db, doc["id"], {"ikm_id": "IKM-000006"})
    assert "ikm_id" in caught.value.errors
    assert db.get("gallery_listings", doc["id"])["ikm_id"] == 5  # type: ignore[index]


# ---------------------------------------------------------------------------------------------- stock
def test_a_sale_and_its_stock_change_are_one_journal_line(db: Database) -> None:
    doc = service.create_listing(db, listing_data())
    lines = len(journal_lines(db))
    sale = service.record_sale(db, doc["id"], quantity="4", date="05/12/2026", today=TODAY)
    entries = journal_lines(db)
    assert len(entries) == lines + 1
    touched = {(table, key) for _kind, table, key, _doc in entries[-1]["ops"]}
    assert ("sales", str(sale["id"])) in touched and ("gallery_listings", str(doc["id"])) in touched
    listing = db.get("gallery_listings", doc["id"])
    assert listing is not None and listing["stock"] == 6 and listing["sold"] == 4
    assert sale["unit_price"] == 125_000 and sale["ikm_id"] == 5 and sale["commission_pct"] == 10.0
    assert sale["date"] == "2026-12-05"


def test_a_failed_sale_leaves_no_trace(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = service.create_listing(db, listing_data())
    before = (dict(db.docs("sales")), db.get("gallery_listings", doc["id"]), len(journal_lines(db)))
    original = Transaction.insert

    def failing_insert(self: Transaction, table: str, record: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        if table == "sales":
            raise OSError("disk full")
        return original(self, table, record, **kwargs)

    monkeypatch.setattr(Transaction, "insert", failing_insert)
    with pytest.raises(OSError):
        service.record_sale(db, doc["id"], quantity=2, today=TODAY)
    assert (dict(db.docs("sales")), db.get("gallery_listings", doc["id"]), len(journal_lines(db))) == before
    reopened = Database(db.path, "other")
    assert reopened.get("gallery_listings", doc["id"])["stock"] == 10  # type: ignore[index]


def test_oversell_and_bad_sales_are_refused(db: Database) -> None:
    doc = service.create_listing(db, listing_data(stock="3"))
    sales = dict(db.docs("sales"))
    cases = [
        ({"quantity": 4}, "quantity", "Stok tinggal 3: 4 tidak dapat dijual"),
        ({"quantity": 0}, "quantity", "minimal 1"),
        ({"quantity": 1, "date": "21/12/2026"}, "date", "belum terjadi"),
        ({"quantity": 1, "date": "30/11/2026"}, "date", "sebelum tanggal penitipan"),
        ({"quantity": 1, "unit_price": "-5"}, "unit_price", "tidak boleh negatif"),
    ]
    for kwargs, field, message in cases:
        with pytest.raises(RecordInvalid) as caught:
            service.record_sale(db, doc["id"], today=TODAY, **kwargs)
        assert message in caught.value.errors[field]
    assert db.docs("sales") == sales
    assert db.get("gallery_listings", doc["id"])["stock"] == 3  # type: ignore[index]


def test_sold_out_follows_stock_and_expired_listings_cannot_be_sold(db: Database) -> None:
    doc = service.create_listing(db, listing_data(stock="2", term_days="10"))
    service.record_sale(db, doc["id"], quantity=2, date="03/12/2026", today=TODAY)
    sold_out = db.get("gallery_listings", doc["id"])
    assert sold_out is not None and sold_out["status"] == "sold_out"
    assert listing_status(sold_out, TODAY) == "sold_out"
    with pytest.raises(RecordInvalid, match="habis"):
        service.record_sale(db, doc["id"], quantity=1, today=TODAY)

    other = service.create_listing(db, listing_data(sku="TEST-002", term_days="10"))
    assert listing_status(other, date(2026, 12, 11)) == "displayed"  # 1 Dec + 10 days: the last day
    assert listing_status(other, date(2026, 12, 12)) == "expired"
    with pytest.raises(RecordInvalid) as caught:
        service.record_sale(db, other["id"], quantity=1, date="12/12/2026", today=TODAY)
    assert "kedaluwarsa" in caught.value.errors["__all__"]
    # a sale made during the term but recorded later is still accepted
    service.record_sale(db, other["id"], quantity=1, date="11/12/2026", today=TODAY)


def test_returns_hand_the_stock_back(db: Database) -> None:
    doc = service.create_listing(db, listing_data(stock="10"))
    service.record_sale(db, doc["id"], quantity=4, date="05/12/2026", today=TODAY)
    with pytest.raises(RecordInvalid, match="Stok tinggal 6"):
        service.return_stock(db, doc["id"], quantity=7, today=TODAY)
    part = service.return_stock(db, doc["id"], quantity=2, date="06/12/2026", note="contoh", today=TODAY)
    assert part["stock"] == 4 and part["status"] == "displayed"
    rest = service.return_stock(db, doc["id"], date="07/12/2026", today=TODAY)
    assert rest["stock"] == 0 and rest["returned"] == 6 and rest["sold"] == 4
    assert listing_status(rest, TODAY) == "returned"
    assert [(r["date"], r["quantity"], r["by"]) for r in rest["returns"]] == [
        ("2026-12-06", 2, "tester"),
        ("2026-12-07", 4, "tester"),
    ]
    with pytest.raises(RecordInvalid, match="tidak mempunyai sisa stok"):
        service.return_stock(db, doc["id"], today=TODAY)


def test_delete_is_refused_once_there_are_sales(db: Database) -> None:
    doc = service.create_listing(db, listing_data())
    service.record_sale(db, doc["id"], quantity=1, date="02/12/2026", today=TODAY)
    with pytest.raises(RecordReferenced):
        service.delete_listing(db, doc["id"])
    assert db.get("gallery_listings", doc["id"]) is not None
    fresh = service.create_listing(db, listing_data(sku="TEST-002"))
    service.delete_listing(db, fresh["id"], expected_version=fresh["version"])
    assert db.get("gallery_listings", fresh["id"]) is None


def test_cancel_sale_puts_the_stock_back(db: Database) -> None:
    doc = service.create_listing(db, listing_data(stock="2"))
    sale = service.record_sale(db, doc["id"], quantity=2, date="02/12/2026", today=TODAY)
    restored = service.cancel_sale(db, sale["id"])
    assert restored["stock"] == 2 and restored["sold"] == 0 and restored["status"] == "displayed"
    assert db.get("sales", sale["id"]) is None


# ---------------------------------------------------------------------------------------------- photos
def test_open_photo_uses_the_system_viewer_or_says_where_the_file_is(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "foto.jpg"
    source.write_bytes(b"\xff\xd8")
    # Issue 17: photos are opened by their name in the media folder, from there only.
    name = service.keep_photo(db.path, service.check_photo(db.path, source))
    photo = service.photo_file(db.path, name)
    launched: list[list[str]] = []
    monkeypatch.setattr(service.shutil, "which", lambda name: "/usr/bin/xdg-open" if name == "xdg-open" else None)
    monkeypatch.setattr(service.subprocess, "Popen", lambda args, **kwargs: launched.append(args))
    assert service.open_photo(db.path, name) == (True, f"Membuka {photo}")
    assert launched == [["/usr/bin/xdg-open", str(photo)]]
    monkeypatch.setattr(service.shutil, "which", lambda name: None)
    opened, message = service.open_photo(db.path, name)
    assert not opened and "Penampil gambar tidak ditemukan" in message and str(photo) in message
    assert service.open_photo(db.path, "gone.jpg")[0] is False
    assert len(launched) == 1
