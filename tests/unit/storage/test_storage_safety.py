"""Storage safety (issue 17): the lock cannot be lost, one file is one database whatever the path, a snapshot
replaced from outside never gets a stale journal replayed over it, every malformed shape is refused in one line,
a full disk during a compaction does not fail a kept save, refresh never waits when asked not to, rotation
deletes only its own files, temp files are never written through a planted link, read-only media can be read,
leftovers of killed restores and backups go at open.

Multi-process versions of the lock and path faults are in ``test_storage_safety_processes.py``.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import sys
import threading
import time
from pathlib import Path

import orjson
import pytest

from ikmtui import i18n
from ikmtui.cli import main
from ikmtui.storage import (
    Database,
    DatabaseDamaged,
    ForeignFile,
    LockLost,
    NotAFile,
    ReadOnlyDatabase,
    StorageError,
)
from ikmtui.storage import database as database_module
from ikmtui.storage import files as files_module
from ikmtui.storage.backup import backup_dir, daily_backup, daily_backups, make_backup
from ikmtui.storage.database import create_database, wait_for
from ikmtui.storage.files import atomic_write
from ikmtui.storage.schema import APP_MARK, META_ID, SCHEMA_VERSION, TABLES

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX locks, links and permissions")


@pytest.fixture(autouse=True)
def english():
    before = i18n.get_language()
    i18n.set_language("en")
    yield
    i18n.set_language(before)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "office" / "db.json"


def journal_of(path: Path) -> Path:
    return path.with_name(path.name + ".journal")


def business(name: str) -> dict:
    return {"name": name, "owner_name": "Sri Lestari", "owner_nik": "3374015505800001", "kecamatan": "Tugu"}


def names(path: Path) -> list[str]:
    return sorted(doc["name"] for doc in Database(path, "reader", create=False).docs("ikm").values())


def files_in(folder: Path) -> dict[str, bytes]:
    """Every file in ``folder`` and its bytes; the (empty) lock file an open creates does not count."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and p.suffix != ".lock"}


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([*argv, "--lang", "en", "--user", "ani"])
    out, err = capsys.readouterr()
    return code, out, err


# ------------------------------------------------------------------------------ item 9: the lock cannot be lost
@posix_only
def test_a_save_whose_lock_file_was_deleted_is_refused_and_the_other_save_survives(path: Path) -> None:
    """Lock file deleted while A is inside a transaction: B takes a lock of its own and saves; A's commit, which
    used to truncate B's acknowledged line away, is refused with nothing written."""
    a = Database(path, "ani")
    a.insert("ikm", business("before"), code_prefix="IKM")
    lock = path.with_name(path.name + ".lock")
    with pytest.raises(LockLost) as info, a.transaction() as txn:
        txn.insert("ikm", business("from A"), code_prefix="IKM")
        lock.unlink()  # someone tidies up "a stray file"
        b = Database(path, "budi", lock_timeout=1)  # takes a new lock on a new file
        saved = b.insert("ikm", business("from B"), code_prefix="IKM")
        journal_after_b = journal_of(path).read_bytes()
    assert "lock file" in str(info.value) and "Nothing was saved" in str(info.value)
    assert "\n" not in str(info.value)
    assert journal_of(path).read_bytes() == journal_after_b  # nothing written, nothing truncated
    assert names(path) == ["before", "from B"] and saved["id"] == 2
    assert a.refresh() and a.insert("ikm", business("A again"), code_prefix="IKM")["id"] == 3  # A goes on
    assert names(path) == ["A again", "before", "from B"]


@posix_only
def test_a_save_whose_lock_file_was_replaced_is_refused(path: Path) -> None:
    a = Database(path, "ani")
    lock = path.with_name(path.name + ".lock")
    with pytest.raises(LockLost), a.transaction() as txn:
        txn.insert("ikm", business("from A"), code_prefix="IKM")
        replacement = lock.with_name("other.lock")
        replacement.write_bytes(b"")
        os.replace(replacement, lock)
    assert names(path) == []


