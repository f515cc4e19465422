"""One IKM and everything linked to it: clusters, training and certificates, credit, gallery and sales."""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Static

from ikmtui.i18n import _
from ikmtui.reports.registry import ikm_profile, ikm_profile_renderable
from ikmtui.storage import TABLES
from ikmtui.ui.kit.footer import AppFooter
from ikmtui.ui.kit.screen import BaseScreen
from ikmtui.ui.registry.deleting import USER_ERRORS, delete_ikm_flow
from ikmtui.ui.registry.form import open_ikm_form


class IkmProfileScreen(BaseScreen):
    TITLE_MSG = "IKM profile"
    BINDINGS = [
        Binding("escape", "close", "Back", id="profile.back"),
        Binding("e", "edit", "Edit", id="profile.edit"),
        Binding("d", "delete", "Delete", id="profile.delete"),
        Binding("n", "reveal_nik", "Show NIK", id="profile.reveal"),
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
        profile = ikm_profile(tables, self.ikm_id, self.as_of or self.today())
        self.title = f"{_(self.TITLE_MSG)}: {profile['ikm']['code']}"
        self.query_one("#profile", Static).update(ikm_profile_renderable(profile))

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_edit(self) -> None:
        open_ikm_form(self, self.ikm_id)

    def action_delete(self) -> None:
        delete_ikm_flow(self, self.ikm_id, on_done=self._close)

    def _close(self) -> None:
        self.app.pop_screen()

    def action_reveal_nik(self) -> None:
        """The full NIK for an officer whose role allows it; the viewing is written to the audit log."""
        from ikmtui.services import personal

        try:
            nik = personal.reveal(self.db, "ikm", self.ikm_id, "owner_nik")
        except USER_ERRORS as exc:
            self.report_error(exc)
            return
        self.notify(_("Owner NIK: {nik} (this viewing is recorded in the audit log)", nik=nik), timeout=10)
