"""Headline figures of the programme, counted straight from the tables."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Tables = Mapping[str, Mapping[str, Mapping[str, Any]]]


def headline(tables: Tables) -> dict[str, int]:
    """The numbers on the dashboard: one pass over each table."""
    ikm = tables["ikm"].values()
    active = [d for d in ikm if d.get("status", "active") == "active"]
    loans = [d for d in tables["credit_applications"].values() if d.get("state") == "disbursed"]
    repaid: dict[int, int] = {}
    for rep in tables["repayments"].values():
        repaid[rep["application_id"]] = repaid.get(rep["application_id"], 0) + rep.get("principal", 0)
    outstanding = 0
    for key, loan in tables["credit_applications"].items():
        if loan.get("state") == "disbursed":
            outstanding += (loan.get("amount_approved") or 0) - repaid.get(int(key), 0)
    return {
        "ikm": len(tables["ikm"]),
        "ikm_active": len(active),
        "workers": sum(d.get("workers_male", 0) + d.get("workers_female", 0) for d in active),
        "investment": sum(d.get("investment", 0) for d in active),
        "clusters": len(tables["clusters"]),
        "batches": len(tables["batches"]),
        "certificates": sum(1 for d in tables["enrollments"].values() if d.get("certificate_no")),
        "loans_active": len(loans),
        "outstanding": outstanding,
        "listings": sum(1 for d in tables["gallery_listings"].values() if d.get("status") == "displayed"),
        "items_sold": sum(d.get("quantity", 0) for d in tables["sales"].values()),
    }
