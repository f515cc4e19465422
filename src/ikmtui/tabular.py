"""Rows for on-screen tables, filtered and sorted in plain Python (no UI imports).

A table of 100,000 records is never turned into 100,000 widgets or formatted strings: a ``RowSet`` keeps
one tuple of raw values and one lower-case search key per record, filters by substring on the keys and
sorts by raw values; the widget formats only the rows on screen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ikmtui.i18n import _

Doc = Mapping[str, Any]


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # an English msgid, translated when shown
    width: int = 12
    align: str = "left"
    value: Callable[[Doc], Any] | None = None  # default: doc[key]
    fmt: Callable[[Any], str] = field(default=lambda v: "" if v is None else str(v))

    def get(self, doc: Doc) -> Any:
        return self.value(doc) if self.value else doc.get(self.key)

    @property
    def title(self) -> str:
        return _(self.label)


def _sort_key(value: Any) -> tuple[int, Any]:
    # None sorts last; numbers and text never compared with each other.
    if value is None or value == "":
        return (2, "")
    if isinstance(value, int | float):
        return (0, value)
    return (1, str(value).casefold())


class RowSet:
    """Records as rows: ``view`` holds the positions currently shown, in order."""

    def __init__(self, columns: Sequence[Column], docs: Iterable[tuple[int, Doc]],
                 search_fields: Sequence[str] = ()) -> None:
        self.columns = list(columns)
        self.ids: list[int] = []
        self.values: list[tuple[Any, ...]] = []
        self.search: list[str] = []
        getters = [c.get for c in self.columns]
        for record_id, doc in docs:
            self.ids.append(record_id)
            row = tuple(get(doc) for get in getters)
            self.values.append(row)
            extra = " ".join(str(doc.get(f) or "") for f in search_fields)
            self.search.append((" ".join(str(v) for v in row if v is not None) + " " + extra).casefold())
        self.order: list[int] = list(range(len(self.ids)))
        self.view: list[int] = self.order
        self.query = ""
        self.sort_column: int | None = None
        self.sort_reverse = False

    def __len__(self) -> int:
        return len(self.view)

    def filter(self, query: str) -> None:
        """Keep rows whose search key holds every word of ``query`` (any case)."""
        words = query.casefold().split()
        self.query = query
        if not words:
            self.view = self.order
            return
        search = self.search
        if len(words) == 1:
            word = words[0]
            self.view = [i for i in self.order if word in search[i]]
        else:
            self.view = [i for i in self.order if all(w in search[i] for w in words)]

    def sort(self, column: int, reverse: bool | None = None) -> None:
        """Sort by ``column``; sorting the same column again flips the direction."""
        if reverse is None:
            reverse = not self.sort_reverse if self.sort_column == column else False
        self.sort_column, self.sort_reverse = column, reverse
        values = self.values
        self.order = sorted(range(len(values)), key=lambda i: _sort_key(values[i][column]), reverse=reverse)
        self.filter(self.query)

    def row(self, position: int) -> tuple[int, tuple[Any, ...]]:
        index = self.view[position]
        return self.ids[index], self.values[index]

    def cells(self, position: int) -> list[str]:
        _id, values = self.row(position)
        return [c.fmt(v) for c, v in zip(self.columns, values, strict=True)]

    def position_of(self, record_id: int) -> int | None:
        for pos, index in enumerate(self.view):
            if self.ids[index] == record_id:
                return pos
        return None
