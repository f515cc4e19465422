"""Office settings: the letterhead every document prints (name, unit, address, city, phone, e-mail, logo), the
unit code in certificate and letter numbers, and the signatory of each document. Everyone may look; only an
administrator changes them (the service refuses anyone else, and says so)."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Static

from ikmtui.domain import permissions
from ikmtui.domain.records import RecordInvalid
from ikmtui.i18n import _
from ikmtui.services import settings
from ikmtui.ui.kit.dialogs import PromptScreen
from ikmtui.ui.kit.footer import AppFooter
from ikmtui.ui.kit.form import FormField, FormScreen, saving
from ikmtui.ui.kit.screen import BaseScreen

#: The letterhead and numbering keys, in the order of the form.
OFFICE_KEYS = [key for key in settings.DEFAULTS if key.startswith(("office.", "certificate.")) and key != settings.LOGO]
SIGNATORY_KEYS = [key for key in settings.DEFAULTS if key.startswith("signatory.")]


def field_name(key: str) -> str:
    """A widget id cannot hold a dot: ``office.name`` -> ``office__name``."""
    return key.replace(".", "__")


class SettingsScreen(BaseScreen):
    TITLE_MSG = "Office settings"
    BINDINGS = [
        Binding("escape", "back", "Back", id="settings.back"),
        Binding("e", "edit_office", "Edit letterhead", id="settings.office"),
        Binding("t", "edit_signatories", "Edit signatories", id="settings.signatories"),
        Binding("l", "logo", "Logo", id="settings.logo"),
    ]
    DEFAULT_CSS = """
    SettingsScreen #settings-note { height: auto; padding: 0 1; color: $text-muted; }
    SettingsScreen #settings-body { height: 1fr; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="settings-note")
        with VerticalScroll(id="settings-body"):
            yield Static("", id="settings-table")
        yield AppFooter()

    def on_mount(self) -> None:
        self.title = self.screen_title()
        self.show()

    def data_changed(self) -> None:
        super().data_changed()
        self.show()

    def may_change(self) -> bool:
        return permissions.allowed(self.db.docs("staff"), self.db.user, "settings.manage")

    def show(self) -> None:
        table = Table(expand=True)
        table.add_column(_("Setting"))
        table.add_column(_("Value"))
        table.add_column(_("Key"), style="dim")
        for key, value in settings.values(self.db).items():
            shown = (_("yes") if value else _("no")) if isinstance(value, bool) else str(value)
            table.add_row(settings.label(key), shown or "–", key)
        self.query_one("#settings-table", Static).update(table)
        note = (
            _("e letterhead · t signatories · l logo: every document made from now on prints them")
            if self.may_change()
            else _("Only an administrator changes the office settings")
        )
        self.query_one("#settings-note", Static).update(note)

    def _refused(self) -> bool:
        if self.may_change():
            return False
        try:
            permissions.require(self.db.docs("staff"), self.db.user, "settings.manage")
        except permissions.PermissionDenied as exc:
            self.report_error(exc)
        return True

    def _form(self, title: str, keys: list[str]) -> None:
        if self._refused():
            return
        current = settings.values(self.db)
        fields = [
            FormField(field_name(key), settings.label(key), "check" if isinstance(current[key], bool) else "text")
            for key in keys
        ]
        values = {field_name(key): current[key] for key in keys}

        def save(typed: dict[str, Any]) -> list[str]:
            try:
                return settings.put_many(self.db, {key: typed[field_name(key)] for key in keys})
            except RecordInvalid as exc:
                raise RecordInvalid({field_name(k): v for k, v in exc.errors.items()}) from None

        def closed(result: Any) -> None:
            if result is not None:
                self.context.data_saved()
                self.notify(_("Office settings saved"), timeout=4)

        form = FormScreen(title, fields, values, saving(save))
        self.app.push_screen(form, closed)

    def action_edit_office(self) -> None:
        self._form(_("Letterhead and numbering"), OFFICE_KEYS)

    def action_edit_signatories(self) -> None:
        self._form(_("Signatories of the documents"), SIGNATORY_KEYS)

    def action_logo(self) -> None:
        if self._refused():
            return

        def chosen(path: str | None) -> None:
            if path is None:
                return
            try:
                settings.set_logo(self.db, path.strip())
            except (ValueError, OSError) as exc:
                self.report_error(exc)
                return
            self.context.data_saved()
            self.notify(_("Logo saved") if path.strip() else _("Logo removed"), timeout=4)

        self.app.push_screen(
            PromptScreen(_("The logo's picture file (.png or .jpg; empty removes the logo):"), ""), chosen
        )

    def action_back(self) -> None:
        self.dismiss()
