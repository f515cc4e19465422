"""Gallery use cases: listings, sales, returns; each applies ``ikmtui.domain.gallery`` in ONE transaction.

The acting staff member is ``db.user``. ``today`` (default: the computer's date) is the day a status is judged
on and the latest date a sale or a return may carry. Errors a staff member can cause are raised as
:class:`ikmtui.domain.records.RecordInvalid` (``.errors``: field -> message, ``"__all__"`` for the listing as a
whole); nothing is written when an error is raised. Overview::

    create_listing(db, data) -> doc             # validated, SKU unique, photos copied in, IKM by id, code or name
    update_listing(db, id, data, expected_version=v) -> doc
    delete_listing(db, id, expected_version=v)  # refused (RecordReferenced) once it has sales
    record_sale(db, id, quantity=..., date=..., unit_price=None) -> sale doc   # sale + stock in one write
    return_stock(db, id, quantity=None, date=...) -> listing doc               # None: everything left
    cancel_sale(db, sale_id) -> listing doc     # a sale entered by mistake: removed, stock put back
    resolve_ikm / ikm_matches / suggest_sku / form_values
    check_photo / keep_photo / photo_file / open_photo   # photos live in NAME.json.media/, served only from there

A listing's photos are names in the media folder beside the database (``paths.media_dir``): a picture named on
the form is checked (a .jpg/.jpeg/.png/.webp/.gif of at most 10 MB whose content is a picture, never the
database) and copied in when the listing is saved; opening a photo serves only a file inside that folder. The
check and the copy are ``ikmtui.io.media``'s, the same for a sheet imported by ``ikmtui.io.importer``.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ikmtui import clock
from ikmtui.domain.fields import is_blank, parse_date
from ikmtui.domain.gallery import (
    DEFAULT_COMMISSION_PCT,
    DEFAULT_TERM_DAYS,
    GalleryListing,
    Sale,
    format_links,
    listing_status,
    next_sku,
    parse_photos,
    parse_quantity,
    parse_sku,
    status_label,
    stored_status,
)
from ikmtui.domain.money import format_number, format_rupiah, parse_rupiah
from ikmtui.domain.records import META_FIELDS, RecordInvalid
from ikmtui.i18n import _, format_date
from ikmtui.io.guard import FileRefused
from ikmtui.io.media import MAX_PHOTO_BYTES as MAX_PHOTO_BYTES
from ikmtui.io.media import PHOTO_SUFFIXES as PHOTO_SUFFIXES
from ikmtui.io.media import Photo as Photo
from ikmtui.io.media import check_photo as check_photo
from ikmtui.io.media import keep_photo as keep_photo
from ikmtui.io.media import media_name as media_name
from ikmtui.io.media import photo_file as photo_file
from ikmtui.io.media import take_photos
from ikmtui.storage import Database, RecordReferenced, Transaction

LISTINGS = GalleryListing.table
SALES = Sale.table
#: What staff enter on the listing form; stock movements (sold, returned, returns) only change through
#: sales and returns.
FORM_FIELDS = (
    "product_name",
    "ikm_id",
    "category",
    "sku",
    "price",
    "stock",
    "consigned_on",
    "term_days",
    "commission_pct",
    "photos",
    "marketplace_links",
    "badges",
)
_REQUIRED_SCALARS = ("category", "price", "stock", "consigned_on", "term_days", "commission_pct")

Doc = dict[str, Any]


# ---------------------------------------------------------------------------------------------- IKM lookup
def _ikm_label(key: str, doc: Mapping[str, Any]) -> str:
    return f"{doc.get('name', '')} ({doc.get('code') or key})"


#: The IKM table last searched and its search keys: committed tables are replaced, never changed in place, so
#: the same mapping object means the same content (the reference kept here also keeps its id from being reused).
_SEARCH_INDEX: list[Any] = [None, []]


def _search_index(ikm: Mapping[str, Mapping[str, Any]]) -> list[tuple[str, str, str, Mapping[str, Any]]]:
    if _SEARCH_INDEX[0] is not ikm:
        _SEARCH_INDEX[1] = [
            (key, str(doc.get("name", "")).casefold(), str(doc.get("code", "")).casefold(), doc)
            for key, doc in ikm.items()
        ]
        _SEARCH_INDEX[0] = ikm
    return _SEARCH_INDEX[1]  # type: ignore[no-any-return]


def ikm_matches(ikm: Mapping[str, Mapping[str, Any]], text: str, limit: int = 5) -> list[tuple[int, str]]:
    """IKM whose code or name is ``text``, else whose name contains it: ``[(id, "Name (IKM-000012)")]``, at most
    ``limit`` (any case). Fast enough per keystroke at 100,000 IKM (the search keys are built once per table)."""
    wanted = " ".join(str(text).split()).casefold()
    if not wanted:
        return []
    exact: list[tuple[int, str]] = []
    partial: list[tuple[int, str]] = []
    for key, name, code, doc in _search_index(ikm):
        if code == wanted or name == wanted:
            exact.append((int(key), _ikm_label(key, doc)))
        elif len(partial) < limit and wanted in name:
            partial.append((int(key), _ikm_label(key, doc)))
    return (exact or partial)[:limit]


def resolve_ikm(ikm: Mapping[str, Mapping[str, Any]], value: object) -> int:
    """The id of the IKM given by id (a number), code (``IKM-000012``) or a name that only one IKM matches."""
    if isinstance(value, int) and not isinstance(value, bool):
        if str(value) in ikm:
            return value
        raise ValueError(_("There is no IKM with id {id}", id=value))
    text = " ".join(str(value or "").split())
    if not text:
        raise ValueError(_("This field is required"))
    if text.isdigit():
        if text in ikm:
            return int(text)
        raise ValueError(_("There is no IKM with id {id}", id=text))
    found = ikm_matches(ikm, text, limit=5)
    if len(found) == 1:
        return found[0][0]
    if not found:
        raise ValueError(_("No IKM matches '{text}': type its code (IKM-000012) or part of its name", text=text))
    raise ValueError(_("Several IKM match '{text}': type more of the name, or the code", text=text))


def ikm_code(db: Database, ikm_id: int | None) -> str:
    doc = db.docs("ikm").get(str(ikm_id)) if ikm_id is not None else None
    return str(doc.get("code") or ikm_id) if doc else ""


# ---------------------------------------------------------------------------------------------- helpers
def _today(today: dt.date | None) -> dt.date:
    return today or clock.today()


def suggest_sku(db: Database, category: str | None) -> str:
    """A free SKU for ``category`` (``SKG-BAT-00012``)."""
    return next_sku([d.get("sku", "") for d in db.docs(LISTINGS).values()], category or "")


def _sku_owner(txn: Transaction, sku: str, exclude: int | None) -> Doc | None:
    for key, doc in txn.table(LISTINGS).items():
        if str(doc.get("sku", "")).upper() == sku and int(key) != exclude:
            return {**doc, "id": int(key)}
    return None


def _sales_of(table: Mapping[str, Mapping[str, Any]], listing_id: int) -> list[Doc]:
    return [{**doc, "id": int(key)} for key, doc in table.items() if doc.get("listing_id") == listing_id]


def sales_of(db: Database, listing_id: int) -> list[Doc]:
    """The sales of a listing, oldest first."""
    return sorted(_sales_of(db.docs(SALES), listing_id), key=lambda d: (str(d.get("date")), d["id"]))


def _validated(txn: Transaction, data: Mapping[str, Any], current: Doc | None, db_path: Path) -> GalleryListing:
    """The listing ``current`` (None: a new one) with the form ``data`` applied, or every problem at once; new
    photos are copied into the media folder beside ``db_path``."""
    errors: dict[str, str] = {}
    form = {k: v for k, v in data.items() if k in FORM_FIELDS}
    merged: dict[str, Any] = {k: v for k, v in (current or {}).items() if k not in META_FIELDS}
    merged.update(form)
    for name in _REQUIRED_SCALARS:
        if name in merged and is_blank(merged[name]):
            errors[name] = _("This field is required")
    try:
        merged["ikm_id"] = resolve_ikm(txn.table("ikm"), merged.get("ikm_id"))
    except ValueError as exc:
        errors["ikm_id"] = str(exc)
        merged["ikm_id"] = 0
    if (
        current is not None
        and merged["ikm_id"] != current.get("ikm_id")
        and "ikm_id" not in errors
        and _sales_of(txn.table(SALES), current["id"])
    ):
        errors["ikm_id"] = _("This listing has sales: its IKM cannot be changed (payouts go to the maker)")
    try:
        sku = parse_sku(merged.get("sku"))
        owner = _sku_owner(txn, sku, current["id"] if current else None)
        if owner is not None:
            errors.setdefault(
                "sku",
                _(
                    "SKU {sku} is already used by {code} ({product})",
                    sku=sku,
                    code=owner.get("code", ""),
                    product=owner.get("product_name", ""),
                ),
            )
    except ValueError:
        pass  # reported by the model below
    new_photos: list[Photo] = []
    try:
        known = set((current or {}).get("photos") or [])
        merged["photos"], new_photos = _photos(db_path, parse_photos(merged.get("photos")), known, errors)
    except ValueError:
        pass
    listing: GalleryListing | None = None
    try:
        listing = GalleryListing.parse({k: v for k, v in merged.items() if k not in errors})
    except RecordInvalid as exc:
        for name, message in exc.errors.items():
            errors.setdefault(name, message)
    if errors or listing is None:
        raise RecordInvalid(errors)
    try:
        for photo in new_photos:  # copied only once everything else is right
            keep_photo(db_path, photo)
    except FileRefused as exc:  # swapped for another file since it was checked
        raise RecordInvalid({"photos": str(exc)}) from None
    return listing


def _stock_doc(listing: GalleryListing, previous_status: str, *, returned_last: bool = False) -> Doc:
    doc = listing.doc()
    doc["status"] = stored_status(listing.stock, previous_status, returned_last=returned_last)
    return doc


def _day(value: object, today: dt.date, field: str, errors: dict[str, str]) -> dt.date:
    if is_blank(value):
        return today
    try:
        day = parse_date(value)
    except ValueError as exc:
        errors[field] = str(exc)
        return today
    if day > today:
        errors[field] = _("The date {date} is in the future", date=format_date(day))
    return day


# ---------------------------------------------------------------------------------------------- listings
def new_listing_values(db: Database, *, today: dt.date | None = None, ikm_id: int | None = None) -> dict[str, Any]:
    """What the add form starts with: today's consignment, the usual term and commission."""
    return {
        "consigned_on": _today(today).strftime("%d/%m/%Y"),
        "term_days": str(DEFAULT_TERM_DAYS),
        "commission_pct": _percent_text(DEFAULT_COMMISSION_PCT),
        "stock": "",
        "price": "",
        "ikm_id": ikm_code(db, ikm_id) if ikm_id else "",
        "badges": [],
    }


