"""Timings of the PDF documents on the bundled demo, and of certificates for a batch of thirty.

    python bench/bench_documents.py [--runs 3]

Prints medians of making each document (the bytes; nothing is written). The target is "well under a second" each
on an ordinary machine; the first run of a process also loads fpdf2 and the fonts, which the app does once.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from ikmtui import clock, paths
from ikmtui.reports.areas import credit_report
from ikmtui.reports.common import tables_of
from ikmtui.reports.period import parse_period
from ikmtui.services import documents
from ikmtui.storage import Database


def timed(label: str, action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    median = statistics.median(times)
    print(f"{label:<44} {median:7.3f} s   (runs: {', '.join(f'{t:.3f}' for t in times)})")
    return median


def thirty_completers(db: Database, batch_id: int) -> None:
    """The batch as if thirty participants completed it (in this copy of the demo only)."""
    ikm = list(db.docs("ikm"))
    with db.transaction() as txn:
        for key, doc in txn.table("enrollments").items():
            if doc.get("batch_id") == batch_id:
                txn.update("enrollments", int(key), {"state": "not_completed", "certificate_no": None})
        for n in range(30):
            txn.insert(
                "enrollments",
                {
                    "batch_id": batch_id,
                    "ikm_id": int(ikm[n % len(ikm)]),
                    "participant": f"Peserta Nomor {n + 1}",
                    "state": "completed",
                    "certificate_no": f"{900 + n:03d}/PLT-UJI/DISPERIN/XII/2026",
                    "attendance": {},
                },
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    today = date(2026, 12, 4)
    folder = Path(tempfile.mkdtemp(prefix="ikmtui-bench-"))
    try:
        path = folder / "demo.json"
        shutil.copyfile(paths.DEMO_DB, path)
        with clock.fixed(today):
            db = Database(path, "admin")
            tables = tables_of(db)
            completed = next(e for e in tables["enrollments"].values() if e.get("state") == "completed")
            batch = tables["batches"][str(completed["batch_id"])]
            sale = max(tables["sales"].values(), key=lambda s: s["date"])
            ikm = tables["ikm"][str(sale["ikm_id"])]["code"]
            late = credit_report(tables, parse_period("all", today), today).data["arrears"][0]["code"]
            timed("attendance sheet (filled)", lambda: documents.make_attendance(db, batch["code"]), runs)
            timed("attendance sheet (blank)", lambda: documents.make_attendance(db, batch["code"], blank=True), runs)
            timed("certificates of a demo batch", lambda: documents.make_certificates(db, batch["code"]), runs)
            timed("consignment statement", lambda: documents.make_consignment(db, ikm, sale["date"][:7]), runs)
            timed("repayment card", lambda: documents.make_loan_card(db, late), runs)
            timed("IKM profile sheet", lambda: documents.make_profile(db, ikm), runs)
            thirty_completers(db, int(completed["batch_id"]))
            timed("certificates for a batch of 30", lambda: documents.make_certificates(db, batch["code"]), runs)
            db.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
