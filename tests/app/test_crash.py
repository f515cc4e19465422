"""Issue 19: a crash inside the app exits non-zero, its traceback goes to the rotated log in the user's own log
folder (stdlib logging), and the terminal gets one line naming that file."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from ikmtui import errorlog
from ikmtui.cli import main


def crashing_app(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real app, run headless, with an error injected into one of its callbacks once it runs."""
    import ikmtui.ui.app as app_module

    real = app_module.make_app

    def make(*args: Any, **kwargs: Any) -> Any:
        app = real(*args, **kwargs)
        run = app.run

        def boom() -> None:
            raise RuntimeError("injected defect near IKM-000001")

        app.call_later(boom)
        app.run = lambda **kw: run(headless=True, size=(100, 30))  # type: ignore[method-assign]
        return app

    monkeypatch.setattr(app_module, "make_app", make)


def test_a_crash_in_the_app_exits_non_zero_and_is_logged_not_shown(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    crashing_app(monkeypatch)
    assert main(["--db", str(db_path)]) == 1
    out, err = capfd.readouterr()
    log = errorlog.log_path()
    assert log.is_relative_to(tmp_path / "state")
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines == [f"ikmtui: galat tak terduga: injected defect near IKM-000001 (rincian di {log})"], err
    assert "Traceback" not in out + err
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "RuntimeError: injected defect near IKM-000001" in text and " ERROR " in text


def test_the_log_is_rotated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setattr(errorlog, "MAX_BYTES", 2000)
    for n in range(12):
        try:
            raise ValueError(f"defect {n} " + "x" * 300)
        except ValueError as exc:
            assert errorlog.record(exc) == errorlog.log_path()
    logs = sorted(p.name for p in errorlog.log_path().parent.iterdir())
    assert logs == ["error.log", "error.log.1", "error.log.2", "error.log.3"]  # BACKUPS old ones, no more
    assert all(p.stat().st_size <= 2000 + 1500 for p in errorlog.log_path().parent.iterdir())
    assert "defect 11" in errorlog.log_path().read_text() and not logging.getLogger(errorlog.LOGGER).handlers


def test_a_crash_in_a_browser_tab_ends_its_process_non_zero(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    from ikmtui.serve.tab import main as tab_main

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    crashing_app(monkeypatch)
    assert tab_main(["--db", str(db_path), "--poll", "0"]) == 1
    _out, err = capfd.readouterr()
    assert "injected defect" in err and "Traceback" not in err
    assert "injected defect near IKM-000001" in errorlog.log_path().read_text(encoding="utf-8")
