"""The registry seen whole: a cluster's summary and an IKM's profile, as plain data and as Rich renderables.

Both read the tables as stored (``{table: {id: doc}}``) and take the day they describe (``as_of``), so the same
data give the same figures whenever they are made. Personal data stay out: the profile carries the NIK and
NPWP masked only.

Outstanding balances come from ``ikmtui.domain.arrears.loan_arrears`` (the repayment ledger: principal lent
minus principal repaid, as of the day); if a stored loan cannot be replayed, approved amount minus repaid
principal is used instead.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from ikmtui.clock import local_time, officer_name
from ikmtui.domain import credit as credit_domain
from ikmtui.domain import training as training_domain
from ikmtui.domain.arrears import loan_arrears
from ikmtui.domain.fields import parse_date
from ikmtui.domain.identifiers import mask_nik
from ikmtui.domain.ikm import scale_label, status_label
from ikmtui.domain.money import format_number, format_rupiah
from ikmtui.domain.reference import kbli_codes
from ikmtui.i18n import N_, _, format_date
from ikmtui.reports.document import Figures, Section

Tables = Mapping[str, Mapping[str, Mapping[str, Any]]]
Doc = dict[str, Any]

#: Enrollments in which the participant came to the training (completed or not).
ATTENDED_STATES = ("attended", "completed", "not_completed")

#: Fields an IKM may be registered without but that the programme wants filled in (getting an IKM its NIB is part
#: of the help it receives), with their labels: what "data completeness" counts.
COMPLETENESS_FIELDS = {
    "nib": N_("NIB"),
    "owner_nik": N_("Owner NIK"),
    "npwp": N_("NPWP"),
    "phone": N_("Phone"),
    "year_founded": N_("Year founded"),
    "scale": N_("Scale"),
}


# ---------------------------------------------------------------------------------------------- completeness
def missing_fields(doc: Mapping[str, Any]) -> list[str]:
    """The completeness fields ``doc`` leaves empty, in :data:`COMPLETENESS_FIELDS` order."""
    return [name for name in COMPLETENESS_FIELDS if doc.get(name) in (None, "")]


def completeness(docs: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """How many IKM leave each completeness field empty (``missing``), how many leave none (``complete``), of
    ``total``: ``{"total": 3497, "complete": 2900, "missing": {"nib": 412, ...}}``."""
    missing = dict.fromkeys(COMPLETENESS_FIELDS, 0)
    total = complete = 0
    for doc in docs:
        total += 1
        gaps = missing_fields(doc)
        complete += not gaps
        for name in gaps:
            missing[name] += 1
    return {"total": total, "complete": complete, "missing": missing}


def completeness_section(counts: Mapping[str, Any]) -> Section:
    """The IKM report's section: how many IKM lack each field (``counts`` from :func:`completeness`)."""
    items = [(_("IKM with complete data"), counts["complete"], "int")]
    items += [(_("IKM without {field}", field=missing_label(name)), n, "int") for name, n in counts["missing"].items()]
    return Section(_("Data completeness"), [Figures(items)])


def missing_label(name: str) -> str:
    return _(COMPLETENESS_FIELDS[name]) if name in COMPLETENESS_FIELDS else name


def missing_text(names: Iterable[str]) -> Text:
    """``Missing: NIB, Phone`` in the warning colour, or that nothing is missing (said in words, not colour)."""
    names = list(names)
    if not names:
        return Text(_("Data complete"), style="green")
    return Text(_("Missing: {fields}", fields=", ".join(missing_label(n) for n in names)), style="bold yellow")


# ---------------------------------------------------------------------------------------------- helpers
def _day(value: object) -> date | None:
    if value in (None, ""):
        return None
    try:
        return parse_date(value)
    except ValueError:
        return None


def _show_day(value: object) -> str:
    day = _day(value)
    return format_date(day) if day else ""


def _principal(app: Mapping[str, Any]) -> int:
    approved = app.get("amount_approved")
    return int(approved if approved is not None else app.get("amount_requested") or 0)


def _lent(app: Mapping[str, Any], as_of: date) -> bool:
    disbursed = _day(app.get("disbursed_on"))
    return disbursed is not None and disbursed <= as_of


