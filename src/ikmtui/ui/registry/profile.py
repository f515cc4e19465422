"""One IKM and everything linked to it: clusters, training and certificates, credit, gallery and sales.

The profile is a list of sections (:data:`SECTIONS`), each a function of :class:`ProfileView` that returns what
to show (or ``None`` to show nothing); an area adds its own section by adding a builder to the list.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from rich.console import Group, RenderableType
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Static

from ikmtui.i18n import _
from ikmtui.reports.registry import ikm_profile, ikm_profile_renderable
from ikmtui.storage import TABLES
from ikmtui.ui.kit.footer import AppFooter
from ikmtui.ui.kit.history import record_timeline
from ikmtui.ui.kit.screen import BaseScreen
from ikmtui.ui.registry.deleting import USER_ERRORS, delete_ikm_flow
from ikmtui.ui.registry.documents import PROFILE_DOCUMENT_BINDINGS, ProfileDocuments
from ikmtui.ui.registry.form import open_ikm_form
from ikmtui.ui.results.profile_section import results_section

Tables = Mapping[str, Mapping[str, Mapping[str, Any]]]


@dataclass(frozen=True)
class ProfileView:
    """What a section is built from: the stored tables, the registry's profile of the IKM
    (:func:`ikmtui.reports.registry.ikm_profile`), the IKM's id and the day the profile describes."""

    tables: Tables
    profile: Mapping[str, Any]
    ikm_id: int
    as_of: date


def registry_section(view: ProfileView) -> RenderableType:
    """Who the business is, what is missing from its record, its clusters, training, credit and gallery."""
    return ikm_profile_renderable(view.profile)


def history_section(view: ProfileView) -> RenderableType:
    """Every change of the record: what each field was and became, who and when (local time)."""
    return record_timeline(view.tables, "ikm", view.ikm_id)


SectionBuilder = Callable[[ProfileView], RenderableType | None]
#: The profile's sections, top to bottom.
SECTIONS: list[SectionBuilder] = [registry_section, results_section, history_section]


def profile_renderable(view: ProfileView) -> RenderableType:
    return Group(*(shown for build in SECTIONS if (shown := build(view)) is not None))


class IkmProfileScreen(BaseScreen, ProfileDocuments):
    TITLE_MSG = "IKM profile"
    BINDINGS = [
        Binding("escape", "close", "Back", id="profile.back"),
        Binding("e", "edit", "Edit", id="profile.edit"),
        Binding("d", "delete", "Delete", id="profile.delete"),
        Binding("n", "reveal_nik", "Show NIK", id="profile.reveal"),
        Binding("k", "incomplete", "Incomplete IKM", id="profile.incomplete"),
        *PROFILE_DOCUMENT_BINDINGS,
    ]
    DEFAULT_CSS = """
    IkmProfileScreen #profile-scroll { padding: 0 1; }
    """

    def __init__(self, ikm_id: int, *, as_of: date | None = None) -> None:
        super().__init__()
        self.ikm_id = ikm_id
        self.as_of = as_of

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="profile-scroll"):
            yield Static("", id="profile")
        yield AppFooter()

    def on_mount(self) -> None:
        self.query_one("#profile-scroll").focus()

    def data_changed(self) -> None:
        super().data_changed()
        tables = {name: self.db.docs(name) for name in TABLES}
        if str(self.ikm_id) not in tables["ikm"]:
            if self.is_current:
                self.notify(_("That record no longer exists"), severity="warning")
                self.app.pop_screen()
            return
        as_of = self.as_of or self.today()
        profile = ikm_profile(tables, self.ikm_id, as_of)
        self.title = f"{_(self.TITLE_MSG)}: {profile['ikm']['code']}"
        self.query_one("#profile", Static).update(profile_renderable(ProfileView(tables, profile, self.ikm_id, as_of)))

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_edit(self) -> None:
        open_ikm_form(self, self.ikm_id)

    def action_delete(self) -> None:
        delete_ikm_flow(self, self.ikm_id, on_done=self._close)

    def _close(self) -> None:
        self.app.pop_screen()

    def action_incomplete(self) -> None:
        """The IKM that lack what this one lacks first (all IKM lacking data when it lacks nothing)."""
        from ikmtui.reports.registry import missing_fields
        from ikmtui.ui.registry.completeness import open_incomplete_ikm

        gaps = missing_fields(self.db.get("ikm", self.ikm_id) or {})
        open_incomplete_ikm(self, IkmProfileScreen, gaps[0] if gaps else None)

    def action_reveal_nik(self) -> None:
        """The full NIK for an officer whose role allows it; the viewing is written to the audit log."""
        from ikmtui.services import personal

        try:
            nik = personal.reveal(self.db, "ikm", self.ikm_id, "owner_nik")
        except USER_ERRORS as exc:
            self.report_error(exc)
            return
        self.notify(_("Owner NIK: {nik} (this viewing is recorded in the audit log)", nik=nik), timeout=10)
