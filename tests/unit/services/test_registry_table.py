"""The rows behind every on-screen table: lazy building, narrowing filters and fast sorts give exactly the
rows a plain scan would."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ikmtui.tabular import Column, RowSet, _sort_key

WORDS = ["batik", "Bandeng", "presto", "sri", "Sri Wahyuni", "tembalang", "", None, "ÉCLAIR", "9100012"]

docs_strategy = st.lists(
    st.fixed_dictionaries(
        {
            "name": st.sampled_from(WORDS),
            "owner": st.sampled_from(WORDS),
            "workers": st.one_of(st.none(), st.integers(0, 30)),
            "nib": st.sampled_from(["9100012345678", "9100099999999", None]),
        }
    ),
    max_size=40,
)
queries_strategy = st.lists(st.text(alphabet="abdeinoprstw 9ÉÉ0", max_size=8), max_size=6)


def columns() -> list[Column]:
    return [
        Column("name", "Name", 10),
        Column("owner", "Owner", 10),
        Column("workers", "Workers", 4, "right", value=lambda d: d.get("workers")),
    ]


def reference_filter(docs: list[dict[str, Any]], order: list[int], query: str) -> list[int]:
    """The plain definition: every word of the query in the row's visible values or its NIB, any case."""
    words = query.casefold().split()

    def key(doc: dict[str, Any]) -> str:
        values = [doc.get("name"), doc.get("owner"), doc.get("workers")]
        text = " ".join(str(v) for v in values if v is not None)
        return (text + " " + str(doc.get("nib") or "")).casefold()

    return [i for i in order if all(w in key(docs[i]) for w in words)]


@settings(max_examples=150, deadline=None)
@given(
    docs=docs_strategy,
    queries=queries_strategy,
    sort_column=st.one_of(st.none(), st.integers(0, 2)),
    reverse=st.booleans(),
)
def test_typing_any_sequence_of_queries_shows_what_a_plain_scan_shows(
    docs: list[dict[str, Any]], queries: list[str], sort_column: int | None, reverse: bool
) -> None:
    rows = RowSet(columns(), ((i + 1, doc) for i, doc in enumerate(docs)), ("nib",))
    order = list(range(len(docs)))
    if sort_column is not None:
        rows.sort(sort_column, reverse)
        getter = columns()[sort_column].get
        order = sorted(order, key=lambda i: _sort_key(getter(docs[i])), reverse=reverse)
    for query in queries:  # one after the other, as typed: narrowing must never lose a row
        rows.filter(query)
        assert rows.view == reference_filter(docs, order, query)
        for position in range(len(rows)):
            record_id, values = rows.row(position)
            assert values == tuple(c.get(docs[record_id - 1]) for c in columns())
            assert rows.position_of(record_id) == position


def test_building_computes_nothing_until_needed() -> None:
    calls: list[int] = []

    def counted(doc: dict[str, Any]) -> int:
        calls.append(1)
        return int(doc["n"])

    rows = RowSet([Column("n", "N", 4, value=counted)], ((i, {"n": i}) for i in range(1, 1001)))
    assert calls == [] and not rows.search_ready
    assert rows.cells(0) == ["1"] and len(calls) == 1  # painting one row computes one row
    rows.prepare_search()
    assert rows.search_ready and len(calls) == 1001
    rows.filter("99")
    assert [rows.row(p)[0] for p in range(len(rows))] == [
        99,
        199,
        299,
        399,
        499,
        599,
        699,
        799,
        899,
        990,
        991,
        992,
        993,
        994,
        995,
        996,
        997,
        998,
        999,
    ]
    assert rows.position_of(5) is None and rows.position_of(12345) is None


def test_sorting_again_flips_and_mixed_values_keep_their_order() -> None:
    docs = [{"v": "b"}, {"v": 3}, {"v": None}, {"v": "A"}, {"v": 1}, {"v": ""}]
    rows = RowSet([Column("v", "V", 3)], enumerate(docs))
    rows.sort(0)
    assert [rows.row(p)[1][0] for p in range(len(rows))] == [1, 3, "A", "b", None, ""]
    rows.sort(0)
    assert rows.sort_reverse is True
    assert [rows.row(p)[1][0] for p in range(len(rows))][:2] == [None, ""]


def test_search_keys_of_unchanged_records_are_taken_over() -> None:
    docs = {i: {"name": f"usaha {i}", "owner": "sri", "nib": f"91{i:011d}"} for i in range(1, 201)}
    old = RowSet(columns(), docs.items(), ("nib",))
    old.prepare_search()
    changed = dict(docs)
    changed[7] = {**docs[7], "name": "bandeng presto"}  # storage replaces the document of a record it changes
    changed[201] = {"name": "lumpia", "owner": "budi", "nib": None}
    del changed[9]
    rows = RowSet(columns(), changed.items(), ("nib",))
    assert rows.keep_search_of(old) == 198
    fresh = RowSet(columns(), changed.items(), ("nib",))
    assert rows.search == fresh.search
    rows.filter("bandeng")
    assert [rows.row(p)[0] for p in range(len(rows))] == [7]
    rows.filter("usaha 9")
    assert 9 not in [rows.row(p)[0] for p in range(len(rows))]
    assert RowSet(columns(), changed.items()).keep_search_of(RowSet(columns(), [])) == 0  # nothing to take


