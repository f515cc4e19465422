"""What can go wrong with a database file, each with a message a staff member understands."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ikmtui.clock import who_when
from ikmtui.i18n import _


class StorageError(Exception):
    """Base of every storage problem; ``str(error)`` is a message for the user, never a traceback."""


class DatabaseDamaged(StorageError):
    def __init__(self, path: object, detail: str) -> None:
        super().__init__(_("The database {path} is damaged and was left untouched: {detail}", path=path, detail=detail))
        self.path = path
        self.detail = detail


class ForeignFile(StorageError):
    def __init__(self, path: object) -> None:
        super().__init__(_("{path} is not an ikmtui database; it was left untouched", path=path))
        self.path = path


class NotAFile(ForeignFile):
    """A folder, device, pipe or socket where a database (or a backup) was expected: never read, never locked."""

    def __init__(self, path: object, *, folder: bool = False) -> None:
        StorageError.__init__(
            self,
            _("{path} is a folder, not a database file; it was left untouched", path=path)
            if folder
            else _(
                "{path} is not a regular file (a device, pipe or socket cannot be a database); it was left untouched",
                path=path,
            ),
        )
        self.path = path


class NewerSchema(StorageError):
    def __init__(self, path: object, found: int, supported: int) -> None:
        super().__init__(
            _(
                "{path} was written by a newer ikmtui (schema {found}; this version knows {supported}): upgrade ikmtui",
                path=path,
                found=found,
                supported=supported,
            )
        )


class DatabaseLocked(StorageError):
    def __init__(self, path: object, seconds: float) -> None:
        super().__init__(
            _(
                "The database {path} is busy: another ikmtui kept it locked for {seconds} s. Try again.",
                path=path,
                seconds=round(seconds),
            )
        )


class LockLost(StorageError):
    """The lock file was deleted or replaced while a save held it: another process may have saved meanwhile."""

    def __init__(self, path: object) -> None:
        super().__init__(
            _(
                "Nothing was saved: the lock file of {path} was removed or replaced while this save held it, so "
                "another ikmtui may have saved at the same time. Try again.",
                path=path,
            )
        )
        self.path = path


class ReadOnlyDatabase(StorageError):
    def __init__(self, path: object) -> None:
        super().__init__(
            _("Nothing was saved: the database {path} is open read-only (its folder cannot be written)", path=path)
        )
        self.path = path


class RecordMissing(StorageError):
    def __init__(self, table: str, record_id: int) -> None:
        super().__init__(
            _("Record {id} no longer exists in {table}: someone may have deleted it", id=record_id, table=table)
        )
        self.table = table
        self.record_id = record_id


class StaleRecord(StorageError):
    """Someone else saved the record after it was opened: saving now would overwrite their change.

    ``who`` and ``when`` are as stored (username, stamp); the message names the officer by their full name from
    ``staff`` and the time in local time."""

    def __init__(self, code: str, who: str, when: str, *, staff: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        name, shown = who_when(staff or {}, who, when)
        super().__init__(
            _(
                "{code} was changed by {who} at {when} after you opened it. "
                "Close it, open it again and redo your change.",
                code=code,
                who=name,
                when=shown,
            )
        )
        self.code = code
        self.who = who
        self.when = when


class RecordReferenced(StorageError):
    """A record other records point to cannot be deleted; ``references`` names them."""

    def __init__(self, code: str, references: dict[str, int]) -> None:
        what = ", ".join(f"{count} {_(table)}" for table, count in references.items())
        super().__init__(_("{code} cannot be deleted: {what} point to it", code=code, what=what))
        self.code = code
        self.references = references