def loan_position(app: Mapping[str, Any], repayments: Iterable[Mapping[str, Any]], as_of: date) -> dict[str, Any]:
    """State on ``as_of``, outstanding principal and days past due of one application (stored doc with id)."""
    state = credit_domain.state_on(app, as_of) or str(app.get("state", ""))
    if not _lent(app, as_of):
        return {"state": state, "outstanding": 0, "days_past_due": 0, "lent": False}
    repayments = list(repayments)
    try:
        loan = loan_arrears(app, repayments, as_of)
    except (ValueError, KeyError, TypeError, AssertionError):
        loan = None
    if loan is not None:
        # As in the portfolio: only a loan still running is outstanding (closed is paid, written off is lost).
        outstanding = loan.outstanding_principal if loan.active else 0
        return {"state": loan.state, "outstanding": outstanding, "days_past_due": loan.days_past_due, "lent": True}
    repaid = sum(int(r.get("principal") or 0) for r in repayments if (_day(r.get("date")) or as_of) <= as_of)
    outstanding = max(0, _principal(app) - repaid) if state == credit_domain.ACTIVE_STATE else 0
    return {"state": state, "outstanding": outstanding, "days_past_due": 0, "lent": True}


def _with_ids(table: Mapping[str, Mapping[str, Any]]) -> Iterable[Doc]:
    return ({**doc, "id": int(key)} for key, doc in table.items())


def _repayments_by_app(tables: Tables, app_ids: set[int]) -> dict[int, list[Mapping[str, Any]]]:
    grouped: dict[int, list[Mapping[str, Any]]] = {app_id: [] for app_id in app_ids}
    for doc in tables["repayments"].values():
        app_id = doc.get("application_id")
        if app_id in grouped:
            grouped[app_id].append(doc)
    return grouped


# ---------------------------------------------------------------------------------------------- cluster summary
class FigurePairs:
    """Figures as (label, value, label, value) rows: two pairs a line where the width allows, else one pair a line,
    so that a value ("Rp 5.289.000.000") is never wrapped."""

    def __init__(self, title: str, rows: list[tuple[str, str, str, str]]) -> None:
        self.title = title
        self.rows = rows

    def _table(self, pairs_per_line: int) -> Table:
        table = Table(
            title=self.title, show_header=False, box=None, padding=(0, 2), title_justify="left", title_style="bold"
        )
        for _pair in range(pairs_per_line):
            table.add_column(style="bold", overflow="fold")
            table.add_column(justify="right", no_wrap=True)
        if pairs_per_line == 2:
            for row in self.rows:
                table.add_row(*row)
        else:
            for row in self.rows:
                table.add_row(row[0], row[1])
            for row in self.rows:
                table.add_row(row[2], row[3])
        return table

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        widths = [max((cell_len(row[i]) for row in self.rows), default=0) for i in range(4)]
        wide = sum(widths) + 2 * 3  # three gaps of two between the four columns
        yield self._table(2 if wide <= options.max_width else 1)


