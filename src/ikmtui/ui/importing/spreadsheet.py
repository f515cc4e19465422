"""Import a spreadsheet from the app: pick a file, see its first rows and what is wrong, then import.

Push it from anywhere in the app::

    from ikmtui.ui.importing.spreadsheet import ImportScreen
    self.app.push_screen(ImportScreen())                      # start in the current folder
    self.app.push_screen(ImportScreen(path="~/data/ikm.xlsx", kind="ikm"))

The screen dismisses with the last :class:`~ikmtui.io.importer.ImportReport` (or ``None`` when closed before
anything was checked). After a successful import it says so on the app's change signal (``AppContext.data_saved``),
so the visible screen shows the new records.

Reading and checking run in a thread worker (a 10,000-row workbook takes seconds) with a progress bar; the
same :mod:`ikmtui.io.importer` functions as ``ikmtui import`` do the work, so the app and the command line
accept and refuse exactly the same rows.

Which files it reads: in a terminal, any the officer picks in the folder tree or types (the officer's own disk),
each checked by :func:`ikmtui.io.guard.regular_file` (no FIFO or device, at most ``MAX_IMPORT_BYTES``). In a
browser (``ikmtui serve``) the disk is the server's, so there is no tree and no path to type: only the
spreadsheets uploaded through the page, in ``paths.uploads_dir(db)`` beside the database, are listed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    DirectoryTree,
    Input,
    OptionList,
    ProgressBar,
    Select,
    Static,
)
from textual.widgets.option_list import Option

from ikmtui import paths
from ikmtui.i18n import _
from ikmtui.io import guard
from ikmtui.io.columns import KINDS
from ikmtui.io.importer import (
    EXCEL_SUFFIXES,
    MAX_IMPORT_BYTES,
    ImportReport,
    Source,
    import_source,
    kind_label,
    load,
    plan,
    problem_table,
    summary,
)
from ikmtui.ui.kit import delivery
from ikmtui.ui.kit.context import AppContext, context_of
from ikmtui.ui.kit.dialogs import ConfirmScreen
from ikmtui.ui.kit.translate import TranslatedBindings

if TYPE_CHECKING:
    from ikmtui.storage import Database

SPREADSHEET_SUFFIXES = (*EXCEL_SUFFIXES, ".csv")
PREVIEW_ROWS = 10
SHOWN_PROBLEMS = 100
AUTO = "auto"
#: How often a browser's list of uploaded files is read again (an upload may arrive while the screen is open).
UPLOADS_REFRESH_SECONDS = 2.0
#: At most this many uploaded files are listed, newest first.
UPLOADS_SHOWN = 500


def _spreadsheet(path: Path) -> bool:
    return path.suffix.lower() in SPREADSHEET_SUFFIXES


def uploaded_spreadsheets(folder: Path) -> list[Path]:
    """The spreadsheets uploaded into ``folder``, newest first: regular files only, so no link leads out of it."""
    found: list[tuple[float, str, Path]] = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith(".") or not _spreadsheet(Path(entry.name)):
                    continue
                try:
                    if entry.is_file(follow_symlinks=False):
                        found.append((-entry.stat(follow_symlinks=False).st_mtime, entry.name, Path(entry.path)))
                except OSError:  # removed meanwhile
                    continue
    except OSError:  # no upload yet: the folder does not exist
        return []
    return [path for *_key, path in sorted(found)[:UPLOADS_SHOWN]]


class SpreadsheetTree(DirectoryTree):
    """Folders and the .xlsx / .csv files in them (hidden ones left out)."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [p for p in paths if not p.name.startswith(".") and (self._safe_is_dir(p) or _spreadsheet(p))]


