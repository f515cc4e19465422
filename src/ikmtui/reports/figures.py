"""The dashboard's figures: headline numbers and the series of its charts, in one pass over each table.

Kept fast on purpose (about 0.1-0.3 s at 100,000 IKM, see ``bench/bench_reports.py``): no date parsing (ISO
strings compare as dates), no credit ledgers (outstanding is the approved principal less the principal the
repayments recorded). The detailed figures, PAR30 included, are in the reports.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date, timedelta
from itertools import compress
from operator import itemgetter, mul
from typing import Any

from ikmtui import clock
from ikmtui.domain import reference
from ikmtui.domain.ikm import registered_day
from ikmtui.domain.training import CATEGORIES
from ikmtui.reports.common import PARTICIPANT_STATES

Tables = Mapping[str, Mapping[str, Mapping[str, Any]]]
#: Months shown by the monthly charts.
CHART_MONTHS = 12


def last_months(today: date, count: int = CHART_MONTHS) -> list[str]:
    """``YYYY-MM`` of the ``count`` months up to and including the month of ``today``, oldest first."""
    index = today.year * 12 + today.month - 1
    return [f"{(index - n) // 12}-{(index - n) % 12 + 1:02d}" for n in range(count - 1, -1, -1)]


def column(values: list[Mapping[str, Any]], key: str) -> list[Any]:
    """One field of every document, read inside C (``map``/``itemgetter``): at 100,000 records a loop written
    in Python costs several times more. Documents missing the field give ``None``."""
    try:
        return list(map(itemgetter(key), values))
    except KeyError:
        return [doc.get(key) for doc in values]


def _text(items: list[Any]) -> list[str]:
    return items if all(map(str.__instancecheck__, items)) else [str(x or "") for x in items]


def _numbers(items: list[Any]) -> list[int]:
    return items if all(map(int.__instancecheck__, items)) else [int(x or 0) for x in items]


_CACHE: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {}


def _cached(part: str, inputs: tuple[Any, ...], compute: Any) -> dict[str, Any]:
    """Reuse a part computed from the very same table objects (and day). A commit replaces the dictionaries of
    the tables it changed and keeps the others, so after one saved IKM only the IKM part is counted again.
    The entry holds the tables themselves, so their identities cannot be reused while cached."""
    entry = _CACHE.get(part)
    if (
        entry is not None
        and len(entry[0]) == len(inputs)
        and all(a is b if isinstance(b, Mapping) else a == b for a, b in zip(entry[0], inputs, strict=True))
    ):
        return entry[1]
    result = compute()
    _CACHE[part] = (inputs, result)
    return result


def _ikm_part(docs: Mapping[str, Mapping[str, Any]], month: str, year: str, months: list[str]) -> dict[str, Any]:
    ikm = list(docs.values())
    created = Counter(day[:7] for day in map(registered_day, ikm))  # a legacy list's registration date
    statuses = column(ikm, "status")
    if None in statuses:
        statuses = [s if s is not None else "active" for s in statuses]
    actives = list(compress(ikm, map("active".__eq__, statuses)))
    kecamatan = Counter(column(actives, "kecamatan"))
    by_kecamatan = {name: kecamatan.pop(name, 0) for name in reference.regions().names()}
    by_kecamatan.update({str(k): n for k, n in kecamatan.items()})
    return {
        "ikm": len(ikm),
        "ikm_active": len(actives),
        "ikm_without_nib": len(ikm) - sum(map(bool, column(ikm, "nib"))),  # as in the IKM report's completeness
        "ikm_new_month": created.get(month, 0),
        "ikm_new_year": sum(n for key, n in created.items() if key[:4] == year),
        "workers": sum(_numbers(column(actives, "workers_male"))) + sum(_numbers(column(actives, "workers_female"))),
        "investment": sum(_numbers(column(actives, "investment"))),
        "by_kecamatan": by_kecamatan,
        "new_by_month": {key: created.get(key, 0) for key in months},
    }


def _training_part(
    courses: Mapping[str, Any], batches: Mapping[str, Any], enrollment_docs: Mapping[str, Any], year: str
) -> dict[str, Any]:
    category_of = {key: str(doc.get("category") or "?") for key, doc in courses.items()}
    held_year: dict[int, str] = {}
    for key, batch in batches.items():
        if batch.get("status") in ("running", "finished") and str(batch.get("start_date") or "")[:4] == year:
            held_year[int(key)] = category_of.get(str(batch.get("course_id")), "?")
    enrollments = list(enrollment_docs.values())
    pairs = Counter(zip(column(enrollments, "batch_id"), column(enrollments, "state"), strict=True))
    by_category = dict.fromkeys(CATEGORIES, 0)
    for (batch_id, state), n in pairs.items():
        category = held_year.get(batch_id) if isinstance(batch_id, int) else None
        if category is not None and state in PARTICIPANT_STATES:
            by_category[category] = by_category.get(category, 0) + n
    return {
        "batches_year": len(held_year),
        "participants_year": sum(by_category.values()),
        "certificates": sum(map(bool, column(enrollments, "certificate_no"))),
        "by_category": by_category,
    }


def _credit_part(
    applications: Mapping[str, Any], repayment_docs: Mapping[str, Any], today: date, months: list[str]
) -> dict[str, Any]:
    cut, year = today.isoformat(), today.isoformat()[:4]
    active_loans: set[int] = set()
    outstanding = disbursed_year = 0
    disbursed_month = dict.fromkeys(months, 0)
    for key, app in applications.items():
        principal = app.get("amount_approved")
        principal = int(principal if principal is not None else app.get("amount_requested") or 0)
        if app.get("state") == "disbursed":
            active_loans.add(int(key))
            outstanding += principal
        day = str(app.get("disbursed_on") or "")
        if day and day <= cut:
            if day[:4] == year:
                disbursed_year += principal
            if day[:7] in disbursed_month:
                disbursed_month[day[:7]] += principal
    repayments = list(repayment_docs.values())
    outstanding -= sum(
        compress(
            _numbers(column(repayments, "principal")),
            map(active_loans.__contains__, column(repayments, "application_id")),
        )
    )
    return {
        "loans_active": len(active_loans),
        "outstanding": outstanding,
        "disbursed_year": disbursed_year,
        "disbursed_month": disbursed_month,
    }


def _gallery_part(
    listings: Mapping[str, Any], sale_docs: Mapping[str, Any], today: date, months: list[str]
) -> dict[str, Any]:
    cut, year = today.isoformat(), today.isoformat()[:4]
    displayed = 0
    for listing in listings.values():
        if listing.get("status", "displayed") == "displayed" and int(listing.get("stock") or 0) > 0:
            try:
                end = date.fromisoformat(str(listing.get("consigned_on"))[:10]) + timedelta(
                    days=int(listing.get("term_days") or 0)
                )
            except ValueError:
                end = None
            if end is None or end >= today:
                displayed += 1
    sales = list(sale_docs.values())
    days = _text(column(sales, "date"))
    quantities = _numbers(column(sales, "quantity"))
    gross = list(map(mul, quantities, _numbers(column(sales, "unit_price"))))
    sales_month = dict.fromkeys(months, 0)
    items_year = revenue_year = 0
    for day, quantity, amount in zip(days, quantities, gross, strict=True):
        if day > cut:
            continue
        if day[:4] == year:
            items_year += quantity
            revenue_year += amount
        key = day[:7]
        if key in sales_month:
            sales_month[key] += amount
    return {
        "listings": displayed,
        "items_sold_year": items_year,
        "revenue_year": revenue_year,
        "sales_month": sales_month,
    }


def dashboard(tables: Tables, today: date) -> dict[str, Any]:
    """Headline figures (``headline``) and chart series (``charts``) as plain data."""
    month, year = today.isoformat()[:7], today.isoformat()[:4]
    months = last_months(today)
    ikm = _cached("ikm", (tables["ikm"], month), lambda: _ikm_part(tables["ikm"], month, year, months))
    training = _cached(
        "training",
        (tables["courses"], tables["batches"], tables["enrollments"], year),
        lambda: _training_part(tables["courses"], tables["batches"], tables["enrollments"], year),
    )
    credit = _cached(
        "credit",
        (tables["credit_applications"], tables["repayments"], today),
        lambda: _credit_part(tables["credit_applications"], tables["repayments"], today, months),
    )
    gallery = _cached(
        "gallery",
        (tables["gallery_listings"], tables["sales"], today),
        lambda: _gallery_part(tables["gallery_listings"], tables["sales"], today, months),
    )
    clusters = sum(1 for doc in tables["clusters"].values() if doc.get("status", "active") == "active")
    headline = {
        "ikm": ikm["ikm"],
        "ikm_active": ikm["ikm_active"],
        "ikm_without_nib": ikm["ikm_without_nib"],
        "ikm_new_month": ikm["ikm_new_month"],
        "ikm_new_year": ikm["ikm_new_year"],
        "workers": ikm["workers"],
        "investment": ikm["investment"],
        "clusters": clusters,
        "batches_year": training["batches_year"],
        "participants_year": training["participants_year"],
        "certificates": training["certificates"],
        "loans_active": credit["loans_active"],
        "outstanding": credit["outstanding"],
        "disbursed_year": credit["disbursed_year"],
        "listings": gallery["listings"],
        "items_sold_year": gallery["items_sold_year"],
        "revenue_year": gallery["revenue_year"],
    }
    charts = {
        "ikm_by_kecamatan": dict(ikm["by_kecamatan"]),
        "ikm_new_by_month": dict(ikm["new_by_month"]),
        "credit_disbursed_by_month": dict(credit["disbursed_month"]),
        "participants_by_category": dict(training["by_category"]),
        "gallery_sales_by_month": dict(gallery["sales_month"]),
    }
    return {"as_of": today.isoformat(), "headline": headline, "charts": charts}


def headline(tables: Tables, today: date | None = None) -> dict[str, int]:
    """The dashboard's headline numbers (see :func:`dashboard`)."""
    return dashboard(tables, today or clock.today())["headline"]
