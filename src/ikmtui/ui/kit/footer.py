"""The footer every screen shows: the keys that work here, drawn as one line by one widget.

Textual's own footer makes a widget per key and rebuilds them all whenever the bindings change (opening a
screen changes them several times: mount, focus, each widget arriving); styling those widgets kept a newly
opened screen busy for a second at 100,000 rows. This footer only repaints its line.
"""

from __future__ import annotations

import re
from typing import Any

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.widget import Widget

from ikmtui.i18n import N_, _

DIM = Style(dim=True)
#: What the command palette's key is called at the right end (Textual's own label is not translated).
PALETTE = N_("palette")
#: (key, key as shown, description, enabled) of one key in the footer.
Entry = tuple[str, str, str, bool]
#: The app's keys in the order they matter: help, quit, import, then the screens.
APP_ORDER = {"help": 0, "quit": 1, "import_file": 2, "switch_mode": 3}
#: The app's keys kept when the footer is short of room (the others are in the palette).
ESSENTIAL_KEYS = frozenset({"f1", "ctrl+q"})
ELLIPSIS: Entry = ("", "…", "", True)


def _width(entries: list[Entry] | list[Entry | None]) -> int:
    """Columns the entries take: " key description " each."""
    return sum(len(e[1]) + 2 + (len(e[2]) + 1 if e[2] else 0) for e in entries if e is not None)


def own_bindings(node: Any) -> set[tuple[str, str]]:
    """(key, action) of the bindings a node's own classes declare, not those it inherits from the kit."""
    own: set[tuple[str, str]] = set()
    for cls in type(node).__mro__:
        if not cls.__module__.startswith("ikmtui.") or cls.__module__.startswith("ikmtui.ui.kit."):
            continue
        for item in cls.__dict__.get("BINDINGS", []):
            binding = item if isinstance(item, Binding) else Binding(*item)
            own.update((key.strip(), binding.action) for key in binding.key.split(","))
    return own


class AppFooter(Widget):
    """The shown bindings of the focused widget, its screen and the app, and the command palette's key."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"app-footer--key", "app-footer--description"}
    DEFAULT_CSS = """
    AppFooter { dock: bottom; height: 1; background: $footer-background; color: $footer-foreground; }
    AppFooter > .app-footer--key { color: $footer-key-foreground; background: $footer-key-background;
        text-style: bold; }
    AppFooter > .app-footer--description { color: $footer-description-foreground;
        background: $footer-description-background; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._spans: list[tuple[int, int, str, bool]] = []  # (start, end, key, enabled) of each shown key

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: Any) -> None:
        self.refresh()

    def _entries(self) -> tuple[list[Entry], list[Entry], list[Entry], Entry | None]:
        """The shown bindings, one per action, ordered by importance: the screen's own keys (declared by its own
        class, not the kit's), the focused widget's, the kit's (search, columns); then the app's (help, quit,
        import), the screens'; and the palette's."""
        app, screen = self.app, self.screen
        ranked: list[tuple[int, int, Entry]] = []
        seen: set[str] = set()
        palette = None
        declared: dict[int, set[tuple[str, str]]] = {}
        for node, binding, enabled, _tooltip in screen.active_bindings.values():
            if app.ENABLE_COMMAND_PALETTE and binding.key == app.COMMAND_PALETTE_BINDING:
                palette = (binding.key, app.get_key_display(binding), _(PALETTE), enabled)
                continue
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            if id(node) not in declared:
                declared[id(node)] = own_bindings(node)
            if node is app:
                rank = APP_ORDER.get(binding.action.split("(")[0], len(APP_ORDER))
                group = 3
            elif node is screen:
                group = 0 if (binding.key, binding.action) in declared[id(node)] else 2
                rank = 0
            else:
                group, rank = 1, 0
            shown = app.get_key_display(binding)
            entry = (
                binding.key,
                shown.upper() if re.fullmatch(r"f\d+", shown) else shown,
                binding.description,
                enabled,
            )
            ranked.append((group + (node is app and binding.action.startswith("switch_mode")), rank, entry))
        ranked.sort(key=lambda item: item[:2])  # stable: each group keeps its declared order
        here = [entry for group, _rank, entry in ranked if group < 3]
        everywhere = [entry for group, _rank, entry in ranked if group == 3]
        modes = [entry for group, _rank, entry in ranked if group == 4]
        return here, everywhere, modes, palette

    def fitted(self, width: int) -> list[Entry]:
        """What fits in ``width``: everything; else the screen keys as one entry ("1-9 layar", it opens the
        palette); else without import; else without it; else the screen's keys (those that do not fit cut with
        "…") and Help. At 120 columns and more the screen's keys, Help and Quit fit on every screen but Credit."""
        here, others, modes, _palette = self._entries()
        collapsed: list[Entry] = []
        if modes:
            shown = f"{modes[0][1]}-{modes[-1][1]}" if len(modes) > 1 else modes[0][1]
            collapsed = [(self.app.COMMAND_PALETTE_BINDING, shown, _("screens"), True)]
        essential = [e for e in others if e[0] in ESSENTIAL_KEYS]
        for candidate in (
            here + others + modes,
            here + others + collapsed,
            here + essential + collapsed,
            here + essential,
        ):
            if _width(candidate) <= width:
                return candidate
        keep = essential[:1]  # help
        room = width - _width(keep) - 2
        cut: list[Entry] = []
        for entry in here:
            if _width([*cut, entry]) > room:
                return [*cut, ELLIPSIS, *keep]
            cut.append(entry)
        return cut + keep

    def render(self) -> Text:
        key_style = self.get_component_rich_style("app-footer--key", partial=True)
        text_style = self.get_component_rich_style("app-footer--description", partial=True)
        palette = self._entries()[-1]
        line = Text(no_wrap=True, overflow="crop", end="")
        spans: list[tuple[int, int, str, bool]] = []

        def add(key: str, shown: str, description: str, enabled: bool) -> None:
            start = len(line)
            if not key:  # the mark of keys left out
                line.append(f"{shown} ", text_style)
                return
            line.append(f" {shown} ", key_style if enabled else key_style + DIM)
            if description:
                line.append(f"{description} ", text_style if enabled else text_style + DIM)
            spans.append((start, len(line), key, enabled))

        room = self.size.width - (_width([palette]) + 1 if palette is not None else 0)
        for entry in self.fitted(room):
            add(*entry)
        if palette is not None:  # always seen, at the right end after a thin rule
            line.append(" " * max(0, room - len(line)) + "▕")
            add(*palette)
        self._spans = spans
        return line

    def on_click(self, event: events.Click) -> None:
        for start, end, key, enabled in self._spans:
            if start <= event.x < end:
                if enabled:
                    self.app.simulate_key(key)
                else:
                    self.app.bell()
                return
