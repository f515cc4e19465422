"""Staff accounts: add, list, disable, change passwords, sign in."""

from __future__ import annotations

import time
from typing import Any

from ikmtui.domain import permissions
from ikmtui.domain.records import RecordInvalid
from ikmtui.domain.staff import Staff, check_password, failure_delay, hash_password, verify_password
from ikmtui.i18n import _
from ikmtui.storage import Database, Transaction


class SignInFailed(PermissionError):
    """Wrong username or password (never says which), with the delay to wait before the next try."""

    def __init__(self, delay: float) -> None:
        super().__init__(_("Wrong username or password.") + (
            " " + _("Wait {s} s before trying again.", s=int(delay)) if delay else ""))
        self.delay = delay


def install_guard(db: Database) -> None:
    """Refuse, at the storage boundary, every change the acting officer's role does not allow: whichever
    screen or command tries it, a viewer changes nothing and only administrators touch accounts."""

    def guard(txn: Transaction) -> None:
        staff_docs = db.docs("staff")
        if not permissions.protected(staff_docs):
            return
        touched = {(table, record_id) for _kind, table, record_id, _doc in txn.ops if table not in ("audit", "meta")}
        if not touched:
            return
        own = next((key for key, doc in staff_docs.items() if doc.get("username") == db.user), None)
        tables = {table for table, _id in touched}
        if tables == {"staff"} and touched == {("staff", own)}:
            return  # officers may change their own password
        permissions.require(staff_docs, db.user, "staff.manage" if "staff" in tables else "edit")

    db.guards.append(guard)


def accounts(db: Database) -> list[dict[str, Any]]:
    """Every account without its password hash, by username."""
    return sorted(({k: v for k, v in doc.items() if k != "password_hash"} for doc in db.all("staff")),
                  key=lambda d: d["username"])


def find(db: Database, username: str) -> dict[str, Any] | None:
    found = db.find("staff", username=username)
    return found[0] if found else None


def needs_setup(db: Database) -> bool:
    """No account can sign in yet: the first run asks for an administrator."""
    return not permissions.protected(db.docs("staff"))


def add(db: Database, username: str, name: str, role: str, password: str) -> dict[str, Any]:
    """Add an account; the first one with a password needs no permission (it sets the office up)."""
    if not needs_setup(db):
        permissions.require(db.docs("staff"), db.user, "staff.manage")
    check_password(password)
    record = Staff.parse({"username": username, "name": name, "role": role, "active": True})
    with db.transaction() as txn:
        if any(doc.get("username") == record.username for doc in txn.table("staff").values()):
            raise RecordInvalid({"username": _("The username {u} is taken", u=record.username)})
        stored = txn.insert("staff", {**record.doc(), "password_hash": hash_password(password)}, code_prefix="PGW")
    return {k: v for k, v in stored.items() if k != "password_hash"}


def _require_account(db: Database, username: str) -> dict[str, Any]:
    found = find(db, username)
    if found is None:
        raise ValueError(_("There is no account {u}", u=username))
    return found


def set_active(db: Database, username: str, active: bool) -> None:
    permissions.require(db.docs("staff"), db.user, "staff.manage")
    found = _require_account(db, username)
    if not active and found["username"] == db.user:
        raise ValueError(_("You cannot disable your own account"))
    db.update("staff", found["id"], {"active": active}, expected_version=found["version"])


def set_password(db: Database, username: str, password: str) -> None:
    """Officers change their own password; administrators anyone's."""
    if username != db.user:
        permissions.require(db.docs("staff"), db.user, "staff.manage")
    found = _require_account(db, username)
    check_password(password)
    db.update("staff", found["id"], {"password_hash": hash_password(password)}, expected_version=found["version"])


class SignIn:
    """Checks passwords and slows guessing down: after each failure in a row the next try must wait twice as
    long (1, 2, 4 ... 30 s). Nothing sleeps here; a try that comes too early is refused unchecked."""

    def __init__(self, db: Database, clock: Any = time.monotonic) -> None:
        self.db = db
        self.clock = clock
        self.failures: dict[str, int] = {}
        self.not_before: dict[str, float] = {}

    def __call__(self, username: str, password: str) -> dict[str, Any]:
        username = username.strip().lower()
        wait = self.not_before.get(username, 0.0) - self.clock()
        if wait > 0:
            raise SignInFailed(wait)
        self.db.refresh()
        found = find(self.db, username)
        if found and found.get("active", True) and verify_password(found.get("password_hash", ""), password):
            self.failures.pop(username, None)
            self.not_before.pop(username, None)
            self.db.user = found["username"]
            with self.db.transaction() as txn:
                txn.log("signin", "staff", found["id"], found["username"])
            return {k: v for k, v in found.items() if k != "password_hash"}
        self.failures[username] = self.failures.get(username, 0) + 1
        delay = failure_delay(self.failures[username])
        self.not_before[username] = self.clock() + delay
        with self.db.transaction() as txn:
            txn.log("signin.failed", "staff", found["id"] if found else None, username)
        raise SignInFailed(delay)
