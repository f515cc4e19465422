"""Timings of the dashboard figures, the reports and the exports on a large generated database.

    python bench/bench_reports.py                       # 100,000 IKM, exports of the IKM table
    python bench/bench_reports.py --businesses 10000 --export-all

Prints medians. The first line is a reference: one bare Python loop over the IKM table, so figures measured on a
slow or busy machine can be compared (the dashboard's budget is about 0.3 s at 100,000 IKM on an ordinary one).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from ikmtui.demodata import build
from ikmtui.io.export import export
from ikmtui.reports import figures
from ikmtui.reports.catalog import build_report, render
from ikmtui.reports.period import parse_period

TODAY = date(2026, 11, 1)


def timed(label: str, action: Callable[[], object], runs: int = 3, before: Callable[[], None] | None = None) -> float:
    times = []
    for _ in range(runs):
        if before:
            before()
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    median = statistics.median(times)
    print(f"{label:<58} {median:8.3f} s   (runs: {', '.join(f'{t:.3f}' for t in times)})")
    return median


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--businesses", type=int, default=100_000)
    parser.add_argument("--export-all", action="store_true", help="export every table, not only ikm")
    args = parser.parse_args()
    started = time.perf_counter()
    tables = build(args.businesses, seed=1)
    print(
        f"generated {args.businesses:,} IKM in {time.perf_counter() - started:.1f} s: "
        + ", ".join(f"{name} {len(docs):,}" for name, docs in tables.items() if name not in ("meta", "audit"))
    )
    ikm = tables["ikm"]
    timed("reference: one bare Python loop over the IKM table", lambda: sum(1 for _ in ikm.values()))
    timed(
        "dashboard figures, nothing cached (the budget: ~0.3 s)",
        lambda: figures.dashboard(tables, TODAY),
        before=figures._CACHE.clear,
    )
    changed = {**tables, "ikm": dict(ikm)}
    timed("dashboard figures after one IKM table change", lambda: figures.dashboard(changed, TODAY), runs=1)
    timed("dashboard figures, nothing changed", lambda: figures.dashboard(changed, TODAY))
    for name in ("overview", "ikm", "clusters", "training", "credit", "gallery"):
        timed(
            f"report {name} 2026 (figures and document)",
            lambda name=name: build_report(tables, name, parse_period("2026"), TODAY),
            runs=1,
        )
    report = build_report(tables, "overview", parse_period("2026"), TODAY)
    for fmt in ("text", "html", "svg", "json"):
        timed(f"render overview as {fmt}", lambda fmt=fmt: render(report, fmt), runs=1)
    names = None if args.export_all else ["ikm"]
    rows = sum(len(tables[n]) for n in (names or [t for t in tables if t not in ("meta", "audit")]))
    with tempfile.TemporaryDirectory() as folder:
        seconds = timed(
            f"export xlsx ({'all tables' if names is None else 'ikm'}, {rows:,} rows)",
            lambda: export(tables, "xlsx", Path(folder) / "rekap.xlsx", names),
            runs=1,
        )
        print(f"{'':<58} {rows / seconds:8.0f} rows/s")
        timed(
            f"export csv ({'all tables' if names is None else 'ikm'}, {rows:,} rows)",
            lambda: export(tables, "csv", Path(folder) / "csv", names),
            runs=1,
        )


if __name__ == "__main__":
    main()
