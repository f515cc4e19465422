"""The IKM whose records lack data the programme wants (NIB, owner NIK, NPWP, phone, year founded, scale).

``f`` narrows the list to one missing field at a time (NIB first: getting an IKM its NIB is part of the help it
receives), the search box filters as on every table, enter opens a profile. Opened from an IKM profile (``k``), or
from anywhere with :func:`open_incomplete_ikm`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from textual import on
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input, Static

from ikmtui.domain.ikm import status_label
from ikmtui.i18n import _, format_count
from ikmtui.reports.registry import COMPLETENESS_FIELDS, completeness, missing_fields, missing_label
from ikmtui.tabular import Column
from ikmtui.ui.kit.screen import BaseScreen, TableScreen, rows_shown
from ikmtui.ui.kit.vtable import VirtualTable

#: The list's filters, in the order ``f`` steps through them (``None``: anything missing).
FILTERS: tuple[str | None, ...] = (None, *COMPLETENESS_FIELDS)


class IncompleteIkmScreen(TableScreen):
    TITLE_MSG = "IKM with missing data"
    TABLE = "ikm"
    SEARCH_FIELDS = ("nib", "kelurahan")
    BINDINGS = [
        Binding("escape", "close", "Back", id="incomplete.back"),
        Binding("f", "next_field", "Missing field", id="incomplete.field"),
    ]

    def __init__(self, open_profile: Callable[[int], Screen[Any]], field: str | None = None) -> None:
        super().__init__()
        self.open_profile = open_profile
        self.field = field
        self.counts: dict[str, int] = {}  # IKM lacking each field, counted at each reload

    def screen_title(self) -> str:
        if self.field is None:
            return _(self.TITLE_MSG)
        return _("IKM without {field}", field=missing_label(self.field))

    def columns(self) -> list[Column]:
        return [
            Column("code", "Code", 10),
            Column("name", "Business name", 26),
            Column("owner_name", "Owner", 18),
            Column("kecamatan", "Kecamatan", 16),
            Column("status", "Status", 8, fmt=status_label),
            Column("missing", "Missing", 30, value=lambda d: ", ".join(missing_label(n) for n in missing_fields(d))),
        ]

    def records(self) -> Iterator[tuple[int, dict[str, Any]]]:
        for key, doc in self.db.docs("ikm").items():
            gaps = missing_fields(doc)
            if gaps and (self.field is None or self.field in gaps):
                yield int(key), doc

    def reload(self, keep_id: int | None = None) -> None:
        self.counts = completeness(self.db.docs("ikm").values())["missing"]  # once per change, not per key typed
        super().reload(keep_id)

    def update_status(self) -> None:
        counts = self.counts
        per_field = " · ".join(f"{missing_label(n)} {format_count(counts.get(n, 0))}" for n in COMPLETENESS_FIELDS)
        self.query_one("#status", Static).update(
            rows_shown(self.table.rows)
            + "   "
            + _("Missing: {fields}", fields=per_field)
            + "   "
            + _("f field · / search · enter open"),
            layout=False,
        )

    def action_next_field(self) -> None:
        self.field = FILTERS[(FILTERS.index(self.field) + 1) % len(FILTERS)]
        self.title = self.screen_title()
        self.reload()

    def action_close(self) -> None:
        if isinstance(self.focused, Input):  # from the search box, back to the table first
            self.action_focus_table()
            return
        self.app.pop_screen()

    @on(VirtualTable.RowActivated)
    def _open(self, event: VirtualTable.RowActivated) -> None:
        self.app.push_screen(self.open_profile(event.record_id))


def open_incomplete_ikm(
    screen: BaseScreen, open_profile: Callable[[int], Screen[Any]], field: str | None = None
) -> None:
    """Push the list of IKM lacking data (``field``: only those lacking that one); ``open_profile`` makes the
    screen enter opens for an IKM id (the profile: handed in, as the profile is what opens this list)."""
    screen.app.push_screen(IncompleteIkmScreen(open_profile, field))
