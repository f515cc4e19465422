"""One money parser for forms, bulk lists and import: amounts as banks and offices write them, whole rupiah only."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ikmtui.domain.money import format_number, parse_rupiah

amounts = st.integers(min_value=0, max_value=10**15)
#: Ways offices and banks write the rupiah in front of an amount, and the "no cents" tails after it.
HEADS = ("", "Rp", "Rp ", "Rp. ", "RP", "rp", "IDR ", "IDR", "idr ", " Rp  ")
TAILS = ("", ",00", ",0", ",-", ".-", ",–", ",=", " ,-", ",00 ")


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1.500.000", 1_500_000),
        ("1500000", 1_500_000),
        ("Rp 1.500.000", 1_500_000),
        ("Rp1.500.000,00", 1_500_000),
        ("1.500.000,-", 1_500_000),
        ("Rp 290.278,-", 290_278),
        ("IDR 1.500.000", 1_500_000),
        ("IDR 290.278", 290_278),
        ("290.278,00", 290_278),
        ("1 500 000", 1_500_000),
        ("Rp. 5.000", 5_000),
        (1_500_000, 1_500_000),
        (1_500_000.0, 1_500_000),
    ],
)
def test_the_forms_offices_and_banks_write(text: object, amount: int) -> None:
    assert parse_rupiah(text) == amount


@given(amounts, st.sampled_from(HEADS), st.sampled_from(TAILS), st.booleans())
def test_any_amount_written_any_of_these_ways_reads_back(n: int, head: str, tail: str, dotted: bool) -> None:
    number = format_number(n) if dotted else str(n)
    assert parse_rupiah(f"{head}{number}{tail}") == n


@given(amounts, st.sampled_from(HEADS))
def test_a_negative_amount_where_allowed(n: int, head: str) -> None:
    assert parse_rupiah(f"-{head}{format_number(n)}", allow_negative=True) == -n


@given(amounts, st.integers(min_value=1, max_value=99), st.sampled_from(HEADS))
def test_real_cents_are_a_clear_error(n: int, cents: int, head: str) -> None:
    for text in (f"{head}{format_number(n)},{cents:02d}", f"{head}{n},{cents}"):
        with pytest.raises(ValueError, match="sen"):
            parse_rupiah(text)


@pytest.mark.parametrize("value", [1.5, 2500.25])
def test_a_number_with_cents_is_refused(value: float) -> None:
    with pytest.raises(ValueError, match="sen"):
        parse_rupiah(value)


@given(amounts, st.text(alphabet=st.characters(categories=["Lu", "Ll"]), min_size=1, max_size=4))
def test_letters_after_an_amount_are_refused(n: int, letters: str) -> None:
    with pytest.raises(ValueError, match="rupiah"):
        parse_rupiah(f"{format_number(n)} {letters}")


@given(st.text(max_size=20))
def test_garbage_is_refused_or_is_an_amount(text: str) -> None:
    """Anything at all either reads as a whole number of rupiah or is refused with a message (never a crash,
    never a guess): what reads must be written with digits only, dots or spaces between thousands."""
    try:
        value = parse_rupiah(text)
    except ValueError as exc:
        assert str(exc)
        return
    assert value >= 0
    assert any(ch.isdigit() for ch in text)


@pytest.mark.parametrize(
    "text", ["1,000", "1.2345", "12.34", "Rp", "USD 100", "5 juta", "1e6", "1.500.000.00", "Rp 1.500.000,500"]
)
def test_ambiguous_or_foreign_forms_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="rupiah"):
        parse_rupiah(text)
