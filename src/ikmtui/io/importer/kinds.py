"""How rows of each kind (IKM, clusters, credit applications, gallery listings) become records."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ikmtui.domain.credit import (
    ACTIVE_STATE,
    DEFAULT_PRODUCT,
    DOCUMENTS,
    PENDING_STATES,
    PRODUCTS,
    CreditApplication,
    CreditProduct,
    apply_product_terms,
    history_entry,
    product_errors,
)
from ikmtui.domain.fields import not_after_today, parse_count, parse_date
from ikmtui.domain.gallery import GalleryListing, parse_photos
from ikmtui.domain.identifiers import clean_nib, digits_only
from ikmtui.domain.ikm import Cluster, Ikm, suggest_scale
from ikmtui.domain.money import parse_rupiah
from ikmtui.domain.records import META_FIELDS, Record, RecordInvalid
from ikmtui.i18n import _, ngettext
from ikmtui.io import columns as cols
from ikmtui.io import media
from ikmtui.io.importer.headers import Source
from ikmtui.io.importer.report import Planned, RowInvalid
from ikmtui.io.importer.values import Doc, Tables, _identifier, is_blank, nik_as_number, prepare
from ikmtui.storage import Transaction


def _meta_free(doc: Mapping[str, Any]) -> Doc:
    return {k: v for k, v in doc.items() if k not in META_FIELDS}


def _ikm_index(tables: Tables) -> tuple[dict[str, int], dict[str, int]]:
    by_nib: dict[str, int] = {}
    by_code: dict[str, int] = {}
    for key, doc in tables("ikm").items():
        if doc.get("nib"):
            by_nib.setdefault(str(doc["nib"]), int(key))
        if doc.get("code"):
            by_code[str(doc["code"]).upper()] = int(key)
    return by_nib, by_code


def _name_key(value: object) -> str:
    return " ".join(str(value).split()).casefold()


@dataclass(frozen=True)
class NameOwner:
    """The key of an IKM row without NIB: the same name and owner (any case or spacing) is the same business."""

    name: str
    owner: str


class _Kind:
    """How rows of one kind become records; built once per plan with indexes of what is stored."""

    kind = ""
    model: type[Record] = Record
    key_field = ""  # the column holding the key (for duplicate messages)
    #: model field -> the sheet fields an error of it is shown on (first present wins)
    error_columns: dict[str, tuple[str, ...]] = {}
    tables_used: tuple[str, ...] = ()

    def __init__(
        self, tables: Tables, source: Source, *, update: bool, user: str, today: date, db_path: Path | None = None
    ) -> None:
        self.tables = tables
        self.source = source
        self.db_path = db_path  # the database written to: gallery photos are checked against it and copied beside it
        self.update = update
        self.user = user
        self.today = today
        self.number = 0  # the row being planned
        self.marks: dict[str, set[int]] = defaultdict(set)  # note -> rows it applies to
        self.model_fields = frozenset(self.model.model_fields) - META_FIELDS

    def mark(self, note: str) -> None:
        self.marks[note].add(self.number)

    @property
    def table(self) -> str:
        return self.model.table

    def model_data(self, values: Mapping[str, Any]) -> tuple[Doc, dict[str, str]]:
        """Prepared cells of the model's own fields, and the cells that could not even be tidied."""
        data: Doc = {}
        errors: dict[str, str] = {}
        for name, value in values.items():
            if name not in self.model_fields:
                continue
            try:
                data[name] = prepare(name, value, self.kind)
            except ValueError as exc:
                errors[name] = str(exc)
        return data, errors

    def key(self, values: Mapping[str, Any]) -> Hashable | None:
        return None

    def existing(self, key: Hashable) -> tuple[int, Doc] | None:
        return None

    def duplicate_message(self, key: Hashable, record_id: int, doc: Doc) -> str:
        return _(
            "Already in the database as {code} {name}: import with update (--update) to change it",
            code=doc.get("code", ""),
            name=doc.get("name", ""),
        )

    def row(self, number: int, values: Mapping[str, Any]) -> Planned:
        raise NotImplementedError

    @classmethod
    def after_write(cls, txn: Transaction, docs: list[Doc]) -> None:
        """What follows from the rows written, in the same transaction (nothing for most kinds)."""

    def validate(self, data: Doc, errors: dict[str, str]) -> Record:
        """The record model's validation (the form's), with this row's own errors added."""
        try:
            record = self.model.parse({k: v for k, v in data.items() if k not in errors})
        except RecordInvalid as exc:
            raise RowInvalid({**exc.errors, **errors}) from None
        if errors:
            raise RowInvalid(errors)
        return record

    def keyed(
        self,
        number: int,
        values: Mapping[str, Any],
        data: Doc,
        errors: dict[str, str],
        finish: Callable[[Record], Doc] = lambda r: r.doc(),
    ) -> Planned:
        """Insert, update or duplicate, for kinds identified by a key."""
        key = self.key(values)
        found = self.existing(key) if key is not None else None
        if found is not None and self.update:
            record_id, current = found
            merged = {**_meta_free(current), **self.merge_extra(current, data)}
            doc = finish(self.validate(merged, errors))
            changes = {k: v for k, v in doc.items() if current.get(k) != v}
            return Planned(number, "update" if changes else "unchanged", changes, record_id, current.get("version"))
        doc = finish(self.validate(self.new_extra(data), errors))
        if found is not None:
            column = "name" if isinstance(key, NameOwner) else self.key_field
            raise RowInvalid({column: self.duplicate_message(key, *found)}, duplicate=True)
        return Planned(number, "insert", doc)

    def merge_extra(self, current: Doc, data: Doc) -> Doc:
        return data

    def new_extra(self, data: Doc) -> Doc:
        return data

    def notes(self, planned: Mapping[int, Planned]) -> list[str]:
        return []

    def marked(self, note: str, planned: Mapping[int, Planned]) -> int:
        """How many of the rows that will be written got ``note``."""
        return len(self.marked_rows(note, planned))

    def marked_rows(self, note: str, planned: Mapping[int, Planned]) -> list[int]:
        """The rows that will be written and got ``note``, in order."""
        return sorted(number for number in self.marks.get(note, ()) if number in planned)


