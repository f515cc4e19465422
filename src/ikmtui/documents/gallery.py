"""The consignment and payout statement of an IKM for a month: its consigned products, the month's stock
movements, the sales with the gallery's commission and the amount due (also in words), signed by the IKM and the
gallery officer when the IKM collects its money."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from ikmtui.documents.pdf import Office, OfficePdf, Signature, in_words, place_date
from ikmtui.domain.fields import parse_date
from ikmtui.domain.gallery import parse_month, status_label
from ikmtui.domain.money import format_number, format_rupiah
from ikmtui.i18n import _, format_date
from ikmtui.reports.gallery import SHOWROOM, PayoutStatement, month_name, payout_statement
from ikmtui.reports.profile import find_ikm

Doc = Mapping[str, Any]
Tables = Mapping[str, Mapping[str, Doc]]


def _pct(value: float) -> str:
    return f"{value:g}%".replace(".", ",")


def consignment_statement(tables: Tables, ikm_code: str, month: str) -> PayoutStatement:
    """The payout statement figures of IKM ``ikm_code`` for ``month`` (``2026-11`` or ``11/2026``)."""
    key, _ikm = find_ikm(tables, ikm_code)
    year, number = parse_month(month)
    return payout_statement(tables, int(key), year, number)


def consignment_pdf(tables: Tables, ikm_code: str, month: str, office: Office, today: date) -> bytes:
    """The statement as a PDF: the IKM, its listings in the gallery, the month's stock movements, each sale
    line (gross, commission, due), the totals and the amount due in words, with two signature lines."""
    key, ikm = find_ikm(tables, ikm_code)
    statement = consignment_statement(tables, ikm_code, month)
    period = month_name(statement.year, statement.month)
    pdf = OfficePdf(office, _("Consignment statement {code} {month}", code=statement.ikm_code, month=period))
    pdf.add_page()
    pdf.heading(_("Consignment and payout statement"), f"{SHOWROOM} · {period}")
    pdf.fields(
        [
            (_("IKM"), f"{statement.ikm_name} ({statement.ikm_code})"),
            (_("Owner"), statement.owner or "-"),
            (_("Address"), str(ikm.get("address") or "-")),
            (_("Month"), period),
        ],
        label_width=34,
    )
    pdf.ln(2)
    listings = sorted(
        (
            {**doc, "id": int(k)}
            for k, doc in tables["gallery_listings"].items()
            if doc.get("ikm_id") == int(key) and str(doc.get("consigned_on") or "") <= f"{month_end(statement)}"
        ),
        key=lambda d: str(d.get("code", "")),
    )
    pdf.paragraph(_("Products in consignment"), bold=True, size=9.5)
    if listings:
        pdf.grid(
            [
                (_("Code"), 16, "L"),
                (_("Product"), 40, "L"),
                (_("Price"), 18, "R"),
                (_("Commission"), 12, "R"),
                (_("Stock"), 10, "R"),
                (_("Status"), 16, "L"),
            ],
            [
                [
                    str(d.get("code", "")),
                    str(d.get("product_name", "")),
                    format_rupiah(int(d.get("price") or 0)),
                    _pct(float(d.get("commission_pct") or 0)),
                    format_number(int(d.get("stock") or 0)),
                    status_label(str(d.get("status", ""))),
                ]
                for d in listings
            ],
            size=8,
        )
    else:
        pdf.paragraph(_("No product of this IKM in the gallery."), size=8.5)
    movements = _movements(tables, int(key), statement, {d["id"]: d for d in listings})
    if movements:
        pdf.paragraph(_("Stock movements in the month"), bold=True, size=9.5)
        pdf.grid(
            [(_("Date"), 16, "L"), (_("Product"), 44, "L"), (_("Movement"), 20, "L"), (_("Units"), 10, "R")],
            movements,
            size=8,
        )
    pdf.paragraph(_("Sales in the month"), bold=True, size=9.5)
    if statement.lines:
        pdf.grid(
            [
                (_("Date"), 13, "L"),
                (_("Product"), 30, "L"),
                (_("Qty"), 7, "R"),
                (_("Price"), 16, "R"),
                (_("Sales"), 17, "R"),
                (_("Commission"), 20, "R"),
                (_("Due"), 17, "R"),
            ],
            [
                [
                    format_date(parse_date(line.date)),
                    line.product,
                    format_number(line.quantity),
                    format_rupiah(line.unit_price),
                    format_rupiah(line.gross),
                    f"{format_rupiah(line.commission)} ({_pct(line.commission_pct)})",
                    format_rupiah(line.due),
                ]
                for line in statement.lines
            ],
            total=[
                _("Total"),
                "",
                format_number(statement.quantity),
                "",
                format_rupiah(statement.gross),
                format_rupiah(statement.commission),
                format_rupiah(statement.due),
            ],
            size=8,
        )
    else:
        pdf.paragraph(_("No sales in this month."), size=8.5)
    pdf.fields(
        [
            (_("Total sales"), format_rupiah(statement.gross)),
            (_("Gallery commission"), format_rupiah(statement.commission)),
            (_("Due to the IKM"), format_rupiah(statement.due)),
            (_("In words"), in_words(statement.due)),
        ],
        label_width=40,
    )
    gallery = office.signatory("consignment")
    pdf.signatures(
        [
            Signature(_("Received by the IKM,"), statement.owner or statement.ikm_name),
            Signature.of(_("Gallery officer,"), gallery),
        ],
        when=place_date(office, today),
    )
    return pdf.to_bytes()


def month_end(statement: PayoutStatement) -> str:
    """The last day of the statement's month, ISO."""
    following = date(statement.year + statement.month // 12, statement.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1).isoformat()


def _movements(tables: Tables, ikm_id: int, statement: PayoutStatement, listings: Mapping[int, Doc]) -> list[list[str]]:
    """The month's stock movements of the IKM's listings (where the gallery records them), in date order."""
    prefix = f"{statement.year:04d}-{statement.month:02d}"
    found = [
        doc
        for doc in tables.get("stock_movements", {}).values()
        if doc.get("ikm_id") == ikm_id and str(doc.get("date", "")).startswith(prefix)
    ]
    found.sort(key=lambda d: (str(d.get("date", "")), int(d.get("id") or 0)))
    rows = []
    for doc in found:
        listing = listings.get(int(doc.get("listing_id") or 0)) or {}
        quantity = int(doc.get("quantity") or 0)
        rows.append(
            [
                format_date(parse_date(str(doc.get("date"))[:10])),
                f"{listing.get('product_name', '?')} ({listing.get('code', '')})",
                _(str(doc.get("kind", ""))),
                f"{quantity:+d}",
            ]
        )
    return rows
