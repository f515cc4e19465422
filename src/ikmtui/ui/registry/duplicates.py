"""Before a new IKM is saved: the registered businesses it looks like, to open and compare, or to save anyway."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from ikmtui.domain.duplicates import Duplicate
from ikmtui.domain.ikm import status_label
from ikmtui.i18n import _
from ikmtui.reports.registry import ikm_profile, ikm_profile_renderable
from ikmtui.storage import TABLES
from ikmtui.ui.kit.context import context_of
from ikmtui.ui.kit.dialogs import ViewerScreen
from ikmtui.ui.kit.translate import TranslatedBindings


class DuplicatesScreen(TranslatedBindings, ModalScreen[bool]):
    """The look-alikes of the business being registered. Enter opens the highlighted one (its profile), ``s``
    saves the new record anyway (the audit log names the look-alikes), esc goes back to the form with nothing
    lost. Dismisses with ``True`` to save anyway."""

    BINDINGS = [
        Binding("enter", "open", "Open", id="duplicates.open"),
        Binding("s", "save_anyway", "Save anyway", id="duplicates.save"),
        Binding("escape", "back", "Back to the form", id="duplicates.back"),
    ]
    DEFAULT_CSS = """
    DuplicatesScreen { align: center middle; }
    DuplicatesScreen > Vertical { width: 100; max-width: 100%; height: auto; max-height: 90%;
        border: thick $warning; background: $surface; padding: 1 2; }
    DuplicatesScreen OptionList { height: auto; max-height: 14; margin: 1 0; }
    DuplicatesScreen #duplicates-buttons { height: auto; align-horizontal: right; }
    DuplicatesScreen Button { margin-left: 1; }
    """

    def __init__(self, duplicates: list[Duplicate]) -> None:
        super().__init__()
        self.duplicates = duplicates

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                _(
                    "This business may already be registered. Open a record to compare (enter), save the new one "
                    "anyway (s), or go back to the form (esc)."
                ),
                id="duplicates-question",
            )
            yield OptionList(*(Option(self.describe(d), id=str(d.id)) for d in self.duplicates), id="duplicates")
            with Horizontal(id="duplicates-buttons"):
                yield Button(_("Open") + " (enter)", id="duplicates-open")
                yield Button(_("Save anyway") + " (s)", variant="warning", id="duplicates-save")
                yield Button(_("Back to the form") + " (esc)", variant="primary", id="duplicates-back")

    @staticmethod
    def describe(found: Duplicate) -> str:
        inactive = f" [{status_label(found.status)}]" if found.status == "inactive" else ""
        return (
            f"{found.code} {found.name}{inactive}\n"
            f"   {found.owner_name} · {found.address}\n"
            f"   {_('Why')}: {found.reason_text()}"
        )

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def action_open(self) -> None:
        option_list = self.query_one(OptionList)
        index = option_list.highlighted if option_list.highlighted is not None else 0
        if not self.duplicates:
            return
        found = self.duplicates[index]
        context = context_of(self)
        tables = {name: context.db.docs(name) for name in TABLES}
        if str(found.id) not in tables["ikm"]:
            self.notify(_("That record no longer exists"), severity="warning")
            return
        self.app.push_screen(ViewerScreen(ikm_profile_renderable(ikm_profile(tables, found.id, context.today()))))

    def action_save_anyway(self) -> None:
        self.dismiss(True)

    def action_back(self) -> None:
        self.dismiss(False)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        actions = {"duplicates-open": self.action_open, "duplicates-save": self.action_save_anyway}
        actions.get(event.button.id or "", self.action_back)()
