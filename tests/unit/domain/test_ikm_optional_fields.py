"""Only what an office cannot work without is required of an IKM; the rest may be unknown (empty)."""

from __future__ import annotations

from typing import Any

import pytest

from ikmtui.domain.ikm import IKM_REQUIRED, Ikm
from ikmtui.domain.records import RecordInvalid


def _minimal(**extra: Any) -> dict[str, Any]:
    return {
        "name": "Keripik Bu Sri",
        "owner_name": "Sri Wahyuni",
        "address": "Jl. Kedungmundu Raya 12",
        "kecamatan": "Tembalang",
        "kelurahan": "Kedungmundu",
        "kbli": "10794",
        "product": "keripik tempe",
        **extra,
    }


def test_an_ikm_without_nib_nik_phone_year_or_scale_is_valid() -> None:
    record = Ikm.parse(_minimal())
    assert (record.nib, record.owner_nik, record.phone, record.year_founded, record.scale) == (None,) * 5
    doc = record.doc()
    assert doc["nib"] is None and doc["owner_nik"] is None and doc["year_founded"] is None


def test_blank_cells_are_unknown_not_errors() -> None:
    record = Ikm.parse(_minimal(nib="", owner_nik="  ", phone=None, year_founded="", scale="", npwp=""))
    assert (record.nib, record.owner_nik, record.phone, record.year_founded, record.scale, record.npwp) == (None,) * 6


@pytest.mark.parametrize("field", IKM_REQUIRED)
def test_each_required_field_is_still_required(field: str) -> None:
    with pytest.raises(RecordInvalid) as caught:
        Ikm.parse(_minimal(**{field: ""}))
    assert field in caught.value.errors


def test_required_fields_are_the_seven_an_office_needs() -> None:
    assert set(IKM_REQUIRED) == {"name", "owner_name", "address", "kecamatan", "kelurahan", "kbli", "product"}


def test_what_is_given_must_still_be_valid() -> None:
    with pytest.raises(RecordInvalid) as caught:
        Ikm.parse(_minimal(nib="123", owner_nik="12", phone="12", year_founded="1800"))
    assert set(caught.value.errors) == {"nib", "owner_nik", "phone", "year_founded"}


def test_a_blank_scale_is_suggested_from_investment_or_turnover() -> None:
    assert Ikm.parse(_minimal(investment="Rp 150.000.000")).scale == "mikro"
    assert Ikm.parse(_minimal(turnover=3_000_000_000)).scale == "kecil"
    assert Ikm.parse(_minimal(investment=6_000_000_000, scale="")).scale == "menengah"
    assert Ikm.parse(_minimal(investment=6_000_000_000, scale="kecil")).scale == "kecil"  # as the office says
    assert Ikm.parse(_minimal()).scale is None  # nothing to suggest it from
