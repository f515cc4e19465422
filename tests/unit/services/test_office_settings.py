"""Office settings: the letterhead, the certificate unit code and the signatories; administrators only, audited."""

from __future__ import annotations

from pathlib import Path

import pytest

from ikmtui.domain.permissions import PermissionDenied
from ikmtui.domain.records import RecordInvalid
from ikmtui.services import settings, training
from ikmtui.storage import Database

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def as_user(db: Database, username: str) -> Database:
    db.user = username
    return db


def test_defaults_until_set_and_the_change_is_audited(db: Database) -> None:
    assert settings.value(db, "office.name") == "Dinas Perindustrian Kota Semarang"
    assert settings.value(db, "certificate.unit") == "DISPERIN"
    changed = settings.put_many(as_user(db, "admin"), {"office.phone": " (024)  3547211 ", "office.city": "Semarang"})
    assert changed == ["office.phone"]  # the city did not change
    assert settings.value(db, "office.phone") == "(024) 3547211"
    entries = [a for a in db.all("audit") if a.get("table") == "settings"]
    assert entries and entries[-1]["user"] == "admin"


@pytest.mark.parametrize("username", ["sri.wahyuni", "budi.santoso", "rina.kurnia"])
def test_only_an_administrator_changes_them(db: Database, username: str) -> None:
    with pytest.raises(PermissionDenied):
        settings.put_many(as_user(db, username), {"office.name": "Kantor Lain"})
    with pytest.raises(PermissionDenied):
        settings.set_logo(db, None)
    assert settings.value(db, "office.name") == "Dinas Perindustrian Kota Semarang"


def test_a_bad_value_changes_nothing(db: Database) -> None:
    with pytest.raises(RecordInvalid) as caught:
        settings.put_many(as_user(db, "admin"), {"office.name": "Baru", "certificate.unit": "DIS/PERIN"})
    assert set(caught.value.errors) == {"certificate.unit"}
    assert settings.value(db, "office.name") == "Dinas Perindustrian Kota Semarang"
    with pytest.raises(RecordInvalid):
        settings.put_many(db, {"office.nam": "typo"})


def test_logo_is_copied_in_beside_the_database(db: Database, tmp_path: Path) -> None:
    picture = tmp_path / "logo.png"
    picture.write_bytes(PNG)
    name = settings.set_logo(as_user(db, "admin"), picture)
    picture.unlink()  # the office's copy stays
    logo = settings.office(db)["office.logo"]
    assert name and logo.endswith(name) and Path(logo).read_bytes() == PNG
    settings.set_logo(db, "")
    assert settings.office(db)["office.logo"] == ""


def test_certificate_numbers_carry_the_office_unit_code(db: Database) -> None:
    """The unit code in new certificate numbers is read from the settings (DISPERIN until changed)."""
    completed = [{**doc, "id": int(k)} for k, doc in db.docs("enrollments").items() if doc.get("state") == "completed"]
    first, second = completed[0], completed[1]
    as_user(db, "admin")
    for doc in (first, second):
        db.update("enrollments", doc["id"], {"certificate_no": None})
    assert "/DISPERIN/" in training.issue_certificate(db, first["id"], "2026-12-01")["certificate_no"]
    settings.put_many(db, {"certificate.unit": "dpk-smg"})
    assert "/DPK-SMG/" in training.issue_certificate(db, second["id"], "2026-12-01")["certificate_no"]
