"""An independent recomputation of the Kinerja report's impact table, straight from the stored records (shared by
the report's and the import's tests)."""

from __future__ import annotations

from typing import Any

from ikmtui.storage import Database


def impact_by_hand(db: Database, year: int) -> dict[str, dict[str, Any]]:
    """Group -> IKM count, workers and turnover of both years and their growth, counted the long way."""
    figures = db.all("yearly_figures")
    before = {f["ikm_id"]: f for f in figures if f["year"] == year - 1}
    after = {f["ikm_id"]: f for f in figures if f["year"] == year}
    both = sorted(set(before) & set(after))
    years = (str(year - 1), str(year))
    batch_end = {b["id"]: b["end_date"][:4] for b in db.all("batches")}
    trained = {
        e["ikm_id"] for e in db.all("enrollments") if e["state"] == "completed" and batch_end[e["batch_id"]] in years
    }
    financed = {
        a["ikm_id"]
        for a in db.all("credit_applications")
        if a.get("disbursed_on") and str(a["disbursed_on"])[:4] in years and a["state"] != "approved"
    }
    facilitated = {
        f["ikm_id"] for f in db.all("facilitations") if f["state"] == "granted" and f["decided_on"][:4] in years
    }
    gallery = {g["ikm_id"] for g in db.all("gallery_listings") if g["consigned_on"][:4] in years}
    helped = trained | financed | facilitated | gallery
    groups = {
        "helped": [i for i in both if i in helped],
        "trained": [i for i in both if i in trained],
        "financed": [i for i in both if i in financed],
        "facilitated": [i for i in both if i in facilitated],
        "gallery": [i for i in both if i in gallery],
        "not_helped": [i for i in both if i not in helped],
    }
    out: dict[str, dict[str, Any]] = {}
    for name, ids in groups.items():
        w0 = sum(before[i]["workers_male"] + before[i]["workers_female"] for i in ids)
        w1 = sum(after[i]["workers_male"] + after[i]["workers_female"] for i in ids)
        t0 = sum(before[i]["turnover"] for i in ids)
        t1 = sum(after[i]["turnover"] for i in ids)
        out[name] = {
            "ikm": len(ids),
            "workers_before": w0,
            "workers_after": w1,
            "workers_growth": (w1 - w0) / w0 if w0 else None,
            "turnover_before": t0,
            "turnover_after": t1,
            "turnover_growth": (t1 - t0) / t0 if t0 else None,
        }
    return out
