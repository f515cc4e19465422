"""Sign-in when the app opens, and the first-run set-up of an administrator account."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Static

from ikmtui.i18n import _
from ikmtui.services import staff
from ikmtui.storage import StorageError
from ikmtui.ui.kit.footer import AppFooter
from ikmtui.ui.kit.form import FormField, FormScreen
from ikmtui.ui.kit.translate import TranslatedBindings


class SignInScreen(TranslatedBindings, Screen[dict[str, Any]]):
    """Username and password; enter signs in. The data stay hidden until then."""

    DEFAULT_CSS = """
    SignInScreen { align: center middle; }
    SignInScreen > Vertical { width: 60; height: auto; border: thick $primary; background: $surface; padding: 1 2; }
    SignInScreen #signin-error { color: $error; text-style: bold; height: auto; }
    SignInScreen #signin-title { text-style: bold; padding-bottom: 1; }
    """

    def __init__(self, sign_in: staff.SignIn, username: str = "") -> None:
        super().__init__()
        self.sign_in = sign_in
        self.username = username

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("Sign in to ikmtui"), id="signin-title")
            yield Input(self.username, placeholder=_("username"), id="signin-user")
            yield Input(placeholder=_("password"), password=True, id="signin-password")
            yield Static("", id="signin-error", markup=False)
        yield AppFooter()

    def on_mount(self) -> None:
        self.query_one("#signin-password" if self.username else "#signin-user", Input).focus()

    @on(Input.Submitted, "#signin-user")
    def _next(self) -> None:
        self.query_one("#signin-password", Input).focus()

    @on(Input.Submitted, "#signin-password")
    def _submit(self) -> None:
        password = self.query_one("#signin-password", Input)
        try:
            account = self.sign_in(self.query_one("#signin-user", Input).value, password.value)
        except (staff.SignInFailed, StorageError) as exc:
            self.query_one("#signin-error", Static).update(str(exc))
            password.value = ""
            return
        self.dismiss(account)


class SetupScreen(FormScreen):
    """Nobody can sign in yet: create the administrator account (esc: later, the office stays open)."""

    def __init__(self, db: Any, on_created: Callable[[str], None] | None = None) -> None:
        fields = [
            FormField("username", "Username", placeholder="admin"),
            FormField("name", "Full name"),
            FormField("password", "Password", password=True, help="At least 8 characters"),
            FormField("password2", "Password again", password=True),
        ]
        super().__init__(
            _("Nobody can sign in yet: create the administrator account (esc: later)"), fields, {}, self._create
        )
        self.db = db
        self.on_created = on_created

    def _create(self, values: dict[str, Any]) -> dict[str, str] | None:
        from ikmtui.domain.records import RecordInvalid
        from ikmtui.domain.staff import check_password

        try:
            check_password(values["password"], values["password2"])
        except ValueError as exc:
            return {"password": str(exc)}
        try:
            account = staff.add(
                self.db, values["username"].strip().lower(), values["name"], "administrator", values["password"]
            )
        except RecordInvalid as exc:
            return exc.errors
        self.db.user = account["username"]
        if self.on_created is not None:  # the one who set the office up counts as signed in
            self.on_created(account["username"])
        return None
