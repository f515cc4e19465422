from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ikmtui.domain.money import format_number, format_rupiah, parse_rupiah

amounts = st.integers(min_value=0, max_value=10**15)


@given(amounts)
def test_plain_digits_parse(n: int) -> None:
    assert parse_rupiah(str(n)) == n


@given(amounts)
def test_dotted_and_rp_forms_round_trip(n: int) -> None:
    dotted = format_number(n)
    assert parse_rupiah(dotted) == n
    assert parse_rupiah(format_rupiah(n)) == n
    assert parse_rupiah(f"Rp{dotted}") == n
    assert parse_rupiah(f"  rp. {dotted} ") == n


@given(st.integers(min_value=1, max_value=10**12))
def test_negative_refused_unless_allowed(n: int) -> None:
    with pytest.raises(ValueError, match="negatif"):
        parse_rupiah(f"-{n}")
    assert parse_rupiah(f"-{n}", allow_negative=True) == -n


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "1,234,567",
        "1.234,50",
        "12.34",
        "1.2345.678",
        "Rp",
        "5 juta",
        "USD 100",
        "1e6",
        "١٢٣",
    ],
)
def test_anything_else_is_a_clear_error(text: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_rupiah(text)
    assert "rupiah" in str(info.value).lower()


@given(st.text(max_size=12))
def test_parse_never_crashes_with_something_else(text: str) -> None:
    try:
        value = parse_rupiah(text)
    except ValueError:
        return
    assert isinstance(value, int) and value >= 0


def test_format() -> None:
    assert format_rupiah(1234567) == "Rp 1.234.567"
    assert format_rupiah(0) == "Rp 0"
    assert format_rupiah(-5000) == "-Rp 5.000"
