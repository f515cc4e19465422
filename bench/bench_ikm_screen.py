"""How fast the IKM screen opens and filters with 100,000 IKM (headless, through the real app).

    /work/venv/bin/python bench/bench_ikm_screen.py [--db /tmp/ikmtui-bench-100k.json] [--businesses 100000]

The database is generated once (``ikmtui.demodata.write_demo``, seed 1) and reused. Printed figures:

* open: pressing ``2`` until the frame showing the table's rows: first the screen the app built at start
  (target: under 0.2 s), then built afresh each run, as a screen's first opening is;
* keystroke: one character typed in the search box until the frame showing the filtered table (median over
  every character of several queries, each typed then cleared); target: under 50 ms;
* the parts: building the rows of the table and filtering them, without the app around them;
* also: sorting by a column, and reloading the table after another officer's save (sorted, then filtered).

Wall-clock times depend on what else the machine runs; CPU times of this process are printed beside them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from pathlib import Path
from typing import Any

from frames import FrameClock

DEFAULT_DB = Path("/tmp/ikmtui-bench-100k.json")
QUERIES = ("bandeng presto", "sri wahyuni", "9100012", "tembalang batik")


def ensure_database(path: Path, businesses: int) -> None:
    if path.exists():
        return
    from ikmtui.demodata import write_demo

    started = time.perf_counter()
    write_demo(path, businesses)
    print(f"generated {path} with {businesses:,} IKM in {time.perf_counter() - started:.1f} s")


class Clock:
    """Wall and CPU time of one measured step."""

    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.cpu = time.process_time()

    def lap(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def summary(name: str, laps: list[tuple[float, float]], target: float | None = None) -> None:
    walls = [w for w, _c in laps]
    cpus = [c for _w, c in laps]
    verdict = ""
    if target is not None:
        verdict = "  OK" if statistics.median(walls) < target else f"  ABOVE TARGET {target * 1000:.0f} ms"
    print(
        f"{name:<34} median {ms(statistics.median(walls))} (cpu {ms(statistics.median(cpus))})  "
        f"min {ms(min(walls))}  max {ms(max(walls))}  n={len(laps)}{verdict}"
    )


def measure_parts(db: Any) -> None:
    """The table's own work, without Textual: build, filter, sort."""
    from ikmtui.tabular import RowSet
    from ikmtui.ui.registry.table import IkmScreen, ikm_columns

    docs = db.docs("ikm")
    builds = []
    for _ in range(3):
        clock = Clock()
        rows = RowSet(ikm_columns(db), docs, IkmScreen.SEARCH_FIELDS)
        builds.append(clock.lap())
    summary("rows: build (100k)", builds)
    clock = Clock()
    rows.filter("x")
    summary("rows: first filter (search keys)", [clock.lap()])
    filters = []
    for query in QUERIES:
        for end in range(1, len(query) + 1):
            clock = Clock()
            rows.filter(query[:end])
            filters.append(clock.lap())
        rows.filter("")
    summary("rows: filter per keystroke", filters)
    clock = Clock()
    rows.sort(1)
    summary("rows: sort by name", [clock.lap()])


async def measure_app(db: Any, runs: int) -> None:
    from ikmtui.ui.app import make_app
    from ikmtui.ui.registry.table import IkmScreen

    app = make_app(db, poll_seconds=0)
    frames = FrameClock(app)

    async def shown(clock: Clock) -> tuple[float, float]:
        wall = await frames.seen(clock.wall)
        return wall, frames.cpu_at - clock.cpu

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        # The app builds the IKM screen behind the dashboard at start: the first press of 2 shows that one.
        # Then the screen is removed and built afresh each run, as any other screen's first opening is.
        opens: list[tuple[float, float]] = []
        for _ in range(runs):
            frames.expect(lambda a: isinstance(a.screen, IkmScreen) and a.screen.table.rows.total > 0)
            clock = Clock()
            await pilot.press("2")
            opens.append(await shown(clock))
            await pilot.pause(1.5)  # the search keys are built
            assert app.screen.table.rows.total == db.count("ikm")
            await pilot.press("1")
            await pilot.pause()
            await app.remove_mode("ikm")
            app.add_mode("ikm", IkmScreen)
        summary("open IKM screen (built at start)", opens[:1], target=0.2)
        summary("open IKM screen (built afresh)", opens[1:])

        await pilot.press("2")
        await pilot.pause(1.5)
        await pilot.press("slash")
        await pilot.pause(0.5)
        keystrokes = []
        for query in QUERIES:
            for end in range(1, len(query) + 1):
                typed = query[:end]
                frames.expect(lambda a, typed=typed: a.screen.table.rows.query == typed)
                clock = Clock()
                await pilot.press("space" if typed[-1] == " " else typed[-1])
                keystrokes.append(await shown(clock))
            print(f"  '{query}': {len(app.screen.table.rows):,} rows shown")
            await pilot.press("ctrl+u")
            await pilot.pause()
        summary("filter keystroke (to repaint)", keystrokes, target=0.05)

        await pilot.press("enter", "right")  # back to the table, on the second column
        await pilot.pause()
        frames.expect(lambda a: a.screen.table.rows.sort_column == 1)
        clock = Clock()
        await pilot.press("s")
        summary("sort by a column (to repaint)", [await shown(clock)])

        # Another officer saves: the screen reloads the table from the database.
        from ikmtui.storage import Database

        other = Database(db.path, "bench.other")
        first = int(next(iter(other.docs("ikm"))))

        async def reload_after_save(name: str) -> tuple[float, float]:
            other.update("ikm", first, {"name": name})
            before = app.screen.table.rows
            frames.expect(lambda a: a.screen.table.rows is not before)
            clock = Clock()
            app.poll_database()
            return await shown(clock)

        summary("reload after a save (sorted)", [await reload_after_save("Bench renamed")])
        await pilot.press("s", "s")  # back to the registry order
        await pilot.press("slash", *"bandeng", "enter")
        await pilot.pause()
        summary("reload after a save (filtered)", [await reload_after_save("Bench bandeng")])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--businesses", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5, help="how many times the screen is opened")
    args = parser.parse_args()
    ensure_database(args.db, args.businesses)

    from ikmtui.storage import Database

    clock = Clock()
    db = Database(args.db, "bench")
    wall, cpu = clock.lap()
    print(
        f"database: {args.db} ({args.db.stat().st_size / 1e6:.0f} MB, {db.count('ikm'):,} IKM), "
        f"opened in {wall:.2f} s (cpu {cpu:.2f} s); "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    measure_parts(db)
    asyncio.run(measure_app(db, args.runs))


if __name__ == "__main__":
    main()
