"""The page every document shares: the office's letterhead, page numbers, the place and date line, signature
blocks, tables, amounts in words and QR codes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.fonts import FontFace

from ikmtui.i18n import _, format_date, get_language

FONTS = Path(__file__).with_name("fonts")
FONT = "DejaVu"
#: Ink of the rules and table headings: a dark office blue, and the grey of small print.
BLUE = (31, 78, 140)
GREY = (90, 98, 112)
HEAD_FILL = (228, 235, 245)


@dataclass(frozen=True)
class Signatory:
    name: str = ""
    nip: str = ""
    title: str = ""


@dataclass(frozen=True)
class Office:
    """What a document prints of the office: built from the settings (``services.settings.office``)."""

    name: str = ""
    unit: str = ""
    address: str = ""
    city: str = ""
    phone: str = ""
    email: str = ""
    #: A picture file for the letterhead, "" for none.
    logo: str = ""
    certificate_unit: str = ""
    signatories: Mapping[str, Signatory] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, values: Mapping[str, Any]) -> Office:
        def text(key: str) -> str:
            return str(values.get(key) or "")

        signatories: dict[str, Signatory] = {}
        for key in values:
            parts = key.split(".")
            if len(parts) == 3 and parts[0] == "signatory" and parts[1] not in signatories:
                doc = parts[1]
                signatories[doc] = Signatory(
                    text(f"signatory.{doc}.name"), text(f"signatory.{doc}.nip"), text(f"signatory.{doc}.title")
                )
        return cls(
            name=text("office.name"),
            unit=text("office.unit"),
            address=text("office.address"),
            city=text("office.city"),
            phone=text("office.phone"),
            email=text("office.email"),
            logo=text("office.logo"),
            certificate_unit=text("certificate.unit"),
            signatories=signatories,
        )

    def signatory(self, document: str) -> Signatory:
        return self.signatories.get(document, Signatory())


@dataclass(frozen=True)
class Signature:
    """One signature block: who signs (a heading such as "Peserta,"), the title, the name and NIP."""

    heading: str
    name: str = ""
    title: str = ""
    nip: str = ""

    @classmethod
    def of(cls, heading: str, signatory: Signatory) -> Signature:
        return cls(heading, signatory.name, signatory.title, signatory.nip)


def long_date(day: date) -> str:
    """``4 Desember 2026`` (the month named in the interface language)."""
    return format_date(day, "d MMMM y")


def place_date(office: Office, day: date) -> str:
    """``Semarang, 4 Desember 2026``."""
    return f"{office.city}, {long_date(day)}" if office.city else long_date(day)


def in_words(amount: int) -> str:
    """Terbilang: ``1.513.889`` -> ``Satu juta lima ratus tiga belas ribu delapan ratus delapan puluh sembilan
    rupiah`` (English words in English)."""
    from num2words import num2words  # type: ignore[import-untyped]

    lang = "id" if get_language() == "id" else "en"
    words = str(num2words(int(amount), lang=lang)) if amount else ("nol" if lang == "id" else "zero")
    return f"{words} rupiah".capitalize()


class OfficePdf(FPDF):
    """An A4 page with the office's letterhead on the first page (on every page with ``letterhead_every_page``)
    and "Page 1 of 3" with the document's title at the foot of every page."""

    def __init__(self, office: Office, title: str, *, landscape: bool = False, letterhead_every_page: bool = False):
        super().__init__(orientation="L" if landscape else "P", unit="mm", format="A4")
        self.office = office
        self.doc_title = title
        self.letterhead_every_page = letterhead_every_page
        #: Where the page number line sits, from the foot of the page.
        self.footer_y = -12.0
        self.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_margins(18, 14, 18)
        self.set_auto_page_break(True, margin=18)
        self.set_title(title)
        self.set_author(office.name)
        self.set_creator("ikmtui")
        self.set_font(FONT, "", 10)

    # -- page furniture
    @property
    def body_width(self) -> float:
        return float(self.w - self.l_margin - self.r_margin)

    def header(self) -> None:
        if self.page_no() == 1 or self.letterhead_every_page:
            self.letterhead()

    def letterhead(self) -> None:
        office = self.office
        top = self.t_margin
        text_left = self.l_margin
        if office.logo:
            try:
                self.image(office.logo, x=self.l_margin, y=top, h=22)
                text_left = self.l_margin + 26
            except Exception:  # a damaged picture must not cost the document: the letterhead goes without it
                text_left = self.l_margin
        width = self.w - self.r_margin - text_left
        self.set_xy(text_left, top)
        self.set_text_color(*BLUE)
        self.set_font(FONT, "B", 15)
        self.centred(width, 7, office.name.upper())
        self.set_text_color(0)
        if office.unit:
            self.set_font(FONT, "B", 10.5)
            self.centred(width, 5.5, office.unit)
        self.set_font(FONT, "", 8.5)
        address = ", ".join(part for part in (office.address, office.city) if part)
        if address:
            self.centred(width, 4.2, address)
        contact = "  ·  ".join(
            part
            for part in (
                _("Phone {phone}", phone=office.phone) if office.phone else "",
                _("E-mail {email}", email=office.email) if office.email else "",
            )
            if part
        )
        if contact:
            self.centred(width, 4.2, contact)
        y = max(self.get_y() + 2, top + (24 if office.logo else 0))
        self.set_draw_color(*BLUE)
        self.set_line_width(0.8)
        self.line(self.l_margin, y, self.w - self.r_margin, y)
        self.set_line_width(0.25)
        self.line(self.l_margin, y + 1.2, self.w - self.r_margin, y + 1.2)
        self.set_draw_color(0)
        self.set_line_width(0.2)
        self.set_xy(self.l_margin, y + 5)
        self.set_font(FONT, "", 10)

    def footer(self) -> None:
        self.set_y(self.footer_y)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(*GREY)
        self.cell(self.body_width / 2, 5, self.doc_title, align="L")
        self.cell(self.body_width / 2, 5, _("Page {page} of {pages}", page=self.page_no(), pages="{nb}"), align="R")
        self.set_text_color(0)
        self.set_font(FONT, "", 10)

    def lines_of(self, text: str, width: float) -> list[str]:
        """``text`` broken into lines that fit ``width`` at the current font, at spaces (a word longer than a
        line stands alone). Measured word by word: fpdf2's own line breaking measures every character again for
        each candidate line and cost most of a page's time."""
        room = width - 2 * self.c_margin
        space = self.get_string_width(" ")
        lines: list[str] = []
        for paragraph in text.split("\n"):
            current: list[str] = []
            used = 0.0
            for word in paragraph.split():
                size = self.get_string_width(word)
                if current and used + space + size > room:
                    lines.append(" ".join(current))
                    current, used = [], 0.0
                used += (space if current else 0.0) + size
                current.append(word)
            lines.append(" ".join(current))
        return lines

    def centred(self, width: float, height: float, text: str, align: str = "C") -> None:
        """Lines of ``text`` within ``width`` from the current x, one cell each (centred unless ``align``)."""
        x = self.get_x()
        for line in self.lines_of(text, width):
            self.set_x(x)
            self.cell(width, height, line, align=align, new_x="LEFT", new_y="NEXT")

    # -- content
    def heading(self, title: str, *lines: str) -> None:
        """The document's title (bold, centred, underlined) and lines under it (its number, the period)."""
        self.set_font(FONT, "B", 13)
        self.cell(0, 7, title.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, "", 9.5)
        for line in lines:
            if line:
                self.cell(0, 5, line, align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(3)
        self.set_font(FONT, "", 10)

    def paragraph(self, text: str, *, size: float = 10, bold: bool = False, align: str = "J") -> None:
        self.set_font(FONT, "B" if bold else "", size)
        self.set_x(self.l_margin)
        if align == "J":
            self.multi_cell(0, size * 0.5, text, align=align, new_x="LMARGIN", new_y="NEXT")
        else:
            self.centred(self.body_width, size * 0.5, text, align=align)
        self.set_font(FONT, "", 10)

    def fields(self, rows: Sequence[tuple[str, str]], *, label_width: float = 48, size: float = 10) -> None:
        """``Label : value`` lines, the values aligned."""
        self.set_font(FONT, "", size)
        for label, value in rows:
            self.set_x(self.l_margin)
            self.cell(label_width, size * 0.55, label)
            self.cell(4, size * 0.55, ":")
            self.multi_cell(
                self.body_width - label_width - 4, size * 0.55, str(value), new_x="LMARGIN", new_y="NEXT", align="L"
            )
        self.set_font(FONT, "", 10)

    def grid(
        self,
        columns: Sequence[tuple[str, float, str]],
        rows: Sequence[Sequence[Any]],
        *,
        total: Sequence[Any] | None = None,
        size: float = 8.5,
        line_height: float | None = None,
    ) -> None:
        """A ruled table: ``columns`` are ``(heading, relative width, align L/C/R)``; the heading row repeats on
        each page; ``total`` is a bold last row."""
        self.set_font(FONT, "", size)
        self.set_draw_color(120)
        with self.table(
            col_widths=[c[1] for c in columns],
            text_align=tuple(c[2] for c in columns),
            width=self.body_width,
            line_height=line_height or size * 0.55,
            headings_style=FontFace(emphasis="BOLD", fill_color=HEAD_FILL),
            padding=(0.8, 1.2),
            repeat_headings=1,
        ) as ruled:
            head = ruled.row()
            for title, _width, _align in columns:
                head.cell(title, align="C")
            for values in rows:
                row = ruled.row()
                for value in values:
                    row.cell("" if value is None else str(value))
            if total is not None:
                row = ruled.row(style=FontFace(emphasis="BOLD"))
                for value in total:
                    row.cell("" if value is None else str(value))
        self.set_draw_color(0)
        self.set_font(FONT, "", 10)
        self.ln(2)

    def signatures(self, blocks: Sequence[Signature], *, when: str = "", space: float = 20) -> None:
        """Signature blocks side by side (the place and date line above the last one), kept on one page."""
        height = 6 + 5 * 2 + space + 10 + (5 if when else 0)
        if self.get_y() + height > self.h - self.b_margin:
            self.add_page()
        self.ln(4)
        width = self.body_width / max(len(blocks), 2)
        # one signatory signs on the right, as on Indonesian office letters
        first = self.l_margin + (width if len(blocks) == 1 else 0)
        top = self.get_y()
        for i, block in enumerate(blocks):
            x = first + i * width
            self.set_xy(x, top)
            self.set_font(FONT, "", 10)
            if when and i == len(blocks) - 1:
                self.cell(width, 5, when, align="C", new_x="LEFT", new_y="NEXT")
            elif when:
                self.cell(width, 5, "", new_x="LEFT", new_y="NEXT")
            if block.heading:
                self.centred(width, 5, block.heading)
            if block.title:
                self.centred(width, 5, block.title)
            self.set_y(self.get_y() + space)
            self.set_x(x)
            self.set_font(FONT, "B", 10)
            name = block.name or "(" + "." * 40 + ")"
            self.centred(width, 5, name)
            if block.name:
                line_width = min(self.get_string_width(name), width - 6)
                y = self.get_y() - 0.6
                self.line(x + (width - line_width) / 2, y, x + (width + line_width) / 2, y)
            self.set_font(FONT, "", 9.5)
            if block.nip:
                self.cell(width, 5, f"NIP. {block.nip}", align="C", new_x="LEFT", new_y="NEXT")
        self.set_xy(self.l_margin, top + height)

    def qr(self, text: str, x: float, y: float, size: float) -> None:
        """A QR code of ``text`` drawn as filled squares, one path per page (sharp at any zoom, no picture
        library). The mask is fixed: choosing the best of eight took most of a certificate's time, and any mask
        reads."""
        import segno

        code = segno.make(text, error="m", micro=False, mask=2)
        rows = [list(row) for row in code.matrix]
        module = size / len(rows)
        k, height = self.k, self.h
        ops = []
        for r, row in enumerate(rows):
            c = 0
            while c < len(row):
                if row[c]:
                    start = c
                    while c < len(row) and row[c]:
                        c += 1
                    left, top = (x + start * module) * k, (height - (y + r * module)) * k
                    ops.append(f"{left:.2f} {top:.2f} {(c - start) * module * k:.2f} {-module * k:.2f} re")
                else:
                    c += 1
        self._out("q 0 g " + " ".join(ops) + " f Q")

    def to_bytes(self) -> bytes:
        return bytes(self.output())
