"""Is this business already registered? Possible duplicates of an IKM among those known.

A record is a possible duplicate of another when it has the same owner NIK, the same phone number, or a very
similar name together with a similar owner name or the same address. Pure: the caller hands the records (the
registry's table, or the rows of a sheet being imported) and decides what to do with the warning.

    index = DuplicateIndex(db.docs("ikm").items())
    for found in index.find(new_record):           # [] when nothing looks the same
        found.code, found.name, found.reason_text()
    index.add(row_number, new_record)              # an importer also compares later rows with earlier ones

Names are compared with rapidfuzz after dropping legal forms ("UD", "CV", ...) and punctuation, so "UD Batik
Sari" and "Batik  Sari" are the same name. Addresses must keep the same numbers (house number, RT/RW): "No. 94"
and "No. 95" of the same street are neighbours, not the same business.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process

from ikmtui.i18n import N_, _

#: How alike two names must be (rapidfuzz token_sort_ratio, 0-100) to count as "very similar".
NAME_SIMILARITY = 85
#: How alike two owner names must be (typing slips: "Siti Aminah" / "Siti Aminach").
OWNER_SIMILARITY = 90
#: How alike two addresses must be, besides having the same numbers ("Jl." / "Jalan", commas, case).
ADDRESS_SIMILARITY = 90
#: Candidates by name looked at per record (the closest first).
NAME_CANDIDATES = 25

SAME_NIK, SAME_PHONE, SIMILAR_NAME_OWNER, SIMILAR_NAME_ADDRESS = "nik", "phone", "name_owner", "name_address"
REASONS = {
    SAME_NIK: N_("same owner NIK"),
    SAME_PHONE: N_("same phone"),
    SIMILAR_NAME_OWNER: N_("similar name, same owner"),
    SIMILAR_NAME_ADDRESS: N_("similar name, same address"),
}

_LEGAL_FORMS = frozenset({"ud", "cv", "pt", "tbk", "koperasi", "kop", "pd", "ikm", "umkm", "usaha", "toko"})
_WORD = re.compile(r"[0-9a-z]+")
_STREET = {"jalan": "jl", "jln": "jl", "gang": "gg", "nomor": "no", "nomer": "no"}


def name_key(value: object) -> str:
    """A business name as compared: lower case, words only, legal forms left out."""
    words = _WORD.findall(str(value or "").casefold())
    kept = [w for w in words if w not in _LEGAL_FORMS]
    return " ".join(kept or words)


def person_key(value: object) -> str:
    return " ".join(_WORD.findall(str(value or "").casefold()))


def address_key(value: object) -> str:
    return " ".join(_STREET.get(w, w) for w in _WORD.findall(str(value or "").casefold()))


def phone_key(value: object) -> str:
    digits = re.sub(r"\D", "", str(value or ""))
    return "0" + digits[2:] if digits.startswith("62") else digits


def nik_key(value: object) -> str:
    return re.sub(r"\D", "", str(value or ""))


def _numbers(key: str) -> list[str]:
    return [w.lstrip("0") or "0" for w in key.split() if w.isdigit()]


def same_address(a: str, b: str) -> bool:
    """Two address keys name the same place: the same numbers in the same order and nearly the same words."""
    if not a or not b:
        return False
    if a == b:
        return True
    return _numbers(a) == _numbers(b) and fuzz.token_sort_ratio(a, b) >= ADDRESS_SIMILARITY


@dataclass(frozen=True)
class Duplicate:
    """A known record that looks like the one being registered, and why."""

    id: int
    code: str
    name: str
    owner_name: str
    address: str
    reasons: tuple[str, ...]
    status: str = "active"

    def reason_text(self) -> str:
        return ", ".join(_(REASONS[r]) for r in self.reasons)


@dataclass
class _Entry:
    id: int
    doc: Mapping[str, Any]
    name: str
    owner: str
    address: str


class DuplicateIndex:
    """The known records, indexed for the checks; :meth:`find` is one pass of rapidfuzz over the names (a few
    milliseconds at 100,000 IKM) plus dictionary look-ups."""

    def __init__(self, records: Iterable[tuple[int | str, Mapping[str, Any]]] = ()) -> None:
        self.entries: list[_Entry] = []
        self.names: list[str] = []
        self.by_nik: dict[str, list[int]] = {}
        self.by_phone: dict[str, list[int]] = {}
        for record_id, doc in records:
            self.add(int(record_id), doc)

    def add(self, record_id: int, doc: Mapping[str, Any]) -> None:
        position = len(self.entries)
        entry = _Entry(
            record_id,
            doc,
            name_key(doc.get("name")),
            person_key(doc.get("owner_name")),
            address_key(doc.get("address")),
        )
        self.entries.append(entry)
        self.names.append(entry.name)
        nik, phone = nik_key(doc.get("owner_nik")), phone_key(doc.get("phone"))
        if nik:
            self.by_nik.setdefault(nik, []).append(position)
        if phone:
            self.by_phone.setdefault(phone, []).append(position)

    def find(self, doc: Mapping[str, Any], *, exclude: int | None = None, limit: int = 5) -> list[Duplicate]:
        """Known records that may be the business ``doc`` describes (``exclude``: the record being edited),
        strongest first: same NIK, then same phone, then similar names."""
        reasons: dict[int, list[str]] = {}

        def note(position: int, reason: str) -> None:
            if self.entries[position].id != exclude:
                found = reasons.setdefault(position, [])
                if reason not in found:
                    found.append(reason)

        nik, phone = nik_key(doc.get("owner_nik")), phone_key(doc.get("phone"))
        for position in self.by_nik.get(nik, []) if nik else []:
            note(position, SAME_NIK)
        for position in self.by_phone.get(phone, []) if phone else []:
            note(position, SAME_PHONE)
        name = name_key(doc.get("name"))
        if name:
            owner, address = person_key(doc.get("owner_name")), address_key(doc.get("address"))
            similar = process.extract(
                name, self.names, scorer=fuzz.token_sort_ratio, score_cutoff=NAME_SIMILARITY, limit=NAME_CANDIDATES
            )
            for _match, _score, position in similar:
                entry = self.entries[position]
                if owner and entry.owner and fuzz.token_sort_ratio(owner, entry.owner) >= OWNER_SIMILARITY:
                    note(position, SIMILAR_NAME_OWNER)
                if same_address(address, entry.address):
                    note(position, SIMILAR_NAME_ADDRESS)
        ranked = sorted(reasons.items(), key=lambda item: (min(_RANK[r] for r in item[1]), -len(item[1]), item[0]))
        return [self._duplicate(position, found) for position, found in ranked[:limit]]

    def _duplicate(self, position: int, reasons: list[str]) -> Duplicate:
        entry = self.entries[position]
        doc = entry.doc
        return Duplicate(
            id=entry.id,
            code=str(doc.get("code") or ""),
            name=str(doc.get("name") or ""),
            owner_name=str(doc.get("owner_name") or ""),
            address=str(doc.get("address") or ""),
            reasons=tuple(sorted(reasons, key=_RANK.__getitem__)),
            status=str(doc.get("status") or "active"),
        )


_RANK = {reason: rank for rank, reason in enumerate(REASONS)}


def find_duplicates(
    doc: Mapping[str, Any], records: Iterable[tuple[int | str, Mapping[str, Any]]], *, exclude: int | None = None
) -> list[Duplicate]:
    """The possible duplicates of ``doc`` among ``records`` (``(id, doc)`` pairs, e.g. ``table.items()``)."""
    return DuplicateIndex(records).find(doc, exclude=exclude)
