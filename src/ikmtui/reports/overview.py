"""The programme at a glance, by SMART pillar: IKM, workers and investment, credit (Stimulating), gallery
(Marketing), clusters and product development (Adjusting), certifications (Raising) and training.

Definitions (each figure of ``overview --format json`` is one of these, counted from the stored tables):

Positions are those at the end of the as-of date, so that a past period comes out the same whenever it is
counted: IKM and clusters as they stood then (status, clusters, workers ... as the audit log says they were,
:func:`ikmtui.reports.period.records_as_of`), and a listing's stock from its movements dated up to then.

* IKM *total*: registered (``created_at``) on or before the as-of date; *new*: registered in the period;
  *active* / *inactive*: of the total, by status on the as-of date. Breakdowns by kecamatan, scale, KBLI section
  and division and cluster give *total* and *new* the same way.
* workers (by gender), investment and certifications held: of the active IKM in the total; investment *new*:
  of the new IKM that are active.
* clusters *active*: active clusters decreed (``decree_date``) on or before the as-of date; *members*: IKM in
  the total that belong to at least one cluster.
* training: a batch is *held* in the period when it is running or finished and starts in the period;
  *participants*: its enrollments booked, attended, completed or not completed; *completed*: those completed;
  *completion rate*: completed / participants, of finished batches only (``null`` when there are none);
  *certificates*: certificates issued in the period (month and year in the certificate number). By pillar and
  category of the course.
* credit: as :func:`ikmtui.domain.arrears.portfolio_summary` (applications and outstanding on the as-of date;
  approved and disbursed in the period; PAR30 = principal of loans more than 30 days late / outstanding).
* gallery: *listings* consigned on or before the as-of date, *new* ones consigned in the period, *displayed*
  on the as-of date (stock left then, from the stock movements dated up to it; consignment term not passed);
  sales in the period: items, revenue (gross), commission (per sale line, half up) and payout (revenue -
  commission).
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from ikmtui.domain import reference
from ikmtui.domain.arrears import portfolio_summary
from ikmtui.domain.gallery import stocks_on
from ikmtui.domain.ikm import CERTIFICATIONS, SCALES, registered_day
from ikmtui.domain.training import CATEGORIES, PILLAR_NAMES, PILLARS
from ikmtui.i18n import N_, _
from ikmtui.reports.common import (
    HELD_BATCH_STATES,
    MAIN_CERTIFICATIONS,
    PARTICIPANT_STATES,
    Report,
    Tables,
    certificate_day,
    dated_applications,
    dated_repayments,
    day_of,
    is_empty,
    kbli_division,
    kbli_division_label,
    kbli_section,
    kbli_section_label,
    listing_status_on,
    ratio,
    sale_amounts,
    subtitle,
)
from ikmtui.reports.document import Col, Document, Figures, Note, Section, TableBlock
from ikmtui.reports.period import Period, records_as_of

CREDIT_KEYS = (
    "applications",
    "applications_new",
    "approved_count",
    "approved_amount",
    "disbursed_count",
    "disbursed_amount",
    "outstanding_count",
    "outstanding",
    "par30_amount",
    "par30",
)
SCALE_LABELS = {"mikro": N_("micro"), "kecil": N_("small"), "menengah": N_("medium")}
CATEGORY_LABELS = {
    "desain": N_("design"),
    "kemasan": N_("packaging"),
    "sertifikasi": N_("certification"),
    "standardisasi": N_("standardisation"),
    "manajemen usaha": N_("business management"),
    "pemasaran digital": N_("digital marketing"),
}


def scale_label(scale: str) -> str:
    return _(SCALE_LABELS[scale]) if scale in SCALE_LABELS else scale


def category_label(category: str) -> str:
    return _(CATEGORY_LABELS[category]) if category in CATEGORY_LABELS else category


def pillar_label(pillar: str) -> str:
    return f"{pillar} · {_(PILLAR_NAMES[pillar])}" if pillar in PILLAR_NAMES else pillar


def _counts() -> dict[str, int]:
    return {"total": 0, "new": 0}


# ---------------------------------------------------------------------------------------------- figures
def ikm_figures(tables: Tables, first: str, cut: str) -> dict[str, Any]:
    """IKM, workers, investment, clusters and certifications (one pass over the IKM table as it stood on ``cut``)."""
    by_kecamatan = {name: _counts() for name in reference.regions().names()}
    by_scale = {scale: _counts() for scale in SCALES}
    by_section: dict[str, dict[str, int]] = {}
    by_division: dict[str, dict[str, int]] = {}
    clusters = records_as_of(tables, "clusters", cut)
    by_cluster: dict[str, dict[str, Any]] = {
        key: {"code": str(doc.get("code") or key), "name": str(doc.get("name") or ""), "total": 0, "new": 0}
        for key, doc in sorted(clusters.items(), key=lambda item: str(item[1].get("code") or item[0]))
    }
    total = active = new = members = 0
    male = female = investment = investment_new = 0
    certifications: Counter[str] = Counter()
    for doc in records_as_of(tables, "ikm", cut).values():
        created = registered_day(doc)  # a legacy list's registration date, else the record's creation
        if created > cut:
            continue
        is_new = created >= first
        total += 1
        new += is_new
        for group, key in (
            (by_kecamatan, doc.get("kecamatan") or "?"),
            (by_scale, doc.get("scale") or "?"),
            (by_section, kbli_section(doc.get("kbli"))),
            (by_division, kbli_division(doc.get("kbli"))),
        ):
            counts = group.get(key)
            if counts is None:
                counts = group[key] = _counts()
            counts["total"] += 1
            counts["new"] += is_new
        cluster_ids = doc.get("cluster_ids") or []
        if cluster_ids:
            members += 1
            for cid in cluster_ids:
                entry = by_cluster.get(str(cid))
                if entry is not None:
                    entry["total"] += 1
                    entry["new"] += is_new
        if doc.get("status", "active") != "active":
            continue
        active += 1
        male += int(doc.get("workers_male") or 0)
        female += int(doc.get("workers_female") or 0)
        amount = int(doc.get("investment") or 0)
        investment += amount
        if is_new:
            investment_new += amount
        certifications.update(doc.get("certifications") or [])
    clusters_active = sum(
        1
        for doc in clusters.values()
        if doc.get("status", "active") == "active"
        and (day_of(doc.get("decree_date")) or day_of(doc.get("created_at"))) <= cut
    )
    names = list(MAIN_CERTIFICATIONS) + [c for c in CERTIFICATIONS if c not in MAIN_CERTIFICATIONS]
    return {
        "ikm": {
            "total": total,
            "active": active,
            "inactive": total - active,
            "new": new,
            "by_kecamatan": by_kecamatan,
            "by_scale": by_scale,
            "by_kbli_section": dict(sorted(by_section.items())),
            "by_kbli_division": dict(sorted(by_division.items())),
            "by_cluster": {entry.pop("code"): entry for entry in by_cluster.values()},
        },
        "workers": {"male": male, "female": female, "total": male + female},
        "investment": {"total": investment, "new": investment_new},
        "clusters": {"active": clusters_active, "members": members},
        "certifications": {name: certifications.get(name, 0) for name in names},
    }


def _training_counts() -> dict[str, int]:
    return {"batches": 0, "participants": 0, "completed": 0, "certificates": 0}


def training_figures(tables: Tables, first: str, cut: str) -> dict[str, Any]:
    courses = tables["courses"]
    batches = tables["batches"]
    by_pillar = {p: _training_counts() for p in PILLARS}
    by_category = {c: _training_counts() for c in CATEGORIES}
    held: dict[str, tuple[str, str, bool]] = {}  # batch id -> (pillar, category, finished)
    for key, batch in batches.items():
        course = courses.get(str(batch.get("course_id"))) or {}
        pillar, category = str(course.get("pillar") or "T"), str(course.get("category") or "?")
        if batch.get("status") in HELD_BATCH_STATES and first <= day_of(batch.get("start_date")) <= cut:
            held[key] = (pillar, category, batch.get("status") == "finished")
            by_pillar.setdefault(pillar, _training_counts())["batches"] += 1
            by_category.setdefault(category, _training_counts())["batches"] += 1
    participants = completed = certificates = finished_participants = finished_completed = 0
    for enrollment in tables["enrollments"].values():
        batch_key = str(enrollment.get("batch_id"))
        state = enrollment.get("state")
        if enrollment.get("certificate_no"):
            issued_in = batches.get(batch_key)
            if first <= certificate_day(enrollment, issued_in) <= cut:
                certificates += 1
                course = courses.get(str((issued_in or {}).get("course_id"))) or {}
                by_pillar.setdefault(str(course.get("pillar") or "T"), _training_counts())["certificates"] += 1
                by_category.setdefault(str(course.get("category") or "?"), _training_counts())["certificates"] += 1
        where = held.get(batch_key)
        if where is None or state not in PARTICIPANT_STATES:
            continue
        pillar, category, finished = where
        participants += 1
        by_pillar[pillar]["participants"] += 1
        by_category[category]["participants"] += 1
        if state == "completed":
            completed += 1
            by_pillar[pillar]["completed"] += 1
            by_category[category]["completed"] += 1
        if finished:
            finished_participants += 1
            finished_completed += state == "completed"
    return {
        "batches_held": len(held),
        "participants": participants,
        "completed": completed,
        "completion_rate": ratio(finished_completed, finished_participants),
        "certificates": certificates,
        "by_pillar": by_pillar,
        "by_category": by_category,
    }


def credit_figures(tables: Tables, period: Period, as_of: date) -> dict[str, Any]:
    summary = portfolio_summary(
        dated_applications(tables["credit_applications"]),
        dated_repayments(tables["repayments"]),
        as_of,
        since=period.start,
    )
    return summary


def gallery_figures(tables: Tables, first: str, cut: str, as_of: date) -> dict[str, Any]:
    listed = {
        key: doc
        for key, doc in tables["gallery_listings"].items()
        if (day_of(doc.get("consigned_on")) or day_of(doc.get("created_at"))) <= cut
    }
    stock = stocks_on(listed, tables.get("stock_movements", {}), tables["sales"], cut)
    listings = len(listed)
    listings_new = displayed = 0
    for key, doc in listed.items():
        listings_new += (day_of(doc.get("consigned_on")) or day_of(doc.get("created_at"))) >= first
        displayed += stock[key] > 0 and listing_status_on({**doc, "stock": stock[key]}, as_of) == "displayed"
    items = revenue = commission = 0
    for sale in tables["sales"].values():
        if first <= day_of(sale.get("date")) <= cut:
            gross, fee, _due = sale_amounts(sale)
            items += int(sale.get("quantity") or 0)
            revenue += gross
            commission += fee
    return {
        "listings": listings,
        "listings_new": listings_new,
        "displayed": displayed,
        "items_sold": items,
        "revenue": revenue,
        "commission": commission,
        "payout": revenue - commission,
    }


def overview_data(tables: Tables, period: Period, today: date) -> dict[str, Any]:
    """The overview figures as plain data (see the module notes for what each one counts)."""
    as_of = period.as_of(today)
    first, cut = period.bounds(today)
    data: dict[str, Any] = {
        "report": "overview",
        "period": period.as_dict(today),
        "as_of": as_of.isoformat(),
        "empty": is_empty(tables),
    }
    data.update(ikm_figures(tables, first, cut))
    data["training"] = training_figures(tables, first, cut)
    summary = credit_figures(tables, period, as_of)
    data["credit"] = {key: summary[key] for key in CREDIT_KEYS}
    data["gallery"] = gallery_figures(tables, first, cut, as_of)
    data["quiet"] = not data["empty"] and not any(
        (
            data["ikm"]["new"],
            data["training"]["batches_held"],
            data["training"]["certificates"],
            data["credit"]["applications_new"],
            data["credit"]["approved_count"],
            data["credit"]["disbursed_count"],
            data["gallery"]["listings_new"],
            data["gallery"]["items_sold"],
        )
    )
    return data


# ---------------------------------------------------------------------------------------------- document
def _total_new_table(
    title: str, first_label: str, rows: list[tuple[str, dict[str, int]]], bar: bool = False
) -> TableBlock:
    return TableBlock(
        columns=[Col(first_label), Col(_("Registered"), "int"), Col(_("New"), "int")],
        rows=[[label, counts["total"], counts["new"]] for label, counts in rows],
        title=title,
        total=[_("Total"), sum(c["total"] for _l, c in rows), sum(c["new"] for _l, c in rows)],
        empty=_("No IKM registered"),
        bar=1 if bar else None,
    )


def _training_row(label: str, counts: dict[str, int]) -> list[Any]:
    return [label, counts["batches"], counts["participants"], counts["completed"], counts["certificates"]]


def _training_columns(first: str) -> list[Col]:
    return [
        Col(first),
        Col(_("Batches held"), "int"),
        Col(_("Participants"), "int"),
        Col(_("Completed"), "int"),
        Col(_("Certificates"), "int"),
    ]


def quiet_notice(period: Period) -> str:
    return _(
        "Nothing was recorded in {period}: no new IKM, trainings, loans or sales. The positions below are "
        "those on the as-of date.",
        period=period.label,
    )


EMPTY_NOTICE = N_("The database holds no data yet: there is nothing to report. Add IKM (key 2) or import them first.")


def overview_document(data: dict[str, Any], period: Period, as_of: date) -> Document:
    doc = Document(title=_("SMART programme overview"), subtitle=subtitle(period, as_of))
    if data["empty"]:
        doc.notice = _(EMPTY_NOTICE)
        return doc
    if data["quiet"]:
        doc.notice = quiet_notice(period)
    ikm, workers, invest = data["ikm"], data["workers"], data["investment"]
    training, credit, gallery = data["training"], data["credit"], data["gallery"]

    base = Section(
        _("IKM"),
        [
            Figures(
                [
                    (_("IKM registered"), ikm["total"], "int"),
                    (_("New in the period"), ikm["new"], "int"),
                    (_("Active IKM"), ikm["active"], "int"),
                    (_("Inactive IKM"), ikm["inactive"], "int"),
                    (_("Workers"), workers["total"], "int"),
                    (_("Investment"), invest["total"], "rp"),
                    (_("Male workers"), workers["male"], "int"),
                    (_("Female workers"), workers["female"], "int"),
                    (_("Investment of new IKM"), invest["new"], "rp"),
                ]
            )
        ],
    )
    base.blocks.append(_total_new_table(_("By kecamatan"), _("Kecamatan"), list(ikm["by_kecamatan"].items()), bar=True))
    base.blocks.append(
        _total_new_table(_("By scale"), _("Scale"), [(scale_label(s), c) for s, c in ikm["by_scale"].items()])
    )
    base.blocks.append(
        _total_new_table(
            _("By KBLI section"),
            _("KBLI section"),
            [(kbli_section_label(s), c) for s, c in ikm["by_kbli_section"].items()],
        )
    )
    base.blocks.append(
        _total_new_table(
            _("By KBLI division"),
            _("KBLI division"),
            [(kbli_division_label(d), c) for d, c in ikm["by_kbli_division"].items()],
        )
    )
    base.blocks.append(
        TableBlock(
            [Col(_("Code"), "code"), Col(_("Cluster")), Col(_("Members"), "int"), Col(_("New"), "int")],
            [[code, c["name"], c["total"], c["new"]] for code, c in ikm["by_cluster"].items()],
            title=_("By cluster"),
            empty=_("No clusters recorded"),
        )
    )

    pillars = training["by_pillar"]

    def pillar_training(pillar: str) -> Figures:
        counts = pillars.get(pillar) or _training_counts()
        return Figures(
            [
                (_("Trainings of this pillar held"), counts["batches"], "int"),
                (_("Participants"), counts["participants"], "int"),
                (_("Certificates issued"), counts["certificates"], "int"),
            ]
        )

    stimulating = Section(
        _("S · Stimulating: credit"),
        [
            Figures(
                [
                    (_("Applications on record"), credit["applications"], "int"),
                    (_("New applications"), credit["applications_new"], "int"),
                    (_("Approved (number)"), credit["approved_count"], "int"),
                    (_("Approved (Rp)"), credit["approved_amount"], "rp"),
                    (_("Disbursed (number)"), credit["disbursed_count"], "int"),
                    (_("Disbursed (Rp)"), credit["disbursed_amount"], "rp"),
                    (_("Active loans"), credit["outstanding_count"], "int"),
                    (_("Credit outstanding"), credit["outstanding"], "rp"),
                    (_("PAR30"), credit["par30"], "pct"),
                    (_("At risk (more than 30 days late)"), credit["par30_amount"], "rp"),
                ]
            ),
            pillar_training("S"),
        ],
    )
    marketing = Section(
        _("M · Marketing: gallery"),
        [
            Figures(
                [
                    (_("Products listed"), gallery["listings"], "int"),
                    (_("Newly listed"), gallery["listings_new"], "int"),
                    (_("Products on display"), gallery["displayed"], "int"),
                    (_("Items sold"), gallery["items_sold"], "int"),
                    (_("Sales revenue"), gallery["revenue"], "rp"),
                    (_("Gallery commission"), gallery["commission"], "rp"),
                    (_("Paid out to IKM"), gallery["payout"], "rp"),
                ]
            ),
            pillar_training("M"),
        ],
    )
    adjusting = Section(
        _("A · Adjusting: clusters and product development"),
        [
            Figures(
                [
                    (_("Active clusters"), data["clusters"]["active"], "int"),
                    (_("IKM in a cluster"), data["clusters"]["members"], "int"),
                ]
            ),
            pillar_training("A"),
        ],
    )
    certs = data["certifications"]
    raising = Section(
        _("R · Raising: certification and standards"),
        [
            TableBlock(
                [Col(_("Certification")), Col(_("Active IKM holding it"), "int"), Col(_("Share"), "pct")],
                [[name, n, ratio(n, ikm["active"])] for name, n in certs.items()],
                title=_("Certifications held"),
            ),
            pillar_training("R"),
        ],
    )
    training_section = Section(
        _("T · Training"),
        [
            Figures(
                [
                    (_("Batches held"), training["batches_held"], "int"),
                    (_("Participants"), training["participants"], "int"),
                    (_("Completed"), training["completed"], "int"),
                    (_("Completion rate"), training["completion_rate"], "pct"),
                    (_("Certificates issued"), training["certificates"], "int"),
                ]
            ),
            TableBlock(
                _training_columns(_("SMART pillar")),
                [_training_row(pillar_label(p), c) for p, c in pillars.items()],
                title=_("By SMART pillar"),
            ),
            TableBlock(
                _training_columns(_("Category")),
                [_training_row(category_label(k), c) for k, c in training["by_category"].items()],
                title=_("By category"),
            ),
        ],
    )
    doc.sections = [base, stimulating, marketing, adjusting, raising, training_section]
    if training["completion_rate"] is None:
        training_section.blocks.append(Note(_("No batch finished in this period: no completion rate yet.")))
    doc.footnotes = [
        _(
            "New: registered, held, approved, disbursed, listed or sold in the period. Workers, "
            "investment and certifications: active IKM. Completion rate: finished batches."
        )
    ]
    return doc


def overview(tables: Tables, period: Period, today: date) -> Report:
    """The overview report for ``period`` seen on ``today`` (the as-of date is the earlier of the two ends)."""
    data = overview_data(tables, period, today)
    as_of = period.as_of(today)
    return Report("overview", period, as_of, data, overview_document(data, period, as_of))