@posix_only
def test_lock_file_deleted_just_after_the_checks_still_loses_no_save(path: Path) -> None:
    """The instant between A's last check and A's append: B (a new lock file of its own) saves meanwhile. The
    journal's own flock makes them take turns: B then sees A's line and refuses, instead of both writing at the
    same offset (one acknowledged save overwritten by the other)."""
    import contextlib

    a = Database(path, "ani")
    a.insert("ikm", business("before"), code_prefix="IKM")
    b = Database(path, "budi", lock_timeout=5)
    outcome: list[object] = []
    real_held = a._journal_held

    @contextlib.contextmanager
    def held_then_lose_the_lock(*, create: bool):  # type: ignore[no-untyped-def]
        with real_held(create=create) as held:  # every check passed: A is about to write
            path.with_name(path.name + ".lock").unlink()

            def other() -> None:
                try:
                    outcome.append(b.insert("ikm", business("from B"), code_prefix="IKM"))
                except StorageError as exc:
                    outcome.append(exc)

            thread = threading.Thread(target=other)
            thread.start()
            thread.join(0.3)  # B waits for the journal's flock, held by A until its line is written
            yield held

    a._journal_held = held_then_lose_the_lock  # type: ignore[method-assign]
    saved = a.insert("ikm", business("from A"), code_prefix="IKM")
    assert wait_for(lambda: bool(outcome))
    acknowledged = {"from A"} | {r["name"] for r in outcome if isinstance(r, dict)}
    assert set(names(path)) == {"before"} | acknowledged  # every acknowledged save is on disk
    assert isinstance(outcome[0], LockLost) and saved["id"] == 2
    lines = journal_of(path).read_bytes().splitlines()
    assert len(lines) == 2 and all(orjson.loads(line)["ops"] for line in lines)


@posix_only
def test_compaction_with_a_lost_lock_writes_nothing(path: Path) -> None:
    db = Database(path, "ani")
    db.insert("ikm", business("a"), code_prefix="IKM")
    before = path.read_bytes(), journal_of(path).read_bytes()
    real_catch_up = db._catch_up

    def catch_up_then_lose_the_lock() -> bool:
        changed = real_catch_up()
        path.with_name(path.name + ".lock").unlink()
        return changed

    db._catch_up = catch_up_then_lose_the_lock  # type: ignore[method-assign]
    with pytest.raises(LockLost):
        db.compact()
    assert (path.read_bytes(), journal_of(path).read_bytes()) == before


@posix_only
def test_lock_taken_on_a_file_deleted_meanwhile_is_taken_again_on_the_new_file(path: Path, monkeypatch) -> None:
    """The race at acquisition: the file we opened is deleted (and a new one made) before our flock succeeds."""
    Database(path, "ani")
    lock = path.with_name(path.name + ".lock")
    real_flock = database_module.fcntl.flock
    raced = []

    def flock(fd: int, op: int) -> None:
        if not raced and op & database_module.fcntl.LOCK_EX:
            raced.append(True)
            lock.unlink()
            lock.write_bytes(b"")  # another process's new lock file
        real_flock(fd, op)

    monkeypatch.setattr(database_module.fcntl, "flock", flock)
    taken = database_module._Lock(lock)
    assert taken.acquire(1) and raced
    assert taken.still_held()  # it holds the file at the path, not the deleted one
    assert os.path.samestat(os.fstat(taken._fd), os.stat(lock))
    taken.release()


@posix_only
def test_a_journal_written_behind_our_back_is_never_truncated(path: Path) -> None:
    """Second guard: complete lines after what we read mean another writer: refuse rather than cut them."""
    db = Database(path, "ani")
    db.insert("ikm", business("a"), code_prefix="IKM")
    other_line = orjson.dumps({"ts": "x", "by": "rogue", "ops": [["put", "ikm", "9", business("rogue")]]}) + b"\n"
    real_catch_up = db._catch_up

    def catch_up_then_someone_writes() -> bool:
        changed = real_catch_up()
        with journal_of(path).open("ab") as fh:
            fh.write(other_line)
        return changed

    db._catch_up = catch_up_then_someone_writes  # type: ignore[method-assign]
    before = journal_of(path).read_bytes()
    with pytest.raises(LockLost):
        db.insert("ikm", business("b"), code_prefix="IKM")
    assert journal_of(path).read_bytes() == before + other_line


# ------------------------------------------------------------------------------ item 10: one file, one database
@posix_only
def test_symlink_and_real_path_share_journal_and_lock(tmp_path: Path, path: Path) -> None:
    real = Database(path, "ani")
    link = tmp_path / "shortcut.json"
    link.symlink_to(path)
    dotted = path.parent / ".." / path.parent.name / path.name
    via_link = Database(link, "budi")
    via_dots = Database(dotted, "sari")
    assert via_link.path == via_dots.path == real.path == path.resolve()
    ids = [db.insert("ikm", business(f"by {db.user}"), code_prefix="IKM")["id"] for db in (real, via_link, via_dots)]
    assert ids == [1, 2, 3]  # each caught up with the others: one journal
    assert names(path) == ["by ani", "by budi", "by sari"] == names(link)
    assert not (tmp_path / "shortcut.json.journal").exists() and not (tmp_path / "shortcut.json.lock").exists()
    via_link.compact()
    via_link.close()
    assert link.is_symlink() and os.readlink(link) == str(path)  # still a link: the real file was replaced
    assert journal_of(path).stat().st_size == 0 and names(link) == ["by ani", "by budi", "by sari"]


