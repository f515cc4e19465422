"""The IKM profile's section of the programme's results: its facilitations and its figures by year (the latest
year is its current figures)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ikmtui.domain import results as rules
from ikmtui.domain.money import format_number, format_rupiah
from ikmtui.i18n import _
from ikmtui.ui.results.facilitations import show_day


class _View(Protocol):
    """What the profile hands each of its sections (``ikmtui.ui.registry.profile.ProfileView``)."""

    @property
    def tables(self) -> Mapping[str, Mapping[str, Mapping[str, Any]]]: ...

    @property
    def ikm_id(self) -> int: ...


def results_section(view: _View) -> RenderableType | None:
    """Facilitations and figures by year of the IKM; nothing when it has neither."""
    facilitations = sorted(
        (d for d in view.tables["facilitations"].values() if d.get("ikm_id") == view.ikm_id),
        key=lambda d: (str(d.get("requested_on") or ""), str(d.get("code") or "")),
    )
    figures = sorted(
        (d for d in view.tables["yearly_figures"].values() if d.get("ikm_id") == view.ikm_id),
        key=lambda d: int(d.get("year") or 0),
    )
    if not facilitations and not figures:
        return None
    parts: list[RenderableType] = [Text("")]
    if facilitations:
        table = Table(title=_("Facilitations"), title_justify="left", expand=False)
        for title in (_("Code"), _("Facilitation"), _("State"), _("Requested on"), _("Decided on"), _("Permit number")):
            table.add_column(title)
        for doc in facilitations:
            table.add_row(
                str(doc.get("code") or ""),
                rules.kind_label(str(doc.get("kind") or "")),
                rules.state_label(str(doc.get("state") or "")),
                show_day(doc.get("requested_on")),
                show_day(doc.get("decided_on")),
                str(doc.get("permit_number") or ""),
            )
        parts.append(table)
    if figures:
        table = Table(title=_("Figures by year"), title_justify="left", expand=False)
        table.add_column(_("Year"))
        for title in (_("Men"), _("Women"), _("Workers")):
            table.add_column(title, justify="right")
        for title in (_("Turnover"), _("Production value"), _("Investment")):
            table.add_column(title, justify="right")
        for i, doc in enumerate(figures):
            latest = i == len(figures) - 1
            table.add_row(
                f"{doc.get('year')}" + (f" ({_('current')})" if latest else ""),
                format_number(int(doc.get("workers_male") or 0)),
                format_number(int(doc.get("workers_female") or 0)),
                format_number(rules.workers_of(doc)),
                format_rupiah(int(doc.get("turnover") or 0)),
                format_rupiah(int(doc.get("production_value") or 0)),
                format_rupiah(int(doc.get("investment") or 0)),
                style="bold" if latest else "",
            )
        parts.append(table)
    return Group(*parts)
