"""What can go wrong with a database file, each with a message a staff member understands."""

from __future__ import annotations

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


class NewerSchema(StorageError):
    def __init__(self, path: object, found: int, supported: int) -> None:
        super().__init__(
            _("{path} was written by a newer ikmtui (schema {found}; this version knows {supported}): upgrade ikmtui",
              path=path, found=found, supported=supported)
        )


class DatabaseLocked(StorageError):
    def __init__(self, path: object, seconds: float) -> None:
        super().__init__(
            _("The database {path} is busy: another ikmtui kept it locked for {seconds} s. Try again.",
              path=path, seconds=round(seconds))
        )


class RecordMissing(StorageError):
    def __init__(self, table: str, record_id: int) -> None:
        super().__init__(_("Record {id} no longer exists in {table}: someone may have deleted it",
                           id=record_id, table=table))
        self.table = table
        self.record_id = record_id


class StaleRecord(StorageError):
    """Someone else saved the record after it was opened: saving now would overwrite their change."""

    def __init__(self, code: str, who: str, when: str) -> None:
        super().__init__(
            _(
                "{code} was changed by {who} at {when} after you opened it. "
                "Close it, open it again and redo your change.",
                code=code, who=who, when=when,
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
