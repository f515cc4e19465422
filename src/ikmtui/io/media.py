"""Gallery photos: the one place a picture named by an officer (on the listing form or in an imported sheet) is
checked and copied into the media folder beside the database (``paths.media_dir``), and the only place a stored
photo is looked up again.

A photo is a .jpg/.jpeg/.png/.webp/.gif of at most 10 MB whose content is a picture, never the database or one of
its files: whatever path a form or a sheet names, nothing else of the server is read into the media folder, and a
photo is served only from there (:func:`photo_file`). Used by ``services.gallery`` (the form) and
``io.importer`` (the sheet): both check at validation (:func:`take_photos`) and copy once the listing is written
(:func:`keep_photo`).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

from ikmtui import paths
from ikmtui.i18n import _
from ikmtui.io import guard
from ikmtui.io.guard import FileRefused

#: What a listing's photo may be: a picture of one of these kinds, at most this large.
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif")
MAX_PHOTO_BYTES = 10_000_000


@dataclass(frozen=True)
class Photo:
    """A picture checked where the officer named it (``source``), to be kept in the media folder as ``name``.

    Only the name (which carries a hash of the content) is held, not the bytes: an import naming hundreds of
    pictures must not hold them all in memory; :func:`keep_photo` reads the file again and copies it only if it
    is still that picture."""

    name: str
    source: Path


def _picture_suffix(data: bytes) -> str | None:
    """The kind of picture the bytes are (by their first bytes), as a file suffix; ``None``: not a picture."""
    if data.startswith(b"\xff\xd8"):
        return ".jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return ".png"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return ".gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ".webp"
    return None


def _read_picture(db_path: str | os.PathLike[str], path: str | os.PathLike[str]) -> tuple[Photo, bytes]:
    source = Path(path)
    if guard.belongs_to_database(source, db_path):
        raise FileRefused(source, _("the database and its files cannot be a photo"))
    if source.suffix.casefold() not in PHOTO_SUFFIXES:
        raise FileRefused(source, _("a photo is a .jpg, .jpeg, .png, .webp or .gif file"))
    data = guard.read_regular(source, MAX_PHOTO_BYTES)
    suffix = _picture_suffix(data)
    if suffix is None:
        raise FileRefused(source, _("this is not a picture (JPEG, PNG, WebP or GIF)"))
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", source.stem).strip("-_")[:40] or "foto"
    return Photo(f"{stem}-{hashlib.sha256(data).hexdigest()[:16]}{suffix}", source), data


def check_photo(db_path: str | os.PathLike[str], path: str | os.PathLike[str]) -> Photo:
    """The picture at ``path`` with the name it gets in the media folder (its name's letters and a hash of its
    content: the same picture twice is kept once). Refused with :class:`FileRefused` (the message says why): the
    database or one of its files, not a .jpg/.jpeg/.png/.webp/.gif, a folder, device or pipe, larger than 10 MB,
    or content that is not a picture."""
    return _read_picture(db_path, path)[0]


def keep_photo(db_path: str | os.PathLike[str], photo: Photo) -> str:
    """Copy a checked picture into the database's media folder (owner-only); returns its name there.

    The file is checked again as it is read: what is copied is the picture that was checked, never a file swapped
    in meanwhile (that is refused with :class:`FileRefused`)."""
    folder = guard.private_folder(paths.media_dir(Path(db_path)))
    target = folder / photo.name
    if target.is_file() and not target.is_symlink():  # the same name is the same content: kept once
        return photo.name
    again, data = _read_picture(db_path, photo.source)
    if again.name != photo.name:
        raise FileRefused(photo.source, _("the picture changed after it was checked; try again"))
    guard.write_private(target, data, force=True)
    return photo.name


def media_name(db_path: str | os.PathLike[str], entry: str) -> str | None:
    """The name in the media folder that ``entry`` (a stored name, or a path into the folder) stands for, if that
    picture is there; ``None`` otherwise."""
    folder = paths.media_dir(Path(db_path))
    name = entry if os.sep not in entry and "/" not in entry else None
    if name is None and os.path.realpath(os.path.dirname(entry)) == os.path.realpath(folder):
        name = os.path.basename(entry)
    if not name or name.startswith("."):
        return None
    try:
        photo_file(db_path, name)
    except FileRefused:
        return None
    return name


def photo_file(db_path: str | os.PathLike[str], name: str) -> Path:
    """The file of a listing's photo, only ever inside the database's media folder: a stored name that is a path
    elsewhere (a listing saved by an older version), a link leading out or anything but a picture file is refused
    with :class:`FileRefused`."""
    folder = paths.media_dir(Path(db_path))
    outside = FileRefused(
        Path(name),
        _("this photo is not in the media folder of the database; edit the listing and save it to bring the photo in"),
    )
    if not name or os.sep in name or "/" in name or name.startswith(".") or folder.is_symlink():
        raise outside
    target = folder / name
    if target.is_symlink() or os.path.realpath(target) != os.path.join(os.path.realpath(folder), name):
        raise outside
    if Path(name).suffix.casefold() not in PHOTO_SUFFIXES:
        raise outside
    with guard.regular_file(target, MAX_PHOTO_BYTES).open("rb") as fh:
        if _picture_suffix(fh.read(12)) is None:
            raise FileRefused(target, _("this is not a picture (JPEG, PNG, WebP or GIF)"))
    return target


def take_photos(
    db_path: str | os.PathLike[str],
    entries: Iterable[str],
    *,
    known: Collection[str] = (),
    folder: str | os.PathLike[str] | None = None,
    checked: dict[str, Photo | str] | None = None,
) -> tuple[list[str], list[Photo], str | None]:
    """The names a listing stores for the photos named on its form or in a sheet, the pictures to copy in once it
    is written (:func:`keep_photo`), and the message for the first photo refused (``None``: all taken).

    A name already in the media folder stays; any other path is checked, so a listing never points at a file
    elsewhere (the database, a key, a system file). A path ``known`` to the listing (stored by an older version)
    whose file is gone stays as it was (editing other fields still works; it is never served). A relative path is
    taken from ``folder`` (an imported sheet's folder), else as it is. ``checked`` remembers the outcome per path
    across calls, so a picture named on many rows of a sheet is read once."""
    names: list[str] = []
    new: list[Photo] = []
    error: str | None = None
    for entry in entries:
        path = os.path.join(folder, entry) if folder is not None and not os.path.isabs(entry) else entry
        name = media_name(db_path, entry if os.path.basename(entry) == entry else path)
        if name is None and entry in known and not os.path.lexists(path):
            name = entry
        if name is None:
            outcome = checked.get(path) if checked is not None else None
            if outcome is None:
                try:
                    outcome = check_photo(db_path, path)
                except FileRefused as exc:
                    outcome = str(exc) if os.path.lexists(path) else _("Photo file not found: {path}", path=path)
                if checked is not None:
                    checked[path] = outcome
            if isinstance(outcome, str):
                error = error or outcome
                continue
            name = outcome.name
            if all(photo.name != name for photo in new):
                new.append(outcome)
        if name not in names:
            names.append(name)
    return names, new, error
