"""A compaction killed right after its rename leaves the old journal beside the new snapshot. Two processes that
opened before either saved again both name the new snapshot in their first line: every save after the first
such line is kept (found by the SIGKILL test, where the set-aside journal took an acknowledged save with it)."""

from __future__ import annotations

from pathlib import Path

import orjson

from ikmtui.storage import Database
from ikmtui.storage.files import atomic_write


def names(db: Database) -> list[str]:
    return sorted(doc["name"] for doc in db.docs("ikm").values())


def test_saves_of_two_writers_after_a_compaction_killed_after_its_rename_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "ikmtui.json"
    first = Database(path, "a", compact_bytes=10**9)
    first.insert("ikm", {"name": "before"})
    journal = path.with_name(path.name + ".journal")
    # What a compaction killed between its rename and emptying the journal leaves: a new snapshot holding the
    # journal's lines, and the journal still naming the old snapshot.
    atomic_write(path, orjson.dumps(first._data))
    assert journal.stat().st_size > 0
    left, right = Database(path, "b", compact_bytes=10**9), Database(path, "c", compact_bytes=10**9)
    left.insert("ikm", {"name": "left"})  # its line names the new snapshot
    right.insert("ikm", {"name": "right"})  # read left's line first, and names the new snapshot too
    headers = [orjson.loads(line).get("snapshot") for line in journal.read_bytes().splitlines()]
    assert headers[-1] is not None and headers[-2] == headers[-1]
    after = Database(path, "d")
    assert names(after) == ["before", "left", "right"]
    assert after.warnings == [] and sorted(p.name for p in tmp_path.iterdir() if ".stale-" in p.name) == []
    left.refresh()
    assert names(left) == ["before", "left", "right"]
