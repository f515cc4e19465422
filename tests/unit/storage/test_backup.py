"""``ikmtui backup`` / ``ikmtui restore`` and the daily automatic backup."""

from __future__ import annotations

import io
import os
import stat
import sys
import time
from datetime import date
from pathlib import Path

import orjson
import pytest

from ikmtui import i18n
from ikmtui.cli import main
from ikmtui.storage import Database
from ikmtui.storage.backup import backup_dir, daily_backup, daily_backups, make_backup
from ikmtui.storage.schema import APP_MARK, META_ID, SCHEMA_VERSION, TABLES

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(200))


@pytest.fixture(autouse=True)
def keep_language():
    before = i18n.get_language()
    yield
    i18n.set_language(before)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "kantor" / "ikmtui.json"


def business(name: str) -> dict:
    return {"name": name, "owner_name": "Sri", "owner_nik": "3374015505800001", "kecamatan": "Tugu"}


def fill(path: Path, names: list[str], user: str = "ani") -> Database:
    db = Database(path, user)
    for name in names:
        db.insert("ikm", business(name), code_prefix="IKM")
    return db


def run(capsys, *argv: str, stdin: str | None = None, monkeypatch=None) -> tuple[int, str, str]:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main([*argv, "--lang", "en", "--user", "budi"])
    out, err = capsys.readouterr()
    return code, out, err


def names(path: Path) -> list[str]:
    return sorted(doc["name"] for doc in Database(path, "reader", create=False).docs("ikm").values())


# ------------------------------------------------------------------------------------------------ backup
def test_backup_prints_path_of_consistent_copy(capsys, path: Path) -> None:
    fill(path, ["a", "b", "c"])  # still in the journal: the backup must include it
    assert path.with_name(path.name + ".journal").stat().st_size > 0
    code, out, err = run(capsys, "backup", "--db", str(path))
    assert code == 0, err
    target = Path(out.strip())
    assert target.parent == backup_dir(path)
    assert target.name.startswith("ikmtui-manual-") and target.suffix == ".json"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    data = orjson.loads(target.read_bytes())
    assert sorted(d["name"] for d in data["ikm"].values()) == ["a", "b", "c"]
    assert data["meta"][META_ID]["app"] == APP_MARK
    assert names(target) == ["a", "b", "c"]  # a backup is itself a database


def test_backup_to_chosen_folder(capsys, tmp_path: Path, path: Path) -> None:
    fill(path, ["a"])
    out_dir = tmp_path / "flashdisk" / "cadangan"
    code, out, _ = run(capsys, "backup", "--db", str(path), "--out", str(out_dir))
    assert code == 0
    assert Path(out.strip()).parent == out_dir
    assert names(Path(out.strip())) == ["a"]
    assert not backup_dir(path).exists()


def test_backup_of_missing_database(capsys, path: Path) -> None:
    code, _out, err = run(capsys, "backup", "--db", str(path))
    assert code == 2
    assert str(path) in err and "Traceback" not in err
    assert not path.exists()


