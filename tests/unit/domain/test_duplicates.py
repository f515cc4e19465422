"""Possible duplicates of an IKM: same NIK, same phone, or a very similar name with the same owner or address."""

from __future__ import annotations

from typing import Any

import orjson

from ikmtui import paths
from ikmtui.domain.duplicates import (
    SAME_NIK,
    SAME_PHONE,
    SIMILAR_NAME_ADDRESS,
    SIMILAR_NAME_OWNER,
    DuplicateIndex,
    address_key,
    find_duplicates,
    same_address,
)

KNOWN: dict[str, dict[str, Any]] = {
    "1": {
        "code": "IKM-000001",
        "name": "UD Batik Sari",
        "owner_name": "Siti Aminah",
        "owner_nik": "3374014101900001",
        "phone": "081234567890",
        "address": "Jl. Gajahmada No. 94, RT 09/RW 06",
    },
    "2": {
        "code": "IKM-000002",
        "name": "Tahu Baxo Ibu Pudji",
        "owner_name": "Pudji Lestari",
        "owner_nik": "3374015505800002",
        "phone": "082111222333",
        "address": "Jl. Pandanaran No. 1",
    },
}
NEW = {"name": "Keripik Tempe Murni", "owner_name": "Budi", "address": "Jl. Sriwijaya 3", "phone": "", "owner_nik": ""}


def reasons(doc: dict[str, Any], **kwargs: Any) -> dict[str, tuple[str, ...]]:
    return {found.code: found.reasons for found in find_duplicates(doc, KNOWN.items(), **kwargs)}


def test_a_new_business_has_no_duplicate() -> None:
    assert reasons(NEW) == {}


def test_same_nik_and_same_phone_in_any_spelling() -> None:
    assert reasons({**NEW, "owner_nik": "3374 0141 0190 0001"}) == {"IKM-000001": (SAME_NIK,)}
    assert reasons({**NEW, "phone": "+62 821-1122-2333"}) == {"IKM-000002": (SAME_PHONE,)}


def test_similar_name_needs_the_same_owner_or_address() -> None:
    assert reasons({**NEW, "name": "Batik Sari"}) == {}  # a common name alone is no reason
    assert reasons({**NEW, "name": "Batik  Sari", "owner_name": "siti aminah"}) == {"IKM-000001": (SIMILAR_NAME_OWNER,)}
    assert reasons({**NEW, "name": "CV Batik Sari", "address": "Jalan Gajahmada No 94 RT 09 / RW 06"}) == {
        "IKM-000001": (SIMILAR_NAME_ADDRESS,)
    }
    assert reasons({**NEW, "name": "Tahu Bakso Ibu Pudji", "owner_name": "Pudji Lestari"}) == {
        "IKM-000002": (SIMILAR_NAME_OWNER,)
    }


def test_neighbours_are_not_the_same_address() -> None:
    assert not same_address(
        address_key("Jl. Gajahmada No. 94, RT 09/RW 06"), address_key("Jl. Gajahmada No. 95, RT 09/RW 06")
    )
    assert reasons({**NEW, "name": "Batik Sari", "address": "Jl. Gajahmada No. 95, RT 09/RW 06"}) == {}


def test_every_reason_together_and_the_edited_record_left_out() -> None:
    same = dict(KNOWN["1"])
    assert reasons(same) == {"IKM-000001": (SAME_NIK, SAME_PHONE, SIMILAR_NAME_OWNER, SIMILAR_NAME_ADDRESS)}
    assert reasons(same, exclude=1) == {}


def test_an_importer_also_finds_rows_it_added() -> None:
    index = DuplicateIndex()
    index.add(7, {"name": "Roti Enak", "owner_name": "Ani", "phone": "081300000001"})
    found = index.find({"name": "Lain", "owner_name": "Lain", "phone": "0813-0000-0001"})
    assert [(f.id, f.reasons) for f in found] == [(7, (SAME_PHONE,))]


def test_the_demo_registry_has_no_false_alarm() -> None:
    ikm = orjson.loads(paths.DEMO_DB.read_bytes())["ikm"]
    index = DuplicateIndex(ikm.items())
    assert [doc["code"] for key, doc in ikm.items() if index.find(doc, exclude=int(key))] == []
