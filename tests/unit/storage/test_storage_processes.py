"""Real processes on one database file: SIGKILL at random moments, and several writers at once.

These tests start Python child processes. The SIGKILL test uses a small fork server (a child that imports
ikmtui once and forks a fresh worker for every round of writes) so that well over a hundred kills fit in a
few seconds; the test kills the workers, never the fork server, and checks the database after every kill.
"""

from __future__ import annotations

import os
import queue
import random
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from ikmtui import i18n
from ikmtui.storage import Database, StaleRecord

pytestmark = pytest.mark.skipif(
    not hasattr(os, "fork") or sys.platform == "win32", reason="needs POSIX processes and signals"
)

KILL_ROUNDS = 8  # a fresh database file per round; in every other round a second writer runs throughout
KILLS_PER_ROUND = 25
BATCH = 4  # records inserted by one multi-record transaction

FORK_SERVER = textwrap.dedent(
    """
    import os, random, signal, sys

    from ikmtui.storage import Database

    def out(line):
        os.write(1, (line + "\\n").encode())  # one write(2) per line: a kill never tears a line

    real_compact = Database.compact

    def compact(self):
        out("C+")
        real_compact(self)
        out("C-")

    Database.compact = compact

    def crash_at(point, path):  # die by SIGKILL right before or right after a snapshot rename
        real_replace = os.replace

        def replace(src, dst):
            if point == "before-rename" and str(dst) == path:
                os.kill(os.getpid(), signal.SIGKILL)
            real_replace(src, dst)
            if point == "after-rename" and str(dst) == path:
                os.kill(os.getpid(), signal.SIGKILL)

        os.replace = replace

    def worker(path, gen, compact_bytes, crash):
        if crash != "none":
            crash_at(crash, path)
        rnd = random.Random(gen)
        db = Database(path, f"worker{gen}", compact_bytes=compact_bytes)
        out("OPEN")
        mine = []
        seq = 0
        while True:
            seq += 1
            r = rnd.random()
            if r < 0.45:
                rec = db.insert("ikm", {"name": f"g{gen}-{seq}", "gen": gen, "seq": seq, "pad": "x" * 300},
                                code_prefix="IKM")
                mine.append(rec["id"])
                out(f"INS {rec['id']} {rec['code']} g{gen}-{seq}")
            elif r < 0.55:
                with db.transaction() as txn:
                    ids = [txn.insert("ikm", {"name": f"g{gen}-{seq}-b{k}", "gen": gen, "seq": seq,
                                              "batch": True}, code_prefix="IKM")["id"] for k in range(%(batch)d)]
                out("BAT " + ",".join(map(str, ids)))
            elif r < 0.80:
                with db.transaction() as txn:
                    counter = txn.get("clusters", 1)
                    txn.update("clusters", 1, {"n": counter["n"] + 1})
                out(f"UPD {counter['n'] + 1}")
            elif r < 0.95 and mine:
                victim = mine.pop(rnd.randrange(len(mine)))
                out(f"DEL? {victim}")  # the intent: killed before the acknowledgement, it may or may not be done
                db.delete("ikm", victim)
                out(f"DEL {victim}")
            else:
                db.compact()
                out("CMP")

    while True:
        line = sys.stdin.readline().split()
        if not line or line[0] == "quit":
            break
        _, path, gen, compact_bytes, crash = line
        go_r, go_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                os.close(go_w)
                os.read(go_r, 1)  # "PID" comes first: a worker that opens fast would say "OPEN" before it
                worker(path, int(gen), int(compact_bytes), crash)
            finally:
                os._exit(0)
        os.close(go_r)
        out(f"PID {pid}")
        os.write(go_w, b"x")
        os.close(go_w)
        _, status = os.waitpid(pid, 0)
        out(f"REAPED {pid} {status}")
    """
) % {"batch": BATCH}


SURVIVOR = textwrap.dedent(
    """
    import os, sys, time

    from ikmtui.storage import Database

    db = Database(sys.argv[1], "survivor", compact_bytes=4096)
    seq = 0
    while True:
        seq += 1
        rec = db.insert("ikm", {"name": f"s-{seq}", "survivor": True}, code_prefix="IKM")
        os.write(1, f"INS {rec['id']} {rec['code']} s-{seq}\\n".encode())
        time.sleep(0.002)  # a busy colleague, not a flood: keeps the file small and the test quick
    """
)


