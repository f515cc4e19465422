"""The cluster form: name, sector, kecamatan, legal basis (decree number and date), coordinator, status."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ikmtui.domain.fields import parse_date
from ikmtui.domain.ikm import SECTORS, STATUSES, status_label
from ikmtui.i18n import N_, _, format_date
from ikmtui.services import registry
from ikmtui.ui.kit.form import FormField, FormScreen
from ikmtui.ui.kit.screen import open_record_form, store_record
from ikmtui.ui.registry.form import kecamatan_options

if TYPE_CHECKING:
    from ikmtui.storage import Database
    from ikmtui.ui.kit.screen import BaseScreen


def sector_options(current: str | None) -> list[tuple[str, str]]:
    options = [(_(sector), sector) for sector in SECTORS]
    if current and current not in SECTORS:
        options.append((current, current))
    return options


def cluster_fields(record: dict[str, Any] | None) -> list[FormField]:
    return [
        FormField("name", "Name"),
        FormField("sector", "Sector", kind="select", options=sector_options(record.get("sector") if record else None)),
        FormField("kecamatan", "Kecamatan", kind="select", options=kecamatan_options),
        FormField(
            "decree_number",
            "Decree number",
            placeholder="SK Walikota Semarang No. 530/123/2024",
            help=N_("Legal basis: the decree that set the cluster up"),
        ),
        FormField("decree_date", "Decree date", placeholder="27/11/2026"),
        FormField("coordinator", "Coordinator"),
        FormField("status", "Status", kind="select", options=[(status_label(s), s) for s in STATUSES]),
    ]


def cluster_values(record: dict[str, Any] | None) -> dict[str, Any]:
    if record is None:
        return {"status": "active"}
    values = {key: record.get(key) for key in ("name", "sector", "kecamatan", "decree_number", "coordinator", "status")}
    day = record.get("decree_date")
    try:
        values["decree_date"] = parse_date(day).strftime("%d/%m/%Y") if day else ""
    except ValueError:
        values["decree_date"] = str(day)
    return values


class ClusterFormScreen(FormScreen):
    def __init__(self, db: Database, record: dict[str, Any] | None = None) -> None:
        self.db = db
        self.record = record
        self.saved: dict[str, Any] | None = None
        title = (
            _("New cluster")
            if record is None
            else _("Edit {code} {name}", code=record.get("code", ""), name=record.get("name", ""))
        )
        super().__init__(title, cluster_fields(record), cluster_values(record), self.save)

    def save(self, values: dict[str, Any]) -> dict[str, str] | None:
        return store_record(self, registry.create_cluster, registry.update_cluster, values)


def open_cluster_form(
    screen: BaseScreen, record_id: int | None = None, on_saved: Callable[[dict[str, Any]], None] | None = None
) -> None:
    open_record_form(screen, "clusters", record_id, lambda record: ClusterFormScreen(screen.db, record), on_saved)


def decree_text(doc: dict[str, Any]) -> str:
    """``SK Walikota ... No. 530/134/2020, 12 Jul 2020``."""
    day = doc.get("decree_date")
    try:
        shown = format_date(parse_date(day)) if day else ""
    except ValueError:
        shown = str(day)
    return ", ".join(part for part in (doc.get("decree_number") or "", shown) if part)
