"""Gallery: product listings on consignment in the showroom and on marketplaces, and their sales.

Everything here is pure: no database, no UI. ``ikmtui.services.gallery`` applies these rules to stored records
in one transaction each; ``ikmtui.reports.gallery`` builds the payout statement and the summary on them.

Status of a listing (:func:`listing_status`), on a given day:

* stock on hand 0: ``returned`` if the last stock left through a return to the IKM, otherwise ``sold_out``;
* stock left and the consignment term has passed (``consigned_on + term_days`` is before the day): ``expired``;
* otherwise ``displayed``. Only a displayed listing can be sold.

The stored ``status`` field is the status as of the last write, without expiry (which depends on the day
it is read); read :func:`listing_status` rather than the field.

Commission (:func:`commission_of`): computed per sale line, on the line's gross amount
(quantity x unit price), in whole rupiah, rounded half up (``Rp 12.345`` at 10% -> ``Rp 1.235``; at 12,5% ->
``Rp 1.543``). The maker is due gross - commission of each line, so the statement always adds up:
total sales - total commission = total due, exactly.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, ClassVar
from urllib.parse import urlsplit

from pydantic import BeforeValidator

from ikmtui.domain.fields import (
    Count,
    Day,
    OptionalText,
    PastDay,
    RequiredText,
    Rupiah,
    is_blank,
    parse_choice,
    parse_count,
    parse_date,
    parse_list,
    parse_percent,
)
from ikmtui.domain.records import Record
from ikmtui.i18n import N_, _

LISTING_STATUSES = ("displayed", "sold_out", "returned", "expired")
STATUS_LABELS: dict[str, str] = {
    "displayed": N_("displayed"),
    "sold_out": N_("sold out"),
    "returned": N_("returned"),
    "expired": N_("expired"),
}
CATEGORIES = ("batik", "fashion", "food", "handicraft", "furniture", "accessories", "souvenir")
CATEGORY_LABELS: dict[str, str] = {
    "batik": N_("batik"),
    "fashion": N_("fashion"),
    "food": N_("food"),
    "handicraft": N_("handicraft"),
    "furniture": N_("furniture"),
    "accessories": N_("accessories"),
    "souvenir": N_("souvenir"),
}
BADGES = ("Halal", "SNI", "P-IRT", "HKI")
MARKETPLACES = ("Tokopedia", "Shopee", "Bukalapak", "Lazada", "Blibli", "TikTok Shop")
#: Web hosts of the known marketplaces: a bare link to one of them needs no name.
MARKETPLACE_HOSTS = {
    "tokopedia.com": "Tokopedia",
    "tokopedia.link": "Tokopedia",
    "shopee.co.id": "Shopee",
    "shope.ee": "Shopee",
    "bukalapak.com": "Bukalapak",
    "lazada.co.id": "Lazada",
    "blibli.com": "Blibli",
    "tiktok.com": "TikTok Shop",
}
SKU_PREFIX = "SKG"
DEFAULT_TERM_DAYS = 90
DEFAULT_COMMISSION_PCT = 10.0

_SKU = re.compile(r"^[A-Z0-9][A-Z0-9._/-]{0,39}$")
_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)


def status_label(status: str) -> str:
    return _(STATUS_LABELS.get(status, status))


def category_label(category: str) -> str:
    return _(CATEGORY_LABELS.get(category, category))


# ---------------------------------------------------------------------------------------------- field parsers
def parse_sku(value: object) -> str:
    """Upper case, no spaces: letters, digits and ``- _ . /`` (e.g. ``SKG-BAT-00012``)."""
    if is_blank(value):
        raise ValueError(_("This field is required"))
    text = str(value).strip().upper()
    if not _SKU.match(text):
        raise ValueError(_("A SKU is letters, digits and - _ . / without spaces (at most 40), e.g. SKG-BAT-00012"))
    return text


def split_paths(value: object) -> list[str]:
    """Photo paths from a form (separated by ``;`` or new lines, as commas may appear in file names)."""
    if is_blank(value):
        return []
    items = list(value) if isinstance(value, list | tuple) else re.split(r"[;\n]", str(value))
    return [str(item).strip().strip('"').strip() for item in items if str(item).strip().strip('"').strip()]


def parse_photos(value: object) -> list[str]:
    """Photos as typed (paths, ``~`` expanded) or stored (names in the media folder); when a listing is saved the
    service checks each picture and copies it into the media folder (``services.gallery.check_photo``)."""
    paths: list[str] = []
    for item in split_paths(value):
        path = os.path.expanduser(item)
        if path not in paths:
            paths.append(path)
    return paths


def parse_url(value: object) -> str:
    text = str(value).strip()
    parts = urlsplit(text) if _URL.match(text) else None
    host = (parts.hostname or "") if parts else ""
    if (
        not parts
        or parts.scheme.lower() not in ("http", "https")
        or "." not in host
        or host.startswith(".")
        or host.endswith(".")
        or not re.fullmatch(r"[a-z0-9.-]+", host)
    ):
        raise ValueError(_("'{value}' is not a web address: write e.g. https://shopee.co.id/toko/produk", value=text))
    return text


def marketplace_of(url: str) -> str | None:
    host = (urlsplit(url).hostname or "").lower()
    for known, name in MARKETPLACE_HOSTS.items():
        if host == known or host.endswith("." + known):
            return name
    return None


def _canonical_marketplace(name: str) -> str:
    cleaned = " ".join(name.split()).rstrip(":=").strip()
    for known in MARKETPLACES:
        if known.casefold() == cleaned.casefold():
            return known
    return cleaned


def parse_link(value: object) -> dict[str, str]:
    """``Shopee https://...``, ``Shopee: https://...``, a dict, or a bare link to a known marketplace."""
    if isinstance(value, Mapping):
        name, url = str(value.get("marketplace") or "").strip(), str(value.get("url") or "").strip()
    else:
        text = str(value).strip()
        match = re.search(r"\S+://\S*", text)
        if match:
            name, url = text[: match.start()], match.group(0)
        else:
            name, _sep, url = text.rpartition(" ")
        name = name.strip().rstrip(":=").strip()
    url = parse_url(url)
    name = _canonical_marketplace(name) if name else (marketplace_of(url) or "")
    if not name:
        raise ValueError(_("Name the marketplace of {url}, e.g. Shopee {url}", url=url))
    return {"marketplace": name, "url": url}


