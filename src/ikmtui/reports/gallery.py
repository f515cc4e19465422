"""Gallery reports: the payout statement of an IKM for a month, the consignment statement (stock movements and
payout, reconciled), the gallery summary and a listing sheet.

Each report is plain data first (dataclasses built from the tables in one pass) and a Rich renderable second,
so the same figures can be printed, shown in the app or exported. Money is whole rupiah throughout; the
commission of each sale line is rounded half up to the rupiah (see ``ikmtui.domain.gallery``), so on every
statement total sales - total commission = total due, exactly.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ikmtui.domain.fields import parse_date
from ikmtui.domain.gallery import (
    CATEGORIES,
    category_label,
    consignment_end,
    ledgers,
    listing_status,
    movement_label,
    sale_amounts,
    status_label,
    stock_total,
)
from ikmtui.domain.money import format_number, format_rupiah
from ikmtui.i18n import _, format_date

Tables = Mapping[str, Mapping[str, Mapping[str, Any]]]

SHOWROOM = "Semarang Kreatif Galeri"
#: How far ahead the summary warns about consignments ending, and how many rows its lists show at most.
EXPIRING_DAYS = 30
LIST_LIMIT = 30
BEST_SELLERS = 10


def month_name(year: int, month: int) -> str:
    """``November 2026`` in the interface language."""
    return format_date(date(year, month, 1), "MMMM y")


# ---------------------------------------------------------------------------------------------- payout
@dataclass(frozen=True)
class PayoutLine:
    date: str
    sale_code: str
    listing_code: str
    sku: str
    product: str
    quantity: int
    unit_price: int
    gross: int
    commission_pct: float
    commission: int
    due: int
    #: The payment that paid this line to the IKM (``services.gallery.mark_paid``), if any.
    paid_on: str = ""
    reference: str = ""
    paid_by: str = ""


@dataclass
class PayoutStatement:
    ikm_id: int
    ikm_code: str
    ikm_name: str
    owner: str
    year: int
    month: int
    lines: list[PayoutLine] = field(default_factory=list)

    @property
    def quantity(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def gross(self) -> int:
        return sum(line.gross for line in self.lines)

    @property
    def commission(self) -> int:
        return sum(line.commission for line in self.lines)

    @property
    def due(self) -> int:
        return sum(line.due for line in self.lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ikm_id": self.ikm_id,
            "ikm_code": self.ikm_code,
            "ikm_name": self.ikm_name,
            "month": f"{self.year:04d}-{self.month:02d}",
            "quantity": self.quantity,
            "sales": self.gross,
            "commission": self.commission,
            "due": self.due,
            "lines": [line.__dict__.copy() for line in self.lines],
        }


def payout_statement(tables: Tables, ikm_id: int, year: int, month: int) -> PayoutStatement:
    """Every sale of the IKM's products dated in the month, with the commission and the amount due per line."""
    ikm = tables["ikm"].get(str(ikm_id)) or {}
    listings = tables["gallery_listings"]
    prefix = f"{year:04d}-{month:02d}"
    statement = PayoutStatement(
        ikm_id, str(ikm.get("code", "")), str(ikm.get("name", "")), str(ikm.get("owner_name", "")), year, month
    )
    for key, sale in tables["sales"].items():
        if sale.get("ikm_id") != ikm_id or not str(sale.get("date", "")).startswith(prefix):
            continue
        listing = listings.get(str(sale.get("listing_id"))) or {}
        gross, commission, due = sale_amounts(sale)
        statement.lines.append(
            PayoutLine(
                date=str(sale["date"]),
                sale_code=str(sale.get("code") or key),
                listing_code=str(listing.get("code", "")),
                sku=str(listing.get("sku", "")),
                product=str(listing.get("product_name", "?")),
                quantity=int(sale.get("quantity") or 0),
                unit_price=int(sale.get("unit_price") or 0),
                gross=gross,
                commission_pct=float(sale.get("commission_pct") or 0),
                commission=commission,
                due=due,
                paid_on=str((sale.get("payout") or {}).get("paid_on") or ""),
                reference=str((sale.get("payout") or {}).get("reference") or ""),
                paid_by=str((sale.get("payout") or {}).get("by") or ""),
            )
        )
    statement.lines.sort(key=lambda line: (line.date, line.sale_code))
    return statement