@posix_only
def test_create_database_through_a_symlink_keeps_the_link(tmp_path: Path, path: Path) -> None:
    Database(path, "ani").insert("ikm", business("old"), code_prefix="IKM")
    link = tmp_path / "link.json"
    link.symlink_to(path)
    tables = {name: {} for name in TABLES}
    tables["ikm"]["1"] = {**business("new"), "version": 1}
    assert create_database(link, tables, user="demo", force=True) == path.resolve()
    assert link.is_symlink() and names(path) == ["new"]
    assert not journal_of(path).exists()


def test_a_backup_copied_over_the_database_does_not_get_the_old_journal_replayed(path: Path) -> None:
    """``cp backup.json db.json`` while a journal exists: the journal names another snapshot, so it is set aside
    (owner-only, every byte kept) with a warning, not replayed over the backup."""
    db = Database(path, "ani")
    for name in ("a", "b"):
        db.insert("ikm", business(name), code_prefix="IKM")
    backup = make_backup(path, data=db._data)
    db.compact()
    db.update("ikm", 1, {"name": "a changed after the backup"})
    db.insert("ikm", business("c after the backup"), code_prefix="IKM")
    journal = journal_of(path).read_bytes()
    assert journal and b'"snapshot"' in journal.splitlines()[0]
    shutil.copyfile(backup, path)  # what cp does: the same file rewritten in place

    fresh = Database(path, "budi")
    assert sorted(d["name"] for d in fresh.docs("ikm").values()) == ["a", "b"]  # the backup, unmixed
    [warning] = fresh.warnings
    [aside] = path.parent.glob(path.name + ".journal.stale-*")
    assert str(aside) in warning and "belongs to another copy" in warning and "\n" not in warning
    assert aside.read_bytes() == journal  # nothing lost: the set-aside journal has every byte
    assert stat.S_IMODE(aside.stat().st_mode) == 0o600
    assert not journal_of(path).exists()
    fresh.insert("ikm", business("d"), code_prefix="IKM")  # a new journal, for this snapshot
    assert names(path) == ["a", "b", "d"] and Database(path, "sari").warnings == []


def test_a_running_process_notices_the_replaced_snapshot_at_its_next_refresh(path: Path) -> None:
    db = Database(path, "ani")
    db.insert("ikm", business("a"), code_prefix="IKM")
    backup = make_backup(path, data=db._data)
    db.insert("ikm", business("b"), code_prefix="IKM")
    shutil.copyfile(backup, path)
    assert db.refresh()
    assert [d["name"] for d in db.docs("ikm").values()] == ["a"]
    assert any("belongs to another copy" in w for w in db.warnings)


def test_a_journal_without_a_header_from_an_older_version_still_replays(path: Path) -> None:
    db = Database(path, "ani")
    db.insert("ikm", business("a"), code_prefix="IKM")
    db.compact()
    line = (
        orjson.dumps(
            {
                "ts": "2026-01-01T00:00:00+07:00",
                "by": "old",
                "ops": [["put", "ikm", "2", {**business("written by 0.x"), "version": 1}]],
            }
        )
        + b"\n"
    )
    journal_of(path).write_bytes(line + line.replace(b"written by 0.x", b"written again"))
    fresh = Database(path, "budi")
    assert sorted(d["name"] for d in fresh.docs("ikm").values()) == ["a", "written again"]
    assert fresh.warnings == []
    assert fresh.insert("ikm", business("b"), code_prefix="IKM")["id"] == 3  # appended, still no header needed
    assert names(path) == ["a", "b", "written again"]


def test_the_first_journal_line_names_the_snapshot_durably_with_the_first_save(path: Path, monkeypatch) -> None:
    db = Database(path, "ani")
    synced: list[bytes] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        real_fsync(fd)
        if journal_of(path).exists():
            synced.append(journal_of(path).read_bytes())

    monkeypatch.setattr(os, "fsync", fsync)
    db.insert("ikm", business("a"), code_prefix="IKM")
    first = orjson.loads(synced[0].splitlines()[0])
    assert first["snapshot"] == database_module.fingerprint(path.read_bytes()) and first["ops"]


