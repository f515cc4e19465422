"""Reference data loaded from the package's ``data/``: regions (kecamatan, kelurahan) and KBLI codes.

The region list is data, not code: another city points ``IKMTUI_REGIONS`` at its own file.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import orjson

from ikmtui import paths
from ikmtui.i18n import _


@dataclass(frozen=True)
class Kecamatan:
    code: str
    name: str
    kelurahan: tuple[str, ...]


@dataclass(frozen=True)
class Regions:
    city: str
    nik_prefix: str
    kecamatan: tuple[Kecamatan, ...]

    def names(self) -> list[str]:
        return [k.name for k in self.kecamatan]

    def find(self, name: str) -> Kecamatan | None:
        wanted = " ".join(name.split()).casefold()
        return next((k for k in self.kecamatan if k.name.casefold() == wanted), None)

    def all_kelurahan(self) -> list[str]:
        return sorted({kel for k in self.kecamatan for kel in k.kelurahan})


@cache
def regions() -> Regions:
    raw = orjson.loads(paths.REGION_FILE.read_bytes())
    return Regions(
        city=raw["city"],
        nik_prefix=raw.get("nik_prefix", ""),
        kecamatan=tuple(Kecamatan(k["code"], k["name"], tuple(k["kelurahan"])) for k in raw["kecamatan"]),
    )


@cache
def kbli_codes() -> dict[str, str]:
    """KBLI code -> description for the manufacturing codes offered in forms."""
    return {row["code"]: row["name"] for row in orjson.loads((paths.DATA_DIR / "kbli.json").read_bytes())}


def clean_kecamatan(value: object) -> str:
    """Any case or spacing of a kecamatan name of the loaded region -> its canonical name."""
    found = regions().find(str(value))
    if found is None:
        raise ValueError(_("'{value}' is not a kecamatan of {city}", value=str(value).strip(), city=regions().city))
    return found.name


def clean_kelurahan(value: object, kecamatan: str | None) -> str:
    wanted = " ".join(str(value).split()).casefold()
    region = regions().find(kecamatan) if kecamatan else None
    pool = region.kelurahan if region else tuple(regions().all_kelurahan())
    for name in pool:
        if name.casefold() == wanted:
            return name
    if region:
        raise ValueError(
            _("'{value}' is not a kelurahan of kecamatan {kec}", value=str(value).strip(), kec=region.name)
        )
    raise ValueError(_("'{value}' is not a known kelurahan", value=str(value).strip()))
