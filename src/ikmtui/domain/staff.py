"""Staff members of the office: who acts, with which role."""

from __future__ import annotations

import getpass
import os
import re
from typing import Annotated, ClassVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from pydantic import BeforeValidator, field_validator

from ikmtui.domain.fields import RequiredText, parse_choice
from ikmtui.domain.records import Record
from ikmtui.i18n import N_, _

ROLES = ("operator", "supervisor", "administrator", "viewer")
ROLE_LABELS = {"operator": N_("operator"), "supervisor": N_("supervisor"), "administrator": N_("administrator"),
               "viewer": N_("viewer")}


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
