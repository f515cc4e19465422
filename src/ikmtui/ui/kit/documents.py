"""Saving a PDF document from a screen (attendance sheet, certificates, statements, cards, letters, profiles).

The officer is asked for the file (the document's own name is offered), the path is checked by the file guard
before anything is made or recorded (a warning letter gets its number only once it will be written), an existing
file is overwritten only after a yes, and the file is handed over with :func:`ui.kit.delivery.deliver_file`: in a
terminal the saved path is shown; under ``ikmtui serve`` the browser downloads it (no question about a path on the
server, which the officer cannot see).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ikmtui.i18n import _
from ikmtui.io.guard import FileExists, writable_target
from ikmtui.storage import StorageError
from ikmtui.ui.kit.delivery import deliver_file, in_browser
from ikmtui.ui.kit.dialogs import PromptScreen, ask_overwrite

if TYPE_CHECKING:
    from ikmtui.services.documents import Made
    from ikmtui.ui.kit.screen import BaseScreen

#: The folder of documents made for a browser's download, made at the first one (removed at exit).
_DOWNLOADS: list[Path] = []


def _download_folder() -> Path:
    if not _DOWNLOADS:
        folder = Path(tempfile.mkdtemp(prefix="ikmtui-documents-"))
        atexit.register(shutil.rmtree, folder, True)
        _DOWNLOADS.append(folder)
    return _DOWNLOADS[0]


def save_document(
    screen: BaseScreen, name: str, make: Callable[[], Made], *, done: Callable[[Path], None] | None = None
) -> None:
    """Ask where to save the document ``name`` (a file name), then ``make`` it and write it; ``done`` gets the
    path written. What the service refuses (role, data, a path) is said in one line and nothing is written."""
    from ikmtui.services.documents import save

    def write(target: Path, force: bool) -> None:
        try:
            writable_target(target, screen.db.path, force=force)
        except FileExists:
            ask_overwrite(screen.app, target, lambda: write(target, True))
            return
        except OSError as exc:
            screen.report_error(exc)
            return
        try:
            made = make()
            written = save(screen.db, made, target, force=force)
        except (ValueError, OSError, StorageError) as exc:
            screen.report_error(exc)
            return
        screen.context.data_saved()  # a letter was recorded, a NIK reveal logged
        deliver_file(screen.app, written, mime_type="application/pdf")
        if done is not None:
            done(written)

    if in_browser(screen.app):  # the file goes to the officer's browser; on the server only in our own folder
        write(_download_folder() / name, True)
        return

    def chosen(path: str | None) -> None:
        if path is None or not path.strip():
            return
        target = Path(path.strip()).expanduser()
        write(target / name if target.is_dir() else target, False)

    screen.app.push_screen(PromptScreen(_("Save the PDF to which file?"), name), chosen)