def _percent_text(pct: float) -> str:
    return (f"{pct:.4f}".rstrip("0").rstrip(".")).replace(".", ",")


def form_values(db: Database, doc: Mapping[str, Any]) -> dict[str, Any]:
    """A stored listing as the edit form shows it (what the form returns parses back to the same listing)."""
    consigned = doc.get("consigned_on")
    return {
        "product_name": doc.get("product_name", ""),
        "ikm_id": ikm_code(db, doc.get("ikm_id")),
        "category": doc.get("category"),
        "sku": doc.get("sku", ""),
        "price": format_number(int(doc.get("price") or 0)),
        "stock": str(doc.get("stock", 0)),
        "consigned_on": parse_date(consigned).strftime("%d/%m/%Y") if consigned else "",
        "term_days": str(doc.get("term_days", DEFAULT_TERM_DAYS)),
        "commission_pct": _percent_text(float(doc.get("commission_pct", DEFAULT_COMMISSION_PCT))),
        "photos": "; ".join(doc.get("photos") or []),
        "marketplace_links": format_links(doc.get("marketplace_links") or []),
        "badges": list(doc.get("badges") or []),
    }


def create_listing(db: Database, data: Mapping[str, Any]) -> Doc:
    """A new listing from form data (:data:`FORM_FIELDS`; ``ikm_id`` may be an id, an IKM code or a name).

    Refused with :class:`RecordInvalid` listing every problem: required fields, a negative price or stock,
    a commission outside 0-100 %, an unknown IKM, a SKU already in use (any case), a photo that is not a picture
    file (missing, too large, the database, another kind of file), a malformed marketplace link. Returns the
    stored document (with ``id`` and ``code`` GAL-000123).
    """
    with db.transaction() as txn:
        listing = _validated(txn, data, None, db.path)
        doc = _stock_doc(listing.model_copy(update={"sold": 0, "returned": 0, "returns": []}), "displayed")
        return txn.insert(LISTINGS, doc, code_prefix=GalleryListing.code_prefix)