def cluster_summary(tables: Tables, cluster_id: int, as_of: date) -> dict[str, Any]:
    """What a cluster adds up to on ``as_of``: its members and their workers, investment, products, the
    trainings they attended and the credit they took. Plain data (int rupiah, ISO dates). Workers, investment
    and turnover are the active members'; inactive members' are apart under ``inactive``."""
    cluster = tables["clusters"].get(str(cluster_id))
    if cluster is None:
        raise KeyError(cluster_id)
    members = {int(key): doc for key, doc in tables["ikm"].items() if cluster_id in (doc.get("cluster_ids") or ())}
    products: Counter[str] = Counter()
    product_names: dict[str, str] = {}  # one spelling per product, the first one met
    scales: Counter[str] = Counter()
    workers_male = workers_female = investment = turnover = active = 0
    inactive = {"members": 0, "workers": 0, "investment": 0, "turnover": 0}
    for doc in members.values():
        product = " ".join(str(doc.get("product") or "").split())
        products[product_names.setdefault(product.casefold(), product)] += 1
        scales[str(doc.get("scale") or "")] += 1
        male, female = int(doc.get("workers_male") or 0), int(doc.get("workers_female") or 0)
        if doc.get("status", "active") == "inactive":  # still a member, but no longer part of what it adds up to
            inactive["members"] += 1
            inactive["workers"] += male + female
            inactive["investment"] += int(doc.get("investment") or 0)
            inactive["turnover"] += int(doc.get("turnover") or 0)
            continue
        active += 1
        workers_male += male
        workers_female += female
        investment += int(doc.get("investment") or 0)
        turnover += int(doc.get("turnover") or 0)

    attended = completed = certificates = 0
    trained: set[int] = set()
    batches: set[int] = set()
    for doc in tables["enrollments"].values():
        ikm_id = doc.get("ikm_id")
        if ikm_id not in members or doc.get("state") not in ATTENDED_STATES:
            continue
        attended += 1
        trained.add(ikm_id)
        batches.add(int(doc.get("batch_id") or 0))
        completed += doc.get("state") == "completed"
        certificates += bool(doc.get("certificate_no"))

    apps = [app for app in _with_ids(tables["credit_applications"]) if app.get("ikm_id") in members]
    lent = [app for app in apps if _lent(app, as_of)]
    repayments = _repayments_by_app(tables, {app["id"] for app in lent})
    outstanding = 0
    borrowers: set[int] = set()
    for app in lent:
        borrowers.add(app["ikm_id"])
        outstanding += loan_position(app, repayments[app["id"]], as_of)["outstanding"]

    return {
        "as_of": as_of.isoformat(),
        "cluster": {
            "id": cluster_id,
            "code": cluster.get("code", ""),
            "name": cluster.get("name", ""),
            "sector": cluster.get("sector", ""),
            "kecamatan": cluster.get("kecamatan", ""),
            "decree_number": cluster.get("decree_number", ""),
            "decree_date": cluster.get("decree_date"),
            "coordinator": cluster.get("coordinator", ""),
            "status": cluster.get("status", "active"),
        },
        "members": len(members),
        "members_active": active,
        "inactive": inactive,
        "workers_male": workers_male,
        "workers_female": workers_female,
        "workers": workers_male + workers_female,
        "investment": investment,
        "turnover": turnover,
        "scales": dict(sorted(scales.items())),
        "products": [
            {"product": name, "count": n}
            for name, n in sorted(products.items(), key=lambda item: (-item[1], item[0]))
            if name
        ],
        "trainings_attended": attended,
        "trainings_completed": completed,
        "members_trained": len(trained),
        "batches": len(batches),
        "certificates": certificates,
        "credit_applications": len(apps),
        "loans": len(lent),
        "borrowers": len(borrowers),
        "credit_lent": sum(_principal(app) for app in lent),
        "credit_outstanding": outstanding,
    }


def cluster_summary_renderable(summary: Mapping[str, Any]) -> RenderableType:
    cluster = summary["cluster"]
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    head.add_row(_("Cluster"), f"{cluster['code']}  {cluster['name']}")
    head.add_row(_("Sector"), _(cluster["sector"]) if cluster["sector"] else "")
    head.add_row(_("Kecamatan"), cluster["kecamatan"])
    head.add_row(_("Legal basis"), f"{cluster['decree_number']}, {_show_day(cluster['decree_date'])}")
    head.add_row(_("Coordinator"), cluster["coordinator"] or "-")
    head.add_row(_("Status"), status_label(cluster["status"]))

    scales = ", ".join(f"{scale_label(s)} {n}" for s, n in summary["scales"].items()) or "-"
    rows = [
        (
            _("Members"),
            _(
                "{n} ({active} active)",
                n=format_number(summary["members"]),
                active=format_number(summary["members_active"]),
            ),
            _("Scale"),
            scales,
        ),
        (
            _("Workers"),
            _(
                "{total} ({male} m / {female} f)",
                total=format_number(summary["workers"]),
                male=format_number(summary["workers_male"]),
                female=format_number(summary["workers_female"]),
            ),
            _("Investment"),
            format_rupiah(summary["investment"]),
        ),
        (
            _("Trainings attended"),
            format_number(summary["trainings_attended"]),
            _("Annual turnover"),
            format_rupiah(summary["turnover"]),
        ),
        (
            _("Members trained"),
            format_number(summary["members_trained"]),
            _("Certificates issued"),
            format_number(summary["certificates"]),
        ),
        (
            _("Loans taken"),
            _("{n} by {m} IKM", n=format_number(summary["loans"]), m=format_number(summary["borrowers"])),
            _("Credit lent"),
            format_rupiah(summary["credit_lent"]),
        ),
        (
            _("Credit applications"),
            format_number(summary["credit_applications"]),
            _("Credit outstanding"),
            format_rupiah(summary["credit_outstanding"]),
        ),
    ]
    inactive = summary["inactive"]
    if inactive["members"]:  # apart: an inactive member's workers and investment are not the cluster's
        rows.append(
            (
                _("Inactive (not counted)"),
                _(
                    "{n} IKM, {workers} workers",
                    n=format_number(inactive["members"]),
                    workers=format_number(inactive["workers"]),
                ),
                _("Investment (inactive)"),
                format_rupiah(inactive["investment"]),
            )
        )
    figures = FigurePairs(_("Summary as of {date}", date=_show_day(summary["as_of"])), rows)
    products = Text(_("Products") + ": ", style="bold")
    products.append(", ".join(f"{p['product']} ({p['count']})" for p in summary["products"][:12]) or "-")
    return Group(head, Text(""), figures, Text(""), products)


