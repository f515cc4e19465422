"""A cluster's summary counts its active members' workers and investment; inactive members are shown apart. Its
figures are never wrapped, whatever the width."""

from __future__ import annotations

import re
from datetime import date

from rich.console import Console

from ikmtui.reports.registry import cluster_summary, cluster_summary_renderable
from ikmtui.storage import TABLES, Database

DAY = date(2026, 12, 4)


def text(renderable: object, width: int) -> str:
    console = Console(width=width, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(renderable)
    return console.export_text()


def test_inactive_members_are_left_out_of_workers_and_investment_and_shown_apart(db: Database) -> None:
    cluster_id = db.all("clusters")[0]["id"]
    members = [d for d in db.all("ikm") if cluster_id in d["cluster_ids"]]
    with db.transaction() as txn:
        for doc in members[:2]:
            txn.update("ikm", doc["id"], {"status": "inactive"})
    members = [d for d in db.all("ikm") if cluster_id in d["cluster_ids"]]
    active = [d for d in members if d["status"] == "active"]
    inactive = [d for d in members if d["status"] == "inactive"]
    assert len(inactive) >= 2

    summary = cluster_summary({name: db.docs(name) for name in TABLES}, cluster_id, DAY)
    assert summary["members"] == len(members) and summary["members_active"] == len(active)
    assert summary["workers"] == sum(d["workers_male"] + d["workers_female"] for d in active)
    assert summary["investment"] == sum(d["investment"] for d in active)
    assert summary["turnover"] == sum(d["turnover"] for d in active)
    assert summary["inactive"] == {
        "members": len(inactive),
        "workers": sum(d["workers_male"] + d["workers_female"] for d in inactive),
        "investment": sum(d["investment"] for d in inactive),
        "turnover": sum(d["turnover"] for d in inactive),
    }
    shown = text(cluster_summary_renderable(summary), 120)
    assert f"{len(inactive)} IKM" in shown and "Nonaktif" in shown


def test_figures_are_never_wrapped(db: Database) -> None:
    tables = {name: db.docs(name) for name in TABLES}
    for cluster in db.all("clusters"):
        summary = cluster_summary(tables, cluster["id"], DAY)
        for width in (78, 100, 160):
            shown = text(cluster_summary_renderable(summary), width)
            assert not re.search(r"Rp\s*\n", shown), (width, shown)
            amounts = re.findall(r"Rp [\d.]+", shown)
            assert {a for a in amounts} >= {f"Rp {summary['investment']:,}".replace(",", ".")}, (width, shown)