def update_listing(
    db: Database, listing_id: int, data: Mapping[str, Any], *, expected_version: int | None = None
) -> Doc:
    """Change a listing's form fields (same checks as :func:`create_listing`). Stock entered here is the stock
    on hand (a new delivery, a count); a listing with stock again is displayed again. The IKM cannot change
    once there are sales. A commission changed here applies to later sales only (each sale keeps its own)."""
    with db.transaction() as txn:
        current = txn.current(LISTINGS, listing_id, expected_version)
        listing = _validated(txn, data, current, db.path)
        return txn.update(
            LISTINGS,
            listing_id,
            _stock_doc(listing, current.get("status", "displayed")),
            expected_version=current.get("version"),
        )


def delete_listing(db: Database, listing_id: int, *, expected_version: int | None = None) -> None:
    """Remove a listing entered by mistake; refused with :class:`RecordReferenced` once it has sales
    (hand the stock back with :func:`return_stock` instead)."""
    with db.transaction() as txn:
        current = txn.current(LISTINGS, listing_id, expected_version)
        sold = _sales_of(txn.table(SALES), listing_id)
        if sold:
            raise RecordReferenced(current.get("code", ""), {SALES: len(sold)})
        txn.delete(LISTINGS, listing_id, expected_version=current.get("version"))