def test_a_stored_table_gives_the_same_rows_as_pairs() -> None:
    table = {str(i): {"name": f"usaha {i}", "owner": "sri", "nib": None} for i in (3, 1, 20, 7)}
    stored = RowSet(columns(), table, ("nib",))
    pairs = RowSet(columns(), ((int(k), d) for k, d in table.items()), ("nib",))
    assert stored.ids == pairs.ids == [3, 1, 20, 7] and stored.total == 4
    for query in ("", "usaha 2", "sri"):
        stored.filter(query)
        pairs.filter(query)
        assert [stored.row(p) for p in range(len(stored))] == [pairs.row(p) for p in range(len(pairs))]
    assert stored.position_of(20) == pairs.position_of(20) is not None
    renamed = {**table, "7": {**table["7"], "name": "bandeng"}}
    fresh = RowSet(columns(), renamed, ("nib",))
    assert fresh.keep_search_of(stored) == 3  # keyed by the stored ids, as the old rows were


def test_typing_while_keys_are_built_searches_the_keyed_rows_then_all() -> None:
    docs = [{"name": "batik" if i % 10 == 0 else "lumpia", "owner": "", "nib": None} for i in range(1000)]
    rows = RowSet(columns(), enumerate(docs), ("nib",))
    steps = rows.search_steps(250)
    assert next(steps) == 250 and rows.building and not rows.search_ready
    rows.filter("batik")  # typed now: only the first 250 rows have keys, and the typing must not wait
    assert rows.partial and rows.view == list(range(0, 250, 10))
    rows.filter("batik ")  # narrowing a partial result still looks at the rows keyed since
    assert next(steps) == 500 and rows.partial
    rows.filter("batik")
    assert rows.view == list(range(0, 500, 10))
    assert list(steps) == [750, 1000] and rows.search_ready and not rows.building
    rows.filter("batik")
    assert not rows.partial and rows.view == list(range(0, 1000, 10))
    rows.filter("batik  ")  # and narrowing from a complete result is exact
    assert rows.view == list(range(0, 1000, 10))


@settings(max_examples=100, deadline=None)
@given(
    docs=docs_strategy,
    changes=st.lists(st.tuples(st.integers(0, 60), docs_strategy.map(lambda d: d[:1])), max_size=5),
    added=docs_strategy.map(lambda d: d[:3]),
    sort_column=st.integers(0, 2),
    reverse=st.booleans(),
    query=st.sampled_from(["", "sri", "ba", "9100"]),
)
def test_rows_refreshed_after_saves_match_rows_built_afresh(
    docs: list[dict[str, Any]],
    changes: list[tuple[int, list[dict[str, Any]]]],
    added: list[dict[str, Any]],
    sort_column: int,
    reverse: bool,
    query: str,
) -> None:
    table = {str(i + 1): doc for i, doc in enumerate(docs)}
    old = RowSet(columns(), table, ("nib",))
    old.prepare_search()
    old.sort(sort_column, reverse)
    newer = dict(table)  # a save replaces the documents it changes and adds new ones at the end
    for position, replacement in changes:
        if replacement and str(position + 1) in newer:
            newer[str(position + 1)] = dict(replacement[0])
    for doc in added:
        newer[str(len(newer) + 1)] = doc
    refreshed = RowSet(columns(), newer, ("nib",))
    refreshed.keep_search_of(old)
    refreshed.sort(sort_column, reverse, like=old)
    refreshed.filter(query)
    fresh = RowSet(columns(), newer, ("nib",))
    fresh.sort(sort_column, reverse)
    fresh.filter(query)
    assert refreshed.search == fresh.search
    assert refreshed.view == fresh.view


def test_after_a_few_saves_only_the_changed_rows_are_keyed_and_placed_again(monkeypatch: Any) -> None:
    from ikmtui import tabular

    table = {str(i): {"name": f"usaha {i * 7919 % 1000:03d}", "owner": "sri", "nib": None} for i in range(1, 1001)}
    old = RowSet(columns(), table, ("nib",))
    old.sort(0, reverse=True)
    newer = dict(table)
    for key, name in (("5", "aaa"), ("500", "zzz"), ("999", "usaha 500")):  # first, last, tied with another
        newer[key] = {**table[key], "name": name}
    newer["1001"], newer["1002"] = {"name": "usaha 250", "owner": ""}, {"name": "mmm", "owner": ""}
    measured: list[int] = []
    real = tabular.sort_keys
    monkeypatch.setattr(tabular, "sort_keys", lambda raw, like=None: measured.append(len(raw)) or real(raw, like))
    refreshed = RowSet(columns(), newer, ("nib",))
    refreshed.sort(0, reverse=True, like=old)
    assert measured == [5]  # three changed and two new values, not a thousand
    fresh = RowSet(columns(), newer, ("nib",))
    fresh.sort(0, reverse=True)
    assert refreshed.order == fresh.order
