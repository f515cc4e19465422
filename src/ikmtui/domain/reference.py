"""Reference data loaded from the package's ``data/``: regions (kecamatan, kelurahan) and KBLI codes.

The region list is data, not code: another city points ``IKMTUI_REGIONS`` at its own file.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache

import orjson

from ikmtui import paths
from ikmtui.i18n import _


@lru_cache(maxsize=4096)
def place_key(name: str) -> str:
    """How a place name is compared: case, accents, spaces and punctuation do not matter (``Tanjung Mas`` is
    ``Tanjungmas``, ``Gajah Mungkur`` is ``Gajahmungkur``)."""
    return "".join(ch for ch in _folded(name) if ch.isalnum())


@dataclass(frozen=True)
class Kecamatan:
    code: str
    name: str
    kelurahan: tuple[str, ...]
    #: Other spellings of a kelurahan in use (``Pindrikan Kidul`` for ``Pendrikan Kidul``): (alias, canonical).
    aliases: tuple[tuple[str, str], ...] = ()

    @cached_property
    def _by_key(self) -> dict[str, str]:
        names = {place_key(alias): canon for alias, canon in self.aliases}
        names.update((place_key(kel), kel) for kel in self.kelurahan)
        return names

    def find_kelurahan(self, name: object) -> str | None:
        """The canonical name of kelurahan ``name`` (written any way, or by an alias), or None."""
        return self._by_key.get(place_key(str(name)))


@dataclass(frozen=True)
class Regions:
    city: str
    nik_prefix: str
    kecamatan: tuple[Kecamatan, ...]

    def names(self) -> list[str]:
        return [k.name for k in self.kecamatan]

    def find(self, name: str) -> Kecamatan | None:
        wanted = place_key(str(name))
        return next((k for k in self.kecamatan if place_key(k.name) == wanted), None) if wanted else None

    def all_kelurahan(self) -> list[str]:
        return sorted({kel for k in self.kecamatan for kel in k.kelurahan})


@cache
def regions() -> Regions:
    raw = orjson.loads(paths.REGION_FILE.read_bytes())
    return Regions(
        city=raw["city"],
        nik_prefix=raw.get("nik_prefix", ""),
        kecamatan=tuple(
            Kecamatan(
                k["code"],
                k["name"],
                tuple(k["kelurahan"]),
                tuple((alias, canon) for canon, spellings in k.get("aliases", {}).items() for alias in spellings),
            )
            for k in raw["kecamatan"]
        ),
    )


@cache
def _kbli_rows() -> tuple[dict[str, str], ...]:
    return tuple(orjson.loads((paths.DATA_DIR / "kbli.json").read_bytes()))


@cache
def kbli_codes() -> dict[str, str]:
    """KBLI code -> official title: every code of KBLI 2020 section C (divisions 10-33), and the two codes of an
    older list that stored records may still hold (see data/README.md)."""
    return {row["code"]: row["name"] for row in _kbli_rows()}


def _folded(text: str) -> str:
    """Case and accents do not matter: ``Kerajinan``, ``kerajinan`` and ``kérajinan`` are one."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)).casefold()


@cache
def _kbli_index() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(code, title, words of the title) of the codes offered for new records (not the older list's)."""
    return tuple(
        (row["code"], row["name"], tuple(re.findall(r"\w+", _folded(row["name"]))))
        for row in _kbli_rows()
        if not row.get("legacy")
    )


def search_kbli(text: str, limit: int = 20) -> list[tuple[str, str]]:
    """KBLI codes whose code starts with the digits typed and whose title has every word typed (each as the
    start of a word of the title, whatever the case or accents): ``kimia organik``, ``201``, ``20115``,
    ``kerajinan kayu``. (code, title) pairs in code order, at most ``limit``; nothing typed gives the first."""
    terms = re.findall(r"\w+", _folded(text))
    prefixes = [t for t in terms if t.isdigit()]
    words = [t for t in terms if not t.isdigit()]
    found: list[tuple[str, str]] = []
    for code, name, title_words in _kbli_index():
        if all(code.startswith(p) for p in prefixes) and all(
            any(w.startswith(word) for w in title_words) for word in words
        ):
            found.append((code, name))
            if len(found) >= limit:
                break
    return found


def clean_kecamatan(value: object) -> str:
    """Any case or spacing of a kecamatan name of the loaded region -> its canonical name."""
    found = regions().find(str(value))
    if found is None:
        raise ValueError(_("'{value}' is not a kecamatan of {city}", value=str(value).strip(), city=regions().city))
    return found.name


def clean_kelurahan(value: object, kecamatan: str | None) -> str:
    """Kelurahan ``value`` of ``kecamatan`` (of any kecamatan when that is unknown) by its canonical name: any case
    or spacing, or another spelling in use (the region file's ``aliases``: ``Pindrikan Kidul`` is stored as
    ``Pendrikan Kidul``)."""
    region = regions().find(kecamatan) if kecamatan else None
    for place in (region,) if region else regions().kecamatan:
        found = place.find_kelurahan(value)
        if found:
            return found
    if region:
        raise ValueError(
            _("'{value}' is not a kelurahan of kecamatan {kec}", value=str(value).strip(), kec=region.name)
        )
    raise ValueError(_("'{value}' is not a known kelurahan", value=str(value).strip()))
