"""The Credit forms: an application (new or draft), the confirmation of a lifecycle step (note, date, amount
approved) and a repayment. They only collect text; ``ikmtui.services.credit`` validates and saves, and its
messages appear beside the fields or in the summary (``FormScreen`` closes only when nothing is wrong)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from textual import on
from textual.widgets import Button, Input, Select, Static

from ikmtui.domain.credit import BANKS, DOCUMENT_LABELS, DOCUMENTS, PRODUCTS, method_label
from ikmtui.domain.money import format_rupiah
from ikmtui.i18n import N_, _
from ikmtui.services.registry import IkmIndex
from ikmtui.ui.kit.form import FormField, FormScreen, Submit


# ---------------------------------------------------------------------------------------------- application
def product_options() -> list[tuple[str, str]]:
    return [(f"{p.name} ({p.code})", code) for code, p in PRODUCTS.items() if p.active]


def product_terms(code: str | None) -> str:
    """One line on a product's limits and terms, shown under the product field."""
    product = PRODUCTS.get(str(code or ""))
    if product is None:
        return ""
    return _(
        "Up to {plain} without collateral, {secured} with collateral; {rate}% a year {method}; at most {months} months",
        plain=format_rupiah(product.max_without_collateral),
        secured=format_rupiah(product.max_with_collateral),
        rate=f"{product.annual_rate:g}".replace(".", ","),
        method=method_label(product.method),
        months=product.max_tenor_months,
    )


def application_fields(only: Sequence[str] | None = None) -> list[FormField]:
    fields = [
        FormField("ikm_id", "Applicant IKM", placeholder="IKM-000012", help=N_("Its code, NIB or part of its name")),
        FormField("product", "Credit product", kind="select", options=product_options()),
        FormField(
            "amount_requested",
            "Amount requested",
            placeholder="5.000.000",
            help=N_("5000000, 5.000.000 or Rp 5.000.000"),
        ),
        FormField("tenor_months", "Tenor (months)", placeholder="12"),
        FormField("purpose", "Purpose", placeholder="modal kerja"),
        FormField(
            "collateral", "Collateral", placeholder="BPKB sepeda motor", help=N_("Leave blank when there is none")
        ),
        FormField(
            "documents", "Documents checked", kind="multi", options=[(_(DOCUMENT_LABELS[d]), d) for d in DOCUMENTS]
        ),
        FormField("bank", "Channelling bank", kind="select", options=[(b, b) for b in BANKS]),
    ]
    return [f for f in fields if only is None or f.name in only]


class ApplicationForm(FormScreen):
    """The application form: says which IKM the typed text names and what the chosen product allows."""

    def __init__(
        self, title: str, fields: Sequence[FormField], values: dict[str, Any] | None, submit: Submit, *, index: IkmIndex
    ) -> None:
        super().__init__(title, fields, values, submit)
        self.index = index

    def _has(self, name: str) -> bool:
        return any(spec.name == name for spec in self.fields)

    def on_mount(self) -> None:  # FormScreen.on_mount runs too (Textual calls every class's handler)
        box = self.query_one("#form-fields")
        if self._has("ikm_id"):
            box.mount(Static("", id="ikm-match", classes="form-help"), before=self.query_one("#error-ikm_id"))
            self._show_ikm_match()
        if self._has("product"):
            box.mount(Static("", id="product-terms", classes="form-help"), before=self.query_one("#error-product"))
            self._show_product_terms()

    def on_field_changed(self, name: str) -> None:
        if name == "ikm_id":
            self._show_ikm_match()
        elif name == "product":
            self._show_product_terms()

    def _show_ikm_match(self) -> None:
        text = self.query_one("#field-ikm_id", Input).value.strip()
        hint = ""
        if text:
            found, total = self.index.matches(text, limit=3)
            if total == 0:
                hint = _("No IKM matches")
            elif total == 1:
                hint = "→ " + found[0].label
            else:
                hint = _("{n} match: {names}", n=total, names="; ".join(e.label for e in found)) + (
                    "; …" if total > len(found) else ""
                )
        self.query_one("#ikm-match", Static).update(hint)

    def _show_product_terms(self) -> None:
        select = self.query_one("#field-product", Select)
        product = select.value if isinstance(select.value, str) else None  # blank: Select.BLANK, not a product
        self.query_one("#product-terms", Static).update(product_terms(product))


