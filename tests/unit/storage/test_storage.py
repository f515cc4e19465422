"""Storage: stamps, audit, versions, ids, codes, crash safety, foreign files, compaction, migration."""

from __future__ import annotations

import errno
import os
import shutil
import stat
from pathlib import Path

import orjson
import pytest

from ikmtui import i18n
from ikmtui.clock import local_time
from ikmtui.storage import (
    Database,
    DatabaseDamaged,
    ForeignFile,
    NewerSchema,
    RecordMissing,
    StaleRecord,
)
from ikmtui.storage.backup import backup_dir
from ikmtui.storage.files import atomic_write
from ikmtui.storage.schema import APP_MARK, META_ID, SCHEMA_VERSION, TABLES


@pytest.fixture(autouse=True)
def english():
    before = i18n.get_language()
    i18n.set_language("en")
    yield
    i18n.set_language(before)


class Clock:
    """A settable clock, so that stamps and per-year codes are predictable."""

    def __init__(self, now: str = "2026-03-01T09:00:00+07:00") -> None:
        self.now = now

    def __call__(self) -> str:
        return self.now


def journal_of(path: Path) -> Path:
    return path.with_name(path.name + ".journal")


def snapshot(path: Path) -> dict:
    return orjson.loads(path.read_bytes())


def journal_lines(path: Path) -> list[bytes]:
    j = journal_of(path)
    return j.read_bytes().splitlines() if j.exists() else []


def business(name: str = "Batik Sekar", **extra) -> dict:
    return {
        "name": name,
        "owner_name": "Sri Lestari",
        "owner_nik": "3374015505800001",
        "kecamatan": "Tugu",
        "turnover": 120_000_000,
        **extra,
    }


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "ikmtui.json"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def db(path: Path, clock: Clock) -> Database:
    return Database(path, "ani", clock=clock)


def contents(p: Path) -> dict:
    """Everything a fresh process sees when it opens ``p``."""
    return Database(p, "reader", create=False)._data


# ------------------------------------------------------------------------------------- stamps and audit
def test_insert_stamps_and_audits(db: Database, clock: Clock) -> None:
    rec = db.insert("ikm", business(), code_prefix="IKM")
    assert rec["id"] == 1
    assert rec["code"] == "IKM-000001"
    assert rec["version"] == 1
    assert rec["created_at"] == rec["updated_at"] == clock.now
    assert rec["created_by"] == rec["updated_by"] == "ani"
    assert db.get("ikm", 1) == rec
    [entry] = db.all("audit")
    assert entry["action"] == "insert"
    assert (entry["table"], entry["record_id"], entry["code"]) == ("ikm", 1, "IKM-000001")
    assert (entry["user"], entry["ts"]) == ("ani", clock.now)
    assert entry["fields"] == sorted(business())
    # Field names only: personal data never lands in the audit log.
    assert b"3374015505800001" not in orjson.dumps(entry)


def test_update_stamps_version_and_changed_fields(path: Path, db: Database, clock: Clock) -> None:
    rec = db.insert("ikm", business(), code_prefix="IKM")
    other = Database(path, "budi", clock=Clock("2026-03-02T10:30:00+07:00"))
    changed = other.update("ikm", rec["id"], {"name": "Batik Sekar Jagad", "kecamatan": "Tugu", "id": 99})
    assert changed["id"] == rec["id"]
    assert changed["version"] == 2
    assert changed["name"] == "Batik Sekar Jagad"
    assert (changed["created_at"], changed["created_by"]) == (clock.now, "ani")
    assert (changed["updated_at"], changed["updated_by"]) == ("2026-03-02T10:30:00+07:00", "budi")
    assert "id" not in other.docs("ikm")[str(rec["id"])]
    # The first process picks the change up on its next refresh (or write).
    assert db.refresh() is True
    assert db.get("ikm", rec["id"])["name"] == "Batik Sekar Jagad"
    audit = db.all("audit")
    assert [a["action"] for a in audit] == ["insert", "update"]
    assert audit[1]["fields"] == ["name"]  # only what really changed
    assert audit[1]["user"] == "budi"