# ---------------------------------------------------------------------------------------------- consignment
@dataclass(frozen=True)
class StockRow:
    """One listing's units in a month: opening + received - sold - returned + adjusted = closing."""

    listing_code: str
    sku: str
    product: str
    opening: int
    received: int
    sold: int
    returned: int
    adjusted: int
    closing: int

    @property
    def reconciles(self) -> bool:
        return self.opening + self.received - self.sold - self.returned + self.adjusted == self.closing


@dataclass(frozen=True)
class MovementLine:
    date: str
    code: str
    listing_code: str
    product: str
    kind: str
    quantity: int
    reason: str
    by: str


@dataclass(frozen=True)
class Payment:
    paid_on: str
    reference: str
    by: str
    amount: int


@dataclass
class ConsignmentStatement:
    """The consignment statement of an IKM for a month: per listing the units at the start of the month, received,
    sold, returned, adjusted and left at its end (from the stock movements), the month's movements, and the payout
    (sales, the gallery's commission, the amount due to the IKM, and what was paid of it, when and how)."""

    payout: PayoutStatement
    rows: list[StockRow] = field(default_factory=list)
    movements: list[MovementLine] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(int(getattr(row, name)) for row in self.rows)

    @property
    def payments(self) -> list[Payment]:
        """Each payment of the month's lines (one per date and reference), with the amount it paid."""
        paid: dict[tuple[str, str, str], int] = {}
        for line in self.payout.lines:
            if line.paid_on:
                key = (line.paid_on, line.reference, line.paid_by)
                paid[key] = paid.get(key, 0) + line.due
        return [Payment(day, ref, by, amount) for (day, ref, by), amount in sorted(paid.items())]

    @property
    def unpaid(self) -> int:
        return sum(line.due for line in self.payout.lines if not line.paid_on)

    @property
    def reconciles(self) -> bool:
        """Every row adds up, and the units sold by the movements are the units of the month's sales."""
        return all(row.reconciles for row in self.rows) and self.total("sold") == self.payout.quantity

    def as_dict(self) -> dict[str, Any]:
        totals = {name: self.total(name) for name in ("opening", "received", "sold", "returned", "adjusted", "closing")}
        return {
            **self.payout.as_dict(),
            "stock": {**totals, "rows": [row.__dict__.copy() for row in self.rows]},
            "movements": [line.__dict__.copy() for line in self.movements],
            "paid": [payment.__dict__.copy() for payment in self.payments],
            "unpaid": self.unpaid,
            "reconciles": self.reconciles,
        }


def _month_bounds(year: int, month: int) -> tuple[str, str, str]:
    """ISO (day before the month, first day, last day)."""
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return (
        date.fromordinal(first.toordinal() - 1).isoformat(),
        first.isoformat(),
        date.fromordinal(following.toordinal() - 1).isoformat(),
    )


def monthly_consignment(tables: Tables, ikm_id: int, year: int, month: int) -> ConsignmentStatement:
    """The consignment statement of IKM ``ikm_id`` for the month (see :class:`ConsignmentStatement`): every listing
    of the IKM consigned by the month's end, its units from its stock movements (computed for a listing stored
    before movements were recorded), and the payout of the sales dated in the month. The closing stock of a month
    is the opening stock of the next; the units sold are those of the month's sales."""
    before, first, last = _month_bounds(year, month)
    statement = ConsignmentStatement(payout_statement(tables, ikm_id, year, month))
    listings = {
        key: doc
        for key, doc in tables["gallery_listings"].items()
        if doc.get("ikm_id") == ikm_id and str(doc.get("consigned_on") or "")[:10] <= last
    }
    ids = {int(key) for key in listings}  # by listing: a movement belongs to the listing, whichever IKM it named
    movements = {k: m for k, m in tables.get("stock_movements", {}).items() if m.get("listing_id") in ids}
    sales = {k: s for k, s in tables["sales"].items() if s.get("ikm_id") == ikm_id}
    by_listing = ledgers(listings, movements, sales)
    for key, doc in sorted(listings.items(), key=lambda item: str(item[1].get("code") or item[0])):
        ledger = by_listing[key]
        inside = [m for m in ledger if first <= str(m.get("date", ""))[:10] <= last]

        def units(*kinds: str, moves: list[dict[str, Any]] = inside) -> int:
            return sum(int(m.get("quantity") or 0) for m in moves if m.get("kind") in kinds)

        statement.rows.append(
            StockRow(
                str(doc.get("code") or key),
                str(doc.get("sku", "")),
                str(doc.get("product_name", "")),
                opening=stock_total(ledger, before),
                received=units("received"),
                sold=-units("sold", "cancelled"),
                returned=-units("returned"),
                adjusted=units("adjusted"),
                closing=stock_total(ledger, last),
            )
        )
        for m in inside:
            statement.movements.append(
                MovementLine(
                    str(m.get("date", ""))[:10],
                    str(m.get("code", "")),
                    str(doc.get("code") or key),
                    str(doc.get("product_name", "")),
                    str(m.get("kind", "")),
                    int(m.get("quantity") or 0),
                    str(m.get("reason", "")),
                    str(m.get("created_by", "")),
                )
            )
    statement.movements.sort(key=lambda line: (line.date, line.listing_code, line.code))
    return statement


