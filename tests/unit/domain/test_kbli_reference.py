"""The packaged KBLI 2020 section C list and the search the registry form offers over it."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from ikmtui import paths
from ikmtui.domain import reference
from ikmtui.domain.ikm import Ikm
from ikmtui.domain.records import RecordInvalid

#: The codes the list held before it was completed: records stored under them stay valid and named.
OLD_CODES = [
    "10130",
    "10213",
    "10219",
    "10399",
    "10710",
    "10739",
    "10750",
    "10794",
    "10799",
    "11040",
    "13121",
    "13134",
    "14111",
    "14120",
    "15121",
    "15201",
    "16220",
    "16293",
    "16299",
    "17022",
    "18111",
    "22230",
    "23939",
    "25990",
    "31001",
    "31002",
    "32120",
    "32909",
]


def _rows() -> list[dict[str, str]]:
    return json.loads((paths.DATA_DIR / "kbli.json").read_bytes())


def test_every_division_of_section_c_with_its_official_count() -> None:
    current = [r for r in _rows() if not r.get("legacy")]
    assert len(current) == 476
    assert len({r["code"] for r in current}) == 476
    per_division = Counter(r["code"][:2] for r in current)
    assert sorted(per_division) == [str(d) for d in range(10, 34)]
    assert per_division["10"] == 99 and per_division["20"] == 40 and per_division["29"] == 4
    assert all(len(r["code"]) == 5 and r["code"].isdigit() and r["name"].strip() == r["name"] for r in current)


def test_the_old_codes_stay_valid_and_named() -> None:
    codes = reference.kbli_codes()
    assert all(codes.get(code) for code in OLD_CODES)
    assert codes["32120"] == "Industri perhiasan imitasi dan barang sejenis"
    assert codes["20115"] == "Industri kimia dasar organik yang bersumber dari hasil pertanian"
    assert codes["25910"].startswith("Industri penempaan, pengepresan, pencetakan dan pembentukan logam")


def test_search_by_words_of_the_title_every_word_must_match() -> None:
    assert reference.search_kbli("kimia organik pertanian") == [("20115", reference.kbli_codes()["20115"])]
    assert [code for code, _name in reference.search_kbli("penempaan logam")] == ["25910"]
    batik = [code for code, _name in reference.search_kbli("batik")]
    assert "13134" in batik
    assert reference.search_kbli("batik kayu") == []


def test_search_ignores_case_and_accents_and_matches_word_starts() -> None:
    assert reference.search_kbli("KÉRUPUK Keripik") == reference.search_kbli("kerupuk keripik")
    assert [c for c, _n in reference.search_kbli("kerup")] == ["10794"]
    assert reference.search_kbli("upuk") == []  # the start of a word, not any part of it


def test_search_by_code_prefix_and_limit() -> None:
    found = reference.search_kbli("201", limit=50)
    assert [c for c, _n in found][:9] == [f"2011{d}" for d in range(1, 10)]
    assert all(code.startswith("201") for code, _n in found)
    assert [c for c, _n in found] == sorted(c for c in reference.kbli_codes() if c.startswith("201"))
    assert len(reference.search_kbli("10", limit=5)) == 5
    assert reference.search_kbli("2011 organik pertanian")[0][0] == "20115"
    assert reference.search_kbli("99") == []


def test_codes_of_the_older_list_are_not_offered_for_new_records() -> None:
    assert reference.search_kbli("16220") == []
    assert [c for c, _n in reference.search_kbli("16221")] == ["16221"]


def test_an_ikm_takes_only_a_code_of_the_list() -> None:
    base = {
        "name": "Usaha",
        "owner_name": "Pemilik",
        "address": "Jl. A 1",
        "kecamatan": "Tugu",
        "kelurahan": "Jerakah",
        "product": "barang",
    }
    assert Ikm.parse({**base, "kbli": "20115"}).kbli == "20115"  # not in the old list of 28
    assert Ikm.parse({**base, "kbli": "16220"}).kbli == "16220"  # an old code stored records may hold
    with pytest.raises(RecordInvalid) as caught:
        Ikm.parse({**base, "kbli": "10999"})  # five digits of section C, but no such code
    assert "10999" in caught.value.errors["kbli"]
