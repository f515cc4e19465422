from __future__ import annotations

import stat
from pathlib import Path

import orjson
import pytest

from ikmtui import __version__
from ikmtui.cli import main
from ikmtui.storage import TABLES


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_demo_writes_all_tables_and_check_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.json"
    assert main(["demo", "--out", str(out), "--businesses", "300"]) == 0
    data = orjson.loads(out.read_bytes())
    assert len(data["ikm"]) == 300
    filled = [name for name in TABLES if name not in ("signin", "recycle_bin")]  # nothing failed or deleted yet
    assert all(data[name] for name in filled), {name: len(data[name]) for name in TABLES}
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert main(["check", "--db", str(out)]) == 0
    assert "OK" in capsys.readouterr().out


def test_demo_is_the_same_for_the_same_seed(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "c.json"
    main(["demo", "--out", str(a), "--businesses", "40", "--seed", "5"])
    main(["demo", "--out", str(b), "--businesses", "40", "--seed", "5"])
    main(["demo", "--out", str(c), "--businesses", "40", "--seed", "6"])
    strip = lambda p: {k: v for k, v in orjson.loads(p.read_bytes()).items() if k != "meta"}  # noqa: E731
    assert strip(a) == strip(b)
    assert strip(a) != strip(c)


def test_demo_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.json"
    out.write_text("keep me")
    assert main(["demo", "--out", str(out), "--businesses", "5"]) == 2
    assert "--force" in capsys.readouterr().err
    assert out.read_text() == "keep me"
    assert main(["demo", "--out", str(out), "--businesses", "5", "--force"]) == 0


def test_check_fails_a_truncated_copy_clearly(
    tmp_path: Path, demo_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.json"
    raw = demo_file.read_bytes()
    broken.write_bytes(raw[: len(raw) // 2])
    before = broken.read_bytes()
    assert main(["check", "--db", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "rusak" in err and "Traceback" not in err
    assert broken.read_bytes() == before


@pytest.mark.parametrize(
    "content", [b"", b"[1, 2, 3]", b'{"hello": "world"}', b"\x89PNG\r\n\x1a\n\x00\x00", b"name;nib\nBatik;123\n"]
)
def test_check_refuses_foreign_files_untouched(
    tmp_path: Path, content: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    foreign = tmp_path / "foreign.json"
    foreign.write_bytes(content)
    assert main(["check", "--db", str(foreign)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ikmtui: ") and "Traceback" not in err
    assert foreign.read_bytes() == content


def test_check_on_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--db", str(tmp_path / "nope.json")]) == 2
    assert "nope.json" in capsys.readouterr().err


def test_english_messages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--lang", "en", "--db", str(tmp_path / "nope.json")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_bad_arguments_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["demo", "--businesses", "x", "--out", "y"])
    assert info.value.code == 2


def test_damaged_database_names_the_newest_good_backup(
    tmp_path: Path, demo_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "kantor.json"
    db.write_bytes(demo_file.read_bytes())
    assert main(["backup", "--db", str(db)]) == 0
    backup = capsys.readouterr().out.strip().splitlines()[-1]
    damaged = demo_file.read_bytes()[:5000]
    db.write_bytes(damaged)
    assert main(["check", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "rusak" in err and Path(backup).name in err and "ikmtui restore" in err
    assert db.read_bytes() == damaged