class PathSuggester(Suggester):
    """Completes a typed path with the first folder or spreadsheet whose name starts with what was typed."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        folder, prefix = os.path.split(os.path.expanduser(value))
        try:
            entries = sorted(Path(folder or ".").iterdir())
        except OSError:
            return None
        for entry in entries:
            if not entry.name.startswith(prefix) or entry.name.startswith(".") or entry.name == prefix:
                continue
            is_dir = entry.is_dir()
            if is_dir or _spreadsheet(entry):
                return value + entry.name[len(prefix) :] + ("/" if is_dir else "")
        return None


class ImportScreen(TranslatedBindings, ModalScreen[ImportReport | None]):
    """Pick a spreadsheet, check it (preview and report), import it in one transaction."""

    BINDINGS = [
        Binding("ctrl+s", "import", "Import", id="import.run", priority=True),
        Binding("ctrl+r", "check", "Check", id="import.check", priority=True),
        Binding("escape", "close", "Close", id="import.close"),
    ]
    DEFAULT_CSS = """
    ImportScreen { align: center middle; }
    ImportScreen > #import-box { width: 96%; height: 94%; border: thick $primary; background: $surface;
        padding: 0 1; }
    ImportScreen #import-title { text-style: bold; height: 1; }
    ImportScreen #import-body { height: 1fr; }
    ImportScreen #import-tree, ImportScreen #import-uploads { width: 34; height: 1fr; border-right: solid $panel; }
    ImportScreen #import-main { width: 1fr; height: 1fr; padding-left: 1; }
    ImportScreen #import-path { width: 1fr; }
    ImportScreen #import-options { height: auto; }
    ImportScreen #import-kind { width: 36; }
    ImportScreen #import-info { height: auto; color: $text-muted; }
    ImportScreen #import-preview { height: auto; max-height: 12; }
    ImportScreen #import-report-box { height: 1fr; }
    ImportScreen #import-report { height: auto; }
    ImportScreen #import-progress { height: 1; }
    ImportScreen #import-buttons { height: auto; align-horizontal: right; }
    ImportScreen #import-buttons Button { margin-left: 1; }
    """

    def __init__(
        self, path: str | Path | None = None, *, kind: str | None = None, folder: str | Path | None = None
    ) -> None:
        super().__init__()
        self.initial_path = str(path) if path else ""
        self.initial_kind = kind if kind in KINDS else AUTO
        start = Path(folder) if folder else (Path(self.initial_path).expanduser().parent if path else Path.cwd())
        self.folder = start if start.is_dir() else Path.cwd()
        self.source: Source | None = None
        self.report: ImportReport | None = None
        self.busy = False
        self.checked_with: tuple[str | None, bool] | None = None  # (kind, update) of the last check
        self.web = False  # in a browser: only uploaded files (set in compose, when the app is known)
        self.picked: Path | None = None  # the uploaded file chosen, in a browser

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        self.web = delivery.in_browser(self.app)
        with Vertical(id="import-box"):
            yield Static(_("Import from a spreadsheet (.xlsx, .csv)"), id="import-title")
            with Horizontal(id="import-body"):
                if self.web:  # the server's folders are not the officer's: only what the page uploaded
                    yield OptionList(id="import-uploads")
                else:
                    yield SpreadsheetTree(self.folder, id="import-tree")
                with Vertical(id="import-main"):
                    if not self.web:
                        yield Input(
                            self.initial_path,
                            placeholder=_("Path of the .xlsx or .csv file (tab completes)"),
                            suggester=PathSuggester(),
                            id="import-path",
                        )
                    with Horizontal(id="import-options"):
                        yield Select(
                            [(_("Recognise from the headers"), AUTO), *[(kind_label(k), k) for k in KINDS]],
                            value=self.initial_kind,
                            allow_blank=False,
                            id="import-kind",
                        )
                        yield Checkbox(_("Update existing records"), id="import-update")
                        yield Checkbox(_("Skip invalid rows"), id="import-skip")
                    yield Static(
                        _(
                            "Send the spreadsheet to the server with the upload button of this page; the "
                            "files sent are listed on the left: choose one to check it."
                        )
                        if self.web
                        else _("Choose a file on the left or type its path, then enter."),
                        id="import-info",
                    )
                    yield DataTable(id="import-preview", zebra_stripes=True, cursor_type="row")
                    with VerticalScroll(id="import-report-box"):
                        yield Static("", id="import-report")
                    yield ProgressBar(id="import-progress", show_eta=False)
            with Horizontal(id="import-buttons"):
                yield Button(_("Check") + " (ctrl+r)", id="import-check")
                yield Button(_("Import") + " (ctrl+s)", variant="primary", id="import-run")
                yield Button(_("Close") + " (esc)", id="import-close")

    def on_mount(self) -> None:
        self.query_one("#import-progress", ProgressBar).display = False
        if self.web:
            self.refresh_uploads()
            self.set_interval(UPLOADS_REFRESH_SECONDS, self.refresh_uploads)
            self.query_one("#import-uploads", OptionList).focus()
            self.picked = self._uploaded(Path(self.initial_path)) if self.initial_path else None
            if self.picked is not None:
                self.action_check()
            return
        self.query_one("#import-path", Input).focus()
        if self.initial_path:
            self.action_check()

    # ------------------------------------------------------------------ values
    @property
    def context(self) -> AppContext:
        return context_of(self)

    @property
    def db(self) -> Database:
        return self.context.db

    @property
    def uploads(self) -> Path:
        """Where a browser's uploads arrive: ``NAME.json.uploads/`` beside the database."""
        return paths.uploads_dir(Path(self.db.path))

    def _uploaded(self, path: Path) -> Path | None:
        """``path`` if it is a file right inside the uploads folder (not a link out of it), else ``None``."""
        candidate = path if path.is_absolute() else self.uploads / path
        if candidate.is_symlink() or candidate.resolve().parent != self.uploads.resolve():
            return None
        return candidate.resolve()

    def refresh_uploads(self) -> None:
        """List the uploaded spreadsheets again, keeping the one highlighted."""
        uploads = self.query_one("#import-uploads", OptionList)
        files = uploaded_spreadsheets(self.uploads)
        names = [f.name for f in files]
        shown = [uploads.get_option_at_index(i).id for i in range(uploads.option_count)]
        if names == shown or (not names and shown == [None]):
            return
        highlighted = uploads.highlighted_option.id if uploads.highlighted_option is not None else None
        uploads.clear_options()
        if not files:
            uploads.add_option(Option(_("No uploaded spreadsheet yet"), disabled=True))
            return
        uploads.add_options([Option(name, id=name) for name in names])
        if highlighted in names:
            uploads.highlighted = names.index(highlighted)

    def chosen_path(self) -> Path | None:
        if self.web:
            return self.picked
        text = self.query_one("#import-path", Input).value.strip()
        return Path(text).expanduser() if text else None

    def chosen_kind(self) -> str | None:
        value = self.query_one("#import-kind", Select).value
        return None if value == AUTO or value is Select.NULL else str(value)

    def options(self) -> tuple[bool, bool]:
        return self.query_one("#import-update", Checkbox).value, self.query_one("#import-skip", Checkbox).value

    # ------------------------------------------------------------------ events
    @on(DirectoryTree.FileSelected, "#import-tree")
    def _file_picked(self, event: DirectoryTree.FileSelected) -> None:
        self.query_one("#import-path", Input).value = str(event.path)
        self.action_check()

    @on(OptionList.OptionSelected, "#import-uploads")
    def _upload_picked(self, event: OptionList.OptionSelected) -> None:
        if event.option_id is None:
            return
        self.picked = self._uploaded(self.uploads / event.option_id)
        if self.picked is None:
            self.notify(_("This file cannot be read; upload it again"), severity="error")
            return
        self.action_check()

    @on(Input.Submitted, "#import-path")
    def _path_entered(self) -> None:
        self.action_check()

    @on(Select.Changed, "#import-kind")
    @on(Checkbox.Changed, "#import-update")
    def _option_changed(self) -> None:
        if not self.is_mounted or self.checked_with is None:
            return
        if (self.chosen_kind(), self.options()[0]) != self.checked_with:
            self.action_check()

    @on(Button.Pressed, "#import-check")
    def _check_pressed(self) -> None:
        self.action_check()

    @on(Button.Pressed, "#import-run")
    def _import_pressed(self) -> None:
        self.action_import()

    @on(Button.Pressed, "#import-close")
    def _close_pressed(self) -> None:
        self.action_close()

    # ------------------------------------------------------------------ actions
    def action_close(self) -> None:
        if self.busy:
            self.notify(_("Wait until the import has finished"), severity="warning")
            return
        self.dismiss(self.report)

    def _refused(self, path: Path) -> bool:
        """Whether ``path`` is refused before any reading (a FIFO, a device, a file over the size limit); the
        reason is shown. A missing file is left to the importer, which says so."""
        try:
            if path.exists():
                guard.regular_file(path, MAX_IMPORT_BYTES)
        except guard.FileRefused as exc:
            self._failed(str(exc), None)
            return True
        return False

    def action_check(self) -> None:
        path = self.chosen_path()
        if path is None:
            self.notify(_("Choose a file first"), severity="warning")
            return
        if self._refused(path):
            return
        update, _skip = self.options()
        self.checked_with = (self.chosen_kind(), update)
        self._begin()
        self.check_file(path, self.chosen_kind(), update)

    def action_import(self) -> None:
        if self.busy:
            return
        path = self.chosen_path()
        if path is None:
            self.notify(_("Choose a file first"), severity="warning")
            return
        if self._refused(path):
            return
        update, skip = self.options()
        kind = self.chosen_kind()
        if update:

            def answered(yes: bool | None) -> None:
                if yes:
                    self._begin()
                    self.import_file(path, kind, update, skip)

            self.app.push_screen(
                ConfirmScreen(
                    _(
                        "Records already in the database will be overwritten with the "
                        "filled-in cells of the sheet. Import?"
                    )
                ),
                answered,
            )
            return
        self._begin()
        self.import_file(path, kind, update, skip)

    # ------------------------------------------------------------------ workers
    def _progress(self) -> Any:
        def progress(phase: str, done: int, total: int) -> None:
            self.app.call_from_thread(self._advance, phase, done, total)

        return progress

    @work(thread=True, exclusive=True, group="import")
    def check_file(self, path: Path, kind: str | None, update: bool) -> None:
        try:
            source = load(path, kind=kind, progress=self._progress())
        except Exception as exc:  # not a spreadsheet, empty, no headers: one message, never a traceback
            self.app.call_from_thread(self._failed, str(exc), None)
            return
        self.app.call_from_thread(self._show_source, source)
        try:
            report = plan(
                self.db.docs,
                source,
                update=update,
                user=self.context.officer,
                progress=self._progress(),
                db_path=self.db.path,
            )
        except Exception as exc:
            self.app.call_from_thread(self._failed, str(exc), source)
            return
        report.dry_run = True
        self.app.call_from_thread(self._show_report, report)

    @work(thread=True, exclusive=True, group="import")
    def import_file(self, path: Path, kind: str | None, update: bool, skip: bool) -> None:
        try:
            source = load(path, kind=kind, progress=self._progress())
            self.app.call_from_thread(self._show_source, source)
            report = import_source(self.db, source, skip_invalid=skip, update=update, progress=self._progress())
        except Exception as exc:  # storage refusals (locked, permission) included: shown, never raised
            self.app.call_from_thread(self._failed, str(exc), self.source)
            return
        self.app.call_from_thread(self._imported, report)

    # ------------------------------------------------------------------ showing (main thread)
    def _begin(self) -> None:
        self.busy = True
        bar = self.query_one("#import-progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True

    def _end(self) -> None:
        self.busy = False
        self.query_one("#import-progress", ProgressBar).display = False

    def _advance(self, phase: str, done: int, total: int) -> None:
        self.query_one("#import-progress", ProgressBar).update(total=total or None, progress=done)

    def _failed(self, message: str, source: Source | None) -> None:
        self._end()
        self.source = source
        if source is None:
            self.query_one("#import-preview", DataTable).clear(columns=True)
            self.query_one("#import-info", Static).update("")
        self.query_one("#import-report", Static).update(Text(message, style="bold red"))
        self.notify(message, severity="error", timeout=8)

    def _show_source(self, source: Source) -> None:
        self.source = source
        info = _(
            "Sheet {sheet}, headers on row {row}, {rows} rows: {kind}. Columns used: {used}",
            sheet=source.sheet,
            row=source.header_row,
            rows=len(source.rows),
            kind=kind_label(source.kind),
            used=len(source.fields),
        )
        if source.ignored:
            info += "\n" + _("Columns not used: {names}", names=", ".join(source.ignored))
        self.query_one("#import-info", Static).update(Text(info))
        table = self.query_one("#import-preview", DataTable)
        table.clear(columns=True)
        headers, rows = source.preview(PREVIEW_ROWS)
        table.add_column(_("Row"), key="__row")
        for i, header in enumerate(headers):
            used = i in source.fields
            table.add_column(Text(header or "?", style="bold" if used else "dim strike"), key=f"c{i}")
        for number, cells in rows:
            table.add_row(str(number), *[Text(c) for c in cells])

    def _show_report(self, report: ImportReport) -> None:
        self._end()
        self.report = report
        style = "bold red" if report.problems else "bold green"
        parts: list[Any] = [Text(summary(report), style=style)]
        parts += [Text(note) for note in report.notes]
        if report.problems:
            parts.append(problem_table(report, SHOWN_PROBLEMS))
        self.query_one("#import-report", Static).update(Group(*parts))

    def _imported(self, report: ImportReport) -> None:
        self._show_report(report)
        if report.written:
            self.notify(_("Imported: {new} new, {updated} updated", new=report.inserted, updated=report.updated))
            self.context.data_saved()
        elif report.problems:
            self.notify(_("Nothing was imported: see the problems listed"), severity="error", timeout=8)
