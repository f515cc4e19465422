"""Small per-officer preferences of the screens (which columns a table shows), kept in a file of the user's own.

Not in the database: a column choice is no office record to audit, and a clerk may keep one without the right to
change the office's settings. The file is ``prefs.json`` in the user's configuration folder (``IKMTUI_CONFIG_DIR``
when set, as in tests), keyed by officer, then by table; written owner-only, all or nothing, through the file guard.
A file that cannot be read counts as no preferences: a choice lost is only the default columns again.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import platformdirs

from ikmtui.io import guard

#: Largest preferences file read (a few officers' column lists take a few hundred bytes).
MAX_BYTES = 256 * 1024


def prefs_path() -> Path:
    folder = os.environ.get("IKMTUI_CONFIG_DIR") or platformdirs.user_config_dir("ikmtui", appauthor=False)
    return Path(folder) / "prefs.json"


def _load() -> dict[str, Any]:
    try:
        data = json.loads(guard.read_regular(prefs_path(), MAX_BYTES))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def shown_columns(officer: str, table: str) -> list[str] | None:
    """The column keys ``officer`` chose for ``table``, or ``None`` if they never chose."""
    chosen = _load().get(officer or "", {}).get(table)
    return [str(key) for key in chosen] if isinstance(chosen, list) else None


def remember_columns(officer: str, table: str, keys: list[str]) -> None:
    """Keep ``officer``'s choice of columns for ``table`` (raises ``OSError`` if the file cannot be written)."""
    data = _load()
    mine = data.get(officer or "")
    if not isinstance(mine, dict):
        mine = data[officer or ""] = {}
    mine[table] = list(keys)
    guard.write_private(prefs_path(), json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"), force=True)
