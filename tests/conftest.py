from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from ikmtui import clock, i18n
from ikmtui.demodata import write_demo
from ikmtui.storage import Database


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Every test starts in Bahasa Indonesia, the default, whatever the previous test chose."""
    i18n.set_language("id")
    yield
    i18n.set_language("id")


#: The day the demo data and the snapshots are written for.
TODAY = date(2026, 12, 4)


@pytest.fixture
def today() -> Iterator[date]:
    """Pin the program's one clock to :data:`TODAY` for the test (every service, report and screen asks it)."""
    with clock.fixed(TODAY) as day:
        yield day


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small generated database, written once; copy it before changing it."""
    return write_demo(tmp_path_factory.mktemp("demo") / "demo.json", businesses=60, seed=7)


@pytest.fixture
def db_path(tmp_path: Path, demo_file: Path) -> Path:
    target = tmp_path / "ikmtui.json"
    target.write_bytes(demo_file.read_bytes())
    target.chmod(0o600)
    return target


@pytest.fixture
def db(db_path: Path) -> Database:
    return Database(db_path, "tester")


@pytest.fixture
def empty_db(tmp_path: Path) -> Database:
    return Database(tmp_path / "empty.json", "tester")
