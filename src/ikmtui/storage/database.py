"""The one module that owns TinyDB.

On disk a database is two files, and a third that only serves as a lock:

* ``NAME.json``: a snapshot in TinyDB's own JSON format (``{"table": {"id": doc}}``), replaced atomically
  (a temp file created exclusively, fsync, rename, fsync of the directory) and created readable by its owner only;
* ``NAME.json.journal``: committed transactions appended after the snapshot, one JSON line each, fsynced
  before a save is acknowledged. A torn last line (a crash mid-append) is ignored: it was never acknowledged.
  The first line names the snapshot it belongs to (``"snapshot": "<size>-<crc32>"`` of the snapshot's bytes).
  A journal that names another snapshot (``NAME.json`` was replaced from outside, e.g. a backup copied over it)
  is not replayed over it: if its changes are all in the snapshot already (a compaction that crashed before
  emptying it) there is nothing to replay, else it is set aside as ``NAME.json.journal.stale-<time>`` and
  :attr:`Database.warnings` says so. A journal without that name (written by an older ikmtui) is replayed as
  before. Every line is checked before it is applied: a malformed one is refused naming the file and the line;
* ``NAME.json.lock``: held with ``flock`` by whoever writes. After taking it, and again right before anything is
  written, the held file is checked to still be the one at that path: a lock file deleted or replaced meanwhile
  (which would let a second process take a lock of its own) makes the save fail with nothing written. Appends
  and truncations also hold a flock on the journal and refuse if it holds complete lines they did not read, so
  even two writers in that instant take turns and the second one refuses rather than overwrite a save;
* ``NAME.json.open``: held with a shared ``flock`` by every process that has the database open. The last one to
  close (the only one that can turn its shared lock into an exclusive one) folds the journal into the snapshot,
  so that when no ikmtui runs ``NAME.json`` alone is the whole database, readable by plain TinyDB. A process
  that closes while others are open leaves the journal to them; a killed one leaves it to the next open.

The path is resolved first (symlinks, ``..``), so two paths to one file share one journal and one lock, and a
symlink to the database stays a symlink (the real file is what gets replaced).

In memory the whole database is loaded once and read without touching the disk. Every write takes the
exclusive lock, first catches up with what other processes committed (the journal tail, or the whole
file after a compaction), then applies on top of the newest data, so no update is lost. Each record carries a
version; an update that names the version it started from is refused if someone saved in between.

Readers never see a half-applied transaction: a commit builds new table dictionaries and swaps them in with a
single assignment, so a reader iterating a table keeps a consistent copy.

Where the lock file cannot be created (a read-only folder or medium), the database opens read-only: reading,
``check`` and reports work, and any save is refused with a clear message.

Temp files of writes, backups and restores killed before their rename (full copies of the personal data) are
removed at open, beside the database and in its backups folder, once their writer is gone: a live writer holds
a flock on its temp file.
"""

from __future__ import annotations

import collections
import contextlib
import errno
import gc
import os
import stat as stat_
import threading
import time
import weakref
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
from tinydb import TinyDB
from tinydb.queries import QueryLike
from tinydb.storages import Storage

from ikmtui import clock
from ikmtui.storage import migrations
from ikmtui.storage.errors import (
    DatabaseDamaged,
    DatabaseLocked,
    ForeignFile,
    LockLost,
    NewerSchema,
    NotAFile,
    ReadOnlyDatabase,
    RecordMissing,
    StaleRecord,
    StorageError,
)
from ikmtui.storage.files import (
    CLOEXEC,
    NOFOLLOW,
    NONBLOCK,
    atomic_write,
    backup_dir,
    fsync_dir,
    read_regular,
    refuse_non_file,
    remove_abandoned_temps,
    write_backup,
)
from ikmtui.storage.schema import (
    APP_MARK,
    META_ID,
    PRIVATE_FIELDS,
    SCHEMA_VERSION,
    TABLES,
    UNBINNED,
    Doc,
    Tables,
    is_record_id,
)

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: filelock's own lock, without the inode check
    fcntl = None  # type: ignore[assignment]

#: Compact the journal into the snapshot once it passes this size (or a quarter of the snapshot).
JOURNAL_COMPACT_BYTES = 8 * 1024 * 1024

Op = tuple[str, str, str, Doc | None]  # (table, id, doc or None for a delete) -> ("put"|"del", ...)

#: Creating the lock file fails with these on a read-only folder or medium: open read-only instead.
_READ_ONLY_ERRNOS = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})


