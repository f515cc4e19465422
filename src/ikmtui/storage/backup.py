"""Backups: consistent copies of a database (snapshot with its journal folded in), rotated."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from filelock import FileLock, Timeout

from ikmtui import clock
from ikmtui.storage.database import Database
from ikmtui.storage.errors import StorageError
from ikmtui.storage.files import KEEP as KEEP
from ikmtui.storage.files import backup_dir as backup_dir
from ikmtui.storage.files import backup_name as backup_name
from ikmtui.storage.files import list_backups, write_backup
from ikmtui.storage.schema import Tables

#: Daily backups kept by default: a week.
KEEP_DAILY = 7


def make_backup(
    db_path: Path,
    out_dir: Path | None = None,
    *,
    reason: str = "manual",
    keep: int = KEEP,
    data: Tables | None = None,
    now: datetime | None = None,
) -> Path:
    """Write a copy of the database as it is now; keep the newest ``keep`` copies of the same reason.

    Pass ``data`` (``Database._data``) when the database is open; else it is opened (read) here."""
    if data is None:
        with Database(db_path, "backup", create=False) as opened:  # closed: an open one would hold the file open
            data = opened._data
    return write_backup(Path(db_path), data, out_dir, reason=reason, keep=keep, now=now)


def daily_backups(db_path: Path) -> list[Path]:
    """The daily backups of a database, oldest first."""
    db_path = Path(db_path)
    return list_backups(backup_dir(db_path), backup_name(db_path.stem, "daily"))


def daily_backup(
    db_path: str | os.PathLike[str], keep: int = KEEP_DAILY, *, data: Tables | None = None, today: date | None = None
) -> Path | None:
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
    if folder.is_dir() and list_backups(folder, pattern):
        return None
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        with FileLock(str(folder / ".daily.lock"), timeout=30, mode=0o600):
            if list_backups(folder, pattern):  # another process made it while we waited
                return None
            now = datetime.combine(day, clock.now().time())
            return make_backup(db_path, reason="daily", keep=keep, data=data, now=now)
    except Timeout:
        return None


def daily_backup_in_background(
    db_path: str | os.PathLike[str],
    *,
    data: Tables | None = None,
    on_error: Callable[[Path, Exception], None] | None = None,
) -> threading.Thread:
    """:func:`daily_backup` in a thread of its own: at 100,000 IKM it takes a while, and whoever opened the
    database must not wait for it. A failure (a full disk) goes to ``on_error``, never a traceback on the officer's
    screen; without one it is dropped and the next start tries again."""

    def run() -> None:
        try:
            daily_backup(db_path, data=data)
        except Exception as exc:
            if on_error is not None:
                on_error(Path(db_path), exc)

    thread = threading.Thread(target=run, daemon=True, name="daily-backup")
    thread.start()
    return thread


def newest_good_backup(db_path: str | os.PathLike[str]) -> Path | None:
    """The most recent backup of ``db_path`` that opens as an ikmtui database, or ``None``."""
    db_path = Path(db_path)
    folder = backup_dir(db_path)
    if not folder.is_dir():
        return None
    candidates = sorted(list_backups(folder, backup_name(db_path.stem)), key=lambda p: p.stat().st_mtime, reverse=True)
    for candidate in candidates:
        try:
            Database.read_snapshot(candidate)
        except (StorageError, OSError):
            continue
        return candidate
    return None
