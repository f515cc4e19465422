"""Backups: consistent copies of a database (snapshot with its journal folded in), rotated."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import orjson

from ikmtui.storage.database import Database, Tables, atomic_write

KEEP = 10


def backup_dir(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".backups")


def make_backup(db_path: Path, out_dir: Path | None = None, *, reason: str = "manual", keep: int = KEEP,
                data: Tables | None = None) -> Path:
    """Write a copy of the database as it is now; keep the newest ``keep`` copies of the same reason."""
    folder = out_dir or backup_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if data is None:
        data = Database(db_path, "backup", create=False)._data
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{db_path.stem}-{reason}-{stamp}.json"
    atomic_write(target, orjson.dumps(data))
    for old in sorted(folder.glob(f"{db_path.stem}-{reason}-*.json"))[:-keep]:
        old.unlink(missing_ok=True)
    return target
