"""The shape every area screen shares: a title, a search box that filters as you type, a virtual table."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Header, Input, Static

from ikmtui.i18n import _, format_count, ngettext
from ikmtui.io.export import export_rows
from ikmtui.io.guard import FileExists
from ikmtui.tabular import Column, RowSet
from ikmtui.ui.kit import prefs
from ikmtui.ui.kit.context import AppContext, context_of
from ikmtui.ui.kit.delivery import deliver_file, download_folder, in_browser
from ikmtui.ui.kit.dialogs import PickScreen, PromptScreen, ask_overwrite
from ikmtui.ui.kit.footer import AppFooter
from ikmtui.ui.kit.form import saving
from ikmtui.ui.kit.translate import TranslatedBindings
from ikmtui.ui.kit.vtable import VirtualTable

if TYPE_CHECKING:
    from textual.app import App

    from ikmtui.storage import Database


class BaseScreen(TranslatedBindings, Screen[None]):
    """A screen of the app: knows the app's context (database, day, changes) and shows the header and the
    footer."""

    #: English msgid of the screen title, shown in the header and the command palette.
    TITLE_MSG = ""

    @property
    def context(self) -> AppContext:
        return context_of(self)

    @property
    def db(self) -> Database:
        return self.context.db

    def today(self) -> date:
        """The day the screen works on (the app's one clock)."""
        return self.context.today()

    @on(events.Mount)
    def _follow_changes(self) -> None:
        self.context.changed.subscribe(self, self._data_saved, immediate=True)

    def _data_saved(self, _version: int) -> None:
        if self.app.screen is self:  # the others catch up when shown again (on_screen_resume)
            self.data_changed()

    def screen_title(self) -> str:
        """The title in the header; screens about one record override it to name the record."""
        return _(self.TITLE_MSG)

    def on_screen_suspend(self) -> None:
        withdraw_private_notices(self.app)

    def on_screen_resume(self) -> None:
        self.title = self.screen_title()
        if self.context.version != getattr(self, "_seen_version", None):
            self.data_changed()

    def data_changed(self) -> None:
        """The database changed (here or in another process): show the new data."""
        self._seen_version = self.context.version

    def report_error(self, exc: Exception) -> None:
        self.notify(str(exc), severity="error", timeout=8)


#: A full NIK (16 digits) in a notice: shown to the officer who asked, withdrawn once they leave the screen.
FULL_NIK = re.compile(r"(?<!\d)\d{16}(?!\d)")


def withdraw_private_notices(app: App[Any]) -> None:
    """Take back the notices that show a full NIK (the profile's n): a screen switched to must not keep showing
    it to whoever looks next."""
    for notice in list(app._notifications):
        if FULL_NIK.search(str(notice.message)):
            app._unnotify(notice)


def rows_shown(rows: RowSet) -> str:
    """ "120 of 3,497 shown", or how many records there are while nothing is typed."""
    if not rows.query:
        return ngettext("{n} record", "{n} records", rows.total)
    text = ngettext("{shown} of {n} shown", "{shown} of {n} shown", rows.total, shown=format_count(len(rows)))
    return text + " " + _("(still searching…)") if rows.partial else text


def store_record(
    form: Any, create: Callable[..., dict[str, Any]], update: Callable[..., dict[str, Any]], values: dict[str, Any]
) -> dict[str, str] | None:
    """The submit of a record's form (``form.db``, ``form.record``): create the record, or update the one the
    form was opened on (refused if another officer saved it since), keeping it in ``form.saved``."""

    def write(data: dict[str, Any]) -> dict[str, Any]:
        if form.record is None:
            return create(form.db, data)
        return update(form.db, form.record["id"], data, expected_version=form.record.get("version"))

    return saving(write, lambda saved: setattr(form, "saved", saved))(values)


def open_record_form(
    screen: BaseScreen,
    table: str,
    record_id: int | None,
    make_form: Callable[[Any], Any],
    on_saved: Callable[[dict[str, Any]], None] | None = None,
) -> None:
    """Push the form for a new record (``record_id=None``) or the stored one; once it saved (the form's
    ``saved``), refresh the screens and confirm."""
    record = None
    if record_id is not None:
        record = screen.db.get(table, record_id)
        if record is None:
            screen.notify(_("That record no longer exists"), severity="warning")
            return
    form = make_form(record)

    def closed(result: Any) -> None:
        if result is None or form.saved is None:
            return
        if on_saved is not None:
            on_saved(form.saved)  # before the refresh, e.g. to put the cursor on the new record
        screen.context.data_saved()
        screen.notify(
            _("Saved {code} {name}", code=form.saved.get("code", ""), name=form.saved.get("name", "")), timeout=3
        )

    screen.app.push_screen(form, closed)


class TableScreen(BaseScreen):
    """Search box plus a virtual table of one table's records; subclasses give columns and actions."""

    TABLE = ""
    #: Fields searched besides the visible columns (e.g. NIB, product).
    SEARCH_FIELDS: Sequence[str] = ()
    BINDINGS = [
        Binding("slash", "focus_search", "Search", id="table.search"),
        Binding("escape", "focus_table", "To table", show=False),
        Binding("ctrl+k", "choose_columns", "Columns", id="table.columns"),
        Binding("ctrl+e", "export_rows", "Export rows", id="table.export"),
        Binding("ctrl+f", "pick_filter", "Filter", id="table.filter"),
    ]
    DEFAULT_CSS = """
    TableScreen #search-row { height: 3; }
    TableScreen #search { width: 1fr; }
    TableScreen #status { height: 1; color: $text-muted; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="search-row"):
            yield Input(placeholder=_("Type to filter ( / )"), id="search")
        yield VirtualTable(id="table")
        yield Static("", id="status")
        yield AppFooter()

    def columns(self) -> list[Column]:
        """Every column the table can show; those marked ``optional`` only once the officer picks them."""
        raise NotImplementedError

    def prefs_key(self) -> str:
        """Under what the officer's column choice for this table is kept."""
        return type(self).__name__

    def shown_columns(self) -> list[Column]:
        """The columns the officer chose (``ctrl+k``), in the table's order; the usual ones until they choose."""
        columns = self.columns()
        chosen = prefs.shown_columns(self.context.officer, self.prefs_key())
        if chosen is None:
            return [c for c in columns if not c.optional]
        shown = [c for c in columns if c.key in chosen]
        return shown or columns[:1]  # never a table without columns

    def records(self) -> Mapping[str, Mapping[str, Any]] | Iterable[tuple[int, Mapping[str, Any]]]:
        """The table's records: the stored table itself, or ``(id, doc)`` pairs where a screen adds to them."""
        return self.db.docs(self.TABLE)

    @property
    def table(self) -> VirtualTable:
        return self.query_one(VirtualTable)

    def on_mount(self) -> None:
        self.table.follow(self.query_one("#search", Input), self.update_status)
        self.table.focus()

    def data_changed(self) -> None:
        super().data_changed()
        self.reload(keep_id=self.table.current_id)

    def reuse_search_keys(self) -> bool:
        """Whether unchanged records may keep their search keys on reload: only where a row's text depends on
        its own record alone (or on nothing that changed since the last reload)."""
        return False

    def reload(self, keep_id: int | None = None) -> None:
        """Show the newest data, keeping sort, filter and cursor; search keys of a large table are built
        between frames once it is on screen (at 100,000 IKM about a second of work)."""
        table = self.table
        old = table.rows
        rows = RowSet(self.shown_columns(), self.records(), self.SEARCH_FIELDS)
        same_columns = [c.key for c in rows.columns] == [c.key for c in old.columns]
        if not same_columns and any(c.key == "status" for c in rows.columns):  # the filter syntax, by example
            self.query_one("#search", Input).placeholder = _("Type to filter ( / ), e.g. status:inactive")
        if self.reuse_search_keys() and same_columns:
            rows.keep_search_of(old)
        if old.sort_column is not None and old.sort_column < len(old.columns):
            sorted_key = old.columns[old.sort_column].key
            at = next((i for i, c in enumerate(rows.columns) if c.key == sorted_key), None)
            if at is not None:
                rows.sort(at, old.sort_reverse, like=old if same_columns else None)
        rows.filter(self.query_one("#search", Input).value)
        table.set_rows(rows, keep_id=keep_id)
        self.update_status()
        self.call_after_refresh(table.build_search_keys)

    @on(VirtualTable.SearchReady)
    def _search_ready(self) -> None:
        self.update_status()

    def update_status(self) -> None:
        self.query_one("#status", Static).update(
            rows_shown(self.table.rows) + "   " + _("/ search · s sort · ←→ column · enter open"), layout=False
        )

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        self.action_focus_table()

    def action_focus_search(self) -> None:
        # At once (widget.focus() waits for the messages already queued)
        self.set_focus(self.query_one("#search", Input))

    def action_focus_table(self) -> None:
        self.set_focus(self.table)

    # ------------------------------------------------------------------ columns and export
    def action_choose_columns(self) -> None:
        shown = {c.key for c in self.table.rows.columns}
        options = [(c.title, c.key, c.key in shown) for c in self.columns()]

        def chosen(keys: list[Any] | None) -> None:
            if not keys:
                return
            try:
                prefs.remember_columns(self.context.officer, self.prefs_key(), [str(k) for k in keys])
            except OSError as exc:
                self.report_error(exc)
                return
            self.reload(keep_id=self.table.current_id)

        self.app.push_screen(PickScreen(_("Columns shown in this table"), options), chosen)

    def action_pick_filter(self) -> None:
        """Tick values of the table's choice columns (status, kecamatan ...); the search box gets them as
        ``column:value`` terms (values of one column are alternatives), beside the words typed."""
        search = self.query_one("#search", Input)
        rows = self.table.rows
        words, terms = rows.split_query(search.value)
        options = [
            (f"{column.title}: {text} ({format_count(n)})", term, term in terms)
            for column, text, n in rows.choices()
            for term in [(column.key.casefold(), text.casefold().replace(" ", "_"))]
        ]
        if not options:
            self.notify(_("This table has no column to pick values from: type column:value"), severity="warning")
            return

        def chosen(picked: list[Any] | None) -> None:
            if picked is not None:
                search.value = " ".join([*words, *[f"{key}:{value}" for key, value in picked]])
                self.action_focus_table()

        self.app.push_screen(PickScreen(_("Show the rows with these values"), options), chosen)

    def export_file_name(self) -> str:
        name = (self.TABLE or type(self).__name__.removesuffix("Screen").casefold()).replace("_", "-")
        return f"{name}-{self.today():%Y%m%d}.xlsx"

    def action_export_rows(self) -> None:
        """The rows shown (filter, sort and columns as on screen) to an .xlsx or .csv file; under ``ikmtui serve``
        a download."""
        rows = self.table.rows
        if not len(rows):
            self.notify(_("No rows to export"), severity="warning")
            return
        if in_browser(self.app):
            self._write_rows(download_folder() / self.export_file_name(), force=True)
            return

        def chosen(path: str | None) -> None:
            if path and path.strip():
                self._write_rows(Path(path.strip()).expanduser(), force=False)

        self.app.push_screen(
            PromptScreen(
                _(
                    "Export the {n} rows shown to which file? The extension picks the format: .xlsx or .csv",
                    n=len(rows),
                ),
                self.export_file_name(),
            ),
            chosen,
        )

    def _write_rows(self, target: Path, *, force: bool) -> None:
        rows = self.table.rows
        titles = [c.title for c in rows.columns]

        def cells() -> Iterable[list[Any]]:
            for position in range(len(rows)):
                _id, values = rows.row(position)
                yield [
                    value if isinstance(value, int | float) and not isinstance(value, bool) else column.fmt(value)
                    for column, value in zip(rows.columns, values, strict=True)
                ]

        try:
            written = export_rows(titles, cells(), target, sheet=self.screen_title(), db_path=self.db.path, force=force)
        except FileExists:
            ask_overwrite(self.app, target, lambda: self._write_rows(target, force=True))
            return
        except (ValueError, OSError) as exc:
            self.report_error(exc)
            return
        if in_browser(self.app):
            deliver_file(self.app, target)
        else:
            self.notify(
                ngettext("Wrote {n} row to {path}", "Wrote {n} rows to {path}", written, path=target.resolve()),
                timeout=8,
            )

    def selected_id(self) -> int | None:
        """The record under the cursor; says so when there is none (an empty or filtered-out table)."""
        record_id = self.table.current_id
        if record_id is None:
            self.notify(_("No record selected"), severity="warning")
        return record_id

    def current_doc(self) -> dict[str, Any] | None:
        record_id = self.selected_id()
        return None if record_id is None else self.db.get(self.TABLE, record_id)
