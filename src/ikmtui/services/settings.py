"""Office settings: one record per key in the ``settings`` table, changed by an administrator, audited.

Each setting is declared in :data:`DEFAULTS` with its default; reading a key nobody has set gives the default,
so an office that never opened the settings works as before.
"""

from __future__ import annotations

from typing import Any

from ikmtui.domain import permissions
from ikmtui.storage import Database

TABLE = "settings"
#: Key -> default value. A key not listed here is refused (a typo must not become a silent new setting).
DEFAULTS: dict[str, Any] = {
    # Maker-checker for credit: whoever created, submitted or verified may not approve; the approver may not
    # disburse alone.
    "credit.maker_checker": True,
}


def value(db: Database, key: str) -> Any:
    """The office's value of ``key``, else its default."""
    if key not in DEFAULTS:
        raise KeyError(key)
    for doc in db.docs(TABLE).values():
        if doc.get("key") == key:
            return doc.get("value")
    return DEFAULTS[key]


def put(db: Database, key: str, new: Any) -> None:
    """Set ``key`` (administrators only); the change is audited with the value it replaced."""
    if key not in DEFAULTS:
        raise KeyError(key)
    with db.transaction() as txn:
        permissions.require(txn.table("staff"), db.user, "settings.manage")
        found = next((int(k) for k, doc in txn.table(TABLE).items() if doc.get("key") == key), None)
        if found is None:
            txn.insert(TABLE, {"key": key, "value": new})
        else:
            txn.update(TABLE, found, {"value": new})
