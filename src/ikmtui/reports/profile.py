"""The profile of one IKM: who it is, its clusters and certifications, its trainings, loans and gallery products,
with its sales in the period. The owner's NIK is shown masked and the NPWP left out: a profile gets printed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from ikmtui.domain.arrears import collectability_label, loan_arrears
from ikmtui.domain.credit import state_label, state_on
from ikmtui.domain.identifiers import mask_nik
from ikmtui.domain.ikm import registered_day
from ikmtui.i18n import N_, _
from ikmtui.reports.areas import GALLERY_CATEGORY_LABELS, LISTING_STATUS_LABELS
from ikmtui.reports.common import (
    Report,
    Tables,
    dated_applications,
    dated_repayments,
    day_of,
    listing_status_on,
    sale_amounts,
    subtitle,
)
from ikmtui.reports.document import Col, Document, Figures, Section, TableBlock
from ikmtui.reports.overview import category_label, scale_label
from ikmtui.reports.period import Period
from ikmtui.reports.registry import missing_fields, missing_label

ENROLLMENT_STATE_LABELS = {
    "requested": N_("requested"),
    "booked": N_("booked"),
    "waitlisted": N_("waitlisted"),
    "cancelled": N_("cancelled"),
    "attended": N_("attended"),
    "no_show": N_("no-show"),
    "completed": N_("completed"),
    "not_completed": N_("not completed"),
}


def find_ikm(tables: Tables, code: str) -> tuple[str, Mapping[str, Any]]:
    """The IKM with ``code`` (any case; ``123`` means ``IKM-000123``), or a translated ``ValueError``."""
    wanted = str(code or "").strip().upper()
    if wanted.isdigit():
        wanted = f"IKM-{int(wanted):06d}"
    for key, doc in tables["ikm"].items():
        if str(doc.get("code") or "").upper() == wanted:
            return key, doc
    raise ValueError(_("There is no IKM with code {code}", code=str(code or "").strip() or "?"))


def _enrollment_state(state: str) -> str:
    return _(ENROLLMENT_STATE_LABELS.get(state, state))


def profile(tables: Tables, code: str, period: Period, today: date) -> Report:
    key, ikm = find_ikm(tables, code)
    ikm_id = int(key)
    as_of = period.as_of(today)
    first, cut = period.bounds(today)
    clusters = tables["clusters"]
    member_of = [clusters[str(c)] for c in ikm.get("cluster_ids") or [] if str(c) in clusters]
    courses, batches = tables["courses"], tables["batches"]
    trainings: list[dict[str, Any]] = []
    for enrollment in tables["enrollments"].values():
        if enrollment.get("ikm_id") != ikm_id:
            continue
        batch = batches.get(str(enrollment.get("batch_id"))) or {}
        course = courses.get(str(batch.get("course_id"))) or {}
        trainings.append(
            {
                "batch": str(batch.get("code") or ""),
                "course": str(course.get("name") or ""),
                "category": str(course.get("category") or ""),
                "start_date": day_of(batch.get("start_date")),
                "state": str(enrollment.get("state") or ""),
                "attendance_pct": enrollment.get("attendance_pct"),
                "certificate_no": enrollment.get("certificate_no") or "",
            }
        )
    trainings.sort(key=lambda t: (t["start_date"], t["batch"]))
    own_apps = {k: d for k, d in tables["credit_applications"].items() if d.get("ikm_id") == ikm_id}
    apps = dated_applications(own_apps)
    wanted_ids = {int(k) for k in own_apps}
    repayments = [r for r in dated_repayments(tables["repayments"]) if r.get("application_id") in wanted_ids]
    loans: list[dict[str, Any]] = []
    for app in sorted(apps, key=lambda a: str(a.get("code"))):
        state = state_on(app, as_of)
        if state is None:
            continue
        arrears = loan_arrears(app, [r for r in repayments if r.get("application_id") == app["id"]], as_of)
        principal = app.get("amount_approved")
        loans.append(
            {
                "code": str(app.get("code") or ""),
                "product": str(app.get("product") or ""),
                "amount": int(principal if principal is not None else app.get("amount_requested") or 0),
                "state": state,
                "disbursed_on": day_of(own_apps[str(app["id"])].get("disbursed_on")),
                "outstanding": arrears.outstanding_principal if arrears and arrears.active else 0,
                "days_past_due": arrears.days_past_due if arrears and arrears.active else 0,
                "collectability": arrears.collectability if arrears and arrears.active else None,
            }
        )
    listings: list[dict[str, Any]] = []
    own_listings = {k: d for k, d in tables["gallery_listings"].items() if d.get("ikm_id") == ikm_id}
    for lkey, listing in sorted(own_listings.items(), key=lambda item: str(item[1].get("sku"))):
        listings.append(
            {
                "sku": str(listing.get("sku") or lkey),
                "product": str(listing.get("product_name") or ""),
                "category": str(listing.get("category") or ""),
                "price": int(listing.get("price") or 0),
                "stock": int(listing.get("stock") or 0),
                "sold": int(listing.get("sold") or 0),
                "status": listing_status_on(listing, as_of),
            }
        )
    sales = {"items": 0, "revenue": 0, "commission": 0, "payout": 0}
    for sale in tables["sales"].values():
        if sale.get("ikm_id") == ikm_id and first <= day_of(sale.get("date")) <= cut:
            gross, fee, due = sale_amounts(sale)
            sales["items"] += int(sale.get("quantity") or 0)
            sales["revenue"] += gross
            sales["commission"] += fee
            sales["payout"] += due
    workers = int(ikm.get("workers_male") or 0) + int(ikm.get("workers_female") or 0)
    data: dict[str, Any] = {
        "report": "profile",
        "period": period.as_dict(today),
        "as_of": as_of.isoformat(),
        "ikm": {
            "code": ikm.get("code"),
            "name": ikm.get("name"),
            "owner_name": ikm.get("owner_name"),
            "owner_nik": mask_nik(ikm.get("owner_nik")),
            "nib": ikm.get("nib"),
            "address": ikm.get("address"),
            "kelurahan": ikm.get("kelurahan"),
            "kecamatan": ikm.get("kecamatan"),
            "phone": ikm.get("phone"),
            "email": ikm.get("email"),
            "kbli": ikm.get("kbli"),
            "product": ikm.get("product"),
            "scale": ikm.get("scale"),
            "workers_male": int(ikm.get("workers_male") or 0),
            "workers_female": int(ikm.get("workers_female") or 0),
            "investment": int(ikm.get("investment") or 0),
            "turnover": int(ikm.get("turnover") or 0),
            "year_founded": ikm.get("year_founded"),
            "status": ikm.get("status", "active"),
            "registered": registered_day(ikm),  # a legacy list's registration date, else the record's
            "clusters": [str(c.get("name") or "") for c in member_of],
            "certifications": list(ikm.get("certifications") or []),
            "missing": missing_fields(ikm),  # what the record still lacks (data completeness)
        },
        "trainings": trainings,
        "credit": loans,
        "gallery": listings,
        "sales": sales,
    }
    info = data["ikm"]
    doc = Document(title=_("IKM profile: {name}", name=info["name"]), subtitle=subtitle(period, as_of))
    doc.sections.append(
        Section(
            _("Business"),
            [
                TableBlock(
                    [Col(_("Field")), Col(_("Value"))],
                    [
                        [_("Code"), info["code"]],
                        [_("Business name"), info["name"]],
                        [_("Owner"), info["owner_name"]],
                        [_("NIK (masked)"), info["owner_nik"]],
                        [_("NIB"), info["nib"]],
                        [_("Address"), f"{info['address']}, {info['kelurahan']}, {info['kecamatan']}"],
                        [_("Phone"), info["phone"]],
                        [_("KBLI"), info["kbli"]],
                        [_("Product"), info["product"]],
                        [_("Scale"), scale_label(str(info["scale"] or ""))],
                        [_("Year founded"), info["year_founded"]],
                        [_("Registered"), info["registered"]],
                        [_("Status"), _(str(info["status"]))],
                        [_("Clusters"), ", ".join(info["clusters"]) or "–"],
                        [_("Certifications"), ", ".join(info["certifications"]) or "–"],
                        [_("Missing"), ", ".join(missing_label(name) for name in info["missing"]) or "–"],
                    ],
                ),
                Figures(
                    [
                        (_("Male workers"), info["workers_male"], "int"),
                        (_("Female workers"), info["workers_female"], "int"),
                        (_("Workers"), workers, "int"),
                        (_("Investment"), info["investment"], "rp"),
                        (_("Annual turnover"), info["turnover"], "rp"),
                    ]
                ),
            ],
        )
    )
    doc.sections.append(
        Section(
            _("Training"),
            [
                TableBlock(
                    [
                        Col(_("Batch"), "code"),
                        Col(_("Course")),
                        Col(_("Category")),
                        Col(_("Start"), "date"),
                        Col(_("State")),
                        Col(_("Attendance %"), "float"),
                        Col(_("Certificate")),
                    ],
                    [
                        [
                            t["batch"],
                            t["course"],
                            category_label(t["category"]),
                            t["start_date"],
                            _enrollment_state(t["state"]),
                            t["attendance_pct"],
                            t["certificate_no"],
                        ]
                        for t in trainings
                    ],
                    empty=_("No trainings yet"),
                )
            ],
        )
    )
    doc.sections.append(
        Section(
            _("Credit"),
            [
                TableBlock(
                    [
                        Col(_("Application"), "code"),
                        Col(_("Product")),
                        Col(_("Amount"), "rp"),
                        Col(_("State")),
                        Col(_("Disbursed on"), "date"),
                        Col(_("Outstanding"), "rp"),
                        Col(_("Days late"), "int"),
                        Col(_("Collectability")),
                    ],
                    [
                        [
                            loan["code"],
                            loan["product"],
                            loan["amount"],
                            state_label(loan["state"]),
                            loan["disbursed_on"] or None,
                            loan["outstanding"],
                            loan["days_past_due"],
                            collectability_label(loan["collectability"]) if loan["collectability"] else "",
                        ]
                        for loan in loans
                    ],
                    empty=_("No credit applications"),
                )
            ],
        )
    )
    doc.sections.append(
        Section(
            _("Gallery"),
            [
                TableBlock(
                    [
                        Col(_("SKU"), "code"),
                        Col(_("Product")),
                        Col(_("Category")),
                        Col(_("Price"), "rp"),
                        Col(_("Stock"), "int"),
                        Col(_("Sold"), "int"),
                        Col(_("Status")),
                    ],
                    [
                        [
                            g["sku"],
                            g["product"],
                            _(GALLERY_CATEGORY_LABELS.get(g["category"], g["category"])),
                            g["price"],
                            g["stock"],
                            g["sold"],
                            _(LISTING_STATUS_LABELS.get(g["status"], g["status"])),
                        ]
                        for g in listings
                    ],
                    empty=_("No products in the gallery"),
                ),
                Figures(
                    [
                        (_("Items sold in the period"), sales["items"], "int"),
                        (_("Sales revenue"), sales["revenue"], "rp"),
                        (_("Gallery commission"), sales["commission"], "rp"),
                        (_("Paid out to IKM"), sales["payout"], "rp"),
                    ]
                ),
            ],
        )
    )
    return Report("profile", period, as_of, data, doc)