class _IkmKind(_Kind):
    kind = "ikm"
    model = Ikm
    key_field = "nib"
    tables_used = ("ikm", "clusters")
    error_columns = {
        "workers_male": ("workers_male", "workers_total"),
        "workers_female": ("workers_female", "workers_total"),
        "turnover": ("turnover", "turnover_monthly"),
        "cluster_ids": ("clusters",),
        "year_founded": ("year_founded", "founded_on"),
    }

    def __init__(self, tables: Tables, source: Source, **kwargs: Any) -> None:
        super().__init__(tables, source, **kwargs)
        self.by_nib, _by_code = _ikm_index(tables)
        self.ikm = tables("ikm")
        self.by_name_owner: dict[NameOwner, int] = {}  # for rows without NIB (built on the first such row)
        self.clusters: dict[str, int] = {}
        short: dict[str, list[int]] = defaultdict(list)
        for key, doc in tables("clusters").items():
            self.clusters[_name_key(doc.get("name", ""))] = int(key)
            if doc.get("code"):
                self.clusters[str(doc["code"]).casefold()] = int(key)
            short[_short_cluster(doc.get("name", ""))].append(int(key))
        self.short_clusters = {name: ids[0] for name, ids in short.items() if len(ids) == 1}
        self.by_gender = source.has("workers_male") or source.has("workers_female")

    def key(self, values: Mapping[str, Any]) -> Hashable | None:
        """The NIB; for a row without one, its name and owner (two such rows alike are one business twice)."""
        if "nib" not in values:
            if is_blank(values.get("name")) or is_blank(values.get("owner_name")):
                return None
            return NameOwner(_name_key(values["name"]), _name_key(values["owner_name"]))
        try:
            return clean_nib(_identifier(values["nib"]))
        except ValueError:
            return None

    def existing(self, key: Hashable) -> tuple[int, Doc] | None:
        if isinstance(key, NameOwner):  # a row without NIB: a registered IKM of the same name and owner
            if not self.by_name_owner:
                for key_of_doc, doc in self.ikm.items():
                    found = NameOwner(_name_key(doc.get("name", "")), _name_key(doc.get("owner_name", "")))
                    self.by_name_owner.setdefault(found, int(key_of_doc))
            record_id = self.by_name_owner.get(key)
        else:
            record_id = self.by_nib.get(key) if isinstance(key, str) else None
        return (record_id, self.ikm[str(record_id)]) if record_id is not None else None

    def duplicate_message(self, key: Hashable, record_id: int, doc: Doc) -> str:
        if isinstance(key, NameOwner):
            return _(
                "{name} of {owner} is already in the database as {code}: import with update (--update) to change it",
                name=doc.get("name", ""),
                owner=doc.get("owner_name", ""),
                code=doc.get("code", ""),
            )
        return _(
            "NIB {nib} is already in the database as {code} {name}: import with update (--update) to change it",
            nib=key,
            code=doc.get("code", ""),
            name=doc.get("name", ""),
        )

    def _cluster_ids(self, value: object) -> list[int]:
        ids: list[int] = []
        unknown: list[str] = []
        for part in re.split(r"[;\n]|,(?!\d)", str(value)):
            name = part.strip()
            if not name:
                continue
            found = self.clusters.get(_name_key(name)) or self.short_clusters.get(_short_cluster(name))
            if found is None:
                unknown.append(name)
            elif found not in ids:
                ids.append(found)
        if unknown:
            raise ValueError(
                _("No cluster named {names}: register it first or check the spelling", names=", ".join(unknown))
            )
        return sorted(ids)

    def row(self, number: int, values: Mapping[str, Any]) -> Planned:
        data, errors = self.model_data(values)
        if "year_founded" not in values and "founded_on" in values:  # a founding date gives the year
            try:
                data["year_founded"] = prepare("year_founded", values["founded_on"])
            except ValueError as exc:
                errors["founded_on"] = str(exc)
        if nik_as_number(values.get("owner_nik")):
            self.mark("nik_number")
        self._figures(values, data, errors)
        if "clusters" in values:
            try:
                data["cluster_ids"] = self._cluster_ids(values["clusters"])
            except ValueError as exc:
                errors["clusters"] = str(exc)
        return self.keyed(number, values, data, errors, finish=_ikm_doc)

    def _figures(self, values: Mapping[str, Any], data: Doc, errors: dict[str, str]) -> None:
        """Workers (a total split by gender) and a monthly turnover (times twelve), as the registry and the
        yearly figures read them."""
        self._workers(values, data, errors)
        if "turnover" not in values and "turnover_monthly" in values:
            try:
                data["turnover"] = parse_rupiah(prepare("turnover_monthly", values["turnover_monthly"])) * 12
                self.mark("monthly")
            except ValueError as exc:
                errors["turnover_monthly"] = str(exc)

    def _workers(self, values: Mapping[str, Any], data: Doc, errors: dict[str, str]) -> None:
        if "workers_total" not in values:
            return
        try:
            total = parse_count(prepare("workers_total", values["workers_total"]))
        except ValueError as exc:
            errors["workers_total"] = str(exc)
            return
        if self.by_gender:
            try:
                men = parse_count(data.get("workers_male", 0))
                women = parse_count(data.get("workers_female", 0))
            except ValueError:
                return  # the gender column's own error is reported
            if men + women != total:
                errors["workers_total"] = _(
                    "The total {total} is not men + women ({men} + {women})", total=total, men=men, women=women
                )
            return
        data["workers_total"] = total
        data["workers_male"], data["workers_female"] = total // 2, total - total // 2

    def merge_extra(self, current: Doc, data: Doc) -> Doc:
        total = data.pop("workers_total", None)
        if total is not None:
            if total == int(current.get("workers_male") or 0) + int(current.get("workers_female") or 0):
                data.pop("workers_male", None)  # the same total: keep the split the office already knows
                data.pop("workers_female", None)
            else:
                self.mark("split")
        return data

    def new_extra(self, data: Doc) -> Doc:
        if data.pop("workers_total", None) is not None:
            self.mark("split")
        if is_blank(data.get("scale")):
            data.pop("scale", None)
            try:
                investment = parse_rupiah(data.get("investment", 0))
                turnover = parse_rupiah(data.get("turnover", 0))
            except ValueError:
                investment = turnover = 0  # the amount's own error is reported
            if investment or turnover:  # else the scale stays unknown
                data["scale"] = suggest_scale(investment, turnover)
                self.mark("scale")
        return data

    def notes(self, planned: Mapping[int, Planned]) -> list[str]:
        notes = []
        if n := self.marked("split", planned):
            notes.append(
                ngettext(
                    "{n} row gives only the total number of workers: it was split evenly between men and "
                    "women; correct the split in the IKM form where it is known",
                    "{n} rows give only the total number of workers: it was split evenly between men and "
                    "women; correct the split in the IKM form where it is known",
                    n,
                )
            )
        if n := self.marked("monthly", planned):
            notes.append(
                ngettext(
                    "{n} row gives a monthly turnover: it was multiplied by 12",
                    "{n} rows give a monthly turnover: it was multiplied by 12",
                    n,
                )
            )
        if n := self.marked("scale", planned):
            notes.append(
                ngettext(
                    "{n} row without a scale: suggested from investment and turnover (PP 7/2021)",
                    "{n} rows without a scale: suggested from investment and turnover (PP 7/2021)",
                    n,
                )
            )
        if rows := self.marked_rows("nik_number", planned):
            notes.append(
                _(
                    "Check the NIK on {n} rows ({rows}): the sheet holds it as a number ending in 0, and a number "
                    "typed into Excel keeps only 15 digits, so the last digit may have been lost; format the column "
                    "as Text when the list is next kept",
                    n=len(rows),
                    rows=_rows_text(rows),
                )
            )
        return notes


