"""Registry services for records as offices hold them: no NIB is nobody's NIB; look-alikes refused unless kept
(and then audited); inactive IKM left out of what programmes may take in."""

from __future__ import annotations

import pytest

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
