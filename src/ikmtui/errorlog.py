"""Where a defect's details go: the user's own log folder, through stdlib logging, rotated.

A traceback may quote records (a NIK, a name), so the log is the officer's alone: ``error.log`` in the user's
log folder (``~/.local/state/ikmtui/log`` on Linux; platformdirs elsewhere), the folder 0700 and the files 0600,
never written through a link someone planted. It is rotated (:data:`MAX_BYTES`, :data:`BACKUPS` old files kept)
instead of growing for ever. Where that folder cannot be used, a new owner-only file in the temp folder.
The screen gets one line naming the file.
"""

from __future__ import annotations

import io
import logging
import os
import tempfile
from logging.handlers import RotatingFileHandler
from pathlib import Path

import platformdirs

#: Size at which the log is rotated, and how many old logs are kept beside it.
MAX_BYTES = 1024 * 1024
BACKUPS = 3
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
LOGGER = "ikmtui.errors"

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def log_path() -> Path:
    """``error.log`` in the user's own log folder (not a shared /tmp file: a traceback may quote records)."""
    return Path(platformdirs.user_log_dir("ikmtui", appauthor=False)) / "error.log"


class _OwnerOnlyRotatingHandler(RotatingFileHandler):
    """A rotating log opened owner-only and never through a symlink (a planted link fails the open)."""

    def _open(self) -> io.TextIOWrapper:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT | _NOFOLLOW | _CLOEXEC, 0o600)
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)  # a log left by an older version may be 0644
        return os.fdopen(fd, "a", encoding=self.encoding or "utf-8", errors=self.errors)

    def handleError(self, record: logging.LogRecord) -> None:
        """A log that cannot be written (a full disk) prints nothing over the terminal: the line said enough."""


def _handler() -> tuple[logging.Handler, Path] | None:
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        return _OwnerOnlyRotatingHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"), path
    except OSError:
        pass
    try:  # created exclusively with a fresh name, 0600: nothing another user planted is written through
        fd, name = tempfile.mkstemp(prefix="ikmtui-error-", suffix=".log")
    except OSError:
        return None
    os.close(fd)
    return logging.FileHandler(name, encoding="utf-8"), Path(name)


def one_line(error: BaseException, log: Path | None) -> str:
    """What the officer reads of a defect: the error, and where its details are."""
    from ikmtui.i18n import _

    if log is None:
        return _("ikmtui: unexpected error: {error}", error=error)
    return _("ikmtui: unexpected error: {error} (details in {log})", error=error, log=log)


def record(error: BaseException, what: str = "unexpected error") -> Path | None:
    """Log ``error`` with its traceback; the file it went to, or ``None`` if nothing could be kept."""
    made = _handler()
    if made is None:
        return None
    handler, path = made
    handler.setFormatter(logging.Formatter(FORMAT))
    logger = logging.getLogger(LOGGER)
    logger.propagate = False  # into the file only: never over the terminal through a root handler
    logger.addHandler(handler)
    try:
        logger.error("%s: %s", what, error, exc_info=(type(error), error, error.__traceback__))
    finally:
        logger.removeHandler(handler)
        handler.close()
    return path
