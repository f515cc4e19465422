"""Staff members of the office: who acts, with which role."""

from __future__ import annotations

import getpass
import os
from typing import Annotated, ClassVar

from pydantic import BeforeValidator

from ikmtui.domain.fields import RequiredText, parse_choice
from ikmtui.domain.records import Record
from ikmtui.i18n import N_

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


def system_user() -> str:
    """The acting officer until sign-in exists: the operating-system user."""
    try:
        return getpass.getuser()
    except Exception:
        return os.environ.get("USER") or "unknown"
