"""A record's history as a timeline: each change with when (local time), who (full name) and, per field,
old -> new (a private field: only that it changed). Used by profiles and by the audit log's entry detail."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from ikmtui.i18n import _
from ikmtui.services.history import Change, record_history

Tables = Mapping[str, Mapping[str, Mapping[str, Any]]]


def change_lines(change: Change) -> Text:
    """The fields of one change, one per line: ``Label: old → new``."""
    text = Text()
    for i, field in enumerate(change.fields):
        if i:
            text.append("\n")
        text.append(f"{field.label}: ", style="bold")
        if field.private:
            text.append(_("changed (personal data: the values are not kept)"), style="italic")
        elif not field.kept:
            text.append(_("changed"), style="italic")
        else:
            text.append(field.old, style="red")
            text.append(" → ")
            text.append(field.new, style="green")
    if change.detail:
        text.append(("\n" if change.fields else "") + change.detail, style="dim")
    return text


def timeline(changes: Sequence[Change], *, title: str | None = None) -> RenderableType:
    """The changes, oldest first, as a table of when / who / what."""
    grid = Table(
        title=title if title is not None else _("History of changes"),
        title_justify="left",
        expand=True,
        show_lines=True,
    )
    grid.add_column(_("When"), no_wrap=True, width=16)
    grid.add_column(_("Officer"), width=18)
    grid.add_column(_("Action"), width=14)
    grid.add_column(_("What changed"), ratio=1)
    for change in changes:
        grid.add_row(change.when, change.who, change.action_label, change_lines(change))
    if not changes:
        grid.add_row("", "", "", Text(_("No change recorded yet"), style="dim"))
    return grid


def record_timeline(tables: Tables, table: str, record_id: int) -> RenderableType:
    """The whole history of one stored record."""
    return timeline(record_history(tables, table, record_id))


def entry_detail(change: Change, history: Sequence[Change]) -> RenderableType:
    """One audit entry in full, and the history of the record it is about (if it is about one)."""
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    head.add_row(_("When"), change.when)
    head.add_row(
        _("Officer"), f"{change.who} ({change.user})" if change.user and change.user != change.who else change.who
    )
    head.add_row(_("Action"), change.action_label)
    head.add_row(_("Table"), change.table_label)
    if change.code:
        head.add_row(_("Record"), change.code)
    head.add_row(_("What changed"), change_lines(change))
    parts: list[RenderableType] = [Text(_("Audit entry"), style="bold reverse"), head]
    if history:
        parts += [Text(""), timeline(history)]
    return Group(*parts)


class HistoryTimeline(Static):
    """A record's timeline, shown where a screen places it; :meth:`show` redraws it from the stored tables."""

    def show(self, tables: Tables, table: str, record_id: int) -> None:
        self.update(record_timeline(tables, table, record_id))