def _rows_text(rows: list[int], shown: int = 10) -> str:
    """``2, 5, 9`` (and ``…`` past ``shown``): row numbers as the report lists them."""
    return ", ".join(map(str, rows[:shown])) + (", …" if len(rows) > shown else "")


def _short_cluster(name: object) -> str:
    return re.sub(r"^(?:sentra|klaster|kluster|cluster)\s+", "", _name_key(name))


def _ikm_doc(record: Record) -> Doc:
    doc = record.doc()
    doc["cluster_ids"] = sorted(set(doc.get("cluster_ids") or []))
    return doc


class _ClusterKind(_Kind):
    kind = "clusters"
    model = Cluster
    key_field = "name"
    tables_used = ("clusters",)

    def __init__(self, tables: Tables, source: Source, **kwargs: Any) -> None:
        super().__init__(tables, source, **kwargs)
        self.docs = tables("clusters")
        self.by_name = {_name_key(doc.get("name", "")): int(key) for key, doc in self.docs.items()}

    def key(self, values: Mapping[str, Any]) -> Hashable | None:
        return _name_key(values["name"]) if not is_blank(values.get("name")) else None

    def existing(self, key: Hashable) -> tuple[int, Doc] | None:
        record_id = self.by_name.get(str(key))
        return (record_id, self.docs[str(record_id)]) if record_id is not None else None

    def row(self, number: int, values: Mapping[str, Any]) -> Planned:
        data, errors = self.model_data(values)
        return self.keyed(number, values, data, errors)

    def merge_extra(self, current: Doc, data: Doc) -> Doc:
        data.pop("name", None)  # matched whatever its case and spacing: keep the name as registered
        return data


