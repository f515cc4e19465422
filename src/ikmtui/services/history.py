"""The history of a record, read from the audit log: every change, who made it and when, and what each field
was and became (a private field, such as the owner's NIK or phone, shows only that it changed).

Also the one place that names what the audit log stores as identifiers (actions, tables, fields) in the
interface language, for the audit screen and the timeline alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from ikmtui.clock import who_when
from ikmtui.domain.money import format_rupiah
from ikmtui.i18n import N_, _
from ikmtui.io.export import COLUMNS, SHEET_TITLES
from ikmtui.storage.schema import PRIVATE_FIELDS

Doc = Mapping[str, Any]
Tables = Mapping[str, Mapping[str, Doc]]

ACTIONS = {
    "insert": N_("created"),
    "update": N_("changed"),
    "delete": N_("deleted"),
    "restore": N_("restored"),
    "reveal": N_("personal data viewed"),
    "export": N_("exported"),
    "export.personal": N_("exported with personal data"),
    "import": N_("imported"),
    "backup": N_("backed up"),
    "signin": N_("signed in"),
    "signin.failed": N_("sign-in failed"),
    "signin.locked": N_("sign-in locked"),
    "staff.recover": N_("account recovered"),
    "duplicate.kept": N_("saved despite a possible duplicate"),
    "cancel": N_("cancelled"),
    "reopen": N_("reopened"),
    "certificate.revoke": N_("certificate revoked"),
}
TABLES = {
    **SHEET_TITLES,
    "settings": N_("Settings"),
    "recycle_bin": N_("Recycle bin"),
    "certificates": N_("Certificates"),
    "stock_movements": N_("Stock movements"),
    "loan_contacts": N_("Loan contacts"),
    "facilitations": N_("Facilitations"),
    "targets": N_("Targets"),
    "yearly_figures": N_("Yearly figures"),
    "signin": N_("Sign-in"),
    "meta": N_("Database settings"),
}
#: Fields that no export column names (stamps of steps, reasons), by their stored name.
FIELDS = {
    "state": N_("State"),
    "status": N_("Status"),
    "reason": N_("Reason"),
    "note": N_("Note"),
    "cancelled_at": N_("Cancelled at"),
    "cancelled_by": N_("Cancelled by"),
    "password_hash": N_("Password"),
    "active": N_("Active"),
    "history": N_("History"),
    "cluster_ids": N_("Clusters"),
    "photos": N_("Photos"),
    "marketplace_links": N_("Marketplace links"),
    "stock": N_("Stock"),
    "owner_nik": N_("Owner NIK"),
    "npwp": N_("NPWP"),
    "phone": N_("Phone"),
    "email": N_("E-mail"),
    "address": N_("Address"),
}


def _humane(name: str) -> str:
    """An identifier nobody translated yet, made readable: ``cancelled_at`` -> ``cancelled at``."""
    return re.sub(r"[._]+", " ", name).strip()


def action_label(action: str) -> str:
    return _(ACTIONS[action]) if action in ACTIONS else _humane(action)


def table_label(table: str) -> str:
    """A table's name; an export of several (``ikm,clusters``) names each."""
    return ", ".join(_(TABLES[t]) if t in TABLES else _humane(t) for t in table.split(",") if t)


def _export_field(table: str, field: str) -> Any:
    return next((f for f in COLUMNS.get(table, ()) if f.key == field), None)


def field_label(table: str, field: str) -> str:
    found = _export_field(table, field)
    if found is not None:
        return _(found.label)
    return _(FIELDS[field]) if field in FIELDS else _humane(field)


def fields_label(table: str, fields: Iterable[str]) -> str:
    return ", ".join(field_label(table, f) for f in fields)


def _detail(entry: Doc) -> str:
    """An entry's detail; a revealed field (its detail is the field's name) by its label."""
    detail = str(entry.get("detail") or "")
    return field_label(str(entry.get("table") or ""), detail) if entry.get("action") == "reveal" and detail else detail


def summary(entry: Doc) -> str:
    """An audit entry's fields in words, else its detail."""
    return fields_label(str(entry.get("table") or ""), entry.get("fields") or []) or _detail(entry)


def show_value(table: str, field: str, value: Any) -> str:
    """A stored value as the timeline shows it: rupiah as rupiah, lists joined, nothing as a dash."""
    if value is None or value == "" or value == []:
        return "—"
    found = _export_field(table, field)
    if found is not None and found.kind == "rp" and isinstance(value, int) and not isinstance(value, bool):
        return format_rupiah(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(show_value(table, field, v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {show_value(table, field, v)}" for k, v in value.items())
    return str(value)


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    #: Shown values; both empty where only that it changed is kept (``kept`` false).
    old: str
    new: str
    private: bool = False
    kept: bool = True


@dataclass(frozen=True)
class Change:
    """One audit entry about a record, as people read it."""

    entry_id: int
    stamp: str
    user: str
    who: str  # the officer's full name
    when: str  # local time
    action: str
    action_label: str
    table: str
    table_label: str
    code: str
    fields: tuple[FieldChange, ...]
    detail: str


def describe(staff: Mapping[str, Doc], entry_id: int, entry: Doc) -> Change:
    """An audit entry as people read it: the officer's name, local time, labels, each field's old and new."""
    table = str(entry.get("table") or "")
    values: Mapping[str, Any] = entry.get("changes") or {}
    fields = []
    for name in entry.get("fields") or ():
        pair = values.get(name)
        private = name in PRIVATE_FIELDS
        if isinstance(pair, list) and not private:
            old, new = (show_value(table, name, value) for value in pair)
            fields.append(FieldChange(name, field_label(table, name), old, new))
        else:  # private, or written before the audit log kept values: only that it changed
            fields.append(FieldChange(name, field_label(table, name), "", "", private, kept=False))
    who, when = who_when(staff, entry.get("user"), entry.get("ts"))
    action = str(entry.get("action") or "")
    return Change(
        entry_id=entry_id,
        stamp=str(entry.get("ts") or ""),
        user=str(entry.get("user") or ""),
        who=who,
        when=when,
        action=action,
        action_label=action_label(action),
        table=table,
        table_label=table_label(table),
        code=str(entry.get("code") or ""),
        fields=tuple(fields),
        detail=_detail(entry),
    )


def record_history(tables: Tables, table: str, record_id: int, field: str | None = None) -> list[Change]:
    """Every audit entry about one record, oldest first; with ``field``, only the changes of that field."""
    staff = tables.get("staff", {})
    changes = []
    for key, entry in tables.get("audit", {}).items():
        if entry.get("table") != table or entry.get("record_id") != record_id:
            continue
        if field is not None and field not in (entry.get("fields") or ()):
            continue
        changes.append(describe(staff, int(key), entry))
    changes.sort(key=lambda change: change.entry_id)  # ids follow the commits (stamps may carry other offsets)
    if field is not None:
        changes = [replace(change, fields=tuple(f for f in change.fields if f.field == field)) for change in changes]
    return changes
