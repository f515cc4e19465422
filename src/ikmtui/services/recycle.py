"""The recycle bin: every deleted record is kept there (who deleted it, when, why); a supervisor restores it.

Deleting is :meth:`ikmtui.storage.Transaction.delete` (the bin is filled by the storage layer, whatever deleted
the record); restoring puts it back under its own id and code, which are never handed out again.
"""

from __future__ import annotations

from typing import Any

from ikmtui.domain import permissions
from ikmtui.domain.relations import missing_targets
from ikmtui.i18n import N_, _
from ikmtui.services.history import field_label, table_label
from ikmtui.storage import TABLES, Database

BIN = "recycle_bin"
#: Values a live record must not share with the one coming back (a second record may have taken them since).
UNIQUE_FIELDS = ("code", "nib", "sku", "username")
#: Records whose deletion was itself a correction recorded elsewhere: a cancelled sale's units came back as a
#: stock movement, so bringing the sale back would count them twice. They are entered again instead.
ENTERED_AGAIN = {"sales": N_("A cancelled sale is not restored: record the sale again")}


class NotRestorable(ValueError):
    """The record cannot come back as it was; ``str()`` says why."""


def binned(db: Database) -> list[dict[str, Any]]:
    """The deleted records not restored yet, newest first."""
    docs = db.docs(BIN)
    return [{**doc, "id": int(key)} for key, doc in reversed(list(docs.items())) if not doc.get("restored_at")]


def restore(db: Database, bin_id: int) -> dict[str, Any]:
    """Put a deleted record back (supervisor); refused if it is back already, or if a live record has taken one
    of its unique values (a code, NIB, SKU or username) since. Returns the restored record."""
    permissions.require(db.docs("staff"), db.user, "records.restore")
    with db.transaction() as txn:
        entry = txn.current(BIN, bin_id)
        table, record_id, doc = str(entry["table"]), int(entry["record_id"]), entry["doc"]
        code = doc.get("code") or f"{table} {record_id}"
        if entry.get("restored_at") or txn.get(table, record_id) is not None:
            raise NotRestorable(_("{code} is back already", code=code))
        if table in ENTERED_AGAIN:
            raise NotRestorable(_(ENTERED_AGAIN[table]))
        gone = missing_targets({name: txn.table(name) for name in TABLES}, table, doc)
        if gone:
            target, target_id = gone[0]
            raise NotRestorable(
                _(
                    "{code} cannot come back: the record it belongs to ({table} {id}) no longer exists",
                    code=code,
                    table=table_label(target),
                    id=target_id,
                )
            )
        for field in UNIQUE_FIELDS:
            value = doc.get(field)
            if value and any(other.get(field) == value for other in txn.table(table).values()):
                raise NotRestorable(
                    _(
                        "{code} cannot come back: another record now has its {field} {value}",
                        code=code,
                        field=field_label(table, field),
                        value=value,
                    )
                )
        return txn.put_back(bin_id)