def test_delete_removes_and_audits(db: Database) -> None:
    rec = db.insert("ikm", business(), code_prefix="IKM")
    db.delete("ikm", rec["id"])
    assert db.get("ikm", rec["id"]) is None
    assert db.count("ikm") == 0
    assert [a["action"] for a in db.all("audit")] == ["insert", "delete"]
    assert db.all("audit")[1]["code"] == "IKM-000001"
    with pytest.raises(RecordMissing):
        db.delete("ikm", rec["id"])
    with pytest.raises(RecordMissing):
        db.update("ikm", rec["id"], {"name": "x"})


def test_log_entry_for_viewing_personal_data(db: Database) -> None:
    rec = db.insert("ikm", business(), code_prefix="IKM")
    with db.transaction() as txn:
        txn.log("view_nik", "ikm", rec["id"], rec["code"], "owner_nik")
    entry = db.all("audit")[-1]
    assert (entry["action"], entry["detail"], entry["user"]) == ("view_nik", "owner_nik", "ani")
    assert db.get("ikm", rec["id"])["version"] == 1


# ------------------------------------------------------------------------------------- stale edits
def test_stale_edit_refused_with_who_and_when(path: Path, db: Database) -> None:
    rec = db.insert("ikm", business(), code_prefix="IKM")
    opened_version = db.get("ikm", rec["id"])["version"]
    budi = Database(path, "budi", clock=Clock("2026-03-01T09:05:00+07:00"))
    budi.update("ikm", rec["id"], {"turnover": 150_000_000}, expected_version=opened_version)

    with pytest.raises(StaleRecord) as info:
        db.update("ikm", rec["id"], {"turnover": 99}, expected_version=opened_version)
    err = info.value
    assert (err.code, err.who, err.when) == ("IKM-000001", "budi", "2026-03-01T09:05:00+07:00")
    # Shown in this machine's local time (09:05 in Semarang, 02:05 on a machine set to UTC).
    assert "budi" in str(err) and "IKM-000001" in str(err) and local_time("2026-03-01T09:05:00+07:00") in str(err)
    # Budi's change survives, nothing half-written.
    assert db.get("ikm", rec["id"])["turnover"] == 150_000_000
    assert db.get("ikm", rec["id"])["version"] == 2
    assert [a["action"] for a in db.all("audit")] == ["insert", "update"]

    with pytest.raises(StaleRecord):
        db.delete("ikm", rec["id"], expected_version=opened_version)
    assert db.get("ikm", rec["id"]) is not None
    # With the current version the edit goes through.
    assert db.update("ikm", rec["id"], {"turnover": 99}, expected_version=2)["version"] == 3
    # A service reading a record before deciding gets the same refusals.
    with db.transaction() as txn:
        assert txn.current("ikm", rec["id"], 3)["turnover"] == 99
        with pytest.raises(StaleRecord, match="ani"):
            txn.current("ikm", rec["id"], 2)
        with pytest.raises(RecordMissing):
            txn.current("ikm", 999)


def test_stale_message_translated(path: Path, db: Database) -> None:
    rec = db.insert("ikm", business(), code_prefix="IKM")
    Database(path, "budi").update("ikm", rec["id"], {"name": "x"})
    i18n.set_language("id")
    with pytest.raises(StaleRecord) as info:
        db.update("ikm", rec["id"], {"name": "y"}, expected_version=1)
    assert "budi" in str(info.value)
    assert "diubah" in str(info.value)


