"""Loan schedules: exact to the rupiah for every method, checked against the textbook formulas."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ikmtui.domain.schedule import METHODS, add_months, annuity_payment, monthly_rate, schedule, totals

amounts = st.integers(min_value=100_000, max_value=500_000_000)
tenors = st.integers(min_value=1, max_value=60)
#: 0 to 24 % a year, in steps of 0.25 (and so also every whole percentage).
rates = st.integers(min_value=0, max_value=96).map(lambda quarter: quarter / 4)
methods = st.sampled_from(METHODS)
starts = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
roundings = st.sampled_from((1, 10, 100, 500, 1000))


@settings(max_examples=400, deadline=None)
@given(amount=amounts, months=tenors, rate=rates, method=methods, start=starts, rounding=roundings)
def test_principal_sums_to_amount_and_balance_runs_down_to_zero(
    amount: int, months: int, rate: float, method: str, start: date, rounding: int
) -> None:
    rows = schedule(amount, months, rate, method, start=start, rounding=rounding)
    assert len(rows) == months
    assert sum(r.principal for r in rows) == amount
    assert rows[-1].balance == 0
    balance = amount
    for no, row in enumerate(rows, 1):
        assert row.no == no
        assert row.due == add_months(start, no)
        assert row.principal >= 0 and row.interest >= 0
        assert row.total == row.principal + row.interest
        balance -= row.principal
        assert row.balance == balance
        assert isinstance(row.principal, int) and isinstance(row.interest, int)
    sums = totals(rows)
    assert sums["principal"] == amount
    assert sums["total"] == sums["principal"] + sums["interest"]


@settings(max_examples=400, deadline=None)
@given(amount=amounts, months=tenors, rate=rates, method=methods, start=starts, rounding=roundings)
def test_last_installment_absorbs_the_rounding(
    amount: int, months: int, rate: float, method: str, start: date, rounding: int
) -> None:
    rows = schedule(amount, months, rate, method, start=start, rounding=rounding)
    earlier = rows[:-1]
    assert rows[-1].principal == amount - sum(r.principal for r in earlier)
    if method == "flat":
        total_interest = amount * monthly_rate(rate) * months
        assert abs(sum(r.interest for r in rows) - total_interest) <= Fraction(1, 2)
    # every installment but the last is a multiple of the rounding (flat, annuity) or has a rounded principal
    for row in earlier:
        if method in ("flat", "annuity") and row.balance > 0:
            assert row.total % rounding == 0
        elif method == "equal-principal" and row.balance > 0:
            assert row.principal % rounding == 0


@settings(max_examples=500, deadline=None)
@given(amount=amounts, months=tenors, rate=rates, method=methods, start=starts)
def test_each_installment_agrees_with_the_textbook_formula(
    amount: int, months: int, rate: float, method: str, start: date
) -> None:
    rows = schedule(amount, months, rate, method, start=start)
    r = monthly_rate(rate)
    p = Fraction(amount)
    outstanding = amount
    for row in rows[:-1]:
        if method == "flat":
            expected = p / months + p * r * months / months
        elif method == "annuity":
            expected = p * r * (1 + r) ** months / ((1 + r) ** months - 1) if r else p / months
            assert expected == annuity_payment(amount, months, rate)
        else:
            expected = p / months + outstanding * r
        assert abs(row.total - expected) <= 1, (row, float(expected))
        if method != "flat":
            assert abs(row.interest - outstanding * r) <= Fraction(1, 2)
        outstanding -= row.principal


@settings(max_examples=200, deadline=None)
@given(amount=amounts, months=st.integers(min_value=2, max_value=60), rate=rates, start=starts)
def test_flat_installments_are_equal_but_the_last(amount: int, months: int, rate: float, start: date) -> None:
    rows = schedule(amount, months, rate, "flat", start=start)
    assert len({r.total for r in rows[:-1]}) == 1
    assert len({r.interest for r in rows[:-1]}) == 1
    assert abs(rows[-1].total - rows[0].total) <= months


def test_worked_check_flat() -> None:
    rows = schedule(50_000_000, 36, 3, "flat", start=date(2026, 1, 15))
    assert all(r.total == 1_513_889 for r in rows[:-1])
    assert all(r.principal == 1_388_889 and r.interest == 125_000 for r in rows[:-1])
    assert rows[-1].total == 1_513_885
    sums = totals(rows)
    assert sums == {"principal": 50_000_000, "interest": 4_500_000, "total": 54_500_000}


def test_worked_check_annuity() -> None:
    rows = schedule(50_000_000, 36, 3, "annuity", start=date(2026, 1, 15))
    assert all(r.total == 1_454_060 for r in rows[:-1])
    assert rows[0].interest == 125_000
    interest = totals(rows)["interest"]
    assert abs(interest - 2_350_000) < 10_000


def test_equal_principal_interest_declines() -> None:
    rows = schedule(12_000_000, 12, 12, "equal-principal", start=date(2026, 1, 15))
    assert [r.principal for r in rows] == [1_000_000] * 12
    assert [r.interest for r in rows] == [120_000 - 10_000 * k for k in range(12)]


def test_zero_rate_is_principal_only() -> None:
    for method in METHODS:
        rows = schedule(1_000_000, 3, 0, method, start=date(2026, 1, 15))
        assert [r.total for r in rows] == [333_333, 333_333, 333_334]
        assert totals(rows)["interest"] == 0


def test_due_dates_clamp_to_month_end() -> None:
    rows = schedule(3_000_000, 3, 3, "flat", start=date(2026, 1, 31))
    assert [r.due for r in rows] == [date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]


@pytest.mark.parametrize(
    ("amount", "months", "rate", "method", "rounding"),
    [
        (0, 12, 3, "flat", 1),
        (-5, 12, 3, "flat", 1),
        (1_000_000, 0, 3, "flat", 1),
        (1_000_000, 601, 3, "flat", 1),
        (1_000_000, 12, -1, "flat", 1),
        (1_000_000, 12, 101, "flat", 1),
        (1_000_000, 12, 3, "balloon", 1),
        (1_000_000, 12, 3, "flat", 0),
    ],
)
def test_bad_terms_are_refused(amount: int, months: int, rate: float, method: str, rounding: int) -> None:
    with pytest.raises(ValueError):
        schedule(amount, months, rate, method, start=date(2026, 1, 1), rounding=rounding)
