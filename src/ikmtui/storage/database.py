"""The one module that owns TinyDB.

On disk a database is two files:

* ``NAME.json``: a snapshot in TinyDB's own JSON format (``{"table": {"id": doc}}``), replaced atomically
  (temp file, fsync, rename, fsync of the directory) and created readable by its owner only;
* ``NAME.json.journal``: committed transactions appended after the snapshot, one JSON line each, fsynced
  before a save is acknowledged. A torn last line (a crash mid-append) is ignored: it was never acknowledged.

In memory the whole database is loaded once and read without touching the disk. Every write takes an
exclusive file lock, first catches up with what other processes committed (the journal tail, or the whole
file after a compaction), then applies on top of the newest data, so no update is lost. Each record carries a
version; an update that names the version it started from is refused if someone saved in between.

Readers never see a half-applied transaction: a commit builds new table dictionaries and swaps them in with a
single assignment, so a reader iterating a table keeps a consistent copy.
"""

from __future__ import annotations

import contextlib
import gc
import os
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from filelock import FileLock, Timeout
from tinydb import TinyDB
from tinydb.queries import QueryLike
from tinydb.storages import Storage

from ikmtui.storage.errors import (
    DatabaseDamaged,
    DatabaseLocked,
    ForeignFile,
    NewerSchema,
    RecordMissing,
    StaleRecord,
    StorageError,
)

TABLES = (
    "ikm",
    "clusters",
    "courses",
    "batches",
    "enrollments",
    "credit_applications",
    "repayments",
    "gallery_listings",
    "sales",
    "staff",
    "audit",
    "signin",
    "meta",
)
APP_MARK = "ikmtui"
SCHEMA_VERSION = 1
META_ID = "1"
#: Compact the journal into the snapshot once it passes this size (or a quarter of the snapshot).
JOURNAL_COMPACT_BYTES = 8 * 1024 * 1024

