"""The one gate for files the app reads or writes on an officer's behalf.

Reads (imports, photos, restores) take only regular files of a bounded size: a FIFO would hang the read, a
device (``/dev/zero``) never ends. Writes (reports, exports, documents) never land on the database, its journal,
its lock, its backups or its media, nor on an existing file unless the officer confirmed (``--force``); they are
created readable by their owner only, as the database is, since they may carry personal data. What goes into a
spreadsheet cell passes :func:`spreadsheet_value`, so no text becomes a live formula.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ikmtui import paths
from ikmtui.i18n import _
from ikmtui.storage.files import atomic_output

#: Suffixes of the files and folders that belong to a database ``NAME.json``.
DATABASE_PARTS = (".journal", ".lock", ".backups", ".media", ".uploads")


class FileRefused(OSError):
    """A file the guard will not read or write; ``str()`` is the message for the officer."""

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        super().__init__(reason)
        self.path = Path(path)
        self.reason = reason

    def __str__(self) -> str:
        return _("{path}: {reason}", path=self.path, reason=self.reason)


class FileExists(FileRefused):
    """The target exists: overwrite only with confirmation (``--force`` on the command line)."""


def regular_file(path: str | os.PathLike[str], max_bytes: int | None = None) -> Path:
    """``path`` if it is a regular file no larger than ``max_bytes``; else :class:`FileRefused` saying why."""
    target = Path(path)
    try:
        info = target.stat()
    except FileNotFoundError:
        raise FileRefused(target, _("no such file")) from None
    except OSError as exc:
        raise FileRefused(target, exc.strerror or str(exc)) from None
    _check_regular(target, info, max_bytes)
    return target


def _check_regular(target: Path, info: os.stat_result, max_bytes: int | None) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise FileRefused(target, _("this is a folder, not a file"))
    if not stat.S_ISREG(info.st_mode):
        raise FileRefused(target, _("not a regular file (a device, pipe or socket cannot be read)"))
    if max_bytes is not None and info.st_size > max_bytes:
        raise FileRefused(
            target,
            _(
                "the file is {size} MB; at most {limit} MB can be read",
                size=_megabytes(info.st_size),
                limit=_megabytes(max_bytes),
            ),
        )


def read_regular(path: str | os.PathLike[str], max_bytes: int) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``, else :class:`FileRefused`. The file is opened without
    blocking (a FIFO cannot hang the read) and checked as opened, so it cannot be swapped between check and read."""
    target = Path(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(target, flags)
    except FileNotFoundError:
        raise FileRefused(target, _("no such file")) from None
    except OSError as exc:
        raise FileRefused(target, exc.strerror or str(exc)) from None
    try:
        _check_regular(target, os.fstat(fd), max_bytes)
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:  # grew after the check
        raise FileRefused(
            target,
            _(
                "the file is {size} MB; at most {limit} MB can be read",
                size=_megabytes(len(data)),
                limit=_megabytes(max_bytes),
            ),
        )
    return data


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f}".rstrip("0").rstrip(".")


def _resolved(path: str | os.PathLike[str]) -> Path:
    return Path(os.path.realpath(os.fspath(path)))


def belongs_to_database(path: str | os.PathLike[str], db_path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is the database itself or one of its parts (journal, lock, backups, media, uploads)."""
    target, db = _resolved(path), _resolved(db_path)
    if target == db:
        return True
    for suffix in DATABASE_PARTS:
        part = paths.beside(db, suffix)
        if target == part or part in target.parents:
            return True
    # Anything else named after it beside it: a set-aside journal (``NAME.json.journal.stale-*``), the temp
    # files of its atomic writes (``.NAME.json.tmp-*``), parts a later version may add.
    return target.parent == db.parent and target.name.lstrip(".").startswith(f"{db.name}.")


def writable_target(
    path: str | os.PathLike[str], db_path: str | os.PathLike[str] | None, *, force: bool = False
) -> Path:
    """Check an output path before anything is written: never a part of the database; an existing file only
    with ``force``; never onto a folder, device or pipe. Returns the path to write."""
    target = Path(path)
    if db_path is not None and belongs_to_database(target, db_path):
        raise FileRefused(target, _("this is the database or one of its files; choose another file name"))
    try:
        info = target.stat()
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise FileRefused(target, exc.strerror or str(exc)) from None
    if not stat.S_ISREG(info.st_mode):
        raise FileRefused(target, _("not a regular file; choose another file name"))
    if not force:
        raise FileExists(target, _("the file exists; add --force to overwrite it"))
    return target


@contextlib.contextmanager
def private_output(
    path: str | os.PathLike[str], db_path: str | os.PathLike[str] | None = None, *, force: bool = False
) -> Iterator[IO[bytes]]:
    """Write a new file readable by its owner only (0600 whatever the umask), all or nothing: the bytes go to a
    temp file beside the target (created exclusively, never through a planted link) and replace the target only
    when the block ends without error (``storage.files.atomic_output``, as the database's own writes)."""
    target = writable_target(path, db_path, force=force)
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(target) as fh:
        yield fh


def write_private(
    path: str | os.PathLike[str], data: bytes, db_path: str | os.PathLike[str] | None = None, *, force: bool = False
) -> Path:
    """:func:`private_output` for bytes already in memory."""
    with private_output(path, db_path, force=force) as fh:
        fh.write(data)
    return Path(path)


def private_folder(path: str | os.PathLike[str]) -> Path:
    """A folder only its owner can enter (CSV exports, media), created if missing."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)
    return folder


# ---------------------------------------------------------------------------------------------- spreadsheet cells
#: What makes a spreadsheet (Excel, LibreOffice, Sheets) read a cell as a formula: ``=HYPERLINK(...)``, ``+1+1``,
#: ``-2+3``, ``@SUM(A1)``, and a tab or carriage return before one of those.
FORMULA_STARTS = frozenset("=+-@\t\r")
#: Texts openpyxl would store as Excel error values (a product named ``#N/A`` stays a name).
_ERROR_TEXTS = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))


def spreadsheet_value(value: Any, sheet: Any = None) -> Any:
    """``value`` as a spreadsheet cell that can only be data: the one defence against formula injection, for every
    xlsx and csv the app writes.

    Text that would start a formula is neutralised, anything else (numbers, a negative number among them, dates,
    ordinary text) is returned as it is. With ``sheet`` (an openpyxl worksheet, write-only or not) such a text
    becomes a text cell with Excel's quote prefix: the text is kept exactly, shown as typed, never evaluated.
    Without one (CSV, which has no types) it gets a leading apostrophe, as OWASP advises.
    """
    if type(value) is not str or not value:
        return value
    if sheet is None:
        return "'" + value if value[0] in FORMULA_STARTS else value
    if value[0] not in FORMULA_STARTS and value not in _ERROR_TEXTS:
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell
