"""Scale: the figures an office and a province office feel, at 3,500 and at 100,000 IKM.

    python bench/bench_scale.py [--sizes 3500 100000] [--runs 3] [--folder /tmp]

Databases are generated once (``ikmtui.demodata.write_demo``, seed 1, other tables in proportion) and reused.
For each size it prints medians over ``--runs`` runs, and each as a ratio to ``orjson.loads`` of the same file
measured in the same run (the floor for opening any JSON database); ``gc off`` is the stricter floor of the
same parse with Python's cycle collector held off, as the database itself parses. App figures are timed to
the frame handed to the terminal (see ``frames.py``), with keys pressed as soon as the previous frame showed:

* open to an interactive dashboard: opening the database and the app until the dashboard shows its figures;
* IKM screen first paint: pressing ``2`` until the table's rows are shown;
* filter keystroke: one character typed into the IKM search box until the filtered table is shown (the first
  keys may come while search keys are still being built);
* cursor: a row down, then a page down, in the IKM table until the frame shows the cursor moved;
* save of one edited record, durable (fsynced) before it returns;
* the overview report (figures and Rich renderables) for all time.

Targets: open at 100,000 at most 1.5x ``orjson.loads``; first paint under 0.2 s; keystroke median under 50 ms;
save under 0.25 s at 100,000 and under 15 ms at 3,500.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import orjson
from frames import FrameClock

QUERIES = ("bandeng", "sri wahyuni", "tembalang batik")


def median_of(runs: int, step: Callable[[], float]) -> float:
    return statistics.median(step() for _ in range(runs))


def timed(fn: Callable[[], object]) -> float:
    gc.collect()
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


async def app_figures(path: Path) -> tuple[float, float, list[float], list[float]]:
    """Open-to-dashboard, IKM first paint, per-keystroke and per-cursor-move times of one app run, each to the
    frame shown."""
    from ikmtui.storage import Database
    from ikmtui.ui.app import make_app
    from ikmtui.ui.dashboard.overview import DashboardScreen
    from ikmtui.ui.registry.table import IkmScreen

    gc.collect()
    started = time.perf_counter()
    db = Database(path, "bench")
    app = make_app(db, poll_seconds=0)
    frames = FrameClock(app)
    frames.expect(lambda a: isinstance(a.screen, DashboardScreen) and hasattr(a.screen, "figures"))
    async with app.run_test(size=(120, 40)) as pilot:
        opened = await frames.seen(started)
        # Straight on, as a hurried user would: whatever the app does in the background competes.
        frames.expect(lambda a: isinstance(a.screen, IkmScreen) and a.screen.table.rows.total > 0)
        started = time.perf_counter()
        await pilot.press("2")
        first_paint = await frames.seen(started)
        await pilot.press("slash")
        keystrokes = []
        for query in QUERIES:
            for end in range(1, len(query) + 1):
                typed = query[:end]
                frames.expect(lambda a, typed=typed: a.screen.table.rows.query == typed)
                started = time.perf_counter()
                await pilot.press("space" if typed[-1] == " " else typed[-1])
                keystrokes.append(await frames.seen(started))
            await pilot.press("ctrl+u")
        await pilot.press("escape")  # back to the table: the cursor moves a row, then a page, at a time
        moves = []
        for key in ["down"] * 10 + ["pagedown"] * 10:
            frames.expect(lambda a, row=app.screen.table.cursor_row: a.screen.table.cursor_row != row)
            started = time.perf_counter()
            await pilot.press(key)
            moves.append(await frames.seen(started))
    return opened, first_paint, keystrokes, moves


def measure(path: Path, runs: int) -> dict[str, float]:
    from ikmtui.reports.catalog import build_report
    from ikmtui.reports.period import Period
    from ikmtui.storage import Database
    from ikmtui.storage.database import load_json

    raw = path.read_bytes()
    loads = median_of(runs, lambda: timed(lambda: orjson.loads(raw)))
    quiet = median_of(runs, lambda: timed(lambda: load_json(raw)))  # the stricter floor: no cycle collector
    gc.unfreeze()
    opens, paints, keys, moves = [], [], [], []
    for _ in range(runs):
        opened, painted, keystrokes, cursor = asyncio.run(app_figures(path))
        opens.append(opened)
        paints.append(painted)
        keys += keystrokes
        moves += cursor
    db = Database(path, "bench")
    target = db.all("ikm")[0]
    saves = []
    for n in range(max(10, runs * 5)):
        doc = db.get("ikm", target["id"])
        saves.append(
            timed(
                lambda d=doc, n=n: db.update(
                    "ikm", d["id"], {"address": f"Jl. Uji No. {n}"}, expected_version=d["version"]
                )
            )
        )
    report = median_of(
        runs, lambda: timed(lambda: build_report(db._data, "overview", Period.all_time(), date(2026, 11, 27)))
    )
    return {
        "loads": loads,
        "quiet": quiet,
        "open": statistics.median(opens),
        "paint": statistics.median(paints),
        "key": statistics.median(keys),
        "key_max": max(keys),
        "move": statistics.median(moves),
        "move_max": max(moves),
        "save": statistics.median(saves),
        "report": report,
        "mb": len(raw) / 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[3500, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--folder", type=Path, default=Path("/tmp"))
    args = parser.parse_args()
    from ikmtui.demodata import write_demo

    print(
        f"{'IKM':>8} {'file':>8} {'loads':>9} {'gc off':>8} {'open (x loads, x gc off)':>26} "
        f"{'IKM paint':>10} {'keystroke':>10} {'(max)':>7} {'cursor':>8} {'(max)':>7} {'save':>9} "
        f"{'overview':>16}"
    )
    for size in args.sizes:
        path = args.folder / f"ikmtui-scale-{size}.json"
        if not path.exists():
            write_demo(path, size, seed=1)
        f = measure(path, args.runs)
        print(
            f"{size:>8,} {f['mb']:>6.1f}MB {f['loads'] * 1000:>7.0f}ms {f['quiet'] * 1000:>6.0f}ms "
            f"{f['open'] * 1000:>7.0f}ms ({f['open'] / f['loads']:.2f}x, {f['open'] / f['quiet']:.2f}x) "
            f"{f['paint'] * 1000:>8.0f}ms {f['key'] * 1000:>8.1f}ms {f['key_max'] * 1000:>5.0f}ms "
            f"{f['move'] * 1000:>6.1f}ms {f['move_max'] * 1000:>5.0f}ms "
            f"{f['save'] * 1000:>7.1f}ms {f['report'] * 1000:>7.0f}ms ({f['report'] / f['loads']:.2f}x)"
        )


if __name__ == "__main__":
    main()
