"""Storage safety with real processes (issue 17): a lock file deleted under a transaction, one database reached
through two paths, refresh that must not wait for another process, a restore or backup killed half-way, and a
database on a read-only mount.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from ikmtui.storage import Database
from ikmtui.storage.backup import backup_dir

pytestmark = pytest.mark.skipif(
    not hasattr(os, "fork") or sys.platform == "win32", reason="needs POSIX processes, locks and signals"
)


def business(name: str) -> dict:
    return {"name": name, "owner_name": "Sri Lestari", "owner_nik": "3374015505800001", "kecamatan": "Tugu"}


def names(path: Path) -> list[str]:
    return sorted(doc["name"] for doc in Database(path, "reader", create=False).docs("ikm").values())


class Child:
    """A Python child process running ``code``; talks in lines on stdin/stdout."""

    def __init__(self, tmp_path: Path, code: str, *args: str) -> None:
        script = tmp_path / f"child-{time.monotonic_ns()}.py"
        script.write_text(textwrap.dedent(code))
        self.proc = subprocess.Popen(
            [sys.executable, str(script), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
        )

    def expect(self, prefix: str | tuple[str, ...], timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()  # type: ignore[union-attr]
            if not line:
                break
            if line.startswith(prefix):
                return line.strip()
        raise AssertionError(f"no {prefix!r} from child: {self.proc.stderr.read()}")  # type: ignore[union-attr]

    def say(self, line: str) -> None:
        self.proc.stdin.write(line + "\n")  # type: ignore[union-attr]
        self.proc.stdin.flush()  # type: ignore[union-attr]

    def finish(self) -> int:
        try:
            return self.proc.wait(20)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()


HOLDER = """
    import sys
    from ikmtui.storage import Database, StorageError

    db = Database(sys.argv[1], "holder")
    try:
        with db.transaction() as txn:
            txn.insert("ikm", {"name": "from A"}, code_prefix="IKM")
            print("IN", flush=True)
            sys.stdin.readline()  # held inside the transaction until told to go on
        print("SAVED", flush=True)
    except StorageError as exc:
        print("REFUSED", type(exc).__name__, str(exc).replace("\\n", " "), flush=True)
"""

INSERTER = """
    import sys
    from ikmtui.storage import Database

    db = Database(sys.argv[1], sys.argv[2], lock_timeout=float(sys.argv[4]))
    ids = [db.insert("ikm", {"name": f"{sys.argv[2]}-{i}"}, code_prefix="IKM")["id"] for i in range(int(sys.argv[3]))]
    print("SAVED", *ids, flush=True)
"""


# ------------------------------------------------------------------------------ item 9: the lock cannot be lost
@pytest.mark.parametrize("who_commits_first", ["other", "holder"])
def test_deleting_the_lock_file_under_a_transaction_loses_no_acknowledged_save(
    tmp_path: Path, who_commits_first: str
) -> None:
    path = tmp_path / "db.json"
    Database(path, "setup").insert("ikm", business("before"), code_prefix="IKM")
    holder = Child(tmp_path, HOLDER, str(path))
    holder.expect("IN")
    path.with_name(path.name + ".lock").unlink()  # while A is inside its transaction
    outcome = ""
    if who_commits_first == "holder":
        holder.say("go")
        outcome = holder.expect(("SAVED", "REFUSED"))
    other = Child(tmp_path, INSERTER, str(path), "budi", "3", "5")  # B: a new lock file, a lock of its own
    saved = [int(x) for x in other.expect("SAVED").split()[1:]]
    assert other.finish() == 0
    if who_commits_first == "other":
        holder.say("go")
        outcome = holder.expect(("SAVED", "REFUSED"))
    assert holder.finish() == 0
    on_disk = Database(path, "reader").docs("ikm")
    assert saved == [2, 3, 4] and all(str(i) in on_disk for i in saved)  # B's acknowledged saves are all there
    assert sorted(d["name"] for d in on_disk.values()) == ["before", "budi-0", "budi-1", "budi-2"]
    journal = path.with_name(path.name + ".journal").read_bytes()
    assert journal.endswith(b"\n") and journal.count(b"\n") == 4  # setup's line and B's three, none cut
    assert outcome.split()[:2] == ["REFUSED", "LockLost"]  # A was told its save did not happen


# ------------------------------------------------------------------------------ item 10: two paths, one database
def test_processes_using_a_symlink_and_the_real_path_share_one_database(tmp_path: Path) -> None:
    real = tmp_path / "data" / "db.json"
    Database(real, "setup")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    dotted = real.parent / ".." / "data" / "db.json"
    children = [
        Child(tmp_path, INSERTER, str(p), who, "25", "30")
        for p, who in ((link, "via-link"), (real, "via-real"), (dotted, "via-dots"))
    ]
    acknowledged = [int(x) for child in children for x in child.expect("SAVED").split()[1:]]
    assert all(child.finish() == 0 for child in children)
    assert len(acknowledged) == len(set(acknowledged)) == 75  # no id handed out twice
    on_disk = Database(link, "reader").docs("ikm")
    assert {int(k) for k in on_disk} == set(acknowledged)  # none lost
    assert link.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("link")) == ["link.json"]


# ------------------------------------------------------------------------------ item 13: refresh never waits
def test_refresh_without_waiting_returns_within_50_ms_while_another_process_holds_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    db = Database(path, "app", lock_timeout=30)
    holder = Child(tmp_path, HOLDER, str(path))
    holder.expect("IN")  # a stopped lock holder, as far as we can tell
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        assert db.refresh(wait=False) is False
        timings.append(time.perf_counter() - started)
    assert max(timings) < 0.05, timings
    holder.say("go")
    assert holder.expect("SAVED")
    assert holder.finish() == 0
    assert db.refresh(wait=False) is True and [d["name"] for d in db.docs("ikm").values()] == ["from A"]


# ------------------------------------------------------------------------------ item 8: killed restore or backup
KILLED_AT_RENAME = """
    import os, signal, sys
    from ikmtui.cli import main

    real_replace = os.replace

    def replace(src, dst):
        if sys.argv[1] in os.path.basename(str(dst)):
            os.kill(os.getpid(), signal.SIGKILL)  # killed with the full temp copy written, before its rename
        real_replace(src, dst)

    os.replace = replace
    main(sys.argv[2:])