#: A web address in a list of links: it ends at a space, a comma or a semicolon (which separate the links).
_LINK_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s,;]*")


def _split_links(text: str) -> list[str]:
    """``Shopee https://a https://b, Tokopedia: https://c`` -> ``["Shopee https://a", "https://b",
    "Tokopedia: https://c"]``: each address with the name written before it; text after the last address
    (a link without ``://``) stays an item of its own, so that it is refused rather than dropped."""
    items: list[str] = []
    start = 0
    for match in _LINK_URL.finditer(text):
        name = text[start : match.start()].strip(" \t\r\n,;")
        items.append(f"{name} {match.group(0)}".strip())
        start = match.end()
    rest = text[start:].strip(" \t\r\n,;")
    if rest:
        items.append(rest)
    return items


def parse_links(value: object) -> list[dict[str, str]]:
    """Marketplace links, one per line or separated by spaces, commas or ``;``, each with its marketplace's name
    before it (a bare link to a known marketplace needs none): ``Shopee https://shopee.co.id/a
    https://www.tokopedia.com/b`` keeps both, and no address keeps the comma that follows it."""
    if is_blank(value):
        return []
    items = list(value) if isinstance(value, list | tuple) else [value]
    links: list[dict[str, str]] = []
    for item in items:
        if not isinstance(item, Mapping) and is_blank(item):
            continue
        for part in [item] if isinstance(item, Mapping) else _split_links(str(item)):
            link = parse_link(part)
            if link not in links:
                links.append(link)
    return links


def format_links(links: list[Mapping[str, Any]]) -> str:
    """The form's text for stored links (the inverse of :func:`parse_links`)."""
    return "; ".join(f"{link.get('marketplace', '')} {link.get('url', '')}".strip() for link in links)


def parse_badges(value: object) -> list[str]:
    parse = parse_choice(BADGES)
    return sorted({parse(item) for item in parse_list(value)}, key=BADGES.index)


def parse_quantity(value: object) -> int:
    if is_blank(value):
        raise ValueError(_("This field is required"))
    quantity = parse_count(value)
    if quantity < 1:
        raise ValueError(_("The quantity must be at least 1"))
    return quantity


