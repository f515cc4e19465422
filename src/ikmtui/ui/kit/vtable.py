"""A table that draws only the lines on screen (Textual's line API), over a :class:`RowSet`.

It stays responsive at 100,000 rows: loading is building the RowSet, painting formats the visible rows only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Input

from ikmtui.i18n import _
from ikmtui.tabular import RowSet, fit_widths
from ikmtui.ui.kit.translate import TranslatedBindings

#: Rows keyed per slice when search keys are built in the background (about 1 ms at 10 µs a row).
SEARCH_SLICE = 100
#: Rows measured when columns are fitted, besides those on screen: the first ones of the view.
MEASURED_ROWS = 200


class VirtualTable(TranslatedBindings, ScrollView, can_focus=True):
    """Rows of a RowSet with a fixed header line, a row cursor and a sort column."""

    BINDINGS = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
        Binding("left", "column(-1)", "Column left", show=False),
        Binding("right", "column(1)", "Column right", show=False),
        Binding("s", "sort", "Sort", id="table.sort"),
        Binding("enter", "activate", "Open", show=False),
    ]
    COMPONENT_CLASSES = {"vtable--header", "vtable--header-sorted", "vtable--cursor", "vtable--odd"}
    DEFAULT_CSS = """
    VirtualTable { height: 1fr; background: $surface; }
    VirtualTable > .vtable--header { text-style: bold; background: $panel; color: $text; }
    VirtualTable > .vtable--header-sorted { text-style: bold reverse; background: $panel; color: $accent; }
    VirtualTable > .vtable--cursor { background: $block-cursor-background; color: $block-cursor-foreground;
        text-style: bold; }
    VirtualTable:blur > .vtable--cursor { background: $block-cursor-blurred-background; text-style: none; }
    VirtualTable > .vtable--odd { background: $surface-lighten-1; }
    """

    cursor_row: reactive[int] = reactive(0)
    cursor_column: reactive[int] = reactive(0)

    class SearchReady(Message):
        """Every row now has its search key; rows filtered before that were filtered again."""

        def __init__(self, table: VirtualTable) -> None:
            super().__init__()
            self.table = table

    class RowActivated(Message):
        def __init__(self, table: VirtualTable, record_id: int) -> None:
            super().__init__()
            self.table = table
            self.record_id = record_id

    def __init__(self, rows: RowSet | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.rows = rows or RowSet([], [])
        self.widths: list[int] = [c.width for c in self.rows.columns]
        self._naturals: list[int] = []  # the widest text of each column measured so far
        self._resize()  # the header shows before the first rows arrive

    # ------------------------------------------------------------------ data
    def set_rows(self, rows: RowSet, keep_id: int | None = None) -> None:
        self.rows = rows
        self._resize()
        position = rows.position_of(keep_id) if keep_id is not None else None
        self.cursor_row = position if position is not None else min(self.cursor_row, max(0, len(rows) - 1))
        self.refresh()

    def filter(self, query: str) -> None:
        current = self.current_id
        self.rows.filter(query)
        self._resize()
        position = self.rows.position_of(current) if current is not None and len(self.rows) < 5000 else None
        self.cursor_row = position or 0
        self.scroll_to(y=0, animate=False) if position is None else self._keep_cursor_visible()
        self.refresh()

    def build_search_keys(self) -> None:
        """Build the rows' search keys between frames, a slice of about a millisecond at a time. A thread
        would hold the interpreter lock for milliseconds each time the screen wants it back (a key, a
        frame); here each waits for one slice at most. What is typed meanwhile searches the rows already
        keyed and is searched again, over all rows, when the keys are done."""
        if not self.rows.search_ready and not self.rows.building:
            self.run_worker(
                self._build_search_keys(self.rows), group="search-keys", exclusive=True, exit_on_error=False
            )

    async def _build_search_keys(self, rows: RowSet) -> None:
        for _ready in rows.search_steps(SEARCH_SLICE):
            await self._between_slices()
        if rows is self.rows:
            if rows.partial:
                self.filter(rows.query)
            self.post_message(self.SearchReady(self))

    def follow(self, search: Input, then: Callable[[], None] | None = None) -> None:
        """Filter by what is typed in ``search`` in the same frame as the character appears (its Changed
        message would arrive after that frame was drawn, costing a second frame), then call ``then``."""

        def typed(value: str) -> None:
            self.filter(value)
            if then is not None:
                then()

        self.watch(search, "value", typed, init=False)

    async def _between_slices(self) -> None:
        await asyncio.sleep(0)  # let keys, timers and frames waiting for the loop go first

    @property
    def current_id(self) -> int | None:
        if not len(self.rows):
            return None
        return self.rows.row(min(self.cursor_row, len(self.rows) - 1))[0]

    def _resize(self) -> None:
        """Fit the columns to the rows shown and the width there is, and size the scrollable area to them."""
        self.widths = self.fitted_widths()
        self.virtual_size = Size(sum(w + 1 for w in self.widths), len(self.rows) + 1)

    def fitted_widths(self) -> list[int]:
        """Each column as wide as its title and the widest of the rows measured (those on screen and the first
        of the view); when the terminal is too narrow, short columns keep their width and text columns share
        what is left (:func:`ikmtui.tabular.fit_widths`)."""
        rows, columns = self.rows, self.rows.columns
        if not columns:
            return []
        naturals = [len(c.title) + (2 if rows.sort_column == i else 0) for i, c in enumerate(columns)]
        top = int(self.scroll_y) if self.is_mounted else 0
        positions = set(range(min(len(rows), MEASURED_ROWS)))
        positions.update(range(top, min(len(rows), top + (self.size.height or 50))))
        self._naturals = self._measure(positions, naturals)
        return self._fit(self._naturals)

    def _measure(self, positions: Iterable[int], naturals: list[int]) -> list[int]:
        naturals = list(naturals)
        for position in positions:
            for i, text in enumerate(self.rows.cells(position)):
                if len(text) > naturals[i]:
                    naturals[i] = len(text)
        return naturals

    def _fit(self, naturals: list[int]) -> list[int]:
        columns = self.rows.columns
        room = (self._room() or sum(c.width + 1 for c in columns)) - len(columns)
        return fit_widths(naturals, [c.minimum for c in columns], room)

    def watch_scroll_y(self, old: float, new: float) -> None:
        """Rows scrolled into view that are wider than those measured widen their columns where there is room
        (never narrower while scrolling: the columns do not jump)."""
        super().watch_scroll_y(old, new)
        if len(self._naturals) != len(self.rows.columns):
            return
        top = int(new)
        wider = self._measure(range(top, min(len(self.rows), top + self.size.height)), self._naturals)
        if wider != self._naturals:
            self._naturals = wider
            widths = self._fit(wider)
            if widths != self.widths:
                self.widths = widths
                self.virtual_size = Size(sum(w + 1 for w in widths), len(self.rows) + 1)

    def _room(self) -> int:
        """The width the rows are drawn in: the widget's less its vertical scrollbar."""
        return self.scrollable_content_region.width if self.is_mounted else 0

    def on_resize(self) -> None:
        self._resize()
        self.refresh()

    # ------------------------------------------------------------------ drawing
    def _line(self, cells: list[str], style: Style, sorted_style: Style | None = None) -> list[Segment]:
        segments: list[Segment] = []
        widths = self.widths
        last = len(widths) - 1
        for index, (column, text) in enumerate(zip(self.rows.columns, cells, strict=True)):
            # the last column takes what the terminal has left
            width = max(widths[index], self._room() - sum(widths[:last]) - last - 1) if index == last else widths[index]
            text = text if len(text) <= width else text[: width - 1] + "…"
            text = text.rjust(width) if column.align == "right" else text.ljust(width)
            cell_style = sorted_style if sorted_style is not None and index == self.cursor_column else style
            segments.append(Segment(text, cell_style))
            segments.append(Segment(" ", style))
        return segments

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        rows = self.rows
        base = self.rich_style
        if y == 0:
            header = self.get_component_rich_style("vtable--header")
            sorted_style = self.get_component_rich_style("vtable--header-sorted")
            titles = []
            for index, column in enumerate(rows.columns):
                mark = ""
                if rows.sort_column == index:
                    mark = " ▼" if rows.sort_reverse else " ▲"
                titles.append(column.title + mark)
            strip = Strip(self._line(titles, base + header, base + sorted_style))
            return strip.crop_extend(scroll_x, scroll_x + width, base + header)
        position = scroll_y + y - 1
        if position >= len(rows):
            return Strip.blank(width, base)
        style = base
        if position == self.cursor_row:
            style = base + self.get_component_rich_style("vtable--cursor")
        elif position % 2:
            style = base + self.get_component_rich_style("vtable--odd")
        strip = Strip(self._line(rows.cells(position), style))
        return strip.crop_extend(scroll_x, scroll_x + width, style)

    # ------------------------------------------------------------------ cursor
    def _keep_cursor_visible(self) -> None:
        visible = max(1, self.scrollable_content_region.height - 1)
        top = int(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False)
        elif self.cursor_row >= top + visible:
            self.scroll_to(y=self.cursor_row - visible + 1, animate=False)

    def watch_cursor_row(self, old: int, new: int) -> None:
        self._keep_cursor_visible()
        self.refresh()

    def watch_cursor_column(self) -> None:
        self.refresh()

    def action_cursor(self, delta: int) -> None:
        if len(self.rows):
            self.cursor_row = max(0, min(len(self.rows) - 1, self.cursor_row + delta))

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(1, self.scrollable_content_region.height - 2))

    def action_jump(self, position: int) -> None:
        if len(self.rows):
            self.cursor_row = position if position >= 0 else len(self.rows) - 1

    def action_column(self, delta: int) -> None:
        if self.rows.columns:
            self.cursor_column = (self.cursor_column + delta) % len(self.rows.columns)

    def action_sort(self) -> None:
        current = self.current_id
        self.rows.sort(self.cursor_column)
        self._resize()  # the sorted column's mark takes room in its title
        position = self.rows.position_of(current) if current is not None else None
        self.cursor_row = position or 0
        self.refresh()
        self.notify(_("Sorted by {column}", column=self.rows.columns[self.cursor_column].title), timeout=1.5)

    def action_activate(self) -> None:
        if self.current_id is not None:
            self.post_message(self.RowActivated(self, self.current_id))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            x = offset.x + int(self.scroll_x)
            for index, width in enumerate(self.widths):
                x -= width + 1
                if x < 0:
                    self.cursor_column = index
                    self.action_sort()
                    return
            return
        position = int(self.scroll_y) + offset.y - 1
        if position < len(self.rows):
            if position == self.cursor_row and event.chain > 1:
                self.action_activate()
            self.cursor_row = position