class Expected:
    """What the workers acknowledged: every acknowledged save must be on disk after any kill."""

    def __init__(self) -> None:
        self.present: set[int] = set()
        self.deleted: set[int] = set()
        self.batches: list[list[int]] = []
        self.counter = 0  # the highest acknowledged counter value
        self.codes: dict[int, str] = {}
        self.names: dict[int, str] = {}
        self.deleting: int | None = None  # a delete that started but was not acknowledged (yet)

    def ack(self, line: str) -> None:
        kind, _, rest = line.partition(" ")
        if kind == "INS":
            record_id, code, name = rest.split()
            self.present.add(int(record_id))
            self.codes[int(record_id)] = code
            self.names[int(record_id)] = name
        elif kind == "BAT":
            ids = [int(x) for x in rest.split(",")]
            self.present.update(ids)
            self.batches.append(ids)
        elif kind == "UPD":
            self.counter = max(self.counter, int(rest))
        elif kind == "DEL?":
            self.deleting = int(rest)
        elif kind == "DEL":
            self.present.discard(int(rest))
            self.deleted.add(int(rest))
            self.deleting = None

    def check(self, db: Database, kills: int) -> None:
        ikm = db.docs("ikm")
        on_disk = {int(k) for k in ikm}
        if self.deleting is not None:  # the kill came during this delete: either outcome is right
            if self.deleting not in on_disk:
                self.present.discard(self.deleting)
                self.deleted.add(self.deleting)
            self.deleting = None
        missing = self.present - on_disk
        assert not missing, f"acknowledged inserts lost after kill {kills}: {sorted(missing)[:10]}"
        back = self.deleted & on_disk
        assert not back, f"acknowledged deletes undone after kill {kills}: {sorted(back)[:10]}"
        for record_id in self.present:
            doc = ikm[str(record_id)]
            if record_id in self.codes:
                assert doc["code"] == self.codes[record_id] and doc["name"] == self.names[record_id]
        # At most the one save in flight at the kill can be on disk without an acknowledgement
        # (the survivor, still writing, may have saved more than we have read so far).
        assert len({i for i in on_disk - self.present if not ikm[str(i)].get("survivor")}) <= BATCH
        self.present |= on_disk  # a save done but not acknowledged before the kill stays from now on
        n = db.get("clusters", 1)["n"]
        assert self.counter <= n <= self.counter + 1, (kills, self.counter, n)
        self.counter = n  # the next worker continues from what is on disk
        # Transactions are all or nothing: a batch is there completely or not at all.
        groups = Counter((d["gen"], d["seq"]) for d in ikm.values() if d.get("batch"))
        assert set(groups.values()) <= {BATCH}, groups
        # Ids and codes were issued together and never twice, even across crashes.
        for key, doc in ikm.items():
            assert doc["code"] == f"IKM-{int(key):06d}", (key, doc["code"])
        assert db.meta["counters"].get("IKM", 0) >= max(on_disk | self.deleted, default=0)
        audit_ids = [int(k) for k in db.docs("audit")]
        assert len(audit_ids) == len(set(audit_ids))


def _reader(stream, lines: queue.Queue) -> None:
    for raw in stream:
        lines.put(raw.decode().rstrip("\n"))
    lines.put(None)


def _drain(lines: queue.Queue, expected: Expected) -> int:
    """Take in what the survivor acknowledged so far; returns how many saves that was."""
    count = 0
    while True:
        try:
            line = lines.get_nowait()
        except queue.Empty:
            return count
        if line is None:
            return count
        expected.ack(line)
        count += 1


