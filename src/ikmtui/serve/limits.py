"""What ``ikmtui serve`` lets in: how many browser tabs, from which address, and how much input each tab may send.

Light on purpose (no aiohttp, no textual-serve): the command line takes the tab defaults of its options from here
without loading the web server.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from ikmtui.i18n import _

#: Tabs open at once on one server, and from one address (each is an app process with the database in memory).
MAX_TABS = 20
MAX_TABS_PER_ADDRESS = 6
#: Largest websocket message a tab may send (a paste is one message).
MAX_MESSAGE_BYTES = 256 * 1024
#: Widest and tallest terminal an app is asked to draw (a resize to 100,000 columns would exhaust its memory).
MAX_TERMINAL_CELLS = 1000


class OpenTabs:
    """Tabs open by browser address, counted before their app starts: tabs opening at once cannot pass a limit."""

    def __init__(self, max_tabs: int = MAX_TABS, max_tabs_per_address: int = MAX_TABS_PER_ADDRESS) -> None:
        self.max_tabs = max_tabs
        self.max_tabs_per_address = max_tabs_per_address
        self._tabs: Counter[str] = Counter()

    def refusal(self, address: str) -> str | None:
        """Why a new tab from ``address`` cannot open now, or ``None``."""
        if sum(self._tabs.values()) >= self.max_tabs:
            return _(
                "Too many tabs are open on this server (at most {limit}); close one and open this page again",
                limit=self.max_tabs,
            )
        if self._tabs[address] >= self.max_tabs_per_address:
            return _(
                "Too many tabs are open from this computer (at most {limit}); close one and open this page again",
                limit=self.max_tabs_per_address,
            )
        return None

    def opened(self, address: str) -> None:
        self._tabs[address] += 1

    def closed(self, address: str) -> None:
        self._tabs[address] -= 1
        if self._tabs[address] <= 0:
            del self._tabs[address]


@dataclass(frozen=True)
class InputLimits:
    """What one tab may send: far above a person typing, pasting or moving the mouse; far below a flood.

    Beyond the rates, input is dropped; a tab whose dropped input passes the flood figures is closed.
    """

    bytes_per_second: float = 2048  # a mouse moved without pause sends ~700 bytes a second, typing far less
    burst_bytes: float = 32 * 1024  # a paste
    messages_per_second: float = 200
    burst_messages: float = 1000
    #: Dropped within one ``flood_seconds`` window: more is no person at a keyboard.
    flood_bytes: int = 128 * 1024
    flood_messages: int = 2000
    flood_seconds: float = 10.0


class Bucket:
    """A token bucket: ``rate`` per second, at most ``burst`` saved up."""

    def __init__(self, rate: float, burst: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.burst, self.clock = rate, burst, clock
        self.level = burst
        self.stamp = clock()

    def take(self, amount: float) -> bool:
        now = self.clock()
        self.level = min(self.burst, self.level + (now - self.stamp) * self.rate)
        self.stamp = now
        if amount > self.level:
            return False
        self.level -= amount
        return True


class InputLimiter:
    """One tab's input budget: messages and keystroke bytes; counts what it dropped."""

    def __init__(self, limits: InputLimits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.clock = clock
        self.messages = Bucket(limits.messages_per_second, limits.burst_messages, clock)
        self.bytes = Bucket(limits.bytes_per_second, limits.burst_bytes, clock)
        self.dropped_messages = self.dropped_bytes = 0
        self.window = clock()

    def allow(self, size: int = 0) -> bool:
        """Whether a message of ``size`` keystroke bytes (0: not keys) may pass now."""
        if self.messages.take(1) and (not size or self.bytes.take(size)):
            return True
        now = self.clock()
        if now - self.window > self.limits.flood_seconds:  # drops long ago (a wild mouse) are forgotten
            self.window, self.dropped_messages, self.dropped_bytes = now, 0, 0
        self.dropped_messages += 1
        self.dropped_bytes += size
        return False

    @property
    def flooding(self) -> bool:
        return self.dropped_bytes > self.limits.flood_bytes or self.dropped_messages > self.limits.flood_messages
