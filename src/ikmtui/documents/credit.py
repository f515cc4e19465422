"""Credit documents: the repayment card of a loan (its schedule with what was paid of each installment, when,
and what is outstanding, the same figures as the credit report) and the warning letters SP1, SP2 and SP3 with the
arrears as of the day they are written (``domain.arrears``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from ikmtui.documents.pdf import Office, OfficePdf, Signature, in_words, long_date, place_date
from ikmtui.domain.arrears import LoanArrears, loan_arrears, loan_ledger
from ikmtui.domain.credit import PRODUCTS, method_label
from ikmtui.domain.fields import parse_date
from ikmtui.domain.money import format_rupiah
from ikmtui.i18n import N_, _, format_date

Doc = Mapping[str, Any]
Tables = Mapping[str, Mapping[str, Doc]]

LEVELS = (1, 2, 3)
LEVEL_TITLES = {
    1: N_("First warning letter (SP1)"),
    2: N_("Second warning letter (SP2)"),
    3: N_("Third and final warning letter (SP3)"),
}
#: Days the borrower is given to pay after each letter.
LEVEL_DAYS = {1: 14, 2: 7, 3: 7}


def find_loan(tables: Tables, code: str) -> dict[str, Any]:
    """The application with ``code`` (any case) with its ``id``; ``ValueError`` if there is none."""
    wanted = str(code or "").strip().upper()
    for key, doc in tables["credit_applications"].items():
        if str(doc.get("code", "")).upper() == wanted:
            return {**doc, "id": int(key)}
    raise ValueError(_("No credit application {code}", code=code))


def repayments_of(tables: Tables, app_id: int) -> list[dict[str, Any]]:
    found = [{**doc, "id": int(k)} for k, doc in tables["repayments"].items() if doc.get("application_id") == app_id]
    return sorted(found, key=lambda d: (str(d.get("date", "")), d["id"]))


def loan_position(tables: Tables, code: str, today: date) -> tuple[dict[str, Any], LoanArrears]:
    """The loan and where it stands on ``today`` (as the credit report counts it); ``ValueError`` if it was
    never disbursed."""
    app = find_loan(tables, code)
    status = loan_arrears(app, repayments_of(tables, app["id"]), today)
    if status is None:
        raise ValueError(_("{code} has not been disbursed", code=app.get("code", "")))
    return app, status


def _borrower(tables: Tables, app: Doc) -> Doc:
    return tables["ikm"].get(str(app.get("ikm_id"))) or {}


def _loan_fields(tables: Tables, app: Doc, status: LoanArrears) -> list[tuple[str, str]]:
    ikm = _borrower(tables, app)
    product = PRODUCTS.get(str(app.get("product", "")))
    return [
        (_("Loan"), str(app.get("code", ""))),
        (_("Borrower"), f"{ikm.get('name', '?')} ({ikm.get('code', '')})"),
        (_("Owner"), str(ikm.get("owner_name") or "-")),
        (_("Product"), product.name if product else str(app.get("product", ""))),
        (_("Bank"), str(app.get("bank") or "-")),
        (_("Disbursed"), f"{long_date(status.disbursed_on)} · {format_rupiah(status.amount)}"),
        (
            _("Terms"),
            _(
                "{months} months, {rate}% a year, {method}",
                months=app.get("tenor_months", ""),
                rate=f"{float(app.get('annual_rate') or 0):g}".replace(".", ","),
                method=method_label(str(app.get("interest_method", ""))),
            ),
        ),
    ]


def loan_card_pdf(tables: Tables, code: str, office: Office, today: date) -> tuple[bytes, LoanArrears]:
    """The repayment card of loan ``code`` on ``today``: every installment with its due date, amounts, what was
    paid and when, the repayments received, and the outstanding principal. Returns the file and the figures."""
    app, status = loan_position(tables, code, today)
    repayments = repayments_of(tables, app["id"])
    ledger = loan_ledger(app, repayments, today)
    assert ledger is not None
    pdf = OfficePdf(office, _("Repayment card {code}", code=app.get("code", "")))
    pdf.add_page()
    pdf.heading(_("Repayment card"), str(app.get("code", "")))
    pdf.fields(_loan_fields(tables, app, status), label_width=30, size=9.5)
    pdf.ln(2)
    rows = []
    for inst in ledger.installments:
        paid = inst.principal_paid + inst.interest_paid
        if inst.settled:
            state = _("paid")
        elif inst.due < today:
            state = _("overdue")
        elif paid:
            state = _("partly paid")
        else:
            state = ""
        rows.append(
            [
                str(inst.no),
                format_date(inst.due),
                format_rupiah(inst.principal),
                format_rupiah(inst.interest),
                format_rupiah(inst.total),
                format_rupiah(paid) if paid else "",
                format_date(inst.paid_on) if inst.settled and inst.paid_on else "",
                state,
            ]
        )
    pdf.grid(
        [
            ("No", 5, "C"),
            (_("Due date"), 14, "L"),
            (_("Principal"), 17, "R"),
            (_("Interest"), 14, "R"),
            (_("Installment"), 17, "R"),
            (_("Paid"), 17, "R"),
            (_("Paid on"), 14, "L"),
            (_("Status"), 13, "L"),
        ],
        rows,
        total=[
            "",
            _("Total"),
            format_rupiah(ledger.amount),
            format_rupiah(sum(i.interest for i in ledger.installments)),
            format_rupiah(sum(i.total for i in ledger.installments)),
            format_rupiah(status.principal_paid + status.interest_paid),
            "",
            "",
        ],
        size=7.8,
    )
    if repayments:
        pdf.paragraph(_("Repayments received"), bold=True, size=9.5)
        pdf.grid(
            [(_("Date"), 18, "L"), (_("Receipt"), 16, "L"), (_("Amount"), 16, "R"), (_("Note"), 30, "L")],
            [
                [
                    format_date(parse_date(str(r.get("date", ""))[:10])),
                    str(r.get("code", "")),
                    format_rupiah(int(r.get("amount") or 0)),
                    str(r.get("note") or ""),
                ]
                for r in repayments
                if str(r.get("date", ""))[:10] <= today.isoformat()
            ],
            size=8,
        )
    pdf.fields(
        [
            (_("Principal paid"), format_rupiah(status.principal_paid)),
            (_("Interest paid"), format_rupiah(status.interest_paid)),
            (_("Outstanding principal"), format_rupiah(status.outstanding_principal)),
            (_("Overdue today"), format_rupiah(status.overdue)),
            (_("Days past due"), str(status.days_past_due)),
        ],
        label_width=44,
    )
    pdf.signatures(
        [Signature.of(_("Credit officer,"), office.signatory("loan_card"))],
        when=place_date(office, today),
    )
    return pdf.to_bytes(), status


def reminder_pdf(
    tables: Tables, code: str, level: int, number: str, office: Office, today: date
) -> tuple[bytes, LoanArrears]:
    """Warning letter ``level`` (1-3) numbered ``number`` for loan ``code`` with its arrears on ``today``.
    Returns the file and the figures it states."""
    if level not in LEVELS:
        raise ValueError(_("The warning level is 1, 2 or 3"))
    app, status = loan_position(tables, code, today)
    ikm = _borrower(tables, app)
    title = _(LEVEL_TITLES[level])
    pdf = OfficePdf(office, f"{title} {app.get('code', '')}")
    pdf.add_page()
    pdf.cell(0, 5, place_date(office, today), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.fields(
        [
            (_("Number"), number),
            (_("Attachment"), "-"),
            (_("Subject"), title),
        ],
        label_width=26,
    )
    pdf.ln(4)
    pdf.paragraph(_("To"))
    pdf.paragraph(str(ikm.get("owner_name") or ""), bold=True)
    pdf.paragraph(str(ikm.get("name") or ""))
    address = ", ".join(str(ikm.get(k) or "") for k in ("address", "kelurahan", "kecamatan") if ikm.get(k))
    pdf.paragraph(address or "-")
    pdf.ln(4)
    pdf.paragraph(
        _(
            "According to our records, the repayments of your loan {code} from {bank}, disbursed on {day} "
            "for {amount}, are late. On {today} the arrears are as follows:",
            code=app.get("code", ""),
            bank=app.get("bank") or _("the channelling bank"),
            day=long_date(status.disbursed_on),
            amount=format_rupiah(status.amount),
            today=long_date(today),
        )
    )
    pdf.ln(2)
    pdf.fields(
        [
            (
                _("Oldest unpaid installment"),
                _(
                    "no. {no}, due {day}",
                    no=status.oldest_unpaid_no or "-",
                    day=long_date(status.oldest_unpaid_due) if status.oldest_unpaid_due else "-",
                ),
            ),
            (_("Days past due"), _("{days} days", days=status.days_past_due)),
            (_("Amount overdue"), format_rupiah(status.overdue)),
            (_("In words"), in_words(status.overdue)),
            (_("Outstanding principal"), format_rupiah(status.outstanding_principal)),
        ],
        label_width=64,
    )
    pdf.ln(2)
    deadline = date.fromordinal(today.toordinal() + LEVEL_DAYS[level])
    requests = {
        1: _(
            "We ask you to pay the amount overdue by {day} at the latest at {bank}, or to contact us to agree on "
            "how it will be paid.",
            day=long_date(deadline),
            bank=app.get("bank") or _("the channelling bank"),
        ),
        2: _(
            "This is our second letter: the first did not lead to payment. Pay the amount overdue by {day} at the "
            "latest; otherwise a third and final warning letter follows.",
            day=long_date(deadline),
        ),
        3: _(
            "This is our final warning. If the amount overdue is not paid by {day}, the loan will be handed over "
            "for collection under the credit agreement.",
            day=long_date(deadline),
        ),
    }
    pdf.paragraph(requests[level])
    pdf.ln(2)
    pdf.paragraph(_("If you have paid in the meantime, please disregard this letter. Thank you for your attention."))
    pdf.signatures([Signature.of("", office.signatory("reminder"))])
    return pdf.to_bytes(), status