def test_saves_after_a_crashed_compaction_are_kept(tmp_path: Path, path: Path, monkeypatch) -> None:
    """Crash between a compaction's rename and its truncation, then more saves: the old part of the journal is
    recognised as folded in, the new part (whose first line names the new snapshot) is replayed."""
    db = Database(path, "ani")
    for name in ("a", "b", "c"):
        db.insert("ikm", business(name), code_prefix="IKM")
    db.delete("ikm", 2)
    real_replace = os.replace
    states = []

    def replace(src, dst):
        real_replace(src, dst)
        if Path(dst) == path:
            states.append((path.read_bytes(), journal_of(path).read_bytes()))

    monkeypatch.setattr(os, "replace", replace)
    db.compact()
    monkeypatch.undo()
    crashed = tmp_path / "crashed" / "db.json"
    crashed.parent.mkdir()
    crashed.write_bytes(states[0][0])
    journal_of(crashed).write_bytes(states[0][1])
    after = Database(crashed, "budi")
    assert after.warnings == [] and sorted(d["name"] for d in after.docs("ikm").values()) == ["a", "c"]
    assert after.insert("ikm", business("d"), code_prefix="IKM")["id"] == 4
    after.update("ikm", 1, {"name": "a2"})
    again = Database(crashed, "sari")
    assert again.warnings == [] and sorted(d["name"] for d in again.docs("ikm").values()) == ["a2", "c", "d"]
    assert journal_of(crashed).read_bytes().startswith(states[0][1])  # nothing was cut at open


# ------------------------------------------------------------------------------ item 12: malformed shapes
def _ops_line(*ops: object, **extra: object) -> bytes:
    return orjson.dumps({"ts": "2026-12-01T09:00:00+07:00", "by": "x", **extra, "ops": list(ops)})


JOURNAL_SHAPES = {
    "ops-is-a-number": b'{"ops": 5}',
    "ops-missing": b'{"ts": "x", "by": "y"}',
    "line-is-a-list": b'[["put", "ikm", "1", {}]]',
    "line-is-null": b"null",
    "not-json": b"garbage",
    "change-not-a-list": _ops_line(5),
    "three-items": _ops_line(["put", "ikm", "1"]),
    "five-items": _ops_line(["put", "ikm", "1", {}, "extra"]),
    "unknown-kind": _ops_line(["upsert", "ikm", "1", {}]),
    "unknown-table": _ops_line(["put", "passwords", "1", {}]),
    "record-is-a-list": _ops_line(["put", "ikm", "1", ["name", "x"]]),
    "record-is-null": _ops_line(["put", "ikm", "1", None]),
    "record-is-text": _ops_line(["put", "ikm", "1", "x"]),
    "id-abc": _ops_line(["put", "ikm", "abc", {"name": "x"}]),
    "id-number": _ops_line(["put", "ikm", 7, {"name": "x"}]),
    "id-leading-zero": _ops_line(["put", "ikm", "007", {"name": "x"}]),
    "id-negative": _ops_line(["put", "ikm", "-1", {"name": "x"}]),
    "id-arabic-digits": _ops_line(["put", "ikm", "\u0663", {"name": "x"}]),
    "id-huge": _ops_line(["put", "ikm", "9" * 5000, {"name": "x"}]),
    "delete-with-record": _ops_line(["del", "ikm", "1", {"name": "x"}]),
    "meta-of-another-app": _ops_line(["put", "meta", "1", {"app": "other"}]),
    "meta-counters-a-number": _ops_line(["put", "meta", "1", {"app": APP_MARK, "counters": 5}]),
    "meta-other-id": _ops_line(["put", "meta", "2", {"app": APP_MARK}]),
    "snapshot-name-not-text": _ops_line(snapshot=5),
}


def _database_with_journal(path: Path) -> None:
    db = Database(path, "ani")
    db.insert("ikm", business("a"), code_prefix="IKM")  # line 1 of the journal


