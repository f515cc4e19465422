"""Staff accounts: add, list, disable, change passwords, sign in."""

from __future__ import annotations

import functools
import math
import secrets
import time
from datetime import datetime
from typing import Any

from ikmtui import clock
from ikmtui.domain import permissions
from ikmtui.domain.records import RecordInvalid
from ikmtui.domain.staff import (
    MAX_ADDRESS_FAILURES,
    MAX_FAILURES,
    Staff,
    check_password,
    counting,
    expired,
    failure_delay,
    hash_password,
    lock_if_full,
    locked_until,
    typed_username,
    verify_password,
)
from ikmtui.i18n import _
from ikmtui.storage import Database, Transaction


class SignInFailed(PermissionError):
    """Wrong username or password (never says which), with the delay to wait before the next try; or a try
    while the username or the address is locked out (``until``: when the lockout ends, epoch seconds)."""

    def __init__(self, delay: float, until: float = 0.0, *, wrong: bool = True) -> None:
        parts = [_("Wrong username or password.")] if wrong else []
        if until:
            parts.append(_("Too many failed sign-ins: try again after {time}.", time=clock_time(until)))
        elif delay:
            parts.append(_("Wait {s} s before trying again.", s=math.ceil(delay)))
        super().__init__(" ".join(parts))
        self.delay = delay
        self.until = until


def clock_time(epoch: float) -> str:
    """A moment as officers read it: local hours and minutes, rounded up (with the date if not today)."""
    moment = datetime.fromtimestamp(math.ceil(epoch / 60) * 60).astimezone()
    return moment.strftime("%H:%M" if moment.date() == clock.today() else "%Y-%m-%d %H:%M")


class AdministratorFirst(PermissionError):
    """A password for a non-administrator while no administrator has one: nobody could manage staff then."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Set an administrator's password first: until an administrator can sign in, no other "
                "account gets a password (else nobody could manage staff accounts)"
            )
        )


#: Tables the role guard leaves alone: the audit log, bookkeeping, and sign-in throttling (written before anyone
#: has signed in).
UNGUARDED = ("audit", "meta", "signin")
#: Fields an officer may change in their own account record (and the stamps every change brings).
OWN_FIELDS = {"password_hash", "version", "updated_at", "updated_by"}


def install_guard(db: Database) -> None:
    """Refuse, at the storage boundary, every change the acting officer's role does not allow: whichever
    screen or command tries it, a viewer changes nothing and only administrators touch accounts. Installed once
    per database (the command line and the app both ask for it)."""
    if any(getattr(guard, "staff_guard", False) for guard in db.guards):
        return

    def guard(txn: Transaction) -> None:
        touched = {(table, record_id) for _kind, table, record_id, _doc in txn.ops if table not in UNGUARDED}
        if not touched:
            return
        staff_docs = db.docs("staff")  # as committed: the role the officer has before this change
        tables = {table for table, _id in touched}
        if not _own_password(staff_docs, txn, touched, db.user):
            permissions.require(staff_docs, db.user, "staff.manage" if "staff" in tables else "edit")
        if "staff" in tables and not permissions.administrable(txn.table("staff")):
            raise AdministratorFirst()

    guard.staff_guard = True  # type: ignore[attr-defined]
    db.guards.append(guard)


def _own_password(
    staff_docs: dict[str, dict[str, Any]], txn: Transaction, touched: set[tuple[str, str]], username: str
) -> bool:
    """The change is the officer's own password and nothing else (officers may always change theirs)."""
    own = next((key for key, doc in staff_docs.items() if username and doc.get("username") == username), None)
    if own is None or touched != {("staff", own)} or not staff_docs[own].get("active", True):
        return False
    before, after = staff_docs[own], txn.table("staff").get(own) or {}
    return all(before.get(k) == after.get(k) for k in set(before) | set(after) if k not in OWN_FIELDS)


def accounts(db: Database) -> list[dict[str, Any]]:
    """Every account without its password hash, by username."""
    return sorted(
        ({k: v for k, v in doc.items() if k != "password_hash"} for doc in db.all("staff")), key=lambda d: d["username"]
    )


def find(db: Database, username: str) -> dict[str, Any] | None:
    found = db.find("staff", username=username)
    return found[0] if found else None


def needs_setup(db: Database) -> bool:
    """No account can sign in yet: the first run asks for an administrator."""
    return not permissions.protected(db.docs("staff"))


def _administrator_first(db: Database, role: str) -> None:
    """Refuse a first password that is not an administrator's (see :func:`permissions.administrable`)."""
    if role != "administrator" and not permissions.administrable(
        {**db.docs("staff"), "new": {"role": role, "active": True, "password_hash": "x"}}
    ):
        raise AdministratorFirst()


def add(db: Database, username: str, name: str, role: str, password: str) -> dict[str, Any]:
    """Add an account (only administrators, or anyone while sign-in is off and the name has no account); the
    first account with a password must be an administrator's."""
    permissions.require(db.docs("staff"), db.user, "staff.manage")
    check_password(password)
    record = Staff.parse({"username": username, "name": name, "role": role, "active": True})
    _administrator_first(db, record.role)
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
    """Officers change their own password; administrators anyone's. The first password set must be an
    administrator's."""
    if username != db.user:
        permissions.require(db.docs("staff"), db.user, "staff.manage")
    found = _require_account(db, username)
    check_password(password)
    _administrator_first(db, found.get("role", ""))
    db.update("staff", found["id"], {"password_hash": hash_password(password)}, expected_version=found["version"])