def consignment_renderable(statement: ConsignmentStatement, *, printed_on: date | None = None) -> RenderableType:
    """The consignment statement as a printable sheet: the stock of each product through the month, the month's
    movements, then the payout (sales, commission, due) with what was paid, and the signatures."""
    stock = Table(
        title=_("Stock in the gallery"),
        title_justify="left",
        title_style="bold",
        header_style="bold",
        show_footer=bool(statement.rows),
        box=box.SIMPLE_HEAD,
        expand=True,
    )
    stock.add_column(_("Product") + " / " + _("SKU"), footer=_("Total"), ratio=1, overflow="fold")
    names = ("opening", "received", "sold", "returned", "adjusted", "closing")
    labels = (_("Opening"), _("Received"), _("Sold"), _("Returned"), _("Adjusted"), _("Closing"))
    for name, label in zip(names, labels, strict=True):
        stock.add_column(label, justify="right", footer=format_number(statement.total(name)), no_wrap=True)
    for row in statement.rows:
        stock.add_row(
            Text.assemble(row.product, "\n", (f"{row.listing_code} · {row.sku}", "dim")),
            *(format_number(int(getattr(row, name))) for name in names),
        )
    parts: list[RenderableType] = [stock if statement.rows else Text(_("No product of this IKM in the gallery."))]
    if statement.movements:
        moves = Table(title=_("Stock movements in the month"), title_justify="left", title_style="bold")
        for label, justify in (
            (_("Date"), "left"),
            (_("Product"), "left"),
            (_("Movement"), "left"),
            (_("Qty"), "right"),
            (_("Reason"), "left"),
            (_("Officer"), "left"),
        ):
            moves.add_column(label, justify=justify)  # type: ignore[arg-type]
        for line in statement.movements:
            moves.add_row(
                format_date(parse_date(line.date)),
                f"{line.product} ({line.listing_code})",
                movement_label(line.kind),
                f"{line.quantity:+d}",
                line.reason,
                line.by,
            )
        parts += [Text(""), moves]
    paid = [
        _(
            "Paid {amount} on {date}, transfer {reference} ({officer})",
            amount=format_rupiah(p.amount),
            date=format_date(parse_date(p.paid_on)),
            reference=p.reference,
            officer=p.by,
        )
        for p in statement.payments
    ]
    if statement.payout.lines:
        paid.append(_("Not paid yet: {amount}", amount=format_rupiah(statement.unpaid)))
    parts += [Text(""), Text("\n".join(paid)), Text("")]
    return payout_renderable(statement.payout, printed_on=printed_on, stock=parts)


def _pct(value: float) -> str:
    return (f"{value:.2f}".rstrip("0").rstrip(".")).replace(".", ",") + "%"