# ---------------------------------------------------------------------------------------------- IKM profile
def ikm_profile(tables: Tables, ikm_id: int, as_of: date) -> dict[str, Any]:
    """One business and everything linked to it on ``as_of``: clusters, training, credit, gallery and sales.
    Plain data; NIK and NPWP masked."""
    doc = tables["ikm"].get(str(ikm_id))
    if doc is None:
        raise KeyError(ikm_id)
    clusters_table = tables["clusters"]
    clusters = []
    for cid in doc.get("cluster_ids") or ():
        cluster = clusters_table.get(str(cid))
        if cluster is not None:
            clusters.append(
                {
                    "id": cid,
                    "code": cluster.get("code", ""),
                    "name": cluster.get("name", ""),
                    "sector": cluster.get("sector", ""),
                    "decree_number": cluster.get("decree_number", ""),
                    "decree_date": cluster.get("decree_date"),
                }
            )

    batches, courses = tables["batches"], tables["courses"]
    training = []
    for enrollment in _with_ids(tables["enrollments"]):
        if enrollment.get("ikm_id") != ikm_id:
            continue
        batch = batches.get(str(enrollment.get("batch_id")), {})
        course = courses.get(str(batch.get("course_id")), {})
        training.append(
            {
                "code": enrollment.get("code", ""),
                "course": course.get("name", "?"),
                "batch": batch.get("code", ""),
                "start_date": batch.get("start_date"),
                "end_date": batch.get("end_date"),
                "state": enrollment.get("state", ""),
                "attendance_pct": enrollment.get("attendance_pct"),
                "certificate_no": enrollment.get("certificate_no"),
            }
        )
    training.sort(key=lambda row: (row["start_date"] or "", row["code"]))

    apps = [app for app in _with_ids(tables["credit_applications"]) if app.get("ikm_id") == ikm_id]
    repayments = _repayments_by_app(tables, {app["id"] for app in apps})
    loans = []
    for app in sorted(apps, key=lambda a: a.get("code", "")):
        position = loan_position(app, repayments[app["id"]], as_of)
        loans.append(
            {
                "code": app.get("code", ""),
                "product": app.get("product", ""),
                "amount_requested": int(app.get("amount_requested") or 0),
                "amount_approved": app.get("amount_approved"),
                "tenor_months": app.get("tenor_months"),
                "state": position["state"],
                "disbursed_on": app.get("disbursed_on"),
                "repaid": sum(
                    int(r.get("principal") or 0)
                    for r in repayments[app["id"]]
                    if (_day(r.get("date")) or as_of) <= as_of
                ),
                "outstanding": position["outstanding"],
                "days_past_due": position["days_past_due"],
                "bank": app.get("bank", ""),
            }
        )

    listings_table = tables["gallery_listings"]
    listings = [
        {
            "id": int(key),
            "code": listing.get("code", ""),
            "product_name": listing.get("product_name", ""),
            "price": int(listing.get("price") or 0),
            "stock": int(listing.get("stock") or 0),
            "sold": int(listing.get("sold") or 0),
            "status": listing.get("status", ""),
        }
        for key, listing in listings_table.items()
        if listing.get("ikm_id") == ikm_id
    ]
    listings.sort(key=lambda row: row["code"])
    sales = []
    for sale in tables["sales"].values():
        if sale.get("ikm_id") != ikm_id or (_day(sale.get("date")) or as_of) > as_of:
            continue
        quantity, price = int(sale.get("quantity") or 0), int(sale.get("unit_price") or 0)
        total = quantity * price
        listing = listings_table.get(str(sale.get("listing_id")), {})
        sales.append(
            {
                "code": sale.get("code", ""),
                "date": sale.get("date"),
                "product_name": listing.get("product_name", "?"),
                "quantity": quantity,
                "unit_price": price,
                "total": total,
                "commission": round(total * float(sale.get("commission_pct") or 0) / 100),
            }
        )
    sales.sort(key=lambda row: (row["date"] or "", row["code"]))

    kbli = str(doc.get("kbli") or "")
    return {
        "as_of": as_of.isoformat(),
        "ikm": {
            "id": ikm_id,
            "code": doc.get("code", ""),
            "name": doc.get("name", ""),
            "owner_name": doc.get("owner_name", ""),
            "owner_nik": mask_nik(doc.get("owner_nik")),
            "nib": doc.get("nib") or "",
            "npwp": mask_nik(doc.get("npwp")) if doc.get("npwp") else "",
            "address": doc.get("address", ""),
            "kelurahan": doc.get("kelurahan", ""),
            "kecamatan": doc.get("kecamatan", ""),
            "phone": doc.get("phone") or "",
            "email": doc.get("email") or "",
            "kbli": kbli,
            "kbli_name": kbli_codes().get(kbli, ""),
            "product": doc.get("product", ""),
            "scale": doc.get("scale") or "",
            "workers_male": int(doc.get("workers_male") or 0),
            "workers_female": int(doc.get("workers_female") or 0),
            "investment": int(doc.get("investment") or 0),
            "turnover": int(doc.get("turnover") or 0),
            "year_founded": doc.get("year_founded"),
            "certifications": list(doc.get("certifications") or ()),
            "status": doc.get("status", "active"),
            "missing": missing_fields(doc),
            "version": doc.get("version"),
            "created_at": doc.get("created_at", ""),
            "created_by": doc.get("created_by", ""),
            "updated_at": doc.get("updated_at", ""),
            "updated_by": doc.get("updated_by", ""),
            "updated_by_name": officer_name(tables.get("staff", {}), doc.get("updated_by", "")),
        },
        "clusters": clusters,
        "training": training,
        "certificates": [row["certificate_no"] for row in training if row["certificate_no"]],
        "credit": loans,
        "credit_outstanding": sum(loan["outstanding"] for loan in loans),
        "listings": listings,
        "sales": sales,
        "sales_quantity": sum(row["quantity"] for row in sales),
        "sales_total": sum(row["total"] for row in sales),
        "sales_commission": sum(row["commission"] for row in sales),
    }


