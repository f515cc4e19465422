"""Gallery: product listings on consignment in the showroom and on marketplaces, and their sales."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import BeforeValidator

from ikmtui.domain.fields import Count, Day, OptionalText, Percent, RequiredText, Rupiah, parse_choice
from ikmtui.domain.records import Record

LISTING_STATUSES = ("displayed", "sold_out", "returned", "expired")
CATEGORIES = ("batik", "fashion", "food", "handicraft", "furniture", "accessories", "souvenir")
BADGES = ("Halal", "SNI", "P-IRT", "HKI")
MARKETPLACES = ("Tokopedia", "Shopee", "Bukalapak", "Lazada", "Blibli", "TikTok Shop")


class GalleryListing(Record):
    table: ClassVar[str] = "gallery_listings"
    code_prefix: ClassVar[str] = "GAL"

    ikm_id: int
    product_name: RequiredText
    sku: RequiredText
    category: Annotated[str, BeforeValidator(parse_choice(CATEGORIES))]
    price: Rupiah
    stock: Count
    photos: list[str] = []
    consigned_on: Day
    term_days: Count = 90
    commission_pct: Percent = 10.0
    status: Annotated[str, BeforeValidator(parse_choice(LISTING_STATUSES))] = "displayed"
    #: ``{"marketplace": "Shopee", "url": "https://..."}``
    marketplace_links: list[dict[str, Any]] = []
    badges: list[str] = []
    sold: Count = 0
    returned: Count = 0


class Sale(Record):
    table: ClassVar[str] = "sales"
    code_prefix: ClassVar[str] = "JUL"

    listing_id: int
    ikm_id: int
    date: Day
    quantity: Count
    unit_price: Rupiah
    commission_pct: Percent = 10.0
    note: OptionalText = ""
