from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ikmtui.domain import identifiers as ids
from ikmtui.domain.ikm import Ikm, suggest_scale
from ikmtui.domain.records import RecordInvalid

digits = st.text(alphabet="0123456789", min_size=1, max_size=20)


@given(st.text(alphabet="0123456789", min_size=13, max_size=13))
def test_nib_13_digits_accepted_with_separators(nib: str) -> None:
    assert ids.clean_nib(nib) == nib
    assert ids.clean_nib(f"{nib[:4]} {nib[4:8]}-{nib[8:]}") == nib


@given(digits.filter(lambda d: len(d) != 13))
def test_nib_other_lengths_refused(text: str) -> None:
    with pytest.raises(ValueError, match="13"):
        ids.clean_nib(text)


def test_nib_from_a_spreadsheet_number() -> None:
    assert ids.clean_nib(9120000000001.0) == "9120000000001"


@given(st.integers(1, 16), st.dates(date(1940, 1, 1), date(2008, 12, 31)), st.booleans(), st.integers(1, 9999))
def test_nik_of_semarang_accepted(kec: int, born: date, female: bool, serial: int) -> None:
    nik = f"3374{kec:02d}{born.day + (40 if female else 0):02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"
    assert ids.clean_nik(nik) == nik
    assert ids.mask_nik(nik) == nik[:4] + "********" + nik[-4:]


@given(digits.filter(lambda d: len(d) != 16))
def test_nik_wrong_length_refused(text: str) -> None:
    with pytest.raises(ValueError, match="16"):
        ids.clean_nik(text)


def test_nik_with_impossible_birth_date_refused() -> None:
    with pytest.raises(ValueError, match="tidak sah"):
        ids.clean_nik("3374019913900001")  # month 13


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("081234567890", "081234567890"),
        ("+62 812-3456-7890", "081234567890"),
        ("62 812 3456 789", "08123456789"),
        ("(024) 3560 123", "0243560123"),
    ],
)
def test_phone_forms(raw: str, clean: str) -> None:
    assert ids.clean_phone(raw) == clean


@pytest.mark.parametrize("raw", ["12345", "0812", "+1 202 555 0100", "08abc12345", "", "0000000000"])
def test_phone_refused(raw: str) -> None:
    with pytest.raises(ValueError, match="081234567890"):
        ids.clean_phone(raw)


@given(st.integers(10, 33), st.integers(0, 999))
def test_kbli_manufacturing_accepted(division: int, rest: int) -> None:
    code = f"{division:02d}{rest:03d}"
    assert ids.clean_kbli(code) == code


@pytest.mark.parametrize("raw", ["47111", "01111", "1071", "107100", "abcde", "34000"])
def test_kbli_refused(raw: str) -> None:
    with pytest.raises(ValueError, match="KBLI"):
        ids.clean_kbli(raw)


def test_npwp_old_and_new_forms() -> None:
    assert ids.clean_npwp("01.312.166.0-091.000") == "013121660091000"
    with pytest.raises(ValueError, match="NPWP"):
        ids.clean_npwp("123")


def test_scale_from_investment_and_turnover() -> None:
    assert suggest_scale(500_000_000, 1_000_000_000) == "mikro"
    assert suggest_scale(2_000_000_000, 1_000_000_000) == "kecil"
    assert suggest_scale(500_000_000, 20_000_000_000) == "menengah"
    assert suggest_scale(1_000_000_000, 2_000_000_000) == "mikro"


VALID = {
    "name": "Batik Sari",
    "owner_name": "Sri Wahyuni",
    "owner_nik": "3374014101900001",
    "nib": "9120000000001",
    "address": "Jl. Pemuda 1",
    "kecamatan": "semarang  tengah",
    "kelurahan": "sekayu",
    "phone": "+62 812 3456 7890",
    "kbli": "13134",
    "product": "batik tulis",
    "scale": "Mikro",
    "workers_male": "2",
    "workers_female": 3,
    "investment": "Rp 25.000.000",
    "turnover": "120.000.000",
    "year_founded": "2015",
}


def test_ikm_record_cleans_values() -> None:
    ikm = Ikm.parse(VALID)
    assert (ikm.kecamatan, ikm.kelurahan, ikm.phone, ikm.scale) == (
        "Semarang Tengah",
        "Sekayu",
        "081234567890",
        "mikro",
    )
    assert ikm.investment == 25_000_000 and ikm.workers == 5


def test_ikm_record_names_every_bad_field() -> None:
    bad = {
        **VALID,
        "name": " ",
        "nib": "123",
        "owner_nik": "12",
        "phone": "x",
        "investment": "25 juta",
        "kelurahan": "Tembalang",
        "year_founded": str((date.today() + timedelta(days=400)).year),
    }
    with pytest.raises(RecordInvalid) as info:
        Ikm.parse(bad)
    assert set(info.value.errors) == {"name", "nib", "owner_nik", "phone", "investment", "kelurahan", "year_founded"}
    assert info.value.errors["name"] == "Isian ini wajib diisi"


def test_demo_records_are_valid(db_path) -> None:  # type: ignore[no-untyped-def]
    from ikmtui.domain.credit import CreditApplication
    from ikmtui.domain.gallery import GalleryListing
    from ikmtui.domain.ikm import Cluster
    from ikmtui.domain.training import Batch, Course, Enrollment
    from ikmtui.storage import Database

    db = Database(db_path, "t")
    for model in (Ikm, Cluster, Course, Batch, Enrollment, CreditApplication, GalleryListing):
        for doc in db.all(model.table)[:50]:
            model.parse(doc)
