"""Any report (``reports.document.Document``: sections of figures, tables, bar lists and notes) as a PDF on the
office's letterhead, with the place and date line and the signatory of reports: the monthly, quarterly and yearly
recaps an office sends, and the IKM profile sheet."""

from __future__ import annotations

from datetime import date

from ikmtui.documents.pdf import Office, OfficePdf, Signature, place_date
from ikmtui.i18n import _
from ikmtui.reports.document import Bars, Document, Figures, Note, TableBlock, format_value

_ALIGN = {"int": "R", "rp": "R", "pct": "R", "float": "R", "date": "L"}


def _widths(pdf: OfficePdf, block: TableBlock, size: float) -> list[float]:
    """Column widths in mm at font ``size``: numbers and short texts (codes, amounts) on one line at their widest
    value, long texts sharing what is left (and wrapping); the heading's longest word always fits."""
    pdf.set_font("DejaVu", "", size)
    pad = 2 * 1.2 + 1
    natural, fixed = [], []
    for i, col in enumerate(block.columns):
        values = [format_value(row[i], col.kind) for row in block.rows[:200]]
        if block.total is not None:
            values.append(format_value(block.total[i], col.kind))
        widest = max([pdf.get_string_width(v) for v in values] or [0.0])
        heading = max([pdf.get_string_width(word) for word in col.label.split()] or [0.0]) * 1.1
        natural.append(max(widest, heading) + pad)
        fixed.append(col.numeric or widest <= 28)
    room = pdf.body_width
    if sum(natural) <= room:
        return natural
    flexible = [w for w, f in zip(natural, fixed, strict=True) if not f]
    left = room - sum(w for w, f in zip(natural, fixed, strict=True) if f)
    if not flexible or left < 15 * len(flexible):
        return natural  # too many wide columns: the table scales them down in proportion
    share = sum(flexible)
    return [w if f else max(15.0, left * w / share) for w, f in zip(natural, fixed, strict=True)]


def render_document(pdf: OfficePdf, doc: Document) -> None:
    """Write the sections of ``doc`` onto ``pdf`` (already on a page)."""
    if doc.notice:
        pdf.paragraph(doc.notice, bold=True, size=9.5)
        pdf.ln(2)
    for section in doc.sections:
        if pdf.get_y() > pdf.h - 50:
            pdf.add_page()
        pdf.set_font("DejaVu", "B", 11)
        pdf.cell(0, 7, section.title, new_x="LMARGIN", new_y="NEXT")
        for block in section.blocks:
            if isinstance(block, Figures):
                pdf.grid(
                    [(_("Figure"), 3, "L"), (_("Value"), 2, "R")],
                    [[label, format_value(value, kind)] for label, value, kind in block.items],
                    size=8.5,
                )
            elif isinstance(block, TableBlock):
                if block.title:
                    pdf.paragraph(block.title, bold=True, size=9)
                if not block.rows and block.empty:
                    pdf.paragraph(block.empty, size=8.5)
                    continue
                size = 8 if len(block.columns) > 6 else 8.5
                columns = [
                    (col.label, width, _ALIGN.get(col.kind, "L"))
                    for col, width in zip(block.columns, _widths(pdf, block, size), strict=True)
                ]
                rows = [
                    [format_value(v, c.kind) for v, c in zip(row, block.columns, strict=True)] for row in block.rows
                ]
                total = (
                    [format_value(v, c.kind) for v, c in zip(block.total, block.columns, strict=True)]
                    if block.total is not None
                    else None
                )
                pdf.grid(columns, rows, total=total, size=size)
            elif isinstance(block, Bars):
                if block.title:
                    pdf.paragraph(block.title, bold=True, size=9)
                pdf.grid(
                    [("", 3, "L"), (_("Value"), 1, "R")],
                    [[label, format_value(value, block.kind)] for label, value in block.items],
                    size=8.5,
                )
            elif isinstance(block, Note):
                pdf.paragraph(block.text, bold=block.warning, size=8.5)
        pdf.ln(2)
    for note in doc.footnotes:
        pdf.paragraph(note, size=8)


def report_pdf(doc: Document, office: Office, today: date, *, signatory: str = "report") -> bytes:
    """The report ``doc`` on the letterhead, signed by the office's signatory of ``signatory`` documents."""
    pdf = OfficePdf(office, doc.title)
    pdf.add_page()
    pdf.heading(doc.title, doc.subtitle)
    render_document(pdf, doc)
    pdf.signatures([Signature.of("", office.signatory(signatory))], when=place_date(office, today))
    return pdf.to_bytes()
