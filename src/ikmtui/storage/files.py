"""Files beside a database, written so that a crash never leaves half of one: atomic replacement, reading a
file only if it is a regular one, cleaning up the temp files of writers that died, and the backups folder with
its rotated copies. Knows nothing of the database itself: the database and ``backup`` both build on it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat as stat_
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO

import orjson

from ikmtui import clock
from ikmtui.storage.errors import NotAFile
from ikmtui.storage.schema import Tables

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: filelock's own lock, without the inode check
    fcntl = None  # type: ignore[assignment]

NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
CLOEXEC = getattr(os, "O_CLOEXEC", 0)
NONBLOCK = getattr(os, "O_NONBLOCK", 0)
#: How :func:`atomic_write` ends its temp names (``-{pid}-{hex}``; older versions: ``-{pid}-{thread id}``).
_TEMP_SUFFIX = re.compile(r".+\.tmp-[0-9]+-[0-9a-f]+").fullmatch
#: Without flock (Windows), a temp file younger than this may still be being written.
_TEMP_GRACE_SECONDS = 3600
#: Backups of one reason kept by default.
KEEP = 10


def read_regular(path: Path) -> tuple[os.stat_result, bytes]:
    """The bytes of ``path`` if it is a regular file; :class:`NotAFile` for a folder, device, pipe or socket.

    Opened without blocking and checked on the open descriptor before reading: a FIFO would hang the read and
    ``/dev/zero`` would never end.
    """
    fd = os.open(path, os.O_RDONLY | NONBLOCK | CLOEXEC)
    try:
        info = os.fstat(fd)
        if not stat_.S_ISREG(info.st_mode):
            raise NotAFile(path, folder=stat_.S_ISDIR(info.st_mode))
        with open(fd, "rb", buffering=0, closefd=False) as fh:
            return info, fh.read()  # one buffer sized from fstat, as Path.read_bytes does
    finally:
        os.close(fd)


def refuse_non_file(path: Path) -> None:
    """:class:`NotAFile` if ``path`` exists and is not a regular file (checked before any lock is created)."""
    try:
        info = path.stat()
    except OSError:
        return
    if not stat_.S_ISREG(info.st_mode):
        raise NotAFile(path, folder=stat_.S_ISDIR(info.st_mode))


def fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a directory
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _temp_name(path: Path) -> Path:
    # Unpredictable, so nobody can plant a link at it in advance (and O_EXCL refuses one anyway).
    return path.with_name(f".{path.name}.tmp-{os.getpid()}-{secrets.token_hex(8)}")


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[IO[bytes]]:
    """A file object whose bytes replace ``path`` when the block ends without error, so that a crash leaves
    either the old or the new file, never a mix; readable by its owner only.

    The temp file is created exclusively and never through a symlink: a link planted at its name makes the
    create fail (and another name is tried) rather than send the data to wherever it points. It is held with
    ``flock`` while being written, so a cleanup knows a live writer's temp file from a dead one's.
    """
    for _attempt in range(100):
        tmp = _temp_name(path)
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | NOFOLLOW | CLOEXEC, 0o600)
        except FileExistsError:
            continue
        break
    else:  # pragma: no cover - a hundred random names all taken
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(tmp))
    try:
        with os.fdopen(fd, "wb") as fh:
            if fcntl is not None:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
            os.chmod(tmp, 0o600)  # whatever the umask
            os.replace(tmp, path)  # before the close: the flock says "in use" until the name is gone
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(path.parent)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` through :func:`atomic_output`."""
    with atomic_output(path) as fh:
        fh.write(data)


def abandoned_temp(path: Path) -> bool:
    """Whether the temp file ``path`` was left by a writer that died (so it can go); a live one holds a flock."""
    try:
        if stat_.S_ISLNK(os.lstat(path).st_mode):
            return True  # never one of ours: a planted link (removing the link leaves its target alone)
        fd = os.open(path, os.O_RDONLY | NOFOLLOW | NONBLOCK | CLOEXEC)
    except OSError:
        return False
    try:
        info = os.fstat(fd)
        if not stat_.S_ISREG(info.st_mode):
            return False
        if fcntl is None:  # pragma: no cover - Windows
            return info.st_mtime < time.time() - _TEMP_GRACE_SECONDS
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # a writer is at work
        with contextlib.suppress(OSError):
            return os.path.samestat(info, os.lstat(path))  # still that file, not renamed into place meanwhile
        return False
    finally:
        os.close(fd)


def remove_abandoned_temps(folder: Path, pattern: str) -> list[Path]:
    """Delete the temp files of :func:`atomic_write` matching ``pattern`` in ``folder`` whose writer died."""
    removed = []
    with contextlib.suppress(OSError):
        for leftover in folder.glob(pattern):
            if _TEMP_SUFFIX(leftover.name) and abandoned_temp(leftover):
                with contextlib.suppress(OSError):
                    leftover.unlink()
                    removed.append(leftover)
    return removed


def backup_dir(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".backups")


def backup_name(stem: str, reason: str = r"[a-z0-9]+(?:-[a-z0-9]+)*", day: str = r"[0-9]{8}") -> re.Pattern[str]:
    """Exactly the names :func:`write_backup` gives (``{stem}-{reason}-YYYYMMDD-HHMMSS-ffffff.json``).

    Rotation deletes only what matches: ``{stem}-manual-notes.json`` beside them is someone's file.
    """
    return re.compile(rf"{re.escape(stem)}-{reason}-{day}-[0-9]{{6}}-[0-9]{{6}}\.json")


def list_backups(folder: Path, pattern: re.Pattern[str]) -> list[Path]:
    """The backups in ``folder`` whose name matches ``pattern``, sorted by name (that is, by time)."""
    try:
        names = sorted(entry.name for entry in os.scandir(folder) if entry.is_file(follow_symlinks=False))
    except OSError:
        return []
    return [folder / name for name in names if pattern.fullmatch(name)]


def write_backup(
    db_path: Path,
    data: Tables,
    out_dir: Path | None = None,
    *,
    reason: str = "manual",
    keep: int = KEEP,
    now: datetime | None = None,
) -> Path:
    """Write ``data`` (a database's tables, journal folded in) as a backup of ``db_path``; keep the newest
    ``keep`` copies of the same reason."""
    db_path = Path(db_path)
    folder = Path(out_dir) if out_dir else backup_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
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
        for old in list_backups(folder, backup_name(db_path.stem, re.escape(reason)))[:-keep]:
            old.unlink(missing_ok=True)
            old.with_name(old.name + ".journal").unlink(missing_ok=True)  # a byte copy's journal goes too
    return target
