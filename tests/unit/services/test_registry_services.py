"""Registry use cases and reports: whole-record validation, duplicate NIB, stale edits, refused deletes,
members changed in one transaction, and a cluster summary and a profile that add up."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ikmtui.domain.records import RecordInvalid
from ikmtui.reports.registry import cluster_summary, ikm_profile, ikm_profile_renderable
from ikmtui.services import credit, registry
from ikmtui.storage import TABLES, Database, RecordReferenced, StaleRecord

AS_OF = date(2026, 11, 1)  # the demo data are dated relative to this day

VALID = {
    "name": "Bandeng Juwana Elrina",
    "owner_name": "Siti Aminah",
    "owner_nik": "3374014101900001",
    "nib": "9120000000001",
    "npwp": "",
    "address": "Jl. Pandanaran No. 1",
    "kecamatan": "tembalang",
    "kelurahan": "jangli",
    "phone": "+62 812 3456 7890",
    "email": "",
    "kbli": "10213",
    "product": "bandeng presto",
    "scale": "kecil",
    "workers_male": "3",
    "workers_female": "5",
    "investment": "Rp 1.500.000.000",
    "turnover": "900.000.000",
    "year_founded": "2015",
    "cluster_ids": [2],
    "certifications": ["Halal"],
    "status": "active",
}


def journal_lines(db: Database) -> int:
    path = db.journal_path
    return path.read_bytes().count(b"\n") if path.exists() else 0


def tables(db: Database) -> dict[str, Any]:
    return {name: db.docs(name) for name in TABLES}


def unreferenced_ikm(db: Database) -> dict[str, Any]:
    return next(doc for doc in db.all("ikm") if not registry.ikm_referrers(db, doc["id"]))


def test_create_cleans_every_field_and_is_on_disk(db: Database, db_path: Path) -> None:
    saved = registry.create_ikm(db, VALID)
    assert saved["code"] == "IKM-000061"
    again = Database(db_path, "someone.else").get("ikm", saved["id"])
    assert again is not None
    assert (again["kecamatan"], again["kelurahan"], again["phone"]) == ("Tembalang", "Jangli", "081234567890")
    assert (again["investment"], again["turnover"], again["workers_male"]) == (1_500_000_000, 900_000_000, 3)
    assert again["npwp"] is None and again["email"] is None
    assert again["created_by"] == "tester" and again["version"] == 1
    audit = [a for a in db.all("audit") if a["table"] == "ikm" and a["record_id"] == saved["id"]]
    assert [(a["action"], a["user"]) for a in audit] == [("insert", "tester")]
    assert "owner_nik" in audit[0]["fields"] and "3374014101900001" not in str(audit[0])


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nib", "12345", "NIB harus tepat 13 angka"),
        ("owner_nik", "3374", "NIK harus tepat 16 angka"),
        ("phone", "12", "Nomor telepon harus seperti"),
        ("investment", "1,5 juta", "bukan jumlah rupiah"),
        ("name", "   ", "Isian ini wajib diisi"),
        ("kelurahan", "Jatingaleh", "bukan kelurahan di kecamatan Tembalang"),
        ("cluster_ids", [99], "Klaster tidak ditemukan: 99"),
    ],
)
def test_one_bad_field_saves_nothing(db: Database, field: str, value: Any, message: str) -> None:
    before = journal_lines(db)
    with pytest.raises(RecordInvalid) as caught:
        registry.create_ikm(db, {**VALID, field: value})
    assert list(caught.value.errors) == [field]
    assert message in caught.value.errors[field]
    assert journal_lines(db) == before and db.count("ikm") == 60


def test_duplicate_nib_names_the_record_that_has_it(db: Database) -> None:
    existing = db.all("ikm")[4]
    with pytest.raises(RecordInvalid) as caught:
        registry.create_ikm(db, {**VALID, "nib": existing["nib"]})
    assert caught.value.errors == {
        "nib": f"NIB {existing['nib']} sudah terdaftar atas {existing['code']} {existing['name']}"
    }
    other = db.all("ikm")[5]
    with pytest.raises(RecordInvalid):
        registry.update_ikm(db, other["id"], {"nib": existing["nib"]})
    registry.update_ikm(db, existing["id"], {"nib": existing["nib"], "name": "Nama Baru"})  # its own NIB is fine


def test_update_keeps_fields_not_given_and_refuses_a_stale_version(db: Database, db_path: Path) -> None:
    doc = db.all("ikm")[0]
    updated = registry.update_ikm(db, doc["id"], {"name": "Batik Baru"}, expected_version=doc["version"])
    assert updated["name"] == "Batik Baru" and updated["owner_nik"] == doc["owner_nik"]
    assert updated["version"] == doc["version"] + 1
    other = Database(db_path, "officer2")
    registry.update_ikm(other, doc["id"], {"phone": "081111111111"}, expected_version=updated["version"])
    before = journal_lines(db)
    with pytest.raises(StaleRecord) as caught:
        registry.update_ikm(db, doc["id"], {"name": "Terlambat"}, expected_version=updated["version"])
    assert "officer2" in str(caught.value) and doc["code"] in str(caught.value)
    assert journal_lines(db) == before
    # Stale is reported before any field error: redoing the change is the first thing to do.
    with pytest.raises(StaleRecord):
        registry.update_ikm(db, doc["id"], {"nib": "1"}, expected_version=updated["version"])


def test_delete_refused_while_referenced_then_marked_inactive(db: Database) -> None:
    borrower = next(a["ikm_id"] for a in db.all("credit_applications"))
    refs = registry.ikm_referrers(db, borrower)
    assert refs.get("credit_applications", 0) >= 1
    doc = db.get("ikm", borrower)
    assert doc is not None
    with pytest.raises(RecordReferenced) as caught:
        registry.delete_ikm(db, borrower, expected_version=doc["version"])
    assert "pengajuan kredit" in str(caught.value) and doc["code"] in str(caught.value)
    assert db.get("ikm", borrower) is not None
    registry.set_ikm_status(db, borrower, "inactive", expected_version=doc["version"])
    assert db.get("ikm", borrower)["status"] == "inactive"  # type: ignore[index]
    with pytest.raises(RecordInvalid):
        registry.set_ikm_status(db, borrower, "gone")


def test_delete_unreferenced(db: Database) -> None:
    doc = unreferenced_ikm(db)
    registry.delete_ikm(db, doc["id"], expected_version=doc["version"])
    assert db.get("ikm", doc["id"]) is None
    assert registry.create_ikm(db, VALID)["id"] == 61  # ids are never reused


def test_cluster_crud_and_delete_refused_with_members(db: Database) -> None:
    cluster = registry.create_cluster(
        db,
        {
            "name": "Sentra Jamu Gendong",
            "sector": "food processing",
            "kecamatan": "genuk",
            "decree_number": "SK Walikota No. 530/1/2026",
            "decree_date": "27/10/2026",
            "coordinator": "Bu Lastri",
        },
    )
    assert (cluster["code"], cluster["decree_date"], cluster["kecamatan"]) == ("KLS-000009", "2026-10-27", "Genuk")
    with pytest.raises(RecordInvalid) as caught:
        registry.update_cluster(db, cluster["id"], {"decree_date": "31/02/2026"})
    assert list(caught.value.errors) == ["decree_date"]
    registry.change_members(db, cluster["id"], add=[1, 2])
    with pytest.raises(RecordReferenced) as refused:
        registry.delete_cluster(db, cluster["id"])
    assert "2 IKM" in str(refused.value)
    registry.change_members(db, cluster["id"], remove=[1, 2])
    registry.delete_cluster(db, cluster["id"])
    assert db.get("clusters", cluster["id"]) is None


def test_members_change_in_one_transaction_with_an_audit_entry_each(db: Database) -> None:
    before_lines = journal_lines(db)
    members = set(registry.cluster_member_ids(db, 3))
    outsiders = [d["id"] for d in db.all("ikm") if d["id"] not in members][:4]
    leaving = sorted(members)[:1]
    added, removed = registry.change_members(db, 3, add=[*outsiders, 999], remove=leaving)
    assert (added, removed) == (4, len(leaving))
    assert journal_lines(db) == before_lines + 1
    assert set(registry.cluster_member_ids(db, 3)) == (members | set(outsiders)) - set(leaving)
    audit = [a for a in db.all("audit") if a["action"] == "update" and a["table"] == "ikm"]
    assert sorted(a["record_id"] for a in audit) == sorted([*outsiders, *leaving])
    assert all(a["fields"] == ["cluster_ids"] for a in audit)
    with pytest.raises(ValueError):
        registry.change_members(db, 3, add=[1], remove=[1])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    add=st.sets(st.integers(1, 62), max_size=10),
    remove=st.sets(st.integers(1, 62), max_size=10),
    cluster=st.integers(1, 8),
)
def test_membership_is_the_set_arithmetic_and_other_clusters_stay(
    tmp_path: Path, demo_file: Path, add: set[int], remove: set[int], cluster: int
) -> None:
    remove -= add
    path = tmp_path / f"m{cluster}-{len(add)}-{len(remove)}-{hash(frozenset(add)) % 997}.json"
    path.write_bytes(demo_file.read_bytes())
    db = Database(path, "tester")
    before = {int(k): list(d.get("cluster_ids", [])) for k, d in db.docs("ikm").items()}
    add -= {int(k) for k, d in db.docs("ikm").items() if d.get("status") == "inactive"}  # refused: tested apart
    registry.change_members(db, cluster, add=add, remove=remove)
    after = {int(k): d.get("cluster_ids", []) for k, d in db.docs("ikm").items()}
    for ikm_id, ids in after.items():
        expected = set(before[ikm_id])
        if ikm_id in add:
            expected.add(cluster)
        if ikm_id in remove:
            expected.discard(cluster)
        assert ids == sorted(expected)
    path.unlink()


def test_cluster_summary_adds_up(db: Database) -> None:
    summary = cluster_summary(tables(db), 2, AS_OF)
    members = [d for d in db.all("ikm") if 2 in d.get("cluster_ids", [])]
    member_ids = {d["id"] for d in members}
    assert summary["members"] == len(members) > 0
    assert summary["workers"] == sum(d["workers_male"] + d["workers_female"] for d in members)
    assert summary["workers_male"] + summary["workers_female"] == summary["workers"]
    assert summary["investment"] == sum(d["investment"] for d in members)
    assert sum(p["count"] for p in summary["products"]) == len(members)
    attended = [
        e
        for e in db.all("enrollments")
        if e["ikm_id"] in member_ids and e["state"] in ("attended", "completed", "not_completed")
    ]
    assert summary["trainings_attended"] == len(attended)
    assert summary["certificates"] == sum(1 for e in attended if e["certificate_no"])
    loans = [a for a in db.all("credit_applications") if a["ikm_id"] in member_ids and a.get("disbursed_on")]
    assert summary["loans"] == len(loans)
    outstanding = 0
    for loan in loans:
        status = credit.loan_status(db, loan["id"], AS_OF)
        if status is not None and status.active:
            outstanding += status.outstanding_principal
    assert summary["credit_outstanding"] == outstanding


def test_summary_after_adding_members(db: Database) -> None:
    before = cluster_summary(tables(db), 4, AS_OF)
    newcomers = [d for d in db.all("ikm") if 4 not in d.get("cluster_ids", [])][:3]
    registry.change_members(db, 4, add=[d["id"] for d in newcomers])
    after = cluster_summary(tables(db), 4, AS_OF)
    assert after["members"] == before["members"] + 3
    assert after["workers"] == before["workers"] + sum(d["workers_male"] + d["workers_female"] for d in newcomers)
    assert after["investment"] == before["investment"] + sum(d["investment"] for d in newcomers)


def test_profile_links_everything_and_masks_the_nik(db: Database) -> None:
    loan = next(a for a in db.all("credit_applications") if a["state"] == "disbursed")
    ikm_id = loan["ikm_id"]
    profile = ikm_profile(tables(db), ikm_id, AS_OF)
    doc = db.get("ikm", ikm_id)
    assert doc is not None
    assert profile["ikm"]["owner_nik"] == doc["owner_nik"][:4] + "********" + doc["owner_nik"][-4:]
    assert doc["owner_nik"] not in str(profile)
    row = next(r for r in profile["credit"] if r["code"] == loan["code"])
    status = credit.loan_status(db, loan["id"], AS_OF)
    assert status is not None and row["outstanding"] == status.outstanding_principal > 0
    assert row["repaid"] == sum(r["principal"] for r in db.all("repayments") if r["application_id"] == loan["id"])
    assert len(profile["training"]) == sum(1 for e in db.all("enrollments") if e["ikm_id"] == ikm_id)
    assert profile["sales_total"] == sum(
        s["quantity"] * s["unit_price"] for s in db.all("sales") if s["ikm_id"] == ikm_id
    )
    assert [c["id"] for c in profile["clusters"]] == doc["cluster_ids"]
    from rich.console import Console

    console = Console(width=120, record=True)
    console.print(ikm_profile_renderable(profile))
    text = console.export_text()
    assert doc["code"] in text and profile["ikm"]["owner_nik"] in text and doc["owner_nik"] not in text
