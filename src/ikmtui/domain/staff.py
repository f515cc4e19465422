"""Staff members of the office: who acts, with which role."""

from __future__ import annotations

import getpass
import os
import re
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from pydantic import BeforeValidator, field_validator

from ikmtui.domain.fields import RequiredText, parse_choice
from ikmtui.domain.records import Record
from ikmtui.i18n import N_, _

ROLES = ("operator", "supervisor", "administrator", "viewer")
ROLE_LABELS = {
    "operator": N_("operator"),
    "supervisor": N_("supervisor"),
    "administrator": N_("administrator"),
    "viewer": N_("viewer"),
}


class Staff(Record):
    table: ClassVar[str] = "staff"
    code_prefix: ClassVar[str] = "PGW"

    username: RequiredText
    name: RequiredText
    role: Annotated[str, BeforeValidator(parse_choice(ROLES))] = "operator"
    active: bool = True
    password_hash: str = ""

    @field_validator("username")
    @classmethod
    def _username(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z0-9][a-z0-9._-]{1,31}", value):
            raise ValueError(_("A username is 2-32 lower-case letters, digits, dots, dashes or underscores"))
        return value


def system_user() -> str:
    """The acting officer until sign-in exists: the operating-system user."""
    try:
        return getpass.getuser()
    except Exception:
        return os.environ.get("USER") or "unknown"


MIN_PASSWORD = 8


def check_password(password: str, repeated: str | None = None) -> str:
    """A new password: at least 8 characters, typed the same twice."""
    if len(password) < MIN_PASSWORD:
        raise ValueError(_("A password needs at least {n} characters", n=MIN_PASSWORD))
    if repeated is not None and password != repeated:
        raise ValueError(_("The two passwords are not the same"))
    return password


def hash_password(password: str) -> str:
    """An argon2id hash; the password itself is never stored or shown."""
    return PasswordHasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return PasswordHasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def failure_delay(failures: int) -> float:
    """Seconds to wait after ``failures`` wrong passwords in a row: 0, 1, 2, 4 ... at most 30."""
    return 0.0 if failures <= 0 else float(min(30, 2 ** (failures - 1)))


# Sign-in throttling. Records are kept in the database (table ``signin``), one per typed username and one per
# remote address, so that every process and browser tab counts the same tries.
#: Unsuccessful tries a username gets within ``WINDOW_SECONDS`` before it is locked out for ``LOCKOUT_SECONDS``.
MAX_FAILURES = 5
#: The same per remote address (browser tabs under ``ikmtui serve``); higher, as several officers behind one
#: router or proxy share an address.
MAX_ADDRESS_FAILURES = 20
WINDOW_SECONDS = 15 * 60
LOCKOUT_SECONDS = 15 * 60
#: Typed usernames are kept (throttling, audit log) to at most this many printable characters.
MAX_TYPED_USERNAME = 64


def typed_username(text: str) -> str:
    """A typed username as it is looked up and logged: trimmed, lower-case, printable only, length capped."""
    return "".join(ch for ch in text.strip().lower() if ch.isprintable())[:MAX_TYPED_USERNAME]


def locked_until(record: Mapping[str, Any] | None, now: float) -> float:
    """When the lockout of ``record`` ends, or 0.0 if it is not locked out at ``now``."""
    until = float((record or {}).get("locked_until", 0.0))
    return until if until > now else 0.0


def counting(record: Mapping[str, Any] | None, key: str, now: float) -> dict[str, Any]:
    """A copy of the throttle record for ``key`` to count a try in: a new window once the last one has passed."""
    found = dict(record or {"key": key})
    if now >= float(found.get("since", 0.0)) + WINDOW_SECONDS and not locked_until(found, now):
        found.update(since=now, tries=0, wrong=0)
    return found


def lock_if_full(record: dict[str, Any], now: float, limit: int) -> bool:
    """Lock the record out once its window holds ``limit`` tries; the count starts afresh when the lockout ends.
    Returns whether it was locked now."""
    if int(record.get("tries", 0)) < limit:
        return False
    record.update(locked_until=now + LOCKOUT_SECONDS, since=now + LOCKOUT_SECONDS, tries=0)
    return True


def expired(record: Mapping[str, Any], now: float) -> bool:
    """Nothing in the record matters any more: its window, lockout and delay have all passed."""
    return now >= max(
        float(record.get("since", 0.0)) + WINDOW_SECONDS,
        float(record.get("locked_until", 0.0)),
        float(record.get("not_before", 0.0)),
    )
