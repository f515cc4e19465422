"""The consignment statement reconciles: whatever movements and sales were recorded, in whatever order of dates,
a listing's stock is the sum of its movements and each month's closing stock is the next month's opening."""

from __future__ import annotations

import itertools
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ikmtui import clock
from ikmtui.domain.gallery import ledgers, stock_total, stocks_on
from ikmtui.domain.records import RecordInvalid
from ikmtui.reports.gallery import consignment_renderable, monthly_consignment
from ikmtui.services import gallery as service
from ikmtui.storage import Database

TODAY = date(2026, 12, 4)
START = date(2026, 9, 1)
MONTHS = [(2026, 8), (2026, 9), (2026, 10), (2026, 11), (2026, 12)]
TABLES = ("ikm", "clusters", "gallery_listings", "sales", "stock_movements")

operation = st.tuples(
    st.sampled_from(["sell", "receive", "return", "adjust", "cancel"]),
    st.integers(0, 1),  # which listing
    st.integers(0, (TODAY - START).days),  # day
    st.integers(-4, 6),  # units
)


def new_database(folder: str) -> Database:
    db = Database(Path(folder) / "g.json", "tester")
    db.insert("ikm", {"name": "Batik Sari", "owner_name": "Sri", "status": "active"}, code_prefix="IKM")
    return db


def apply(db: Database, listings: list[int], sales: list[int], op: tuple[str, int, int, int]) -> None:
    kind, which, offset, units = op
    day = (START + timedelta(days=offset)).strftime("%d/%m/%Y")
    listing = listings[which]
    try:
        if kind == "sell":
            sales.append(service.record_sale(db, listing, quantity=abs(units) or 1, date=day)["id"])
        elif kind == "receive":
            service.receive_stock(db, listing, quantity=abs(units) or 1, date=day)
        elif kind == "return":
            service.return_stock(db, listing, quantity=abs(units) or 1, date=day)
        elif kind == "adjust":
            service.adjust_stock(db, listing, change=f"{units:+d}", reason="hitung ulang", date=day)
        elif sales:
            service.cancel_sale(db, sales.pop(units % len(sales)), reason="salah catat")
    except RecordInvalid:
        pass  # refused (more than the stock, nothing to return, 0 units): nothing changed


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operation, max_size=14), st.integers(0, 12))
def test_stock_is_the_sum_of_movements_and_months_chain(ops: list[tuple[str, int, int, int]], first: int) -> None:
    with tempfile.TemporaryDirectory() as folder, clock.fixed(TODAY):
        db = new_database(folder)
        listings = [
            service.create_listing(
                db,
                {
                    "product_name": f"Produk {n}",
                    "ikm_id": 1,
                    "category": "batik",
                    "sku": f"HYP-{n}",
                    "price": "12.345",
                    "stock": str(first + n),
                    "consigned_on": "01/09/2026",
                    "term_days": "365",
                    "commission_pct": "12,5",
                },
            )["id"]
            for n in range(2)
        ]
        sales: list[int] = []
        for op in ops:
            apply(db, listings, sales, op)
        for listing in listings:
            moves = service.movements_of(db, listing)
            assert stock_total(moves) == db.get("gallery_listings", listing)["stock"] >= 0  # type: ignore[index]
        tables: dict[str, Any] = {name: db.docs(name) for name in TABLES}
        by_listing = ledgers(tables["gallery_listings"], tables["stock_movements"], tables["sales"])
        for day in ("2026-08-31", "2026-09-15", "2026-10-31", "2026-11-20", "2026-12-04"):
            counted = stocks_on(tables["gallery_listings"], tables["stock_movements"], tables["sales"], day)
            assert counted == {key: stock_total(ledger, day) for key, ledger in by_listing.items()}
        statements = [monthly_consignment(tables, 1, year, month) for year, month in MONTHS]
        for statement in statements:
            assert statement.reconciles
            assert statement.payout.gross - statement.payout.commission == statement.payout.due
        for earlier, later in itertools.pairwise(statements):
            closing = {row.listing_code: row.closing for row in earlier.rows}
            assert {row.listing_code: row.opening for row in later.rows} == {
                row.listing_code: closing.get(row.listing_code, 0) for row in later.rows
            }
        assert statements[0].total("closing") == 0  # nothing consigned before September
        assert statements[-1].total("closing") == sum(
            db.get("gallery_listings", lid)["stock"]  # type: ignore[index]
            for lid in listings
        )
        db.close()


def test_a_statement_lists_the_month_and_what_was_paid(db: Database, today: date) -> None:
    doc = service.create_listing(
        db,
        {
            "product_name": "Batik cap",
            "ikm_id": "IKM-000005",
            "category": "batik",
            "sku": "ST-1",
            "price": "100.000",
            "stock": "10",
            "consigned_on": "15/10/2026",
            "commission_pct": "10",
        },
    )
    service.record_sale(db, doc["id"], quantity=2, date="20/10/2026")
    service.receive_stock(db, doc["id"], quantity=5, date="03/11/2026")
    service.record_sale(db, doc["id"], quantity=3, date="10/11/2026")
    service.return_stock(db, doc["id"], quantity=1, date="12/11/2026")
    service.adjust_stock(db, doc["id"], change="-1", reason="rusak", date="13/11/2026")
    service.mark_paid(db, 5, 2026, 11, paid_on="01/12/2026", reference="TRF-7")
    tables = {name: db.docs(name) for name in TABLES}
    november = monthly_consignment(tables, 5, 2026, 11)
    [row] = [r for r in november.rows if r.listing_code == doc["code"]]
    assert (row.opening, row.received, row.sold, row.returned, row.adjusted, row.closing) == (8, 5, 3, 1, -1, 8)
    assert [(m.date, m.kind, m.quantity) for m in november.movements if m.listing_code == doc["code"]] == [
        ("2026-11-03", "received", 5),
        ("2026-11-10", "sold", -3),
        ("2026-11-12", "returned", -1),
        ("2026-11-13", "adjusted", -1),
    ]
    ours = [line for line in november.payout.lines if line.listing_code == doc["code"]]
    assert [(line.quantity, line.gross, line.commission, line.due) for line in ours] == [(3, 300_000, 30_000, 270_000)]
    assert all(line.reference == "TRF-7" for line in november.payout.lines) and november.unpaid == 0
    data = november.as_dict()
    assert data["paid"][0]["reference"] == "TRF-7" and data["paid"][0]["by"] == "tester"
    assert data["paid"][0]["amount"] == november.payout.due and data["reconciles"] is True
    assert consignment_renderable(november, printed_on=today) is not None
