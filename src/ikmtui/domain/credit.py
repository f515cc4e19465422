"""Credit: products (as data), applications through their lifecycle, and repayments."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, BeforeValidator

from ikmtui.domain.fields import Count, Day, OptionalDay, OptionalText, Percent, RequiredText, Rupiah, parse_choice
from ikmtui.domain.records import Record

METHODS = ("flat", "annuity", "equal-principal")
STATES = ("draft", "submitted", "verified", "approved", "rejected", "withdrawn", "disbursed", "closed",
          "written_off")
DOCUMENTS = ("KTP", "KK", "NIB/IUMK")
BANKS = ("PD BPR Bank Pasar Kota Semarang", "Bank Jateng", "BRI")


class CreditProduct(BaseModel):
    code: str
    name: str
    max_without_collateral: int
    max_with_collateral: int
    annual_rate: float
    method: str
    rounding: int = 1
    max_tenor_months: int = 36


PRODUCTS: dict[str, CreditProduct] = {
    "WIBAWA": CreditProduct(code="WIBAWA", name="Kredit Wibawa", max_without_collateral=5_000_000,
                            max_with_collateral=50_000_000, annual_rate=3.0, method="flat", rounding=1,
                            max_tenor_months=36),
}
DEFAULT_PRODUCT = "WIBAWA"


class CreditApplication(Record):
    table: ClassVar[str] = "credit_applications"
    code_prefix: ClassVar[str] = "KRD"
    code_per_year: ClassVar[bool] = True

    ikm_id: int
    product: str = DEFAULT_PRODUCT
    amount_requested: Rupiah
    amount_approved: Rupiah | None = None
    tenor_months: Count
    annual_rate: Percent = 3.0
    interest_method: Annotated[str, BeforeValidator(parse_choice(METHODS))] = "flat"
    purpose: RequiredText
    collateral: OptionalText = ""
    documents: list[str] = []
    bank: RequiredText = BANKS[0]
    state: Annotated[str, BeforeValidator(parse_choice(STATES))] = "draft"
    #: Every transition: ``{"state", "date", "by", "note"}``.
    history: list[dict[str, Any]] = []
    submitted_by: str = ""
    disbursed_on: OptionalDay = None
    #: Stored at disbursement so later product changes do not rewrite history.
    schedule: list[dict[str, Any]] = []


class Repayment(Record):
    table: ClassVar[str] = "repayments"
    code_prefix: ClassVar[str] = "ANS"

    application_id: int
    date: Day
    amount: Rupiah
    principal: int = 0
    interest: int = 0
    note: OptionalText = ""
