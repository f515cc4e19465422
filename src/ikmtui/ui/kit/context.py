"""What a screen needs from the running app, as one small typed object: the database, the officer acting, the
day (one clock) and a signal that data changed.

``make_app`` (``ui/app.py``) assembles it; screens reach it through :func:`context_of` (``BaseScreen.context``),
never through the App class, so no module of an area imports ``ui/app.py``. A screen subscribes to ``changed`` in
``on_mount`` (``BaseScreen`` does) and is told after a save made here or one picked up from another process.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from textual.signal import Signal

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from ikmtui.storage import Database


@dataclass(eq=False)
class AppContext:
    """The database, the clock and the change signal one app session shares with its screens."""

    db: Database
    #: Today's date: ``ikmtui.clock.today`` in the app (``IKMTUI_TODAY`` honoured), anything in a test.
    clock: Callable[[], date]
    #: Published with the new :attr:`version` after every save (here or by another process).
    changed: Signal[int]
    #: Counts the changes seen, so a screen shown again knows whether it missed one.
    version: int = 0

    @classmethod
    def create(cls, owner: DOMNode, db: Database, clock: Callable[[], date]) -> AppContext:
        """A context whose signal belongs to ``owner`` (the app: a signal is published only while it runs)."""
        return cls(db, clock, Signal(owner, "data-changed"))

    @property
    def officer(self) -> str:
        """The officer every change is stamped with ("" while nobody has signed in)."""
        return self.db.user

    def today(self) -> date:
        return self.clock()

    def data_saved(self) -> None:
        """Something was saved: count it and tell the subscribed screens."""
        self.version += 1
        self.changed.publish(self.version)


@runtime_checkable
class HasContext(Protocol):
    """An app that hands its screens an :class:`AppContext`."""

    @property
    def context(self) -> AppContext: ...


def context_of(node: DOMNode) -> AppContext:
    """The context of the app ``node`` runs in."""
    app = node.app
    if not isinstance(app, HasContext):
        raise TypeError(f"{type(app).__name__} does not hand its screens an AppContext")
    return app.context
