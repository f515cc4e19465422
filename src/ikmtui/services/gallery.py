"""Gallery use cases: listings, sales, stock movements, payouts; each applies ``ikmtui.domain.gallery`` in ONE
transaction.

The acting staff member is ``db.user``. ``today`` (default: the one clock's day) is the day a status is judged
on and the latest date a sale, a movement or a payment may carry. Errors a staff member can cause are raised as
:class:`ikmtui.domain.records.RecordInvalid` (``.errors``: field -> message, ``"__all__"`` for the listing as a
whole); nothing is written when an error is raised. Overview::

    create_listing(db, data) -> doc             # validated, SKU unique, photos copied in, IKM by id, code or name
    update_listing(db, id, data, expected_version=v) -> doc   # the stock is never typed over
    delete_listing(db, id, expected_version=v)  # refused (RecordReferenced) once it has sales
    record_sale(db, id, quantity=..., date=..., unit_price=None) -> sale doc   # sale + movement + stock, one write
    receive_stock / return_stock / adjust_stock(db, id, ...) -> listing doc    # one movement each
    cancel_sale(db, sale_id, reason=...) -> listing doc   # a supervisor's correction: units given back
    mark_paid(db, ikm_id, year, month, paid_on=..., reference=...)            # a payout statement, paid once
    resolve_ikm / ikm_matches / suggest_sku / form_values
    check_photo / keep_photo / photo_file / open_photo   # photos live in NAME.json.media/, served only from there

Stock is the sum of a listing's stock movements (``stock_movements``: received, sold, returned, adjusted,
cancelled); the listing keeps ``stock``, ``sold`` and ``returned`` in line with them, written in the same
transaction, for the screens and reports that read a listing alone. A listing stored before movements were
recorded gets its movements computed from its stock, sales and returns the first time its stock moves.

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
from ikmtui.domain import permissions
from ikmtui.domain.fields import is_blank, not_after_today, parse_count, parse_date
from ikmtui.domain.gallery import (
    DEFAULT_COMMISSION_PCT,
    DEFAULT_TERM_DAYS,
    GalleryListing,
    Sale,
    StockMovement,
    available_from,
    format_links,
    legacy_movements,
    listing_status,
    movement_order,
    next_sku,
    parse_adjustment,
    parse_photos,
    parse_quantity,
    parse_sku,
    status_label,
    stock_total,
    stored_status,
)
from ikmtui.domain.money import format_number, format_rupiah, parse_rupiah
from ikmtui.domain.records import META_FIELDS, RecordInvalid
from ikmtui.i18n import N_, _, format_date
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
MOVEMENTS = StockMovement.table
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
    """The date typed in ``field`` (blank: today); a date after today is refused, naming today."""
    if is_blank(value):
        return today
    try:
        day = parse_date(value)
    except ValueError as exc:
        errors[field] = str(exc)
        return today
    try:
        not_after_today(day, N_("The date {date} is after today ({today}): it cannot be recorded yet"), today)
    except ValueError as exc:
        errors[field] = str(exc)
    return day


def _not_before_consignment(doc: Mapping[str, Any], day: dt.date, errors: dict[str, str]) -> None:
    consigned = parse_date(doc["consigned_on"])
    if "date" not in errors and day < consigned:
        errors["date"] = _("The date is before the consignment date {date}", date=format_date(consigned))


def _listing_on(
    txn: Transaction,
    listing_id: int,
    expected_version: int | None,
    date: object,
    today: dt.date | None,
    errors: dict[str, str],
) -> tuple[Doc, dt.date]:
    """The listing whose stock moves, and the day typed for the movement (blank: today; refused after today or
    before the consignment date, in ``errors``)."""
    doc = txn.current(LISTINGS, listing_id, expected_version)
    day = _day(date, _today(today), "date", errors)
    _not_before_consignment(doc, day, errors)
    return doc, day


# ---------------------------------------------------------------------------------------------- movements
def _stored_movements(table: Mapping[str, Mapping[str, Any]], listing_id: int) -> list[Doc]:
    return [{**doc, "id": int(key)} for key, doc in table.items() if doc.get("listing_id") == listing_id]


def movements_of(db: Database, listing_id: int) -> list[Doc]:
    """A listing's stock movements, oldest first (for a listing stored before movements were recorded: the
    ones its stock, sales and returns imply, see :func:`ikmtui.domain.gallery.legacy_movements`)."""
    stored = _stored_movements(db.docs(MOVEMENTS), listing_id)
    if stored:
        return sorted(stored, key=movement_order)
    doc = db.get(LISTINGS, listing_id)
    return legacy_movements(doc, _sales_of(db.docs(SALES), listing_id)) if doc else []


def _ledger(txn: Transaction, doc: Doc) -> list[Doc]:
    """The listing's movements in this transaction. A listing stored before movements were recorded gets them
    now, computed from its stock, sales and returns (:func:`legacy_movements`): its stock is kept, not lost. A
    stock figure set since outside the gallery's services (an import with update) is kept too: the difference
    becomes an adjustment dated when the listing was last saved."""
    stored = sorted(_stored_movements(txn.table(MOVEMENTS), doc["id"]), key=movement_order)
    if stored:
        drift = int(doc.get("stock") or 0) - stock_total(stored)
        if drift:
            day = str(doc.get("updated_at") or "")[:10] or str(doc["consigned_on"])[:10]
            why = _("stock figure changed outside the gallery screen (e.g. an import)")
            stored.append(_insert_movement(txn, doc, "adjusted", drift, day, None, why))
        return stored
    opening = legacy_movements(doc, _sales_of(txn.table(SALES), doc["id"]))
    return [
        _insert_movement(txn, doc, m["kind"], m["quantity"], m["date"], m.get("sale_id"), m.get("reason", ""))
        for m in opening
        if m["quantity"]
    ]


def _insert_movement(
    txn: Transaction, doc: Mapping[str, Any], kind: str, quantity: int, day: object, sale_id: int | None, reason: str
) -> Doc:
    movement = StockMovement.parse(
        {
            "listing_id": doc["id"],
            "ikm_id": doc["ikm_id"],
            "date": day,
            "kind": kind,
            "quantity": quantity,
            "sale_id": sale_id,
            "reason": reason,
        }
    )
    return txn.insert(MOVEMENTS, movement.doc(), code_prefix=StockMovement.code_prefix)


def _move(
    txn: Transaction,
    doc: Doc,
    ledger: list[Doc],
    kind: str,
    quantity: int,
    day: dt.date,
    *,
    sale_id: int | None = None,
    reason: str = "",
    extra: Mapping[str, Any] | None = None,
) -> Doc:
    """Record one movement and bring the listing's stock, sold and returned figures (kept on the listing for
    the screens and reports that read them) in line with the sum of its movements."""
    ledger = [*ledger, _insert_movement(txn, doc, kind, quantity, day, sale_id, " ".join(str(reason).split()))]
    stock = stock_total(ledger)
    changes = {
        "stock": stock,
        "sold": -sum(int(m["quantity"]) for m in ledger if m["kind"] in ("sold", "cancelled")),
        "returned": -sum(int(m["quantity"]) for m in ledger if m["kind"] == "returned"),
        "status": stored_status(stock, doc.get("status", "displayed"), returned_last=kind == "returned"),
        **(extra or {}),
    }
    return txn.update(LISTINGS, doc["id"], changes, expected_version=doc.get("version"))


def _units(value: object, field: str, errors: dict[str, str]) -> int:
    try:
        return parse_quantity(value)
    except ValueError as exc:
        errors[field] = str(exc)
        return 0


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


def create_listing(db: Database, data: Mapping[str, Any], *, today: dt.date | None = None) -> Doc:
    """A new listing from form data (:data:`FORM_FIELDS`; ``ikm_id`` may be an id, an IKM code or a name).

    Refused with :class:`RecordInvalid` listing every problem: required fields, a negative price or stock,
    a commission outside 0-100 %, an unknown IKM, a SKU already in use (any case), a photo that is not a picture
    file (missing, too large, the database, another kind of file), a malformed marketplace link, a consignment
    date after today. The stock entered is the first delivery: a ``received`` movement on the consignment date.
    Returns the stored document (with ``id`` and ``code`` GAL-000123).
    """
    now = _today(today)
    with db.transaction() as txn:
        listing = _validated(txn, data, None, db.path)
        if listing.consigned_on > now:
            errors: dict[str, str] = {}
            _day(listing.consigned_on, now, "consigned_on", errors)
            raise RecordInvalid(errors)
        doc = _stock_doc(listing.model_copy(update={"sold": 0, "returned": 0, "returns": []}), "displayed")
        saved = txn.insert(LISTINGS, doc, code_prefix=GalleryListing.code_prefix)
        if listing.stock:
            _insert_movement(txn, saved, "received", listing.stock, listing.consigned_on, None, "")
        return saved


def update_listing(
    db: Database, listing_id: int, data: Mapping[str, Any], *, expected_version: int | None = None
) -> Doc:
    """Change a listing's form fields (same checks as :func:`create_listing`). The stock is not typed over:
    it changes through movements (:func:`receive_stock`, :func:`return_stock`, :func:`adjust_stock`, sales);
    a stock here other than the one on hand is refused. The IKM cannot change once there are sales, nor the
    consignment date move past the first movement. A commission changed here applies to later sales only
    (each sale keeps its own)."""
    with db.transaction() as txn:
        current = txn.current(LISTINGS, listing_id, expected_version)
        errors: dict[str, str] = {}
        if "stock" in data and not is_blank(data["stock"]):
            try:
                typed = parse_count(data["stock"])
            except ValueError as exc:
                errors["stock"] = str(exc)
            else:
                if typed != int(current.get("stock") or 0):
                    errors["stock"] = _(
                        "The stock is not typed over: record a delivery, a return or an adjustment with its reason"
                    )
        try:
            listing = _validated(txn, {**data, "stock": current.get("stock", 0)}, current, db.path)
        except RecordInvalid as exc:
            raise RecordInvalid({**exc.errors, **errors}) from None
        first = min((m["date"] for m in _stored_movements(txn.table(MOVEMENTS), listing_id)), default=None)
        if first is not None and listing.consigned_on.isoformat() > str(first)[:10]:
            errors["consigned_on"] = _(
                "Stock was already received on {date}: the consignment date cannot be later",
                date=format_date(parse_date(first)),
            )
        if errors:
            raise RecordInvalid(errors)
        if listing.ikm_id != current.get("ikm_id"):  # entered for the wrong IKM (no sales yet): its movements follow
            for movement in _stored_movements(txn.table(MOVEMENTS), listing_id):
                txn.update(MOVEMENTS, movement["id"], {"ikm_id": listing.ikm_id})
        return txn.update(
            LISTINGS,
            listing_id,
            _stock_doc(listing, current.get("status", "displayed")),
            expected_version=current.get("version"),
        )


def delete_listing(db: Database, listing_id: int, *, expected_version: int | None = None) -> None:
    """Remove a listing entered by mistake, with its stock movements; refused with :class:`RecordReferenced`
    once it has sales (hand the stock back with :func:`return_stock` instead)."""
    with db.transaction() as txn:
        current = txn.current(LISTINGS, listing_id, expected_version)
        sold = _sales_of(txn.table(SALES), listing_id)
        if sold:
            raise RecordReferenced(current.get("code", ""), {SALES: len(sold)})
        for movement in _stored_movements(txn.table(MOVEMENTS), listing_id):
            txn.delete(MOVEMENTS, movement["id"])
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
    price). The sale, its ``sold`` movement and the listing's stock are written in one transaction (one journal
    line).

    Refused when the listing has no stock on the sale date (or would run short later: a sale recorded late
    cannot take units later sales took), when the consignment term has passed on that date, when the date is
    after today or before the consignment date. The sale keeps the listing's commission % of that moment.
    Returns the sale document.
    """
    errors: dict[str, str] = {}
    with db.transaction() as txn:
        doc, day = _listing_on(txn, listing_id, expected_version, date, today, errors)
        qty = _units(quantity, "quantity", errors)
        price = int(doc.get("price") or 0)
        if not is_blank(unit_price):
            try:
                price = parse_rupiah(unit_price)
            except ValueError as exc:
                errors["unit_price"] = str(exc)
        ledger = _ledger(txn, doc)
        available = available_from(ledger, day.isoformat())
        status = listing_status({**doc, "stock": available}, day)
        if status != "displayed":
            errors["__all__"] = _(
                "{code} is {status} on {date}: it cannot be sold",
                code=doc.get("code", ""),
                status=status_label(status),
                date=format_date(day),
            )
        elif qty > available:
            errors["quantity"] = _(
                "Only {stock} left in stock: {quantity} cannot be sold", stock=available, quantity=qty
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
        saved = txn.insert(SALES, sale.doc(), code_prefix=Sale.code_prefix)
        _move(txn, txn.current(LISTINGS, listing_id), ledger, "sold", -qty, day, sale_id=saved["id"])
        return saved


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
    """Hand ``quantity`` unsold units (default: all on hand) back to the IKM on ``date`` (default today): a
    ``returned`` movement. A listing with nothing left after a return is ``returned``. Returns the listing."""
    errors: dict[str, str] = {}
    with db.transaction() as txn:
        doc, day = _listing_on(txn, listing_id, expected_version, date, today, errors)
        stock = int(doc.get("stock") or 0)
        if stock <= 0:
            raise RecordInvalid({"__all__": _("{code} has no stock left to return", code=doc.get("code", ""))})
        ledger = _ledger(txn, doc)
        available = available_from(ledger, day.isoformat()) if "date" not in errors else stock
        qty = stock if is_blank(quantity) else _units(quantity, "quantity", errors)
        if "quantity" not in errors and qty > available:
            errors["quantity"] = _(
                "Only {stock} left in stock: {quantity} cannot be returned", stock=available, quantity=qty
            )
        if errors:
            raise RecordInvalid(errors)
        note = " ".join(str(note or "").split())
        entry = {"date": day.isoformat(), "quantity": qty, "note": note, "by": db.user}
        extra = {"returns": [*(doc.get("returns") or []), entry]}
        return _move(txn, txn.current(LISTINGS, listing_id), ledger, "returned", -qty, day, reason=note, extra=extra)


def receive_stock(
    db: Database,
    listing_id: int,
    *,
    quantity: object,
    date: object = None,
    note: str = "",
    today: dt.date | None = None,
    expected_version: int | None = None,
) -> Doc:
    """A new delivery from the IKM: ``quantity`` units received on ``date`` (default today), added to the stock
    as a ``received`` movement (never typed over it); a sold-out or returned listing is displayed again.
    Returns the listing."""
    errors: dict[str, str] = {}
    with db.transaction() as txn:
        doc, day = _listing_on(txn, listing_id, expected_version, date, today, errors)
        qty = _units(quantity, "quantity", errors)
        if errors:
            raise RecordInvalid(errors)
        ledger = _ledger(txn, doc)
        return _move(txn, txn.current(LISTINGS, listing_id), ledger, "received", qty, day, reason=note)


def adjust_stock(
    db: Database,
    listing_id: int,
    *,
    change: object,
    reason: str,
    date: object = None,
    today: dt.date | None = None,
    expected_version: int | None = None,
) -> Doc:
    """Correct the stock after a count (``+3``: found, ``-2``: damaged or lost) on ``date``: an ``adjusted``
    movement with its reason (required). The stock never goes below zero, then or later. Returns the listing."""
    errors: dict[str, str] = {}
    with db.transaction() as txn:
        doc, day = _listing_on(txn, listing_id, expected_version, date, today, errors)
        try:
            units = parse_adjustment(change)
        except ValueError as exc:
            errors["change"] = str(exc)
            units = 0
        if is_blank(reason):
            errors["reason"] = _("Give a reason: it is kept in the history")
        ledger = _ledger(txn, doc)
        if units < 0 and "date" not in errors and -units > available_from(ledger, day.isoformat()):
            errors["change"] = _(
                "Only {stock} left in stock: {quantity} cannot be taken off",
                stock=available_from(ledger, day.isoformat()),
                quantity=-units,
            )
        if errors:
            raise RecordInvalid(errors)
        return _move(txn, txn.current(LISTINGS, listing_id), ledger, "adjusted", units, day, reason=reason)


def cancel_sale(db: Database, sale_id: int, *, reason: str = "", expected_version: int | None = None) -> Doc:
    """Cancel a sale entered by mistake (a supervisor's correction, ``records.correct``): the sale is removed,
    a ``cancelled`` movement dated as the sale gives its units back (the ``sold`` one stays: the history keeps
    the mistake and its correction), and the audit log keeps the reason. A sale already paid out to the IKM
    cannot be cancelled. Returns the listing."""
    with db.transaction() as txn:
        permissions.require(txn.table("staff"), db.user, "records.correct")
        sale = txn.current(SALES, sale_id, expected_version)
        paid = sale.get("payout") or {}
        if paid:
            raise RecordInvalid(
                {
                    "__all__": _(
                        "{code} was paid out to the IKM on {date} ({reference}): it cannot be cancelled",
                        code=sale.get("code", ""),
                        date=format_date(parse_date(paid.get("paid_on"))),
                        reference=paid.get("reference", ""),
                    )
                }
            )
        doc = txn.current(LISTINGS, int(sale["listing_id"]))
        ledger = _ledger(txn, doc)
        why = " ".join(str(reason or "").split())
        txn.delete(SALES, sale_id, reason=why)
        txn.log("cancel", SALES, sale_id, str(sale.get("code", "")), detail=why)
        qty = int(sale.get("quantity") or 0)
        day = parse_date(sale["date"])
        return _move(txn, txn.current(LISTINGS, doc["id"]), ledger, "cancelled", qty, day, sale_id=sale_id, reason=why)


# ---------------------------------------------------------------------------------------------- payouts
def unpaid_sales(db: Database, ikm_id: int, year: int, month: int) -> list[Doc]:
    """The IKM's sales dated in the month that no payout has paid yet."""
    prefix = f"{year:04d}-{month:02d}"
    return [
        {**sale, "id": int(key)}
        for key, sale in db.docs(SALES).items()
        if sale.get("ikm_id") == ikm_id and str(sale.get("date", "")).startswith(prefix) and not sale.get("payout")
    ]


def mark_paid(
    db: Database,
    ikm_id: int,
    year: int,
    month: int,
    *,
    paid_on: object,
    reference: str,
    today: dt.date | None = None,
) -> list[Doc]:
    """Mark the payout statement of the IKM for the month paid: every sale of it not yet paid gets the payment
    (date, transfer reference, officer) in one transaction. Refused when everything in it is paid already (a
    statement is paid once; a sale recorded later for that month is paid by a payout of its own), when there is
    nothing to pay, for a date after today or before the last sale it pays. Returns the sales it paid."""
    now = _today(today)
    errors: dict[str, str] = {}
    day = _day(paid_on, now, "paid_on", errors)
    ref = " ".join(str(reference or "").split())
    if not ref:
        errors["reference"] = _("Give the transfer reference (e.g. the bank's transaction number)")
    with db.transaction() as txn:
        prefix = f"{year:04d}-{month:02d}"
        lines = [
            {**sale, "id": int(key)}
            for key, sale in txn.table(SALES).items()
            if sale.get("ikm_id") == ikm_id and str(sale.get("date", "")).startswith(prefix)
        ]
        unpaid = [sale for sale in lines if not sale.get("payout")]
        if not unpaid:
            paid = [sale["payout"] for sale in lines if sale.get("payout")]
            if paid:
                last = max(paid, key=lambda p: str(p.get("paid_on")))
                errors["__all__"] = _(
                    "This statement was paid already on {date} ({reference}, by {officer})",
                    date=format_date(parse_date(last.get("paid_on"))),
                    reference=last.get("reference", ""),
                    officer=last.get("by", ""),
                )
            else:
                errors["__all__"] = _("No sales in this month: nothing is due.")
        latest = max((str(sale.get("date")) for sale in unpaid), default="")
        if latest and "paid_on" not in errors and day.isoformat() < latest:
            errors["paid_on"] = _(
                "The payment cannot be before the last sale it pays ({date})", date=format_date(parse_date(latest))
            )
        if errors:
            raise RecordInvalid(errors)
        payout = {"paid_on": day.isoformat(), "reference": ref, "by": db.user, "at": txn.ts}
        return [txn.update(SALES, sale["id"], {"payout": payout}) for sale in unpaid]


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