class _RefKind(_Kind):
    """Kinds whose rows name an IKM by NIB or code."""

    def __init__(self, tables: Tables, source: Source, **kwargs: Any) -> None:
        super().__init__(tables, source, **kwargs)
        self.by_nib, self.by_code = _ikm_index(tables)

    def ikm_id(self, values: Mapping[str, Any], errors: dict[str, str]) -> int | None:
        value = values.get("ikm_ref")
        if is_blank(value):
            errors["ikm_ref"] = _("This field is required")
            return None
        text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value).strip()
        found = self.by_code.get(text.upper()) or self.by_nib.get(digits_only(_identifier(text)))
        if found is None:
            errors["ikm_ref"] = _("No IKM has the NIB or code {value}: import or register the IKM first", value=text)
        return found


def _product(value: object) -> CreditProduct:
    wanted = cols.normalize(value)
    for code, product in PRODUCTS.items():
        if wanted in (cols.normalize(code), cols.normalize(product.name)):
            return product
    if wanted in ("kur", "kurmikro"):
        return PRODUCTS.get("KUR-MIKRO", PRODUCTS[DEFAULT_PRODUCT])
    raise ValueError(
        _(
            "Unknown credit product {code}; choose one of: {options}",
            code=str(value).strip(),
            options=", ".join(p.name for p in PRODUCTS.values()),
        )
    )


