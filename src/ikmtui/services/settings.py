"""Office settings: one record per key in the ``settings`` table, changed by an administrator, audited.

Each setting is declared in :data:`DEFAULTS` with its default; reading a key nobody has set gives the default,
so an office that never opened the settings works as before.

The office's letterhead (name, unit, address, city, phone, e-mail, logo), the unit code in certificate numbers
and the signatory of each document (name, NIP, title) are settings too: every document reads them when it is made,
so a change shows on the next document printed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from ikmtui.domain import permissions
from ikmtui.domain.records import RecordInvalid
from ikmtui.i18n import N_, _
from ikmtui.storage import Database

TABLE = "settings"

#: Documents with a signatory of their own (the key part of ``signatory.<document>.<field>``) -> English name.
SIGNED_DOCUMENTS: dict[str, str] = {
    "attendance": N_("attendance sheet"),
    "certificates": N_("certificates"),
    "consignment": N_("consignment statement"),
    "loan_card": N_("repayment card"),
    "reminder": N_("warning letters"),
    "profile": N_("IKM profile"),
    "report": N_("reports and recaps"),
}
#: The title each document's signatory has until the office names one.
_SIGNATORY_TITLES = {
    "attendance": "Kepala Bidang Pengembangan IKM",
    "certificates": "Kepala Dinas Perindustrian",
    "consignment": "Pengelola Semarang Kreatif Galeri",
    "loan_card": "Kepala Bidang Pengembangan IKM",
    "reminder": "Kepala Bidang Pengembangan IKM",
    "profile": "Kepala Bidang Pengembangan IKM",
    "report": "Kepala Dinas Perindustrian",
}
SIGNATORY_FIELDS = ("name", "nip", "title")
#: The key of the unit code in certificate numbers (``001/PLT-KMS/<unit>/XI/2026``).
CERTIFICATE_UNIT = "certificate.unit"
LOGO = "office.logo"

#: Key -> default value. A key not listed here is refused (a typo must not become a silent new setting).
DEFAULTS: dict[str, Any] = {
    # Maker-checker for credit: whoever created, submitted or verified may not approve; the approver may not
    # disburse alone.
    "credit.maker_checker": True,
    "office.name": "Dinas Perindustrian Kota Semarang",
    "office.unit": "Bidang Pengembangan Industri Kecil dan Menengah",
    "office.address": "",
    "office.city": "Semarang",
    "office.phone": "",
    "office.email": "",
    # The name of a picture in the database's media folder (copied in by set_logo), "" for none.
    LOGO: "",
    CERTIFICATE_UNIT: "DISPERIN",
    **{
        f"signatory.{doc}.{field}": _SIGNATORY_TITLES[doc] if field == "title" else ""
        for doc in SIGNED_DOCUMENTS
        for field in SIGNATORY_FIELDS
    },
}
#: Key -> English label, for the settings screen and ``ikmtui settings show``.
LABELS: dict[str, str] = {
    "credit.maker_checker": N_("Credit: maker-checker"),
    "office.name": N_("Office name"),
    "office.unit": N_("Unit"),
    "office.address": N_("Address"),
    "office.city": N_("City (place on letters)"),
    "office.phone": N_("Phone"),
    "office.email": N_("E-mail"),
    LOGO: N_("Logo (picture file)"),
    CERTIFICATE_UNIT: N_("Unit code in certificate and letter numbers"),
}
_FIELD_LABELS = {"name": N_("name"), "nip": N_("NIP"), "title": N_("title")}


def label(key: str) -> str:
    """What a key is called on screen: ``Signatory of certificates: NIP``."""
    if key in LABELS:
        return _(LABELS[key])
    _prefix, doc, field = key.split(".")
    return _("Signatory of {document}: {field}", document=_(SIGNED_DOCUMENTS[doc]), field=_(_FIELD_LABELS[field]))


def value_in(table: Mapping[str, Mapping[str, Any]], key: str) -> Any:
    """``key``'s value in a settings table as stored (a database's, or a transaction's), else its default."""
    if key not in DEFAULTS:
        raise KeyError(key)
    for doc in table.values():
        if doc.get("key") == key:
            return doc.get("value")
    return DEFAULTS[key]


def value(db: Database, key: str) -> Any:
    """The office's value of ``key``, else its default."""
    return value_in(db.docs(TABLE), key)


