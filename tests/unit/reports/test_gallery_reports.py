"""Payout statement and gallery summary: the figures add up, and the printed sheets show them."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from rich.console import Console, RenderableType

from ikmtui.domain.gallery import listing_status
from ikmtui.reports.gallery import (
    gallery_summary,
    listing_sheet,
    payout_renderable,
    payout_statement,
    summary_renderable,
)
from ikmtui.services import gallery as service
from ikmtui.storage import Database

TODAY = date(2026, 12, 31)
TABLES = ("ikm", "clusters", "gallery_listings", "sales")


def text_of(renderable: RenderableType, width: int = 120) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None, legacy_windows=False)
    console.print(renderable)
    return console.file.getvalue()  # type: ignore[attr-defined]


def tables(db: Database) -> dict[str, Any]:
    return {name: db.docs(name) for name in TABLES}


def add(db: Database, sku: str, price: str, commission: str, ikm: str = "IKM-000005", **extra: str) -> int:
    data = {
        "product_name": f"Produk {sku}",
        "ikm_id": ikm,
        "category": "food",
        "sku": sku,
        "price": price,
        "stock": "50",
        "consigned_on": "01/12/2026",
        "term_days": "90",
        "commission_pct": commission,
        **extra,
    }
    return int(service.create_listing(db, data)["id"])


def sell(db: Database, listing: int, quantity: int, day: str, unit_price: str | None = None) -> None:
    service.record_sale(db, listing, quantity=quantity, date=day, unit_price=unit_price, today=TODAY)


def test_payout_statement_adds_up_for_an_ikm_with_several_products(db: Database) -> None:
    a = add(db, "P-A", "12.345", "10")  # 12.345 x 1 at 10% = 1.234,5 -> 1.235
    b = add(db, "P-B", "12.345", "12,5")  # 12.345 at 12,5% = 1.543,125 -> 1.543
    c = add(db, "P-C", "11.111", "7,5")  # 33.333 at 7,5% = 2.499,975 -> 2.500
    other_ikm = add(db, "P-X", "99.000", "10", ikm="IKM-000006")
    sell(db, a, 1, "03/12/2026")
    sell(db, b, 1, "04/12/2026")
    sell(db, c, 3, "05/12/2026")
    sell(db, a, 2, "06/12/2026", unit_price="10.000")  # a discount: 20.000 at 10% = 2.000
    sell(db, other_ikm, 1, "06/12/2026")  # another maker: not on this statement
    service.update_listing(db, a, {"commission_pct": "20"})  # later change: earlier sales keep 10 %

    statement = payout_statement(tables(db), 5, 2026, 12)
    assert [(line.sku, line.quantity, line.gross, line.commission, line.due) for line in statement.lines] == [
        ("P-A", 1, 12_345, 1_235, 11_110),
        ("P-B", 1, 12_345, 1_543, 10_802),
        ("P-C", 3, 33_333, 2_500, 30_833),
        ("P-A", 2, 20_000, 2_000, 18_000),
    ]
    assert statement.gross == 78_023
    assert statement.commission == 7_278
    assert statement.due == 70_745
    assert statement.gross - statement.commission == statement.due
    assert payout_statement(tables(db), 5, 2026, 11).lines == []  # the month before: nothing
    assert statement.as_dict()["due"] == 70_745

    sheet = text_of(payout_renderable(statement, printed_on=TODAY))
    assert "Laporan pembayaran · Desember 2026" in sheet
    assert db.docs("ikm")["5"]["name"] in sheet
    for figure in ("Rp 78.023", "Rp 7.278", "Rp 70.745", "12,5%", "7,5%"):
        assert figure in sheet
    assert "P-X" not in sheet
    assert "Dicetak pada 31 Desember 2026" in sheet


def test_an_empty_month_says_nothing_is_due(db: Database) -> None:
    sheet = text_of(payout_renderable(payout_statement(tables(db), 5, 2030, 1)))
    assert "Tidak ada penjualan pada bulan ini" in sheet
    assert "Rp 0" in sheet


def test_summary_counts_every_listing_and_its_stock_value(db: Database) -> None:
    fresh = add(db, "P-A", "10.000", "10", term_days="40")  # ends 10 Jan 2027: within 30 days of TODAY
    sell(db, fresh, 7, "10/12/2026")
    summary = gallery_summary(tables(db), TODAY)
    listings = db.all("gallery_listings")
    assert sum(row.listings for row in summary.by_category) == len(listings)
    assert summary.stock_value == sum(d["stock"] * d["price"] for d in listings)
    assert sum(summary.statuses.values()) == len(listings)
    assert summary.statuses["displayed"] == sum(listing_status(d, TODAY) == "displayed" for d in listings)
    no_cluster = [r for r in summary.by_cluster if r.name == "(tanpa klaster)"]
    in_clusters = sum(r.listings for r in summary.by_cluster)
    assert in_clusters >= len(listings) and (not no_cluster or no_cluster[0].listings <= len(listings))

    december = next(m for m in summary.months if m.month == "2026-12")
    assert (december.sales, december.units, december.revenue, december.commission) == (1, 7, 70_000, 7_000)
    assert summary.months[0].month == "2026-01" and len(summary.months) == 12
    in_window = [s for s in db.all("sales") if "2026-01" <= s["date"][:7] <= "2026-12"]
    assert sum(m.units for m in summary.months) == sum(s["quantity"] for s in in_window)
    units = [s.units for s in summary.best_sellers]
    assert units == sorted(units, reverse=True) and summary.best_sellers[0].units >= 7
    assert any(
        row.listing_code == db.get("gallery_listings", fresh)["code"] and row.days_left == 10  # type: ignore[index]
        for row in summary.expiring
    )

    sheet = text_of(summary_renderable(summary), width=130)
    for heading in (
        "Ringkasan galeri",
        "Produk menurut kategori",
        "Produk menurut klaster",
        "Penjualan dan pendapatan per bulan",
        "Produk terlaris",
        "Masa titip",
    ):
        assert heading in sheet
    assert "Desember 2026" in sheet and "Rp 70.000" in sheet


def test_listing_sheet_shows_sales_and_returns(db: Database) -> None:
    listing = add(db, "P-A", "10.000", "10", marketplace_links="Shopee https://shopee.co.id/p-a")
    sell(db, listing, 3, "10/12/2026")
    service.return_stock(db, listing, quantity=5, date="11/12/2026", note="diambil pemilik", today=TODAY)
    sheet = text_of(listing_sheet(tables(db), listing, TODAY))
    for expected in (
        "Produk P-A",
        "P-A",
        "Shopee: https://shopee.co.id/p-a",
        "Rp 30.000",
        "Rp 27.000",
        "diambil pemilik",
        "tester",
        "42",
    ):
        assert expected in sheet
