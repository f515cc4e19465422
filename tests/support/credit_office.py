"""A small credit office for tests: officers with roles (accounts without passwords act with their roles and need
no sign-in) and loans taken through the lifecycle by different officers, as maker-checker wants."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ikmtui import clock
from ikmtui.services import credit as svc
from ikmtui.storage import Database

APPS = "credit_applications"
REPAYMENTS = "repayments"
DISBURSED = date(2026, 1, 10)
#: The day the credit tests are run on (the demo data's day).
TODAY = date(2026, 12, 4)
#: ani is an operator (makes and submits); budi, citra and dedi are supervisors.
ROLES = {"ani": "operator", "budi": "supervisor", "citra": "supervisor", "dedi": "supervisor"}


def make_office(path: Path, roles: dict[str, str] | None = None) -> Database:
    """A database at ``path`` with officers (``roles``, default :data:`ROLES`) and three IKM (the third inactive);
    acts as ani."""
    db = Database(path, "ani")
    for username, role in (roles or ROLES).items():
        db.insert(
            "staff", {"username": username, "name": username.title(), "role": role, "active": True, "password_hash": ""}
        )
    for name, nib, status in (
        ("Batik Sekar Arum", "1234567890123", "active"),
        ("Bandeng Presto Juwana", "2234567890123", "active"),
        ("Batik Semarangan", "3234567890123", "inactive"),
    ):
        db.insert("ikm", {"name": name, "nib": nib, "status": status}, code_prefix="IKM")
    return db


def office_on_today(tmp_path: Path) -> Iterator[Database]:
    """For a test module's ``office`` fixture (``yield from``): the office of :func:`make_office`, with the one
    clock pinned to :data:`TODAY` while the test runs."""
    with clock.fixed(TODAY):
        yield make_office(tmp_path / "ikmtui.json")


def officer(db: Database, username: str) -> Database:
    """The same database opened by another officer."""
    return Database(db.path, username)


def application(
    db: Database, ikm_id: int = 1, *, on: date = DISBURSED - timedelta(days=5), **overrides: Any
) -> dict[str, Any]:
    """A draft of Rp 12.000.000 over 12 months at 3% flat: Rp 1.030.000 a month."""
    data = {
        "ikm_id": ikm_id,
        "product": "WIBAWA",
        "amount_requested": 12_000_000,
        "tenor_months": 12,
        "purpose": "modal kerja",
        "collateral": "BPKB sepeda motor",
        "documents": ["KTP", "KK", "NIB/IUMK"],
        "bank": "PD BPR Bank Pasar Kota Semarang",
        **overrides,
    }
    return svc.create_application(db, data, date=on)


def approved(db: Database, ikm_id: int = 1, **overrides: Any) -> dict[str, Any]:
    """ani makes and submits, budi verifies, citra approves."""
    app = application(officer(db, "ani"), ikm_id, **overrides)
    svc.submit(officer(db, "ani"), app["id"], date=DISBURSED - timedelta(days=4))
    svc.verify(officer(db, "budi"), app["id"], date=DISBURSED - timedelta(days=3))
    done = svc.approve(officer(db, "citra"), app["id"], date=DISBURSED - timedelta(days=2))
    db.refresh()
    return done


def disbursed(db: Database, ikm_id: int = 1, **overrides: Any) -> dict[str, Any]:
    """:func:`approved`, then budi records the disbursement on :data:`DISBURSED`."""
    app = approved(db, ikm_id, **overrides)
    done = svc.disburse(officer(db, "budi"), app["id"], date=DISBURSED)
    db.refresh()
    return done
