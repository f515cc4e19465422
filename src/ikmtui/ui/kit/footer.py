"""The footer every screen shows: the keys that work here, drawn as one line by one widget.

Textual's own footer makes a widget per key and rebuilds them all whenever the bindings change (opening a
screen changes them several times: mount, focus, each widget arriving); styling those widgets kept a newly
opened screen busy for a second at 100,000 rows. This footer only repaints its line.
"""

from __future__ import annotations

from typing import Any

from rich.style import Style
from rich.text import Text
from textual import events
from textual.widget import Widget

from ikmtui.i18n import N_, _

DIM = Style(dim=True)
#: What the command palette's key is called at the right end (Textual's own label is not translated).
PALETTE = N_("palette")


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

    def _entries(self) -> tuple[list[tuple[str, str, str, bool]], tuple[str, str, str, bool] | None]:
        """(key, key as shown, description, enabled) of each shown binding, one per action; and the palette's."""
        app = self.app
        entries: list[tuple[str, str, str, bool]] = []
        seen: set[str] = set()
        palette = None
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if app.ENABLE_COMMAND_PALETTE and binding.key == app.COMMAND_PALETTE_BINDING:
                palette = (binding.key, app.get_key_display(binding), _(PALETTE), enabled)
            elif binding.show and binding.action not in seen:
                seen.add(binding.action)
                entries.append((binding.key, app.get_key_display(binding), binding.description, enabled))
        return entries, palette

    def render(self) -> Text:
        key_style = self.get_component_rich_style("app-footer--key", partial=True)
        text_style = self.get_component_rich_style("app-footer--description", partial=True)
        entries, palette = self._entries()
        line = Text(no_wrap=True, overflow="crop", end="")
        spans: list[tuple[int, int, str, bool]] = []

        def add(key: str, shown: str, description: str, enabled: bool) -> None:
            start = len(line)
            line.append(f" {shown} ", key_style if enabled else key_style + DIM)
            if description:
                line.append(f"{description} ", text_style if enabled else text_style + DIM)
            spans.append((start, len(line), key, enabled))

        for entry in entries:
            add(*entry)
        if palette is not None:  # always seen, at the right end after a thin rule; the other keys give way
            key, shown, description, enabled = palette
            room = self.size.width - (len(shown) + len(description) + 4)
            if len(line) > room:
                line.truncate(max(0, room - 1))
                line.append("…")
                spans = [span for span in spans if span[1] <= room - 1]
            line.append(" " * max(0, room - len(line)) + "▕")
            add(key, shown, description, enabled)
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