def load_json(raw: bytes) -> Any:
    """``orjson.loads`` for a whole database, with Python's cycle collector held off and the result frozen.

    A 100,000-IKM file is a few million dicts, lists and strings. While they are being created the cycle
    collector runs again and again over everything made so far (it counts allocations, not cycles): a measured
    2.5x slowdown of the parse. Afterwards, ``gc.freeze`` moves them out of the collector's sight, so a later
    full collection does not walk them (a pause felt as a slow keystroke). JSON holds no reference cycles, so
    these documents are still freed by reference counting when a change replaces them.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return orjson.loads(raw)
    finally:
        if enabled:
            gc.enable()
        gc.freeze()


def now_iso() -> str:
    return clock.now().isoformat(timespec="seconds")


def resolve(path: str | os.PathLike[str]) -> Path:
    """The real path of a database (symlinks and ``..`` resolved): one file, one journal, one lock."""
    return Path(os.path.realpath(os.fspath(path)))


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


def open_path(db_path: Path) -> Path:
    """The file every process holding the database open keeps a shared flock on (see the module's doc)."""
    return db_path.with_name(db_path.name + ".open")


_HELD: collections.deque[_Presence] = collections.deque()
#: Every Database of this process that is not closed yet (a command closes those it opened, see ``open_databases``).
_OPEN: weakref.WeakSet[Database] = weakref.WeakSet()


def open_databases() -> list[Database]:
    """The databases this process opened and has not closed yet."""
    return list(_OPEN)


#: Presence locks one process holds at most. A process that opens many databases without closing them (a test
#: run: thousands) must not run out of file descriptors; beyond this the oldest lets go of its lock.
PRESENCE_LIMIT = 64


class _Presence:
    """A shared flock on ``NAME.json.open`` while a Database is open: how the last to close knows it is the last.

    It only decides whether a close folds the journal; nothing depends on it for safety (a fold under the write
    lock is always safe, it merely makes the others read the new snapshot). So where the file cannot be made,
    there is no presence and a close folds as before.
    """

    def __init__(self, path: Path, timeout: float) -> None:
        self._fd: int | None = None
        if fcntl is None:  # pragma: no cover - Windows: every close folds
            return
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | NOFOLLOW | CLOEXEC, 0o600)
        except OSError:
            return
        deadline = time.monotonic() + timeout
        while True:  # an exclusive holder is a last closer folding the journal: a second or two at most
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    return
                time.sleep(0.01)
        self._fd = fd
        self._release = weakref.finalize(self, os.close, fd)  # a Database dropped unclosed lets go too
        _HELD.append(self)
        while len(_HELD) > PRESENCE_LIMIT:  # the oldest lets go: it then folds when closed, as before
            _HELD.popleft().release()

    def last(self) -> bool:
        """Whether no other open Database (here or in another process) holds it; if so it is kept exclusive
        until :meth:`release`, so that nobody opens in the middle of the fold."""
        if self._fd is None:
            return True
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def release(self) -> None:
        if self._fd is not None:
            self._fd = None
            self._release()
            with contextlib.suppress(ValueError):
                _HELD.remove(self)


def fingerprint(raw: bytes) -> str:
    """What a journal's first line names its snapshot by: size and CRC-32 of its bytes (cheap: ~13 ms/50 MB)."""
    return f"{len(raw)}-{zlib.crc32(raw):08x}"


class _Lock:
    """``NAME.json.lock`` held with ``flock``, reentrant, and checked to still be the file at that path.

    ``flock`` locks an inode, not a name: if the file is deleted (or replaced) while held, the next process
    creates a new file and locks that one, and two processes both "hold the lock". So after taking it, the
    held descriptor must be the file the path names (else it is let go and taken again), and
    :meth:`still_held` checks the same right before a write. The file stays in place on release, so every
    waiter locks the same inode.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._depth = 0
        self._fallback: Any = None
        if fcntl is None:  # pragma: no cover - Windows
            from filelock import FileLock

            self._fallback = FileLock(str(path), mode=0o600)

    def acquire(self, timeout: float) -> bool:
        """Take the lock within ``timeout`` seconds (0: one try); False if another process keeps it."""
        if self._depth:
            self._depth += 1
            return True
        if self._fallback is not None:  # pragma: no cover - Windows
            from filelock import Timeout

            try:
                self._fallback.acquire(timeout=timeout)
            except Timeout:
                return False
            self._depth = 1
            return True
        deadline = time.monotonic() + max(timeout, 0.0)
        delay = 0.002
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | NOFOLLOW | CLOEXEC, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                now = time.monotonic()
                if now >= deadline:
                    return False
                time.sleep(min(delay, deadline - now))
                delay = min(delay * 2, 0.05)
                continue
            except BaseException:
                os.close(fd)
                raise
            if self._names(fd):
                self._fd, self._depth = fd, 1
                return True
            os.close(fd)  # removed or replaced between our open and our lock: the lock lives on the new file
            if time.monotonic() >= deadline:
                return False

    def _names(self, fd: int) -> bool:
        try:
            return os.path.samestat(os.fstat(fd), os.lstat(self.path))
        except FileNotFoundError:
            return False

    def still_held(self) -> bool:
        """Whether the held file is still the one at the path (nobody could have taken a lock of their own)."""
        if self._fallback is not None:  # pragma: no cover - Windows
            return True
        return self._fd is not None and self._names(self._fd)

    def release(self) -> None:
        self._depth -= 1
        if self._depth:
            return
        if self._fallback is not None:  # pragma: no cover - Windows
            self._fallback.release()
            return
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)  # closing the last descriptor releases the flock


@contextlib.contextmanager
def locked_path(db_path: Path, timeout: float = 15.0) -> Iterator[_Lock]:
    """Hold a database's lock (for writers that are not a :class:`Database`: create, replace a damaged file)."""
    lock = _Lock(lock_path(db_path))
    if not lock.acquire(timeout):
        raise DatabaseLocked(db_path, timeout)
    try:
        yield lock
    finally:
        lock.release()


# ---------------------------------------------------------------------------------------------- checking shapes
def _show(value: object, limit: int = 40) -> str:
    """A value as it appears in the file, shortened, on one line (JSON escapes newlines)."""
    try:
        text = orjson.dumps(value).decode()
    except TypeError:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _meta_problem(doc: Doc) -> str | None:
    """What is wrong with the settings record (``meta`` 1), or None."""
    from ikmtui.i18n import _

    if doc.get("app") != APP_MARK:
        return _("the settings record (meta) is not ikmtui's")
    schema = doc.get("schema", 0)
    bad = None if type(schema) is int else "schema"
    for field in ("counters", "last_ids"):
        value = doc.get(field, {})
        if not isinstance(value, dict) or not all(type(v) is int for v in value.values()):
            bad = bad or field
    if bad:
        return _("the settings record (meta) has a damaged field {field}", field=bad)
    return None


