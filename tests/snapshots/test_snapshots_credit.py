"""Snapshot of the credit application detail with its schedule: fixed data, fixed "today", fixed terminal size.

Update after an intended change with ``pytest tests/snapshots/test_snapshots_credit.py --snapshot-update`` and look at
the SVG under ``tests/snapshots/__snapshots__/`` before committing it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ikmtui.services import credit as svc
from ikmtui.services import settings
from ikmtui.storage import Database
from ikmtui.ui.app import make_app

APPS = "credit_applications"


@pytest.fixture
def loan_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    """One Rp 12.000.000 loan over 12 months at 3% flat, two installments paid, the third 10 days late."""
    monkeypatch.setenv("IKMTUI_TODAY", date(2026, 4, 20).isoformat())  # the app's clock
    db = Database(tmp_path / "ikmtui.json", "ani")
    for username, role in (("ani", "operator"), ("budi", "supervisor")):
        db.insert(
            "staff", {"username": username, "name": username.title(), "role": role, "active": True, "password_hash": ""}
        )
    db.insert("ikm", {"name": "Batik Sekar Arum", "nib": "1234567890123"}, code_prefix="IKM")
    # budi verifies, approves and disburses (the picture's history): this office has maker-checker off
    settings.put(Database(db.path, "admin"), "credit.maker_checker", False)
    db.refresh()
    app = svc.create_application(
        db,
        {
            "ikm_id": 1,
            "product": "WIBAWA",
            "amount_requested": "Rp 12.000.000",
            "tenor_months": 12,
            "purpose": "modal kerja: kain mori dan malam",
            "collateral": "BPKB sepeda motor",
            "documents": ["KTP", "KK", "NIB/IUMK"],
            "bank": "PD BPR Bank Pasar Kota Semarang",
        },
        date="2026-01-05",
    )
    # codes carry the year the record is saved in: pin it so the picture does not change every January
    db.update(APPS, app["id"], {"code": "KRD-2026-0001"})
    svc.submit(db, app["id"], date="2026-01-06", note="berkas lengkap")
    db.user = "budi"
    svc.verify(db, app["id"], date="2026-01-07", note="dokumen asli dicek")
    svc.approve(db, app["id"], date="2026-01-08", note="survei usaha baik")
    svc.disburse(db, app["id"], date="2026-01-10")
    db.user = "ani"
    svc.record_repayment(db, app["id"], "2026-02-10", 1_030_000)
    svc.record_repayment(db, app["id"], "2026-03-12", 1_030_000, note="via teller")
    return db


def test_application_detail_with_schedule(loan_db: Database, snap_compare: Any) -> None:
    app = make_app(loan_db, poll_seconds=0)
    assert snap_compare(app, press=["5", "enter", "_"], terminal_size=(120, 60))
