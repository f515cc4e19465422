"""Dates as offices write them: Indonesian and English month names, short years, a spreadsheet's own dates."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ikmtui.domain.fields import parse_date

ID_MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
             "November", "Desember")  # fmt: skip
EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")  # fmt: skip
ID_SHORT = ("Jan", "Peb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agt", "Sep", "Okt", "Nop", "Des")
days = st.dates(min_value=date(1950, 1, 1), max_value=date(2040, 12, 31))


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("17 Agustus 2026", date(2026, 8, 17)),
        ("17 Agt 2026", date(2026, 8, 17)),
        ("17 agt. 2026", date(2026, 8, 17)),
        ("17 Nop 2026", date(2026, 11, 17)),
        ("17 Peb 2026", date(2026, 2, 17)),
        ("17 Pebruari 2026", date(2026, 2, 17)),
        ("17-08-2026", date(2026, 8, 17)),
        ("17/8/26", date(2026, 8, 17)),
        ("17.08.2026", date(2026, 8, 17)),
        ("2026-08-17", date(2026, 8, 17)),
        ("2026-08-17 00:00:00", date(2026, 8, 17)),
        ("17 August 2026", date(2026, 8, 17)),
        ("Aug 17, 2026", date(2026, 8, 17)),
        ("17-Aug-26", date(2026, 8, 17)),
        ("Senin, 17 Agustus 2026", date(2026, 8, 17)),
        ("17/8/85", date(1985, 8, 17)),
        (datetime(2026, 8, 17, 0, 0), date(2026, 8, 17)),  # a spreadsheet's date cell
        (date(2026, 8, 17), date(2026, 8, 17)),
    ],
)
def test_dates_as_offices_write_them(text: object, day: date) -> None:
    assert parse_date(text) == day


@given(days, st.sampled_from(("id", "en", "short")), st.sampled_from(("{d} {m} {y}", "{d}-{m}-{y}", "{d} {m}. {y}")))
def test_any_day_with_a_month_name_reads_back(day: date, names: str, layout: str) -> None:
    month = {"id": ID_MONTHS, "en": EN_MONTHS, "short": ID_SHORT}[names][day.month - 1]
    if layout == "{d} {m}. {y}" and names != "short":
        layout = "{d} {m} {y}"
    text = layout.format(d=day.day, m=month, y=day.year)
    assert parse_date(text) == day
    assert parse_date(text.upper()) == day


@given(days, st.sampled_from("/-."), st.booleans())
def test_any_day_in_numbers_reads_back(day: date, sep: str, padded: bool) -> None:
    d, m = (f"{day.day:02d}", f"{day.month:02d}") if padded else (str(day.day), str(day.month))
    assert parse_date(f"{d}{sep}{m}{sep}{day.year}") == day
    assert parse_date(day.isoformat()) == day


@pytest.mark.parametrize(
    "text", ["31/02/2026", "17 Foo 2026", "2026", "17/8", "32/1/2026", "Agustus 2026", "tomorrow", "8/17/2026"]
)
def test_what_is_not_a_day_is_refused_clearly(text: str) -> None:
    with pytest.raises(ValueError, match="bukan tanggal"):
        parse_date(text)


@pytest.mark.parametrize("text", ["2026-12-04T06:24:46+00:00", "2026-12-04 13:27:00+07:00", "2026-12-04T06:24:46Z"])
def test_a_stored_timestamp_is_its_day(text: str) -> None:
    assert parse_date(text) == date(2026, 12, 4)
