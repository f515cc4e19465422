"""Which records point to which: used to check a database and to refuse deleting what others point to."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple


class Reference(NamedTuple):
    table: str
    field: str
    target: str
    many: bool = False  # the field holds a list of ids
    #: Part of the record it points to (a year's figures of an IKM, a listing's stock movements): deleted with
    #: it, never a reason to refuse deleting it.
    owned: bool = False


REFERENCES = (
    Reference("ikm", "cluster_ids", "clusters", many=True),
    Reference("batches", "course_id", "courses"),
    Reference("enrollments", "batch_id", "batches"),
    Reference("enrollments", "ikm_id", "ikm"),
    Reference("credit_applications", "ikm_id", "ikm"),
    Reference("repayments", "application_id", "credit_applications"),
    Reference("gallery_listings", "ikm_id", "ikm"),
    Reference("sales", "listing_id", "gallery_listings"),
    Reference("sales", "ikm_id", "ikm"),
    Reference("stock_movements", "listing_id", "gallery_listings", owned=True),
    Reference("certificates", "enrollment_id", "enrollments"),
    Reference("loan_contacts", "application_id", "credit_applications"),
    Reference("facilitations", "ikm_id", "ikm"),
    Reference("yearly_figures", "ikm_id", "ikm", owned=True),
)


def _targets(doc: Mapping[str, Any], ref: Reference) -> list[Any]:
    value = doc.get(ref.field)
    if value is None:
        return []
    return list(value) if ref.many and isinstance(value, list) else [value]


def referrers(tables: Mapping[str, Mapping[str, Mapping[str, Any]]], target: str, record_id: int) -> dict[str, int]:
    """How many records of each table point to ``target`` record ``record_id``."""
    found: dict[str, int] = {}
    for ref in REFERENCES:
        if ref.target != target or ref.owned:
            continue
        n = sum(1 for doc in tables[ref.table].values() if record_id in _targets(doc, ref))
        if n:
            found[ref.table] = found.get(ref.table, 0) + n
    return found


def owned_records(
    tables: Mapping[str, Mapping[str, Mapping[str, Any]]], target: str, record_id: int
) -> list[tuple[str, int]]:
    """The records that are part of ``target`` record ``record_id``, to delete with it: (table, id)."""
    return [
        (ref.table, int(key))
        for ref in REFERENCES
        if ref.target == target and ref.owned
        for key, doc in tables[ref.table].items()
        if record_id in _targets(doc, ref)
    ]


def missing_targets(
    tables: Mapping[str, Mapping[str, Mapping[str, Any]]], table: str, doc: Mapping[str, Any]
) -> list[tuple[str, Any]]:
    """What a record of ``table`` points to that does not exist: (target table, id), e.g. before a restore."""
    return [
        (ref.target, target_id)
        for ref in REFERENCES
        if ref.table == table
        for target_id in _targets(doc, ref)
        if str(target_id) not in tables[ref.target]
    ]


def dangling(tables: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> Iterator[tuple[Reference, str, Any]]:
    """Every reference to a record that does not exist: (reference, referring id, missing id)."""
    for ref in REFERENCES:
        existing = tables[ref.target]
        for key, doc in tables[ref.table].items():
            for target_id in _targets(doc, ref):
                if str(target_id) not in existing:
                    yield ref, key, target_id
