"""Small typed modal dialogs: confirm, pick a line of text, show a renderable."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Markdown, SelectionList, Static

from ikmtui.i18n import _
from ikmtui.ui.kit.translate import TranslatedBindings

if TYPE_CHECKING:
    from textual.app import App


class ConfirmScreen(TranslatedBindings, ModalScreen[bool]):
    """Ask before anything destructive: y confirms, n or esc cancels. Cancel has the focus."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n", "answer(False)", "No", id="confirm.no"),
        Binding("escape", "answer(False)", "Cancel", id="confirm.cancel"),
    ]
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical { width: 70; max-width: 100%; height: auto; border: thick $warning;
        background: $surface; padding: 1 2; }
    ConfirmScreen #confirm-buttons { height: auto; align-horizontal: right; padding-top: 1; }
    ConfirmScreen Button { margin-left: 1; }
    """

    def __init__(self, question: str, *, yes: str | None = None, no: str | None = None) -> None:
        super().__init__()
        self.question = question
        self.yes = yes or _("Yes")
        self.no = no or _("No")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question, id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button(f"{self.yes} (y)", variant="error", id="confirm-yes")
                yield Button(f"{self.no} (n)", id="confirm-no")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes")


def ask_overwrite(app: App[Any], target: object, overwrite: Callable[[], None]) -> None:
    """The file guard refused to write over ``target``: ask, and ``overwrite`` (write again with force) on yes.
    For every screen that writes a file the officer named."""

    def answered(yes: bool | None) -> None:
        if yes:
            overwrite()

    app.push_screen(ConfirmScreen(_("{path} already exists. Overwrite it?", path=target), yes=_("Overwrite")), answered)


class PromptScreen(TranslatedBindings, ModalScreen[str | None]):
    """Ask for one line (a note, a file name); enter accepts, esc cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]
    DEFAULT_CSS = """
    PromptScreen { align: center middle; }
    PromptScreen > Vertical { width: 80; max-width: 100%; height: auto; border: thick $primary;
        background: $surface; padding: 1 2; }
    PromptScreen #prompt-error { color: $error; height: auto; }
    """

    def __init__(self, question: str, value: str = "", placeholder: str = "") -> None:
        super().__init__()
        self.question = question
        self.value = value
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question)
            yield Input(self.value, placeholder=self.placeholder, id="prompt-input")
            yield Static("", id="prompt-error")

    def on_mount(self) -> None:
        self.query_one("#prompt-input", Input).focus()  # what is typed goes into the answer, never to a screen key

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.accept(event.value)

    def accept(self, value: str) -> None:
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ReasonScreen(PromptScreen):
    """Ask why before a correction (reverse, undo, reopen, revoke, restore): enter accepts a non-empty reason,
    which goes into the record's history; esc cancels and nothing changes."""

    def __init__(self, question: str, placeholder: str = "") -> None:
        super().__init__(question, placeholder=placeholder or _("Reason (required)"))

    def on_mount(self) -> None:
        self.query_one("#prompt-input", Input).focus()

    def accept(self, value: str) -> None:
        if not value.strip():
            self.query_one("#prompt-error", Static).update(_("Give a reason: it is kept in the history"))
            return
        self.dismiss(value.strip())


class PickScreen(TranslatedBindings, ModalScreen[list[Any] | None]):
    """Tick some of a list (the columns a table shows): space or enter ticks, ctrl+s keeps, esc cancels."""

    BINDINGS = [
        Binding("ctrl+s", "keep", "Apply", id="pick.keep", priority=True),
        Binding("escape", "cancel", "Cancel", id="pick.cancel"),
    ]
    DEFAULT_CSS = """
    PickScreen { align: center middle; }
    PickScreen > Vertical { width: 60; max-width: 100%; height: auto; max-height: 90%; border: thick $primary;
        background: $surface; padding: 0 1; }
    PickScreen SelectionList { height: auto; max-height: 20; }
    PickScreen #pick-hint { color: $text-muted; }
    """

    def __init__(self, question: str, options: list[tuple[str, Any, bool]]) -> None:
        super().__init__()
        self.question = question
        self.options = options

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question)
            yield SelectionList[Any](*self.options, id="pick-list")
            yield Static(_("space tick · ctrl+s apply · esc cancel"), id="pick-hint")

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def action_keep(self) -> None:
        self.dismiss(list(self.query_one(SelectionList).selected))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ViewerScreen(TranslatedBindings, ModalScreen[None]):
    """Show a Rich renderable or Markdown (help, a printable sheet); esc or q closes."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="viewer.close"),
        Binding("q", "close", "Close", show=False),
    ]
    DEFAULT_CSS = """
    ViewerScreen { align: center middle; }
    ViewerScreen > VerticalScroll { width: 90%; height: 90%; border: thick $primary; background: $surface;
        padding: 0 1; }
    """

    def __init__(self, content: Any, *, markdown: bool = False) -> None:
        super().__init__()
        self.content = content
        self.markdown = markdown

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Markdown(self.content) if self.markdown else Static(self.content, id="viewer-content")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