def _commission_pct(value: object) -> float:
    try:
        return parse_percent(value)
    except ValueError:
        raise ValueError(_("Commission must be a percentage from 0 to 100, e.g. 10 or 12,5")) from None


# ---------------------------------------------------------------------------------------------- records
Sku = Annotated[str, BeforeValidator(parse_sku)]
Photos = Annotated[list[str], BeforeValidator(parse_photos)]
Links = Annotated[list[dict[str, str]], BeforeValidator(parse_links)]
Badges = Annotated[list[str], BeforeValidator(parse_badges)]
Commission = Annotated[float, BeforeValidator(_commission_pct)]
Quantity = Annotated[int, BeforeValidator(parse_quantity)]


class GalleryListing(Record):
    table: ClassVar[str] = "gallery_listings"
    code_prefix: ClassVar[str] = "GAL"

    ikm_id: int
    product_name: RequiredText
    sku: Sku
    category: Annotated[str, BeforeValidator(parse_choice(CATEGORIES))]
    price: Rupiah
    stock: Count
    photos: Photos = []
    consigned_on: PastDay
    term_days: Count = DEFAULT_TERM_DAYS
    commission_pct: Commission = DEFAULT_COMMISSION_PCT
    status: Annotated[str, BeforeValidator(parse_choice(LISTING_STATUSES))] = "displayed"
    #: ``{"marketplace": "Shopee", "url": "https://..."}``
    marketplace_links: Links = []
    badges: Badges = []
    #: Units sold and returned so far (stock on hand excludes both).
    sold: Count = 0
    returned: Count = 0
    #: Stock handed back to the IKM: ``{"date": "2026-11-01", "quantity": 3, "note": "", "by": "sri.wahyuni"}``.
    returns: list[dict[str, Any]] = []


class Sale(Record):
    table: ClassVar[str] = "sales"
    code_prefix: ClassVar[str] = "JUL"

    listing_id: int
    ikm_id: int
    date: Day
    quantity: Quantity
    unit_price: Rupiah
    commission_pct: Commission = DEFAULT_COMMISSION_PCT
    note: OptionalText = ""


# ---------------------------------------------------------------------------------------------- rules
def consignment_end(doc: Mapping[str, Any]) -> date | None:
    """The last day of the consignment term (consigned on day 0, term of N days: ends on day N)."""
    consigned = doc.get("consigned_on")
    if not consigned:
        return None
    try:  # stored dates are ISO: the fast path; anything else as staff type it
        start = consigned if isinstance(consigned, date) else date.fromisoformat(str(consigned))
    except ValueError:
        try:
            start = parse_date(consigned)
        except ValueError:
            return None
    return start + timedelta(days=int(doc.get("term_days") or 0))


def stored_status(stock: int, previous: str, *, returned_last: bool = False) -> str:
    """The status to store after a write: expiry is left to :func:`listing_status` (it depends on the day)."""
    if stock > 0:
        return "displayed"
    if returned_last or (previous == "returned"):
        return "returned"
    return "sold_out"


def listing_status(doc: Mapping[str, Any], on: date) -> str:
    """displayed / sold_out / returned / expired, on the day ``on`` (see the module notes)."""
    stock = int(doc.get("stock") or 0)
    if stock <= 0:
        return "returned" if doc.get("status") == "returned" else "sold_out"
    end = consignment_end(doc)
    if end is not None and end < on:
        return "expired"
    return "displayed"


@cache
def _percent_ratio(pct: float) -> tuple[int, int]:
    """``12.5`` -> ``(1250, 10000)``: the percentage as typed (its decimal text), as an exact fraction of 1."""
    numerator, denominator = Decimal(str(pct)).as_integer_ratio()
    return numerator, denominator * 100


def commission_of(gross: int, pct: float) -> int:
    """Commission on ``gross`` rupiah at ``pct`` percent: whole rupiah, rounded half up (exact integer arithmetic
    on the percentage as written, so 12,5 % of Rp 12.345 is 1.543,125 -> Rp 1.543 and 10 % of Rp 5 -> Rp 1)."""
    numerator, denominator = _percent_ratio(float(pct))
    return (2 * int(gross) * numerator + denominator) // (2 * denominator)


def sale_amounts(sale: Mapping[str, Any]) -> tuple[int, int, int]:
    """(gross, commission, due) of one sale line; gross - commission == due."""
    gross = int(sale.get("quantity") or 0) * int(sale.get("unit_price") or 0)
    commission = commission_of(gross, float(sale.get("commission_pct") or 0))
    return gross, commission, gross - commission


