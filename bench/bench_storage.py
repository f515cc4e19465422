"""Storage benchmark: how long opening, saving and inserting take at office scale and at 100,000 IKM.

Run with ``python bench/bench_storage.py`` (not part of the test suite). It writes databases of IKM-like
records (16 fields, about 450 bytes each) into a temporary folder and prints medians over several runs:

* ``orjson.loads`` of the file bytes: the floor for any JSON storage;
* opening a :class:`~ikmtui.storage.Database` (read, check, journal replay), and its ratio to that floor;
* saving one edited record (``db.update``, durable: fsynced before it returns) and inserting one record;
* picking up one change made by another process (``refresh``), and folding the journal (``compact``).
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import orjson

from ikmtui.storage import Database
from ikmtui.storage.database import APP_MARK, META_ID, SCHEMA_VERSION, TABLES, atomic_write

KECAMATAN = (
    "Semarang Tengah",
    "Semarang Utara",
    "Semarang Timur",
    "Gayamsari",
    "Genuk",
    "Pedurungan",
    "Semarang Selatan",
    "Candisari",
    "Gajahmungkur",
    "Tembalang",
    "Banyumanik",
    "Gunungpati",
    "Semarang Barat",
    "Mijen",
    "Ngaliyan",
    "Tugu",
)
PRODUCTS = (
    "batik tulis dan cap motif Semarangan",
    "bandeng presto dan otak-otak bandeng",
    "lumpia basah dan kering",
    "mebel kayu jati",
    "kerajinan eceng gondok",
    "wingko babat",
)
STAMP = "2026-03-01T09:00:00+07:00"


def ikm_doc(i: int, rnd: random.Random) -> dict:
    """One IKM record as stored: 10 business fields and 6 stamps, about 450 bytes of JSON."""
    kec = rnd.randrange(len(KECAMATAN))
    return {
        "name": f"UD Sumber Rejeki {i}",
        "owner_name": rnd.choice(("Sri Lestari", "Budi Santoso", "Siti Aminah", "Agus Widodo")),
        "owner_nik": f"3374{kec + 1:02d}{rnd.randrange(10**10):010d}",
        "nib": f"{rnd.randrange(10**13):013d}",
        "address": f"Jl. Pandanaran No. {rnd.randrange(1, 300)}, RT {rnd.randrange(1, 12):02d}/RW 03",
        "kecamatan": KECAMATAN[kec],
        "phone": f"08{rnd.randrange(10**10):010d}",
        "kbli": f"{rnd.randrange(10, 33)}{rnd.randrange(1000):03d}",
        "product": rnd.choice(PRODUCTS),
        "turnover": rnd.randrange(10, 2000) * 1_000_000,
        "code": f"IKM-{i:06d}",
        "version": 1,
        "created_at": STAMP,
        "created_by": "operator.disperin",
        "updated_at": STAMP,
        "updated_by": "operator.disperin",
    }


def build(path: Path, n: int) -> int:
    """Write a database of ``n`` IKM in one atomic step, meta like ``Database._create`` writes it."""
    rnd = random.Random(n)
    tables: dict[str, dict] = {name: {} for name in TABLES}
    tables["ikm"] = {str(i): ikm_doc(i, rnd) for i in range(1, n + 1)}
    tables["meta"][META_ID] = {
        "app": APP_MARK,
        "schema": SCHEMA_VERSION,
        "created_at": STAMP,
        "created_by": "bench",
        "counters": {"IKM": n},
        "last_ids": {"ikm": n},
    }
    raw = orjson.dumps(tables)
    atomic_write(path, raw)
    return len(raw)


def median_time(action: Callable[[], object], runs: int) -> float:
    """Median wall time of ``action``; what it returns is freed outside the timing (with a full collection),
    so that tearing down one result is not billed to the next run."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
        del result
        gc.collect()
    return statistics.median(times)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:9.1f} ms"


def bench(n: int, runs: int, saves: int, folder: Path) -> dict[str, float | int]:
    path = folder / f"bench-{n}.json"
    size = build(path, n)
    figures: dict[str, float | int] = {"records": n, "bytes": size}
    # Interleaved, so that both see the same machine load, page cache and allocator state.
    loads, opens = [], []
    for _ in range(runs):
        loads.append(median_time(lambda: orjson.loads(path.read_bytes()), 1))
        opens.append(median_time(lambda: Database(path, "bench", create=False), 1))
    figures["orjson.loads"], figures["open"] = statistics.median(loads), statistics.median(opens)
    db = Database(path, "bench", create=False)
    figures["first get"] = median_time(lambda: db.get("ikm", n // 2), 1)

    rnd = random.Random(1)
    ids = [rnd.randrange(1, n + 1) for _ in range(saves)]
    it = iter(ids)
    figures["save edit"] = median_time(lambda: db.update("ikm", next(it), {"phone": "081234567890"}), saves)
    figures["insert"] = median_time(lambda: db.insert("ikm", ikm_doc(0, rnd), code_prefix="IKM"), saves)

    other = Database(path, "other", create=False)
    figures["refresh idle"] = median_time(other.refresh, saves)

    def picked_up() -> None:
        db.update("ikm", 1, {"turnover": rnd.randrange(10**9)})
        start = time.perf_counter()
        other.refresh()
        picked_up.seconds.append(time.perf_counter() - start)  # type: ignore[attr-defined]

    picked_up.seconds = []  # type: ignore[attr-defined]
    for _ in range(min(saves, 10)):
        picked_up()
    figures["refresh 1 change"] = statistics.median(picked_up.seconds)  # type: ignore[attr-defined]

    def edit_and_compact() -> None:
        db.update("ikm", 2, {"turnover": rnd.randrange(10**9)})
        db.compact()

    figures["compact"] = median_time(edit_and_compact, max(1, runs // 2))
    figures["compact"] -= figures["save edit"]  # approximately the fold alone
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="3500,100000", help="record counts, comma separated")
    parser.add_argument("--runs", type=int, default=5, help="runs for open and orjson.loads (median)")
    parser.add_argument("--saves", type=int, default=20, help="saves and inserts timed per size (median)")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="ikmtui-bench-") as tmp:
        for n in (int(x) for x in args.sizes.split(",")):
            rows.append(bench(n, args.runs, args.saves, Path(tmp)))

    header = f"{'':>18}" + "".join(f"{r['records']:>14,}" for r in rows)
    print(header)
    print(f"{'file size':>18}" + "".join(f"{r['bytes'] / 1e6:>11.1f} MB" for r in rows))
    print(f"{'bytes per record':>18}" + "".join(f"{r['bytes'] // r['records']:>12,} B" for r in rows))
    for key in (
        "orjson.loads",
        "open",
        "first get",
        "save edit",
        "insert",
        "refresh idle",
        "refresh 1 change",
        "compact",
    ):
        print(f"{key:>18}" + "".join(f"{ms(r[key]):>14}" for r in rows))
    print(f"{'open / loads':>18}" + "".join(f"{r['open'] / r['orjson.loads']:>13.2f}x" for r in rows))
    print(
        f"\nmedians; orjson.loads and open over {args.runs} runs, saves and inserts over {args.saves}; "
        "saves and inserts are durable (journal line fsynced before they return)"
    )


if __name__ == "__main__":
    main()