# ---------------------------------------------------------------------------------------------- stock
def record_sale(
    db: Database,
    listing_id: int,
    *,
    quantity: object,
    date: object = None,
    unit_price: object = None,
    note: str = "",
    today: dt.date | None = None,
    expected_version: int | None = None,
) -> Doc:
    """Record a sale of ``quantity`` units on ``date`` (default today) at ``unit_price`` (default the listing
    price). The sale is inserted and the listing's stock lowered in the same transaction (one journal line).

    Refused when the listing is not displayed on the sale date (sold out, returned, or past its consignment
    term), when the quantity is more than the stock on hand, when the date is in the future or before the
    consignment date. The sale keeps the listing's commission % of that moment. Returns the sale document.
    """
    now = _today(today)
    errors: dict[str, str] = {}
    with db.transaction() as txn:
        doc = txn.current(LISTINGS, listing_id, expected_version)
        day = _day(date, now, "date", errors)
        try:
            qty = parse_quantity(quantity)
        except ValueError as exc:
            errors["quantity"] = str(exc)
            qty = 0
        price = int(doc.get("price") or 0)
        if not is_blank(unit_price):
            try:
                price = parse_rupiah(unit_price)
            except ValueError as exc:
                errors["unit_price"] = str(exc)
        consigned = parse_date(doc["consigned_on"])
        if "date" not in errors and day < consigned:
            errors["date"] = _("The date is before the consignment date {date}", date=format_date(consigned))
        status = listing_status(doc, day)
        if status != "displayed":
            errors["__all__"] = _(
                "{code} is {status} on {date}: it cannot be sold",
                code=doc.get("code", ""),
                status=status_label(status),
                date=format_date(day),
            )
        elif qty > int(doc.get("stock") or 0):
            errors["quantity"] = _(
                "Only {stock} left in stock: {quantity} cannot be sold", stock=int(doc.get("stock") or 0), quantity=qty
            )
        if errors:
            raise RecordInvalid(errors)
        sale = Sale.parse(
            {
                "listing_id": listing_id,
                "ikm_id": doc["ikm_id"],
                "date": day,
                "quantity": qty,
                "unit_price": price,
                "commission_pct": doc.get("commission_pct", DEFAULT_COMMISSION_PCT),
                "note": note,
            }
        )
        stock = int(doc["stock"]) - qty
        txn.update(
            LISTINGS,
            listing_id,
            {
                "stock": stock,
                "sold": int(doc.get("sold") or 0) + qty,
                "status": stored_status(stock, doc.get("status", "displayed")),
            },
            expected_version=doc.get("version"),
        )
        return txn.insert(SALES, sale.doc(), code_prefix=Sale.code_prefix)


