"""Facilitations, targets and yearly figures saved through the services: one transaction each, audited."""

from __future__ import annotations

import pytest

from ikmtui.domain.records import RecordInvalid
from ikmtui.services import results as service
from ikmtui.storage import Database

pytestmark = pytest.mark.usefixtures("today")


def _without(db: Database, certification: str) -> int:
    return next(int(k) for k, d in db.docs("ikm").items() if certification not in (d.get("certifications") or []))


def _granted(db: Database, ikm_id: int, kind: str, permit: str) -> dict:
    fac = service.create_facilitation(db, {"ikm_id": ikm_id, "kind": kind, "requested_on": "2026-10-01"})
    fac = service.move_facilitation(db, fac["id"], "in_process", on="2026-10-02", expected_version=fac["version"])
    return service.move_facilitation(db, fac["id"], "granted", on="2026-10-20", permit=permit)


def test_granting_halal_adds_halal_to_the_ikm_once(db: Database) -> None:
    ikm_id = _without(db, "Halal")
    before = list(db.get("ikm", ikm_id)["certifications"])  # type: ignore[index]
    fac = _granted(db, ikm_id, "halal", "ID33110000123")
    assert fac["state"] == "granted" and fac["code"].startswith("FAS-2026-")
    assert db.get("ikm", ikm_id)["certifications"] == [*before, "Halal"]  # type: ignore[index]
    _granted(db, ikm_id, "halal", "ID33110000999")  # a renewal: no second "Halal"
    assert db.get("ikm", ikm_id)["certifications"].count("Halal") == 1  # type: ignore[index]
    entry = [a for a in db.docs("audit").values() if a.get("table") == "ikm" and a.get("record_id") == ikm_id][-1]
    assert entry["user"] == "tester" and entry["fields"] == ["certifications"]


def test_granting_an_nib_fills_the_nib_by_the_registrys_rules(db: Database) -> None:
    ikm_id, other = 4, 5
    fac = _granted(db, ikm_id, "nib", "9120000000001")
    assert fac["permit_number"] == "9120000000001"
    assert db.get("ikm", ikm_id)["nib"] == "9120000000001"  # type: ignore[index]
    taken = db.get("ikm", other)["nib"]  # type: ignore[index]
    with pytest.raises(RecordInvalid) as refused:
        _granted(db, ikm_id, "nib", taken)
    assert taken in refused.value.errors["permit_number"]
    assert db.get("ikm", ikm_id)["nib"] == "9120000000001"  # type: ignore[index]
    # nothing of the refused grant was written: it stays in process
    last = max(db.all("facilitations"), key=lambda d: d["id"])
    assert last["state"] == "in_process"


def test_a_refused_transition_writes_nothing(db: Database) -> None:
    fac = service.create_facilitation(db, {"ikm": "IKM-000002", "kind": "sni", "requested_on": "2026-10-01"})
    audit = db.count("audit")
    with pytest.raises(RecordInvalid) as refused:
        service.move_facilitation(db, fac["id"], "granted", on="2026-10-02", permit="SNI-1")
    assert "Diajukan" in refused.value.errors["state"]
    assert db.get("facilitations", fac["id"])["state"] == "requested"  # type: ignore[index]
    assert db.count("audit") == audit


def test_an_unknown_ikm_is_said_beside_its_field(db: Database) -> None:
    with pytest.raises(RecordInvalid) as unknown:
        service.create_facilitation(db, {"ikm": "IKM-999999", "kind": "halal", "requested_on": "2026-10-01"})
    assert "ikm" in unknown.value.errors


def test_one_target_per_year_and_indicator_and_figures_per_ikm_and_year(db: Database) -> None:
    first = service.save_target(db, {"year": 2026, "indicator": "ikm_trained", "target": 100, "budget": "Rp 1.000"})
    second = service.save_target(db, {"year": 2026, "indicator": "ikm_trained", "target": 120, "budget": "2.000"})
    assert second["id"] == first["id"] and second["target"] == 120 and second["budget"] == 2000
    assert [t["indicator"] for t in service.targets_of(db, 2026)].count("ikm_trained") == 1
    service.save_figures(db, {"ikm": "IKM-000007", "year": 2026, "workers_male": 2, "workers_female": 3})
    service.save_figures(db, {"ikm": "IKM-000007", "year": 2024, "workers_male": 1})
    service.save_figures(db, {"ikm": "IKM-000007", "year": 2026, "workers_male": 4, "workers_female": 3})
    years = [(f["year"], f["workers_male"]) for f in service.figures_of(db, 7) if f["year"] in (2024, 2026)]
    assert years == [(2024, 1), (2026, 4)]
