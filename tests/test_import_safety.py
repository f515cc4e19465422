"""Bounded work on untrusted files (issue 17, items 11 and 12): what an import reads and how much.

Each test makes the file that broke the importer (a FIFO, ``/dev/zero``, a workbook with a cell at column
ZZZZZ, a zip bomb, a CSV with a 10 MB cell ...) and shows it refused at once with one clear line, in bounded
memory, the database untouched. The command-line runs that measure time and memory run in a subprocess with an
address-space limit, so a regression fails the test instead of swapping the machine.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from ikmtui.io import importer
from ikmtui.storage import Database
from tests.test_import import IKM_HEADERS, files_of, ikm_row, write_csv

#: Runs ``ikmtui`` and reports, on its last stderr line, the seconds and the peak memory (KiB) of the command.
_MEASURED = """
import resource, sys, time
from ikmtui.cli import main
start = time.perf_counter()
code = main(sys.argv[1:])
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"@@ {time.perf_counter() - start:.3f} {peak}", file=sys.stderr)
sys.exit(code)
"""
#: A child may not grow beyond this: the bug took gigabytes.
_ADDRESS_LIMIT = 1_500_000_000


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (_ADDRESS_LIMIT, _ADDRESS_LIMIT))


def measured_import(path: Path, db_path: Path, *extra: str) -> tuple[int, str, float, float]:
    """``ikmtui import PATH --dry-run`` in a subprocess: (exit code, stderr without the measure, seconds, MB)."""
    env = {**os.environ, "IKMTUI_LANG": "id"}
    done = subprocess.run([sys.executable, "-c", _MEASURED, "import", str(path), "--db", str(db_path),
                           "--user", "tester", "--dry-run", *extra],
                          capture_output=True, text=True, timeout=60, env=env, preexec_fn=_limit_memory)
    *lines, measure = done.stderr.splitlines() or [""]
    assert measure.startswith("@@ "), done.stderr
    seconds, peak_kib = measure.split()[1:]
    return done.returncode, "\n".join(lines) + "\n", float(seconds), int(peak_kib) / 1024


def assert_refused(code: int, err: str, *words: str) -> None:
    assert code == 2, err
    assert err.startswith("ikmtui: ") and err.count("\n") == 1, err
    assert "Traceback" not in err and "unexpected" not in err and "tidak terduga" not in err, err
    for word in words:
        assert word in err, err


# ------------------------------------------------------------------------------------------------ not a file
def test_dev_zero_is_refused_at_once(db_path: Path) -> None:
    before = files_of(db_path)
    code, err, seconds, peak = measured_import(Path("/dev/zero"), db_path)
    assert_refused(code, err, "/dev/zero", "bukan berkas biasa")
    assert seconds < 1 and peak < 200, (seconds, peak)
    assert files_of(db_path) == before


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path, db_path: Path) -> None:
    fifo = tmp_path / "daftar.csv"
    os.mkfifo(fifo)
    code, err, seconds, _peak = measured_import(fifo, db_path)  # the bug: blocked forever in open()
    assert_refused(code, err, "daftar.csv", "bukan berkas biasa")
    assert seconds < 1


def test_a_link_to_a_device_is_refused(tmp_path: Path, db_path: Path) -> None:
    link = tmp_path / "ikm.xlsx"
    link.symlink_to("/dev/zero")
    with pytest.raises(ValueError, match="bukan berkas biasa"):
        importer.load(link)


def test_a_file_over_the_size_limit_is_refused_naming_the_limit(tmp_path: Path, db_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_csv(tmp_path / "besar.csv", IKM_HEADERS, [ikm_row(i) for i in range(1, 40)])
    with path.open("a") as fh:
        fh.write("\n" * 2_000_000)
    monkeypatch.setattr(importer, "MAX_IMPORT_BYTES", 1_500_000)
    with pytest.raises(ValueError, match=r"besar\.csv: .*paling besar 1\.5 MB"):
        importer.import_file(Database(db_path, "tester"), path, dry_run=True)