# ---------------------------------------------------------------------------------------------- lifecycle step
@dataclass(frozen=True)
class Step:
    """A lifecycle step as the screens offer it."""

    state: str
    verb: str  # English msgid: the button and the notification
    question: str  # English msgid with {code}, {applicant}, {amount}
    reason: bool = False  # the note is the reason and must be given
    amount: bool = False  # asks for the amount approved


STEPS: dict[str, Step] = {
    "submitted": Step("submitted", N_("Submit"), N_("Submit {code} ({applicant}, {amount}) for verification?")),
    "verified": Step(
        "verified", N_("Verify"), N_("Verify {code} ({applicant}, {amount}): documents and eligibility checked?")
    ),
    "approved": Step("approved", N_("Approve"), N_("Approve {code} ({applicant}, {amount} requested)?"), amount=True),
    "rejected": Step("rejected", N_("Reject"), N_("Reject {code} ({applicant}, {amount})?"), reason=True),
    "withdrawn": Step(
        "withdrawn",
        N_("Withdraw"),
        N_("Withdraw {code} ({applicant}, {amount}): the applicant no longer wants the loan?"),
    ),
    "disbursed": Step(
        "disbursed",
        N_("Disburse"),
        N_("Record that the bank disbursed {code} ({applicant}, {amount})? Its schedule starts on this date."),
    ),
    "written_off": Step(
        "written_off",
        N_("Write off"),
        N_("Write off {code} ({applicant}, {amount})? Its outstanding leaves the portfolio."),
        reason=True,
    ),
}


#: Steps out of ``approved`` that correct the decision: the note is the reason and must be given.
CORRECTING_STEPS: dict[str, Step] = {
    "withdrawn": Step(
        "withdrawn",
        N_("Withdraw"),
        N_("Withdraw the approved {code} ({applicant}, {amount}): the applicant no longer wants the loan?"),
        reason=True,
    ),
    "rejected": Step(
        "rejected",
        N_("Cancel application"),
        N_("Cancel the approved {code} ({applicant}, {amount})? It will not be disbursed."),
        reason=True,
    ),
}


def step_fields(step: Step) -> list[FormField]:
    fields = []
    if step.amount:
        fields.append(
            FormField(
                "amount_approved", "Amount approved", placeholder="5.000.000", help=N_("At most the amount requested")
            )
        )
    fields.append(FormField("date", "Date", placeholder="27/11/2026"))
    fields.append(FormField("note", "Reason" if step.reason else "Note", help=N_("Required") if step.reason else ""))
    return fields


class StepForm(FormScreen):
    """Confirm a step: enter in the last field (or ctrl+s) confirms, esc cancels."""

    DEFAULT_CSS = """
    StepForm > #form-box { height: auto; max-height: 90%; }
    StepForm #form-fields { height: auto; }
    """

    def __init__(
        self, title: str, fields: Sequence[FormField], values: dict[str, Any] | None, submit: Submit, *, verb: str
    ) -> None:
        super().__init__(title, fields, values, submit)
        self.verb = verb

    def on_mount(self) -> None:  # FormScreen.on_mount runs too (Textual calls every class's handler)
        self.query_one("#form-save", Button).label = f"{_(self.verb)} (ctrl+s)"
        # The amount approved when the step asks for one (a typed amount once went into the note and the full
        # amount was approved), else the note: the date is filled in with today.
        names = [spec.name for spec in self.fields]
        first = "amount_approved" if "amount_approved" in names else names[-1]
        self.call_after_refresh(self.query_one(f"#field-{first}").focus)

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        event.prevent_default()
        if event.input.id == f"field-{self.fields[-1].name}":
            self.action_submit()
        else:
            self.focus_next()


# ---------------------------------------------------------------------------------------------- repayment
def repayment_fields() -> list[FormField]:
    return [
        FormField("date", "Date paid", placeholder="27/11/2026"),
        FormField("amount", "Amount paid", placeholder="1.030.000", help=N_("5000000, 5.000.000 or Rp 5.000.000")),
        FormField(
            "prepay",
            "Early payoff",
            kind="check",
            help=N_(
                "What exceeds the installments due repays principal; paying the whole principal waives later interest"
            ),
        ),
        FormField("note", "Note"),
    ]


# ---------------------------------------------------------------------------------------------- reversal
def reversal_fields(options: list[tuple[str, Any]]) -> list[FormField]:
    return [
        FormField("repayment", "Repayment", kind="select", options=options),
        FormField("reason", "Reason", help=N_("Required: it is kept in the loan's history")),
    ]