# ------------------------------------------------------------------------------------- ids and codes
def test_ids_never_reused_after_delete(path: Path, db: Database) -> None:
    ids = [db.insert("ikm", business(f"u{i}"), code_prefix="IKM")["id"] for i in range(3)]
    assert ids == [1, 2, 3]
    db.delete("ikm", 3)
    assert db.insert("ikm", business("u4"), code_prefix="IKM")["id"] == 4
    for record_id in (1, 2, 4):
        db.delete("ikm", record_id)
    assert db.count("ikm") == 0
    # Not in this process, not in another process, not after a compaction.
    assert db.insert("ikm", business("u5"), code_prefix="IKM")["id"] == 5
    db.compact()
    other = Database(path, "budi")
    rec = other.insert("ikm", business("u6"), code_prefix="IKM")
    assert (rec["id"], rec["code"]) == (6, "IKM-000006")
    assert db.insert("ikm", business("u7"))["id"] == 7
    # Audit ids stay distinct too.
    audit_ids = [a["id"] for a in db.all("audit")]
    assert len(audit_ids) == len(set(audit_ids)) == 11


def test_codes_running_and_per_year(db: Database, clock: Clock) -> None:
    codes = [db.insert("ikm", business(f"u{i}"), code_prefix="IKM")["code"] for i in range(3)]
    assert codes == ["IKM-000001", "IKM-000002", "IKM-000003"]
    krd = [
        db.insert("credit_applications", {"amount": 5_000_000}, code_prefix="KRD", per_year=True)["code"]
        for _ in range(2)
    ]
    assert krd == ["KRD-2026-0001", "KRD-2026-0002"]
    clock.now = "2027-01-02T08:00:00+07:00"
    assert db.insert("credit_applications", {"amount": 1}, code_prefix="KRD", per_year=True)["code"] == "KRD-2027-0001"
    # A code given explicitly (an import) is kept; deleting never hands a code out twice.
    assert db.insert("ikm", business("imp", code="IKM-LAMA-7"), code_prefix="IKM")["code"] == "IKM-LAMA-7"
    db.delete("ikm", 3)
    assert db.insert("ikm", business("u4"), code_prefix="IKM")["code"] == "IKM-000004"
    assert db.meta["counters"] == {"IKM": 4, "KRD-2026": 2, "KRD-2027": 1}


# ------------------------------------------------------------------------------------- transactions
def test_transaction_all_or_nothing(path: Path, db: Database) -> None:
    db.insert("ikm", business(), code_prefix="IKM")
    before = path.read_bytes(), journal_of(path).read_bytes()
    with pytest.raises(RuntimeError), db.transaction() as txn:
        txn.insert("ikm", business("b"), code_prefix="IKM")
        txn.update("ikm", 1, {"name": "changed"})
        raise RuntimeError("operator pressed Escape")
    assert (path.read_bytes(), journal_of(path).read_bytes()) == before
    assert db.count("ikm") == 1 and db.get("ikm", 1)["name"] == "Batik Sekar"
    assert db.insert("ikm", business("c"), code_prefix="IKM")["code"] == "IKM-000002"


def test_transaction_sees_its_own_changes(db: Database) -> None:
    db.insert("ikm", business(), code_prefix="IKM")
    with db.transaction() as txn:
        rec = txn.insert("ikm", business("b"), code_prefix="IKM")
        assert txn.get("ikm", rec["id"])["name"] == "b"
        assert db.get("ikm", rec["id"]) is None  # readers see nothing before the commit
        txn.update("ikm", 1, {"name": "a2"})
        assert txn.get("ikm", 1)["name"] == "a2"
    assert db.get("ikm", 1)["name"] == "a2"
    assert len(journal_lines(db.path)) == 2  # one line per transaction


def test_transaction_sees_a_table_it_emptied(db: Database) -> None:
    """Deleting the last record of a table inside a transaction must not bring it back to life."""
    rec = db.insert("clusters", {"name": "Sentra Bandeng"}, code_prefix="KLS")
    with db.transaction() as txn:
        txn.delete("clusters", rec["id"])
        assert txn.get("clusters", rec["id"]) is None
        assert txn.table("clusters") == {}
        with pytest.raises(RecordMissing):
            txn.update("clusters", rec["id"], {"name": "zombie"})
    assert db.count("clusters") == 0
    assert contents(db.path)["clusters"] == {}