def _op_problem(op: object) -> str | None:
    """What is wrong with one change of a journal line, or None."""
    from ikmtui.i18n import _

    if not isinstance(op, list) or len(op) != 4:
        return _("a change {op} is not [kind, table, id, record]", op=_show(op))
    kind, table, record_id, doc = op
    if kind not in ("put", "del"):
        return _("a change has an unknown kind {kind}", kind=_show(kind))
    if table not in TABLES:
        return _("a change names an unknown table {table}", table=_show(table))
    if not is_record_id(record_id):
        return _("record id {id} in {table} is not a decimal number", id=_show(record_id), table=table)
    if kind == "del":
        return None if doc is None else _("the deletion of {table} {id} carries a record", table=table, id=record_id)
    if not isinstance(doc, dict):
        return _(
            "the record for {table} {id} is {value}, not a set of fields", table=table, id=record_id, value=_show(doc)
        )
    if table == "meta":
        return _("the settings record (meta) has id {id}", id=record_id) if record_id != META_ID else _meta_problem(doc)
    return None


def _entry_ops(journal: Path, number: int, line: bytes) -> tuple[str | None, list[Op]]:
    """The snapshot a journal line names (if any) and its changes, or :class:`DatabaseDamaged` naming the line."""
    from ikmtui.i18n import _

    try:
        entry = orjson.loads(line)
    except orjson.JSONDecodeError:
        raise DatabaseDamaged(journal, _("journal line {n} is unreadable", n=number)) from None
    ops = entry.get("ops") if isinstance(entry, dict) else None
    problem: str | None
    if not isinstance(ops, list):
        problem = _("it is not a transaction (an object with a list of changes): {value}", value=_show(entry))
    else:
        header = entry.get("snapshot")
        problem = (
            None
            if header is None or isinstance(header, str)
            else _("the snapshot it names is {value}, not a text", value=_show(header))
        )
        for op in ops:
            problem = problem or _op_problem(op)
    if problem or not isinstance(ops, list):
        raise DatabaseDamaged(journal, _("journal line {n}: {problem}", n=number, problem=problem))
    snapshot: str | None = entry.get("snapshot")  # checked above: a text or absent
    return snapshot, ops


def _snapshot_problem(data: dict[str, Any]) -> str | None:
    """What is wrong with the tables of a snapshot that carries ikmtui's mark, or None."""
    from ikmtui.i18n import _

    for name, table in data.items():
        if not isinstance(table, dict) or not set(map(type, table.values())) <= {dict}:
            return _("table {table} is not a set of records", table=name)
        if not all(map(is_record_id, table)):
            key = next(k for k in table if not is_record_id(k))
            return _("table {table}: record key {key} is not a decimal id", table=name, key=_show(key))
    return _meta_problem(data["meta"][META_ID])


def apply_ops(tables: Tables, entries: list[list[Op]]) -> dict[str, dict[str, Doc]]:
    """The tables that ``entries`` (the changes of journal lines, in order) touch, as new dicts with them applied."""
    changed: dict[str, dict[str, Doc]] = {}
    for ops in entries:
        for _kind, table, record_id, doc in ops:
            target = changed.get(table)
            if target is None:
                target = changed[table] = dict(tables.get(table, {}))
            if doc is not None:  # a put (a del carries no record: checked when its line was read)
                target[record_id] = doc
            else:
                target.pop(record_id, None)
    return changed


class Journal:
    """The complete lines of a journal (or of its tail), each checked; a torn last line is left out."""

    def __init__(self, path: Path, raw: bytes, first_line: int = 1) -> None:
        end = raw.rfind(b"\n")
        self.consumed = end + 1  # bytes of complete lines; what follows is a torn line (never acknowledged)
        self.lines = 0
        self.headers: list[str | None] = []  # the snapshot each line names (the first line, or after a crash)
        self.entries: list[list[Op]] = []
        for number, line in enumerate(raw[: self.consumed].splitlines(), first_line):
            self.lines += 1
            if line.strip():
                header, ops = _entry_ops(path, number, line)
                self.headers.append(header)
                self.entries.append(ops)

    def start_over(self, tables: Tables, snapshot_print: str) -> int | None:
        """Which line (index into ``entries``) to replay from over the snapshot with ``snapshot_print``, read from
        the start of the file; ``None`` if the journal belongs to another snapshot and must not be replayed.

        * the first line names this snapshot, or none (an older ikmtui): all of it;
        * else what comes before the first line naming this snapshot (or all, if none does) must be changes the
          snapshot already holds: a compaction that crashed between its rename and emptying the journal, maybe
          with saves appended since (their first line names the new snapshot). Replay from that line (or
          nothing). The first, not the last: two processes that opened before either saved each name the
          snapshot in their first line, and the lines between the two are not in it;
        * else the snapshot was replaced from outside (a backup copied over it): the journal is stale.
        """
        if not self.entries or self.headers[0] in (None, snapshot_print):
            return 0
        ours = [i for i, header in enumerate(self.headers) if header == snapshot_print]
        start = ours[0] if ours else len(self.entries)
        changed = apply_ops(tables, self.entries[:start])
        if all(tables.get(name) == table for name, table in changed.items()):
            return start
        return None


def parse_journal_file(journal: Path, tables: Tables, snapshot_print: str) -> tuple[dict[str, dict[str, Doc]], str]:
    """The journal beside a snapshot read for a copy (restore), applied: (changed tables, "") if it belongs to
    the snapshot, ({}, why not) if it belongs to another one. Nothing is written."""
    from ikmtui.i18n import _

    try:
        _info, raw = read_regular(journal)
    except FileNotFoundError:
        return {}, ""
    read = Journal(journal, raw)
    start = read.start_over(tables, snapshot_print)
    if start is None:
        return {}, _("{journal} belongs to another copy of the database; its changes were not applied", journal=journal)
    return apply_ops(tables, read.entries[start:]), ""


class _MemoryStorage(Storage):
    """What TinyDB reads through: the database's current in-memory tables. Writes go through ``Database``."""

    def __init__(self, owner: Database) -> None:
        self._owner = owner

    def read(self) -> Tables:
        return self._owner._data

    def write(self, data: Tables) -> None:  # pragma: no cover - guarded: TinyDB is only used for reading
        raise RuntimeError("write through ikmtui.storage.Database, not TinyDB directly")


