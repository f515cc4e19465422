"""Where ikmtui finds its bundled data and keeps the user's database."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

#: Region lists, KBLI codes and the demo dataset; ``IKMTUI_DATA_DIR`` lets another city bring its own.
DATA_DIR = Path(os.environ.get("IKMTUI_DATA_DIR") or Path(__file__).resolve().parent / "data")  # in the package
DEMO_DB = DATA_DIR / "demo.json"
REGION_FILE = Path(os.environ.get("IKMTUI_REGIONS") or DATA_DIR / "regions" / "kota-semarang.json")


def default_db_path() -> Path:
    """``IKMTUI_DB`` if set, else ``ikmtui.json`` in the user's data directory."""
    env = os.environ.get("IKMTUI_DB")
    if env:
        return Path(env)
    return Path(platformdirs.user_data_dir("ikmtui", appauthor=False)) / "ikmtui.json"


def beside(db_path: Path, suffix: str) -> Path:
    """A file or folder that belongs to a database and sits next to it: ``NAME.json`` + ``suffix``."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + suffix)


def media_dir(db_path: Path) -> Path:
    """Gallery photos, copied in when a listing is saved; the only place photos are served from."""
    return beside(db_path, ".media")


def uploads_dir(db_path: Path) -> Path:
    """Spreadsheets a browser tab uploaded under ``ikmtui serve``: the only place a browser's import reads."""
    return beside(db_path, ".uploads")