def payout_renderable(
    statement: PayoutStatement, *, printed_on: date | None = None, stock: list[RenderableType] | None = None
) -> RenderableType:
    """The statement as a printable sheet: heading, (``stock``: the consignment's stock part,) one row per sale,
    totals, rounding note, signatures."""
    heading = Text.assemble(
        (f"{SHOWROOM}\n", "bold"),
        (_("Payout statement") + f" · {month_name(statement.year, statement.month)}\n", "bold"),
        f"{statement.ikm_name} ({statement.ikm_code})" + (f" · {statement.owner}" if statement.owner else ""),
    )
    table = Table(
        box=box.SIMPLE_HEAD, header_style="bold", show_footer=bool(statement.lines), padding=(0, 1), expand=True
    )
    table.add_column(_("Date"), footer=_("Total"), no_wrap=True, min_width=6)
    table.add_column(_("Product") + " / " + _("SKU"), min_width=16, ratio=1, overflow="fold")
    table.add_column(_("Qty"), justify="right", footer=format_number(statement.quantity), no_wrap=True)
    table.add_column(_("Unit price"), justify="right", no_wrap=True)
    table.add_column(_("Sales"), justify="right", footer=format_rupiah(statement.gross), no_wrap=True)
    table.add_column("%", justify="right", no_wrap=True)
    table.add_column(_("Commission"), justify="right", footer=format_rupiah(statement.commission), no_wrap=True)
    table.add_column(_("Due"), justify="right", footer=format_rupiah(statement.due), no_wrap=True)
    for line in statement.lines:
        table.add_row(
            f"{line.date[8:10]}/{line.date[5:7]}",
            Text.assemble(line.product, "\n", (line.sku, "dim")),
            format_number(line.quantity),
            format_rupiah(line.unit_price),
            format_rupiah(line.gross),
            _pct(line.commission_pct),
            format_rupiah(line.commission),
            format_rupiah(line.due),
        )
    parts: list[RenderableType] = [heading, Text(""), *(stock or [])]
    if statement.lines:
        parts.append(table)
    else:
        parts.append(Text(_("No sales in this month: nothing is due."), style="italic"))
    summary = Table.grid(padding=(0, 2))
    summary.add_column()
    summary.add_column(justify="right")
    summary.add_row(_("Sales"), format_rupiah(statement.gross))
    summary.add_row(_("Gallery commission"), "- " + format_rupiah(statement.commission))
    summary.add_row(Text(_("Amount due to the IKM"), style="bold"), Text(format_rupiah(statement.due), style="bold"))
    parts += [
        Text(""),
        summary,
        Text(""),
        Text(
            _(
                "Commission is computed per sale line on quantity x unit price and rounded half up to whole "
                "rupiah; the amount due is sales minus commission."
            ),
            style="dim",
        ),
    ]
    if printed_on is not None:
        parts.append(Text(_("Printed on {date}", date=format_date(printed_on, "long")), style="dim"))
    signatures = Table.grid(padding=(0, 8))
    signatures.add_column()
    signatures.add_column()
    signatures.add_row(_("Prepared by (gallery officer)"), _("Received by (IKM)"))
    signatures.add_row("\n\n\n(________________________)", "\n\n\n(________________________)")
    parts += [Text(""), signatures]
    return Group(*parts)


# ---------------------------------------------------------------------------------------------- summary
@dataclass(frozen=True)
class GroupRow:
    name: str
    listings: int
    displayed: int
    units: int
    stock_value: int


@dataclass(frozen=True)
class MonthRow:
    month: str  # YYYY-MM
    sales: int
    units: int
    revenue: int
    commission: int
    due: int


@dataclass(frozen=True)
class SellerRow:
    listing_code: str
    product: str
    ikm: str
    units: int
    revenue: int


@dataclass(frozen=True)
class ExpiringRow:
    listing_code: str
    product: str
    ikm: str
    ends: date
    days_left: int
    stock: int


@dataclass
class GallerySummary:
    as_of: date
    first_month: str
    by_category: list[GroupRow]
    by_cluster: list[GroupRow]
    months: list[MonthRow]
    best_sellers: list[SellerRow]
    expiring: list[ExpiringRow]
    expiring_total: int
    statuses: dict[str, int]

    @property
    def stock_value(self) -> int:
        return sum(row.stock_value for row in self.by_category)


def _months_back(as_of: date, count: int) -> list[str]:
    year, month = as_of.year, as_of.month
    keys = []
    for _i in range(count):
        keys.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return keys[::-1]