def test_backup_of_foreign_file(capsys, path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(PNG)
    code, _, err = run(capsys, "backup", "--db", str(path))
    assert code == 2
    assert "not an ikmtui database" in err
    assert path.read_bytes() == PNG
    assert not backup_dir(path).exists()


# ------------------------------------------------------------------------------------------------ restore
def test_restore_with_yes(capsys, path: Path) -> None:
    db = fill(path, ["a", "b"])
    _, out, _ = run(capsys, "backup", "--db", str(path))
    saved = Path(out.strip())
    db.insert("ikm", business("after backup"), code_prefix="IKM")
    db.delete("ikm", 1)
    other = Database(path, "citra")  # another running ikmtui

    code, out, err = run(capsys, "restore", str(saved), "--db", str(path), "--yes")
    assert code == 0, err
    assert "Restored" in out and str(saved) in out
    assert names(path) == ["a", "b"]
    # The state before the restore was kept, so the restore can be undone.
    [safety] = backup_dir(path).glob("ikmtui-before-restore-*.json")
    assert str(safety) in out
    assert names(safety) == ["after backup", "b"]
    # Other processes pick the restore up; codes handed out before the restore are not handed out again.
    assert other.refresh()
    assert sorted(d["name"] for d in other.docs("ikm").values()) == ["a", "b"]
    rec = other.insert("ikm", business("new"), code_prefix="IKM")
    assert (rec["id"], rec["code"]) == (4, "IKM-000004")
    # The audit log is not rolled back and records the restore.
    actions = [a["action"] for a in other.all("audit")]
    assert actions == ["insert", "insert", "backup", "insert", "delete", "restore", "insert"]
    assert other.all("audit")[2]["detail"] == str(saved)  # who copied the personal data, and where to
    restore_entry = other.all("audit")[5]
    assert restore_entry["user"] == "budi" and saved.name in restore_entry["detail"]


def test_restore_asks_first(capsys, monkeypatch, path: Path) -> None:
    db = fill(path, ["a"])
    saved = make_backup(path, data=db._data)
    db.insert("ikm", business("b"), code_prefix="IKM")
    before = path.read_bytes(), path.with_name(path.name + ".journal").read_bytes()

    for answer in ("n\n", "\n", "", "nanti\n"):
        code, out, err = run(capsys, "restore", str(saved), "--db", str(path), stdin=answer, monkeypatch=monkeypatch)
        assert code == 1
        assert "[y/N]" in err and "2 records" in err and "1 records" in err
        assert "cancelled" in out
        assert (path.read_bytes(), path.with_name(path.name + ".journal").read_bytes()) == before
    assert not list(backup_dir(path).glob("*before-restore*"))

    code, out, _ = run(capsys, "restore", str(saved), "--db", str(path), stdin="y\n", monkeypatch=monkeypatch)
    assert code == 0
    assert names(path) == ["a"]


def test_restore_asks_in_indonesian(capsys, monkeypatch, path: Path) -> None:
    db = fill(path, ["a"])
    saved = make_backup(path, data=db._data)
    monkeypatch.setattr(sys, "stdin", io.StringIO("ya\n"))
    code = main(["restore", str(saved), "--db", str(path), "--lang", "id"])
    out, err = capsys.readouterr()
    assert code == 0
    assert "[y/T]" in err and "Ganti" in err
    assert "dipulihkan" in out


@pytest.mark.parametrize(
    "raw",
    [PNG, b"", b"[1, 2, 3]", b'{"_default": {"1": {"name": "tinydb"}}}', b'{"meta": {"1": {"app": "ikmtui"'],
    ids=["png", "empty", "json-list", "tinydb-without-mark", "truncated"],
)
def test_restore_refuses_what_is_not_an_ikmtui_database(capsys, tmp_path: Path, path: Path, raw: bytes) -> None:
    fill(path, ["a"])
    before = path.read_bytes(), path.with_name(path.name + ".journal").read_bytes()
    bad = tmp_path / "backup.json"
    bad.write_bytes(raw)
    code, _out, err = run(capsys, "restore", str(bad), "--db", str(path), "--yes")
    assert code == 2
    assert "Nothing was restored" in err and str(bad) in err
    assert "Traceback" not in err
    assert (path.read_bytes(), path.with_name(path.name + ".journal").read_bytes()) == before
    assert bad.read_bytes() == raw
    assert not backup_dir(path).exists()


def test_restore_refuses_newer_schema(capsys, tmp_path: Path, path: Path) -> None:
    fill(path, ["a"])
    tables = {name: {} for name in TABLES}
    tables["meta"][META_ID] = {"app": APP_MARK, "schema": SCHEMA_VERSION + 1}
    newer = tmp_path / "newer.json"
    newer.write_bytes(orjson.dumps(tables))
    code, _, err = run(capsys, "restore", str(newer), "--db", str(path), "--yes")
    assert code == 2 and "newer ikmtui" in err
    assert names(path) == ["a"]


def test_restore_missing_backup_file(capsys, tmp_path: Path, path: Path) -> None:
    fill(path, ["a"])
    code, _, err = run(capsys, "restore", str(tmp_path / "nope.json"), "--db", str(path), "--yes")
    assert code == 2 and "nope.json" in err
    assert names(path) == ["a"]


def test_restore_onto_itself_refused(capsys, path: Path) -> None:
    fill(path, ["a"])
    code, _, err = run(capsys, "restore", str(path), "--db", str(path), "--yes")
    assert code == 2 and "the database itself" in err
    assert names(path) == ["a"]


def test_restore_never_overwrites_a_foreign_file(capsys, tmp_path: Path, path: Path) -> None:
    saved = make_backup(tmp_path / "src.json", data=fill(tmp_path / "src.json", ["a"])._data)
    path.parent.mkdir(parents=True)
    path.write_bytes(PNG)
    code, _, err = run(capsys, "restore", str(saved), "--db", str(path), "--yes")
    assert code == 2 and "not an ikmtui database" in err
    assert path.read_bytes() == PNG


def test_restore_over_a_damaged_database(capsys, tmp_path: Path, path: Path) -> None:
    saved = make_backup(tmp_path / "src.json", data=fill(tmp_path / "src.json", ["a", "b"])._data)
    fill(path, ["x"])
    damaged = path.read_bytes()[:40]
    path.write_bytes(damaged)
    code, out, err = run(capsys, "restore", str(saved), "--db", str(path), "--yes")
    assert code == 0, err
    assert names(path) == ["a", "b"]
    assert (
        not path.with_name(path.name + ".journal").exists()
        or b"restore" in path.with_name(path.name + ".journal").read_bytes()
    )
    [copy] = backup_dir(path).glob("ikmtui-before-restore-*.json")
    assert copy.read_bytes() == damaged
    assert copy.with_name(copy.name + ".journal").exists()  # the journal of the damaged state, kept too
    assert str(copy) in out


def test_restore_into_new_database(capsys, tmp_path: Path, path: Path) -> None:
    saved = make_backup(tmp_path / "src.json", data=fill(tmp_path / "src.json", ["a"])._data)
    code, _out, err = run(capsys, "restore", str(saved), "--db", str(path))  # nothing to replace: no question
    assert code == 0, err
    assert names(path) == ["a"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_restore_copy_of_live_database_includes_its_journal(capsys, tmp_path: Path, path: Path) -> None:
    live = tmp_path / "copy" / "ikmtui.json"
    fill(live, ["a", "b"])  # snapshot plus journal, as a plain file copy of a running database leaves it
    with live.with_name(live.name + ".journal").open("ab") as fh:
        fh.write(b'{"ts": "x", "ops": [["put", "ikm", "9", {"na')  # torn: never acknowledged
    fill(path, ["x"])
    code, _, err = run(capsys, "restore", str(live), "--db", str(path), "--yes")
    assert code == 0, err
    assert names(path) == ["a", "b"]


def test_restore_old_schema_backup_is_migrated(capsys, tmp_path: Path, path: Path) -> None:
    old = tmp_path / "old.json"
    old.write_bytes(orjson.dumps({"meta": {META_ID: {"app": APP_MARK}}, "ikm": {"1": business("lama")}}))
    fill(path, ["x"])
    code, _, err = run(capsys, "restore", str(old), "--db", str(path), "--yes")
    assert code == 0, err
    db = Database(path, "reader")
    assert db.meta["schema"] == SCHEMA_VERSION
    assert db.get("ikm", 1)["version"] == 1 and db.get("ikm", 1)["name"] == "lama"


# ------------------------------------------------------------------------------------------------ roles
@pytest.fixture
def office(path: Path) -> Database:
    """A database whose office has accounts: from now on everyone signs in and roles count."""
    from ikmtui.services import staff

    db = fill(path, ["a"])
    staff.add(db, "kepala", "Kepala Bidang", "administrator", "kepala-rahasia")
    db.user = "kepala"
    staff.add(db, "budi", "Budi", "operator", "budi-rahasia")
    staff.add(db, "sari", "Sari", "supervisor", "sari-rahasia")
    return db


def test_restore_needs_the_role(capsys, monkeypatch, path: Path, office: Database) -> None:
    saved = make_backup(path, data=office._data)
    office.insert("ikm", business("b"), code_prefix="IKM")
    before = sorted(Database(path, "reader").docs("ikm"))
    assert before == ["1", "2"]
    monkeypatch.setenv("IKMTUI_PASSWORD", "budi-rahasia")
    code, _out, err = run(capsys, "restore", str(saved), "--db", str(path), "--yes")  # run() acts as budi
    assert code == 2 and "restore backups" in err
    assert sorted(Database(path, "reader").docs("ikm")) == before  # (signing in may write: failures count)
    monkeypatch.setenv("IKMTUI_PASSWORD", "wrong-password")
    code = main(["restore", str(saved), "--db", str(path), "--yes", "--user", "sari", "--lang", "en"])
    assert code == 2
    assert sorted(Database(path, "reader").docs("ikm")) == before
    time.sleep(1.1)  # the wait after a wrong password is kept in the database, for every process (issue 17)
    monkeypatch.setenv("IKMTUI_PASSWORD", "sari-rahasia")
    code = main(["restore", str(saved), "--db", str(path), "--yes", "--user", "sari", "--lang", "en"])
    assert code == 0
    assert names(path) == ["a"]
    assert Database(path, "reader").all("audit")[-1]["user"] == "sari"


def test_backup_elsewhere_needs_the_role(capsys, monkeypatch, tmp_path: Path, path: Path, office: Database) -> None:
    monkeypatch.setenv("IKMTUI_PASSWORD", "budi-rahasia")
    code, out, err = run(capsys, "backup", "--db", str(path))  # into the database's own backup folder
    assert code == 0, err
    assert Path(out.strip()).parent == backup_dir(path)
    code, _out, err = run(capsys, "backup", "--db", str(path), "--out", str(tmp_path / "usb"))
    assert code == 2 and "export personal data" in err
    assert not (tmp_path / "usb").exists()
    assert [a["user"] for a in Database(path, "reader").all("audit") if a["action"] == "backup"] == ["budi"]


# ------------------------------------------------------------------------------------------------ daily
def test_daily_backup_once_per_day(path: Path) -> None:
    db = fill(path, ["a"])
    first = daily_backup(path, today=date(2026, 3, 2))
    assert first is not None and "-daily-20260302-" in first.name
    assert names(first) == ["a"]
    db.insert("ikm", business("b"), code_prefix="IKM")
    assert daily_backup(path, today=date(2026, 3, 2)) is None
    assert daily_backup(path, data=db._data, today=date(2026, 3, 2)) is None
    second = daily_backup(path, data=db._data, today=date(2026, 3, 3))
    assert second is not None and names(second) == ["a", "b"]
    assert daily_backups(path) == [first, second]


def test_daily_backup_keeps_the_newest(path: Path) -> None:
    fill(path, ["a"])
    made = [daily_backup(path, keep=3, today=date(2026, 3, day)) for day in range(1, 7)]
    assert all(made)
    assert daily_backups(path) == made[-3:]
    # Manual backups are rotated separately.
    manual = make_backup(path)
    assert manual.exists() and daily_backups(path) == made[-3:]


def test_daily_backup_of_missing_database(tmp_path: Path) -> None:
    assert daily_backup(tmp_path / "nope.json") is None
    assert not backup_dir(tmp_path / "nope.json").exists()


def test_backups_are_private(path: Path) -> None:
    fill(path, ["a"])
    made = daily_backup(path)
    assert made is not None
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    assert stat.S_IMODE(backup_dir(path).stat().st_mode) & 0o077 == 0
    assert os.access(made, os.R_OK)


def test_a_daily_backup_in_the_background_reports_a_failure_and_never_raises(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The terminal app and the server start today's backup in a thread: a full disk reaches ``on_error`` (the
    server's output), and without one it is dropped, never a traceback over the officer's screen."""
    import threading

    from ikmtui.storage import backup

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup, "daily_backup", full_disk)
    raised: list[object] = []
    monkeypatch.setattr(threading, "excepthook", raised.append)
    told: list[tuple[Path, Exception]] = []
    backup.daily_backup_in_background(db_path, on_error=lambda path, exc: told.append((path, exc))).join(10)
    backup.daily_backup_in_background(db_path).join(10)
    assert [(path, getattr(exc, "errno", None)) for path, exc in told] == [(db_path, 28)]
    assert raised == []
    monkeypatch.undo()
    made = backup.daily_backup_in_background(db_path)
    made.join(20)
    assert backup.daily_backups(db_path)  # and when the disk has room, today's backup is made
