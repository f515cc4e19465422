"""The consignment and payout statement of an IKM for a month (``reports.gallery.monthly_consignment``): the stock
of its products through the month, the month's stock movements, the sales with the gallery's commission and the
amount due (also in words), what was paid and when, signed by the IKM and the gallery officer when the IKM collects
its money."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from ikmtui.documents.pdf import Office, OfficePdf, Signature, in_words, place_date
from ikmtui.domain.fields import parse_date
from ikmtui.domain.gallery import movement_label, parse_month
from ikmtui.domain.money import format_number, format_rupiah
from ikmtui.i18n import _, format_date
from ikmtui.reports.gallery import SHOWROOM, ConsignmentStatement, month_name, monthly_consignment
from ikmtui.reports.profile import find_ikm

Doc = Mapping[str, Any]
Tables = Mapping[str, Mapping[str, Doc]]


def _pct(value: float) -> str:
    return f"{value:g}%".replace(".", ",")


def consignment_statement(tables: Tables, ikm_code: str, month: str) -> ConsignmentStatement:
    """The consignment statement of IKM ``ikm_code`` for ``month`` (``2026-11`` or ``11/2026``): stock through the
    month, its movements and the payout (``reports.gallery.monthly_consignment``)."""
    key, _ikm = find_ikm(tables, ikm_code)
    year, number = parse_month(month)
    return monthly_consignment(tables, int(key), year, number)


def consignment_pdf(tables: Tables, ikm_code: str, month: str, office: Office, today: date) -> bytes:
    """The statement as a PDF: the IKM, the stock of each product through the month, the month's movements, each
    sale line (gross, commission, due), the totals and the amount due in words, what was paid (date, reference)
    and what is still to pay, with signature lines for the IKM and the gallery officer."""
    _key, ikm = find_ikm(tables, ikm_code)
    consignment = consignment_statement(tables, ikm_code, month)
    statement = consignment.payout
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
    pdf.paragraph(_("Stock in the gallery"), bold=True, size=9.5)
    if consignment.rows:
        units = ("opening", "received", "sold", "returned", "adjusted", "closing")
        pdf.grid(
            [
                (_("Code"), 13, "L"),
                (_("Product"), 25, "L"),
                (_("Opening"), 10, "R"),
                (_("Received"), 10, "R"),
                (_("Sold"), 9, "R"),
                (_("Returned"), 13, "R"),
                (_("Adjusted"), 12, "R"),
                (_("Closing"), 9, "R"),
            ],
            [
                [row.listing_code, row.product, *(format_number(getattr(row, u)) for u in units)]
                for row in consignment.rows
            ],
            total=[_("Total"), "", *(format_number(consignment.total(u)) for u in units)],
            size=8,
        )
    else:
        pdf.paragraph(_("No product of this IKM in the gallery."), size=8.5)
    if consignment.movements:
        pdf.paragraph(_("Stock movements in the month"), bold=True, size=9.5)
        pdf.grid(
            [(_("Date"), 14, "L"), (_("Product"), 40, "L"), (_("Movement"), 22, "L"), (_("Units"), 8, "R")],
            [
                [
                    format_date(parse_date(m.date)),
                    f"{m.product} ({m.listing_code})",
                    movement_label(m.kind) + (f": {m.reason}" if m.reason else ""),
                    f"{m.quantity:+d}",
                ]
                for m in consignment.movements
            ],
            size=8,
        )
    pdf.paragraph(_("Sales in the month"), bold=True, size=9.5)
    if statement.lines:
        pdf.grid(
            [
                (_("Date"), 15, "L"),
                (_("Product"), 28, "L"),
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
    summary = [
        (_("Total sales"), format_rupiah(statement.gross)),
        (_("Gallery commission"), format_rupiah(statement.commission)),
        (_("Due to the IKM"), format_rupiah(statement.due)),
        (_("In words"), in_words(statement.due)),
    ]
    summary += [
        (_("Paid"), f"{format_rupiah(p.amount)} · {format_date(parse_date(p.paid_on))} · {p.reference or '-'}")
        for p in consignment.payments
    ]
    if consignment.payments:
        summary.append((_("Still to pay"), format_rupiah(consignment.unpaid)))
    pdf.fields(summary, label_width=40)
    gallery = office.signatory("consignment")
    pdf.signatures(
        [
            Signature(_("Received by the IKM,"), statement.owner or statement.ikm_name),
            Signature.of(_("Gallery officer,"), gallery),
        ],
        when=place_date(office, today),
    )
    return pdf.to_bytes()