@pytest.mark.slow
def test_sigkill_never_loses_an_acknowledged_save(tmp_path: Path) -> None:
    script = tmp_path / "fork_server.py"
    script.write_text(FORK_SERVER)
    survivor_script = tmp_path / "survivor.py"
    survivor_script.write_text(SURVIVOR)
    server = subprocess.Popen(
        [sys.executable, str(script)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=tmp_path
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=_reader, args=(server.stdout, lines), daemon=True).start()
    rnd = random.Random(20261127)
    started = time.monotonic()
    kills = in_compaction = temp_leftovers = compactions_seen = saves = self_kills_after_rename = 0
    survivor: subprocess.Popen | None = None

    def next_line(timeout: float = 10.0) -> str:
        line = lines.get(timeout=timeout)
        assert line is not None, "the fork server died"
        return line

    def take(line: str, expected: Expected) -> bool:
        """Handle one line from a worker; returns whether it was the start of a compaction."""
        nonlocal saves, compactions_seen
        if line == "C+":
            compactions_seen += 1
            return True
        if line not in ("OPEN", "CMP", "C-"):
            expected.ack(line)
            saves += 1
        return False

    try:
        gen = 0
        for round_no in range(KILL_ROUNDS):
            path = tmp_path / f"round{round_no}" / "ikmtui.json"
            Database(path, "setup").insert("clusters", {"name": "counter", "n": 0})
            expected = Expected()
            survivor_lines: queue.Queue = queue.Queue()
            if round_no % 2:
                survivor = subprocess.Popen([sys.executable, str(survivor_script), str(path)], stdout=subprocess.PIPE)
                threading.Thread(target=_reader, args=(survivor.stdout, survivor_lines), daemon=True).start()
            for _ in range(KILLS_PER_ROUND):
                gen += 1
                # Most kills come from here, at a random moment or right after a compaction starts; some
                # workers kill themselves right before or right after a snapshot rename (the worst moments).
                crash = rnd.choice(["none"] * 3 + ["before-rename", "after-rename"])
                server.stdin.write(f"go {path} {gen} {rnd.choice([1024, 4096, 16384])} {crash}\n".encode())
                server.stdin.flush()
                line = next_line()
                assert line.startswith("PID "), line
                pid = int(line.split()[1])
                compacting = False
                target_compaction = rnd.random() < 0.5
                deadline = time.monotonic() + (1.0 if target_compaction else rnd.uniform(0.0, 0.06))
                if crash != "none":
                    deadline = 0.0
                while (timeout := deadline - time.monotonic()) > 0:
                    try:
                        line = next_line(timeout)
                    except queue.Empty:
                        break
                    compacting = take(line, expected) or (compacting and line != "C-")
                    if target_compaction and line == "C+":
                        if rnd.random() < 0.5:
                            time.sleep(rnd.uniform(0, 0.002))
                        break
                if crash == "none":
                    os.kill(pid, signal.SIGKILL)
                kills += 1
                while not (line := next_line()).startswith("REAPED"):  # what it wrote before dying
                    compacting = take(line, expected) or (compacting and line != "C-")
                assert line.split()[1] == str(pid)
                assert line.split()[2] == str(signal.SIGKILL), "the worker failed instead of being killed"
                in_compaction += compacting
                if crash == "after-rename":
                    journal = path.with_name(path.name + ".journal")
                    # New snapshot, old journal: replayed harmlessly. Where another writer runs beside the killed
                    # one it may compact (and empty the journal) before we look, so the check holds alone.
                    assert survivor is not None or journal.stat().st_size > 0
                    self_kills_after_rename += 1
                leftovers = list(path.parent.glob(f".{path.name}.tmp-{pid}-*"))
                temp_leftovers += bool(leftovers)
                saves += _drain(survivor_lines, expected)
                # The database opens after every kill and holds every acknowledged save.
                db = Database(path, "checker", create=False)
                expected.check(db, kills)
                assert not any(p.exists() for p in leftovers), "leftover temp file not removed"
            if survivor is not None:
                assert survivor.poll() is None, "the other writer died while its neighbours were killed"
                survivor.kill()
                survivor.wait(timeout=10)
                kills += 1
                survivor = None
                while (line := survivor_lines.get(timeout=10)) is not None:
                    expected.ack(line)
                    saves += 1
                expected.check(Database(path, "checker", create=False), kills)
    finally:
        if survivor is not None:
            survivor.kill()
            survivor.wait(timeout=10)
        if server.poll() is None:
            server.stdin.write(b"quit\n")
            server.stdin.close()
            server.wait(timeout=10)
    elapsed = time.monotonic() - started
    print(
        f"\n{kills} kills in {elapsed:.1f} s, {saves} acknowledged saves, {compactions_seen} compactions, "
        f"{in_compaction} kills inside a compaction ({self_kills_after_rename} right after the snapshot rename), "
        f"{temp_leftovers} left a temp file behind"
    )
    assert kills >= 100
    assert saves > kills  # the workers really wrote between kills
    assert in_compaction >= 10, "too few kills landed inside a compaction to prove anything"
    assert self_kills_after_rename >= 10


# ------------------------------------------------------------------------------------------------ writers
WRITER = textwrap.dedent(
    """
    import sys

    from ikmtui.storage import Database

    path, name, inserts, increments, compact_bytes = sys.argv[1:]
    inserts, increments = int(inserts), int(increments)
    db = Database(path, name, compact_bytes=int(compact_bytes))
    sys.stdin.readline()  # start together
    for i in range(max(inserts, increments)):
        if i < inserts:
            db.insert("ikm", {"name": f"{name}-{i}", "worker": name, "seq": i}, code_prefix="IKM")
        if i < increments:
            with db.transaction() as txn:
                counter = txn.get("clusters", 1)
                txn.update("clusters", 1, {"n": counter["n"] + 1})
    print("done", flush=True)
    """
)


@pytest.mark.slow
def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    workers, inserts, increments = 4, 250, 250
    path = tmp_path / "shared.json"
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    Database(path, "setup").insert("clusters", {"name": "counter", "n": 0}, code_prefix="KLS")
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), str(path), f"staff{w}", str(inserts), str(increments), str(64 * 1024)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for w in range(workers)
    ]
    time.sleep(0.5)  # let every process import and open the file before they all start
    for proc in procs:
        proc.stdin.write(b"go\n")
        proc.stdin.flush()
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
        assert out.strip() == b"done"

    db = Database(path, "checker", create=False)
    counter = db.get("clusters", 1)
    assert counter["n"] == workers * increments, "lost updates"
    assert counter["version"] == workers * increments + 1
    ikm = db.docs("ikm")
    assert len(ikm) == workers * inserts
    seen = Counter((doc["worker"], doc["seq"]) for doc in ikm.values())
    assert seen == Counter({(f"staff{w}", i): 1 for w in range(workers) for i in range(inserts)})
    assert sorted(int(k) for k in ikm) == list(range(1, workers * inserts + 1))  # distinct, no gaps
    assert sorted(doc["code"] for doc in ikm.values()) == [f"IKM-{i:06d}" for i in range(1, workers * inserts + 1)]
    # Every change left exactly one audit entry, each with its own id.
    audit = db.all("audit")
    assert len(audit) == 1 + workers * (inserts + increments)
    assert Counter(a["action"] for a in audit) == {"insert": 1 + workers * inserts, "update": workers * increments}
    # A fresh process opening the file afterwards sees the same thing.
    assert Database(path, "again", create=False)._data == db._data


