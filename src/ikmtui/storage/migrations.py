"""Schema migrations, run when a database written by an older ikmtui is opened.

Each step takes the tables of schema N and returns those of schema N+1; :func:`migrate` runs them on a copy
and touches no file. The database takes a backup before it writes the result (``Database._check_schema``).
"""

from __future__ import annotations

from collections.abc import Callable

from ikmtui.storage.schema import META_ID, SCHEMA_VERSION, TABLES, Tables


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


def migrate(tables: Tables, found: int) -> Tables:
    """The tables of schema ``found`` brought to :data:`SCHEMA_VERSION` (``tables`` itself is left as it is)."""
    data = {name: {key: dict(doc) for key, doc in table.items()} for name, table in tables.items()}
    for version in range(found, SCHEMA_VERSION):
        data = STEPS[version](data)
    data["meta"][META_ID] = {**data["meta"][META_ID], "schema": SCHEMA_VERSION}
    return data
