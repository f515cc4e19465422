"""What the training lists share: the base of the batches, the course catalogue and a batch's participants."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding
from textual.widgets import Input

from ikmtui.domain.fields import parse_date
from ikmtui.i18n import format_date
from ikmtui.reports.training import course_summary, course_summary_table
from ikmtui.services import training as svc
from ikmtui.ui.kit.dialogs import ViewerScreen
from ikmtui.ui.kit.screen import TableScreen


def show_day(value: Any) -> str:
    return format_date(parse_date(value)) if value else ""


class TrainingTableScreen(TableScreen):
    """What the training lists share: esc goes back when the screen was opened from another one."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="training.back"),
        Binding("r", "summary", "Summary per course", id="training.summary"),
    ]

    @property
    def opened_from_another(self) -> bool:
        return len(self.app.screen_stack) > 1 and self.app.screen_stack[0] is not self

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":  # the first screen of the area has nowhere to go back to
            return self.opened_from_another or isinstance(self.focused, Input)
        return True

    def action_back(self) -> None:
        if isinstance(self.focused, Input):
            self.table.focus()
        elif self.opened_from_another:
            self.dismiss()

    def action_summary(self) -> None:
        tables = {name: self.db.docs(name) for name in (svc.COURSES, svc.BATCHES, svc.ENROLLMENTS)}
        self.app.push_screen(ViewerScreen(course_summary_table(course_summary(tables))))