"""


@pytest.mark.parametrize(
    ("marker", "argv"),
    [
        ("before-restore", ["restore", "{backup}", "--db", "{db}", "--yes", "--user", "ani"]),
        ("manual", ["backup", "--db", "{db}", "--user", "ani"]),
    ],
)
def test_leftovers_of_a_killed_restore_or_backup_are_gone_after_reopening(
    tmp_path: Path, marker: str, argv: list[str]
) -> None:
    path = tmp_path / "db.json"
    db = Database(path, "ani")
    db.insert("ikm", business("a"), code_prefix="IKM")
    backup = tmp_path / "elsewhere" / "copy.json"
    backup.parent.mkdir()
    shutil.copyfile(path, backup)
    shutil.copyfile(path.with_name(path.name + ".journal"), backup.with_name(backup.name + ".journal"))
    db.insert("ikm", business("b"), code_prefix="IKM")
    args = [a.format(backup=backup, db=path) for a in argv]
    child = Child(tmp_path, KILLED_AT_RENAME, marker, *args)
    assert child.finish() == -9
    leftovers = list(backup_dir(path).glob(f".db-{marker}-*.json.tmp-*"))
    assert leftovers and b"3374015505800001" in leftovers[0].read_bytes()  # a full copy with NIKs
    reopened = Database(path, "ani")
    assert list(backup_dir(path).glob(".*.tmp-*")) == []
    assert sorted(d["name"] for d in reopened.docs("ikm").values()) == ["a", "b"]  # nothing else changed


# ------------------------------------------------------------------------------ item 14: read-only medium
def _read_only_bind_mount_works(folder: Path) -> bool:
    unshare = shutil.which("unshare")
    if not unshare or os.geteuid() != 0:
        return False
    probe = subprocess.run(
        [
            unshare,
            "-m",
            "sh",
            "-c",
            f"mount --bind '{folder}' '{folder}' && mount -o remount,bind,ro '{folder}' && ! touch '{folder}/probe'",
        ],
        capture_output=True,
        timeout=20,
    )
    return probe.returncode == 0 and not (folder / "probe").exists()


def test_check_and_report_on_a_read_only_bind_mount(tmp_path: Path, db_path: Path) -> None:
    """A real read-only medium (a read-only bind mount in a private mount namespace; chmod would not stop root)."""
    folder = tmp_path / "medium"
    folder.mkdir()
    shutil.copyfile(db_path, folder / "db.json")
    if not _read_only_bind_mount_works(folder):
        pytest.skip("needs root and unshare(1) for a read-only bind mount")
    before = sorted(p.name for p in folder.iterdir()), (folder / "db.json").read_bytes()
    db = folder / "db.json"
    script = (
        f"mount --bind '{folder}' '{folder}' && mount -o remount,bind,ro '{folder}' && "
        f"'{sys.executable}' -m ikmtui check --db '{db}' --lang en && "
        f"'{sys.executable}' -m ikmtui report overview --db '{db}' --format json --lang en && "
        f"'{sys.executable}' -m ikmtui backup --db '{db}' --lang en; echo backup-exit=$?"
    )
    result = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, timeout=120)
    assert "read-only" in result.stderr and "OK" in result.stdout, result.stdout + result.stderr
    assert '"ikm"' in result.stdout or "ikm" in result.stdout  # the report came out
    assert "backup-exit=2" in result.stdout and "Read-only file system" in result.stderr  # refused, clearly
    assert "unexpected error" not in result.stderr and "Traceback" not in result.stderr
    assert (sorted(p.name for p in folder.iterdir()), db.read_bytes()) == before  # not even a lock file
