"""Handing a file the app wrote to the officer, wherever the officer sits.

In a terminal the officer can open the file the app saved, so saying where it is is enough. In a browser
(``ikmtui serve``) the file is on the server's disk, which the browser cannot see: it is sent to the browser as a
download instead, through Textual's ``App.deliver_binary`` (textual-serve streams it from ``/download/<key>``).

Every screen that writes a file for the officer calls :func:`deliver_file` after writing it:

* the Reports screen's ``x`` export (``ui/reports/catalog.py``, after ``write_report``), and the export screen
  (CSV / XLSX of a table);
* printable sheets saved to a file (certificates, payout statements, loan schedules), backups made from the app;
* the Gallery screen's ``o`` (open a photo): ``deliver_file(app, path, inline=True)`` shows it in a browser tab
  instead of asking the operating system to open it on the server's screen. The path comes from
  ``services.gallery.photo_file``: only a picture inside the database's media folder is ever sent.

Nothing is delivered that the file guard (``ikmtui.io.guard``) did not let through: reports are written by
``write_report`` (never onto the database or its parts; in a browser into a folder of the app's own).

The other way round does not exist: a browser cannot hand the server a file. Imports (spreadsheets, a bank's
repayment list) read a path on the server, so in an office that works in browsers those files go into a folder
the server can read.

The file must stay in place until the download finished (Textual reads it in chunks as the browser asks for
them); ``App`` receives ``events.DeliveryComplete`` / ``events.DeliveryFailed`` with the returned key.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ikmtui.i18n import _

if TYPE_CHECKING:
    from textual.app import App


def in_browser(app: App[Any]) -> bool:
    """Whether this app is shown in a web browser (served by ``ikmtui serve``) rather than a terminal."""
    return bool(getattr(app, "is_web", False))


def deliver_file(app: App[Any], path: str | Path, *, mime_type: str | None = None, inline: bool = False) -> str | None:
    """Offer ``path`` to the officer: a browser download under ``ikmtui serve``, else a note of where it is saved.

    ``inline``: open it in a new browser tab (a photo, an HTML report) rather than download it. The MIME type is
    guessed from the file name unless given. Returns the delivery key in a browser (matched by
    ``DeliveryComplete.key``), ``None`` in a terminal.
    """
    target = Path(path)
    if in_browser(app):
        key = app.deliver_binary(
            target, open_method="browser" if inline else "download", mime_type=mime_type, name=target.name
        )
        app.notify(
            _("Opening {name} in your browser", name=target.name)
            if inline
            else _("Sending {name} to your browser as a download", name=target.name)
        )
        return key
    app.notify(_("Saved to {path}", path=str(target.resolve())))
    return None


_DOWNLOADS: list[Path] = []


def download_folder() -> Path:
    """An owner-only folder of this process for files sent to a browser (each tab is its own process): a tab can
    neither pick nor overwrite a file of the server. Kept while the app runs, as the browser reads a download
    while it happens; removed at exit."""
    if not _DOWNLOADS:
        folder = Path(tempfile.mkdtemp(prefix="ikmtui-downloads-"))
        atexit.register(shutil.rmtree, folder, True)
        _DOWNLOADS.append(folder)
    return _DOWNLOADS[0]