class Transaction:
    """Changes staged under the database lock and committed as one journal line (all or nothing)."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._tables: dict[str, dict[str, Doc]] = {}  # copies of the tables this transaction touches
        self.ops: list[Op] = []
        self.ts = db.clock()
        self._ids: dict[str, int] = {}
        self._meta_doc: Doc | None = None

    # Reads inside a transaction see its own staged changes.
    def table(self, name: str) -> dict[str, Doc]:
        # ``in``, not ``or``: a staged table this transaction emptied is ``{}``, not "untouched".
        return self._tables[name] if name in self._tables else self._db._data[name]

    def get(self, table: str, record_id: int) -> Doc | None:
        doc = self.table(table).get(str(record_id))
        return None if doc is None else {**doc, "id": int(record_id)}

    def current(self, table: str, record_id: int, expected_version: int | None = None) -> Doc:
        """The record as it stands in this transaction; :class:`RecordMissing` if there is none, and
        :class:`StaleRecord` (naming who saved it, and when) if it moved past ``expected_version``."""
        doc = self.get(table, record_id)
        if doc is None:
            raise RecordMissing(table, record_id)
        if expected_version is not None and doc.get("version") != expected_version:
            raise StaleRecord(
                doc.get("code") or f"{table} {record_id}",
                doc.get("updated_by", "?"),
                doc.get("updated_at", "?"),
                staff=self.table("staff"),
            )
        return doc

    def _writable(self, name: str) -> dict[str, Doc]:
        if name not in self._tables:
            self._tables[name] = dict(self._db._data[name])
        return self._tables[name]

    def _put(self, table: str, record_id: str, doc: Doc | None) -> None:
        target = self._writable(table)
        if doc is None:
            target.pop(record_id, None)
        else:
            target[record_id] = doc
        self.ops.append(("put" if doc is not None else "del", table, record_id, doc))

    def _meta(self) -> Doc:
        if self._meta_doc is None:  # a copy deep enough that staging never touches committed data
            meta = self.table("meta")[META_ID]
            self._meta_doc = {
                **meta,
                "counters": dict(meta.get("counters", {})),
                "last_ids": dict(meta.get("last_ids", {})),
            }
        return self._meta_doc

    def _next_id(self, table: str) -> int:
        """Ids are never reused, not even after a delete: the last one handed out is kept in ``meta``."""
        nxt = self._ids.get(table)
        if nxt is None:
            nxt = self._db._next_id(table)
            if table != "audit":  # audit entries are never deleted: max + 1 is enough
                nxt = max(nxt, self._meta().get("last_ids", {}).get(table, 0) + 1)
        self._ids[table] = nxt + 1
        return nxt

    def counters(self) -> dict[str, int]:
        """Named counters kept in ``meta`` (codes, certificate sequences), as staged in this transaction;
        change them in place and they commit with it."""
        counters: dict[str, int] = self._meta()["counters"]
        return counters

    def _next_code(self, prefix: str, per_year: bool) -> str:
        counters = self._meta()["counters"]
        key = f"{prefix}-{self.ts[:4]}" if per_year else prefix
        counters[key] = counters.get(key, 0) + 1
        return f"{key}-{counters[key]:04d}" if per_year else f"{key}-{counters[key]:06d}"

    def _finish(self) -> None:
        """Record handed-out ids and codes in ``meta`` as part of the same commit."""
        issued = {t: n - 1 for t, n in self._ids.items() if t != "audit"}
        if issued:
            self._meta()["last_ids"].update(issued)
        if self._meta_doc is not None:
            self._put("meta", META_ID, self._meta_doc)

    def insert(self, table: str, doc: Doc, *, code_prefix: str | None = None, per_year: bool = False) -> Doc:
        """Add a record; it gets an id, a code (if ``code_prefix``), version 1 and who/when stamps."""
        record_id = self._next_id(table)
        stored = {k: v for k, v in doc.items() if k != "id"}
        if code_prefix and not stored.get("code"):
            stored["code"] = self._next_code(code_prefix, per_year)
        user = self._db.user
        stored.update(version=1, created_at=self.ts, created_by=user, updated_at=self.ts, updated_by=user)
        self._put(table, str(record_id), stored)
        self._audit("insert", table, record_id, stored, sorted(doc))
        return {**stored, "id": record_id}

    def update(self, table: str, record_id: int, changes: Doc, *, expected_version: int | None = None) -> Doc:
        """Change fields of a record; refused with :class:`StaleRecord` if it moved past ``expected_version``.
        The audit entry keeps what each changed field was and became (a private field: only that it changed)."""
        current = self.current(table, record_id, expected_version)
        del current["id"]
        changed = sorted(k for k, v in changes.items() if k != "id" and current.get(k) != v)
        stored = {**current, **{k: v for k, v in changes.items() if k != "id"}}
        stored.update(version=current.get("version", 0) + 1, updated_at=self.ts, updated_by=self._db.user)
        self._put(table, str(record_id), stored)
        values = {k: [current.get(k), stored.get(k)] for k in changed if k not in PRIVATE_FIELDS}
        self._audit("update", table, record_id, stored, changed, values)
        return {**stored, "id": int(record_id)}

    def delete(self, table: str, record_id: int, *, expected_version: int | None = None, reason: str = "") -> None:
        """Remove a record; an officer's record is kept in the recycle bin (who, when, why) for a supervisor to
        restore. Its id and code are never handed out again (``meta`` keeps the last ones)."""
        current = self.current(table, record_id, expected_version)
        del current["id"]
        self._put(table, str(record_id), None)
        self._audit("delete", table, record_id, current, [])
        if table not in UNBINNED:
            binned = {
                "table": table,
                "record_id": int(record_id),
                "code": current.get("code", ""),
                "doc": current,
                "deleted_at": self.ts,
                "deleted_by": self._db.user,
                "reason": reason,
            }
            self._put("recycle_bin", str(self._next_id("recycle_bin")), binned)

    def put_back(self, bin_id: int) -> Doc:
        """Bring a record back from the recycle bin under its own id and code (neither was handed out again:
        ``meta`` keeps the last ones), one version on; the bin's entry is marked restored (by whom, when)."""
        binned = self.current("recycle_bin", bin_id)
        table, record_id = str(binned["table"]), int(binned["record_id"])
        doc = dict(binned["doc"])
        doc.update(version=int(doc.get("version", 0)) + 1, updated_at=self.ts, updated_by=self._db.user)
        self._put(table, str(record_id), doc)
        del binned["id"]
        self._put("recycle_bin", str(bin_id), {**binned, "restored_at": self.ts, "restored_by": self._db.user})
        self._entry("restore", table, record_id, doc.get("code", ""), [], detail=str(binned.get("reason") or ""))
        return {**doc, "id": record_id}

    def log(self, action: str, table: str, record_id: int | None, code: str = "", detail: str = "") -> None:
        """An audit entry for something that is not a change, e.g. personal data viewed or exported."""
        self._entry(action, table, record_id, code, [], detail=detail)

    def _audit(
        self, action: str, table: str, record_id: int, doc: Doc, fields: list[str], values: Doc | None = None
    ) -> None:
        if table in ("audit", "meta", "signin"):  # sign-in counters are logged as signin / signin.failed
            return
        # ``changes``: [was, became] of each changed field but the private ones, named in ``fields`` only.
        extra = {"changes": values} if values else {}
        self._entry(action, table, record_id, doc.get("code", ""), fields, **extra)

    def _entry(
        self, action: str, table: str, record_id: int | None, code: str, fields: list[str], **extra: Any
    ) -> None:
        entry = {"ts": self.ts, "user": self._db.user, "action": action, "table": table, "record_id": record_id}
        self._put("audit", str(self._next_id("audit")), {**entry, "code": code, "fields": fields, **extra})