def values(db: Database) -> dict[str, Any]:
    """Every setting, in the order of :data:`DEFAULTS`."""
    stored = {doc.get("key"): doc.get("value") for doc in db.docs(TABLE).values()}
    return {key: stored.get(key, default) for key, default in DEFAULTS.items()}


def parse(key: str, text: object) -> Any:
    """A typed value for ``key`` from what an officer typed (``yes``/``no`` for a switch); ``ValueError`` if not."""
    if key not in DEFAULTS:
        raise ValueError(
            _("Unknown setting '{key}'; see: ikmtui settings show", key=key),
        )
    if isinstance(DEFAULTS[key], bool):
        if isinstance(text, bool):
            return text
        word = str(text).strip().casefold()
        if word in ("1", "yes", "ya", "true", "on"):
            return True
        if word in ("0", "no", "tidak", "false", "off"):
            return False
        raise ValueError(_("{key} is yes or no", key=key))
    clean = " ".join(str(text or "").split())
    if len(clean) > 200:
        raise ValueError(_("{key}: at most 200 characters", key=key))
    if key == CERTIFICATE_UNIT:
        clean = clean.upper()
        if not clean or not all(part.isalnum() and part.isascii() for part in clean.split("-")):
            raise ValueError(_("The certificate unit code is letters and digits, e.g. DISPERIN"))
    return clean


def put(db: Database, key: str, new: Any) -> None:
    """Set ``key`` (administrators only); the change is audited with the value it replaced."""
    if key not in DEFAULTS:
        raise KeyError(key)
    with db.transaction() as txn:
        permissions.require(txn.table("staff"), db.user, "settings.manage")
        found = next((int(k) for k, doc in txn.table(TABLE).items() if doc.get("key") == key), None)
        if found is None:
            txn.insert(TABLE, {"key": key, "value": new})
        else:
            txn.update(TABLE, found, {"value": new})


def put_many(db: Database, changes: Mapping[str, object]) -> list[str]:
    """Set several settings from typed text in one audited change (administrators only); every value is
    checked first, so a bad one changes nothing (``RecordInvalid`` names each). Returns the keys changed."""
    permissions.require(db.docs("staff"), db.user, "settings.manage")
    errors: dict[str, str] = {}
    parsed: dict[str, Any] = {}
    for key, text in changes.items():
        try:
            parsed[key] = parse(key, text)
        except ValueError as exc:
            errors[key] = str(exc)
    if errors:
        raise RecordInvalid(errors)
    current = values(db)
    changed = [key for key, new in parsed.items() if current[key] != new]
    if not changed:
        return []
    with db.transaction() as txn:
        permissions.require(txn.table("staff"), db.user, "settings.manage")
        stored = {doc.get("key"): int(k) for k, doc in txn.table(TABLE).items()}
        for key in changed:
            if key in stored:
                txn.update(TABLE, stored[key], {"value": parsed[key]})
            else:
                txn.insert(TABLE, {"key": key, "value": parsed[key]})
    return changed


def set_logo(db: Database, path: str | os.PathLike[str] | None) -> str:
    """Copy the picture at ``path`` into the database's media folder and make it the letterhead's logo
    (administrators only); ``None`` or "" removes the logo. Returns the stored name."""
    from ikmtui.io.media import check_photo, keep_photo

    permissions.require(db.docs("staff"), db.user, "settings.manage")
    name = ""
    if path not in (None, ""):
        assert path is not None
        name = keep_photo(db.path, check_photo(db.path, path))
    put(db, LOGO, name)
    return name


def logo_file(db: Database) -> str | None:
    """The logo's file in the media folder, or ``None`` (none set, or the picture is gone)."""
    from ikmtui.io.guard import FileRefused
    from ikmtui.io.media import photo_file

    name = str(value(db, LOGO) or "")
    if not name:
        return None
    try:
        return str(photo_file(db.path, name))
    except FileRefused:
        return None


def office(db: Database) -> dict[str, Any]:
    """What every document prints from the settings: the ``office.*``, ``certificate.*`` and ``signatory.*``
    values, with ``office.logo`` as the picture's path (or "")."""
    found = {key: v for key, v in values(db).items() if not key.startswith("credit.")}
    found[LOGO] = logo_file(db) or ""
    return found
