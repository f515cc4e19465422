"""Issue 19: after any sequence of ikmtui processes has ended, plain TinyDB reading the file sees exactly what
ikmtui sees: two imports, an app session, a process killed after its save and one clean open and close."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.unit.io.test_import import IKM_HEADERS, ikm_row, write_csv
from tests.unit.storage.test_storage_idle_file import ikmtui_view, journal, plain_tinydb

ENV = {**os.environ, "IKMTUI_TODAY": "2026-12-04", "IKMTUI_LANG": "en"}

APP_SESSION = textwrap.dedent(
    """
    import asyncio, sys
    from ikmtui.storage import Database
    from ikmtui.ui.app import make_app

    db = Database(sys.argv[1], "admin", create=False)
    app = make_app(db, user="admin", poll_seconds=0)

    async def session():
        async with app.run_test() as pilot:
            await pilot.press("2")
            await pilot.pause()
            app.context.db.update("ikm", 3, {"name": "Kerajinan Eceng Gondok Sesi"})
            await pilot.press("ctrl+q")

    asyncio.run(session())
    db.close()
    """
)

KILLED = textwrap.dedent(
    """
    import sys, time
    from ikmtui.storage import Database

    db = Database(sys.argv[1], "budi.santoso", create=False)
    db.update("ikm", 4, {"name": "Bandeng Presto Terbunuh"})
    print("saved", flush=True)
    time.sleep(120)
    """
)


def ikmtui(*args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "ikmtui", *args], capture_output=True, text=True, env=ENV, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_after_cli_imports_app_sessions_and_a_killed_process_plain_tinydb_sees_everything(
    tmp_path: Path, db_path: Path
) -> None:
    first = write_csv(tmp_path / "a.csv", IKM_HEADERS, [ikm_row(i) for i in range(500, 520)])
    second = write_csv(tmp_path / "b.csv", IKM_HEADERS, [ikm_row(i) for i in range(520, 530)])
    ikmtui("import", str(first), "--db", str(db_path), "--user", "admin")
    ikmtui("import", str(second), "--db", str(db_path), "--user", "admin")
    assert journal(db_path) == b""  # each import, the last to close, folded its transaction into the file
    subprocess.run([sys.executable, "-c", APP_SESSION, str(db_path)], check=True, env=ENV, timeout=120)
    assert journal(db_path) == b""

    killed = subprocess.Popen([sys.executable, "-c", KILLED, str(db_path)], stdout=subprocess.PIPE, text=True, env=ENV)
    try:
        assert killed.stdout is not None and killed.stdout.readline().strip() == "saved"
    finally:
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=30)
    assert journal(db_path).count(b"\n") == 1  # a killed process leaves its save in the journal, as before
    assert "Bandeng Presto Terbunuh" not in str(plain_tinydb(db_path)["ikm"])

    ikmtui("check", "--db", str(db_path))  # one clean open and close
    assert journal(db_path) == b""
    seen = plain_tinydb(db_path)
    assert seen == ikmtui_view(db_path)
    names = {doc["name"] for doc in seen["ikm"].values()}
    assert {"Kerajinan Eceng Gondok Sesi", "Bandeng Presto Terbunuh"} <= names
    assert len({doc["nib"] for doc in seen["ikm"].values()} & {ikm_row(i)["NIB"] for i in range(500, 530)}) == 30
