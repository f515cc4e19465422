"""The IKM registry and clusters: each use case validates with ``ikmtui.domain.ikm`` and writes in one transaction.

The acting officer is ``db.user``. Functions that change a record take ``expected_version``: pass the ``version``
of the document the screen showed, and a save made by someone else in between is refused with
:class:`ikmtui.storage.StaleRecord` (naming who saved and when) instead of being overwritten.

Errors a staff member can cause are raised as :class:`ikmtui.domain.records.RecordInvalid` (field -> message,
for the form), :class:`ikmtui.storage.RecordReferenced` (a delete of what other records point to) or another
:class:`ikmtui.storage.StorageError`. Nothing is written when an error is raised.

Overview::

    create_ikm(db, data) -> dict                    update_ikm(db, ikm_id, changes, expected_version=v)
    possible_duplicates(db, data) -> [Duplicate]    create_ikm(db, data, keep_duplicates=True)  # audited
    delete_ikm(db, ikm_id, expected_version=v)      set_ikm_status(db, ikm_id, "inactive", expected_version=v)
    ikm_referrers(db, ikm_id) -> {table: n}         find_nib(db, nib) -> dict | None
    create_cluster / update_cluster / delete_cluster / set_cluster_status / cluster_referrers
    cluster_member_ids(db, cluster_id) -> [ikm_id]
    change_members(db, cluster_id, add=[...], remove=[...]) -> (added, removed)   # one transaction
    IkmIndex.of(db).resolve("batik sari") -> ikm_id    # an IKM found from what an officer types
    active_ikm(db) -> {id: doc}                     # what pickers offer: inactive IKM join no programme
    IkmIndex.active(db)                             # the same, for finding an applicant as it is typed
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ikmtui.domain.duplicates import Duplicate, DuplicateIndex
from ikmtui.domain.ikm import STATUSES, Cluster, Ikm, nib_taken_message
from ikmtui.domain.records import RecordInvalid
from ikmtui.domain.relations import owned_records, referrers
from ikmtui.i18n import _
from ikmtui.storage import TABLES, Database, RecordMissing, RecordReferenced, Transaction

Doc = dict[str, Any]
IKM = Ikm.table
CLUSTERS = Cluster.table


# ---------------------------------------------------------------------------------------------- helpers


def _all_tables(txn: Transaction) -> dict[str, Mapping[str, Doc]]:
    return {name: txn.table(name) for name in TABLES}


def _nib_owner(ikm: Mapping[str, Doc], nib: str | None, exclude: int | None) -> tuple[int, Doc] | None:
    if not nib:  # many IKM have no NIB yet: an empty NIB is nobody's
        return None
    for key, doc in ikm.items():
        if doc.get("nib") == nib and int(key) != exclude:
            return int(key), doc
    return None


def _check_clusters(txn: Transaction, cluster_ids: Iterable[int]) -> None:
    clusters = txn.table(CLUSTERS)
    missing = [str(cid) for cid in cluster_ids if str(cid) not in clusters]
    if missing:
        raise RecordInvalid({"cluster_ids": _("No such cluster: {ids}", ids=", ".join(missing))})


def _ikm_doc(txn: Transaction, data: Mapping[str, Any], exclude: int | None) -> Doc:
    """Validate ``data`` as a whole IKM (every field, then the NIB against the others) or raise RecordInvalid."""
    record = Ikm.parse(dict(data))
    owner = _nib_owner(txn.table(IKM), record.nib, exclude)
    if owner is not None:
        raise RecordInvalid({"nib": nib_taken_message(record.nib, owner[1].get("code", ""), owner[1].get("name", ""))})
    _check_clusters(txn, record.cluster_ids)
    doc = record.doc()
    doc["cluster_ids"] = sorted(set(doc["cluster_ids"]))
    return doc


class PossibleDuplicates(ValueError):
    """A new IKM looks like one already registered; nothing was saved. ``duplicates`` are the look-alikes."""

    def __init__(self, duplicates: list[Duplicate]) -> None:
        self.duplicates = duplicates
        super().__init__(
            _(
                "This business may already be registered: {records}",
                records="; ".join(f"{d.code} {d.name} ({d.reason_text()})" for d in duplicates),
            )
        )


def _fields_only(data: Mapping[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    wanted = set(fields)
    return {k: v for k, v in data.items() if k in wanted}


# ---------------------------------------------------------------------------------------------- IKM
def find_nib(db: Database, nib: str | None, *, exclude: int | None = None) -> Doc | None:
    """The IKM registered with ``nib`` (other than ``exclude``), or ``None``."""
    found = _nib_owner(db.docs(IKM), nib, exclude)
    return None if found is None else {**found[1], "id": found[0]}


def possible_duplicates(db: Database, data: Mapping[str, Any], *, exclude: int | None = None) -> list[Duplicate]:
    """Registered IKM that may be the business ``data`` describes (same NIK, phone, or similar name with the
    same owner or address)."""
    return DuplicateIndex(db.docs(IKM).items()).find(data, exclude=exclude)


def create_ikm(db: Database, data: Mapping[str, Any], *, keep_duplicates: bool = False) -> Doc:
    """Register a business: every field valid and its NIB not yet registered, or nothing is saved.

    A business that looks like one already registered is refused with :class:`PossibleDuplicates` (checked under
    the lock, against the newest data); with ``keep_duplicates`` the officer has seen them and it is saved, the
    audit log naming the look-alikes (entry ``duplicate.kept``)."""
    with db.transaction() as txn:
        doc = _ikm_doc(txn, _fields_only(data, Ikm.model_fields), None)
        duplicates = DuplicateIndex(txn.table(IKM).items()).find(doc)
        if duplicates and not keep_duplicates:
            raise PossibleDuplicates(duplicates)
        saved = txn.insert(IKM, doc, code_prefix=Ikm.code_prefix)
        if duplicates:
            seen = "; ".join(f"{d.code} ({','.join(d.reasons)})" for d in duplicates)
            txn.log("duplicate.kept", IKM, saved["id"], saved.get("code", ""), seen)
        return saved


def update_ikm(db: Database, ikm_id: int, changes: Mapping[str, Any], *, expected_version: int | None = None) -> Doc:
    """Change fields of an IKM; fields not in ``changes`` keep their value. The result is validated whole."""
    with db.transaction() as txn:
        current = txn.current(IKM, ikm_id, expected_version)
        merged = {**current, **_fields_only(changes, Ikm.model_fields)}
        doc = _ikm_doc(txn, merged, ikm_id)
        return txn.update(IKM, ikm_id, doc, expected_version=expected_version)


def ikm_referrers(db: Database, ikm_id: int) -> dict[str, int]:
    """How many records of each table point to IKM ``ikm_id`` (enrollments, credit, gallery, sales)."""
    return referrers({name: db.docs(name) for name in TABLES}, IKM, ikm_id)


def delete_ikm(db: Database, ikm_id: int, *, expected_version: int | None = None) -> Doc:
    """Delete an IKM nothing points to, with what is part of it (its yearly figures: all go to the recycle bin);
    otherwise :class:`RecordReferenced` says what points to it (mark it inactive)."""
    with db.transaction() as txn:
        current = txn.current(IKM, ikm_id, expected_version)
        tables = _all_tables(txn)
        refs = referrers(tables, IKM, ikm_id)
        if refs:
            raise RecordReferenced(current.get("code", ""), refs)
        for table, record_id in owned_records(tables, IKM, ikm_id):
            txn.delete(table, record_id)
        txn.delete(IKM, ikm_id, expected_version=expected_version)
        return current


def set_ikm_status(db: Database, ikm_id: int, status: str, *, expected_version: int | None = None) -> Doc:
    return _set_status(db, IKM, ikm_id, status, expected_version)


def _set_status(db: Database, table: str, record_id: int, status: str, expected_version: int | None) -> Doc:
    if status not in STATUSES:
        raise RecordInvalid({"status": _("Choose one of: {options}", options=", ".join(STATUSES))})
    with db.transaction() as txn:
        txn.current(table, record_id, expected_version)
        return txn.update(table, record_id, {"status": status}, expected_version=expected_version)


# ---------------------------------------------------------------------------------------------- clusters
def _cluster_doc(data: Mapping[str, Any]) -> Doc:
    """Validate a whole cluster or raise RecordInvalid; a decree is dated on or before today (the one clock)."""
    record = Cluster.parse(_fields_only(data, Cluster.model_fields))
    return record.doc()


def create_cluster(db: Database, data: Mapping[str, Any]) -> Doc:
    doc = _cluster_doc(data)
    with db.transaction() as txn:
        return txn.insert(CLUSTERS, doc, code_prefix=Cluster.code_prefix)


def update_cluster(
    db: Database, cluster_id: int, changes: Mapping[str, Any], *, expected_version: int | None = None
) -> Doc:
    with db.transaction() as txn:
        current = txn.current(CLUSTERS, cluster_id, expected_version)
        doc = _cluster_doc({**current, **changes})
        return txn.update(CLUSTERS, cluster_id, doc, expected_version=expected_version)


def cluster_referrers(db: Database, cluster_id: int) -> dict[str, int]:
    return referrers({name: db.docs(name) for name in TABLES}, CLUSTERS, cluster_id)


def delete_cluster(db: Database, cluster_id: int, *, expected_version: int | None = None) -> Doc:
    """Delete a cluster without members; with members :class:`RecordReferenced` says how many."""
    with db.transaction() as txn:
        current = txn.current(CLUSTERS, cluster_id, expected_version)
        refs = referrers(_all_tables(txn), CLUSTERS, cluster_id)
        if refs:
            raise RecordReferenced(current.get("code", ""), refs)
        txn.delete(CLUSTERS, cluster_id, expected_version=expected_version)
        return current


def set_cluster_status(db: Database, cluster_id: int, status: str, *, expected_version: int | None = None) -> Doc:
    return _set_status(db, CLUSTERS, cluster_id, status, expected_version)


def cluster_member_ids(db: Database, cluster_id: int) -> list[int]:
    """Ids of the IKM that belong to the cluster (membership is stored on the IKM as ``cluster_ids``)."""
    return [int(key) for key, doc in db.docs(IKM).items() if cluster_id in (doc.get("cluster_ids") or ())]


def change_members(
    db: Database, cluster_id: int, *, add: Iterable[int] = (), remove: Iterable[int] = ()
) -> tuple[int, int]:
    """Add and remove members in one transaction (each IKM's ``cluster_ids`` updated, each change audited).

    Works on the newest data under the lock, so memberships other officers changed meanwhile are kept. IKM
    deleted in the meantime are skipped; an inactive IKM is not added (ValueError naming it), though it may be
    removed. Returns how many were really added and removed.
    """
    adding, removing = set(add), set(remove)
    if adding & removing:
        raise ValueError(_("An IKM cannot be added to and removed from a cluster at the same time"))
    added = removed = 0
    with db.transaction() as txn:
        if txn.get(CLUSTERS, cluster_id) is None:
            raise RecordMissing(CLUSTERS, cluster_id)
        table = txn.table(IKM)
        inactive = [
            str(table[str(i)].get("code", i))
            for i in sorted(adding)
            if str(i) in table
            and not is_active(table[str(i)])
            and cluster_id not in (table[str(i)].get("cluster_ids") or ())
        ]
        if inactive:
            raise ValueError(_("Inactive IKM cannot join a cluster: {codes}", codes=", ".join(inactive)))
        for ikm_id in sorted(adding | removing):
            doc = table.get(str(ikm_id))
            if doc is None:
                continue
            ids = set(doc.get("cluster_ids") or ())
            if ikm_id in adding and cluster_id not in ids:
                ids.add(cluster_id)
                added += 1
            elif ikm_id in removing and cluster_id in ids:
                ids.discard(cluster_id)
                removed += 1
            else:
                continue
            txn.update(IKM, ikm_id, {"cluster_ids": sorted(ids)})
    return added, removed


def is_active(doc: Mapping[str, Any]) -> bool:
    return str(doc.get("status") or "active") != "inactive"


def active_ikm(db: Database) -> dict[str, Doc]:
    """The IKM a programme may take in (training, clusters, credit): inactive ones are left out. Keyed like the
    stored table, so a picker builds its rows from it as from ``db.docs("ikm")``."""
    return {key: doc for key, doc in db.docs(IKM).items() if is_active(doc)}


# ---------------------------------------------------------------------------------------------- finding an IKM
@dataclass(frozen=True)
class IkmEntry:
    id: int
    code: str
    nib: str
    name: str

    @property
    def label(self) -> str:
        return f"{self.code} · {self.name}"


class IkmIndex:
    """The IKM registry as flat lists for finding an applicant as it is typed: by code (``IKM-000012``, or
    just ``12``), by NIB (13 digits) or by words of the name. Built once per form; each look-up is one pass
    over plain strings (see the figures in the credit screen's report: fast enough at 100,000 IKM)."""

    def __init__(self, docs: Mapping[str, Mapping[str, Any]]) -> None:
        values = list(docs.values())
        self.ids: list[int] = [int(key) for key in docs]
        self.codes: list[str] = [str(doc.get("code") or "") for doc in values]
        self.nibs: list[str] = [str(doc.get("nib") or "") for doc in values]
        self.names: list[str] = [str(doc.get("name") or "") for doc in values]
        self.by_code = dict(zip(map(str.upper, self.codes), range(len(values)), strict=True))
        self.by_nib = dict(zip(self.nibs, range(len(values)), strict=True))
        self.by_id = dict(zip(self.ids, range(len(values)), strict=True))
        self._keys: list[str] | None = None

    @property
    def keys(self) -> list[str]:
        """One lower-case "code nib name" per IKM, searched by substring (built on the first search)."""
        if self._keys is None:
            self._keys = [f"{c} {n} {m}".casefold() for c, n, m in zip(self.codes, self.nibs, self.names, strict=True)]
        return self._keys

    @classmethod
    def of(cls, db: Database) -> IkmIndex:
        return cls(db.docs("ikm"))

    @classmethod
    def active(cls, db: Database) -> IkmIndex:
        """Only the IKM a programme may take in (an applicant, a participant): inactive ones are not found."""
        return cls(active_ikm(db))

    def entry(self, i: int) -> IkmEntry:
        return IkmEntry(self.ids[i], self.codes[i], self.nibs[i], self.names[i])

    def exact(self, text: str) -> IkmEntry | None:
        """The IKM whose code, number or NIB is ``text`` (or whose label ``code · name`` is)."""
        value = text.strip()
        if not value:
            return None
        head = value.split("·", 1)[0].strip()
        found = self.by_code.get(head.upper()) if head else None
        if found is None and head:
            found = self.by_nib.get(head.replace(" ", ""))
        if found is None and head.isdigit() and len(head) <= 9:
            found = self.by_code.get(f"IKM-{int(head):06d}")
        return self.entry(found) if found is not None else None

    def matches(self, text: str, limit: int = 5) -> tuple[list[IkmEntry], int]:
        """Up to ``limit`` IKM matching every word of ``text``, and how many match in all."""
        exact = self.exact(text)
        if exact is not None:
            return [exact], 1
        words = text.casefold().split()
        if not words:
            return [], 0
        keys = self.keys
        if len(words) == 1:
            word = words[0]
            found = [i for i, key in enumerate(keys) if word in key]
        else:
            found = [i for i, key in enumerate(keys) if all(w in key for w in words)]
        if len(found) > 1:  # "Batik Sari" is one IKM even when "Batik Sari Ratna" exists too
            wanted = " ".join(words)
            same = [i for i in found if " ".join(self.names[i].casefold().split()) == wanted]
            if len(same) == 1:
                found = same
        return [self.entry(i) for i in found[:limit]], len(found)

    def resolve(self, text: object) -> int:
        """The id of the one IKM ``text`` names; ``ValueError`` (translated) when none or several match."""
        if isinstance(text, int):
            if text not in self.by_id:
                raise ValueError(_("There is no IKM with id {id}", id=text))
            return text
        value = str(text or "").strip()
        if not value:
            raise ValueError(_("Type the applicant's IKM code, NIB or part of its name"))
        found, total = self.matches(value, limit=3)
        if total == 1:
            return found[0].id
        if total == 0:
            raise ValueError(_("No IKM matches '{text}'", text=value))
        raise ValueError(
            _(
                "{n} IKM match '{text}' (e.g. {examples}): type more of the name, or the code",
                n=total,
                text=value,
                examples="; ".join(e.label for e in found),
            )
        )

    def label(self, ikm_id: int | None) -> str:
        i = self.by_id.get(ikm_id) if ikm_id is not None else None
        return self.entry(i).label if i is not None else "?"
