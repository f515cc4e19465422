"""Backups: consistent copies of a database (snapshot with its journal folded in), rotated."""

from __future__ import annotations

import os
import re
from datetime import date, datetime
from pathlib import Path

import orjson
from filelock import FileLock, Timeout

from ikmtui import clock
from ikmtui.storage.database import Database, Tables, atomic_write, remove_abandoned_temps
from ikmtui.storage.errors import StorageError

KEEP = 10
#: Daily backups kept by default: a week.
KEEP_DAILY = 7


def backup_dir(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".backups")


def backup_name(stem: str, reason: str = r"[a-z0-9]+(?:-[a-z0-9]+)*", day: str = r"[0-9]{8}") -> re.Pattern[str]:
    """Exactly the names :func:`make_backup` gives (``{stem}-{reason}-YYYYMMDD-HHMMSS-ffffff.json``).

    Rotation deletes only what matches: ``{stem}-manual-notes.json`` beside them is someone's file.
    """
    return re.compile(rf"{re.escape(stem)}-{reason}-{day}-[0-9]{{6}}-[0-9]{{6}}\.json")


def _backups(folder: Path, pattern: re.Pattern[str]) -> list[Path]:
    """The backups in ``folder`` whose name matches ``pattern``, sorted by name (that is, by time)."""
    try:
        names = sorted(entry.name for entry in os.scandir(folder) if entry.is_file(follow_symlinks=False))
    except OSError:
        return []
    return [folder / name for name in names if pattern.fullmatch(name)]


def make_backup(db_path: Path, out_dir: Path | None = None, *, reason: str = "manual", keep: int = KEEP,
                data: Tables | None = None, now: datetime | None = None) -> Path:
    """Write a copy of the database as it is now; keep the newest ``keep`` copies of the same reason."""
    db_path = Path(db_path)
    folder = Path(out_dir) if out_dir else backup_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if data is None:
        data = Database(db_path, "backup", create=False)._data
    stamp = (now or clock.now()).strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{db_path.stem}-{reason}-{stamp}.json"
    # Ends with a newline, which a snapshot never does, so its bytes never equal one: copied over the database
    # (``cp``), it is not taken for the snapshot the journal beside it was written after, and that journal is not
    # replayed over it (see ``database.Journal.start_over``).
    atomic_write(target, orjson.dumps(data) + b"\n")
    # Temp files of backups killed before their rename: copies of personal data nobody would find. A backup
    # still being written holds a flock on its temp file and is left alone.
    remove_abandoned_temps(folder, f".{db_path.stem}-*.json*.tmp-*")
    if keep > 0:
        for old in _backups(folder, backup_name(db_path.stem, re.escape(reason)))[:-keep]:
            old.unlink(missing_ok=True)
            old.with_name(old.name + ".journal").unlink(missing_ok=True)  # a byte copy's journal goes too
    return target


def daily_backups(db_path: Path) -> list[Path]:
    """The daily backups of a database, oldest first."""
    db_path = Path(db_path)
    return _backups(backup_dir(db_path), backup_name(db_path.stem, "daily"))


def daily_backup(db_path: str | os.PathLike[str], keep: int = KEEP_DAILY, *, data: Tables | None = None,
                 today: date | None = None) -> Path | None:
    """Make today's backup (reason ``daily``) unless one exists; keep the newest ``keep``.

    Called when the app opens a database: cheap (one directory listing) once today's copy exists, and safe
    when several processes open the database at once (a lock makes only one of them write the copy).
    Pass ``data`` (``Database._data``) to save reading the file a second time. Returns the new backup's
    path, or ``None`` when there was nothing to do.
    """
    db_path = Path(db_path)
    if not db_path.exists():
        return None
    day = today or clock.today()
    pattern = backup_name(db_path.stem, "daily", f"{day:%Y%m%d}")
    folder = backup_dir(db_path)
    if folder.is_dir() and _backups(folder, pattern):
        return None
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        with FileLock(str(folder / ".daily.lock"), timeout=30, mode=0o600):
            if _backups(folder, pattern):  # another process made it while we waited
                return None
            now = datetime.combine(day, clock.now().time())
            return make_backup(db_path, reason="daily", keep=keep, data=data, now=now)
    except Timeout:
        return None


def newest_good_backup(db_path: str | os.PathLike[str]) -> Path | None:
    """The most recent backup of ``db_path`` that opens as an ikmtui database, or ``None``."""
    db_path = Path(db_path)
    folder = backup_dir(db_path)
    if not folder.is_dir():
        return None
    candidates = sorted(_backups(folder, backup_name(db_path.stem)), key=lambda p: p.stat().st_mtime, reverse=True)
    for candidate in candidates:
        try:
            Database.read_snapshot(candidate)
        except (StorageError, OSError):
            continue
        return candidate
    return None