def gallery_summary(tables: Tables, as_of: date, *, months: int = 12) -> GallerySummary:
    """Listings by category and cluster (count, displayed, units and value of the stock on hand), sales and
    revenue for the ``months`` months up to ``as_of``, best sellers of that period, consignments that ended
    with stock still in the gallery or end within :data:`EXPIRING_DAYS` days."""
    ikm = tables["ikm"]
    clusters = tables["clusters"]
    cat_rows: dict[str, list[int]] = {c: [0, 0, 0, 0] for c in CATEGORIES}
    cluster_rows: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    statuses: Counter[str] = Counter()
    expiring: list[ExpiringRow] = []
    no_cluster = _("(no cluster)")
    for key, doc in tables["gallery_listings"].items():
        status = listing_status(doc, as_of)
        statuses[status] += 1
        stock = int(doc.get("stock") or 0)
        value = stock * int(doc.get("price") or 0)
        displayed = 1 if status == "displayed" else 0
        owner = ikm.get(str(doc.get("ikm_id"))) or {}
        names = [str((clusters.get(str(c)) or {}).get("name", c)) for c in owner.get("cluster_ids") or []] or [
            no_cluster
        ]
        groups = [cat_rows.setdefault(str(doc.get("category", "")), [0, 0, 0, 0])]
        groups += [cluster_rows[name] for name in dict.fromkeys(names)]
        for row in groups:
            row[0] += 1
            row[1] += displayed
            row[2] += stock
            row[3] += value
        end = consignment_end(doc)
        if end is not None and stock > 0 and status in ("displayed", "expired") and (end - as_of).days <= EXPIRING_DAYS:
            expiring.append(
                ExpiringRow(
                    str(doc.get("code") or key),
                    str(doc.get("product_name", "")),
                    str(owner.get("name", "?")),
                    end,
                    (end - as_of).days,
                    stock,
                )
            )
    expiring.sort(key=lambda row: (row.ends, row.listing_code))

    window = _months_back(as_of, months)
    first, last = window[0], window[-1]
    per_month: dict[str, list[int]] = {m: [0, 0, 0, 0, 0] for m in window}
    per_listing: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    cut = as_of.isoformat()
    for sale in tables["sales"].values():
        day = str(sale.get("date", ""))
        if not first <= day[:7] <= last or day > cut:
            continue
        month = day[:7]
        gross, commission, due = sale_amounts(sale)
        row = per_month[month]
        row[0] += 1
        row[1] += int(sale.get("quantity") or 0)
        row[2] += gross
        row[3] += commission
        row[4] += due
        seller = per_listing[str(sale.get("listing_id"))]
        seller[0] += int(sale.get("quantity") or 0)
        seller[1] += gross
    best = sorted(per_listing.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))[:BEST_SELLERS]
    sellers = []
    for listing_id, (units, revenue) in best:
        doc = tables["gallery_listings"].get(listing_id) or {}
        owner = ikm.get(str(doc.get("ikm_id"))) or {}
        sellers.append(
            SellerRow(
                str(doc.get("code", listing_id)),
                str(doc.get("product_name", "?")),
                str(owner.get("name", "?")),
                units,
                revenue,
            )
        )

    def rows(source: Mapping[str, list[int]], label: Any) -> list[GroupRow]:
        return [GroupRow(label(name), *values) for name, values in source.items() if values[0]]

    return GallerySummary(
        as_of=as_of,
        first_month=first,
        by_category=rows(cat_rows, category_label),
        by_cluster=sorted(rows(cluster_rows, str), key=lambda r: (r.name == no_cluster, r.name.casefold())),
        months=[MonthRow(m, *per_month[m]) for m in window],
        best_sellers=sellers,
        expiring=expiring[:LIST_LIMIT],
        expiring_total=len(expiring),
        statuses={s: statuses.get(s, 0) for s in ("displayed", "sold_out", "returned", "expired")},
    )


