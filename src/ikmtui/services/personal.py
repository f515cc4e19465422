"""Personal data (UU PDP No. 27/2022): shown masked; revealing or exporting it is allowed by role and logged."""

from __future__ import annotations

from ikmtui.domain import permissions
from ikmtui.storage import Database, RecordMissing

PERSONAL_FIELDS = {"ikm": ("owner_nik", "npwp")}


def reveal(db: Database, table: str, record_id: int, field: str) -> str:
    """The clear value of a personal field, for an officer allowed to see it; who saw what is audited."""
    permissions.require(db.docs("staff"), db.user, "personal.reveal")
    with db.transaction() as txn:
        doc = txn.get(table, record_id)
        if doc is None:
            raise RecordMissing(table, record_id)
        txn.log("reveal", table, record_id, doc.get("code", ""), field)
    return str(doc.get(field) or "")


def log_export(db: Database, tables: list[str], path: str) -> None:
    """An export that includes personal data: allowed to supervisors, and written to the audit log."""
    permissions.require(db.docs("staff"), db.user, "personal.export")
    with db.transaction() as txn:
        txn.log("export.personal", ",".join(tables), None, "", path)
