"""Bar charts drawn with block characters, on scales that tell the truth.

A bar is as long as its value on the scale to an eighth of a character (the partial blocks ``▏``-``▉`` across,
``▁``-``▇`` up); the scale runs from 0 to a round top with round steps (whole numbers for counts), and the rows or
columns of the ticks are the very ones a bar of that value reaches. Each horizontal bar also says its value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from ikmtui.i18n import _, format_count, get_language

ACROSS = " ▏▎▍▌▋▊▉█"
UP = " ▁▂▃▄▅▆▇█"


def nice_step(top: float, intervals: int, *, whole: bool) -> float:
    """The smallest round step (1, 2, 2.5 or 5 times a power of ten; whole for counts) with which ``intervals``
    steps reach ``top``."""
    if top <= 0:
        return 1.0
    raw = top / intervals
    power = 10.0 ** math.floor(math.log10(raw))
    for factor in (1.0, 2.0, 2.5, 5.0, 10.0):
        step = factor * power
        if whole and (step < 1 or step != int(step)):
            continue
        if step * intervals >= top - 1e-9:
            return step
    return 10.0 * power if not whole else max(1.0, math.ceil(10.0 * power))


def tick_text(value: float, step: float) -> str:
    """A tick or a value: whole numbers with the thousands separator, others with one decimal in the language's
    way (``2,5`` in Indonesian)."""
    if step == int(step):
        return format_count(value)
    text = f"{value:.1f}"
    return text if get_language() == "en" else text.replace(".", ",")


@dataclass
class Scale:
    step: float
    intervals: int

    @property
    def top(self) -> float:
        return self.step * self.intervals

    def ticks(self) -> list[float]:
        return [self.step * i for i in range(self.intervals + 1)]


def scale_for(values: list[float], intervals: int, *, whole: bool) -> Scale:
    """A scale of ``intervals`` round steps from 0 that holds the largest value (fewer steps for small counts:
    no step under 1)."""
    top = max(values, default=0) or 1
    if whole:
        intervals = max(1, min(intervals, math.ceil(top)))
    step = nice_step(top, intervals, whole=whole)
    intervals = max(1, math.ceil(top / step - 1e-9))
    return Scale(step, intervals)


def eighths(value: float, scale: Scale, cells: int) -> int:
    """How many eighths of a character a bar of ``value`` fills, ``cells`` characters being the whole scale."""
    return max(0, round(value / scale.top * cells * 8))


class BarChart(Widget):
    """A titled bar chart: ``horizontal`` bars (one row each, the value at the end) or vertical ones (a column
    each, a round scale at the left). ``whole``: the values are counts (whole-number ticks)."""

    DEFAULT_CSS = """
    BarChart { height: 12; }
    """

    def __init__(
        self,
        *,
        horizontal: bool = False,
        whole: bool = True,
        color: str = "cyan",
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.horizontal = horizontal
        self.whole = whole
        self.color = color
        self.title = ""
        self.labels: list[str] = []
        self.values: list[float] = []

    def show(self, title: str, labels: list[str], values: list[float]) -> None:
        self.title, self.labels, self.values = title, labels, values
        self.refresh()

    # ------------------------------------------------------------------ geometry, also read by the tests
    def _label_width(self) -> int:
        return min(max((len(label) for label in self.labels), default=0), 20)

    def scale(self) -> Scale:
        return scale_for(self.values, 5 if self.horizontal else 4, whole=self.whole)

    def bar_cells(self) -> int:
        """Characters (across) or rows (up) of the whole scale."""
        if self.horizontal:
            value_width = max((len(self._value_text(v)) for v in self.values), default=1) + 1
            return max(4, self.size.width - self._label_width() - 2 - value_width)
        intervals = self.scale().intervals
        rows = max(intervals, self.size.height - 3)  # title, axis and labels take three rows
        return rows - rows % intervals  # each tick on a row boundary

    def bar_lengths(self) -> list[int]:
        """Each bar's length in eighths of a character, in the order of the labels."""
        scale, cells = self.scale(), self.bar_cells()
        return [eighths(v, scale, cells) for v in self.values]

    def _value_text(self, value: float) -> str:
        return format_count(value) if self.whole or value == int(value) else tick_text(value, 0.1)

    # ------------------------------------------------------------------ drawing
    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="crop", end="")
        text.append(self.title.center(self.size.width).rstrip() + "\n", Style(bold=True))
        if not any(self.values):
            text.append("  " + _("no data"), Style(dim=True))
            return text
        return self._render_across(text) if self.horizontal else self._render_up(text)

    def _render_across(self, text: Text) -> Text:
        bar = Style(color=self.color)
        width = self._label_width()
        for label, value, length in zip(self.labels, self.values, self.bar_lengths(), strict=True):
            shown = label if len(label) <= width else label[: width - 1] + "…"
            text.append(f"{shown:>{width}} │", Style(dim=True))
            full, part = divmod(length, 8)
            text.append("█" * full + (ACROSS[part] if part else ""), bar)
            text.append(f" {self._value_text(value)}\n")
        scale, cells = self.scale(), self.bar_cells()
        axis = [" "] * (cells + 8)
        for tick in scale.ticks():  # each tick under the character a bar of that value ends in
            label = tick_text(tick, scale.step)
            at = round(tick / scale.top * cells)
            start = max(0, min(at - len(label) // 2, len(axis) - len(label)))
            if all(c == " " for c in axis[max(0, start - 1) : start + len(label) + 1]):
                axis[start : start + len(label)] = label
        text.append(" " * (width + 1) + "└" + "─" * cells + "\n", Style(dim=True))
        text.append(" " * (width + 2) + "".join(axis).rstrip(), Style(dim=True))
        return text

    def _render_up(self, text: Text) -> Text:
        bar = Style(color=self.color)
        scale, rows = self.scale(), self.bar_cells()
        lengths = self.bar_lengths()
        per_tick = rows // scale.intervals
        tick_labels = {i * per_tick - 1: tick_text(tick, scale.step) for i, tick in enumerate(scale.ticks()) if i}
        left = max(len(label) for label in [*tick_labels.values(), tick_text(0, scale.step)])
        widest = max(3, max((len(label) for label in self.labels), default=3)) + 1
        column = max(widest, (self.size.width - left - 2) // max(1, len(lengths)))
        for row in range(rows - 1, -1, -1):  # from the top; row 0 is the lowest
            text.append(f"{tick_labels.get(row, ''):>{left}} ┤" if row in tick_labels else " " * left + " │", "dim")
            for length in lengths:
                level = max(0, min(8, length - row * 8))
                cell = UP[level] * max(2, column // 2)
                text.append(f"{cell:^{column}}", bar)
            text.append("\n")
        text.append(f"{tick_text(0, scale.step):>{left}} └" + "─" * (column * len(lengths)) + "\n", "dim")
        text.append(" " * (left + 2) + "".join(f"{label:^{column}}" for label in self.labels), "dim")
        return text
