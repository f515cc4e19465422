"""The Textual application: one mode per area, switched by single keys and from the command palette."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

import platformdirs
from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import ModalScreen, Screen
from textual.theme import ThemeProvider
from textual.timer import Timer
from textual.widget import AwaitMount

from ikmtui.clock import today as clock_today
from ikmtui.i18n import N_, _, get_language
from ikmtui.storage import Database, StorageError
from ikmtui.ui.audit.log import AuditScreen
from ikmtui.ui.credit.applications import CreditScreen
from ikmtui.ui.dashboard.overview import DashboardScreen
from ikmtui.ui.gallery.listings import GalleryScreen
from ikmtui.ui.kit.context import AppContext
from ikmtui.ui.kit.dialogs import ViewerScreen
from ikmtui.ui.kit.help import declared_bindings, help_text
from ikmtui.ui.kit.translate import TranslatedBindings
from ikmtui.ui.palette import Palette, RecordsProvider
from ikmtui.ui.registry.clusters import ClustersScreen
from ikmtui.ui.registry.table import IkmScreen
from ikmtui.ui.reports.catalog import ReportsScreen
from ikmtui.ui.results.facilitations import ResultsScreen
from ikmtui.ui.training.batches import TrainingScreen

HELP_DIR = Path(__file__).parent
#: Seconds without a key or a click after which the app counts as idle (see ``IkmApp._settle``).
IDLE_SECONDS = 2.0
#: The app's actions allowed before sign-in (textual's palette, quit and its ctrl+c hint; our help).
PUBLIC_ACTIONS = frozenset({"quit", "help", "command_palette", "help_quit", "bell"})
#: The app's actions that would take the officer away from a dialog (disabled while one is open).
LEAVING_ACTIONS = frozenset({"switch_mode", "import_file"})


#: (mode, key, English title) of every screen, in the order of their keys.
SCREENS = (
    ("dashboard", "1", N_("Dashboard")),
    ("ikm", "2", N_("IKM")),
    ("clusters", "3", N_("Clusters")),
    ("training", "4", N_("Training")),
    ("credit", "5", N_("Credit")),
    ("gallery", "6", N_("Gallery")),
    ("reports", "7", N_("Reports")),
    ("audit", "8", N_("Audit log")),
    ("results", "9", N_("Programme results")),
)


class IkmApp(TranslatedBindings, App[None]):
    """ikmtui: receives its database; everything it shows is read from it and every change goes through it."""

    CSS_PATH = "app.tcss"
    TITLE = "ikmtui"
    COMMANDS = App.COMMANDS | {RecordsProvider}
    #: The screen of each mode (the screens know nothing of this class: no import cycle).
    MODES: ClassVar[dict[str, str | Callable[[], Screen[Any]]]] = {
        "dashboard": DashboardScreen,
        "ikm": IkmScreen,
        "clusters": ClustersScreen,
        "training": TrainingScreen,
        "credit": CreditScreen,
        "gallery": GalleryScreen,
        "reports": ReportsScreen,
        "audit": AuditScreen,
        "results": ResultsScreen,
    }
    BINDINGS = [
        *[Binding(key, f"switch_mode('{mode}')", title, id=f"mode.{mode}") for mode, key, title in SCREENS],
        Binding("ctrl+o", "import_file", "Import spreadsheet", id="app.import"),
        Binding("f9", "office_settings", "Office settings", id="app.settings"),
        Binding("f1", "help", "Help", id="app.help"),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
    ]

    def __init__(
        self,
        db: Database,
        *,
        user: str | None = None,
        poll_seconds: float = 2.0,
        address: str | None = None,
        clock: Callable[[], date] = clock_today,
    ) -> None:
        from ikmtui.services import staff

        super().__init__()
        db.compact_in_background = True  # a save never waits for the journal to be folded into the snapshot
        self.db = db
        #: What the screens get from the app (database, officer, day, change signal): they never see this class.
        self.context = AppContext.create(self, db, clock)
        #: The name prefilled on the sign-in form (``--user``); the officer acted as only while sign-in is off.
        self.default_user = user or db.user
        #: The browser's address (under ``ikmtui serve``), counted by sign-in throttling; None in a terminal.
        self.address = address
        #: Who proved who they are in this session (sign-in or setting up the first administrator).
        self.signed_in_user: str | None = None
        #: Sign-in is on and nobody has signed in: nothing but the sign-in screen, Help and Quit.
        self.awaiting_sign_in = not staff.needs_setup(db)
        if self.awaiting_sign_in:
            db.user = ""  # nobody: every change is refused until an officer signs in
        self.user = db.user
        self.poll_seconds = poll_seconds
        self._poller: Timer | None = None
        self._office_open = False
        self._gc_threshold: tuple[int, ...] | None = None
        self._last_input = self._last_full_pass = 0.0

    def on_mount(self) -> None:
        from ikmtui.ui.signin.forms import SetupScreen

        self.title = "ikmtui · SMART"
        self.call_after_refresh(self._settle)
        for warning in self.db.warnings:  # a stale journal set aside, read-only media: said once, kept a while
            self.notify(warning, severity="warning", timeout=30)
        if self.awaiting_sign_in:
            self.require_sign_in()
            return
        self.open_office()
        if self.db.count("staff") == 0:
            self.push_screen(SetupScreen(self.db, self.set_up), lambda _values: self.show_officer())

    def open_office(self) -> None:
        """The screens, the IKM screen built ahead and the look for other officers' saves: only once the
        session may read data (signed in, or sign-in off)."""
        self._office_open = True
        self.show_officer()
        self.switch_mode("dashboard")
        self._prepare_registry()
        if self.poll_seconds and self._poller is None:
            self._poller = self.set_interval(self.poll_seconds, self.poll_database)

    def require_sign_in(self) -> None:
        """Show the sign-in screen and act as nobody until it succeeds (at start, or when sign-in was turned on
        elsewhere while this session was open without it)."""
        from ikmtui.services import staff
        from ikmtui.ui.signin.forms import SignInScreen

        self.awaiting_sign_in = True
        self.signed_in_user = None
        self.db.user = ""
        self.show_officer()
        known = staff.find(self.db, self.default_user)
        self.push_screen(
            SignInScreen(staff.SignIn(self.db, address=self.address), self.default_user if known else ""),
            self.signed_in,
        )

    def _prepare_registry(self) -> None:
        """Build the IKM screen behind the dashboard at start: it is the screen opened most, and its first
        opening (new styles to parse, widgets, 100,000 rows) took 0.2-0.4 s; at start it adds about 0.1 s to
        several, and its search keys are built while the dashboard is read."""
        if "ikm" not in self._screen_stacks:
            self._init_mode("ikm")

    def _settle(self) -> None:
        """Once started, keep the cycle collector's full passes out of the way of typing.

        What start-up made (modules, styles, the first screens) is frozen, as the database was on loading.
        A full pass still reads every document the current tables and rows point to (about 0.08 s at
        100,000 IKM): those passes run here when nobody has pressed a key for a while, not whenever the
        allocation counts say so (in the middle of a keystroke or a save). Young objects are collected as
        usual."""
        gc.collect(1)
        gc.freeze()
        self._gc_threshold = gc.get_threshold()
        gc.set_threshold(self._gc_threshold[0], self._gc_threshold[1], 1_000_000_000)
        self._last_input = self._last_full_pass = time.monotonic()
        self.set_interval(IDLE_SECONDS, self._collect_when_idle)

    def _collect_when_idle(self) -> None:
        now = time.monotonic()
        quiet = now - self._last_input >= IDLE_SECONDS and self._last_input > self._last_full_pass
        if quiet or now - self._last_full_pass >= 60:  # once per pause, or once a minute of steady typing
            gc.collect()
            self._last_full_pass = now

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self._last_input = time.monotonic()
        await super().on_event(event)

    def on_unmount(self) -> None:
        if self._gc_threshold is not None:  # as it was: the process may go on (tests, a web session)
            gc.set_threshold(*self._gc_threshold)
            gc.unfreeze()

    def signed_in(self, account: dict | None) -> None:
        if account is None:  # pragma: no cover - the sign-in screen only closes on success
            return
        self.set_up(account["username"])
        if not self._office_open:
            self.open_office()
        else:
            self.context.data_saved()

    def set_up(self, username: str) -> None:
        """``username`` proved who they are (signed in, or created the first administrator with a password)."""
        self.signed_in_user = username
        self.awaiting_sign_in = False
        self.db.user = username
        self.show_officer()

    def show_officer(self) -> None:
        """The officer in the header (every change is stamped with this name), and whether sign-in is on."""
        from ikmtui.services import staff

        self.user = self.db.user
        if self.awaiting_sign_in:
            self.sub_title = f"{_('not signed in')} · {self.db.path.name}"
            return
        account = staff.find(self.db, self.user)
        who = f"{account['name']} ({_(account['role'])})" if account else self.user
        if staff.needs_setup(self.db):
            who = f"{who} · {_('sign-in off')}"
        self.sub_title = f"{who} · {self.db.path.name}"

    # ------------------------------------------------------------------ data
    def poll_database(self) -> None:
        """Pick up what other officers saved; cheap when nothing changed, and never waits for another
        process's lock (the next look will do)."""
        from ikmtui.services import staff

        if self.awaiting_sign_in:
            return
        try:
            changed = self.db.refresh(wait=False)
        except StorageError as exc:
            self.notify(str(exc), severity="error", timeout=10)
            return
        if self.signed_in_user is None and not staff.needs_setup(self.db):
            self.require_sign_in()  # sign-in was turned on elsewhere: this session must prove who it is now
            return
        if changed:
            self.context.data_saved()  # the visible screen shows it now, the others when shown again

    def data_saved(self) -> None:
        """Announce a change made outside the screens (tests, another officer's save picked up)."""
        self.context.data_saved()

    @property
    def data_version(self) -> int:
        """How many changes this session has seen (its own saves and other officers')."""
        return self.context.version

    # ------------------------------------------------------------------ actions
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Before sign-in the app's own keys do nothing but Help, Quit and the palette (which then offers
        only those two): no screen keys, no import. Hidden from the footer too. Over a dialog the screen keys
        and import do nothing either: a digit typed into a form (a date, an amount) never leaves it."""
        if action in LEAVING_ACTIONS and isinstance(self.screen, ModalScreen):
            return False
        return not self.awaiting_sign_in or action in PUBLIC_ACTIONS

    def switch_mode(self, mode: str) -> AwaitMount:
        """No screen opens before sign-in, whichever way it is asked for."""
        if self.awaiting_sign_in and mode in self.MODES:
            return AwaitMount(self.screen, [])
        if mode == self.current_mode:  # its key inside a screen pushed there (a batch): back to the list
            while len(self.screen_stack) > 1 and not isinstance(self.screen, ModalScreen):
                self.pop_screen()
            return AwaitMount(self.screen, [])
        return super().switch_mode(mode)

    def action_help(self) -> None:
        path = HELP_DIR / f"help.{get_language()}.md"
        # the key tables from the bindings of the screen F1 was pressed on, the prose from the file
        self.push_screen(ViewerScreen(help_text(path.read_text(encoding="utf-8"), self.screen), markdown=True))

    def action_office_settings(self) -> None:
        from ikmtui.ui.settings.office import SettingsScreen

        if not self.awaiting_sign_in:
            self.push_screen(SettingsScreen())

    def action_import_file(self) -> None:
        from ikmtui.ui.importing.spreadsheet import ImportScreen

        if not self.awaiting_sign_in:
            self.push_screen(ImportScreen())

    def action_command_palette(self) -> None:
        """Textual's palette with a placeholder in the app's language."""
        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(
                Palette(placeholder=_("Search screens, actions and records (code or name)…"), id="--command-palette")
            )

    def search_themes(self) -> None:
        self.push_screen(Palette(providers=[ThemeProvider], placeholder=_("Search for themes…")))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette reaches every screen, every action of the screen it was opened from and of the other
        screens (the screen opened first), and the app's own; before sign-in only Help and Quit. Textual's own
        entries are replaced by the app's, in its language (no screenshot: the terminal and the browser have
        their own)."""
        if self.awaiting_sign_in:
            yield SystemCommand(_("Help"), "F1", self.action_help)
            yield SystemCommand(_("Quit"), _("key {key}", key="ctrl+q"), self.action_quit)
            return
        for mode, key, title in SCREENS:
            yield SystemCommand(
                _("Go to: {screen}", screen=_(title)), _("key {key}", key=key), partial(self.switch_mode, mode)
            )
        seen: set[str] = set()
        declared: dict[int, set[tuple[str, str]]] = {}
        for active in screen.active_bindings.values():
            binding, node = active.binding, active.node
            if id(node) not in declared:
                declared[id(node)] = declared_bindings(node)
            if (
                not binding.description
                or binding.action.startswith("switch_mode")
                or binding.action in seen
                or (binding.key, binding.action) not in declared[id(node)]
            ):
                continue  # Textual's generic keys (focus next, copy) are not the app's actions
            seen.add(binding.action)
            yield SystemCommand(
                binding.description,
                _("key {key}", key=self.get_key_display(binding)),
                partial(self.call_later, self.run_action, binding.action, node),
            )
        yield from self._other_screens_commands(screen)
        yield SystemCommand(_("Theme"), _("Change the colours of the app"), self.action_change_theme)
        yield SystemCommand(_("Screenshot"), _("Save a picture of the screen (SVG)"), self.take_screenshot)
        if screen.maximized is not None:
            yield SystemCommand(
                _("Restore size"), _("Show the other parts of the screen again"), screen.action_minimize
            )
        elif screen.focused is not None and screen.focused.allow_maximize:
            yield SystemCommand(_("Maximize"), _("Show the focused part on the whole screen"), screen.action_maximize)

    def take_screenshot(self) -> None:
        """A picture of the screen: in a browser a download; in a terminal a file in the user's Downloads folder,
        or their home folder where there is none (Textual's own assumed ~/Downloads and failed without it)."""
        from ikmtui.clock import now
        from ikmtui.io.guard import write_private
        from ikmtui.ui.kit.delivery import deliver_file, in_browser

        if in_browser(self):
            self.set_timer(0.1, self.deliver_screenshot)  # once the palette has closed
            return
        downloads = Path(platformdirs.user_downloads_dir())
        folder = downloads if downloads.is_dir() else Path.home()
        target = folder / f"ikmtui-{now():%Y%m%d-%H%M%S}.svg"
        try:
            write_private(target, self.export_screenshot().encode("utf-8"), self.db.path)
        except OSError as exc:
            self.notify(str(exc), severity="error", timeout=8)
            return
        deliver_file(self, target)

    def _other_screens_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The actions of the area screens other than ``screen``: "IKM: Add" from the dashboard switches to the
        IKM screen and adds there."""
        for mode, key, title in SCREENS:
            target = self.MODES[mode]
            if not isinstance(target, type) or isinstance(screen, target):
                continue
            seen: set[str] = set()
            for cls in target.__mro__:
                if not cls.__module__.startswith("ikmtui."):
                    continue
                for item in cls.__dict__.get("BINDINGS", []):
                    binding = item if isinstance(item, Binding) else Binding(*item)
                    if not binding.description or binding.action in seen or binding.key == "escape":
                        continue
                    seen.add(binding.action)
                    yield SystemCommand(
                        f"{_(title)}: {_(binding.description)}",
                        _("key {key} on the screen {screen}", key=binding.key.split(",")[0], screen=key),
                        partial(self._run_on_mode, mode, binding.action),
                    )

    def _run_on_mode(self, mode: str, action: str) -> None:
        """Switch to ``mode`` and run ``action`` on its screen once it is shown (its first opening composes it)."""

        def run() -> None:
            if self.current_mode == mode:
                self.call_later(self.run_action, action, self.screen)

        self.switch_mode(mode)
        self.call_after_refresh(run)


def make_app(
    db: Database,
    *,
    user: str | None = None,
    poll_seconds: float = 2.0,
    address: str | None = None,
    clock: Callable[[], date] = clock_today,
) -> IkmApp:
    """The one factory that builds the app from a database, used by the command line, the browser tabs and the
    tests; it installs the role guard on the database (once), so that every change the app makes is checked.
    ``user`` acts while sign-in is off and is the name prefilled on the sign-in form once it is on;
    ``address`` is the browser's, for sign-in throttling; ``clock`` gives the screens their day (the program's
    one clock, which honours ``IKMTUI_TODAY``; a test may pass its own)."""
    from ikmtui.services.staff import install_guard

    install_guard(db)
    return IkmApp(db, user=user, poll_seconds=poll_seconds, address=address, clock=clock)