def _documents(value: object) -> list[str]:
    if cols.normalize(value) in cols.ALL_DOCUMENTS_WORDS:
        return list(DOCUMENTS)
    return [
        str(cols.synonym("document", part.strip()))
        for part in re.split(r"[,;\n]|/(?!IUMK)", str(value))
        if part.strip()
    ]


class _CreditKind(_RefKind):
    kind = "credit_applications"
    model = CreditApplication
    key_field = "ikm_ref"
    tables_used = ("ikm", "credit_applications")
    error_columns = {"ikm_id": ("ikm_ref",)}

    def __init__(self, tables: Tables, source: Source, **kwargs: Any) -> None:
        super().__init__(tables, source, **kwargs)
        self.active: dict[tuple[Any, Any], list[Doc]] = defaultdict(list)  # by (ikm_id, product) as stored
        self.pending: dict[tuple[Any, ...], Doc] = {}
        for key, doc in tables("credit_applications").items():
            if doc.get("state") == ACTIVE_STATE:
                self.active[(doc.get("ikm_id"), doc.get("product"))].append({**doc, "id": int(key)})
            elif doc.get("state") in PENDING_STATES:
                self.pending.setdefault(self._key_of(doc), doc)
        self.keys: dict[int, tuple[Any, ...]] = {}

    @staticmethod
    def _key_of(doc: Mapping[str, Any]) -> tuple[Any, ...]:
        return (doc.get("ikm_id"), doc.get("product"), doc.get("amount_requested"), _name_key(doc.get("purpose", "")))

    def row(self, number: int, values: Mapping[str, Any]) -> Planned:
        errors: dict[str, str] = {}
        ikm_id = self.ikm_id(values, errors)
        try:
            product = _product(values["product"]) if "product" in values else PRODUCTS[DEFAULT_PRODUCT]
        except ValueError as exc:
            errors["product"] = str(exc)
            product = PRODUCTS[DEFAULT_PRODUCT]
        data, cell_errors = self.model_data(values)
        errors.update(cell_errors)
        data.pop("product", None)
        if "documents" in data:
            data["documents"] = _documents(data["documents"])
        data["ikm_id"] = ikm_id if ikm_id is not None else 0
        on = self.today
        if "applied_on" in values:
            try:
                on = not_after_today(parse_date(prepare("applied_on", values["applied_on"])), today=self.today)
            except ValueError as exc:
                errors["applied_on"] = str(exc)
        record = self.validate(apply_product_terms(data, product), errors)
        assert isinstance(record, CreditApplication)
        rules = product_errors(record, product, active_loans=self.active.get((ikm_id, product.code), ()))
        if rules:
            raise RowInvalid({("ikm_ref" if k == "ikm_id" else k): v for k, v in rules.items()})
        record = record.model_copy(update={"history": [history_entry("draft", on, self.user)]})
        doc = record.doc()
        key = self._key_of(doc)
        if key in self.pending:
            raise RowInvalid(
                {
                    "amount_requested": _(
                        "Probably imported before: {code} is a pending application of this IKM with the same product, "
                        "amount and purpose",
                        code=self.pending[key].get("code", ""),
                    )
                },
                duplicate=True,
            )
        self.keys[number] = key
        return Planned(number, "insert", doc)


