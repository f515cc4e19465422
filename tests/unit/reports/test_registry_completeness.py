"""Completeness figures: per IKM what is missing, per field how many, and the dashboard's IKM without NIB."""

from __future__ import annotations

from datetime import date

from ikmtui.reports.figures import dashboard
from ikmtui.reports.registry import completeness, missing_fields
from ikmtui.storage import TABLES, Database


def test_what_a_record_lacks() -> None:
    assert (
        missing_fields(
            {
                "nib": "9120000000001",
                "owner_nik": "3374014101900001",
                "npwp": "x",
                "phone": "08",
                "year_founded": 2015,
                "scale": "mikro",
            }
        )
        == []
    )
    assert missing_fields({"nib": None, "owner_nik": "", "year_founded": 0}) == [
        "nib",
        "owner_nik",
        "npwp",
        "phone",
        "scale",
    ]  # a year 0 is a value (the domain refuses it), not a gap


def test_dashboard_counts_the_ikm_without_nib_as_the_raw_table_does(db: Database) -> None:
    docs = db.all("ikm")
    with db.transaction() as txn:
        for doc in docs[:7]:
            txn.update("ikm", doc["id"], {"nib": None})
    raw = Database(db.path, "reader").docs("ikm").values()
    expected = sum(1 for doc in raw if not doc.get("nib"))
    assert expected == 7
    figures = dashboard({name: db.docs(name) for name in TABLES}, date(2026, 12, 4))
    assert figures["headline"]["ikm_without_nib"] == expected == completeness(raw)["missing"]["nib"]
