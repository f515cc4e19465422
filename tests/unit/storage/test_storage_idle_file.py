"""When no ikmtui has the database open, ``NAME.json`` alone is the whole database (issue 19).

The last Database to close folds the journal into the snapshot; one that closes while another is open leaves
the journal to that one. What plain TinyDB reads is compared with what ikmtui reads, table by table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tinydb import TinyDB

from ikmtui.storage import TABLES, Database
from ikmtui.storage.database import open_databases


def plain_tinydb(path: Path) -> dict[str, dict[str, Any]]:
    """The file as TinyDB itself reads it (read-only: TinyDB would otherwise create what it misses)."""
    with TinyDB(path, access_mode="r") as plain:
        tables = {name: {str(doc.doc_id): dict(doc) for doc in plain.table(name).all()} for name in plain.tables()}
    return {name: table for name, table in tables.items() if table}


def ikmtui_view(path: Path) -> dict[str, dict[str, Any]]:
    db = Database(path, "reader")
    try:
        return {name: dict(db.docs(name)) for name in TABLES if db.docs(name)}
    finally:
        db.close()


def journal(path: Path) -> bytes:
    j = path.with_name(path.name + ".journal")
    return j.read_bytes() if j.exists() else b""


def test_the_last_to_close_folds_the_journal_and_an_earlier_close_leaves_it(db_path: Path) -> None:
    first = Database(db_path, "ani")
    second = Database(db_path, "budi")
    first.update("ikm", 1, {"name": "Batik Sekar Jagad"})
    second.update("ikm", 2, {"name": "Tahu Bakso Ibu Pudji"})
    first.close()
    assert journal(db_path).count(b"\n") == 2  # the second one is still open: not made to reload a new snapshot
    assert plain_tinydb(db_path)["ikm"]["1"]["name"] != "Batik Sekar Jagad"
    second.close()
    assert journal(db_path) == b""
    seen = plain_tinydb(db_path)
    assert seen["ikm"]["1"]["name"] == "Batik Sekar Jagad" and seen["ikm"]["2"]["name"] == "Tahu Bakso Ibu Pudji"
    assert seen == ikmtui_view(db_path)


def test_close_twice_and_the_list_of_open_databases(db_path: Path) -> None:
    db = Database(db_path, "ani")
    assert any(other is db for other in open_databases())
    db.update("ikm", 1, {"name": "Kopi Banaran"})
    db.close()
    db.close()
    assert all(other is not db for other in open_databases())
    assert journal(db_path) == b""


def test_many_databases_left_open_hold_a_bounded_number_of_descriptors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from ikmtui.storage import database

    monkeypatch.setattr(database, "PRESENCE_LIMIT", 3)
    before = len(os.listdir("/proc/self/fd"))
    kept = [Database(tmp_path / f"db{n}.json", "ani") for n in range(12)]
    assert len(os.listdir("/proc/self/fd")) <= before + 3
    # The newest still counts as open: closing another database on its file leaves the journal to it.
    kept[-1].insert("clusters", {"name": "Sentra"})
    Database(kept[-1].path, "budi").close()
    assert journal(kept[-1].path) != b""
    for db in kept:
        db.close()
    assert journal(kept[-1].path) == b""
