"""What the reports share: the tables they read, counting rules written once, KBLI groupings.

Reports read stored documents (``{table: {id: doc}}``, e.g. ``db.docs`` of every table) and never write.
Stored dates are ISO strings (``2026-11-27``; timestamps ``2026-11-27T09:00:00+07:00``), so a date range is
checked by comparing strings, which keeps one pass over 100,000 records fast.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from ikmtui.i18n import N_, _
from ikmtui.reports.document import Document
from ikmtui.reports.period import Period

if TYPE_CHECKING:
    from rich.console import RenderableType

    from ikmtui.storage import Database

Doc = Mapping[str, Any]
Tables = Mapping[str, Mapping[str, Doc]]

#: Enrollment states of people who took a seat in a batch (booked for a running one, or with an outcome).
PARTICIPANT_STATES = ("booked", "attended", "completed", "not_completed")
#: Batch states of a batch that was (or is being) held.
HELD_BATCH_STATES = ("running", "finished")
#: Certifications counted in the overview, first the four the programme reports on.
MAIN_CERTIFICATIONS = ("Halal", "SNI", "P-IRT", "HKI")

#: KBLI 2020 sections by the first two digits of a code (the division), as ranges of divisions.
_KBLI_SECTIONS = (
    (1, 3, "A"),
    (5, 9, "B"),
    (10, 33, "C"),
    (35, 35, "D"),
    (36, 39, "E"),
    (41, 43, "F"),
    (45, 47, "G"),
    (49, 53, "H"),
    (55, 56, "I"),
    (58, 63, "J"),
    (64, 66, "K"),
    (68, 68, "L"),
    (69, 75, "M"),
    (77, 82, "N"),
    (84, 84, "O"),
    (85, 85, "P"),
    (86, 88, "Q"),
    (90, 93, "R"),
    (94, 96, "S"),
    (97, 98, "T"),
    (99, 99, "U"),
)
KBLI_SECTION_NAMES = {
    "A": N_("Agriculture, forestry and fishing"),
    "B": N_("Mining and quarrying"),
    "C": N_("Manufacturing"),
    "D": N_("Electricity and gas"),
    "E": N_("Water supply and waste management"),
    "F": N_("Construction"),
    "G": N_("Wholesale and retail trade"),
    "H": N_("Transportation and storage"),
    "I": N_("Accommodation and food service"),
    "J": N_("Information and communication"),
    "K": N_("Financial and insurance activities"),
    "L": N_("Real estate"),
    "M": N_("Professional, scientific and technical activities"),
    "N": N_("Administrative and support services"),
    "O": N_("Public administration"),
    "P": N_("Education"),
    "Q": N_("Health and social work"),
    "R": N_("Arts, entertainment and recreation"),
    "S": N_("Other service activities"),
    "T": N_("Households as employers"),
    "U": N_("Extraterritorial organisations"),
}
#: KBLI 2020 divisions of section C (manufacturing), by their official Indonesian names.
KBLI_DIVISIONS = {
    "10": "Industri makanan",
    "11": "Industri minuman",
    "12": "Industri pengolahan tembakau",
    "13": "Industri tekstil",
    "14": "Industri pakaian jadi",
    "15": "Industri kulit, barang dari kulit dan alas kaki",
    "16": "Industri kayu, barang dari kayu dan gabus (tidak termasuk furnitur) dan anyaman",
    "17": "Industri kertas dan barang dari kertas",
    "18": "Industri pencetakan dan reproduksi media rekaman",
    "19": "Industri produk dari batu bara dan pengilangan minyak bumi",
    "20": "Industri bahan kimia dan barang dari bahan kimia",
    "21": "Industri farmasi, produk obat kimia dan obat tradisional",
    "22": "Industri karet, barang dari karet dan plastik",
    "23": "Industri barang galian bukan logam",
    "24": "Industri logam dasar",
    "25": "Industri barang logam, bukan mesin dan peralatannya",
    "26": "Industri komputer, barang elektronik dan optik",
    "27": "Industri peralatan listrik",
    "28": "Industri mesin dan perlengkapan YTDL",
    "29": "Industri kendaraan bermotor, trailer dan semi trailer",
    "30": "Industri alat angkutan lainnya",
    "31": "Industri furnitur",
    "32": "Industri pengolahan lainnya",
    "33": "Jasa reparasi dan pemasangan mesin dan peralatan",
}
_CERTIFICATE = re.compile(r"/([IVX]+)/(\d{4})\s*$")
_ROMAN = {
    "I": 1,
    "II": 2,
    "III": 3,
    "IV": 4,
    "V": 5,
    "VI": 6,
    "VII": 7,
    "VIII": 8,
    "IX": 9,
    "X": 10,
    "XI": 11,
    "XII": 12,
}


def kbli_division(code: object) -> str:
    text = str(code or "")
    return text[:2] if len(text) >= 2 and text[:2].isdigit() else "?"


def kbli_section(code: object) -> str:
    """The KBLI section letter of a code (``10710`` -> ``C``), ``?`` when it has none."""
    division = kbli_division(code)
    if division == "?":
        return "?"
    number = int(division)
    for low, high, letter in _KBLI_SECTIONS:
        if low <= number <= high:
            return letter
    return "?"


def kbli_section_label(letter: str) -> str:
    name = KBLI_SECTION_NAMES.get(letter)
    return f"{letter} · {_(name)}" if name else letter


def kbli_division_label(division: str) -> str:
    name = KBLI_DIVISIONS.get(division)
    return f"{division} · {name}" if name else division


def day_of(value: object) -> str:
    """The ISO day of a stored date or timestamp (``""`` when missing)."""
    return str(value or "")[:10]


def ratio(part: float, whole: float) -> float | None:
    """``part / whole``, or ``None`` when there is nothing to divide by (shown as a dash, never an error)."""
    return part / whole if whole else None


def commission_of(gross: int, pct: float) -> int:
    """Gallery commission on ``gross`` rupiah at ``pct`` percent, whole rupiah rounded half up (the rule of the
    gallery's payout statements: gross - commission = what the IKM is due, per sale line)."""
    amount = Decimal(int(gross)) * Decimal(str(pct)) / Decimal(100)
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def sale_amounts(sale: Doc) -> tuple[int, int, int]:
    """(gross, commission, due) of one sale line."""
    gross = int(sale.get("quantity") or 0) * int(sale.get("unit_price") or 0)
    commission = commission_of(gross, float(sale.get("commission_pct") or 0))
    return gross, commission, gross - commission


def listing_status_on(doc: Doc, on: date) -> str:
    """displayed / sold_out / returned / expired of a gallery listing on ``on``: no stock left means sold out
    (or returned), a consignment term that has passed means expired."""
    if int(doc.get("stock") or 0) <= 0:
        return "returned" if doc.get("status") == "returned" else "sold_out"
    consigned = day_of(doc.get("consigned_on"))
    if consigned:
        try:
            end = date.fromisoformat(consigned) + timedelta(days=int(doc.get("term_days") or 0))
        except ValueError:
            end = None
        if end is not None and end < on:
            return "expired"
    return "displayed"


def certificate_day(enrollment: Doc, batch: Doc | None) -> str:
    """When a certificate was issued, as an ISO day: the month and year in its number
    (``001/KMS/DISPERIN/XI/2026`` -> ``2026-11-01``), else the batch's last day."""
    number = str(enrollment.get("certificate_no") or "")
    match = _CERTIFICATE.search(number)
    if match and match.group(1) in _ROMAN:
        return f"{match.group(2)}-{_ROMAN[match.group(1)]:02d}-01"
    return day_of((batch or {}).get("end_date"))


def with_ids(docs: Mapping[str, Doc]) -> list[dict[str, Any]]:
    """Stored documents with their ``id``, as the domain functions take them."""
    return [{**doc, "id": int(key)} for key, doc in docs.items()]


def _iso(value: Any) -> Any:
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def dated_applications(docs: Mapping[str, Doc]) -> list[dict[str, Any]]:
    """Credit applications with their dates as ``date`` objects (history, disbursement, schedule): the
    arrears functions then skip parsing text dates, which is most of their time on large portfolios."""
    out: list[dict[str, Any]] = []
    for key, doc in docs.items():
        app = {**doc, "id": int(key)}
        app["disbursed_on"] = _iso(doc.get("disbursed_on"))
        app["history"] = [{**h, "date": _iso(h.get("date"))} for h in doc.get("history") or []]
        app["schedule"] = [{**row, "due": _iso(row.get("due"))} for row in doc.get("schedule") or []]
        out.append(app)
    return out


def dated_repayments(docs: Mapping[str, Doc]) -> list[dict[str, Any]]:
    return [{**doc, "id": int(key), "date": _iso(doc.get("date"))} for key, doc in docs.items()]


def tables_of(db: Database) -> dict[str, Mapping[str, Doc]]:
    """Every table of a database as stored (a consistent, read-only snapshot)."""
    from ikmtui.storage import TABLES

    return {name: db.docs(name) for name in TABLES}


def is_empty(tables: Tables) -> bool:
    """Nothing recorded yet in any table the reports read."""
    return not any(
        tables.get(name)
        for name in ("ikm", "clusters", "batches", "enrollments", "credit_applications", "gallery_listings", "sales")
    )


def index_by_code(docs: Mapping[str, Doc]) -> dict[str, str]:
    """Record id (as stored, a string) -> code."""
    return {key: str(doc.get("code") or key) for key, doc in docs.items()}


def top(items: Iterable[tuple[str, float]], n: int) -> list[tuple[str, float]]:
    return sorted(items, key=lambda item: (-item[1], item[0]))[:n]


@dataclass
class Report:
    """A report: its figures as plain data (JSON-ready) and the document that shows them."""

    name: str
    period: Period
    as_of: date
    data: dict[str, Any]
    document: Document

    def renderable(self) -> RenderableType:
        from ikmtui.reports.document import to_rich

        return to_rich(self.document)


def subtitle(period: Period, as_of: date) -> str:
    from ikmtui.i18n import format_date

    return _("{period} · figures as of {date}", period=period.label, date=format_date(as_of, "long"))
