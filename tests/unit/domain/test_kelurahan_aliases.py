"""Kelurahan spellings in use beside Kemendagri's: both accepted, the canonical one stored."""

from __future__ import annotations

import json

import pytest

from ikmtui import paths
from ikmtui.domain import reference
from ikmtui.domain.ikm import Ikm

SPELLINGS = [
    ("Pindrikan Kidul", "Semarang Tengah", "Pendrikan Kidul"),
    ("Pindrikan Lor", "Semarang Tengah", "Pendrikan Lor"),
    ("Bringin", "Ngaliyan", "Beringin"),
    ("Kedungpani", "Mijen", "Kedungpane"),
    ("Wonotinggal", "Candisari", "Wonotingal"),
    ("Sumurrejo", "Gunungpati", "Sumurejo"),
    ("Pungangan", "Gunungpati", "Pongangan"),
    ("Jrakah", "Tugu", "Jerakah"),
    ("Mugasari", "Semarang Selatan", "Mugassari"),
]


def test_the_nine_other_spellings_are_data_beside_the_region() -> None:
    raw = json.loads(paths.REGION_FILE.read_bytes())
    aliases = {
        alias: (k["name"], canon) for k in raw["kecamatan"] for canon, spellings in k.get("aliases", {}).items()
        for alias in spellings
    }  # fmt: skip
    assert aliases == {alias: (kec, canon) for alias, kec, canon in SPELLINGS}
    for kec, canon in aliases.values():
        assert canon in reference.regions().find(kec).kelurahan  # type: ignore[union-attr]


@pytest.mark.parametrize(("alias", "kecamatan", "canonical"), SPELLINGS)
def test_either_spelling_is_accepted_and_the_canonical_one_stored(alias: str, kecamatan: str, canonical: str) -> None:
    assert reference.clean_kelurahan(alias, kecamatan) == canonical
    assert reference.clean_kelurahan(alias.upper(), kecamatan) == canonical
    assert reference.clean_kelurahan(canonical, kecamatan) == canonical
    assert reference.clean_kelurahan(alias, None) == canonical
    record = Ikm.parse(
        {
            "name": "Usaha",
            "owner_name": "Pemilik",
            "address": "Jl. Contoh 1",
            "kecamatan": kecamatan,
            "kelurahan": alias,
            "kbli": "10794",
            "product": "keripik",
        }
    )
    assert record.kelurahan == canonical


def test_spaces_and_case_do_not_matter_in_place_names() -> None:
    assert reference.clean_kelurahan("tanjungmas", "Semarang Utara") == "Tanjung Mas"
    assert reference.clean_kelurahan("Plamongansari", "pedurungan") == "Plamongan Sari"
    assert reference.clean_kecamatan("Gajah Mungkur") == "Gajahmungkur"
    assert reference.clean_kecamatan("GUNUNG PATI") == "Gunungpati"


def test_an_alias_is_still_bound_to_its_kecamatan() -> None:
    with pytest.raises(ValueError, match="Tugu"):
        reference.clean_kelurahan("Bringin", "Tugu")
    with pytest.raises(ValueError):
        reference.clean_kecamatan("")