def _section(title: str, columns: list[tuple[str, str]], rows: list[list[str]], empty: str) -> RenderableType:
    if not rows:
        return Group(Text(title, style="bold underline"), Text(empty, style="dim"), Text(""))
    table = Table(
        title=title,
        title_justify="left",
        title_style="bold underline",
        box=None,
        padding=(0, 1),
        header_style="bold",
        expand=False,
    )
    for label, justify in columns:
        table.add_column(label, justify=justify, no_wrap=justify == "right")  # type: ignore[arg-type]
    for row in rows:
        table.add_row(*row)
    return Group(table, Text(""))


def ikm_profile_renderable(profile: Mapping[str, Any]) -> RenderableType:
    ikm = profile["ikm"]
    head = Table.grid(padding=(0, 2))
    for style in ("bold", "", "bold", ""):
        head.add_column(style=style)
    kbli = f"{ikm['kbli']} {ikm['kbli_name']}".strip()
    workers = _(
        "{total} ({male} m / {female} f)",
        total=format_number(ikm["workers_male"] + ikm["workers_female"]),
        male=format_number(ikm["workers_male"]),
        female=format_number(ikm["workers_female"]),
    )
    pairs = [
        (_("Owner"), ikm["owner_name"], _("Owner NIK"), ikm["owner_nik"]),
        (_("NIB"), ikm["nib"], _("NPWP"), ikm["npwp"] or "-"),
        (_("Address"), ikm["address"], _("Kelurahan"), f"{ikm['kelurahan']}, {ikm['kecamatan']}"),
        (_("Phone"), ikm["phone"], _("E-mail"), ikm["email"] or "-"),
        (_("KBLI"), kbli, _("Product"), ikm["product"]),
        (_("Scale"), scale_label(ikm["scale"]), _("Workers"), workers),
        (_("Investment"), format_rupiah(ikm["investment"]), _("Annual turnover"), format_rupiah(ikm["turnover"])),
        (
            _("Year founded"),
            str(ikm["year_founded"] or ""),
            _("Certifications"),
            ", ".join(ikm["certifications"]) or "-",
        ),
        (
            _("Status"),
            status_label(ikm["status"]),
            _("Last change"),
            _("{who}, {when}", who=ikm["updated_by_name"], when=local_time(ikm["updated_at"])),
        ),
    ]
    for row in pairs:
        head.add_row(*row)
    title = Text(f"{ikm['code']}  {ikm['name']}", style="bold reverse")
    gaps = missing_text(ikm["missing"])

    clusters = _section(
        _("Clusters"),
        [(_("Code"), "left"), (_("Name"), "left"), (_("Sector"), "left"), (_("Decree"), "left")],
        [
            [
                c["code"],
                c["name"],
                _(c["sector"]) if c["sector"] else "",
                f"{c['decree_number']}, {_show_day(c['decree_date'])}",
            ]
            for c in profile["clusters"]
        ],
        _("Not a member of any cluster"),
    )
    training = _section(
        _("Training and certificates"),
        [
            (_("Course"), "left"),
            (_("Batch"), "left"),
            (_("Start"), "left"),
            (_("State"), "left"),
            (_("Attendance"), "right"),
            (_("Certificate"), "left"),
        ],
        [
            [
                row["course"],
                row["batch"],
                _show_day(row["start_date"]),
                training_domain.state_label(row["state"]),
                "" if row["attendance_pct"] is None else f"{row['attendance_pct']:g}%",
                row["certificate_no"] or "",
            ]
            for row in profile["training"]
        ],
        _("No training yet"),
    )
    credit = _section(
        _("Credit (outstanding {amount})", amount=format_rupiah(profile["credit_outstanding"])),
        [
            (_("Code"), "left"),
            (_("State"), "left"),
            (_("Requested"), "right"),
            (_("Approved"), "right"),
            (_("Disbursed"), "left"),
            (_("Principal repaid"), "right"),
            (_("Outstanding"), "right"),
            (_("Days late"), "right"),
        ],
        [
            [
                loan["code"],
                credit_domain.state_label(loan["state"]),
                format_rupiah(loan["amount_requested"]),
                format_rupiah(loan["amount_approved"]) if loan["amount_approved"] is not None else "-",
                _show_day(loan["disbursed_on"]) or "-",
                format_rupiah(loan["repaid"]),
                format_rupiah(loan["outstanding"]),
                str(loan["days_past_due"]) if loan["days_past_due"] else "",
            ]
            for loan in profile["credit"]
        ],
        _("No credit applications"),
    )
    listings = _section(
        _("Gallery listings"),
        [
            (_("Code"), "left"),
            (_("Product"), "left"),
            (_("Price"), "right"),
            (_("Stock"), "right"),
            (_("Sold"), "right"),
            (_("Status"), "left"),
        ],
        [
            [
                row["code"],
                row["product_name"],
                format_rupiah(row["price"]),
                format_number(row["stock"]),
                format_number(row["sold"]),
                _(str(row["status"]).replace("_", " ")),
            ]
            for row in profile["listings"]
        ],
        _("No products in the gallery"),
    )
    sales = _section(
        _(
            "Sales: {n} items, {total} (commission {commission})",
            n=format_number(profile["sales_quantity"]),
            total=format_rupiah(profile["sales_total"]),
            commission=format_rupiah(profile["sales_commission"]),
        ),
        [
            (_("Date"), "left"),
            (_("Product"), "left"),
            (_("Quantity"), "right"),
            (_("Unit price"), "right"),
            (_("Total"), "right"),
        ],
        [
            [
                _show_day(row["date"]),
                row["product_name"],
                format_number(row["quantity"]),
                format_rupiah(row["unit_price"]),
                format_rupiah(row["total"]),
            ]
            for row in profile["sales"]
        ],
        _("No sales"),
    )
    return Group(title, Text(""), head, gaps, Text(""), clusters, training, credit, listings, sales)