def _group_table(title: str, first: str, rows: list[GroupRow]) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold", header_style="bold", show_footer=bool(rows))
    table.add_column(first, footer=_("Total"))
    table.add_column(_("Listings"), justify="right", footer=format_number(sum(r.listings for r in rows)))
    table.add_column(_("Displayed"), justify="right", footer=format_number(sum(r.displayed for r in rows)))
    table.add_column(_("Units in stock"), justify="right", footer=format_number(sum(r.units for r in rows)))
    table.add_column(_("Stock value"), justify="right", footer=format_rupiah(sum(r.stock_value for r in rows)))
    for row in rows:
        table.add_row(
            row.name,
            format_number(row.listings),
            format_number(row.displayed),
            format_number(row.units),
            format_rupiah(row.stock_value),
        )
    return table


def summary_renderable(summary: GallerySummary) -> RenderableType:
    """The summary as a printable sheet."""
    statuses = " · ".join(f"{status_label(s)}: {format_number(n)}" for s, n in summary.statuses.items())
    parts: list[RenderableType] = [
        Text.assemble(
            (f"{SHOWROOM} · " + _("Gallery summary") + "\n", "bold"),
            _("As of {date}", date=format_date(summary.as_of, "long")) + "\n",
            statuses,
        ),
        Text(""),
        _group_table(_("Products listed by category"), _("Category"), summary.by_category),
        Text(""),
        Text(
            _("By cluster (a product counts in every cluster of its IKM; totals may exceed the listings)"), style="dim"
        ),
        _group_table(_("Products listed by cluster"), _("Cluster"), summary.by_cluster),
        Text(""),
    ]
    months = Table(
        title=_("Sales and revenue per month"),
        title_justify="left",
        title_style="bold",
        header_style="bold",
        show_footer=True,
    )
    months.add_column(_("Month"), footer=_("Total"))
    months.add_column(_("Sales"), justify="right", footer=format_number(sum(m.sales for m in summary.months)))
    months.add_column(_("Units"), justify="right", footer=format_number(sum(m.units for m in summary.months)))
    months.add_column(_("Revenue"), justify="right", footer=format_rupiah(sum(m.revenue for m in summary.months)))
    months.add_column(_("Commission"), justify="right", footer=format_rupiah(sum(m.commission for m in summary.months)))
    months.add_column(_("Due to IKM"), justify="right", footer=format_rupiah(sum(m.due for m in summary.months)))
    for m in summary.months:
        months.add_row(
            month_name(int(m.month[:4]), int(m.month[5:])),
            format_number(m.sales),
            format_number(m.units),
            format_rupiah(m.revenue),
            format_rupiah(m.commission),
            format_rupiah(m.due),
        )
    parts += [months, Text("")]
    best = Table(
        title=_("Best sellers (units, same months)"), title_justify="left", title_style="bold", header_style="bold"
    )
    for label, justify in (
        (_("Code"), "left"),
        (_("Product"), "left"),
        (_("IKM"), "left"),
        (_("Units"), "right"),
        (_("Revenue"), "right"),
    ):
        best.add_column(label, justify=justify)  # type: ignore[arg-type]
    for s in summary.best_sellers:
        best.add_row(s.listing_code, s.product, s.ikm, format_number(s.units), format_rupiah(s.revenue))
    parts += [best if summary.best_sellers else Text(_("No sales in these months."), style="italic"), Text("")]
    expiring = Table(
        title=_("Consignments ended or ending within {n} days", n=EXPIRING_DAYS),
        title_justify="left",
        title_style="bold",
        header_style="bold",
    )
    for label, justify in (
        (_("Code"), "left"),
        (_("Product"), "left"),
        (_("IKM"), "left"),
        (_("Term ends"), "left"),
        (_("Days left"), "right"),
        (_("Stock"), "right"),
    ):
        expiring.add_column(label, justify=justify)  # type: ignore[arg-type]
    for e in summary.expiring:
        left = _("{n} days ago", n=-e.days_left) if e.days_left < 0 else format_number(e.days_left)
        expiring.add_row(e.listing_code, e.product, e.ikm, format_date(e.ends), left, format_number(e.stock))
    if summary.expiring:
        parts.append(expiring)
        if summary.expiring_total > len(summary.expiring):
            parts.append(Text(_("… and {n} more", n=summary.expiring_total - len(summary.expiring)), style="dim"))
    else:
        parts.append(Text(_("No consignment ends within {n} days.", n=EXPIRING_DAYS), style="italic"))
    return Group(*parts)


