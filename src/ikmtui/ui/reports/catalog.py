"""Laporan: pick a report and a period with keys, read it, export it to a file.

Keys: ``o i k t c g`` choose the report (overview, IKM, clusters, training, credit, gallery), ``p`` the profile
of one IKM (asks for its code); ``m u y a`` choose a month, quarter, year or all time, ``[`` and ``]`` step to
the previous or next one, ``e`` types a period; ``x`` exports what is shown (the file name's extension picks
the format: .html, .svg, .md, .txt, .json or .xlsx; never the database or its files, an existing file only after
a yes; in a browser only the file name counts and the file is sent as a download). Reports are counted in a
worker thread, so a large database never freezes the screen.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Header, Static

from ikmtui.i18n import _
from ikmtui.io.guard import FileExists
from ikmtui.reports.catalog import REPORTS, build_report, write_report
from ikmtui.reports.common import Report, tables_of
from ikmtui.reports.period import Period, parse_period
from ikmtui.reports.profile import find_ikm
from ikmtui.services.documents import office_of
from ikmtui.storage import StorageError
from ikmtui.ui.kit.delivery import deliver_file, in_browser
from ikmtui.ui.kit.dialogs import ConfirmScreen, PromptScreen
from ikmtui.ui.kit.footer import AppFooter
from ikmtui.ui.kit.screen import BaseScreen

#: Report name -> its key on this screen.
REPORT_KEYS = {
    "overview": "o",
    "ikm": "i",
    "clusters": "k",
    "training": "t",
    "credit": "c",
    "gallery": "g",
    "profile": "p",
    "kinerja": "n",
}
#: The folder of reports written for a browser's download, made at the first one.
_DOWNLOADS: list[Path] = []
PERIOD_KEYS = (("month", "m", "Month"), ("quarter", "u", "Quarter"), ("year", "y", "Year"), ("all", "a", "All time"))


class ReportsScreen(BaseScreen):
    TITLE_MSG = "Reports"
    BINDINGS = [
        Binding("o", "report('overview')", "Overview", id="reports.overview", show=False),
        Binding("i", "report('ikm')", "IKM registry", id="reports.ikm", show=False),
        Binding("k", "report('clusters')", "Clusters report", id="reports.clusters", show=False),
        Binding("t", "report('training')", "Training report", id="reports.training", show=False),
        Binding("c", "report('credit')", "Credit report", id="reports.credit", show=False),
        Binding("g", "report('gallery')", "Gallery report", id="reports.gallery", show=False),
        Binding("p", "profile", "IKM profile", id="reports.profile", show=False),
        Binding("n", "report('kinerja')", "Kinerja report", id="reports.kinerja", show=False),
        Binding("m", "period_kind('month')", "Month", id="reports.month", show=False),
        Binding("u", "period_kind('quarter')", "Quarter", id="reports.quarter", show=False),
        Binding("y", "period_kind('year')", "Year", id="reports.year", show=False),
        Binding("a", "period_kind('all')", "All time", id="reports.all", show=False),
        Binding("left_square_bracket", "shift(-1)", "Previous period", id="reports.previous"),
        Binding("right_square_bracket", "shift(1)", "Next period", id="reports.next"),
        Binding("e", "type_period", "Type a period", id="reports.type_period"),
        Binding("x", "export", "Export", id="reports.export"),
    ]
    DEFAULT_CSS = """
    ReportsScreen #reports-body { height: 1fr; }
    ReportsScreen #menu { width: 30; padding: 0 1; border-right: vkey $primary-darken-2; }
    ReportsScreen #report-scroll { width: 1fr; }
    ReportsScreen #report { padding: 0 1; }
    ReportsScreen #status { height: 1; color: $text-muted; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.name_shown = "overview"
        self.ikm_code: str | None = None
        self.period: Period = Period.current("year", self.today())
        self.report: Report | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="reports-body"):
            yield Static(id="menu")
            with VerticalScroll(id="report-scroll"):
                yield Static(id="report")
        yield Static("", id="status")
        yield AppFooter()

    def on_mount(self) -> None:
        self.query_one("#report-scroll", VerticalScroll).focus()

    # ------------------------------------------------------------------ showing
    def data_changed(self) -> None:
        super().data_changed()
        self.refresh_report()

    def _menu(self) -> Text:
        text = Text()
        text.append(_("Report") + "\n", style="bold")
        for name, title in REPORTS.items():
            chosen = name == self.name_shown
            text.append(f"{'▶' if chosen else ' '} {REPORT_KEYS[name]}  ", style="bold" if chosen else "")
            text.append(_(title) + "\n", style="bold reverse" if chosen else "")
        text.append("\n" + _("Period") + "\n", style="bold")
        for kind, key, label in PERIOD_KEYS:
            chosen = kind == self.period.kind
            text.append(f"{'▶' if chosen else ' '} {key}  ", style="bold" if chosen else "")
            text.append(_(label) + "\n", style="bold reverse" if chosen else "")
        text.append("  [ ]  " + _("previous / next") + "\n")
        text.append("  e  " + _("type a period") + "\n")
        text.append("\n  x  " + _("export to a file") + "\n", style="bold")
        text.append("\n" + self.period.label + "\n", style="bold cyan")
        if self.name_shown == "profile" and self.ikm_code:
            text.append(self.ikm_code + "\n", style="bold cyan")
        return text

    def refresh_report(self) -> None:
        self.query_one("#menu", Static).update(self._menu())
        self.query_one("#status", Static).update(_("Counting…"))
        self._build(self.name_shown, self.period, self.ikm_code)

    @work(thread=True, exclusive=True, group="report")
    def _build(self, name: str, period: Period, ikm: str | None) -> None:
        try:
            report = build_report(tables_of(self.db), name, period, self.today(), ikm=ikm)
        except (ValueError, KeyError, StorageError) as exc:
            self.app.call_from_thread(self._failed, exc)
            return
        self.app.call_from_thread(self._show, report)

    def _show(self, report: Report) -> None:
        self.report = report
        self.query_one("#report", Static).update(report.renderable())
        self.query_one("#status", Static).update(
            _(
                "{report} · {period} · x export · e period · [ ] previous/next",
                report=report.document.title,
                period=report.period.label,
            )
        )

    def _failed(self, exc: Exception) -> None:
        self.query_one("#status", Static).update(str(exc))
        self.report_error(exc)

    # ------------------------------------------------------------------ choosing
    def action_report(self, name: str) -> None:
        self.name_shown = name
        self.ikm_code = None
        self.refresh_report()

    def action_profile(self) -> None:
        def chosen(code: str | None) -> None:
            if code is None or not code.strip():
                return
            try:
                find_ikm({"ikm": self.db.docs("ikm")}, code)
            except ValueError as exc:  # an unknown code leaves the report shown as it was
                self.report_error(exc)
                return
            self.name_shown = "profile"
            self.ikm_code = code.strip()
            self.refresh_report()

        self.app.push_screen(
            PromptScreen(
                _("Profile of which IKM? Type its code, e.g. IKM-000123"), self.ikm_code or "", placeholder="IKM-000123"
            ),
            chosen,
        )

    def action_period_kind(self, kind: str) -> None:
        self.period = Period.current(kind, self.today())
        self.refresh_report()

    def action_shift(self, steps: int) -> None:
        if self.period.start is None:
            self.notify(_("All time has no previous or next period"), severity="warning")
            return
        self.period = self.period.shift(steps)
        self.refresh_report()

    def action_type_period(self) -> None:
        def chosen(text: str | None) -> None:
            if text is None:
                return
            try:
                self.period = parse_period(text, self.today())
            except ValueError as exc:
                self.report_error(exc)
                return
            self.refresh_report()

        self.app.push_screen(
            PromptScreen(_("Which period? 2026-11 (month), 2026-Q4 (quarter), 2026 (year) or all"), self.period.key),
            chosen,
        )

    # ------------------------------------------------------------------ exporting
    def default_file_name(self) -> str:
        name = self.name_shown if self.name_shown != "profile" else f"profil-{self.ikm_code or 'ikm'}"
        return f"laporan-{name}-{self.period.key}.html".replace("/", "-")

    def action_export(self) -> None:
        report = self.report
        if report is None:
            self.notify(_("The report is still being counted"), severity="warning")
            return

        def chosen(path: str | None) -> None:
            if path is None or not path.strip():
                return
            target = Path(path.strip()).expanduser()
            if in_browser(self.app):
                # The file goes to the officer's browser: on the server it is only a file name in a folder of
                # this app's own, so a tab can neither pick nor overwrite a file of the server.
                target = self._download_folder() / (target.name or self.default_file_name())
            self._write(report, target, force=in_browser(self.app))

        self.app.push_screen(
            PromptScreen(
                _("Export to which file? The extension picks the format: .html, .svg, .md, .txt, .json or .xlsx"),
                self.default_file_name(),
            ),
            chosen,
        )

    def _write(self, report: Report, target: Path, *, force: bool) -> None:
        """Write through the file guard: never onto the database or its parts; an existing file only after the
        officer said yes to overwriting it."""
        try:
            office = office_of(self.db) if target.suffix.casefold() == ".pdf" else None  # the letterhead
            written = write_report(report, target, db_path=self.db.path, force=force, office=office, today=self.today())
        except FileExists:

            def answered(yes: bool | None) -> None:
                if yes:
                    self._write(report, target, force=True)

            self.app.push_screen(
                ConfirmScreen(_("{path} already exists. Overwrite it?", path=target), yes=_("Overwrite")), answered
            )
            return
        except (ValueError, OSError) as exc:
            self.report_error(exc)
            return
        if in_browser(self.app):  # the file is on the server: hand it to the officer's browser
            deliver_file(self.app, written)
        else:
            self.notify(_("Wrote {path}", path=written.resolve()), timeout=8)

    @staticmethod
    def _download_folder() -> Path:
        """An owner-only folder of this process for files sent to a browser (each tab is its own process); kept
        while the app runs, as the browser reads a download while it happens, removed at exit."""
        if not _DOWNLOADS:
            folder = Path(tempfile.mkdtemp(prefix="ikmtui-reports-"))
            atexit.register(shutil.rmtree, folder, True)
            _DOWNLOADS.append(folder)
        return _DOWNLOADS[0]
