"""Registry services for records as offices hold them: no NIB is nobody's NIB; look-alikes refused unless kept
(and then audited); inactive IKM left out of what programmes may take in."""

from __future__ import annotations

import pytest

from ikmtui.domain.records import RecordInvalid
from ikmtui.services import registry
from ikmtui.storage import Database
from tests.unit.services.test_registry_services import VALID

BARE = {**VALID, "nib": "", "owner_nik": "", "phone": "", "year_founded": "", "cluster_ids": []}


def test_two_ikm_without_nib_do_not_collide(db: Database) -> None:
    first = registry.create_ikm(db, BARE)
    other = {**BARE, "name": "Lumpia Gang Lombok", "owner_name": "Siswanto", "address": "Gang Lombok 11"}
    second = registry.create_ikm(db, other)
    assert first["nib"] is None and second["nib"] is None
    assert registry.find_nib(db, None) is None and registry.find_nib(db, "") is None
    registry.update_ikm(db, first["id"], {"product": "lumpia"}, expected_version=first["version"])


def test_a_look_alike_is_refused_unless_kept_and_then_audited(db: Database) -> None:
    existing = db.all("ikm")[0]
    look_alike = {**BARE, "owner_nik": existing["owner_nik"]}
    count = db.count("ikm")
    with pytest.raises(registry.PossibleDuplicates) as caught:
        registry.create_ikm(db, look_alike)
    assert [d.code for d in caught.value.duplicates] == [existing["code"]]
    assert existing["code"] in str(caught.value)
    assert [d.code for d in registry.possible_duplicates(db, look_alike)] == [existing["code"]]
    assert db.count("ikm") == count  # nothing saved
    saved = registry.create_ikm(db, look_alike, keep_duplicates=True)
    entry = next(a for a in db.all("audit") if a["action"] == "duplicate.kept")
    assert (entry["record_id"], entry["code"], entry["user"]) == (saved["id"], saved["code"], "tester")
    assert entry["detail"] == f"{existing['code']} (nik)"


# ---------------------------------------------------------------------------------------------- inactive IKM, decrees
def inactive_ids(db: Database) -> set[int]:
    return {doc["id"] for doc in db.all("ikm") if doc.get("status") == "inactive"}


def test_programmes_are_offered_only_active_ikm(db: Database) -> None:
    inactive = inactive_ids(db)
    assert inactive  # the demo has some
    offered = {int(key) for key in registry.active_ikm(db)}
    assert offered == {doc["id"] for doc in db.all("ikm")} - inactive
    index = registry.IkmIndex.active(db)
    one = db.get("ikm", min(inactive))
    assert one is not None and index.exact(one["code"]) is None
    assert registry.IkmIndex.of(db).exact(one["code"]) is not None


def test_an_inactive_ikm_cannot_join_a_cluster_but_can_leave_it(db: Database) -> None:
    cluster_id = db.all("clusters")[0]["id"]
    outsider = next(d for d in db.all("ikm") if d["status"] == "inactive" and cluster_id not in d["cluster_ids"])
    with pytest.raises(ValueError, match=outsider["code"]):
        registry.change_members(db, cluster_id, add=[outsider["id"]])
    assert cluster_id not in (db.get("ikm", outsider["id"]) or {})["cluster_ids"]
    member = next(d for d in db.all("ikm") if cluster_id in d["cluster_ids"])
    with db.transaction() as txn:
        txn.update("ikm", member["id"], {"status": "inactive"})
    assert registry.change_members(db, cluster_id, remove=[member["id"]]) == (0, 1)


CLUSTER = {
    "name": "Sentra Batik Kampung Malang",
    "sector": "batik",
    "kecamatan": "Semarang Tengah",
    "decree_number": "SK Walikota Semarang No. 530/77/2026",
    "decree_date": "2026-12-04",
}


def test_a_decree_dated_after_today_is_refused_naming_today(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from ikmtui import clock

    monkeypatch.setenv("IKMTUI_TODAY", "2026-12-04")
    saved = registry.create_cluster(db, CLUSTER)  # today itself is fine
    for bad in ("15/01/2027", "2026-12-05"):
        with pytest.raises(RecordInvalid) as caught:
            registry.create_cluster(db, {**CLUSTER, "decree_date": bad})
        assert "4 Des 2026" in caught.value.errors["decree_date"]
        with pytest.raises(RecordInvalid):
            registry.update_cluster(db, saved["id"], {"decree_date": bad}, expected_version=saved["version"])
    assert clock.today().isoformat() == "2026-12-04"
    assert (db.get("clusters", saved["id"]) or {})["decree_date"] == "2026-12-04"
