"""The form kit: a dialog opens on its first field (what is typed goes there, never to a screen key), and a
checkbox shows its state without colour (a tick and Yes, or an empty box and No)."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import Input, Static

from ikmtui.ui.kit.form import FormField, FormScreen, StateCheckbox


class FormApp(App[None]):
    BINDINGS = [("4", "bell", "a screen key")]

    def __init__(self) -> None:
        super().__init__()
        self.result: Any = None

    def compose(self) -> ComposeResult:
        yield Static("behind")

    def on_mount(self) -> None:
        fields = [
            FormField("day", "Date"),
            FormField("prepay", "Early payoff", kind="check"),
            FormField("note", "Note"),
        ]

        def kept(values: Any) -> None:
            self.result = values

        self.push_screen(FormScreen("Test", fields, {"prepay": False}, lambda values: None), kept)


async def test_the_first_field_has_the_cursor_and_digits_go_into_it() -> None:
    app = FormApp()
    async with app.run_test() as pilot:
        await pilot.pause()
        assert isinstance(app.focused, Input) and app.focused.id == "field-day"
        await pilot.press(*"04/12/2026")
        assert app.screen.query_one("#field-day", Input).value == "04/12/2026"


async def test_a_checkbox_shows_its_state_in_text() -> None:
    app = FormApp()
    async with app.run_test() as pilot:
        await pilot.pause()
        box = app.screen.query_one("#field-prepay", StateCheckbox)
        off = box.render().plain
        assert "✓" not in off and "Tidak" in off
        box.focus()
        await pilot.press("space")
        await pilot.pause()
        on = box.render().plain
        assert "✓" in on and "Ya" in on
        assert app.screen.values()["prepay"] is True  # type: ignore[attr-defined]