Doc = dict[str, Any]
Tables = dict[str, dict[str, Doc]]
Op = tuple[str, str, str, Doc | None]  # (table, id, doc or None for a delete) -> ("put"|"del", ...)


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
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a directory
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves either the old or the new file, never a mix."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(path.parent)


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
            raise StaleRecord(doc.get("code") or f"{table} {record_id}", doc.get("updated_by", "?"),
                              doc.get("updated_at", "?"))
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
            self._meta_doc = {**meta, "counters": dict(meta.get("counters", {})),
                              "last_ids": dict(meta.get("last_ids", {}))}
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
        return self._meta()["counters"]

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
        """Change fields of a record; refused with :class:`StaleRecord` if it moved past ``expected_version``."""
        current = self.current(table, record_id, expected_version)
        del current["id"]
        changed = sorted(k for k, v in changes.items() if k != "id" and current.get(k) != v)
        stored = {**current, **{k: v for k, v in changes.items() if k != "id"}}
        stored.update(version=current.get("version", 0) + 1, updated_at=self.ts, updated_by=self._db.user)
        self._put(table, str(record_id), stored)
        self._audit("update", table, record_id, stored, changed)
        return {**stored, "id": int(record_id)}

    def delete(self, table: str, record_id: int, *, expected_version: int | None = None) -> None:
        current = self.current(table, record_id, expected_version)
        del current["id"]
        self._put(table, str(record_id), None)
        self._audit("delete", table, record_id, current, [])

    def log(self, action: str, table: str, record_id: int | None, code: str = "", detail: str = "") -> None:
        """An audit entry for something that is not a change, e.g. personal data viewed or exported."""
        self._put("audit", str(self._next_id("audit")), {
            "ts": self.ts, "user": self._db.user, "action": action, "table": table,
            "record_id": record_id, "code": code, "fields": [], "detail": detail,
        })

    def _audit(self, action: str, table: str, record_id: int, doc: Doc, fields: list[str]) -> None:
        if table in ("audit", "meta"):
            return
        # Field names only: values may be personal data, which the audit log must not copy.
        self._put("audit", str(self._next_id("audit")), {
            "ts": self.ts, "user": self._db.user, "action": action, "table": table,
            "record_id": record_id, "code": doc.get("code", ""), "fields": fields,
        })


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
        self.path = Path(path)
        self.journal_path = self.path.with_name(self.path.name + ".journal")
        self.user = user
        self.clock = clock
        self.lock_timeout = lock_timeout
        self.compact_bytes = compact_bytes
        self._lock = FileLock(str(self.path) + ".lock", mode=0o600)
        self._mutex = threading.RLock()
        self._data: Tables = {}
        self._next_ids: dict[str, int] = {}
        self._stamp: tuple[int, int, int] | None = None
        self._journal_pos = 0
        self._listeners: list[Callable[[], None]] = []
        #: Checks run on every transaction before it commits (e.g. the acting officer's role); raise to refuse.
        self.guards: list[Callable[[Transaction], None]] = []
        #: Fold the journal in a background thread rather than in the save that filled it (set by the app).
        self.compact_in_background = False
        self._compactor: threading.Thread | None = None
        self._news = False  # another process's saves were read in by a compaction, not yet told by refresh
        self._tinydb = TinyDB(storage=lambda: _MemoryStorage(self))
        if not self.path.exists():
            if not create:
                raise FileNotFoundError(self.path)
            self._create()
        with self._locked():
            self._load()
            self._remove_leftovers()
        self._check_schema()

    # ------------------------------------------------------------------ opening
    def _create(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._locked():
            if self.path.exists():  # another process created it while we waited
                return
            ts = self.clock()
            tables: Tables = {name: {} for name in TABLES}
            tables["meta"][META_ID] = {"app": APP_MARK, "schema": SCHEMA_VERSION, "created_at": ts,
                                       "created_by": self.user, "counters": {}}
            atomic_write(self.path, orjson.dumps(tables))

    def _load(self) -> None:
        """Read snapshot and journal from disk (caller holds the lock)."""
        try:
            stat = self.path.stat()
            raw = self.path.read_bytes()
        except OSError as exc:
            raise DatabaseDamaged(self.path, exc.strerror or str(exc)) from None
        self._data = self.parse_snapshot(self.path, raw)
        self._stamp = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        self._journal_pos = 0
        self._next_ids.clear()
        self._replay_journal()
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
        if not isinstance(meta, dict) or not isinstance(meta.get(META_ID), dict) \
                or meta[META_ID].get("app") != APP_MARK:
            raise ForeignFile(path)
        for name in TABLES:
            table = data.setdefault(name, {})
            if not isinstance(table, dict) or not all(isinstance(doc, dict) for doc in table.values()):
                raise DatabaseDamaged(path, _("table {table} is not a set of records", table=name))
        return data

    def _replay_journal(self) -> bool:
        """Apply journal lines written since we last looked; a torn last line is skipped. Returns changed."""
        try:
            with self.journal_path.open("rb") as fh:
                fh.seek(self._journal_pos)
                tail = fh.read()
        except FileNotFoundError:
            return False
        end = tail.rfind(b"\n")
        if end < 0:
            return False
        changed: dict[str, dict[str, Doc]] = {}
        for number, line in enumerate(tail[: end + 1].splitlines(), 1):
            if not line.strip():
                continue
            try:
                entry = orjson.loads(line)
                ops = entry["ops"]
            except (orjson.JSONDecodeError, KeyError, TypeError):
                from ikmtui.i18n import _

                raise DatabaseDamaged(self.journal_path, _("journal line {n} is unreadable", n=number)) from None
            for kind, table, record_id, doc in ops:
                target = changed.get(table)
                if target is None:
                    target = changed[table] = dict(self._data.get(table, {}))
                if kind == "put":
                    target[record_id] = doc
                else:
                    target.pop(record_id, None)
        self._journal_pos += end + 1
        if changed:
            self._data = {**self._data, **changed}
            for table in changed:
                self._next_ids.pop(table, None)
        return bool(changed)

    def _remove_leftovers(self) -> None:
        """Temp files of a write that crashed before its rename (we hold the lock, so none is in progress)."""
        for leftover in self.path.parent.glob(f".{self.path.name}.tmp-*"):
            with contextlib.suppress(OSError):
                leftover.unlink()

    def _check_schema(self) -> None:
        from ikmtui.storage import migrations

        found = int(self._data["meta"][META_ID].get("schema", 0))
        if found > SCHEMA_VERSION:
            raise NewerSchema(self.path, found, SCHEMA_VERSION)
        if found < SCHEMA_VERSION:
            migrations.migrate(self, found)

    # ------------------------------------------------------------------ locking and freshness
    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        with self._mutex:
            try:
                self._lock.acquire(timeout=self.lock_timeout)
            except Timeout:
                raise DatabaseLocked(self.path, self.lock_timeout) from None
            try:
                yield
            finally:
                self._lock.release()

    def _catch_up(self) -> bool:
        """Bring memory up to what is on disk (caller holds the lock). Returns whether anything changed."""
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            from ikmtui.i18n import _

            raise DatabaseDamaged(self.path, _("the file was removed")) from None
        if (stat.st_ino, stat.st_mtime_ns, stat.st_size) != self._stamp:
            self._load()  # another process compacted (or restored): start over from the new snapshot
            return True
        if self._replay_journal():
            self._tables_changed()
            return True
        return False

    def refresh(self) -> bool:
        """Pick up what other processes saved. Cheap when nothing changed (one stat and one seek)."""
        with self._locked():
            changed, self._news = self._catch_up() or self._news, False
            return changed

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
        return [{**doc, "id": int(key)} for key, doc in self._data[table].items()
                if all(doc.get(k) == v for k, v in equals.items())]

    def count(self, table: str) -> int:
        return len(self._data[table])

    def _next_id(self, table: str) -> int:
        """One more than the highest id in the committed table (cached until the table changes)."""
        if table not in self._next_ids:
            self._next_ids[table] = max(map(int, self._data[table]), default=0) + 1
        return self._next_ids[table]

    # ------------------------------------------------------------------ writing
    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Stage changes on top of the newest data; commit them durably as one unit when the block ends."""
        with self._locked():
            self._catch_up()
            txn = Transaction(self)
            yield txn
            txn._finish()
            for guard in self.guards:
                guard(txn)  # may refuse: nothing staged has been written yet
            if txn.ops:
                self._commit(txn)
        self._maybe_compact()

    def _commit(self, txn: Transaction) -> None:
        line = orjson.dumps({"ts": txn.ts, "by": self.user, "ops": txn.ops}) + b"\n"
        fd = os.open(self.journal_path, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            size = os.fstat(fd).st_size
            if size != self._journal_pos:
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
        finally:
            os.close(fd)
        if self._journal_pos == 0:
            _fsync_dir(self.path.parent)
        self._journal_pos += len(line)
        self._data = {**self._data, **txn._tables}  # one assignment: readers see all of it or none
        self._next_ids.update(txn._ids)
        self._tables_changed()

    def insert(self, table: str, doc: Doc, **kwargs: Any) -> Doc:
        with self.transaction() as txn:
            return txn.insert(table, doc, **kwargs)

    def update(self, table: str, record_id: int, changes: Doc, *, expected_version: int | None = None) -> Doc:
        with self.transaction() as txn:
            return txn.update(table, record_id, changes, expected_version=expected_version)

    def delete(self, table: str, record_id: int, *, expected_version: int | None = None) -> None:
        with self.transaction() as txn:
            txn.delete(table, record_id, expected_version=expected_version)

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

    def compact(self) -> None:
        """Fold the journal into a new snapshot. Safe to crash at any point: replaying puts is idempotent."""
        with self._locked():
            if self._catch_up():
                self._news = True  # told by the next refresh (compaction may run in its own thread)
            if self._journal_pos == 0:
                return
            atomic_write(self.path, orjson.dumps(self._data))
            with self.journal_path.open("r+b") as fh:
                fh.truncate(0)
                fh.flush()
                os.fsync(fh.fileno())
            stat = self.path.stat()
            self._stamp = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
            self._journal_pos = 0

    def write_snapshot(self, data: Tables) -> None:
        """Replace the whole database (migrations, restore), under the lock."""
        with self._locked():
            # Fold the journal into the current snapshot first. Otherwise a crash between the rename below
            # and the truncation would replay the old journal over the new data and mix the two.
            self.compact()
            atomic_write(self.path, orjson.dumps(data))
            with contextlib.suppress(FileNotFoundError), self.journal_path.open("r+b") as fh:
                fh.truncate(0)
                os.fsync(fh.fileno())
            self._load()

    def close(self) -> None:
        if self._compactor is not None:
            self._compactor.join()
        with contextlib.suppress(Exception):
            self.compact()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def create_database(path: str | os.PathLike[str], tables: Tables, *, user: str, force: bool = False) -> Path:
    """Write a complete new database (demo data, imports into a new file) in one atomic step."""
    from ikmtui.i18n import _

    target = Path(path)
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
    with FileLock(str(target) + ".lock", mode=0o600):
        # The old journal goes first: replayed over the new snapshot it would mix two databases.
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
