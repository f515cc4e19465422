"""Who may do what: roles, the actions they allow, and maker-checker.

Checks live here, in the domain, so the command line, the app and any future interface refuse the same things.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ikmtui.i18n import N_, _

#: Action -> English description used in refusals.
ACTIONS = {
    "read": N_("view records"),
    "report": N_("run reports and exports"),
    "edit": N_("enter and edit records"),
    "credit.submit": N_("submit credit applications"),
    "credit.decide": N_("verify, approve or reject credit applications"),
    "credit.disburse": N_("disburse or write off loans"),
    "backup.restore": N_("restore backups"),
    "personal.reveal": N_("reveal personal data (NIK, NPWP)"),
    "personal.export": N_("export personal data"),
    "staff.manage": N_("manage staff accounts"),
    "records.correct": N_("correct recorded work (reverse, undo, reopen, revoke)"),
    "records.restore": N_("restore deleted records"),
    "settings.manage": N_("change the office settings"),
}
_VIEWER = {"read", "report"}
_OPERATOR = _VIEWER | {"edit", "credit.submit"}
_SUPERVISOR = _OPERATOR | {
    "credit.decide",
    "credit.disburse",
    "backup.restore",
    "personal.reveal",
    "personal.export",
    "records.correct",
    "records.restore",
}
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    "viewer": frozenset(_VIEWER),
    "operator": frozenset(_OPERATOR),
    "supervisor": frozenset(_SUPERVISOR),
    "administrator": frozenset(_SUPERVISOR | {"staff.manage", "settings.manage"}),
}


class PermissionDenied(PermissionError):
    """Refused by role; ``str()`` says who, what, and which role may."""

    def __init__(self, who: str, role: str | None, action: str) -> None:
        allowed = [r for r, actions in ROLE_ACTIONS.items() if action in actions]
        super().__init__(
            _(
                "{who} ({role}) may not {what}; this needs the role {roles}",
                who=who or _("nobody signed in"),
                role=_(role) if role else _("no account"),
                what=_(ACTIONS.get(action, action)),
                roles=" / ".join(_(r) for r in allowed),
            )
        )
        self.who = who
        self.role = role
        self.action = action


def protected(staff: Mapping[str, Mapping[str, Any]]) -> bool:
    """Sign-in is on once an active account with a password exists; before that the office is being set up."""
    return any(doc.get("active", True) and doc.get("password_hash") for doc in staff.values())


def administrable(staff: Mapping[str, Mapping[str, Any]]) -> bool:
    """Protection never locks administration out: once any password exists, an active administrator has one."""
    return not protected(staff) or any(
        doc.get("active", True) and doc.get("role") == "administrator" and doc.get("password_hash")
        for doc in staff.values()
    )


def account(staff: Mapping[str, Mapping[str, Any]], username: str) -> Mapping[str, Any] | None:
    return next((doc for doc in staff.values() if doc.get("username") == username), None)


def role_of(staff: Mapping[str, Mapping[str, Any]], username: str) -> str | None:
    found = account(staff, username)
    return found.get("role") if found and found.get("active", True) else None


def allowed(staff: Mapping[str, Mapping[str, Any]], username: str, action: str) -> bool:
    """A named account always acts with its role (a disabled one with none), passwords or not: they only add
    proof of who it is. A name without an account has every right while sign-in is off (the office is being
    set up, as the operating-system user), none once it is on; the empty name is nobody (a tab not signed in)."""
    if not username:
        return False
    found = account(staff, username)
    if found is None:
        return not protected(staff)
    return bool(found.get("active", True)) and action in ROLE_ACTIONS.get(found.get("role", ""), frozenset())


def require(staff: Mapping[str, Mapping[str, Any]], username: str, action: str) -> None:
    """Raise :class:`PermissionDenied` unless ``username`` may do ``action``."""
    if not allowed(staff, username, action):
        raise PermissionDenied(username, role_of(staff, username), action)
