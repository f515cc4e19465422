"""Storage: the one module that owns TinyDB (``database``), with its errors and migrations (no UI imports).

Imports go one way: ``schema`` and ``errors`` <- ``files`` <- ``migrations`` (pure) <- ``database`` <- ``backup``.
"""

from ikmtui.storage.database import Database, Transaction
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
from ikmtui.storage.schema import TABLES

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
