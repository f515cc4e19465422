"""The command palette's records: type a code or a name from any screen and open the record's screen (an IKM's
profile, a cluster, a training batch, a loan, a gallery listing).

The record screens are imported here, not by the kit, so that no area screen needs to know another; the app
registers :class:`RecordsProvider` beside its own commands (``ui/app.py``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette, Hit, Hits, Provider
from textual.screen import Screen
from textual.widgets import Input
from textual.widgets.option_list import Option

from ikmtui.i18n import N_, _
from ikmtui.ui.kit.context import HasContext

#: Records offered per search at most (a query of two letters matches thousands of IKM at 100,000).
MOST = 30
#: Characters typed before records are searched (one letter is every record).
SHORTEST = 2

Doc = Mapping[str, Any]


@dataclass(frozen=True)
class RecordKind:
    """One kind of record the palette finds: its table, what it is called, and how it is named in a hit."""

    table: str
    label: str  # English msgid
    name: Callable[[Doc, Any], str]


def _ikm_name(db: Any, ikm_id: Any) -> str:
    doc = db.get("ikm", ikm_id) if ikm_id is not None else None
    return str(doc.get("name", "")) if doc else ""


def _batch_name(doc: Doc, db: Any) -> str:
    course = db.get("courses", doc.get("course_id")) if doc.get("course_id") is not None else None
    return f"{course.get('name', '') if course else ''} {doc.get('start_date', '')}".strip()


KINDS = (
    RecordKind("ikm", N_("IKM profile"), lambda doc, db: f"{doc.get('name', '')} · {doc.get('owner_name', '')}"),
    RecordKind("clusters", N_("Cluster"), lambda doc, db: str(doc.get("name", ""))),
    RecordKind("batches", N_("Training batch"), _batch_name),
    RecordKind("credit_applications", N_("Loan"), lambda doc, db: _ikm_name(db, doc.get("ikm_id"))),
    RecordKind(
        "gallery_listings",
        N_("Gallery listing"),
        lambda doc, db: f"{doc.get('product_name', '')} {doc.get('sku', '')} · {_ikm_name(db, doc.get('ikm_id'))}",
    ),
)


#: Per kind of record, the index last built: (the stored tables it was built from, its entries).
_INDEXES: dict[str, tuple[tuple[Any, ...], list[tuple[int, str, str]]]] = {}
#: Records indexed between two looks at the event loop (keys typed meanwhile are not kept waiting).
SLICE = 5000


def _sources(db: Any, kind: RecordKind) -> tuple[Any, ...]:
    """The stored tables a kind's texts are made from: a table is the same object until one of its records
    changes, so an index built from the same ones is still right."""
    return (db.docs(kind.table), db.docs("ikm"), db.docs("courses"))


def _index_steps(db: Any, kind: RecordKind) -> Iterator[None]:
    """Build (or keep) the index of ``kind``: (id, text shown, text folded) per record; yields between slices."""
    sources = _sources(db, kind)
    known = _INDEXES.get(kind.table)
    if known is not None and all(a is b for a, b in zip(known[0], sources, strict=True)):
        return
    entries: list[tuple[int, str, str]] = []
    for count, (key, doc) in enumerate(sources[0].items(), 1):
        text = f"{doc.get('code', '')} {kind.name(doc, db)}".strip()
        entries.append((int(key), text, f"{text} {doc.get('owner_name') or ''} {doc.get('product') or ''}".casefold()))
        if count % SLICE == 0:
            yield
    _INDEXES[kind.table] = (sources, entries)


def _matches(kind: RecordKind, words: list[str], most: int) -> list[tuple[RecordKind, int, str]]:
    found: list[tuple[RecordKind, int, str]] = []
    longest = max(words, key=len)
    for record_id, text, folded in _INDEXES[kind.table][1]:
        if longest in folded and all(word in folded for word in words):
            found.append((kind, record_id, text))
            if len(found) >= most:
                break
    return found


def find_records(db: Any, query: str, most: int = MOST) -> Iterator[tuple[RecordKind, int, str]]:
    """(kind, id, text) of records whose code, name (an IKM's owner and product too, a loan's and a listing's
    IKM) hold every word of ``query`` (any case, any order), IKM first; at most ``most``."""
    words = query.casefold().split()
    if len(query.strip()) < SHORTEST:
        return
    for kind in KINDS:
        for _step in _index_steps(db, kind):
            pass
        for hit in _matches(kind, words, most):
            yield hit
            most -= 1
        if most <= 0:
            return


def open_record(app: Any, table: str, record_id: int) -> None:
    """Push the screen of one record over the current screen (a listing: the Gallery, filtered to it)."""
    from ikmtui.ui.credit.detail import CreditDetailScreen
    from ikmtui.ui.registry.cluster import ClusterScreen
    from ikmtui.ui.registry.profile import IkmProfileScreen
    from ikmtui.ui.training.batch import BatchScreen

    screens: dict[str, Callable[[int], Screen[Any]]] = {
        "ikm": IkmProfileScreen,
        "clusters": ClusterScreen,
        "batches": BatchScreen,
        "credit_applications": CreditDetailScreen,
    }
    if table in screens:
        app.push_screen(screens[table](record_id))
        return
    doc = app.context.db.get(table, record_id) or {}

    def show() -> None:
        app.screen.query_one("#search", Input).value = str(doc.get("code", ""))
        app.screen.action_focus_table()

    app.switch_mode("gallery")
    app.call_after_refresh(show)


class RecordsProvider(Provider):
    """IKM, clusters, batches, loans and gallery listings by code or name (words in any order)."""

    async def search(self, query: str) -> Hits:
        app = self.app
        if getattr(app, "awaiting_sign_in", False) or not isinstance(app, HasContext):
            return
        db = app.context.db
        for kind in KINDS:  # the indexes are built between frames: keys typed meanwhile are not kept waiting
            for _step in _index_steps(db, kind):
                await asyncio.sleep(0)
        matcher = self.matcher(query)
        for kind, record_id, text in find_records(db, query):
            score = matcher.match(text)
            yield Hit(
                max(score, 0.01),  # every word was found, in any order: the fuzzy score only ranks them
                matcher.highlight(text) if score > 0 else text,
                partial(open_record, app, kind.table, record_id),
                help=_(kind.label),
            )


class Palette(CommandPalette):
    """Textual's command palette with its one fixed English line, "No matches found", in the app's language.

    Textual 8.2 (pinned) writes that line in ``_start_no_matches_countdown``; this is that method with the line
    translated, nothing else changed."""

    def _start_no_matches_countdown(self, search_value: str) -> None:
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:  # an empty search is the list of everything: nothing to say
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(_("No matches found"), style="not bold")), disabled=True, id=self._NO_MATCHES
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
