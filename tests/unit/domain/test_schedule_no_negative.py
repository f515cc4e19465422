"""Flat schedules never give an installment negative interest: the rounding remainder is paid as principal."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from ikmtui.domain.schedule import METHODS, schedule, totals

START = date(2026, 1, 10)


def test_a_small_flat_loan_over_36_months_has_no_negative_interest() -> None:
    # Rp 1.000 at 3% flat over 36 months: Rp 90 interest. Rounded half up, 2.5 became 3 a month and the last
    # installment was left with -15.
    rows = schedule(1_000, 36, 3, "flat", start=START)
    assert all(r.interest >= 0 and r.principal >= 0 for r in rows)
    assert totals(rows) == {"principal": 1_000, "interest": 90, "total": 1_090}
    assert [r.interest for r in rows[:-1]] == [2] * 35
    assert rows[-1].interest == 20
    assert len({r.total for r in rows[:-1]}) == 1  # equal installments, as before


@settings(max_examples=500, deadline=None)
@given(
    amount=st.integers(min_value=1, max_value=2_000_000_000),
    months=st.integers(min_value=1, max_value=600),
    rate=st.integers(min_value=0, max_value=400).map(lambda quarter: quarter / 4),
    method=st.sampled_from(METHODS),
    rounding=st.sampled_from((1, 10, 100, 1000)),
)
def test_no_installment_is_negative_and_they_sum_to_the_totals(
    amount: int, months: int, rate: float, method: str, rounding: int
) -> None:
    rows = schedule(amount, months, rate, method, start=START, rounding=rounding)
    negative = [r for r in rows if r.interest < 0 or r.principal < 0]
    assert not negative
    assert all(r.total == r.principal + r.interest for r in rows)
    sums = totals(rows)
    assert sums["principal"] == amount
    assert sums["interest"] == sum(r.interest for r in rows)
    assert sums["total"] == sums["principal"] + sums["interest"]
    assert rows[-1].balance == 0