# ---------------------------------------------------------------------------------------------- one listing
def listing_sheet(tables: Tables, listing_id: int, as_of: date) -> RenderableType:
    """Everything about one listing: its fields, photos, links, sales and returns."""
    doc = tables["gallery_listings"].get(str(listing_id))
    if doc is None:
        return Text(
            _(
                "Record {id} no longer exists in {table}: someone may have deleted it",
                id=listing_id,
                table=_("gallery_listings"),
            )
        )
    owner = tables["ikm"].get(str(doc.get("ikm_id"))) or {}
    end = consignment_end(doc)
    status = listing_status(doc, as_of)
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    consigned = parse_date(doc["consigned_on"]) if doc.get("consigned_on") else None
    rows = [
        (_("Code"), str(doc.get("code", ""))),
        (_("Product"), str(doc.get("product_name", ""))),
        (_("IKM"), f"{owner.get('name', '?')} ({owner.get('code', '')})"),
        (_("SKU"), str(doc.get("sku", ""))),
        (_("Category"), category_label(str(doc.get("category", "")))),
        (_("Price"), format_rupiah(int(doc.get("price") or 0))),
        (_("Stock on hand"), format_number(int(doc.get("stock") or 0))),
        (_("Sold"), format_number(int(doc.get("sold") or 0))),
        (_("Returned"), format_number(int(doc.get("returned") or 0))),
        (_("Status"), status_label(status)),
        (_("Consigned on"), format_date(consigned)),
        (_("Term (days)"), f"{doc.get('term_days', '')}" + (f" → {format_date(end)}" if end else "")),
        (_("Commission %"), _pct(float(doc.get("commission_pct") or 0))),
        (_("Badges"), ", ".join(doc.get("badges") or []) or "-"),
        (_("Photos"), "\n".join(doc.get("photos") or []) or "-"),
        (
            _("Marketplace links"),
            "\n".join(f"{lk.get('marketplace', '')}: {lk.get('url', '')}" for lk in doc.get("marketplace_links") or [])
            or "-",
        ),
    ]
    for label, value in rows:
        grid.add_row(label, value)
    sales = sorted(
        (s for s in tables["sales"].values() if s.get("listing_id") == listing_id),
        key=lambda s: (str(s.get("date")), str(s.get("code"))),
    )
    parts: list[RenderableType] = [grid, Text("")]
    if sales:
        table = Table(title=_("Sales"), title_justify="left", title_style="bold", header_style="bold")
        for label, justify in (
            (_("Date"), "left"),
            (_("Sale code"), "left"),
            (_("Qty"), "right"),
            (_("Unit price"), "right"),
            (_("Sales"), "right"),
            (_("Commission"), "right"),
            (_("Due"), "right"),
        ):
            table.add_column(label, justify=justify)  # type: ignore[arg-type]
        for sale in sales:
            gross, commission, due = sale_amounts(sale)
            table.add_row(
                format_date(parse_date(sale["date"])),
                str(sale.get("code", "")),
                format_number(int(sale.get("quantity") or 0)),
                format_rupiah(int(sale.get("unit_price") or 0)),
                format_rupiah(gross),
                format_rupiah(commission),
                format_rupiah(due),
            )
        parts += [table, Text("")]
    ledger = ledgers(
        {str(listing_id): doc}, tables.get("stock_movements", {}), {k: s for k, s in tables["sales"].items()}
    )[str(listing_id)]
    if ledger:
        table = Table(title=_("Stock movements"), title_justify="left", title_style="bold", header_style="bold")
        for label, justify in (
            (_("Date"), "left"),
            (_("Movement"), "left"),
            (_("Qty"), "right"),
            (_("Stock"), "right"),
            (_("Officer"), "left"),
            (_("Reason"), "left"),
        ):
            table.add_column(label, justify=justify)  # type: ignore[arg-type]
        balance = 0
        for movement in ledger:
            balance += int(movement.get("quantity") or 0)
            table.add_row(
                format_date(parse_date(str(movement["date"])[:10])),
                movement_label(str(movement.get("kind", ""))),
                f"{int(movement.get('quantity') or 0):+d}",
                format_number(balance),
                str(movement.get("created_by", "")),
                str(movement.get("reason", "")),
            )
        parts.append(table)
    return Group(*parts)