def next_sku(existing: list[str] | set[str] | Any, category: str) -> str:
    """A free SKU for ``category``: ``SKG-BAT-00012``, numbered after the highest ``SKG-xxx-n`` in use."""
    highest = 0
    pattern = re.compile(rf"^{SKU_PREFIX}-[A-Z]{{3}}-(\d+)$")
    taken = {str(s).upper() for s in existing}
    for sku in taken:
        match = pattern.match(sku)
        if match:
            highest = max(highest, int(match.group(1)))
    stem = f"{SKU_PREFIX}-{(category or 'lain')[:3].upper()}"
    number = highest + 1
    while f"{stem}-{number:05d}" in taken:
        number += 1
    return f"{stem}-{number:05d}"


def parse_month(value: object) -> tuple[int, int]:
    """A calendar month: ``2026-11``, ``11/2026``, ``11-2026`` or ``11.2026`` -> ``(2026, 11)``."""
    if isinstance(value, tuple) and len(value) == 2:
        year, month = int(value[0]), int(value[1])
    else:
        text = str(value or "").strip()
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", text) or None
        if match:
            year, month = int(match.group(1)), int(match.group(2))
        else:
            match = re.fullmatch(r"(\d{1,2})[/.-](\d{4})", text)
            if not match:
                raise ValueError(_("'{value}' is not a month: write 11/2026 or 2026-11", value=text))
            month, year = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or not 1900 <= year <= 9999:
        raise ValueError(_("'{value}' is not a month: write 11/2026 or 2026-11", value=str(value).strip()))
    return year, month


# ---------------------------------------------------------------------------------------------- stock movements
#: Kinds of stock movement, each with the sign of its effect on the stock in the gallery: units received from
#: the IKM, sold, handed back to the IKM, adjusted after a count (either way, with a reason), and a cancelled
#: sale giving its units back. A listing's stock is the sum of its movements' ``quantity`` (signed).
MOVEMENT_KINDS = ("received", "sold", "returned", "adjusted", "cancelled")
MOVEMENT_LABELS: dict[str, str] = {
    "received": N_("received"),
    "sold": N_("sold"),
    "returned": N_("returned to the IKM"),
    "adjusted": N_("adjusted"),
    "cancelled": N_("sale cancelled"),
}


def movement_label(kind: str) -> str:
    return _(MOVEMENT_LABELS.get(kind, kind))


def parse_adjustment(value: object) -> int:
    """A stock correction: a whole number of units, ``+3`` or ``-2``, never 0."""
    text = "".join(str(value if value is not None else "").split())
    if not re.fullmatch(r"[+-]?\d{1,9}", text) or int(text) == 0:
        raise ValueError(_("Write the change in units, e.g. +3 or -2 (not 0)"))
    return int(text)


class StockMovement(Record):
    table: ClassVar[str] = "stock_movements"
    code_prefix: ClassVar[str] = "MUT"

    listing_id: int
    ikm_id: int
    date: Day
    kind: Annotated[str, BeforeValidator(parse_choice(MOVEMENT_KINDS))]
    #: The change in stock: positive for received and cancelled sales, negative for sold and returned.
    quantity: int
    sale_id: int | None = None
    #: Why (required for an adjustment and a cancelled sale), or a note.
    reason: OptionalText = ""