def recover_password(db: Database, username: str, password: str, *, by: str) -> None:
    """An administrator who lost the password gets a new one without signing in. Only for administrator
    accounts; the caller has checked that ``by`` (the operating-system user) owns the database file and is at
    its terminal: whoever may replace the file anyway. The change is made as the administrator themselves
    (an officer's own password) and audited as ``staff.recover`` naming ``by``."""
    found = _require_account(db, username)
    if found.get("role") != "administrator":
        raise PermissionError(
            _(
                "Only an administrator's password can be recovered this way; an administrator sets "
                "the others' (ikmtui staff passwd {u} --user ADMINISTRATOR)",
                u=username,
            )
        )
    if not found.get("active", True):
        raise PermissionError(_("The account {u} is disabled", u=username))
    check_password(password)
    db.user = found["username"]
    with db.transaction() as txn:
        txn.update("staff", found["id"], {"password_hash": hash_password(password)})
        txn.log("staff.recover", "staff", found["id"], found.get("code", ""), typed_username(by))


@functools.cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_hex(16))


class SignIn:
    """Checks passwords and slows guessing down, counting in the database (table ``signin``) so that every
    process and browser tab shares the count:

    * after each wrong password in a row the next try must wait twice as long (1, 2, 4 ... 30 s); a try that
      comes too early is refused unchecked;
    * a username (and, in a browser tab, its remote address) that collects :data:`MAX_FAILURES`
      unsuccessful tries within :data:`WINDOW_SECONDS` is locked out for :data:`LOCKOUT_SECONDS`, whatever
      the password, and the refusal says until when;
    * a correct password resets the username's count.

    Each try is counted before its password is checked, so that tries made at the same moment in several
    processes cannot pass the limit together. Nothing sleeps here."""

    def __init__(self, db: Database, clock: Any = time.time, address: str | None = None) -> None:
        self.db = db
        self.clock = clock
        self.address = typed_username(address) if address else None

    def _records(self, txn: Transaction, username: str, now: float) -> dict[str, dict[str, Any]]:
        """The throttle records this try counts in (by key), each ready for counting."""
        keys = [f"user:{username}"] + ([f"addr:{self.address}"] if self.address else [])
        stored = {
            doc.get("key"): {**doc, "id": int(record_id)}
            for record_id, doc in txn.table("signin").items()
            if doc.get("key") in keys
        }
        return {key: counting(stored.get(key), key, now) for key in keys}

    def _limit(self, key: str) -> int:
        return MAX_FAILURES if key.startswith("user:") else MAX_ADDRESS_FAILURES

    def _save(self, txn: Transaction, records: dict[str, dict[str, Any]], now: float) -> None:
        table = txn.table("signin")
        for record in records.values():
            fields = {k: v for k, v in record.items() if k != "id"}
            if "id" in record:
                txn.update("signin", record["id"], fields)
            else:
                record["id"] = txn.insert("signin", fields)["id"]
        if len(table) > 200:  # many names tried: forget those whose window, lockout and delay are over
            for record_id, doc in list(table.items())[:50]:
                if expired(doc, now) and doc.get("key") not in records:
                    txn.delete("signin", int(record_id))

    def _lock_full(self, txn: Transaction, records: dict[str, dict[str, Any]], now: float) -> float:
        """Lock out each record whose window is full (logged once); returns when the longest lockout ends."""
        for key, record in records.items():
            if lock_if_full(record, now, self._limit(key)):
                kind, name = key.split(":", 1)
                txn.log("signin.locked", "signin", None, name, kind)
        return max((locked_until(record, now) for record in records.values()), default=0.0)

    def __call__(self, username: str, password: str) -> dict[str, Any]:
        username = typed_username(username)
        now = self.clock()
        self.db.refresh()
        with self.db.transaction() as txn:  # check the lockout and count this try, under the lock
            records = self._records(txn, username, now)
            until = max(locked_until(record, now) for record in records.values())
            if until:
                raise SignInFailed(0.0, until, wrong=False)  # nothing written: a lockout costs no disk
            wait = 0.0
            until = self._lock_full(txn, records, now)  # filled by tries still being checked elsewhere
            if not until:
                for record in records.values():
                    record["tries"] = int(record.get("tries", 0)) + 1
                wait = float(records[f"user:{username}"].get("not_before", 0.0)) - now
                if wait > 0:  # too early: refused unchecked, but it counts
                    until = self._lock_full(txn, records, now)
            self._save(txn, records, now)
        if until:
            raise SignInFailed(0.0, until, wrong=False)
        if wait > 0:
            raise SignInFailed(wait)
        found = find(self.db, username)
        # An unknown name costs a hash check too: the time taken does not tell which usernames exist.
        real = found if found is not None and found.get("active", True) and found.get("password_hash") else None
        if verify_password(real["password_hash"] if real is not None else _dummy_hash(), password) and real is not None:
            found = real
            before, self.db.user = self.db.user, found["username"]
            try:
                with self.db.transaction() as txn:
                    records = self._records(txn, username, now)
                    user_record = records.pop(f"user:{username}")
                    if "id" in user_record:
                        txn.delete("signin", user_record["id"])  # a correct password resets the username's count
                    for record in records.values():  # the address keeps its count, less this try
                        record["tries"] = max(0, int(record.get("tries", 0)) - 1)
                    self._save(txn, records, now)
                    txn.log("signin", "staff", found["id"], found["username"])
            except BaseException:
                self.db.user = before
                raise
            return {k: v for k, v in found.items() if k != "password_hash"}
        with self.db.transaction() as txn:
            records = self._records(txn, username, now)
            user_record = records[f"user:{username}"]
            user_record["wrong"] = int(user_record.get("wrong", 0)) + 1
            delay = failure_delay(user_record["wrong"])
            user_record["not_before"] = now + delay
            txn.log("signin.failed", "staff", found["id"] if found else None, username, self.address or "")
            until = self._lock_full(txn, records, now)
            self._save(txn, records, now)
        raise SignInFailed(delay, until)