@pytest.mark.parametrize("bad", list(JOURNAL_SHAPES.values()), ids=list(JOURNAL_SHAPES))
def test_malformed_journal_line_refused_in_one_line_file_untouched(capsys, path: Path, bad: bytes) -> None:
    _database_with_journal(path)
    with journal_of(path).open("ab") as fh:
        fh.write(bad + b"\n")
    before = files_in(path.parent)
    with pytest.raises(DatabaseDamaged) as info:
        Database(path, "budi")
    message = str(info.value)
    assert "\n" not in message and str(journal_of(path)) in message and "journal line 2" in message
    assert files_in(path.parent) == before
    # ``ikmtui check`` finds it too: one line naming the file and the line, never "unexpected error".
    code, out, err = cli(capsys, "check", "--db", str(path))
    first = err.splitlines()[0]
    assert code == 2 and str(journal_of(path)) in first and "journal line 2" in first
    assert "unexpected error" not in err and "Traceback" not in err + out
    assert files_in(path.parent) == before


def _snapshot(**tables: object) -> bytes:
    data: dict = {name: {} for name in TABLES}
    data["meta"] = {META_ID: {"app": APP_MARK, "schema": SCHEMA_VERSION, "counters": {}}}
    data.update(tables)
    return orjson.dumps(data)


SNAPSHOT_SHAPES = {
    "key-abc": (_snapshot(ikm={"abc": business("x")}), 'record key "abc"'),
    "key-leading-zero": (_snapshot(ikm={"01": business("x")}), 'record key "01"'),
    "key-negative": (_snapshot(clusters={"-3": {"name": "x"}}), "table clusters"),
    "table-a-list": (_snapshot(ikm=[business("x")]), "table ikm"),
    "table-a-number": (_snapshot(sales=5), "table sales"),
    "record-null": (_snapshot(ikm={"1": None}), "table ikm"),
    "record-a-list": (_snapshot(ikm={"1": [1, 2]}), "table ikm"),
    "unknown-table-not-records": (_snapshot(extra="x"), "table extra"),
    "meta-schema-text": (_snapshot(meta={META_ID: {"app": APP_MARK, "schema": "1"}}), "schema"),
    "meta-counters-list": (_snapshot(meta={META_ID: {"app": APP_MARK, "counters": [1]}}), "counters"),
    "meta-last-ids-text": (_snapshot(meta={META_ID: {"app": APP_MARK, "last_ids": {"ikm": "9"}}}), "last_ids"),
    "meta-extra-key": (_snapshot(meta={META_ID: {"app": APP_MARK}, "x": {}}), "table meta"),
}


@pytest.mark.parametrize(("raw", "words"), list(SNAPSHOT_SHAPES.values()), ids=list(SNAPSHOT_SHAPES))
def test_malformed_snapshot_refused_in_one_line_file_untouched(capsys, path: Path, raw: bytes, words: str) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(raw)
    before = files_in(path.parent)
    with pytest.raises(DatabaseDamaged) as info:
        Database(path, "budi")
    message = str(info.value)
    assert "\n" not in message and str(path) in message and words in message
    code, out, err = cli(capsys, "check", "--db", str(path))
    assert code == 2 and str(path) in err.splitlines()[0] and words in err.splitlines()[0]
    assert "unexpected error" not in err and "Traceback" not in err + out
    assert files_in(path.parent) == before


def test_snapshot_that_is_not_an_object_is_foreign(path: Path) -> None:
    path.parent.mkdir(parents=True)
    for raw in (b"[1, 2]", b"5", b'"text"', b"null"):
        path.write_bytes(raw)
        with pytest.raises(ForeignFile):
            Database(path, "budi")
        assert path.read_bytes() == raw


@posix_only
@pytest.mark.parametrize("kind", ["dev-zero", "fifo", "folder"])
def test_device_fifo_or_folder_refused_at_once(capsys, tmp_path: Path, kind: str) -> None:
    if kind == "dev-zero":
        target = Path("/dev/zero")
    elif kind == "fifo":
        target = tmp_path / "pipe.json"
        os.mkfifo(target)
    else:
        target = tmp_path / "folder.json"
        target.mkdir()
    started = time.monotonic()
    with pytest.raises(NotAFile) as info:
        Database(target, "ani")
    assert str(target) in str(info.value) and "\n" not in str(info.value)
    for argv in (["check", "--db", str(target)], ["restore", str(target), "--db", str(tmp_path / "db.json"), "-y"]):
        code, _out, err = cli(capsys, *argv)
        assert code == 2 and str(target) in err and "unexpected error" not in err, err
    assert time.monotonic() - started < 2
    assert not Path(str(target) + ".lock").exists()  # nothing created beside it
    assert not (tmp_path / "db.json").exists()


