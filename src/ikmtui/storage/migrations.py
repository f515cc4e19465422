"""Schema migrations, run when a database written by an older ikmtui is opened.

Each step takes the tables of schema N and returns those of schema N+1. A backup is taken before the first
step so that a failed migration never costs data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ikmtui.storage.database import META_ID, SCHEMA_VERSION, TABLES, Tables

if TYPE_CHECKING:
    from ikmtui.storage.database import Database


def _v0_to_v1(data: Tables) -> Tables:
    """Schema 0 (before versioning): make sure every table exists and every record has a version."""
    for name in TABLES:
        data.setdefault(name, {})
    for name in TABLES:
        if name in ("audit", "meta"):
            continue
        for doc in data[name].values():
            doc.setdefault("version", 1)
    return data


STEPS: dict[int, Callable[[Tables], Tables]] = {0: _v0_to_v1}


def migrate(db: Database, found: int) -> None:
    from ikmtui.storage import backup

    if not db.read_only:
        backup.make_backup(db.path, reason=f"schema{found}", data=db._data)
    data = {name: {k: dict(v) for k, v in table.items()} for name, table in db._data.items()}
    for version in range(found, SCHEMA_VERSION):
        data = STEPS[version](data)
    data["meta"][META_ID]["schema"] = SCHEMA_VERSION
    if db.read_only:  # nothing can be written there: read it as this version knows it, leave the file as it is
        db._data = data
        db._next_ids.clear()
        return
    db.write_snapshot(data)