def legacy_movements(listing: Mapping[str, Any], sales: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The movements of a listing stored before movements were recorded, computed from what it kept: the
    units consigned (stock on hand + units sold + units returned) received on the consignment date, one
    ``sold`` per sale and one ``returned`` per return, so that they add up to the stock it has."""
    sold: list[dict[str, Any]] = [
        {
            "date": str(s.get("date", ""))[:10],
            "kind": "sold",
            "quantity": -int(s.get("quantity") or 0),
            "sale_id": s.get("id"),
            "created_by": s.get("created_by", ""),
        }
        for s in sales
    ]
    returned: list[dict[str, Any]] = [
        {
            "date": str(r.get("date", ""))[:10],
            "kind": "returned",
            "quantity": -int(r.get("quantity") or 0),
            "reason": str(r.get("note") or ""),
            "created_by": r.get("by", ""),
        }
        for r in listing.get("returns") or []
    ]
    received = int(listing.get("stock") or 0) - sum(int(m["quantity"]) for m in sold + returned)
    opening = {
        "date": str(listing.get("consigned_on") or "")[:10],
        "kind": "received",
        "quantity": received,
        "created_by": listing.get("created_by", ""),
    }
    return sorted([opening, *sold, *returned], key=movement_order)


def movement_order(movement: Mapping[str, Any]) -> tuple[str, int, int]:
    """Date order; on one day what came in before what went out (a delivery is sold the day it arrives), and a
    cancelled sale after the sale it cancels."""
    kind, quantity = movement.get("kind"), int(movement.get("quantity") or 0)
    rank = 2 if kind == "cancelled" else (0 if quantity > 0 else 1)
    return (str(movement.get("date", ""))[:10], rank, int(movement.get("id") or 0))


def stock_total(movements: Sequence[Mapping[str, Any]], until: str | None = None) -> int:
    """The stock the movements leave (those dated up to ``until``, ISO, if given)."""
    return sum(int(m.get("quantity") or 0) for m in movements if until is None or str(m.get("date", ""))[:10] <= until)


def available_from(movements: Sequence[Mapping[str, Any]], day: str) -> int:
    """How many units can leave on ``day`` without the stock going below zero then or on any later date: the
    lowest balance from that day on (a sale recorded late must not take units that later sales already took)."""
    ordered = sorted(movements, key=movement_order)
    balance = sum(int(m.get("quantity") or 0) for m in ordered if str(m.get("date", ""))[:10] <= day)
    lowest = balance
    for movement in ordered:
        if str(movement.get("date", ""))[:10] > day:
            balance += int(movement.get("quantity") or 0)
            lowest = min(lowest, balance)
    return lowest


def ledgers(
    listings: Mapping[str, Mapping[str, Any]],
    movements: Mapping[str, Mapping[str, Any]],
    sales: Mapping[str, Mapping[str, Any]],
) -> dict[str, list[dict[str, Any]]]:
    """Each listing's movements (by listing id, as stored keys), oldest first: the stored ones, or, for a listing
    stored before movements were recorded, :func:`legacy_movements`. One pass over each table."""
    stored: dict[str, list[dict[str, Any]]] = {}
    for key, movement in movements.items():
        stored.setdefault(str(movement.get("listing_id")), []).append({**movement, "id": int(key)})
    sold: dict[str, list[dict[str, Any]]] = {}
    for key, sale in sales.items():
        lid = str(sale.get("listing_id"))
        if lid not in stored:
            sold.setdefault(lid, []).append({**sale, "id": int(key)})
    return {
        key: sorted(stored[key], key=movement_order) if key in stored else legacy_movements(doc, sold.get(key, []))
        for key, doc in listings.items()
    }


def stocks_on(
    listings: Mapping[str, Mapping[str, Any]],
    movements: Mapping[str, Mapping[str, Any]],
    sales: Mapping[str, Mapping[str, Any]],
    day: str,
) -> dict[str, int]:
    """Each listing's stock at the end of ``day`` (ISO): :func:`stock_total` of its :func:`ledgers` up to that
    day, counted in one pass over each table without building the ledgers (a report over every listing). A
    listing without stored movements had, by :func:`legacy_movements`, nothing before its consignment and its
    stock plus what was sold and returned after the day."""
    moved: dict[Any, int] = {}
    for movement in movements.values():
        lid = movement.get("listing_id")
        quantity = int(movement.get("quantity") or 0) if str(movement.get("date", ""))[:10] <= day else 0
        moved[lid] = moved.get(lid, 0) + quantity
    later: dict[Any, int] = {}
    for sale in sales.values():
        if str(sale.get("date", ""))[:10] > day:
            lid = sale.get("listing_id")
            later[lid] = later.get(lid, 0) + int(sale.get("quantity") or 0)
    stocks: dict[str, int] = {}
    for key, doc in listings.items():
        lid = int(key)
        if lid in moved:
            stocks[key] = moved[lid]
        elif str(doc.get("consigned_on") or "")[:10] > day:
            stocks[key] = 0
        else:
            returned = sum(
                int(r.get("quantity") or 0) for r in doc.get("returns") or [] if str(r.get("date", ""))[:10] > day
            )
            stocks[key] = int(doc.get("stock") or 0) + later.get(lid, 0) + returned
    return stocks
