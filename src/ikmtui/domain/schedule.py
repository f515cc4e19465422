"""Repayment schedules for flat, annuity and equal-principal loans, exact to the rupiah.

Arithmetic is done in fractions and rounded half up once per figure; the last installment absorbs what
rounding left over, so principal always sums exactly to the amount lent. No installment has negative principal or
interest: a flat installment's interest is rounded down and the fraction left over counts as principal.
"""

from __future__ import annotations

import calendar
from dataclasses import asdict, dataclass
from datetime import date
from fractions import Fraction

from ikmtui.i18n import _

METHODS = ("flat", "annuity", "equal-principal")
#: Longest tenor any schedule is computed for (50 years): guards against typing 3600 for 36.
MAX_MONTHS = 600
#: Highest annual rate (percent) accepted.
MAX_RATE = 100


@dataclass(frozen=True)
class Installment:
    no: int
    due: date
    principal: int
    interest: int
    total: int
    balance: int

    def as_dict(self) -> dict[str, object]:
        row = asdict(self)
        row["due"] = self.due.isoformat()
        return row


def add_months(start: date, months: int) -> date:
    """Same day ``months`` later, clamped to the end of a shorter month (31 Jan + 1 month = 28/29 Feb)."""
    month0 = start.month - 1 + months
    year, month = start.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def round_half_up(value: Fraction) -> int:
    return int((value * 2 + 1) // 2) if value >= 0 else -round_half_up(-value)


def round_to(value: Fraction, multiple: int) -> int:
    """Round to the nearest ``multiple`` rupiah (1 = whole rupiah)."""
    return round_half_up(value / multiple) * multiple


def monthly_rate(annual_rate_pct: float | Fraction) -> Fraction:
    """r = annual rate / 12 / 100."""
    rate = annual_rate_pct if isinstance(annual_rate_pct, Fraction) else Fraction(str(annual_rate_pct))
    return rate / 1200


def annuity_payment(amount: int, months: int, annual_rate_pct: float) -> Fraction:
    """The textbook equal installment P*r*(1+r)^n / ((1+r)^n - 1), unrounded."""
    r = monthly_rate(annual_rate_pct)
    if r == 0:
        return Fraction(amount, months)
    growth = (1 + r) ** months
    return amount * r * growth / (growth - 1)


def check_terms(amount: int, months: int, annual_rate_pct: float, method: str, rounding: int) -> None:
    if amount <= 0:
        raise ValueError(_("The amount must be more than zero"))
    if months <= 0:
        raise ValueError(_("The tenor must be at least 1 month"))
    if months > MAX_MONTHS:
        raise ValueError(_("The tenor cannot be more than {max} months", max=MAX_MONTHS))
    if annual_rate_pct < 0:
        raise ValueError(_("The interest rate cannot be negative"))
    if annual_rate_pct > MAX_RATE:
        raise ValueError(_("The interest rate cannot be more than {max}% a year", max=MAX_RATE))
    if method not in METHODS:
        raise ValueError(_("Interest method must be one of: {options}", options=", ".join(METHODS)))
    if rounding < 1:
        raise ValueError(_("Rounding must be a whole number of rupiah, at least 1"))


def schedule(
    amount: int,
    months: int,
    annual_rate_pct: float,
    method: str = "flat",
    *,
    start: date,
    rounding: int = 1,
) -> list[Installment]:
    """The installments of a loan of ``amount`` disbursed on ``start``; the first falls due a month later."""
    check_terms(amount, months, annual_rate_pct, method, rounding)
    r = monthly_rate(annual_rate_pct)
    rows: list[Installment] = []
    balance = amount
    if method == "flat":
        total_interest = round_half_up(amount * r * months)
        # Rounded down: rounded half up, (n - 1) installments could take more than the total interest and leave the
        # last one negative (Rp 1.000 over 36 months: 35 x 3 > 90). The fraction left over is paid as principal.
        interest_each = total_interest // months
        total_each = round_to(Fraction(amount, months) + Fraction(total_interest, months), rounding)
    elif method == "annuity":
        total_each = round_to(annuity_payment(amount, months, annual_rate_pct), rounding)
    else:
        principal_each = round_to(Fraction(amount, months), rounding)
    interest_paid = 0
    for no in range(1, months + 1):
        last = no == months
        if method == "flat":
            interest = total_interest - interest_paid if last else interest_each
            principal = balance if last else max(0, min(balance, total_each - interest))
        else:
            interest = round_half_up(balance * r)
            if method == "annuity":
                principal = balance if last else max(0, min(balance, total_each - interest))
            else:
                principal = balance if last else min(balance, principal_each)
        balance -= principal
        interest_paid += interest
        due = add_months(start, no)
        rows.append(Installment(no, due, principal, interest, principal + interest, balance))
    return rows


def totals(rows: list[Installment]) -> dict[str, int]:
    """Sums of principal, interest and total over the installments."""
    return {
        "principal": sum(r.principal for r in rows),
        "interest": sum(r.interest for r in rows),
        "total": sum(r.total for r in rows),
    }