class Database:
    """An ikmtui database file: loaded once, read from memory, written through locked transactions."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        user: str,
        *,
        create: bool = True,
        lock_timeout: float = 15.0,
        clock: Callable[[], str] = now_iso,
        compact_bytes: int = JOURNAL_COMPACT_BYTES,
    ) -> None:
        self.path = resolve(path)  # before anything is opened: two paths to one file are one database
        self.journal_path = self.path.with_name(self.path.name + ".journal")
        self.user = user
        self.clock = clock
        self.lock_timeout = lock_timeout
        self.compact_bytes = compact_bytes
        self._lock = _Lock(lock_path(self.path))
        self._mutex = threading.RLock()
        self._data: Tables = {}
        self._next_ids: dict[str, int] = {}
        self._stamp: tuple[int, int, int] | None = None
        self._print = ""  # fingerprint of the snapshot in memory, named by the journal's first line
        self._journal_pos = 0
        self._journal_lines = 0
        self._journal_id: tuple[int, int] | None = None
        self._needs_header = False  # the journal holds only lines folded in already (a crashed compaction)
        self._listeners: list[Callable[[], None]] = []
        #: Things the officer should be told (a stale journal set aside, opened read-only); shown by the app/CLI.
        self.warnings: list[str] = []
        #: Opened where the lock file cannot be created (read-only folder or medium): every save is refused.
        self.read_only = False
        #: Checks run on every transaction before it commits (e.g. the acting officer's role); raise to refuse.
        self.guards: list[Callable[[Transaction], None]] = []
        #: Fold the journal in a background thread rather than in the save that filled it (set by the app).
        self.compact_in_background = False
        self._compactor: threading.Thread | None = None
        self._news = False  # another process's saves were read in by a compaction, not yet told by refresh
        self._tinydb = TinyDB(storage=lambda: _MemoryStorage(self))
        refuse_non_file(self.path)  # a folder, FIFO or device: refused before a lock file is created beside it
        if not self.path.exists():
            if not create:
                raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(self.path))
            self._create()
        try:
            got = self._lock.acquire(self.lock_timeout)
        except OSError as exc:
            if exc.errno not in _READ_ONLY_ERRNOS:
                raise
            self._open_read_only(exc)
        else:
            if not got:
                raise DatabaseLocked(self.path, self.lock_timeout)
            try:
                self._load()
                self._remove_leftovers()
            finally:
                self._lock.release()
        self._check_schema()
        # Taken once the file proved to be a database (a refused file gets nothing beside it but the lock).
        self._presence = _Presence(open_path(self.path), self.lock_timeout) if not self.read_only else None
        self.closed = False
        _OPEN.add(self)

    # ------------------------------------------------------------------ opening
    def _create(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._locked():
            if self.path.exists():  # another process created it while we waited
                return
            ts = self.clock()
            tables: Tables = {name: {} for name in TABLES}
            tables["meta"][META_ID] = {
                "app": APP_MARK,
                "schema": SCHEMA_VERSION,
                "created_at": ts,
                "created_by": self.user,
                "counters": {},
            }
            self._write_snapshot_file(orjson.dumps(tables))

    def _open_read_only(self, exc: OSError) -> None:
        """No lock can be created here: read without it (a reader never writes), refuse every save."""
        from ikmtui.i18n import _

        self.read_only = True
        self.warnings.append(
            _(
                "{path} is open read-only: its lock file cannot be created ({reason}); nothing can be saved",
                path=self.path,
                reason=exc.strerror or exc,
            )
        )
        for _attempt in range(5):  # without the lock a compaction may replace the snapshot while we read
            self._load()
            if self._snapshot_stamp() == self._stamp:
                break

    def _snapshot_stamp(self) -> tuple[int, int, int] | None:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return None
        return (stat.st_ino, stat.st_mtime_ns, stat.st_size)

    def _load(self) -> None:
        """Read snapshot and journal from disk (caller holds the lock, or the database is read-only)."""
        try:
            stat, raw = read_regular(self.path)
        except StorageError:
            raise
        except OSError as exc:
            raise DatabaseDamaged(self.path, exc.strerror or str(exc)) from None
        self._data = self.parse_snapshot(self.path, raw)
        self._print = fingerprint(raw)
        del raw
        self._stamp = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        self._journal_pos = self._journal_lines = 0
        self._journal_id = None
        self._needs_header = False
        self._next_ids.clear()
        self._replay_journal(from_start=True)
        self._tables_changed()

    @staticmethod
    def parse_snapshot(path: Path, raw: bytes) -> Tables:
        """Check that ``raw`` is an ikmtui database and return its tables; the file itself is never touched."""
        from ikmtui.i18n import _

        if not raw.strip():
            raise DatabaseDamaged(path, _("the file is empty"))
        try:
            data = load_json(raw)
        except orjson.JSONDecodeError as exc:
            if raw.lstrip()[:1] not in (b"{", b"["):
                raise ForeignFile(path) from None
            raise DatabaseDamaged(path, _("the JSON is cut off or broken ({detail})", detail=str(exc))) from None
        if not isinstance(data, dict):
            raise ForeignFile(path)
        meta = data.get("meta")
        if (
            not isinstance(meta, dict)
            or not isinstance(meta.get(META_ID), dict)
            or meta[META_ID].get("app") != APP_MARK
        ):
            raise ForeignFile(path)
        for name in TABLES:
            data.setdefault(name, {})
        problem = _snapshot_problem(data)
        if problem:
            raise DatabaseDamaged(path, problem)
        return data

    @staticmethod
    def read_snapshot(path: Path) -> Tables:
        """:meth:`parse_snapshot` of a file, which must be a regular one (not a folder, FIFO or device)."""
        _info, raw = read_regular(path)
        return Database.parse_snapshot(path, raw)

    def _replay_journal(self, *, from_start: bool = False) -> bool:
        """Apply journal lines written since we last looked; a torn last line is skipped. Returns changed."""
        try:
            fd = os.open(self.journal_path, os.O_RDONLY | NONBLOCK | CLOEXEC)
        except FileNotFoundError:
            return False
        try:
            info = os.fstat(fd)
            if not stat_.S_ISREG(info.st_mode):
                raise NotAFile(self.journal_path, folder=stat_.S_ISDIR(info.st_mode))
            os.lseek(fd, self._journal_pos, os.SEEK_SET)
            with open(fd, "rb", buffering=0, closefd=False) as fh:
                tail = fh.read()
        finally:
            os.close(fd)
        self._journal_id = (info.st_dev, info.st_ino)
        read = Journal(self.journal_path, tail, self._journal_lines + 1)
        start: int | None = 0
        if from_start:
            start = read.start_over(self._data, self._print)
            if start is None:
                self._set_aside_journal()
                if self.read_only:  # left where it is: skip it, so that no later catch-up replays it
                    self._journal_pos, self._journal_lines = read.consumed, read.lines
                return False
            # Lines before ``start`` are in the snapshot already; if none names it, the next save must.
            self._needs_header = bool(read.entries) and start == len(read.entries)
        changed = apply_ops(self._data, read.entries[start:])
        self._journal_pos += read.consumed
        self._journal_lines += read.lines
        if changed:
            self._data = {**self._data, **changed}
            for table in changed:
                self._next_ids.pop(table, None)
        return bool(changed)

    def _set_aside_journal(self) -> None:
        """The journal names another snapshot (``NAME.json`` was replaced from outside): never replay it."""
        from ikmtui.i18n import _

        if self.read_only:
            self.warnings.append(
                _(
                    "The journal {journal} belongs to another copy of the database (the file was "
                    "replaced, e.g. by copying a backup over it); its changes were not applied",
                    journal=self.journal_path,
                )
            )
            return
        aside = self.journal_path.with_name(
            f"{self.journal_path.name}.stale-{clock.now().strftime('%Y%m%d-%H%M%S-%f')}"
        )
        os.chmod(self.journal_path, 0o600)
        os.replace(self.journal_path, aside)
        fsync_dir(self.path.parent)
        self._journal_id = None
        self.warnings.append(
            _(
                "The journal {journal} belongs to another copy of the database (the file was "
                "replaced, e.g. by copying a backup over it); its changes were not applied and "
                "it was kept as {aside}",
                journal=self.journal_path,
                aside=aside,
            )
        )

    def _remove_leftovers(self) -> None:
        """Temp files of writes and backups (restore's included) that were killed before their rename.

        They may hold a full copy of the personal data that nobody would ever find; a writer still at work
        holds a flock on its temp file, so only the dead ones go.
        """
        remove_abandoned_temps(self.path.parent, f".{self.path.name}.tmp-*")
        remove_abandoned_temps(backup_dir(self.path), f".{self.path.stem}-*.json*.tmp-*")

    def _check_schema(self) -> None:
        found = int(self._data["meta"][META_ID].get("schema", 0))
        if found > SCHEMA_VERSION:
            raise NewerSchema(self.path, found, SCHEMA_VERSION)
        if found == SCHEMA_VERSION:
            return
        if self.read_only:  # nothing can be written there: read it as this version knows it, leave the file be
            self._data = migrations.migrate(self._data, found)
            self._next_ids.clear()
            return
        # A copy as it was, before the first step: a failed migration never costs data.
        write_backup(self.path, self._data, reason=f"schema{found}")
        self.write_snapshot(migrations.migrate(self._data, found))

    # ------------------------------------------------------------------ locking and freshness
    @contextlib.contextmanager
    def _locked(self, timeout: float | None = None) -> Iterator[None]:
        timeout = self.lock_timeout if timeout is None else timeout
        with self._mutex:
            if not self._lock.acquire(timeout):
                raise DatabaseLocked(self.path, timeout)
            try:
                yield
            finally:
                self._lock.release()

    def _check_lock(self) -> None:
        """Right before a write: our lock file is still the one at its path, or nothing is written."""
        if not self._lock.still_held():
            raise LockLost(self.path)

    def _catch_up(self) -> bool:
        """Bring memory up to what is on disk (caller holds the lock). Returns whether anything changed."""
        stamp = self._snapshot_stamp()
        if stamp is None:
            from ikmtui.i18n import _

            raise DatabaseDamaged(self.path, _("the file was removed"))
        if stamp != self._stamp or self._journal_replaced():
            self._load()  # another process compacted (or restored): start over from the new snapshot
            return True
        if self._replay_journal():
            self._tables_changed()
            return True
        return False

    def _journal_replaced(self) -> bool:
        """The journal is not the file we read (set aside or removed, then started anew) or shorter than read."""
        try:
            info = self.journal_path.stat()
        except FileNotFoundError:
            return self._journal_pos > 0
        return info.st_size < self._journal_pos or (
            self._journal_id is not None and (info.st_dev, info.st_ino) != self._journal_id
        )

    def refresh(self, wait: bool = True) -> bool:
        """Pick up what other processes saved. Cheap when nothing changed (one stat and one seek).

        With ``wait=False`` it never waits for another process (or for this one's compaction thread): if the
        lock is busy it returns False at once and the next call tries again. That is what an app's timer calls.
        """
        if self.read_only:
            with self._mutex:
                changed, self._news = self._catch_up() or self._news, False
                return changed
        if wait:
            with self._locked():
                changed, self._news = self._catch_up() or self._news, False
                return changed
        if not self._mutex.acquire(blocking=False):
            return False
        try:
            try:
                got = self._lock.acquire(0)
            except OSError:
                return False
            if not got:
                return False
            try:
                changed, self._news = self._catch_up() or self._news, False
                return changed
            finally:
                self._lock.release()
        finally:
            self._mutex.release()

    def on_change(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` after any change, ours or another process's (from the thread that saw it)."""
        self._listeners.append(listener)

    def _tables_changed(self) -> None:
        for table in self._tinydb._tables.values():
            table.clear_cache()
        for listener in list(self._listeners):
            listener()

    # ------------------------------------------------------------------ reading (memory only)
    @property
    def tinydb(self) -> TinyDB:
        return self._tinydb

    @property
    def meta(self) -> Doc:
        return self._data["meta"][META_ID]

    def docs(self, table: str) -> dict[str, Doc]:
        """The raw ``{id: doc}`` mapping of a table: a consistent snapshot; treat it as read-only."""
        return self._data[table]

    def get(self, table: str, record_id: int | str) -> Doc | None:
        doc = self._tinydb.table(table).get(doc_id=int(record_id))
        return None if doc is None else {**doc, "id": doc.doc_id}

    def all(self, table: str) -> list[Doc]:
        return [{**doc, "id": int(key)} for key, doc in self._data[table].items()]

    def search(self, table: str, cond: QueryLike) -> list[Doc]:
        return [{**doc, "id": doc.doc_id} for doc in self._tinydb.table(table).search(cond)]

    def find(self, table: str, **equals: Any) -> list[Doc]:
        return [
            {**doc, "id": int(key)}
            for key, doc in self._data[table].items()
            if all(doc.get(k) == v for k, v in equals.items())
        ]

    def count(self, table: str) -> int:
        return len(self._data[table])

    def _next_id(self, table: str) -> int:
        """One more than the highest id in the committed table (cached until the table changes)."""
        if table not in self._next_ids:
            self._next_ids[table] = max(map(int, self._data[table]), default=0) + 1
        return self._next_ids[table]

    # ------------------------------------------------------------------ writing
    def _refuse_if_read_only(self) -> None:
        if self.read_only:
            raise ReadOnlyDatabase(self.path)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Stage changes on top of the newest data; commit them durably as one unit when the block ends."""
        self._refuse_if_read_only()
        with self._locked():
            self._catch_up()
            txn = Transaction(self)
            yield txn
            txn._finish()
            for guard in self.guards:
                guard(txn)  # may refuse: nothing staged has been written yet
            if txn.ops:
                self._commit(txn)
        # The save is durable in the journal: a fold that fails now (a full disk) must not report it as failed.
        # The journal stays as it is and the next save tries again.
        with contextlib.suppress(StorageError, OSError):
            self._maybe_compact()

    def _commit(self, txn: Transaction) -> None:
        entry: dict[str, Any] = {"ts": txn.ts, "by": self.user, "ops": txn.ops}
        if self._journal_pos == 0 or self._needs_header:
            entry = {"snapshot": self._print, **entry}  # the first line names the snapshot it belongs to
        line = orjson.dumps(entry) + b"\n"
        with self._journal_held(create=True) as held:
            assert held is not None
            fd, info = held
            if info.st_size != self._journal_pos:
                # Everything complete was replayed by _catch_up: what is left is a torn line from a crash.
                os.ftruncate(fd, self._journal_pos)
            os.lseek(fd, self._journal_pos, os.SEEK_SET)
            try:
                written = 0
                while written < len(line):  # a short write (disk nearly full) must not pass for a full one
                    written += os.write(fd, line[written:])
                os.fsync(fd)
            except BaseException:
                # Not committed: take the partial line back so that no later catch-up can replay it.
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, self._journal_pos)
                raise
        if self._journal_pos == 0:
            fsync_dir(self.path.parent)
        self._journal_id = (info.st_dev, info.st_ino)
        self._journal_pos += len(line)
        self._journal_lines += 1
        self._needs_header = False
        self._data = {**self._data, **txn._tables}  # one assignment: readers see all of it or none
        self._next_ids.update(txn._ids)
        self._tables_changed()

    @contextlib.contextmanager
    def _journal_held(self, *, create: bool) -> Iterator[tuple[int, os.stat_result] | None]:
        """The journal opened for writing, with a flock of its own, once it is certain that nobody else wrote to
        it since we read it and that our lock file is still ours; :class:`LockLost` (nothing written) if not.

        The flock makes the appends and truncations of two writers take turns even in the instant after a lock
        file was deleted, so the second one sees the first one's line and refuses instead of overwriting it.
        ``None`` if there is no journal and ``create`` is false.
        """
        try:
            fd = os.open(self.journal_path, os.O_RDWR | NOFOLLOW | CLOEXEC | (os.O_CREAT if create else 0), 0o600)
        except FileNotFoundError:
            if self._journal_pos:
                raise LockLost(self.path) from None  # removed since we read it
            yield None
            return
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            self._check_lock()
            info = os.fstat(fd)
            os.lseek(fd, self._journal_pos, os.SEEK_SET)
            if (
                (self._journal_pos and (info.st_dev, info.st_ino) != self._journal_id)
                or info.st_size < self._journal_pos
                or b"\n" in os.read(fd, info.st_size - self._journal_pos)
            ):
                raise LockLost(self.path)  # written, cut or replaced behind our back: never truncate their save
            yield fd, info
        finally:
            os.close(fd)

    def insert(self, table: str, doc: Doc, **kwargs: Any) -> Doc:
        with self.transaction() as txn:
            return txn.insert(table, doc, **kwargs)

    def update(self, table: str, record_id: int, changes: Doc, *, expected_version: int | None = None) -> Doc:
        with self.transaction() as txn:
            return txn.update(table, record_id, changes, expected_version=expected_version)

    def delete(self, table: str, record_id: int, *, expected_version: int | None = None, reason: str = "") -> None:
        with self.transaction() as txn:
            txn.delete(table, record_id, expected_version=expected_version, reason=reason)

    # ------------------------------------------------------------------ compaction
    def _maybe_compact(self) -> None:
        limit = max(self.compact_bytes, (self._stamp[2] if self._stamp else 0) // 4)
        if self._journal_pos <= limit:
            return
        if not self.compact_in_background:
            self.compact()
        elif self._compactor is None or not self._compactor.is_alive():
            # The save is already durable in the journal; folding it into a new snapshot (1-2 s at 100,000 IKM)
            # need not hold up whoever saved. Reads go on from memory meanwhile; other saves wait for the lock.
            self._compactor = threading.Thread(target=self._compact_quietly, name="ikmtui-compact", daemon=True)
            self._compactor.start()

    def _compact_quietly(self) -> None:
        with contextlib.suppress(StorageError, OSError):  # the journal stays as it is: the next save tries again
            self.compact()

    def _write_snapshot_file(self, raw: bytes) -> None:
        """Replace the snapshot (lock held and checked) and remember what the next journal line must name."""
        self._check_lock()
        atomic_write(self.path, raw)
        self._print = fingerprint(raw)

    def compact(self) -> None:
        """Fold the journal into a new snapshot. Safe to crash at any point: replaying puts is idempotent
        (the journal left behind names the old snapshot, and all its changes are found in the new one)."""
        if self.read_only:
            return
        with self._locked():
            if self._catch_up():
                self._news = True  # told by the next refresh (compaction may run in its own thread)
            if self._journal_pos == 0:
                return
            with self._journal_held(create=False) as held:
                self._write_snapshot_file(orjson.dumps(self._data))
                if held is not None:
                    os.ftruncate(held[0], 0)
                    os.fsync(held[0])
            stat = self.path.stat()
            self._stamp = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
            self._journal_pos = self._journal_lines = 0
            self._needs_header = False

    def write_snapshot(self, data: Tables) -> None:
        """Replace the whole database (migrations, restore), under the lock."""
        self._refuse_if_read_only()
        with self._locked():
            # Fold the journal into the current snapshot first. Otherwise a crash between the rename below
            # and the truncation would replay the old journal over the new data and mix the two.
            self.compact()
            with self._journal_held(create=False) as held:
                self._write_snapshot_file(orjson.dumps(data))
                if held is not None:
                    os.ftruncate(held[0], 0)
                    os.fsync(held[0])
            self._load()

    def close(self) -> None:
        """Let go of the database. The last process to close it folds the journal into the snapshot; one that
        closes while others have it open leaves the journal to them (no reload of a new snapshot forced on them)."""
        if self._compactor is not None:
            self._compactor.join()
        if self.closed:
            return
        self.closed = True
        _OPEN.discard(self)
        presence, self._presence = self._presence, None
        try:
            if presence is None or presence.last():
                with contextlib.suppress(Exception):
                    self.compact()
        finally:
            if presence is not None:
                presence.release()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def create_database(path: str | os.PathLike[str], tables: Tables, *, user: str, force: bool = False) -> Path:
    """Write a complete new database (demo data, imports into a new file) in one atomic step."""
    from ikmtui.i18n import _

    target = resolve(path)  # a symlink stays one: the file it points to is what gets written
    refuse_non_file(target)
    if target.exists() and not force:
        raise FileExistsError(17, _("the file exists; add --force to overwrite it"), str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    data: Tables = {name: dict(tables.get(name, {})) for name in TABLES}
    meta = dict(data["meta"].get(META_ID, {}))
    meta.update(app=APP_MARK, schema=SCHEMA_VERSION, created_at=now_iso(), created_by=user)
    meta.setdefault("counters", {})
    meta.setdefault("last_ids", {})
    data["meta"] = {META_ID: meta}
    journal = target.with_name(target.name + ".journal")
    with locked_path(target) as lock:
        # The old journal goes first: replayed over the new snapshot it would mix two databases.
        if not lock.still_held():
            raise LockLost(target)
        journal.unlink(missing_ok=True)
        atomic_write(target, orjson.dumps(data))
    return target


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Small polling helper for tests and tools that wait on another process."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()
