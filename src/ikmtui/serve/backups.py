"""Daily backups while serving, as the terminal app makes them when it opens: at start, then looked for every hour
(a server runs for weeks). Each is made in a thread of its own: at 100,000 IKM it takes a while, and serving must
not wait for it."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ikmtui.i18n import _
from ikmtui.serve.console import say

if TYPE_CHECKING:
    from ikmtui.storage import Database

#: Seconds between looks for today's backup while serving.
BACKUP_CHECK_SECONDS = 3600.0


def _failed(db_path: Path, exc: Exception) -> None:
    # A full disk must not stop the server; the officer still works.
    say(_("Daily backup of {path} failed: {reason}", path=db_path, reason=exc))


def backup_today(db_path: Path, data: Any = None) -> Path | None:
    """Today's daily backup of the database unless it exists; a failure is one line in the server's output."""
    from ikmtui.storage.backup import daily_backup

    try:
        return daily_backup(db_path, data=data)
    except Exception as exc:
        _failed(db_path, exc)
        return None


def start_daily_backup(db: Database) -> threading.Thread:
    """Today's backup of the database the server just opened, from the data it already read, in the background."""
    from ikmtui.storage.backup import daily_backup_in_background

    return daily_backup_in_background(db.path, data=db._data, on_error=_failed)


class DailyBackups:
    """Today's backup, looked for every ``every`` seconds while the server runs; one backup thread at a time."""

    def __init__(self, db_path: Path, every: float = BACKUP_CHECK_SECONDS) -> None:
        self.db_path = db_path
        self.every = every
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            from ikmtui.storage.backup import daily_backup_in_background

            self._thread = daily_backup_in_background(self.db_path, on_error=_failed)

    async def run(self) -> None:
        """Until cancelled: the day changes while the server runs."""
        while True:
            await asyncio.sleep(self.every)
            self.start()