def test_failed_journal_write_leaves_nothing_behind(monkeypatch, path: Path, db: Database) -> None:
    """Disk full half-way through a journal line: the save fails, memory and disk keep the previous state."""
    db.insert("ikm", business(), code_prefix="IKM")
    journal_before = journal_of(path).read_bytes()
    real_write = os.write

    def short_then_full(fd: int, data: bytes) -> int:
        if len(data) > 20:
            return real_write(fd, data[:10])  # a short write ...
        raise OSError(errno.ENOSPC, "No space left on device")  # ... then the disk is full

    monkeypatch.setattr(os, "write", short_then_full)
    with pytest.raises(OSError):
        db.insert("ikm", business("b"), code_prefix="IKM")
    monkeypatch.setattr(os, "write", real_write)
    assert journal_of(path).read_bytes() == journal_before
    assert db.count("ikm") == 1
    assert contents(path)["ikm"].keys() == {"1"}
    # Room again: the next save works and gets the next id and code.
    rec = db.insert("ikm", business("c"), code_prefix="IKM")
    assert (rec["id"], rec["code"]) == (2, "IKM-000002")
    assert contents(path)["ikm"].keys() == {"1", "2"}


# ------------------------------------------------------------------------------------- crash safety
def test_interrupted_rename_leaves_old_file(monkeypatch, path: Path, db: Database) -> None:
    for i in range(5):
        db.insert("ikm", business(f"u{i}"), code_prefix="IKM")
    old_bytes = path.read_bytes()

    def crash(src, dst):
        raise OSError(errno.EIO, "crash between temp file and rename")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        db.compact()
    with pytest.raises(OSError):
        atomic_write(path, b"{}")
    monkeypatch.undo()
    assert path.read_bytes() == old_bytes
    assert not list(path.parent.glob(f".{path.name}.tmp-*"))
    assert len(contents(path)["ikm"]) == 5  # the journal still has everything


def test_stray_temp_file_is_ignored_and_removed(path: Path, db: Database) -> None:
    db.insert("ikm", business(), code_prefix="IKM")
    old_bytes = path.read_bytes()
    stray = path.with_name(f".{path.name}.tmp-4242-1")
    stray.write_bytes(b'{"ikm": {"1": {"name": "half wr')  # a write killed before its rename
    reopened = Database(path, "budi")
    assert reopened.get("ikm", 1)["name"] == "Batik Sekar"
    assert path.read_bytes() == old_bytes
    assert not stray.exists()


