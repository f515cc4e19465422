"""The programme's results: facilitations, the yearly targets and budget, each IKM's yearly figures.

Each use case validates with :mod:`ikmtui.domain.results` and writes in one transaction (audited: who, when).
Errors a staff member can cause are :class:`ikmtui.domain.records.RecordInvalid` (field -> message) or another
``ValueError`` / :class:`ikmtui.storage.StorageError`; nothing is written when one is raised.

Overview::

    create_facilitation(db, {"ikm": "IKM-000012", "kind": "halal", "requested_on": ...}) -> dict
    update_facilitation(db, fac_id, {"officer": ..., "note": ...}, expected_version=v)
    move_facilitation(db, fac_id, "granted", on=day, permit="ID33110000123", expected_version=v)
        # a grant adds the kind's certification to the IKM, or fills its NIB (the registry's rules), same transaction
    save_target(db, {"year": 2026, "indicator": "ikm_trained", "target": 120, "budget": ..., "spent": ...})
    save_figures(db, {"ikm": "IKM-000012", "year": 2026, "workers_male": 3, ...})   # one record per IKM and year
    facilitations_of(db, ikm_id) / figures_of(db, ikm_id) -> [dict]   # oldest first
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ikmtui.domain import results as rules
from ikmtui.domain.records import RecordInvalid
from ikmtui.i18n import _
from ikmtui.services.registry import IkmIndex, _ikm_doc
from ikmtui.storage import Database, Transaction

Doc = dict[str, Any]
FACILITATIONS = rules.Facilitation.table
TARGETS = rules.Target.table
FIGURES = rules.YearlyFigures.table
#: Facilitation fields an officer may change without moving its state.
EDITABLE = ("officer", "note", "pillar", "requested_on")


def _ikm_id(db: Database, data: Mapping[str, Any]) -> int:
    """The IKM a form names: its ``ikm_id``, or what was typed in ``ikm`` (code, NIB or name)."""
    value = data.get("ikm_id")
    if value in (None, ""):
        value = data.get("ikm")
    try:
        return IkmIndex.of(db).resolve(value)
    except ValueError as exc:
        raise RecordInvalid({"ikm": str(exc)}) from None


# ---------------------------------------------------------------------------------------------- facilitations
def create_facilitation(db: Database, data: Mapping[str, Any]) -> Doc:
    """Record a requested facilitation for an IKM (the officer acting is its first step's officer)."""
    ikm_id = _ikm_id(db, data)
    values = {k: v for k, v in data.items() if k not in ("ikm", "id")}
    values["ikm_id"] = ikm_id
    if not values.get("officer"):
        values["officer"] = db.user
    record = rules.new_facilitation(values, by=db.user)
    with db.transaction() as txn:
        if txn.get("ikm", ikm_id) is None:
            raise RecordInvalid({"ikm": _("There is no IKM with id {id}", id=ikm_id)})
        return txn.insert(FACILITATIONS, record.doc(), code_prefix=record.code_prefix, per_year=True)


def update_facilitation(
    db: Database, fac_id: int, changes: Mapping[str, Any], *, expected_version: int | None = None
) -> Doc:
    """Change the officer, note, pillar or request day of a facilitation (its state moves by :func:`move`)."""
    with db.transaction() as txn:
        current = txn.current(FACILITATIONS, fac_id, expected_version)
        merged = {**current, **{k: v for k, v in changes.items() if k in EDITABLE and v is not None}}
        doc = rules.Facilitation.parse(merged).doc()
        return txn.update(FACILITATIONS, fac_id, doc, expected_version=expected_version)


def _grant_effects(txn: Transaction, fac: Mapping[str, Any], permit: str) -> None:
    """What a grant adds to the IKM: the kind's certification, or its NIB (validated whole by the registry's
    rules, so an NIB another IKM holds is refused)."""
    kind = rules.kinds().get(str(fac.get("kind") or ""))
    if kind is None:
        return
    ikm_id = int(fac["ikm_id"])
    ikm = txn.current("ikm", ikm_id)
    if kind.certification:
        held = list(ikm.get("certifications") or [])
        if kind.certification not in held:
            txn.update("ikm", ikm_id, {"certifications": [*held, kind.certification]})
    if kind.fills_nib and permit and ikm.get("nib") != permit:
        merged = {k: v for k, v in ikm.items() if k != "id"}
        merged["nib"] = permit
        try:
            doc = _ikm_doc(txn, merged, ikm_id)
        except RecordInvalid as exc:
            message = exc.errors.get("nib") or "; ".join(f"{k}: {v}" for k, v in exc.errors.items())
            raise RecordInvalid({"permit_number": message}) from None
        txn.update("ikm", ikm_id, {"nib": doc["nib"]})


def move_facilitation(
    db: Database,
    fac_id: int,
    wanted: str,
    *,
    on: object,
    note: str = "",
    permit: object = "",
    expected_version: int | None = None,
) -> Doc:
    """Move a facilitation to ``wanted`` on day ``on``; a move the lifecycle refuses raises RecordInvalid with a
    message naming the state it is in and where it can go."""
    with db.transaction() as txn:
        current = txn.current(FACILITATIONS, fac_id, expected_version)
        changes = rules.move(current, wanted, on=on, by=db.user, note=note, permit=permit)
        if wanted == "granted":
            _grant_effects(txn, current, str(changes.get("permit_number") or ""))
        return txn.update(FACILITATIONS, fac_id, changes, expected_version=expected_version)


def facilitations_of(db: Database, ikm_id: int) -> list[Doc]:
    found = [{**doc, "id": int(k)} for k, doc in db.docs(FACILITATIONS).items() if doc.get("ikm_id") == ikm_id]
    return sorted(found, key=lambda d: (str(d.get("requested_on") or ""), d["id"]))


# ---------------------------------------------------------------------------------------------- targets
def _find(table: Mapping[str, Doc], **equals: Any) -> int | None:
    return next((int(k) for k, doc in table.items() if all(doc.get(f) == v for f, v in equals.items())), None)


def save_target(db: Database, data: Mapping[str, Any], *, expected_version: int | None = None) -> Doc:
    """Set the target and budget of an indicator for a year: one record per year and indicator (a second save
    of the same pair changes it)."""
    record = rules.Target.parse(dict(data))
    with db.transaction() as txn:
        found = _find(txn.table(TARGETS), year=record.year, indicator=record.indicator)
        if found is None:
            return txn.insert(TARGETS, record.doc(), code_prefix=record.code_prefix)
        return txn.update(TARGETS, found, record.doc(), expected_version=expected_version)


def delete_target(db: Database, target_id: int, *, expected_version: int | None = None) -> None:
    with db.transaction() as txn:
        txn.delete(TARGETS, target_id, expected_version=expected_version)


def targets_of(db: Database, year: int) -> list[Doc]:
    order = {code: i for i, code in enumerate(rules.indicator_codes())}
    found = [{**doc, "id": int(k)} for k, doc in db.docs(TARGETS).items() if doc.get("year") == year]
    return sorted(found, key=lambda d: order.get(str(d.get("indicator")), len(order)))


# ---------------------------------------------------------------------------------------------- yearly figures
def save_figures(db: Database, data: Mapping[str, Any], *, expected_version: int | None = None) -> Doc:
    """Record an IKM's figures for a year; the year's earlier record, if any, is updated (every year is kept)."""
    ikm_id = _ikm_id(db, data)
    values = {k: v for k, v in data.items() if k not in ("ikm", "id")}
    record = rules.YearlyFigures.parse({**values, "ikm_id": ikm_id})
    with db.transaction() as txn:
        found = _find(txn.table(FIGURES), ikm_id=ikm_id, year=record.year)
        if found is None:
            saved = txn.insert(FIGURES, record.doc(), code_prefix=record.code_prefix)
        else:
            saved = txn.update(FIGURES, found, record.doc(), expected_version=expected_version)
        follow_latest(txn, [ikm_id])
        return saved


def follow_latest(txn: Transaction, ikm_ids: Iterable[int]) -> None:
    """Give each IKM the workers, turnover and investment of its latest year, in the transaction that saved them
    (by form or import), so the registry, its reports and the yearly figures say the same."""
    figures = list(txn.table(FIGURES).values())
    for ikm_id in set(ikm_ids):
        latest = rules.latest_figures(figures, ikm_id)
        current = txn.get("ikm", ikm_id)
        if latest is not None and current is not None and any(current.get(k) != v for k, v in latest.items()):
            txn.update("ikm", ikm_id, latest)


def figures_of(db: Database, ikm_id: int) -> list[Doc]:
    """The IKM's figures, one record a year, oldest first (the last is its current figures)."""
    found = [{**doc, "id": int(k)} for k, doc in db.docs(FIGURES).items() if doc.get("ikm_id") == ikm_id]
    return sorted(found, key=lambda d: int(d.get("year") or 0))
