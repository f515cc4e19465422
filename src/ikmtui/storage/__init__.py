"""Storage: the one module that owns TinyDB (``database``), with its errors and migrations (no UI imports)."""

from ikmtui.storage.database import TABLES, Database, Transaction
from ikmtui.storage.errors import (
    DatabaseDamaged,
    DatabaseLocked,
    ForeignFile,
    LockLost,
    NewerSchema,
    NotAFile,
    ReadOnlyDatabase,
    RecordMissing,
    RecordReferenced,
    StaleRecord,
    StorageError,
)

__all__ = [
    "TABLES",
    "Database",
    "DatabaseDamaged",
    "DatabaseLocked",
    "ForeignFile",
    "LockLost",
    "NewerSchema",
    "NotAFile",
    "ReadOnlyDatabase",
    "RecordMissing",
    "RecordReferenced",
    "StaleRecord",
    "StorageError",
    "Transaction",
]
