"""Every figure of ``ikmtui report overview --format json`` equals the same figure counted straight from the
stored tables here, with loops written for the test (no code shared with the reports)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest

from ikmtui.cli import main

AS_OF = "2026-11-01"
ROMAN = {
    "I": 1,
    "II": 2,
    "III": 3,
    "IV": 4,
    "V": 5,
    "VI": 6,
    "VII": 7,
    "VIII": 8,
    "IX": 9,
    "X": 10,
    "XI": 11,
    "XII": 12,
}
KECAMATAN = [
    "Semarang Tengah",
    "Semarang Utara",
    "Semarang Timur",
    "Gayamsari",
    "Genuk",
    "Pedurungan",
    "Semarang Selatan",
    "Candisari",
    "Gajahmungkur",
    "Tembalang",
    "Banyumanik",
    "Gunungpati",
    "Semarang Barat",
    "Mijen",
    "Ngaliyan",
    "Tugu",
]


def load(path: Path) -> dict[str, dict[str, dict[str, Any]]]:
    data = orjson.loads(path.read_bytes())
    journal = path.with_name(path.name + ".journal")
    if journal.exists():
        for line in journal.read_bytes().splitlines():
            for kind, table, key, doc in orjson.loads(line)["ops"]:
                if kind == "put":
                    data[table][key] = doc
                else:
                    data[table].pop(key, None)
    return data


def counted(t: dict[str, dict[str, dict[str, Any]]], first: str, cut: str) -> dict[str, Any]:
    """The overview figures for the days first..cut, counted by hand."""

    def inside(day: str | None) -> bool:
        return bool(day) and first <= day <= cut

    # ---- IKM, as they stood on the cut day: status changes logged after it are undone
    statuses = {key: d["status"] for key, d in t["ikm"].items()}
    later = sorted(
        (a for a in t["audit"].values() if a["table"] == "ikm" and a["action"] == "update" and a["ts"][:10] > cut),
        key=lambda a: a["ts"],
        reverse=True,
    )
    for entry in later:
        if "status" in (entry.get("changes") or {}):
            statuses[str(entry["record_id"])] = entry["changes"]["status"][0]
        elif "status" in entry["fields"]:
            was = statuses[str(entry["record_id"])]
            statuses[str(entry["record_id"])] = "inactive" if was == "active" else "active"
    ikm = [{**d, "status": statuses[key]} for key, d in t["ikm"].items() if d["created_at"][:10] <= cut]
    new = [d for d in ikm if d["created_at"][:10] >= first]
    active = [d for d in ikm if d["status"] == "active"]

    def split(key: Any) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for d in ikm:
            entry = out.setdefault(key(d), {"total": 0, "new": 0})
            entry["total"] += 1
            entry["new"] += d in new
        return out

    by_kecamatan = {k: {"total": 0, "new": 0} for k in KECAMATAN} | split(lambda d: d["kecamatan"])
    by_scale = {
        "mikro": {"total": 0, "new": 0},
        "kecil": {"total": 0, "new": 0},
        "menengah": {"total": 0, "new": 0},
    } | split(lambda d: d["scale"])
    by_cluster = {}
    for key, cl in sorted(t["clusters"].items(), key=lambda item: item[1]["code"]):
        members = [d for d in ikm if int(key) in d["cluster_ids"]]
        by_cluster[cl["code"]] = {"name": cl["name"], "total": len(members), "new": sum(1 for d in members if d in new)}
    certifications = {
        c: sum(1 for d in active if c in d["certifications"])
        for c in ("Halal", "SNI", "P-IRT", "HKI", "BPOM", "ISO 9001")
    }

    # ---- training
    courses, batches = t["courses"], t["batches"]
    held = {k: b for k, b in batches.items() if b["status"] in ("running", "finished") and inside(b["start_date"])}
    seated = ("booked", "attended", "completed", "not_completed")

    def course_of(batch_key: str) -> dict[str, Any]:
        return courses[str(batches[batch_key]["course_id"])]

    def certificate_day(e: dict[str, Any]) -> str:
        _seq, _code, _unit, roman, year = e["certificate_no"].split("/")
        return f"{year}-{ROMAN[roman]:02d}-01"

    participants = [e for e in t["enrollments"].values() if str(e["batch_id"]) in held and e["state"] in seated]
    finished = [e for e in participants if held[str(e["batch_id"])]["status"] == "finished"]
    certificates = [e for e in t["enrollments"].values() if e["certificate_no"] and inside(certificate_day(e))]

    def training_by(field: str, keys: tuple[str, ...]) -> dict[str, dict[str, int]]:
        out = {k: {"batches": 0, "participants": 0, "completed": 0, "certificates": 0} for k in keys}
        for k in held:
            out[course_of(k)[field]]["batches"] += 1
        for e in participants:
            out[course_of(str(e["batch_id"]))[field]]["participants"] += 1
            out[course_of(str(e["batch_id"]))[field]]["completed"] += e["state"] == "completed"
        for e in certificates:
            out[course_of(str(e["batch_id"]))[field]]["certificates"] += 1
        return out

    completed_finished = sum(1 for e in finished if e["state"] == "completed")

    # ---- credit
    def state_at(app: dict[str, Any]) -> str | None:
        states = [h["state"] for h in app["history"] if h["date"] <= cut]
        return states[-1] if states else None

    def step(app: dict[str, Any], state: str) -> str | None:
        return next((h["date"] for h in app["history"] if h["state"] == state), None)

    apps = {k: a for k, a in t["credit_applications"].items() if state_at(a) is not None}
    paid: dict[str, list[dict[str, Any]]] = {}
    for rep in t["repayments"].values():
        if rep["date"] <= cut:
            paid.setdefault(str(rep["application_id"]), []).append(rep)
    outstanding = at_risk = loans = 0
    for key, app in apps.items():
        if state_at(app) != "disbursed" or app["disbursed_on"] > cut:
            continue
        left = app["amount_approved"] - sum(r["principal"] for r in paid.get(key, []))
        if left <= 0:
            continue
        loans += 1
        outstanding += left
        money = sum(r["amount"] for r in paid.get(key, []))
        for row in app["schedule"]:  # the oldest installment not fully paid
            if money < row["total"]:
                late = (date.fromisoformat(cut) - date.fromisoformat(row["due"])).days
                break
            money -= row["total"]
        else:
            late = 0
        if late > 30:
            at_risk += left
    approved = [a for a in apps.values() if inside(step(a, "approved"))]
    disbursed = [a for a in apps.values() if inside(a["disbursed_on"])]

    # ---- gallery
    listed = [g for g in t["gallery_listings"].values() if g["consigned_on"] <= cut]
    sales = [s for s in t["sales"].values() if inside(s["date"])]
    gross = [s["quantity"] * s["unit_price"] for s in sales]
    fees = [
        int((Decimal(g) * Decimal(str(s["commission_pct"])) / 100).quantize(Decimal(1), ROUND_HALF_UP))
        for g, s in zip(gross, sales, strict=True)
    ]
    cut_day = date.fromisoformat(cut)

    def stock_then(key: str) -> int:  # the listing's movements dated up to the cut day
        return sum(
            m["quantity"] for m in t["stock_movements"].values() if m["listing_id"] == int(key) and m["date"] <= cut
        )

    displayed = [
        g
        for key, g in t["gallery_listings"].items()
        if g["consigned_on"] <= cut
        and stock_then(key) > 0
        and date.fromisoformat(g["consigned_on"]) + timedelta(days=g["term_days"]) >= cut_day
    ]

    divisions = Counter(d["kbli"][:2] for d in ikm)
    return {
        "ikm": {
            "total": len(ikm),
            "active": len(active),
            "inactive": len(ikm) - len(active),
            "new": len(new),
            "by_kecamatan": by_kecamatan,
            "by_scale": by_scale,
            "by_kbli_section": {"C": {"total": len(ikm), "new": len(new)}} if ikm else {},
            "by_kbli_division": {k: split(lambda d: d["kbli"][:2])[k] for k in sorted(divisions)},
            "by_cluster": by_cluster,
        },
        "workers": {
            "male": sum(d["workers_male"] for d in active),
            "female": sum(d["workers_female"] for d in active),
            "total": sum(d["workers_male"] + d["workers_female"] for d in active),
        },
        "investment": {
            "total": sum(d["investment"] for d in active),
            "new": sum(d["investment"] for d in active if d in new),
        },
        "clusters": {
            "active": sum(1 for c in t["clusters"].values() if c["status"] == "active" and c["decree_date"] <= cut),
            "members": sum(1 for d in ikm if d["cluster_ids"]),
        },
        "certifications": certifications,
        "training": {
            "batches_held": len(held),
            "participants": len(participants),
            "completed": sum(1 for e in participants if e["state"] == "completed"),
            "completion_rate": completed_finished / len(finished) if finished else None,
            "certificates": len(certificates),
            "by_pillar": training_by("pillar", ("S", "M", "A", "R", "T")),
            "by_category": training_by(
                "category",
                ("desain", "kemasan", "sertifikasi", "standardisasi", "manajemen usaha", "pemasaran digital"),
            ),
        },
        "credit": {
            "applications": len(apps),
            "applications_new": sum(1 for a in apps.values() if inside(a["history"][0]["date"])),
            "approved_count": len(approved),
            "approved_amount": sum(a["amount_approved"] for a in approved),
            "disbursed_count": len(disbursed),
            "disbursed_amount": sum(a["amount_approved"] for a in disbursed),
            "outstanding_count": loans,
            "outstanding": outstanding,
            "par30_amount": at_risk,
            "par30": at_risk / outstanding if outstanding else 0.0,
        },
        "gallery": {
            "listings": len(listed),
            "listings_new": sum(1 for g in listed if inside(g["consigned_on"])),
            "displayed": len(displayed),
            "items_sold": sum(s["quantity"] for s in sales),
            "revenue": sum(gross),
            "commission": sum(fees),
            "payout": sum(gross) - sum(fees),
        },
    }


def report_json(capsys: pytest.CaptureFixture[str], db_path: Path, period: str) -> dict[str, Any]:
    code = main(["report", "overview", "--db", str(db_path), "--period", period, "--as-of", AS_OF, "--format", "json"])
    assert code == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    ("period", "first", "cut"),
    [
        ("all", "", AS_OF),
        ("2026", "2026-01-01", AS_OF),
        ("2025-Q3", "2025-07-01", "2025-09-30"),
        ("2026-02", "2026-02-01", "2026-02-28"),
        ("2026-11", "2026-11-01", AS_OF),
    ],
)
def test_every_overview_figure_equals_a_direct_count(
    capsys: pytest.CaptureFixture[str], db_path: Path, period: str, first: str, cut: str
) -> None:
    data = report_json(capsys, db_path, period)
    expected = counted(load(db_path), first, cut)
    figures = {key: data[key] for key in expected}
    assert figures == expected
    # Nothing in the JSON escapes the comparison but where and when it was counted.
    assert set(data) - set(expected) == {"report", "period", "as_of", "empty", "quiet"}
    assert data["as_of"] == cut and data["empty"] is False
    assert data["ikm"]["total"] > 0 and data["credit"]["applications"] > 0


def test_the_figures_are_not_trivially_zero(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    """The demo exercises every figure: a comparison of zeros with zeros would prove nothing."""
    data = report_json(capsys, db_path, "all")
    flat = [
        data["ikm"]["new"],
        data["workers"]["female"],
        data["investment"]["total"],
        data["clusters"]["members"],
        data["training"]["batches_held"],
        data["training"]["participants"],
        data["training"]["certificates"],
        data["credit"]["approved_count"],
        data["credit"]["disbursed_amount"],
        data["credit"]["outstanding"],
        data["gallery"]["items_sold"],
        data["gallery"]["commission"],
        data["certifications"]["Halal"],
    ]
    assert all(flat), flat
    assert 0 < data["training"]["completion_rate"] <= 1


def test_overview_counts_a_change_saved_after_the_demo(
    capsys: pytest.CaptureFixture[str], db_path: Path, today: date
) -> None:
    """Counted from the database as it is now (journal included), not from the demo as generated; a change saved
    today counts from today on, and a period that ended before it stays as it was."""
    from ikmtui.storage import Database

    before = report_json(capsys, db_path, "all")
    db = Database(db_path, "tester")
    doc = next(d for d in db.all("ikm") if d["status"] == "active")
    db.update("ikm", doc["id"], {"status": "inactive"}, expected_version=doc["version"])
    assert report_json(capsys, db_path, "all") == before  # as of 1 Nov: the change came later
    now = today.isoformat()
    code = main(["report", "overview", "--db", str(db_path), "--period", "all", "--as-of", now, "--format", "json"])
    assert code == 0
    after = json.loads(capsys.readouterr().out)
    assert after["ikm"]["active"] == before["ikm"]["active"] - 1
    assert after["workers"]["total"] == before["workers"]["total"] - doc["workers_male"] - doc["workers_female"]
    assert counted(load(db_path), "", now)["ikm"] == after["ikm"]
    assert counted(load(db_path), "", AS_OF)["ikm"] == before["ikm"]
