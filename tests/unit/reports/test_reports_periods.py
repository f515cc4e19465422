"""Report periods: what --period accepts, what it refuses, and how periods step and cut."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ikmtui import i18n
from ikmtui.reports.period import Period, months_between, parse_period, today


@pytest.mark.parametrize(
    ("text", "key", "start", "end"),
    [
        ("2026-11", "2026-11", date(2026, 11, 1), date(2026, 11, 30)),
        ("11/2026", "2026-11", date(2026, 11, 1), date(2026, 11, 30)),
        ("2024-02", "2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2026-Q4", "2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
        ("2026q1", "2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
        ("Q2-2026", "2026-Q2", date(2026, 4, 1), date(2026, 6, 30)),
        ("2026", "2026", date(2026, 1, 1), date(2026, 12, 31)),
        (" all ", "all", None, None),
        ("", "all", None, None),
    ],
)
def test_accepted_periods(text: str, key: str, start: date | None, end: date | None) -> None:
    period = parse_period(text, date(2026, 11, 27))
    assert (period.key, period.start, period.end) == (key, start, end)
    assert parse_period(period.key) == period


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026-Q5", "26", "November", "2026-11-27", "abc", "Q0-2026"])
def test_refused_periods_say_what_to_write(text: str) -> None:
    with pytest.raises(ValueError, match="bukan periode") as caught:
        parse_period(text)
    assert "2026-Q4" in str(caught.value)
    i18n.set_language("en")
    with pytest.raises(ValueError, match="is not a period"):
        parse_period(text)


def test_labels_in_both_languages() -> None:
    assert Period.month(2026, 11).label == "November 2026"
    assert Period.quarter(2026, 4).label == "Triwulan IV 2026"
    assert Period.all_time().label == "Sepanjang waktu"
    i18n.set_language("en")
    assert Period.quarter(2026, 4).label == "Quarter IV 2026"
    assert Period.year(2026).label == "Year 2026"


def test_as_of_is_the_end_or_today_whichever_first() -> None:
    november = Period.month(2026, 11)
    assert november.as_of(date(2026, 11, 27)) == date(2026, 11, 27)
    assert november.as_of(date(2027, 1, 5)) == date(2026, 11, 30)
    assert november.bounds(date(2026, 11, 27)) == ("2026-11-01", "2026-11-27")
    assert Period.all_time().bounds(date(2026, 11, 27)) == ("", "2026-11-27")
    first, last = Period.month(2027, 1).bounds(date(2026, 11, 27))  # not begun: nothing can fall inside
    assert first > last


def test_today_can_be_pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IKMTUI_TODAY", "2026-11-01")
    assert today() == date(2026, 11, 1)
    monkeypatch.setenv("IKMTUI_TODAY", "kemarin")
    with pytest.raises(ValueError, match="IKMTUI_TODAY"):
        today()


kinds = st.sampled_from(["month", "quarter", "year"])
days = st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 12, 31))


@given(kinds, days, st.integers(-40, 40))
def test_shifting_there_and_back_is_the_same_period(kind: str, day: date, steps: int) -> None:
    period = Period.current(kind, day)
    assert period.start is not None and period.end is not None
    assert period.start <= day <= period.end
    assert period.shift(steps).shift(-steps) == period
    following = period.shift(1)
    assert following.start == period.end + timedelta(days=1)  # periods tile the calendar: no gap, no overlap


@given(days, days)
def test_months_between_counts_every_month_once(a: date, b: date) -> None:
    first, last = min(a, b), max(a, b)
    months = months_between(first, last)
    assert months[0] == (first.year, first.month) and months[-1] == (last.year, last.month)
    assert len(months) == (last.year - first.year) * 12 + last.month - first.month + 1
