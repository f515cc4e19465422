"""Issue 20: a record's history of values (services.history) and the recycle bin (services.recycle)."""

from __future__ import annotations

import pytest

from ikmtui.domain.permissions import PermissionDenied
from ikmtui.services import recycle, registry
from ikmtui.services.history import action_label, field_label, record_history, summary, table_label
from ikmtui.storage import TABLES, Database


def tables(db: Database) -> dict[str, dict[str, dict]]:
    return {name: db.docs(name) for name in TABLES}


def unreferenced_ikm(db: Database) -> int:
    return next(int(k) for k in db.docs("ikm") if not registry.ikm_referrers(db, int(k)))


def test_the_history_of_a_field_changed_twice_names_who_when_and_old_new(db: Database) -> None:
    first = db.get("ikm", 1)
    assert first is not None
    db.user = "dewi.lestari"
    db.update("ikm", 1, {"product": "lumpia rebung"})
    db.user = "sri.wahyuni"
    db.update("ikm", 1, {"product": "lumpia udang", "phone": "0811"})
    changes = record_history(tables(db), "ikm", 1, "product")
    assert [(c.who, c.action) for c in changes] == [("Dewi Lestari", "update"), ("Sri Wahyuni", "update")]
    assert [(f.old, f.new) for c in changes for f in c.fields] == [
        (first["product"], "lumpia rebung"),
        ("lumpia rebung", "lumpia udang"),
    ]
    last = record_history(tables(db), "ikm", 1)[-1]
    phone = next(f for f in last.fields if f.field == "phone")
    assert phone.private and (phone.old, phone.new) == ("", "")


def test_labels_say_in_words_what_the_log_stores_as_identifiers(db: Database) -> None:
    from ikmtui import i18n

    i18n.set_language("en")
    assert (action_label("update"), table_label("batches"), field_label("batches", "cancelled_at")) == (
        "changed",
        "Training batches",
        "Cancelled at",
    )
    i18n.set_language("id")
    assert (action_label("update"), table_label("batches"), field_label("batches", "cancelled_at")) == (
        "diubah",
        "Angkatan pelatihan",
        "Dibatalkan pada",
    )
    assert table_label("ikm,clusters").count(",") == 1
    i18n.set_language("en")
    assert summary({"action": "reveal", "table": "ikm", "fields": [], "detail": "owner_nik"}) == "Owner NIK"
    assert summary({"action": "update", "table": "batches", "fields": ["state", "cancelled_at"]}) == (
        "State, Cancelled at"
    )


def test_a_supervisor_restores_a_deleted_ikm_an_operator_is_refused(db: Database) -> None:
    ikm_id = unreferenced_ikm(db)
    meta_before = db.meta
    db.user = "budi.santoso"
    deleted = registry.delete_ikm(db, ikm_id)
    [entry] = [e for e in recycle.binned(db) if e["record_id"] == ikm_id]
    assert entry["deleted_by"] == "budi.santoso" and entry["code"] == deleted["code"]
    with pytest.raises(PermissionDenied):
        recycle.restore(db, entry["id"])  # an operator
    assert db.get("ikm", ikm_id) is None

    db.user = "sri.wahyuni"
    back = recycle.restore(db, entry["id"])
    assert (back["id"], back["code"], back["name"]) == (ikm_id, deleted["code"], deleted["name"])
    assert db.get("ikm", ikm_id)["nib"] == deleted["nib"]
    assert all(e["record_id"] != ikm_id for e in recycle.binned(db))
    with pytest.raises(recycle.NotRestorable):
        recycle.restore(db, entry["id"])  # once only
    # Nothing was handed out again: the next IKM gets a new id and a new code.
    assert db.meta["counters"] == meta_before["counters"]
    fields = {k: v for k, v in deleted.items() if k not in ("id", "code", "nib", "owner_nik")}
    new = registry.create_ikm(db, fields, keep_duplicates=True)
    assert new["id"] == meta_before["last_ids"]["ikm"] + 1 and new["code"] != deleted["code"]


def test_a_record_whose_nib_was_taken_since_does_not_come_back(db: Database) -> None:
    ikm_id = unreferenced_ikm(db)
    deleted = registry.delete_ikm(db, ikm_id)
    assert deleted["nib"]
    registry.create_ikm(
        db, {k: v for k, v in deleted.items() if k not in ("id", "code", "owner_nik")}, keep_duplicates=True
    )
    db.user = "sri.wahyuni"
    [entry] = [e for e in recycle.binned(db) if e["record_id"] == ikm_id]
    with pytest.raises(recycle.NotRestorable, match=deleted["nib"]):
        recycle.restore(db, entry["id"])
    assert db.get("ikm", ikm_id) is None


def test_a_cancelled_sale_and_an_orphan_are_not_restored(db: Database, today: object) -> None:
    from ikmtui.services import gallery

    db.user = "sri.wahyuni"
    sale = next(s for s in db.all("sales") if not s.get("paid_on"))
    stock_before = db.get("gallery_listings", sale["listing_id"])["stock"]
    gallery.cancel_sale(db, sale["id"], reason="salah catat")
    [entry] = [e for e in recycle.binned(db) if e["table"] == "sales" and e["record_id"] == sale["id"]]
    with pytest.raises(recycle.NotRestorable, match="catat lagi"):
        recycle.restore(db, entry["id"])  # its units came back as a movement: restoring would count them twice
    assert db.get("sales", sale["id"]) is None
    assert db.get("gallery_listings", sale["listing_id"])["stock"] == stock_before + sale["quantity"]

    # an IKM's yearly figures go with it; restored alone, they would belong to nobody
    ikm_id = unreferenced_ikm(db)
    with db.transaction() as txn:
        added = txn.insert("yearly_figures", {"ikm_id": ikm_id, "year": 2024, "workers_male": 1})
    registry.delete_ikm(db, ikm_id)
    assert not [d for d in db.all("yearly_figures") if d["ikm_id"] == ikm_id]
    [figures] = [e for e in recycle.binned(db) if e["table"] == "yearly_figures" and e["record_id"] == added["id"]]
    with pytest.raises(recycle.NotRestorable, match="sudah tidak ada"):
        recycle.restore(db, figures["id"])
    [ikm] = [e for e in recycle.binned(db) if e["table"] == "ikm" and e["record_id"] == ikm_id]
    recycle.restore(db, ikm["id"])
    recycle.restore(db, figures["id"])  # with its IKM back, they come back too
    assert db.get("yearly_figures", added["id"])["workers_male"] == 1
