"""Backups: consistent copies of a database (snapshot with its journal folded in), rotated."""

from __future__ import annotations

import contextlib
import os
import time
from datetime import date, datetime
from pathlib import Path

import orjson
from filelock import FileLock, Timeout

from ikmtui.storage.database import Database, Tables, atomic_write
from ikmtui.storage.errors import StorageError

KEEP = 10
#: Daily backups kept by default: a week.
KEEP_DAILY = 7
#: A temp file of a backup older than this was left by a crash (a running backup takes seconds at most).
_STALE_TEMP_SECONDS = 3600


def backup_dir(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".backups")


def make_backup(db_path: Path, out_dir: Path | None = None, *, reason: str = "manual", keep: int = KEEP,
                data: Tables | None = None, now: datetime | None = None) -> Path:
    """Write a copy of the database as it is now; keep the newest ``keep`` copies of the same reason."""
    db_path = Path(db_path)
    folder = Path(out_dir) if out_dir else backup_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if data is None:
        data = Database(db_path, "backup", create=False)._data
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{db_path.stem}-{reason}-{stamp}.json"
    atomic_write(target, orjson.dumps(data))
    _remove_stale_temps(folder, db_path.stem)
    if keep > 0:
        for old in sorted(folder.glob(f"{db_path.stem}-{reason}-*.json"))[:-keep]:
            old.unlink(missing_ok=True)
            old.with_name(old.name + ".journal").unlink(missing_ok=True)  # a byte copy's journal goes too
    return target


def _remove_stale_temps(folder: Path, stem: str) -> None:
    """Temp files of backups killed before their rename: copies of personal data nobody would find."""
    limit = time.time() - _STALE_TEMP_SECONDS
    for leftover in folder.glob(f".{stem}-*.json.tmp-*"):
        with contextlib.suppress(OSError):
            if leftover.stat().st_mtime < limit:
                leftover.unlink()


def daily_backups(db_path: Path) -> list[Path]:
    """The daily backups of a database, oldest first."""
    db_path = Path(db_path)
    return sorted(backup_dir(db_path).glob(f"{db_path.stem}-daily-*.json"))


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
    day = today or date.today()
    pattern = f"{db_path.stem}-daily-{day:%Y%m%d}-*.json"
    folder = backup_dir(db_path)
    if folder.is_dir() and any(folder.glob(pattern)):
        return None
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        with FileLock(str(folder / ".daily.lock"), timeout=30, mode=0o600):
            if any(folder.glob(pattern)):  # another process made it while we waited
                return None
            now = datetime.combine(day, datetime.now().time())
            return make_backup(db_path, reason="daily", keep=keep, data=data, now=now)
    except Timeout:
        return None


def newest_good_backup(db_path: str | os.PathLike[str]) -> Path | None:
    """The most recent backup of ``db_path`` that opens as an ikmtui database, or ``None``."""
    db_path = Path(db_path)
    folder = backup_dir(db_path)
    if not folder.is_dir():
        return None
    candidates = sorted(folder.glob(f"{db_path.stem}-*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for candidate in candidates:
        try:
            Database.parse_snapshot(candidate, candidate.read_bytes())
        except (StorageError, OSError):
            continue
        return candidate
    return None
