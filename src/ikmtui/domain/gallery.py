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
from collections.abc import Mapping
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


def parse_links(value: object) -> list[dict[str, str]]:
    """Marketplace links, one per ``;`` or line: ``Shopee https://shopee.co.id/...; Tokopedia https://...``."""
    if is_blank(value):
        return []
    items = list(value) if isinstance(value, list | tuple) else re.split(r"[;\n]", str(value))
    links: list[dict[str, str]] = []
    for item in items:
        if not isinstance(item, Mapping) and is_blank(item):
            continue
        link = parse_link(item)
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
    consigned_on: Day
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
