"""The Kinerja report: every realisation and facilitation count recounted from the raw tables, and the impact
table's growth recomputed independently."""

from __future__ import annotations

import json
from datetime import date

import pytest

from ikmtui.reports.catalog import build_report, render
from ikmtui.reports.common import tables_of
from ikmtui.reports.period import Period
from ikmtui.services import results as service
from ikmtui.storage import Database
from tests.support.results import impact_by_hand

pytestmark = pytest.mark.usefixtures("today")
TODAY = date(2026, 12, 4)


def _json(db: Database, year: int = 2026) -> dict:
    report = build_report(tables_of(db), "kinerja", Period.year(year), TODAY)
    return json.loads(render(report, "json"))


def _recount(db: Database, year: int) -> dict[str, int]:
    """Each indicator counted again, straight from the stored records (not through the report's code)."""
    y = str(year)
    rows = {name: db.all(name) for name in ("ikm", "batches", "enrollments", "credit_applications")}
    counts: dict[str, int] = {}
    lent = [
        a
        for a in rows["credit_applications"]
        if a["state"] in ("disbursed", "closed", "written_off") and str(a.get("disbursed_on") or "").startswith(y)
    ]
    counts["credit_disbursed"] = sum(
        a["amount_approved"] if a.get("amount_approved") is not None else a["amount_requested"] for a in lent
    )
    counts["ikm_financed"] = len({a["ikm_id"] for a in lent})
    counts["gallery_products"] = len(
        [g for g in db.all("gallery_listings") if str(g.get("consigned_on") or "").startswith(y)]
    )
    counts["new_ikm"] = len([i for i in rows["ikm"] if i["created_at"].startswith(y)])
    counts["workers_absorbed"] = sum(
        f["workers_male"] + f["workers_female"] for f in db.all("yearly_figures") if f["year"] == year
    )
    ended = {b["id"] for b in rows["batches"] if b["end_date"].startswith(y)}
    counts["ikm_trained"] = len(
        {e["ikm_id"] for e in rows["enrollments"] if e["state"] == "completed" and e["batch_id"] in ended}
    )
    for kind in {f["kind"] for f in db.all("facilitations")}:
        granted = {
            f["ikm_id"]
            for f in db.all("facilitations")
            if f["kind"] == kind and f["state"] == "granted" and str(f.get("decided_on") or "").startswith(y)
        }
        counts["facilitated." + kind] = len(granted)
    return counts


@pytest.fixture
def busy(db: Database) -> Database:
    """The demo database with facilitations in every state this year, and a target set by the office."""
    moves = [
        ("IKM-000001", "halal", ["in_process", "granted"]),
        ("IKM-000002", "hki", ["in_process", "refused"]),
        ("IKM-000003", "pirt", ["withdrawn"]),
        ("IKM-000004", "siinas", ["in_process"]),
        ("IKM-000005", "marketplace", []),
    ]
    for ikm, kind, steps in moves:
        fac = service.create_facilitation(db, {"ikm": ikm, "kind": kind, "requested_on": "2026-11-02"})
        for step in steps:
            fac = service.move_facilitation(db, fac["id"], step, on="2026-11-20", permit="P-1")
    service.save_target(db, {"year": 2026, "indicator": "facilitated.halal", "target": 20, "budget": 80_000_000})
    return db


def test_every_indicator_has_target_realisation_and_budget_and_equals_a_recount(busy: Database) -> None:
    data = _json(busy)
    assert data["year"] == 2026
    recount = _recount(busy, 2026)
    for row in data["indicators"]:
        assert {"target", "realisation", "budget", "spent", "achieved", "pillar", "activity"} <= set(row)
        assert row["realisation"] == recount.get(row["indicator"], 0), row["indicator"]
    halal = next(r for r in data["indicators"] if r["indicator"] == "facilitated.halal")
    assert (halal["target"], halal["budget"]) == (20, 80_000_000)
    assert halal["achieved"] == pytest.approx(halal["realisation"] / 20)
    assert any(r["realisation"] for r in data["indicators"] if r["unit"] == "rp")
    # the demo carries a plan for the year: targets and budget with money spent
    assert sum(1 for r in data["indicators"] if r["target"] is not None) >= 10
    assert data["budget"]["spent"] > 0


def test_facilitation_counts_by_kind_and_state_equal_a_recount(busy: Database) -> None:
    data = _json(busy)["facilitation"]
    facs = busy.all("facilitations")
    assert {f["state"] for f in facs if f["requested_on"].startswith("2026")} == {
        "requested",
        "in_process",
        "granted",
        "refused",
        "withdrawn",
    }
    for kind, counts in data.items():
        mine = [f for f in facs if f["kind"] == kind and f["requested_on"].startswith("2026")]
        for state in ("requested", "in_process", "granted", "refused", "withdrawn"):
            assert counts[state] == len([f for f in mine if f["state"] == state]), (kind, state)
        assert counts["total"] == len(mine)
        granted = [f for f in facs if f["kind"] == kind and f["state"] == "granted"]
        assert counts["granted_in_year"] == len([f for f in granted if f["decided_on"].startswith("2026")])


def test_impact_growth_equals_an_independent_recomputation(busy: Database) -> None:
    data = _json(busy)["impact"]
    expected = impact_by_hand(busy, 2026)
    assert data["ikm_with_both_years"] == expected["helped"]["ikm"] + expected["not_helped"]["ikm"] > 0
    for name, figures in expected.items():
        shown = data["groups"][name]
        for key, value in figures.items():
            assert shown[key] == (pytest.approx(value) if isinstance(value, float) else value), (name, key)


def test_workers_absorbed_per_year(busy: Database) -> None:
    rows = {r["year"]: r for r in _json(busy)["workers_by_year"]}
    figures = busy.all("yearly_figures")
    for year in (2025, 2026):
        mine = [f for f in figures if f["year"] == year]
        assert rows[year]["ikm"] == len(mine)
        assert rows[year]["workers"] == sum(f["workers_male"] + f["workers_female"] for f in mine)


def test_every_format_renders_and_an_empty_database_says_nothing_is_set(empty_db: Database, busy: Database) -> None:
    report = build_report(tables_of(busy), "kinerja", Period.year(2026), TODAY)
    for fmt in ("text", "md", "html"):
        assert "2026" in render(report, fmt)
    empty = build_report(tables_of(empty_db), "kinerja", Period.all_time(), TODAY)
    assert empty.data["year"] == 2026
    assert "Belum ada target" in render(empty, "md")
