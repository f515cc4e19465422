"""What a database holds: its tables, the mark and schema version in its meta record, and how records are keyed.

Constants only, imported by the database, its migrations and backups and by the tools that build files.
"""

from __future__ import annotations

import re
from typing import Any

TABLES = (
    "ikm",
    "clusters",
    "courses",
    "batches",
    "enrollments",
    "credit_applications",
    "repayments",
    "gallery_listings",
    "sales",
    "staff",
    "audit",
    "signin",
    "settings",
    "recycle_bin",
    "certificates",
    "stock_movements",
    "loan_contacts",
    "facilitations",
    "targets",
    "yearly_figures",
    "meta",
)
#: Fields whose values an audit entry never copies (UU PDP No. 27/2022; a password hash is nobody's business):
#: a change to one records only that it changed. Every other field's change keeps what it was and became.
PRIVATE_FIELDS = frozenset({"owner_nik", "nik", "npwp", "phone", "email", "address", "password_hash"})
#: Tables whose records are not kept in the recycle bin when deleted (bookkeeping, not an officer's records).
UNBINNED = frozenset({"audit", "meta", "signin", "recycle_bin"})
APP_MARK = "ikmtui"
SCHEMA_VERSION = 1
META_ID = "1"

#: A stored record.
Doc = dict[str, Any]
#: A whole database in memory: table name -> record id (a decimal string) -> record.
Tables = dict[str, dict[str, Doc]]

#: Record ids are decimal numbers written as strings, as TinyDB keys them (at most 18 digits: ``int`` of a
#: longer string costs more and no office gets there).
_ID = re.compile(r"(?:0|[1-9][0-9]{0,17})").fullmatch


def is_record_id(key: object) -> bool:
    return type(key) is str and _ID(key) is not None