class _GalleryKind(_RefKind):
    kind = "gallery_listings"
    model = GalleryListing
    key_field = "sku"
    tables_used = ("ikm", "gallery_listings")
    error_columns = {
        "ikm_id": ("ikm_ref",),
        "marketplace_links": (
            "marketplace_links",
            *(f"link:{m}" for m in ("Tokopedia", "Shopee", "Bukalapak", "Lazada", "Blibli", "TikTok Shop")),
        ),
    }

    def __init__(self, tables: Tables, source: Source, **kwargs: Any) -> None:
        super().__init__(tables, source, **kwargs)
        self.docs = tables("gallery_listings")
        self.by_sku = {str(doc.get("sku", "")).upper(): int(key) for key, doc in self.docs.items()}
        self.folder = source.path.parent
        self.checked: dict[str, media.Photo | str] = {}  # path -> picture or why refused: each file read once

    def key(self, values: Mapping[str, Any]) -> Hashable | None:
        return str(values["sku"]).strip().upper() if not is_blank(values.get("sku")) else None

    def existing(self, key: Hashable) -> tuple[int, Doc] | None:
        record_id = self.by_sku.get(str(key))
        return (record_id, self.docs[str(record_id)]) if record_id is not None else None

    def duplicate_message(self, key: Hashable, record_id: int, doc: Doc) -> str:
        return _(
            "SKU {sku} is already in the database as {code} {name}: import with update (--update) to change it",
            sku=key,
            code=doc.get("code", ""),
            name=doc.get("product_name", ""),
        )

    def _photos(self, values: Mapping[str, Any], errors: dict[str, str]) -> tuple[list[str], list[media.Photo]]:
        """The photos named in the sheet, as the listing form takes them (``io.media.take_photos``): each a picture,
        never the database; relative names are in the sheet's folder. Copied in only when the import is written."""
        try:
            entries = parse_photos(values["photos"])
        except ValueError as exc:
            errors["photos"] = str(exc)
            return [], []
        if not entries:
            return [], []
        if self.db_path is None:  # nothing to check a photo against, nowhere to copy it
            errors["photos"] = _("Photos can be imported only into a database")
            return [], []
        key = self.key(values)
        found = self.existing(key) if key is not None and self.update else None
        known = set(found[1].get("photos") or []) if found is not None else set()
        names, new, error = media.take_photos(
            self.db_path, entries, known=known, folder=self.folder, checked=self.checked
        )
        if error is not None:
            errors["photos"] = error
        return names, new

    def row(self, number: int, values: Mapping[str, Any]) -> Planned:
        errors: dict[str, str] = {}
        ikm_id = self.ikm_id(values, errors)
        data, cell_errors = self.model_data(values)
        errors.update(cell_errors)
        data["ikm_id"] = ikm_id if ikm_id is not None else 0
        photos: list[media.Photo] = []
        if "photos" in values:
            data["photos"], photos = self._photos(values, errors)
        links = [str(values["marketplace_links"])] if "marketplace_links" in values else []
        links += [
            f"{name.removeprefix('link:')} {str(value).strip()}"
            for name, value in values.items()
            if name.startswith("link:")
        ]
        if links:
            data["marketplace_links"] = "; ".join(links)
        planned = self.keyed(number, values, data, errors)
        planned.photos = photos
        return planned


HANDLERS: dict[str, type[_Kind]] = {
    "ikm": _IkmKind,
    "clusters": _ClusterKind,
    "credit_applications": _CreditKind,
    "gallery_listings": _GalleryKind,
}
