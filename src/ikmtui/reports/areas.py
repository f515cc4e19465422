"""The detailed report of each area: IKM, clusters, training, credit and gallery, for a period.

Each is figures as plain data (``Report.data``, JSON-ready) plus the document that shows them; the counting
rules are those of :mod:`ikmtui.reports.overview`, so a detailed report and the overview agree. Long lists
(batches, loans in arrears, payouts) are cut on screen and in print at :data:`LIST_LIMIT` rows; the JSON holds
them all.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from typing import Any

from ikmtui.domain import reference
from ikmtui.domain.arrears import collectability_label, portfolio_loans, portfolio_summary
from ikmtui.domain.credit import STATES, state_label
from ikmtui.domain.ikm import CERTIFICATIONS, SCALES, registered_day
from ikmtui.domain.training import CATEGORIES, PILLARS
from ikmtui.i18n import N_, _
from ikmtui.reports.common import (
    HELD_BATCH_STATES,
    PARTICIPANT_STATES,
    Report,
    Tables,
    certificate_day,
    dated_applications,
    dated_repayments,
    day_of,
    is_empty,
    kbli_division_label,
    listing_status_on,
    ratio,
    sale_amounts,
    subtitle,
)
from ikmtui.reports.document import Bars, Col, Document, Figures, Note, Section, TableBlock
from ikmtui.reports.overview import (
    EMPTY_NOTICE,
    category_label,
    gallery_figures,
    ikm_figures,
    pillar_label,
    scale_label,
    training_figures,
)
from ikmtui.reports.period import Period, month_label, months_between
from ikmtui.reports.registry import completeness, completeness_section

#: Rows of a long list shown on screen and in print (the JSON has every row).
LIST_LIMIT = 40
SENTRA_MIN_MEMBERS = 5
LISTING_STATUS_LABELS = {
    "displayed": N_("displayed"),
    "sold_out": N_("sold out"),
    "returned": N_("returned"),
    "expired": N_("expired"),
}
GALLERY_CATEGORY_LABELS = {
    "batik": N_("batik"),
    "fashion": N_("fashion"),
    "food": N_("food"),
    "handicraft": N_("handicraft"),
    "furniture": N_("furniture"),
    "accessories": N_("accessories"),
    "souvenir": N_("souvenir"),
}


def _label(labels: dict[str, str], key: str) -> str:
    return _(labels[key]) if key in labels else key


# ---------------------------------------------------------------------------------------------- shared
def trend_keys(period: Period, as_of: date, earliest: str) -> tuple[str, list[str]]:
    """Buckets of a trend: months of the period up to the as-of date, or years for all time (from the
    earliest date with data). Returns ``(granularity, keys)``; keys are ``YYYY-MM`` or ``YYYY``."""
    if period.start is None:
        first_year = int(earliest[:4]) if earliest[:4].isdigit() else as_of.year
        return "year", [str(y) for y in range(min(first_year, as_of.year), as_of.year + 1)]
    if as_of < period.start:
        return "month", []
    return "month", [f"{y}-{m:02d}" for y, m in months_between(period.start, as_of)]


def trend_label(key: str) -> str:
    return month_label(int(key[:4]), int(key[5:7])) if len(key) == 7 else key


def _limited(rows: list[list[Any]]) -> tuple[list[list[Any]], Note | None]:
    if len(rows) <= LIST_LIMIT:
        return rows, None
    return rows[:LIST_LIMIT], Note(
        _("… and {n} more (all of them are in the JSON and in the Excel export)", n=len(rows) - LIST_LIMIT)
    )


def _document(title: str, period: Period, as_of: date, tables: Tables) -> Document:
    doc = Document(title=title, subtitle=subtitle(period, as_of))
    if is_empty(tables):
        doc.notice = _(EMPTY_NOTICE)
    return doc


def _ikm_names(tables: Tables) -> dict[str, tuple[str, str]]:
    return {key: (str(doc.get("code") or key), str(doc.get("name") or "")) for key, doc in tables["ikm"].items()}


# ---------------------------------------------------------------------------------------------- IKM
def _kec_counts() -> dict[str, int]:
    return {"total": 0, "new": 0, "active": 0, "workers_male": 0, "workers_female": 0, "investment": 0, "turnover": 0}


def _scale_counts() -> dict[str, int]:
    return {"total": 0, "new": 0, "active": 0, "workers": 0, "investment": 0, "turnover": 0}


def ikm_report(tables: Tables, period: Period, today: date) -> Report:
    as_of = period.as_of(today)
    first, cut = period.bounds(today)
    base = ikm_figures(tables, first, cut)
    kecamatan = {name: _kec_counts() for name in reference.regions().names()}
    scales = {s: _scale_counts() for s in SCALES}
    kbli: dict[str, dict[str, Any]] = {}
    names = reference.kbli_codes()
    earliest = "9999"
    registered: Counter[str] = Counter()
    turnover = 0
    for ikm in tables["ikm"].values():
        created = registered_day(ikm)
        if created > cut:
            continue
        if created:
            earliest = min(earliest, created)
        is_new = created >= first
        active = ikm.get("status", "active") == "active"
        kec = kecamatan.get(str(ikm.get("kecamatan") or "?"))
        if kec is None:
            kec = kecamatan[str(ikm.get("kecamatan") or "?")] = _kec_counts()
        sc = scales.get(str(ikm.get("scale") or "?"))
        if sc is None:
            sc = scales[str(ikm.get("scale") or "?")] = _scale_counts()
        code = str(ikm.get("kbli") or "?")
        kb = kbli.setdefault(code, {"name": names.get(code, ""), "total": 0, "new": 0})
        for group in (kec, sc, kb):
            group["total"] += 1
            group["new"] += is_new
        if is_new and created:
            registered[created[:7] if period.start is not None else created[:4]] += 1
        if not active:
            continue
        male, female = int(ikm.get("workers_male") or 0), int(ikm.get("workers_female") or 0)
        invest, sales = int(ikm.get("investment") or 0), int(ikm.get("turnover") or 0)
        turnover += sales
        kec["active"] += 1
        kec["workers_male"] += male
        kec["workers_female"] += female
        kec["investment"] += invest
        kec["turnover"] += sales
        sc["active"] += 1
        sc["workers"] += male + female
        sc["investment"] += invest
        sc["turnover"] += sales
    _granularity, keys = trend_keys(period, as_of, earliest)
    data: dict[str, Any] = {
        "report": "ikm",
        "period": period.as_dict(today),
        "as_of": as_of.isoformat(),
        "empty": is_empty(tables),
        "total": base["ikm"]["total"],
        "active": base["ikm"]["active"],
        "inactive": base["ikm"]["inactive"],
        "new": base["ikm"]["new"],
        "workers": base["workers"],
        "investment": base["investment"]["total"],
        "turnover": turnover,
        "by_kecamatan": kecamatan,
        "by_scale": scales,
        "by_kbli_section": base["ikm"]["by_kbli_section"],
        "by_kbli_division": base["ikm"]["by_kbli_division"],
        "by_kbli": dict(sorted(kbli.items())),
        "new_by_period": {key: registered.get(key, 0) for key in keys},
        "certifications": base["certifications"],
        "completeness": completeness(i for i in tables["ikm"].values() if day_of(i.get("created_at")) <= cut),
    }
    doc = _document(_("IKM registry report"), period, as_of, tables)
    if data["total"] == 0 and not doc.notice:
        doc.notice = _("No IKM registered on {date}.", date=as_of.isoformat())
    if data["total"]:
        doc.sections.append(
            Section(
                _("Summary"),
                [
                    Figures(
                        [
                            (_("IKM registered"), data["total"], "int"),
                            (_("New in the period"), data["new"], "int"),
                            (_("Active IKM"), data["active"], "int"),
                            (_("Inactive IKM"), data["inactive"], "int"),
                            (_("Male workers"), data["workers"]["male"], "int"),
                            (_("Female workers"), data["workers"]["female"], "int"),
                            (_("Investment"), data["investment"], "rp"),
                            (_("Annual turnover"), turnover, "rp"),
                        ]
                    )
                ],
            )
        )
        doc.sections.append(completeness_section(data["completeness"]))
        doc.sections.append(
            Section(
                _("By kecamatan"),
                [
                    TableBlock(
                        [
                            Col(_("Kecamatan")),
                            Col(_("Registered"), "int"),
                            Col(_("New"), "int"),
                            Col(_("Active"), "int"),
                            Col(_("Male"), "int"),
                            Col(_("Female"), "int"),
                            Col(_("Investment"), "rp"),
                        ],
                        [
                            [
                                name,
                                k["total"],
                                k["new"],
                                k["active"],
                                k["workers_male"],
                                k["workers_female"],
                                k["investment"],
                            ]
                            for name, k in kecamatan.items()
                        ],
                        total=[
                            _("Total"),
                            data["total"],
                            data["new"],
                            data["active"],
                            data["workers"]["male"],
                            data["workers"]["female"],
                            data["investment"],
                        ],
                        bar=1,
                    )
                ],
            )
        )
        doc.sections.append(
            Section(
                _("By scale"),
                [
                    TableBlock(
                        [
                            Col(_("Scale")),
                            Col(_("Registered"), "int"),
                            Col(_("New"), "int"),
                            Col(_("Workers"), "int"),
                            Col(_("Investment"), "rp"),
                            Col(_("Annual turnover"), "rp"),
                        ],
                        [
                            [scale_label(s), v["total"], v["new"], v["workers"], v["investment"], v["turnover"]]
                            for s, v in scales.items()
                        ],
                    )
                ],
            )
        )
        doc.sections.append(
            Section(
                _("By KBLI"),
                [
                    TableBlock(
                        [Col(_("KBLI division")), Col(_("Registered"), "int"), Col(_("New"), "int")],
                        [[kbli_division_label(d), c["total"], c["new"]] for d, c in data["by_kbli_division"].items()],
                        bar=1,
                    ),
                    TableBlock(
                        [Col(_("KBLI")), Col(_("Description")), Col(_("Registered"), "int"), Col(_("New"), "int")],
                        [[code, k["name"], k["total"], k["new"]] for code, k in data["by_kbli"].items()],
                    ),
                ],
            )
        )
        doc.sections.append(
            Section(
                _("Registrations"),
                [
                    Bars(
                        _("New IKM per month") if period.start is not None else _("New IKM per year"),
                        [(trend_label(k), v) for k, v in data["new_by_period"].items()],
                    )
                ],
            )
        )
        doc.sections.append(
            Section(
                _("Certifications held"),
                [
                    TableBlock(
                        [Col(_("Certification")), Col(_("Active IKM holding it"), "int"), Col(_("Share"), "pct")],
                        [[name, n, ratio(n, data["active"])] for name, n in data["certifications"].items()],
                    )
                ],
            )
        )
    return Report("ikm", period, as_of, data, doc)


# ---------------------------------------------------------------------------------------------- clusters
def clusters_report(tables: Tables, period: Period, today: date) -> Report:
    as_of = period.as_of(today)
    first, cut = period.bounds(today)
    rows: dict[str, dict[str, Any]] = {}
    for key, cl in sorted(tables["clusters"].items(), key=lambda item: str(item[1].get("code") or item[0])):
        decreed = day_of(cl.get("decree_date")) or day_of(cl.get("created_at"))
        if decreed > cut:
            continue
        rows[key] = {
            "code": str(cl.get("code") or key),
            "name": str(cl.get("name") or ""),
            "sector": str(cl.get("sector") or ""),
            "kecamatan": str(cl.get("kecamatan") or ""),
            "decree_number": str(cl.get("decree_number") or ""),
            "decree_date": decreed,
            "coordinator": str(cl.get("coordinator") or ""),
            "status": str(cl.get("status") or "active"),
            "members": 0,
            "new_members": 0,
            "active_members": 0,
            "workers": 0,
            "investment": 0,
            "turnover": 0,
            "certifications": dict.fromkeys(CERTIFICATIONS, 0),
        }
    in_cluster = outside = 0
    for ikm in tables["ikm"].values():
        created = registered_day(ikm)
        if created > cut:
            continue
        ids = [str(c) for c in ikm.get("cluster_ids") or [] if str(c) in rows]
        if not ids:
            outside += 1
            continue
        in_cluster += 1
        active = ikm.get("status", "active") == "active"
        for cid in ids:
            row = rows[cid]
            row["members"] += 1
            row["new_members"] += created >= first
            if active:
                row["active_members"] += 1
                row["workers"] += int(ikm.get("workers_male") or 0) + int(ikm.get("workers_female") or 0)
                row["investment"] += int(ikm.get("investment") or 0)
                row["turnover"] += int(ikm.get("turnover") or 0)
                for cert in ikm.get("certifications") or []:
                    row["certifications"][cert] = row["certifications"].get(cert, 0) + 1
    listed = list(rows.values())
    data: dict[str, Any] = {
        "report": "clusters",
        "period": period.as_dict(today),
        "as_of": as_of.isoformat(),
        "empty": is_empty(tables),
        "clusters": len(listed),
        "active": sum(1 for r in listed if r["status"] == "active"),
        "ikm_in_clusters": in_cluster,
        "ikm_outside_clusters": outside,
        "below_sentra_minimum": [
            r["code"] for r in listed if r["status"] == "active" and r["active_members"] < SENTRA_MIN_MEMBERS
        ],
        "by_cluster": {r["code"]: {k: v for k, v in r.items() if k != "code"} for r in listed},
    }
    doc = _document(_("Clusters (sentra) report"), period, as_of, tables)
    if not listed:
        doc.notice = doc.notice or _("No clusters were decreed by {date}.", date=as_of.isoformat())
        return Report("clusters", period, as_of, data, doc)
    doc.sections.append(
        Section(
            _("Summary"),
            [
                Figures(
                    [
                        (_("Clusters"), data["clusters"], "int"),
                        (_("Active clusters"), data["active"], "int"),
                        (_("IKM in a cluster"), in_cluster, "int"),
                        (_("IKM outside clusters"), outside, "int"),
                    ]
                )
            ],
        )
    )
    doc.sections.append(
        Section(
            _("Clusters"),
            [
                TableBlock(
                    [
                        Col(_("Code"), "code"),
                        Col(_("Cluster")),
                        Col(_("Sector")),
                        Col(_("Kecamatan")),
                        Col(_("Members"), "int"),
                        Col(_("New"), "int"),
                        Col(_("Workers"), "int"),
                        Col(_("Investment"), "rp"),
                    ],
                    [
                        [
                            r["code"],
                            r["name"],
                            _(r["sector"]),
                            r["kecamatan"],
                            r["members"],
                            r["new_members"],
                            r["workers"],
                            r["investment"],
                        ]
                        for r in listed
                    ],
                    total=[
                        "",
                        _("Total"),
                        "",
                        "",
                        sum(r["members"] for r in listed),
                        sum(r["new_members"] for r in listed),
                        sum(r["workers"] for r in listed),
                        sum(r["investment"] for r in listed),
                    ],
                )
            ],
        )
    )
    doc.sections.append(
        Section(
            _("Legal basis and certifications"),
            [
                TableBlock(
                    [
                        Col(_("Code"), "code"),
                        Col(_("Decree")),
                        Col(_("Decree date"), "date"),
                        Col(_("Coordinator")),
                        *[Col(c, "int") for c in CERTIFICATIONS[:4]],
                    ],
                    [
                        [
                            r["code"],
                            r["decree_number"],
                            r["decree_date"],
                            r["coordinator"],
                            *[r["certifications"].get(c, 0) for c in CERTIFICATIONS[:4]],
                        ]
                        for r in listed
                    ],
                )
            ],
        )
    )
    if data["below_sentra_minimum"]:
        doc.sections[-1].blocks.append(
            Note(
                _(
                    "A sentra needs at least {n} active IKM; below that: {codes}",
                    n=SENTRA_MIN_MEMBERS,
                    codes=", ".join(data["below_sentra_minimum"]),
                ),
                warning=True,
            )
        )
    return Report("clusters", period, as_of, data, doc)


# ---------------------------------------------------------------------------------------------- training
def training_report(tables: Tables, period: Period, today: date) -> Report:
    as_of = period.as_of(today)
    first, cut = period.bounds(today)
    base = training_figures(tables, first, cut)
    courses, batches = tables["courses"], tables["batches"]
    per_batch: dict[str, Counter[str]] = defaultdict(Counter)
    certificates_by_course: Counter[str] = Counter()
    for enrollment in tables["enrollments"].values():
        batch_key = str(enrollment.get("batch_id"))
        per_batch[batch_key][str(enrollment.get("state"))] += 1
        if enrollment.get("certificate_no"):
            batch = batches.get(batch_key)
            if first <= certificate_day(enrollment, batch) <= cut:
                certificates_by_course[str((batch or {}).get("course_id"))] += 1
    by_course: dict[str, dict[str, Any]] = {}
    for key, stored in sorted(courses.items(), key=lambda item: str(item[1].get("code") or item[0])):
        by_course[key] = {
            "code": str(stored.get("code") or key),
            "name": str(stored.get("name") or ""),
            "category": str(stored.get("category") or ""),
            "pillar": str(stored.get("pillar") or ""),
            "batches": 0,
            "participants": 0,
            "completed": 0,
            "finished_participants": 0,
            "finished_completed": 0,
            "certificates": certificates_by_course.get(key, 0),
        }
    held: list[dict[str, Any]] = []
    upcoming = 0
    for key, batch in sorted(batches.items(), key=lambda item: (day_of(item[1].get("start_date")), item[0])):
        start = day_of(batch.get("start_date"))
        if batch.get("status") in ("planned", "open") and start > cut:
            upcoming += 1
        if batch.get("status") not in HELD_BATCH_STATES or not first <= start <= cut:
            continue
        states = per_batch.get(key, Counter())
        participants = sum(states.get(s, 0) for s in PARTICIPANT_STATES)
        course = by_course.get(str(batch.get("course_id")))
        capacity = int(batch.get("capacity") or 0)
        held.append(
            {
                "code": str(batch.get("code") or key),
                "course": course["name"] if course else "",
                "start_date": start,
                "end_date": day_of(batch.get("end_date")),
                "venue": str(batch.get("venue") or ""),
                "trainer": str(batch.get("trainer") or ""),
                "status": str(batch.get("status")),
                "capacity": capacity,
                "participants": participants,
                "waitlisted": states.get("waitlisted", 0),
                "completed": states.get("completed", 0),
                "fill_rate": ratio(participants, capacity),
            }
        )
        if course is not None:
            course["batches"] += 1
            course["participants"] += participants
            course["completed"] += states.get("completed", 0)
            if batch.get("status") == "finished":
                course["finished_participants"] += participants
                course["finished_completed"] += states.get("completed", 0)
    for course in by_course.values():
        course["completion_rate"] = ratio(course.pop("finished_completed"), course.pop("finished_participants"))
    data: dict[str, Any] = {
        "report": "training",
        "period": period.as_dict(today),
        "as_of": as_of.isoformat(),
        "empty": is_empty(tables),
        **{k: v for k, v in base.items() if not k.startswith("by_")},
        "waitlisted": sum(b["waitlisted"] for b in held),
        "upcoming_batches": upcoming,
        "by_pillar": base["by_pillar"],
        "by_category": base["by_category"],
        "by_course": {c["code"]: {k: v for k, v in c.items() if k != "code"} for c in by_course.values()},
        "batches": held,
    }
    doc = _document(_("Training report"), period, as_of, tables)
    if not held and not base["certificates"] and not doc.notice:
        doc.notice = _("No training was held in {period}.", period=period.label)
    doc.sections.append(
        Section(
            _("Summary"),
            [
                Figures(
                    [
                        (_("Batches held"), data["batches_held"], "int"),
                        (_("Participants"), data["participants"], "int"),
                        (_("Completed"), data["completed"], "int"),
                        (_("Completion rate"), data["completion_rate"], "pct"),
                        (_("Certificates issued"), data["certificates"], "int"),
                        (_("On a waiting list"), data["waitlisted"], "int"),
                        (_("Batches planned after this period"), upcoming, "int"),
                    ]
                )
            ],
        )
    )
    columns = [
        Col(_("Batches held"), "int"),
        Col(_("Participants"), "int"),
        Col(_("Completed"), "int"),
        Col(_("Certificates"), "int"),
    ]
    doc.sections.append(
        Section(
            _("By SMART pillar and category"),
            [
                TableBlock(
                    [Col(_("SMART pillar")), *columns],
                    [
                        [pillar_label(p), c["batches"], c["participants"], c["completed"], c["certificates"]]
                        for p, c in data["by_pillar"].items()
                        if p in PILLARS or any(c.values())
                    ],
                    bar=2,
                ),
                TableBlock(
                    [Col(_("Category")), *columns],
                    [
                        [category_label(k), c["batches"], c["participants"], c["completed"], c["certificates"]]
                        for k, c in data["by_category"].items()
                        if k in CATEGORIES or any(c.values())
                    ],
                    bar=2,
                ),
            ],
        )
    )
    doc.sections.append(
        Section(
            _("By course"),
            [
                TableBlock(
                    [
                        Col(_("Code"), "code"),
                        Col(_("Course")),
                        Col(_("Pillar")),
                        *columns,
                        Col(_("Completion rate"), "pct"),
                    ],
                    [
                        [
                            code,
                            c["name"],
                            c["pillar"],
                            c["batches"],
                            c["participants"],
                            c["completed"],
                            c["certificates"],
                            c["completion_rate"],
                        ]
                        for code, c in data["by_course"].items()
                    ],
                    empty=_("No courses in the catalogue"),
                )
            ],
        )
    )
    rows, more = _limited(
        [
            [
                b["code"],
                b["course"],
                b["start_date"],
                b["venue"],
                b["capacity"],
                b["participants"],
                b["fill_rate"],
                b["completed"],
            ]
            for b in held
        ]
    )
    section = Section(
        _("Batches held"),
        [
            TableBlock(
                [
                    Col(_("Batch"), "code"),
                    Col(_("Course")),
                    Col(_("Start"), "date"),
                    Col(_("Venue")),
                    Col(_("Capacity"), "int"),
                    Col(_("Participants"), "int"),
                    Col(_("Filled"), "pct"),
                    Col(_("Completed"), "int"),
                ],
                rows,
                empty=_("No batch was held in this period"),
            )
        ],
    )
    if more:
        section.blocks.append(more)
    doc.sections.append(section)
    return Report("training", period, as_of, data, doc)


# ---------------------------------------------------------------------------------------------- credit
def credit_report(tables: Tables, period: Period, today: date) -> Report:
    as_of = period.as_of(today)
    first, cut = period.bounds(today)
    apps = dated_applications(tables["credit_applications"])
    repayments = dated_repayments(tables["repayments"])
    summary = portfolio_summary(apps, repayments, as_of, since=period.start)
    loans = portfolio_loans(apps, repayments, as_of)
    earliest = min(
        (day_of(a.get("disbursed_on")) for a in tables["credit_applications"].values() if a.get("disbursed_on")),
        default=cut,
    )
    _granularity, keys = trend_keys(period, as_of, earliest)
    disbursed = {key: {"count": 0, "amount": 0} for key in keys}
    repaid = {key: {"principal": 0, "interest": 0} for key in keys}
    width = 7 if period.start is not None else 4
    for app in tables["credit_applications"].values():
        day = day_of(app.get("disbursed_on"))
        if day and first <= day <= cut and day[:width] in disbursed:
            principal = app.get("amount_approved")
            disbursed[day[:width]]["count"] += 1
            disbursed[day[:width]]["amount"] += int(
                principal if principal is not None else app.get("amount_requested") or 0
            )
    for rep in tables["repayments"].values():
        day = day_of(rep.get("date"))
        if first <= day <= cut and day[:width] in repaid:
            repaid[day[:width]]["principal"] += int(rep.get("principal") or 0)
            repaid[day[:width]]["interest"] += int(rep.get("interest") or 0)
    names = _ikm_names(tables)
    late = sorted(
        (loan for loan in loans if loan.active and loan.days_past_due > 0),
        key=lambda loan: (-loan.days_past_due, loan.code),
    )
    arrears: list[dict[str, Any]] = [
        {
            "code": loan.code,
            "ikm": names.get(str(loan.ikm_id), ("", ""))[0],
            "name": names.get(str(loan.ikm_id), ("", ""))[1],
            "outstanding": loan.outstanding_principal,
            "overdue": loan.overdue,
            "days_past_due": loan.days_past_due,
            "collectability": loan.collectability,
        }
        for loan in late
    ]
    data: dict[str, Any] = {
        "report": "credit",
        "period": period.as_dict(today),
        "empty": is_empty(tables),
        **summary,
        "disbursed_by_period": disbursed,
        "repaid_by_period": repaid,
        "arrears": arrears,
    }
    data["as_of"] = as_of.isoformat()
    doc = _document(_("Credit report"), period, as_of, tables)
    if not summary["applications"] and not doc.notice:
        doc.notice = _("No credit applications on record by {date}.", date=as_of.isoformat())
    doc.sections.append(
        Section(
            _("Summary"),
            [
                Figures(
                    [
                        (_("Applications on record"), summary["applications"], "int"),
                        (_("New applications"), summary["applications_new"], "int"),
                        (_("Approved (number)"), summary["approved_count"], "int"),
                        (_("Approved (Rp)"), summary["approved_amount"], "rp"),
                        (_("Disbursed (number)"), summary["disbursed_count"], "int"),
                        (_("Disbursed (Rp)"), summary["disbursed_amount"], "rp"),
                        (_("Active loans"), summary["outstanding_count"], "int"),
                        (_("Credit outstanding"), summary["outstanding"], "rp"),
                        (_("Overdue installments"), summary["overdue"], "rp"),
                        (_("PAR30"), summary["par30"], "pct"),
                        (_("Written off (number)"), summary["written_off_count"], "int"),
                        (_("Written off (Rp)"), summary["written_off_amount"], "rp"),
                    ]
                )
            ],
        )
    )
    doc.sections.append(
        Section(
            _("Applications by state"),
            [
                TableBlock(
                    [Col(_("State")), Col(_("Applications"), "int")],
                    [[state_label(s), summary["by_state"].get(s, 0)] for s in STATES],
                    total=[_("Total"), summary["applications"]],
                    bar=1,
                )
            ],
        )
    )
    outstanding = summary["outstanding"]
    doc.sections.append(
        Section(
            _("Quality of the portfolio"),
            [
                TableBlock(
                    [Col(_("Days late")), Col(_("Loans"), "int"), Col(_("Outstanding"), "rp"), Col(_("Share"), "pct")],
                    [
                        [b["label"], b["count"], b["outstanding"], ratio(b["outstanding"], outstanding)]
                        for b in summary["buckets"]
                    ],
                    title=_("Ageing"),
                    bar=2,
                ),
                TableBlock(
                    [
                        Col(_("Collectability (OJK)")),
                        Col(_("Loans"), "int"),
                        Col(_("Outstanding"), "rp"),
                        Col(_("Share"), "pct"),
                    ],
                    [
                        [
                            f"{c['grade']} · {c['label']}",
                            c["count"],
                            c["outstanding"],
                            ratio(c["outstanding"], outstanding),
                        ]
                        for c in summary["collectability"]
                    ],
                    title=_("Collectability"),
                    bar=2,
                ),
            ],
        )
    )
    doc.sections.append(
        Section(
            _("By bank and product"),
            [
                TableBlock(
                    [
                        Col(_("Bank / product")),
                        Col(_("Disbursed (number)"), "int"),
                        Col(_("Disbursed (Rp)"), "rp"),
                        Col(_("Outstanding"), "rp"),
                        Col(_("PAR30"), "pct"),
                    ],
                    [
                        [bank, f["disbursed_count"], f["disbursed_amount"], f["outstanding"], f["par30"]]
                        for bank, f in summary["by_bank"].items()
                    ]
                    + [
                        [f["name"], f["disbursed_count"], f["disbursed_amount"], f["outstanding"], f["par30"]]
                        for f in summary["by_product"].values()
                    ],
                    empty=_("No credit applications"),
                )
            ],
        )
    )
    doc.sections.append(
        Section(
            _("Disbursements and repayments"),
            [
                Bars(
                    _("Disbursed per month (Rp)") if period.start is not None else _("Disbursed per year (Rp)"),
                    [(trend_label(k), v["amount"]) for k, v in disbursed.items()],
                    "rp",
                ),
                Bars(
                    _("Principal repaid per month (Rp)")
                    if period.start is not None
                    else _("Principal repaid per year (Rp)"),
                    [(trend_label(k), v["principal"]) for k, v in repaid.items()],
                    "rp",
                ),
            ],
        )
    )
    rows, more = _limited(
        [
            [
                a["code"],
                a["ikm"],
                a["name"],
                a["outstanding"],
                a["overdue"],
                a["days_past_due"],
                f"{a['collectability']} · {collectability_label(a['collectability'])}",
            ]
            for a in arrears
        ]
    )
    section = Section(
        _("Loans in arrears"),
        [
            TableBlock(
                [
                    Col(_("Loan"), "code"),
                    Col(_("IKM"), "code"),
                    Col(_("Business name")),
                    Col(_("Outstanding"), "rp"),
                    Col(_("Overdue"), "rp"),
                    Col(_("Days late"), "int"),
                    Col(_("Collectability")),
                ],
                rows,
                empty=_("No loan is late"),
            )
        ],
    )
    if more:
        section.blocks.append(more)
    doc.sections.append(section)
    return Report("credit", period, as_of, data, doc)


# ---------------------------------------------------------------------------------------------- gallery
def gallery_report(tables: Tables, period: Period, today: date) -> Report:
    as_of = period.as_of(today)
    first, cut = period.bounds(today)
    base = gallery_figures(tables, first, cut, as_of)
    listings = tables["gallery_listings"]
    by_category = {c: {"listings": 0, "displayed": 0, "items_sold": 0, "revenue": 0} for c in GALLERY_CATEGORY_LABELS}
    by_status = dict.fromkeys(LISTING_STATUS_LABELS, 0)
    earliest = cut
    for listing in listings.values():
        consigned = day_of(listing.get("consigned_on")) or day_of(listing.get("created_at"))
        if consigned > cut:
            continue
        earliest = min(earliest, consigned) if consigned else earliest
        entry = by_category.setdefault(
            str(listing.get("category") or "?"), {"listings": 0, "displayed": 0, "items_sold": 0, "revenue": 0}
        )
        entry["listings"] += 1
        status = listing_status_on(listing, as_of)
        by_status[status] = by_status.get(status, 0) + 1
        entry["displayed"] += status == "displayed"
    _granularity, keys = trend_keys(period, as_of, earliest)
    width = 7 if period.start is not None else 4
    trend = {key: {"items": 0, "revenue": 0} for key in keys}
    payouts: dict[str, dict[str, Any]] = {}
    sellers: Counter[str] = Counter()
    names = _ikm_names(tables)
    for sale in tables["sales"].values():
        day = day_of(sale.get("date"))
        if not first <= day <= cut:
            continue
        gross, fee, due = sale_amounts(sale)
        quantity = int(sale.get("quantity") or 0)
        listing = listings.get(str(sale.get("listing_id"))) or {}
        entry = by_category.setdefault(
            str(listing.get("category") or "?"), {"listings": 0, "displayed": 0, "items_sold": 0, "revenue": 0}
        )
        entry["items_sold"] += quantity
        entry["revenue"] += gross
        if day[:width] in trend:
            trend[day[:width]]["items"] += quantity
            trend[day[:width]]["revenue"] += gross
        ikm_key = str(sale.get("ikm_id") or listing.get("ikm_id"))
        code, name = names.get(ikm_key, (ikm_key, ""))
        pay = payouts.setdefault(code, {"name": name, "items": 0, "revenue": 0, "commission": 0, "payout": 0})
        pay["items"] += quantity
        pay["revenue"] += gross
        pay["commission"] += fee
        pay["payout"] += due
        sellers[str(sale.get("listing_id"))] += quantity
    best = [
        {
            "sku": str(listings.get(k, {}).get("sku") or k),
            "product": str(listings.get(k, {}).get("product_name") or ""),
            "items": n,
        }
        for k, n in sorted(sellers.items(), key=lambda item: (-item[1], item[0]))[:10]
    ]
    ordered = dict(sorted(payouts.items(), key=lambda item: (-item[1]["revenue"], item[0])))
    data: dict[str, Any] = {
        "report": "gallery",
        "period": period.as_dict(today),
        "as_of": as_of.isoformat(),
        "empty": is_empty(tables),
        **base,
        "by_status": by_status,
        "by_category": by_category,
        "sales_by_period": trend,
        "payouts": ordered,
        "best_sellers": best,
    }
    doc = _document(_("Gallery report"), period, as_of, tables)
    if not base["listings"] and not doc.notice:
        doc.notice = _("No products were listed in the gallery by {date}.", date=as_of.isoformat())
    elif not base["items_sold"] and not doc.notice:
        doc.notice = _("Nothing was sold in {period}.", period=period.label)
    doc.sections.append(
        Section(
            _("Summary"),
            [
                Figures(
                    [
                        (_("Products listed"), base["listings"], "int"),
                        (_("Newly listed"), base["listings_new"], "int"),
                        (_("Products on display"), base["displayed"], "int"),
                        (_("Items sold"), base["items_sold"], "int"),
                        (_("Sales revenue"), base["revenue"], "rp"),
                        (_("Gallery commission"), base["commission"], "rp"),
                        (_("Paid out to IKM"), base["payout"], "rp"),
                    ]
                )
            ],
        )
    )
    doc.sections.append(
        Section(
            _("By category and status"),
            [
                TableBlock(
                    [
                        Col(_("Category")),
                        Col(_("Listed"), "int"),
                        Col(_("On display"), "int"),
                        Col(_("Items sold"), "int"),
                        Col(_("Sales revenue"), "rp"),
                    ],
                    [
                        [
                            _label(GALLERY_CATEGORY_LABELS, k),
                            v["listings"],
                            v["displayed"],
                            v["items_sold"],
                            v["revenue"],
                        ]
                        for k, v in by_category.items()
                    ],
                    total=[_("Total"), base["listings"], base["displayed"], base["items_sold"], base["revenue"]],
                    bar=4,
                ),
                TableBlock(
                    [Col(_("Status")), Col(_("Listings"), "int")],
                    [[_label(LISTING_STATUS_LABELS, s), n] for s, n in by_status.items()],
                ),
            ],
        )
    )
    doc.sections.append(
        Section(
            _("Sales"),
            [
                Bars(
                    _("Sales per month (Rp)") if period.start is not None else _("Sales per year (Rp)"),
                    [(trend_label(k), v["revenue"]) for k, v in trend.items()],
                    "rp",
                ),
                TableBlock(
                    [Col(_("SKU"), "code"), Col(_("Product")), Col(_("Items sold"), "int")],
                    [[b["sku"], b["product"], b["items"]] for b in best],
                    title=_("Best sellers"),
                    empty=_("Nothing was sold in this period"),
                ),
            ],
        )
    )
    rows, more = _limited(
        [[code, p["name"], p["items"], p["revenue"], p["commission"], p["payout"]] for code, p in ordered.items()]
    )
    section = Section(
        _("Payouts to IKM"),
        [
            TableBlock(
                [
                    Col(_("IKM"), "code"),
                    Col(_("Business name")),
                    Col(_("Items"), "int"),
                    Col(_("Sales revenue"), "rp"),
                    Col(_("Commission"), "rp"),
                    Col(_("Payout"), "rp"),
                ],
                rows,
                total=["", _("Total"), base["items_sold"], base["revenue"], base["commission"], base["payout"]],
                empty=_("Nothing was sold in this period"),
            )
        ],
    )
    if more:
        section.blocks.append(more)
    doc.sections.append(section)
    return Report("gallery", period, as_of, data, doc)