def test_torn_last_journal_line_ignored_then_truncated(path: Path, db: Database) -> None:
    db.insert("ikm", business("a"), code_prefix="IKM")
    db.insert("ikm", business("b"), code_prefix="IKM")
    good = journal_of(path).read_bytes()
    op = ["put", "ikm", "3", {"name": "never acknowledged"}]
    torn = orjson.dumps({"ts": "x", "by": "ani", "ops": [op]})
    with journal_of(path).open("ab") as fh:
        fh.write(torn[: len(torn) // 2])

    reader = Database(path, "reader")
    assert sorted(reader.docs("ikm")) == ["1", "2"]
    assert journal_of(path).read_bytes() == good + torn[: len(torn) // 2]  # reading never truncates

    writer = Database(path, "budi")
    rec = writer.insert("ikm", business("c"), code_prefix="IKM")
    assert rec["id"] == 3 and rec["name"] == "c"
    data = journal_of(path).read_bytes()
    assert data.startswith(good) and data.endswith(b"\n")
    assert all(orjson.loads(line) for line in data.splitlines())
    assert [d["name"] for d in contents(path)["ikm"].values()] == ["a", "b", "c"]
    # The first instance, whose own view was stale, also agrees.
    assert db.refresh() and db.get("ikm", 3)["name"] == "c"


def test_unreadable_journal_line_in_the_middle_is_damage(path: Path, db: Database) -> None:
    db.insert("ikm", business("a"), code_prefix="IKM")
    db.insert("ikm", business("b"), code_prefix="IKM")
    lines = journal_of(path).read_bytes().splitlines(keepends=True)
    journal_of(path).write_bytes(lines[0] + b"garbage\n" + lines[1])
    before = path.read_bytes(), journal_of(path).read_bytes()
    with pytest.raises(DatabaseDamaged) as info:
        Database(path, "budi")
    assert "journal line 2" in str(info.value)
    assert (path.read_bytes(), journal_of(path).read_bytes()) == before


def _capture_states(monkeypatch, path: Path) -> list[tuple[bytes, bytes]]:
    """Record what is on disk (snapshot, journal) right after every rename into ``path``: a crash there."""
    states: list[tuple[bytes, bytes]] = []
    real_replace = os.replace

    def replace(src, dst):
        real_replace(src, dst)
        if Path(dst) == path:
            j = journal_of(path)
            states.append((path.read_bytes(), j.read_bytes() if j.exists() else b""))

    monkeypatch.setattr(os, "replace", replace)
    return states


def _open_state(folder: Path, state: tuple[bytes, bytes]) -> dict:
    folder.mkdir()
    target = folder / "ikmtui.json"
    target.write_bytes(state[0])
    journal_of(target).write_bytes(state[1])
    return contents(target)


def test_compaction_folds_journal(path: Path, db: Database) -> None:
    for i in range(10):
        db.insert("ikm", business(f"u{i}"), code_prefix="IKM")
    db.update("ikm", 3, {"name": "three"})
    db.delete("ikm", 4)
    expected = contents(path)
    assert journal_of(path).stat().st_size > 0
    db.compact()
    assert journal_of(path).stat().st_size == 0
    assert snapshot(path) == expected
    assert contents(path) == expected
    db.compact()  # nothing to fold: a no-op
    assert snapshot(path) == expected


def test_in_the_app_a_save_that_fills_the_journal_does_not_wait_for_it_to_be_folded(path: Path, monkeypatch) -> None:
    import threading

    db = Database(path, "ani", compact_bytes=1)
    db.compact_in_background = True
    started, gate = threading.Event(), threading.Event()
    fold = Database.compact

    def held(self: Database) -> None:
        started.set()
        gate.wait(10)
        fold(self)

    monkeypatch.setattr(Database, "compact", held)
    saved = db.insert("ikm", business("Batik Larasati"), code_prefix="IKM")  # returned while the fold waits
    assert started.wait(5) and journal_of(path).stat().st_size > 0
    assert db.get("ikm", saved["id"])["name"] == "Batik Larasati"  # reads go on from memory
    gate.set()
    db._compactor.join(5)
    assert journal_of(path).stat().st_size == 0 and snapshot(path)["ikm"][str(saved["id"])]["name"] == "Batik Larasati"


def test_crash_between_compaction_rename_and_journal_truncation(
    monkeypatch, tmp_path: Path, path: Path, db: Database
) -> None:
    for i in range(10):
        db.insert("ikm", business(f"u{i}"), code_prefix="IKM")
    db.update("ikm", 3, {"name": "three"})
    db.delete("ikm", 4)
    db.delete("ikm", 10)
    expected = contents(path)
    states = _capture_states(monkeypatch, path)
    db.compact()
    monkeypatch.undo()
    [crashed] = states
    assert crashed[1], "the journal is still full right after the rename"
    # Opening the crashed state replays the journal over a snapshot that already holds it: harmless.
    crash_dir = tmp_path / "crash"
    assert _open_state(crash_dir, crashed) == expected
    # And writing on from there neither reuses ids nor resurrects the deleted records.
    after = Database(crash_dir / "ikmtui.json", "budi", compact_bytes=1)
    assert after.insert("ikm", business("new"), code_prefix="IKM")["id"] == 11
    data = contents(crash_dir / "ikmtui.json")
    assert "4" not in data["ikm"] and "10" not in data["ikm"]
    assert data["ikm"]["3"]["name"] == "three"
    assert journal_of(crash_dir / "ikmtui.json").stat().st_size == 0  # compacted after that write


def test_other_instance_catches_up_after_compaction(path: Path, db: Database) -> None:
    other = Database(path, "budi")
    for i in range(5):
        db.insert("ikm", business(f"u{i}"), code_prefix="IKM")
    db.compact()
    db.insert("ikm", business("after"), code_prefix="IKM")
    assert other.refresh()
    assert other.count("ikm") == 6
    rec = other.insert("ikm", business("from budi"), code_prefix="IKM")
    assert rec["code"] == "IKM-000007"
    assert db.refresh() and db.count("ikm") == 7


def test_automatic_compaction(path: Path, clock: Clock) -> None:
    db = Database(path, "ani", clock=clock, compact_bytes=4096)
    for i in range(40):
        db.insert("ikm", business(f"u{i}"), code_prefix="IKM")
        assert journal_of(path).stat().st_size <= max(4096, path.stat().st_size // 4) + 2048
    assert len(contents(path)["ikm"]) == 40


def test_restore_style_snapshot_is_all_or_nothing(monkeypatch, tmp_path: Path, path: Path, db: Database) -> None:
    """``write_snapshot`` (restore, migration) replaces everything: a crash at any rename shows old or new."""
    for i in range(3):
        db.insert("ikm", business(f"old{i}"), code_prefix="IKM")
    db.compact()  # the journal below then covers only part of the history, so a mix shows
    db.update("ikm", 1, {"name": "old0 changed"})
    db.delete("ikm", 2)
    old = contents(path)
    new = {name: {} for name in TABLES}
    new["meta"][META_ID] = {**db.meta, "counters": {"IKM": 1}}
    new["ikm"]["1"] = {**business("restored"), "version": 1, "code": "IKM-000001"}
    states = _capture_states(monkeypatch, path)
    db.write_snapshot(new)
    monkeypatch.undo()
    assert contents(path) == new
    assert db.get("ikm", 1)["name"] == "restored" and db.count("ikm") == 1
    assert states
    for n, state in enumerate(states):
        seen = _open_state(tmp_path / f"crash{n}", state)
        assert seen in (old, new), f"crash after rename {n} shows a mix of old and new data"
    assert _open_state(tmp_path / "final", states[-1]) == new


# ------------------------------------------------------------------------------------- foreign files
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256))


def _truncated_ikmtui() -> bytes:
    tables = {name: {} for name in TABLES}
    tables["meta"][META_ID] = {"app": APP_MARK, "schema": SCHEMA_VERSION, "counters": {}}
    tables["ikm"] = {str(i): business(f"u{i}") for i in range(1, 20)}
    raw = orjson.dumps(tables)
    return raw[: len(raw) * 2 // 3]


@pytest.mark.parametrize(
    ("raw", "error", "words"),
    [
        (b'[{"name": "a"}, {"name": "b"}]', ForeignFile, "not an ikmtui database"),
        (b'{"_default": {"1": {"name": "plain tinydb"}}}', ForeignFile, "not an ikmtui database"),
        (b'{"meta": {"1": {"app": "someone-else"}}}', ForeignFile, "not an ikmtui database"),
        (PNG, ForeignFile, "not an ikmtui database"),
        (b"name;owner\nBatik;Sri\n", ForeignFile, "not an ikmtui database"),
        (b"", DatabaseDamaged, "empty"),
        (b"   \n", DatabaseDamaged, "empty"),
        (_truncated_ikmtui(), DatabaseDamaged, "cut off"),
        (b'{"meta": {"1": {"app": "ikmtui"}}, "ikm": []}', DatabaseDamaged, "table ikm"),
    ],
    ids=["json-list", "tinydb-without-mark", "other-app", "png", "csv", "empty", "blank", "truncated", "bad-table"],
)
def test_foreign_or_damaged_file_left_untouched(path: Path, raw: bytes, error: type, words: str) -> None:
    path.write_bytes(raw)
    os.utime(path, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    before = path.stat()
    for create in (True, False):
        with pytest.raises(error) as info:
            Database(path, "ani", create=create)
        message = str(info.value)
        assert str(path) in message and words in message
        assert "left untouched" in message
    after = path.stat()
    assert path.read_bytes() == raw
    assert (after.st_mtime_ns, after.st_size, after.st_ino) == (before.st_mtime_ns, before.st_size, before.st_ino)
    assert not journal_of(path).exists()
    assert not backup_dir(path).exists()
    assert sorted(p.name for p in path.parent.iterdir()) == sorted([path.name, path.name + ".lock"])


def test_foreign_file_message_in_indonesian(path: Path) -> None:
    path.write_bytes(PNG)
    i18n.set_language("id")
    with pytest.raises(ForeignFile) as info:
        Database(path, "ani")
    assert "bukan basis data ikmtui" in str(info.value)


def test_newer_schema_refused_untouched(path: Path) -> None:
    tables = {name: {} for name in TABLES}
    tables["meta"][META_ID] = {"app": APP_MARK, "schema": SCHEMA_VERSION + 1, "counters": {}}
    raw = orjson.dumps(tables)
    path.write_bytes(raw)
    with pytest.raises(NewerSchema) as info:
        Database(path, "ani")
    assert "newer ikmtui" in str(info.value)
    assert path.read_bytes() == raw


# ------------------------------------------------------------------------------------- permissions
def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_new_files_readable_by_owner_only(path: Path) -> None:
    old_umask = os.umask(0o022)
    try:
        db = Database(path, "ani", compact_bytes=1)
        assert _mode(path) == 0o600
        db.insert("ikm", business(), code_prefix="IKM")  # journal, then a compaction (a new snapshot)
        assert _mode(journal_of(path)) == 0o600
        assert _mode(path) == 0o600
        assert _mode(Path(str(path) + ".lock")) == 0o600
    finally:
        os.umask(old_umask)


def test_creates_missing_folder_and_refuses_missing_file(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "ikmtui.json"
    with pytest.raises(FileNotFoundError):
        Database(target, "ani", create=False)
    assert not target.exists()
    db = Database(target, "ani")
    assert db.meta["app"] == APP_MARK and db.meta["schema"] == SCHEMA_VERSION
    assert db.meta["created_by"] == "ani"
    assert set(snapshot(target)) == set(TABLES)


# ------------------------------------------------------------------------------------- migration
def _schema0_file(path: Path) -> bytes:
    meta = {"app": APP_MARK, "created_at": "2025-01-01T00:00:00+07:00", "counters": {"IKM": 2}}
    tables = {"meta": {META_ID: meta}, "ikm": {"1": business("lama"), "2": business("lama 2")}}
    raw = orjson.dumps(tables)
    path.write_bytes(raw)
    return raw


def test_migration_from_schema0_backs_up_first(path: Path) -> None:
    raw = _schema0_file(path)
    db = Database(path, "ani")
    assert db.meta["schema"] == SCHEMA_VERSION
    assert all(doc["version"] == 1 for doc in db.docs("ikm").values())
    assert set(db.docs("ikm")) == {"1", "2"}
    [saved] = backup_dir(path).glob("*schema0*.json")
    assert orjson.loads(saved.read_bytes())["ikm"] == orjson.loads(raw)["ikm"]
    assert "schema" not in orjson.loads(saved.read_bytes())["meta"][META_ID]
    assert _mode(saved) == 0o600
    assert db.insert("ikm", business("baru"), code_prefix="IKM")["code"] == "IKM-000003"
    # Migrated once: opening again neither migrates nor backs up again.
    Database(path, "budi")
    assert len(list(backup_dir(path).glob("*.json"))) == 1


def test_failed_migration_keeps_the_original(monkeypatch, path: Path) -> None:
    raw = _schema0_file(path)

    def broken(self, data):
        raise OSError(errno.EIO, "disk gone during migration")

    monkeypatch.setattr(Database, "write_snapshot", broken)
    with pytest.raises(OSError):
        Database(path, "ani")
    assert path.read_bytes() == raw
    [saved] = backup_dir(path).glob("*schema0*.json")
    kept = orjson.loads(saved.read_bytes())
    assert (kept["meta"], kept["ikm"]) == (orjson.loads(raw)["meta"], orjson.loads(raw)["ikm"])


# ------------------------------------------------------------------------------------- readers
def test_reads_are_consistent_copies(db: Database) -> None:
    for i in range(3):
        db.insert("ikm", business(f"u{i}"), code_prefix="IKM")
    seen = db.docs("ikm")
    db.insert("ikm", business("later"), code_prefix="IKM")
    assert len(seen) == 3  # a reader iterating the old mapping is not disturbed
    assert db.count("ikm") == 4
    assert [r["name"] for r in db.find("ikm", kecamatan="Tugu")] == ["u0", "u1", "u2", "later"]
    from tinydb import Query

    assert [r["id"] for r in db.search("ikm", Query().name == "u1")] == [2]


def test_listeners_hear_other_processes(path: Path, db: Database) -> None:
    heard = []
    db.on_change(lambda: heard.append(db.count("ikm")))
    Database(path, "budi").insert("ikm", business(), code_prefix="IKM")
    assert heard == []
    assert db.refresh() is True
    assert heard == [1]
    assert db.refresh() is False


def test_close_compacts(path: Path) -> None:
    with Database(path, "ani") as db:
        db.insert("ikm", business(), code_prefix="IKM")
    assert journal_of(path).stat().st_size == 0
    assert snapshot(path)["ikm"]["1"]["name"] == "Batik Sekar"


def test_copy_of_files_opens_identically(tmp_path: Path, path: Path, db: Database) -> None:
    for i in range(4):
        db.insert("ikm", business(f"u{i}"), code_prefix="IKM")
    copy_dir = tmp_path / "copy"
    copy_dir.mkdir()
    shutil.copy(path, copy_dir / path.name)
    shutil.copy(journal_of(path), copy_dir / journal_of(path).name)
    assert contents(copy_dir / path.name) == contents(path)


@pytest.mark.parametrize("collector_on", [True, False])
def test_loading_holds_the_cycle_collector_off_and_freezes_what_it_read(collector_on):
    import gc

    from ikmtui.storage.database import load_json

    raw = orjson.dumps({"ikm": {str(i): {"name": f"IKM {i}", "tags": [i]} for i in range(2000)}})
    was = gc.isenabled()
    (gc.enable if collector_on else gc.disable)()
    gc.unfreeze()
    seen: list[bool] = []
    gc.callbacks.append(lambda phase, info: seen.append(phase == "start"))
    try:
        data = load_json(raw)
        assert not seen  # no collection ran while two thousand dicts were created
        assert data == orjson.loads(raw)
        assert gc.isenabled() is collector_on  # the caller's setting is put back
        assert gc.get_freeze_count() > 4000  # the documents (and their lists) are out of the collector's sight
    finally:
        gc.callbacks.pop()
        gc.unfreeze()
        (gc.enable if was else gc.disable)()


def test_saves_of_another_process_read_in_by_a_compaction_are_still_reported_by_refresh(path: Path) -> None:
    mine, theirs = Database(path, "ani"), Database(path, "budi")
    theirs.insert("ikm", business("Lumpia Gang Lombok"), code_prefix="IKM")
    mine.compact()  # catches up first: the other officer's record is in memory now
    assert mine.find("ikm", name="Lumpia Gang Lombok")
    assert mine.refresh() is True  # the screens still learn that something came in
    assert mine.refresh() is False
