"""Data completeness in ``ikmtui report ikm``: per field, how many IKM lack it, equal to a count of the raw table."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ikmtui.cli import main
from ikmtui.reports.registry import COMPLETENESS_FIELDS
from ikmtui.storage import Database

GAPS = {  # record position -> fields left empty (as records imported from an office list often are)
    0: ("nib", "phone"),
    3: ("nib", "owner_nik", "year_founded"),
    5: ("nib", "scale"),
    8: ("phone",),
}


def test_counts_per_field_equal_a_count_of_the_raw_table(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    db = Database(db_path, "tester")
    docs = db.all("ikm")
    with db.transaction() as txn:
        for position, fields in GAPS.items():
            txn.update("ikm", docs[position]["id"], dict.fromkeys(fields))
    assert main(["report", "ikm", "--db", str(db_path), "--format", "json", "--lang", "en"]) == 0
    data = json.loads(capsys.readouterr().out)["completeness"]

    raw = Database(db_path, "reader").docs("ikm").values()
    expected = {name: sum(1 for doc in raw if doc.get(name) in (None, "")) for name in COMPLETENESS_FIELDS}
    assert data["missing"] == expected
    assert data["missing"]["nib"] == sum(1 for doc in raw if not doc.get("nib")) >= 3
    assert data["total"] == len(raw)
    assert data["complete"] == sum(1 for doc in raw if all(doc.get(name) not in (None, "") for name in expected))


def test_the_text_report_names_the_gaps(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    db = Database(db_path, "tester")
    with db.transaction() as txn:
        txn.update("ikm", db.all("ikm")[0]["id"], {"nib": None})
    assert main(["report", "ikm", "--db", str(db_path), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Data completeness" in out and "IKM without NIB" in out


def test_the_profile_report_says_what_the_record_lacks(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    db = Database(db_path, "tester")
    doc = db.all("ikm")[2]
    with db.transaction() as txn:
        txn.update("ikm", doc["id"], {"nib": None, "year_founded": None})
    args = ["report", "profile", "--ikm", doc["code"], "--db", str(db_path), "--lang", "en"]
    assert main([*args, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["ikm"]["missing"][:2] == ["nib", "npwp"]
    assert main(args) == 0
    assert re.search(r"Missing\W+NIB, NPWP, Year founded", capsys.readouterr().out)