def return_stock(
    db: Database,
    listing_id: int,
    *,
    quantity: object = None,
    date: object = None,
    note: str = "",
    today: dt.date | None = None,
    expected_version: int | None = None,
) -> Doc:
    """Hand ``quantity`` unsold units (default: all on hand) back to the IKM on ``date`` (default today).
    A listing with nothing left after a return is ``returned``. Returns the listing document."""
    now = _today(today)
    errors: dict[str, str] = {}
    with db.transaction() as txn:
        doc = txn.current(LISTINGS, listing_id, expected_version)
        stock = int(doc.get("stock") or 0)
        day = _day(date, now, "date", errors)
        if stock <= 0:
            raise RecordInvalid({"__all__": _("{code} has no stock left to return", code=doc.get("code", ""))})
        qty = stock
        if not is_blank(quantity):
            try:
                qty = parse_quantity(quantity)
            except ValueError as exc:
                errors["quantity"] = str(exc)
            if "quantity" not in errors and qty > stock:
                errors["quantity"] = _(
                    "Only {stock} left in stock: {quantity} cannot be returned", stock=stock, quantity=qty
                )
        consigned = parse_date(doc["consigned_on"])
        if "date" not in errors and day < consigned:
            errors["date"] = _("The date is before the consignment date {date}", date=format_date(consigned))
        if errors:
            raise RecordInvalid(errors)
        left = stock - qty
        entry = {"date": day.isoformat(), "quantity": qty, "note": " ".join(str(note or "").split()), "by": db.user}
        return txn.update(
            LISTINGS,
            listing_id,
            {
                "stock": left,
                "returned": int(doc.get("returned") or 0) + qty,
                "returns": [*(doc.get("returns") or []), entry],
                "status": stored_status(left, doc.get("status", "displayed"), returned_last=True),
            },
            expected_version=doc.get("version"),
        )


def cancel_sale(db: Database, sale_id: int, *, expected_version: int | None = None) -> Doc:
    """Remove a sale entered by mistake and put its units back in stock, in one transaction."""
    with db.transaction() as txn:
        sale = txn.current(SALES, sale_id, expected_version)
        doc = txn.current(LISTINGS, int(sale["listing_id"]), None)
        qty = int(sale.get("quantity") or 0)
        stock = int(doc.get("stock") or 0) + qty
        txn.delete(SALES, sale_id)
        return txn.update(
            LISTINGS,
            doc["id"],
            {
                "stock": stock,
                "sold": max(0, int(doc.get("sold") or 0) - qty),
                "status": stored_status(stock, doc.get("status", "displayed")),
            },
            expected_version=doc.get("version"),
        )


# ---------------------------------------------------------------------------------------------- photos
# The check and the copy live in ``io.media`` (imported above under their old names), shared with the import.


def _photos(
    db_path: Path, entries: list[str], known: set[str], errors: dict[str, str]
) -> tuple[list[str], list[Photo]]:
    """The names a listing stores for the photos typed on its form, and the pictures to copy in once it is saved
    (:func:`ikmtui.io.media.take_photos`, as the import does); a refused photo is the field's error."""
    names, new, error = take_photos(db_path, entries, known=known)
    if error is not None:
        errors.setdefault("photos", error)
    return names, new


def photo_viewer() -> list[str] | None:
    """The command that opens a file in the system viewer, if this computer has one on its PATH."""
    for name in ("xdg-open", "open"):
        found = shutil.which(name)
        if found:
            return [found]
    return None


def open_photo(db_path: str | os.PathLike[str], name: str) -> tuple[bool, str]:
    """Open the listing photo ``name`` from the media folder in the system picture viewer (without waiting);
    returns (opened, message for staff). Nothing outside the media folder is opened."""
    try:
        path = str(photo_file(db_path, name))
    except FileRefused as exc:
        return False, str(exc)
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        try:
            os.startfile(path)  # type: ignore[attr-defined]
        except OSError as exc:
            return False, _("The photo could not be opened ({error}): it is at {path}", error=exc, path=path)
        return True, _("Opening {path}", path=path)
    command = photo_viewer()
    if command is None:
        return False, _(
            "No picture viewer found on this computer (xdg-open or open): the photo is at {path}", path=path
        )
    try:
        subprocess.Popen(
            [*command, path],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as exc:
        return False, _("The photo could not be opened ({error}): it is at {path}", error=exc, path=path)
    return True, _("Opening {path}", path=path)


def describe_stock(doc: Mapping[str, Any]) -> str:
    """One line for dialogs: ``GAL-000012 Batik tulis · stock 12 · Rp 150.000``."""
    return (
        f"{doc.get('code', '')} {doc.get('product_name', '')} · "
        + _("stock {stock}", stock=int(doc.get("stock") or 0))
        + f" · {format_rupiah(int(doc.get('price') or 0))}"
    )
