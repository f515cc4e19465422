"""Issue 20 in the storage layer: an update's audit entry keeps what each field was and became (a private field
only that it changed); a delete keeps the record in the recycle bin; putting it back never reuses ids or codes."""

from __future__ import annotations

from ikmtui.storage import Database


def test_an_update_keeps_old_and_new_values_but_only_the_names_of_private_fields(db: Database) -> None:
    before = db.get("ikm", 1)
    assert before is not None
    db.update("ikm", 1, {"name": "Batik Baru", "turnover": 1_234_000, "phone": "081299990000", "owner_nik": "1"})
    entry = db.all("audit")[-1]
    assert entry["action"] == "update" and entry["record_id"] == 1
    assert set(entry["fields"]) == {"name", "turnover", "phone", "owner_nik"}
    assert entry["changes"] == {"name": [before["name"], "Batik Baru"], "turnover": [before["turnover"], 1_234_000]}
    raw = str(entry)
    assert "081299990000" not in raw and before["phone"] not in raw and before["owner_nik"] not in raw


def test_a_deleted_record_goes_to_the_recycle_bin_and_comes_back_with_its_id_and_code(db: Database) -> None:
    doc = db.insert("clusters", {"name": "Sentra Uji", "kecamatan": "Tembalang"}, code_prefix="KLS")
    db.delete("clusters", doc["id"], reason="entered twice")
    assert db.get("clusters", doc["id"]) is None
    [(bin_key, binned)] = [(k, d) for k, d in db.docs("recycle_bin").items() if d["record_id"] == doc["id"]]
    assert binned["table"] == "clusters" and binned["code"] == doc["code"] and binned["reason"] == "entered twice"
    assert binned["deleted_by"] == "tester" and binned["doc"]["name"] == "Sentra Uji"

    # Meanwhile a new cluster gets a new id and a new code: the deleted one's are never handed out again.
    other = db.insert("clusters", {"name": "Sentra Lain", "kecamatan": "Tembalang"}, code_prefix="KLS")
    assert other["id"] > doc["id"] and other["code"] != doc["code"]

    with db.transaction() as txn:
        back = txn.put_back(int(bin_key))
    assert (back["id"], back["code"], back["name"]) == (doc["id"], doc["code"], "Sentra Uji")
    assert back["version"] == doc["version"] + 1
    assert db.docs("recycle_bin")[bin_key]["restored_by"] == "tester"
    assert [a["action"] for a in db.all("audit")][-2:] == ["insert", "restore"]
    again = db.insert("clusters", {"name": "Sentra Ketiga", "kecamatan": "Tembalang"}, code_prefix="KLS")
    assert again["id"] > other["id"]


def test_bookkeeping_tables_are_not_binned(db: Database) -> None:
    with db.transaction() as txn:
        txn.log("export", "ikm", None)
    entry_id = max(map(int, db.docs("audit")))
    bins = len(db.docs("recycle_bin"))
    db.insert("signin", {"username": "x", "failures": 1})
    db.delete("signin", max(map(int, db.docs("signin"))))
    assert len(db.docs("recycle_bin")) == bins and str(entry_id) in db.docs("audit")