STALE_EDITOR = textwrap.dedent(
    """
    import sys

    from ikmtui.storage import Database

    path, record_id = sys.argv[1:]
    db = Database(path, "siti", clock=lambda: "2026-03-04T10:15:00+07:00")
    db.update("ikm", int(record_id), {"phone": "081234567890"}, expected_version=1)
    """
)


def test_stale_edit_across_processes_names_the_other_user(tmp_path: Path) -> None:
    before = i18n.get_language()
    i18n.set_language("en")
    try:
        path = tmp_path / "shared.json"
        mine = Database(path, "ani")
        rec = mine.insert("ikm", {"name": "Batik Sekar", "phone": "0800"}, code_prefix="IKM")
        opened = mine.get("ikm", rec["id"])  # Ani opens the form ...
        script = tmp_path / "editor.py"
        script.write_text(STALE_EDITOR)
        # ... Siti saves the same record from another ikmtui ...
        subprocess.run([sys.executable, str(script), str(path), str(rec["id"])], check=True, timeout=60)
        # ... and Ani's save is refused instead of silently overwriting Siti's change.
        with pytest.raises(StaleRecord) as info:
            mine.update("ikm", rec["id"], {"phone": "0899"}, expected_version=opened["version"])
        assert info.value.who == "siti"
        assert info.value.when == "2026-03-04T10:15:00+07:00"
        assert "siti" in str(info.value) and rec["code"] in str(info.value)
        stored = Database(path, "checker", create=False).get("ikm", rec["id"])
        assert (stored["phone"], stored["updated_by"], stored["version"]) == ("081234567890", "siti", 2)
    finally:
        i18n.set_language(before)
