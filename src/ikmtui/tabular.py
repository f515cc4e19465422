"""Rows for on-screen tables, filtered and sorted in plain Python (no UI imports).

A table of 100,000 records is never turned into 100,000 widgets or formatted strings: a ``RowSet`` keeps
the records' documents, computes one lower-case search key per record when first needed, filters by
substring on the keys and sorts by raw values; the widget computes and formats only the rows on screen.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from operator import is_, methodcaller
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
    #: Not shown until the officer picks it in the column chooser (investment, turnover, phone ...).
    optional: bool = False
    #: Offered by the filter picker (a handful of values); ``None``: when its key is one of :data:`CHOICE_KEYS`.
    choice: bool | None = None

    def get(self, doc: Doc) -> Any:
        return self.value(doc) if self.value else doc.get(self.key)

    @property
    def title(self) -> str:
        return _(self.label)

    @property
    def minimum(self) -> int:
        """The narrowest it is drawn when the terminal is short of room: short columns (codes, numbers, states)
        keep their declared width, text columns give way down to 8 characters."""
        return self.width if self.width <= 10 or self.align == "right" else 8


def fit_widths(naturals: Sequence[int], minimums: Sequence[int], room: int) -> list[int]:
    """Column widths for ``room`` characters (gaps already taken off): each column as wide as its widest text
    (``naturals``) when all fit; otherwise no column under its minimum (nor over its natural width) and the room
    left shared evenly among the columns that still want more, narrow ones satisfied first."""
    lows = [min(low, high) for low, high in zip(minimums, naturals, strict=True)]
    if sum(naturals) <= room or sum(lows) >= room:
        return list(naturals) if sum(naturals) <= room else lows
    widths = list(lows)
    spare = room - sum(lows)
    wanting = sorted((i for i in range(len(widths)) if naturals[i] > lows[i]), key=lambda i: naturals[i] - lows[i])
    while wanting and spare > 0:
        share = -(-spare // len(wanting))  # rounded up: no character of the room is left unused
        i = wanting.pop(0)
        grant = min(share, naturals[i] - widths[i], spare)
        widths[i] += grant
        spare -= grant
    return widths


#: ``field:value`` in a filter: ``status:nonaktif``, ``kec:tembalang`` (field names may be shortened).
_TERM = re.compile(r"^(?P<field>[^\W\d_][\w]*):(?P<value>.*)$")


def _cell_matches(text: str, value: str) -> bool:
    """Whether a word of ``text`` (folded) starts with ``value``: ``aktif`` is not ``nonaktif``; ``_`` stands
    for a space (``kec:semarang_timur``)."""
    value = value.replace("_", " ")
    return text.startswith(value) or any(word.startswith(value) for word in text.split())


#: Columns whose few values are offered by the filter picker unless a column says otherwise.
CHOICE_KEYS = frozenset({"status", "state", "scale", "kecamatan", "category", "sector", "role"})


def _sort_key(value: Any) -> tuple[int, Any]:
    # None sorts last; numbers and text never compared with each other.
    if value is None or value == "":
        return (2, "")
    if isinstance(value, int | float):
        return (0, value)
    return (1, str(value).casefold())


def sort_keys(raw: list[Any], like: Any = None) -> Any:
    """Keys that order ``raw`` as :func:`_sort_key` does, as cheaply as the values allow: text as folded
    text, whole numbers as themselves. With ``like`` (a key made before), keys of that same kind or ``None``
    when a value needs another kind."""
    kind = type(like) if like is not None else None
    if (kind in (None, str)) and all(type(v) is str and v for v in raw):  # the common case
        return [v.casefold() for v in raw]
    if kind in (None, int) and all(type(v) is int for v in raw):
        return raw
    if kind in (None, tuple):
        return [_sort_key(v) for v in raw]
    return None


def _place(order: list[int], keys: list[Any], index: int, reverse: bool) -> int:
    """Where ``index`` goes in ``order`` (sorted by ``keys``, ties by position as a stable sort leaves them)."""
    key, low, high = keys[index], 0, len(order)
    while low < high:
        middle = (low + high) // 2
        other = keys[order[middle]]
        before = (other > key if reverse else other < key) or (other == key and order[middle] < index)
        if before:
            low = middle + 1
        else:
            high = middle
    return low


class RowSet:
    """Records as rows: ``view`` holds the positions currently shown, in order.

    Building is cheap (ids and document references only): a row's values are computed when it is painted,
    a column's when it is sorted, and the search keys on the first filter or ahead of it, a slice at a time,
    with :meth:`search_steps`. Documents must not change while the RowSet lives; storage replaces a document
    on every change, so a RowSet is a snapshot.
    """

    def __init__(
        self,
        columns: Sequence[Column],
        docs: Mapping[str, Doc] | Iterable[tuple[int, Doc]],
        search_fields: Sequence[str] = (),
    ) -> None:
        """``docs``: a stored table (``{"id": doc}``, taken whole in C: 100,000 rows in a few ms) or
        ``(id, doc)`` pairs."""
        self.columns = list(columns)
        self.search_fields = tuple(search_fields)
        self._keys: list[str] | None = None  # a stored table's ids as stored, made ints when first needed
        self._ids: list[int] | None = None
        self.docs: list[Doc]
        if isinstance(docs, Mapping):
            self._keys, self.docs = list(docs), list(docs.values())
        else:
            self._ids, self.docs = [], []
            add_id, add_doc = self._ids.append, self.docs.append
            for record_id, doc in docs:  # no list of pairs: 100,000 tuples kept alive wake the collector
                add_id(record_id)
                add_doc(doc)
        self._getters = [c.value if c.value is not None else methodcaller("get", c.key) for c in self.columns]
        self._values: list[tuple[Any, ...]] | None = None
        self._search: list[str] | None = None  # every key, once all are built
        self._partial: list[str] = []  # the keys built so far, in stored order
        self.building = False  # a screen is building the keys between frames: filter does not wait for them
        self.partial = False  # the rows shown were searched among the keys built so far, not all rows
        self.order: list[int] = list(range(len(self.docs)))
        self.view: list[int] = self.order
        self.query = ""
        self._words: list[str] = []  # the words ``view`` was filtered by (out of ``order``)
        self._terms: list[tuple[str, str]] = []  # and its ``field:value`` terms
        self.sort_column: int | None = None
        self.sort_reverse = False
        self._sort_keys: list[Any] = []  # of the sorted column, in stored order
        self._diffs: tuple[weakref.ref[RowSet], list[int] | None] | None = None

    def __len__(self) -> int:
        return len(self.view)

    @property
    def total(self) -> int:
        """How many rows there are, shown or not."""
        return len(self.docs)

    @property
    def ids(self) -> list[int]:
        """Every row's record id, in the stored order."""
        if self._ids is None:
            self._ids = list(map(int, self._keys or ()))  # 100,000 conversions: ~50 ms, not paid to paint
        return self._ids

    def _id(self, index: int) -> int:
        return self._ids[index] if self._ids is not None else int(self._keys[index])  # type: ignore[index]

    # ------------------------------------------------------------------ values and search keys, on demand
    def _row_values(self, index: int) -> tuple[Any, ...]:
        if self._values is not None:
            return self._values[index]
        doc = self.docs[index]
        return tuple(get(doc) for get in self._getters)

    @property
    def values(self) -> list[tuple[Any, ...]]:
        """Every row's raw values (computed once, on first use)."""
        if self._values is None:
            getters = self._getters
            self._values = [tuple(get(doc) for get in getters) for doc in self.docs]
        return self._values

    @property
    def search(self) -> list[str]:
        """One lower-case search key per row: its column values and ``search_fields``."""
        return self.prepare_search()

    @property
    def search_ready(self) -> bool:
        return self._search is not None

    def prepare_search(self) -> list[str]:
        """Build every search key now."""
        for _ready in self.search_steps(len(self.docs) or 1):
            pass
        return self._search  # type: ignore[return-value]

    def search_steps(self, chunk: int = 500) -> Iterator[int]:
        """Build the search keys ``chunk`` rows at a time, yielding how many are ready after each slice: a
        screen builds them between frames, and meanwhile :meth:`filter` searches the rows already keyed."""
        keys = self._partial
        docs, key = self.docs, self._key
        self.building = True
        try:
            while len(keys) < len(docs):
                start = len(keys)
                keys.extend([key(doc) for doc in docs[start : start + chunk]])
                yield len(keys)
            if self._search is None:
                self._search = keys
        finally:
            self.building = False

    def _key(self, doc: Doc) -> str:
        text = " ".join([str(v) for v in [get(doc) for get in self._getters] if v is not None])
        return (text + " " + " ".join([str(doc.get(f) or "") for f in self.search_fields])).casefold()

    def _ids_beside(self, old: RowSet) -> tuple[list[Any], list[Any]]:
        """This RowSet's record ids and ``old``'s, in a form they compare in: as stored where both have it."""
        if self._keys is not None and old._keys is not None:
            return self._keys, old._keys
        return self.ids, old.ids

    def _changed_since(self, old: RowSet) -> list[int] | None:
        """Positions of ``old``'s records whose document was replaced since, when this RowSet holds ``old``'s
        records at the same positions and maybe new ones after them (what a save that updates or adds
        records leaves); ``None`` otherwise. Compared in C: about 10 ms at 100,000 rows."""
        if self._diffs is not None and self._diffs[0]() is old:
            return self._diffs[1]
        mine, theirs = self._ids_beside(old)
        changed = None
        if len(mine) >= len(theirs) and mine[: len(theirs)] == theirs:
            changed = [i for i, same in enumerate(map(is_, old.docs, self.docs)) if not same]
        self._diffs = (weakref.ref(old), changed)  # not the old rows themselves: each reload would keep them
        return changed

    def keep_search_of(self, old: RowSet) -> int:
        """Take ``old``'s search keys for records whose document is the very object ``old`` had (storage
        replaces a document when it changes, so these are unchanged) and compute only the others. The caller
        vouches that the columns compute what ``old``'s did. Returns how many keys were taken over."""
        if old._search is None or self._search is not None:
            return 0
        old_docs, old_keys = old.docs, old._search
        changed = self._changed_since(old)
        if changed is not None:
            keys = old_keys.copy()
            docs = self.docs
            for index in changed:
                keys[index] = self._key(docs[index])
            keys += [self._key(doc) for doc in docs[len(old_docs) :]]
            reused = len(old_docs) - len(changed)
        else:
            mine, theirs = self._ids_beside(old)
            known = {record_id: index for index, record_id in enumerate(theirs)}
            keys = []
            reused = 0
            for record_id, doc in zip(mine, self.docs, strict=True):
                at = known.get(record_id)
                if at is not None and old_docs[at] is doc:
                    keys.append(old_keys[at])
                    reused += 1
                else:
                    keys.append(self._key(doc))
        self._search = self._partial = keys
        return reused

    # ------------------------------------------------------------------ filter and sort
    def field_getter(self, name: str) -> tuple[Callable[[Doc], Any], Callable[[Any], list[str]]] | None:
        """What a ``name:value`` filter term compares with: the value of the column whose key or title starts
        with ``name`` (or of a searched field), and the texts of a value (as shown and as stored, folded);
        ``None`` if nothing is called so."""
        name = name.casefold()
        for index, column in enumerate(self.columns):
            if column.key.casefold().startswith(name) or column.title.casefold().startswith(name):

                def shown(raw: Any, fmt: Callable[[Any], str] = column.fmt) -> list[str]:
                    return [fmt(raw).casefold(), "" if raw is None else str(raw).casefold()]

                return self._getters[index], shown
        for key in self.search_fields:
            if key.casefold().startswith(name):
                return methodcaller("get", key), lambda raw: [str(raw or "").casefold()]
        return None

    def _term_rows(self, rows: Iterable[int], name: str, values: list[str]) -> list[int]:
        """The rows among ``rows`` whose field ``name`` matches one of ``values``; a choice column has few values,
        so each value is matched once (a status over 100,000 rows: a lookup each, not a formatting)."""
        found = self.field_getter(name)
        assert found is not None
        get, texts = found
        docs = self.docs
        known: dict[Any, bool] = {}

        def matches(raw: Any) -> bool:
            try:
                return known[raw]
            except KeyError:
                known[raw] = result = any(_cell_matches(text, v) for text in texts(raw) for v in values)
                return result
            except TypeError:  # a list: not a key
                return any(_cell_matches(text, v) for text in texts(raw) for v in values)

        return [i for i in rows if matches(get(docs[i]))]

    def choices(self, most: int = 30) -> list[tuple[Column, str, int]]:
        """(column, value as shown, how many rows) of the picker's columns over every row, for the filter
        picker; a column with more than ``most`` values is left out."""
        found: list[tuple[Column, str, int]] = []
        for index, column in enumerate(self.columns):
            if not (column.choice if column.choice is not None else column.key in CHOICE_KEYS):
                continue
            counts: dict[Any, int] = {}
            get = self._getters[index]
            try:
                for doc in self.docs:
                    raw = get(doc)
                    counts[raw] = counts.get(raw, 0) + 1
                    if len(counts) > most:
                        break
            except TypeError:  # lists: not a choice
                continue
            if len(counts) <= most:
                shown: dict[str, int] = {}
                for raw, n in counts.items():
                    text = column.fmt(raw)
                    if text:
                        shown[text] = shown.get(text, 0) + n
                found += [(column, text, n) for text, n in sorted(shown.items())]
        return found

    def split_query(self, query: str) -> tuple[list[str], list[tuple[str, str]]]:
        """The plain words of a filter and its ``field:value`` terms (a field no column has stays a word)."""
        words: list[str] = []
        terms: list[tuple[str, str]] = []
        for word in query.casefold().split():
            match = _TERM.match(word)
            if match and self.field_getter(match["field"]) is not None:
                if match["value"]:
                    terms.append((match["field"], match["value"]))
            else:
                words.append(word)
        return words, terms

    def filter(self, query: str) -> None:
        """Keep rows whose search key holds every word of ``query`` (any case) and whose fields match every
        ``field:value`` term (``status:nonaktif kec:tembalang batik``: a word of the field starts with the value).

        Typing narrows: when every word of the previous query is part of a word of the new one, only the
        rows shown now are searched again.
        """
        words, terms = self.split_query(query)
        self.query = query
        if not words and not terms:
            self.view, self._words, self._terms, self.partial = self.order, [], [], False
            return
        fields: dict[str, list[str]] = {}
        for name, value in terms:  # values of one field are alternatives: status:aktif status:nonaktif is both
            fields.setdefault(name, []).append(value)
        before: dict[str, list[str]] = {}
        for name, value in self._terms:
            before.setdefault(name, []).append(value)
        narrows = (
            bool(self._words or self._terms)
            and not self.partial
            and all(any(old in new for new in words) for old in self._words)
            and all(len(values) == 1 for values in fields.values())
            and all(name in fields and fields[name][0].startswith(old[0]) for name, old in before.items())
        )
        partial = False
        rows: Iterable[int] = self.view if narrows else range(len(self.docs))
        if words:
            search = self._partial if self.building else self.search
            ready = len(search)
            partial = ready < len(self.docs)
            # A fresh search reads the keys in stored order, as they lie in memory (in a sorted order the same
            # scan takes four times as long at 100,000 rows), and puts the few found in the shown order after.
            rows = self.view if narrows else range(ready)
            for word in sorted(set(words), key=len, reverse=True):  # the longest word keeps the fewest rows
                rows = [i for i in rows if word in search[i]]
        for name, values in fields.items():
            rows = self._term_rows(rows, name, values)
        if not narrows and self.sort_column is not None:
            found = bytearray(len(self.docs))
            for i in rows:
                found[i] = 1
            rows = [i for i in self.order if found[i]]
        self.view, self._words, self._terms, self.partial = list(rows), words, terms, partial

    def sort(self, column: int, reverse: bool | None = None, *, like: RowSet | None = None) -> None:
        """Sort by ``column``; sorting the same column again flips the direction.

        ``like``: an older RowSet of the same table sorted the same way. When only some records changed
        since, their sort keys are computed again and they alone are placed anew (a few ms instead of a
        quarter of a second at 100,000 rows); the order is exactly what sorting afresh gives.
        """
        if reverse is None:
            reverse = not self.sort_reverse if self.sort_column == column else False
        self.sort_column, self.sort_reverse = column, reverse
        order = self._resorted(like, column, reverse) if like is not None else None
        if order is None:
            self._sort_keys = keys = sort_keys(
                [self._getters[column](doc) for doc in self.docs]
                if self._values is None
                else [row[column] for row in self._values]
            )
            order = sorted(range(len(keys)), key=keys.__getitem__, reverse=reverse)
        self.order = order
        self._words, self._terms = [], []
        self.filter(self.query)

    def _resorted(self, like: RowSet, column: int, reverse: bool) -> list[int] | None:
        """The order ``like`` had, with the records changed or added since placed anew; ``None`` when it
        cannot serve (sorted otherwise, records removed, or a changed value of another kind)."""
        changed = self._changed_since(like)
        if changed is None or (like.sort_column, like.sort_reverse) != (column, reverse) or not like._sort_keys:
            return None
        get, docs = self._getters[column], self.docs
        moved = changed + list(range(len(like.docs), len(docs)))
        fresh = sort_keys([get(docs[i]) for i in moved], like=like._sort_keys[0])
        if fresh is None:
            return None
        keys = like._sort_keys + [None] * (len(docs) - len(like.docs))
        for index, key in zip(moved, fresh, strict=True):
            keys[index] = key
        self._sort_keys = keys
        if not moved:
            return like.order
        gone = set(changed)
        order = [i for i in like.order if i not in gone] if gone else like.order.copy()
        for index in sorted(moved):
            order.insert(_place(order, keys, index, reverse), index)
        return order

    # ------------------------------------------------------------------ rows
    def row(self, position: int) -> tuple[int, tuple[Any, ...]]:
        index = self.view[position]
        return self._id(index), self._row_values(index)

    def cells(self, position: int) -> list[str]:
        _id, values = self.row(position)
        return [c.fmt(v) for c, v in zip(self.columns, values, strict=True)]

    def position_of(self, record_id: int) -> int | None:
        """Where ``record_id`` is shown, if it is (two scans in C: a few ms at 100,000 rows)."""
        try:
            index = self._keys.index(str(record_id)) if self._keys is not None else self.ids.index(record_id)
            return self.view.index(index)
        except ValueError:
            return None