@pytest.mark.parametrize("kind", ["brackets", "braces", "random", "digits", "meta-then-junk", "journal-line"])
def test_ten_megabytes_of_odd_input_gives_a_clear_message(capsys, path: Path, kind: str) -> None:
    size = 10 * 1024 * 1024
    path.parent.mkdir(parents=True)
    if kind == "journal-line":
        _database_with_journal(path)
        with journal_of(path).open("ab") as fh:
            fh.write(b'{"ops": [["put", "ikm", "2", {"name": "' + b"x" * size + b'"}]], "x": [' + b"\n")
    else:
        raw = {
            "brackets": b"[" * size,
            "braces": b'{"a":' * (size // 5),
            "random": os.urandom(size),
            "digits": b"9" * size,
            "meta-then-junk": _snapshot()[:-1] + b"," + b" " * size,
        }[kind]
        path.write_bytes(raw)
    before = files_in(path.parent)
    with pytest.raises(StorageError) as info:
        Database(path, "budi")
    assert "\n" not in str(info.value) and len(str(info.value)) < 500
    code, out, err = cli(capsys, "check", "--db", str(path))
    assert code == 2 and "unexpected error" not in err and "Traceback" not in err + out
    code, out, err = cli(capsys, "restore", str(path), "--db", str(path.with_name("other.json")), "-y")
    assert code == 2 and "Nothing was restored" in err and "unexpected error" not in err
    assert files_in(path.parent) == before


def test_restore_refuses_a_backup_with_a_malformed_journal_beside_it(capsys, tmp_path: Path, path: Path) -> None:
    source = tmp_path / "copy" / "db.json"
    _database_with_journal(source)
    with journal_of(source).open("ab") as fh:
        fh.write(_ops_line(["put", "ikm", "abc", {"name": "x"}]) + b"\n")
    Database(path, "ani").insert("ikm", business("kept"), code_prefix="IKM")
    code, _out, err = cli(capsys, "restore", str(source), "--db", str(path), "-y")
    assert code == 2 and "journal line 2" in err and "Nothing was restored" in err
    assert names(path) == ["kept"]


def test_restore_leaves_out_a_journal_beside_the_backup_that_belongs_to_another_snapshot(
    capsys, tmp_path: Path, path: Path
) -> None:
    source = tmp_path / "copy" / "db.json"
    db = Database(source, "ani")
    db.insert("ikm", business("in the snapshot"), code_prefix="IKM")
    db.compact()
    db.insert("ikm", business("in the journal"), code_prefix="IKM")
    other = tmp_path / "other.json"
    Database(other, "ani").insert("ikm", business("another database"), code_prefix="IKM")
    Database(other, "ani").compact()
    shutil.copyfile(other, source)  # the journal beside it now names a snapshot that is not there
    Database(path, "ani")
    code, _out, err = cli(capsys, "restore", str(source), "--db", str(path), "-y")
    assert code == 0 and "belongs to another copy" in err
    assert names(path) == ["another database"]


# ------------------------------------------------------------------------------ item 12: full disk at compaction
def test_full_disk_during_the_compaction_after_a_save_does_not_fail_the_save(path: Path, monkeypatch) -> None:
    db = Database(path, "ani", compact_bytes=1)  # every save is followed by a compaction
    db.insert("ikm", business("a"), code_prefix="IKM")
    snapshot_before = path.read_bytes()

    def disk_full(target: Path, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(target))

    monkeypatch.setattr(database_module, "atomic_write", disk_full)
    saved = db.insert("ikm", business("b"), code_prefix="IKM")  # returns normally: it is in the journal
    assert saved["id"] == 2
    assert path.read_bytes() == snapshot_before and journal_of(path).stat().st_size > 0
    assert names(path) == ["a", "b"]  # durable: a fresh process sees it
    monkeypatch.undo()
    db.insert("ikm", business("c"), code_prefix="IKM")  # room again: this save's compaction folds everything
    assert journal_of(path).stat().st_size == 0 and names(path) == ["a", "b", "c"]


def test_a_failed_save_is_still_reported(path: Path, monkeypatch) -> None:
    """Only the compaction after a commit is quiet: a journal write that fails still fails the save."""
    db = Database(path, "ani")

    def disk_full(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", disk_full)
    with pytest.raises(OSError):
        db.insert("ikm", business("a"), code_prefix="IKM")
    monkeypatch.undo()
    assert names(path) == []


# ------------------------------------------------------------------------------ item 13: refresh without waiting
def test_refresh_without_waiting_returns_at_once_while_this_process_compacts(path: Path, monkeypatch) -> None:
    db = Database(path, "ani")
    db.insert("ikm", business("a"), code_prefix="IKM")
    inside, go = threading.Event(), threading.Event()
    real_write = database_module.atomic_write

    def slow_write(target: Path, data: bytes) -> None:
        inside.set()
        go.wait(10)
        real_write(target, data)

    monkeypatch.setattr(database_module, "atomic_write", slow_write)
    worker = threading.Thread(target=db.compact)
    worker.start()
    assert inside.wait(5)
    started = time.monotonic()
    assert db.refresh(wait=False) is False
    assert time.monotonic() - started < 0.05
    go.set()
    worker.join(5)
    other = Database(path, "budi")
    other.insert("ikm", business("b"), code_prefix="IKM")
    assert db.refresh(wait=False) is True and db.count("ikm") == 2
    assert db.refresh(wait=False) is False


# ------------------------------------------------------------------------------ item 14: rotation, temp files
def test_rotation_deletes_only_backups_it_made(tmp_path: Path, path: Path) -> None:
    db = Database(path, "ani")
    out = tmp_path / "usb"
    out.mkdir()
    unrelated = [
        "db-manual-notes.json",
        "db-manual-2026.json",
        "db-manual-20261204-101010-000001.json.bak",
        "db-manual-20261204-101010-00001.json",
        "xdb-manual-20261204-101010-000001.json",
        "db-manualx-20261204-101010-000001.json",
        "db-manual-20261204-101010-000001-copy.json",
    ]
    for name in unrelated:
        (out / name).write_bytes(b"someone's file")
    made = [make_backup(path, out, keep=2, data=db._data) for _ in range(4)]
    left = sorted(p.name for p in out.iterdir())
    assert sorted([*unrelated, made[-2].name, made[-1].name]) == left
    assert all((out / name).read_bytes() == b"someone's file" for name in unrelated)


def test_daily_backup_is_not_fooled_by_a_look_alike(path: Path) -> None:
    from datetime import date

    Database(path, "ani")
    folder = backup_dir(path)
    folder.mkdir()
    (folder / "db-daily-20261204-notes.json").write_bytes(b"notes")
    assert daily_backup(path, today=date(2026, 12, 4)) is not None
    assert [p.name.split("-")[2] for p in daily_backups(path)] == ["20261204"]
    assert (folder / "db-daily-20261204-notes.json").read_bytes() == b"notes"


@posix_only
def test_a_symlink_planted_at_the_temp_name_does_not_receive_the_database(
    tmp_path: Path, path: Path, monkeypatch
) -> None:
    db = Database(path, "ani", compact_bytes=10**9)
    db.insert("ikm", business("secret NIK holder"), code_prefix="IKM")
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"not yours")
    planted = []
    names_given = iter([path.with_name(f".{path.name}.tmp-4242-deadbeef"), None])
    real_temp_name = files_module._temp_name

    def temp_name(target: Path) -> Path:
        name = next(names_given, None) or real_temp_name(target)
        if not planted:
            name.symlink_to(victim)  # the attacker guessed the name and planted a link there
            planted.append(name)
        return name

    monkeypatch.setattr(files_module, "_temp_name", temp_name)
    # Also the names the old scheme used (pid and thread id), had an attacker planted those.
    for guess in (f".{path.name}.tmp-{os.getpid()}-{threading.get_ident()}",):
        (path.parent / guess).symlink_to(victim)
    db.compact()
    assert victim.read_bytes() == b"not yours"
    assert planted[0].is_symlink()  # left alone (removed at the next open)
    assert names(path) == ["secret NIK holder"] and not path.is_symlink()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    Database(path, "budi")
    assert not planted[0].exists() and not planted[0].is_symlink() and victim.read_bytes() == b"not yours"


def test_atomic_write_temp_names_are_unpredictable(tmp_path: Path) -> None:
    target = tmp_path / "x.json"
    seen = {files_module._temp_name(target).name for _ in range(50)}
    assert len(seen) == 50
    atomic_write(target, b"{}")
    assert target.read_bytes() == b"{}" and [p.name for p in tmp_path.iterdir()] == ["x.json"]


# ------------------------------------------------------------------------------ item 14: read-only media
def _refuse_lock_creation(monkeypatch, lock: Path, err: int = errno.EROFS) -> None:
    """What a read-only folder or medium does to creating the lock file (root ignores chmod, so simulate)."""
    real_open = os.open

    def fake_open(file, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
        if os.fspath(file) == str(lock) and flags & (os.O_CREAT | os.O_WRONLY | os.O_RDWR):
            raise OSError(err, os.strerror(err), str(lock))
        return real_open(file, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake_open)


@pytest.mark.parametrize("err", [errno.EROFS, errno.EACCES])
def test_read_only_folder_opens_read_only_and_refuses_saves(monkeypatch, path: Path, err: int) -> None:
    db = Database(path, "ani")
    db.insert("ikm", business("a"), code_prefix="IKM")
    (path.with_name(path.name + ".lock")).unlink()
    before = files_in(path.parent)
    _refuse_lock_creation(monkeypatch, path.with_name(path.name + ".lock"), err)
    ro = Database(path, "budi")
    assert ro.read_only and [d["name"] for d in ro.docs("ikm").values()] == ["a"]
    assert any("read-only" in w for w in ro.warnings)
    with pytest.raises(ReadOnlyDatabase) as info:
        ro.insert("ikm", business("b"), code_prefix="IKM")
    assert "read-only" in str(info.value) and "Nothing was saved" in str(info.value)
    assert ro.refresh() is False and ro.refresh(wait=False) is False
    ro.close()  # no compaction attempted
    assert files_in(path.parent) == before


def test_an_older_schema_on_read_only_media_is_read_as_migrated_and_left_as_it_is(monkeypatch, path: Path) -> None:
    path.parent.mkdir(parents=True)
    old = {"meta": {META_ID: {"app": APP_MARK, "counters": {"IKM": 1}}}, "ikm": {"1": business("lama")}}
    path.write_bytes(orjson.dumps(old))  # schema 0: no version on records
    before = files_in(path.parent)
    _refuse_lock_creation(monkeypatch, path.with_name(path.name + ".lock"))
    ro = Database(path, "budi")
    assert ro.read_only and ro.meta["schema"] == SCHEMA_VERSION and ro.get("ikm", 1)["version"] == 1
    assert files_in(path.parent) == before and not backup_dir(path).exists()


def test_check_and_report_work_on_a_read_only_folder(capsys, monkeypatch, db_path: Path) -> None:
    """``check`` and ``report`` on a database whose folder cannot be written (lock creation refused: EROFS)."""
    path = db_path.resolve()
    before = files_in(path.parent)
    _refuse_lock_creation(monkeypatch, path.with_name(path.name + ".lock"))
    code, _out, err = cli(capsys, "check", "--db", str(path))
    assert code == 0, err
    assert "read-only" in err  # every command says so on stderr (stdout may be a report's data)
    code, out, err = cli(capsys, "report", "overview", "--db", str(path), "--format", "json")
    assert code == 0, err
    assert '"ikm"' in out and "read-only" not in out  # the figures alone on stdout
    assert files_in(path.parent) == before


# ------------------------------------------------------------------------------ item 8: leftovers of killed writes
def test_leftovers_of_a_killed_restore_and_backup_are_removed_at_open(path: Path) -> None:
    db = Database(path, "ani")
    db.insert("ikm", business("a"), code_prefix="IKM")
    folder = backup_dir(path)
    folder.mkdir(mode=0o700)
    dead = [
        folder / ".db-before-restore-20261204-101010-000001.json.tmp-4242-1",  # the old naming
        folder / ".db-manual-20261204-101010-000001.json.tmp-4242-a1b2c3d4e5f60718",
        folder / ".db-before-restore-20261204-101010-000001.json.journal.tmp-4242-ab",
        path.with_name(f".{path.name}.tmp-4242-ffee"),
    ]
    for leftover in dead:
        leftover.write_bytes(b'{"ikm": {"1": {"owner_nik": "3374015505800001"')  # a full copy, cut short
    unrelated = folder / ".db-notes.tmp"
    unrelated.write_bytes(b"x")
    Database(path, "budi")
    assert [p for p in dead if p.exists()] == []
    assert unrelated.exists()


@posix_only
def test_a_temp_file_still_being_written_is_left_alone(path: Path) -> None:
    import fcntl

    db = Database(path, "ani")
    folder = backup_dir(path)
    folder.mkdir(mode=0o700)
    live = folder / ".db-manual-20261204-101010-000001.json.tmp-999-abcd"
    with live.open("wb") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)  # as atomic_write holds it while writing
        Database(path, "budi")
        make_backup(path, data=db._data)
        assert live.exists()
    Database(path, "sari")
    assert not live.exists()
