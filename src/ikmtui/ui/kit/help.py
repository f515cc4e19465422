"""F1 help: the key tables are made from the bindings active on the screen it is opened on, in the app's
language, so they cannot drift from the keys; the prose around them stays hand-written (``ui/help.<lang>.md``).

Listed: the bindings the app's own classes declare (the screen's, its focused widget's, the app's) plus the
command palette; Textual's generic ones (scrolling, focus next, copy) are left out, as are keys a screen's
``check_action`` hides at the moment (before sign-in, the screen keys).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from textual.binding import Binding

from ikmtui.i18n import _

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode
    from textual.screen import Screen


def declared_bindings(node: DOMNode) -> set[tuple[str, str]]:
    """(key, action) of every binding the node's ikmtui classes declare (Textual's own are left out)."""
    declared: set[tuple[str, str]] = set()
    for cls in type(node).__mro__:
        if not cls.__module__.startswith("ikmtui."):
            continue
        for item in cls.__dict__.get("BINDINGS", []):
            binding = item if isinstance(item, Binding) else Binding(*item)
            declared.update((key.strip(), binding.action) for key in binding.key.split(","))
    return declared


def shown_key(app: App[Any], binding: Binding) -> str:
    """A key as the help writes it: ``ctrl+q``, ``F1``, ``/``, ``↑`` (the footer's ``^q`` spelt out)."""
    shown = app.get_key_display(binding)
    if shown.startswith("^"):
        return "ctrl+" + shown[1:]
    return shown.upper() if re.fullmatch(r"f\d+", shown) else shown


def key_rows(screen: Screen[Any]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The screen's keys (its own first, then its focused widget's) and the keys that work everywhere (the
    app's), as (keys shown, what it does); several keys doing the same thing share a row."""
    app = screen.app
    declared: dict[int, set[tuple[str, str]]] = {}
    rows: dict[tuple[int, str], tuple[DOMNode, list[str], str]] = {}
    for key, active in screen.active_bindings.items():
        binding, node = active.binding, active.node
        if id(node) not in declared:
            declared[id(node)] = declared_bindings(node)
        description = binding.description
        if node is app and key == app.COMMAND_PALETTE_BINDING:
            description = _("Command palette: every screen and every action, searchable")
        elif (key, binding.action) not in declared[id(node)]:
            continue
        if description:
            rows.setdefault((id(node), binding.action), (node, [], description))[1].append(shown_key(app, binding))
    ordered = sorted(rows.values(), key=lambda row: 0 if row[0] is screen else 1)  # stable: keeps their order
    here = [(" / ".join(keys), text) for node, keys, text in ordered if node is not app]
    everywhere = [(" / ".join(keys), text) for node, keys, text in ordered if node is app]
    return here, everywhere


def _table(rows: list[tuple[str, str]]) -> str:
    header = f"| {_('key')} | {_('what it does')} |\n|---|---|\n"
    return header + "".join(f"| `{keys}` | {text} |\n" for keys, text in rows)


def key_tables(screen: Screen[Any]) -> str:
    """Markdown: the keys of ``screen`` under its title, then the keys that work everywhere."""
    here, everywhere = key_rows(screen)
    parts = []
    if here:
        title = f"{_('Keys on this screen')}: {screen.title}" if screen.title else _("Keys on this screen")
        parts.append(f"## {title}\n{_table(here)}")
    if everywhere:
        parts.append(f"## {_('Keys everywhere')}\n{_table(everywhere)}")
    return "\n".join(parts)


def help_text(prose: str, screen: Screen[Any]) -> str:
    """The hand-written help with the key tables of ``screen`` after its opening paragraphs."""
    head, mark, rest = prose.partition("\n## ")
    if not mark:
        return f"{prose.rstrip()}\n\n{key_tables(screen)}"
    return f"{head.rstrip()}\n\n{key_tables(screen)}\n## {rest}"
