"""Spreadsheets from a browser: the page's "Upload spreadsheet" button posts a file (``POST /upload``) that is kept
owner-only in the database's uploads folder. A browser's import reads only from there, never from the server's own
folders."""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import stat
import unicodedata
from pathlib import Path
from typing import Any

from aiohttp import BodyPartReader, web

from ikmtui.i18n import _
from ikmtui.serve.console import say

#: Largest file, what an import reads, and how much the uploads folder may hold in all.
UPLOAD_MAX_BYTES = 20 * 1024 * 1024
UPLOAD_SUFFIXES = (".xlsx", ".xls", ".ods", ".csv")
UPLOADS_FOLDER_MAX_BYTES = 500 * 1024 * 1024


def upload_name(filename: str) -> str | None:
    """A safe name in the uploads folder for a browser's file name, or ``None`` if it is not a spreadsheet.

    Only the last part of the name is kept (no folders, no ``..``), characters other than letters, digits, space
    and ``.-_()`` become ``_``, no leading dot (hidden files), at most 100 characters.
    """
    name = unicodedata.normalize("NFC", filename.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(char if char.isalnum() or char in " .-_()" else "_" for char in name)
    stem, dot, suffix = name.rpartition(".")
    suffix = f".{suffix.lower()}"
    if not dot or suffix not in UPLOAD_SUFFIXES:
        return None
    stem = stem.strip(" .")[: 100 - len(suffix)].rstrip(" .") or "upload"
    return stem + suffix


class UploadRefused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def uploads_folder(db_path: Path) -> Path:
    """The database's uploads folder, created owner-only; refused if something else (a link) sits there."""
    from ikmtui import paths

    folder = paths.uploads_dir(db_path)
    with contextlib.suppress(FileExistsError):
        folder.mkdir(mode=0o700)
    info = folder.lstat()
    if not stat.S_ISDIR(info.st_mode):
        raise UploadRefused(500, _("{path} is not a folder; the upload was not kept", path=folder))
    if stat.S_IMODE(info.st_mode) != 0o700:
        os.chmod(folder, 0o700)
    return folder


def _folder_bytes(folder: Path) -> int:
    total = 0
    with os.scandir(folder) as entries:
        for entry in entries:
            with contextlib.suppress(OSError):
                total += entry.stat(follow_symlinks=False).st_size
    return total


def _keep_as(tmp: Path, folder: Path, name: str) -> str:
    """Give the uploaded temp file its name without replacing a file already there (``name (2).xlsx``...)."""
    stem, suffix = os.path.splitext(name)
    for number in range(1, 1000):
        candidate = name if number == 1 else f"{stem} ({number}){suffix}"
        try:
            os.link(tmp, folder / candidate)  # fails if the name is taken: never overwrites
        except FileExistsError:
            continue
        return candidate
    raise UploadRefused(507, _("The uploads folder has too many files named {name}", name=name))


async def receive_upload(
    request: web.Request,
    db_path: Path,
    max_bytes: int = UPLOAD_MAX_BYTES,
    folder_max_bytes: int = UPLOADS_FOLDER_MAX_BYTES,
) -> str:
    """Store the spreadsheet of a multipart upload (field ``file``) owner-only; returns its name in the folder."""
    limit = _("at most {limit} MB can be uploaded", limit=max_bytes // (1024 * 1024))
    if request.content_length is not None and request.content_length > max_bytes + 64 * 1024:
        raise UploadRefused(413, _("The file is too large: {limit}", limit=limit))
    try:
        reader = await request.multipart()
    except (AssertionError, ValueError, KeyError):
        raise UploadRefused(400, _("No file was sent")) from None
    part: Any = None
    for _number in range(10):  # a form with the file among at most a few fields
        part = await reader.next()
        if part is None or (isinstance(part, BodyPartReader) and part.name == "file"):
            break
        await part.release()
    if not isinstance(part, BodyPartReader) or part.name != "file" or not part.filename:
        raise UploadRefused(400, _("No file was sent"))
    name = upload_name(part.filename)
    if name is None:
        raise UploadRefused(
            415, _("Only spreadsheets can be uploaded ({suffixes})", suffixes=", ".join(UPLOAD_SUFFIXES))
        )
    folder = uploads_folder(db_path)
    if _folder_bytes(folder) + max(request.content_length or 0, 0) > folder_max_bytes:
        raise UploadRefused(
            507,
            _(
                "The uploads folder is full ({limit} MB); delete old uploads from {path}",
                limit=folder_max_bytes // (1024 * 1024),
                path=folder,
            ),
        )
    tmp = folder / f".upload-{secrets.token_hex(8)}.part"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        size = 0
        with os.fdopen(fd, "wb") as fh:
            while chunk := await part.read_chunk(64 * 1024):
                size += len(chunk)
                if size > max_bytes:
                    raise UploadRefused(413, _("The file is too large: {limit}", limit=limit))
                fh.write(chunk)
            fh.flush()
            await asyncio.to_thread(os.fsync, fh.fileno())
        return _keep_as(tmp, folder, name)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


async def answer_upload(
    request: web.Request,
    db_path: Path,
    max_bytes: int = UPLOAD_MAX_BYTES,
    folder_max_bytes: int = UPLOADS_FOLDER_MAX_BYTES,
) -> web.Response:
    """The page's answer to an upload: ``{"ok", "name", "message"}``; what was kept or refused is said on the
    server's output too."""
    try:
        name = await receive_upload(request, db_path, max_bytes, folder_max_bytes)
    except UploadRefused as refused:
        say(_("Refused an upload from {address}: {reason}", address=request.remote, reason=refused.message))
        return web.json_response({"ok": False, "message": refused.message}, status=refused.status)
    except OSError as exc:
        message = _("The upload could not be kept: {reason}", reason=exc.strerror or exc)
        say(message)
        return web.json_response({"ok": False, "message": message}, status=500)
    say(_("Received {name} from {address} into the uploads folder", name=name, address=request.remote))
    return web.json_response(
        {
            "ok": True,
            "name": name,
            "message": _("Uploaded as {name}: choose it on the Import screen (ctrl+o)", name=name),
        }
    )
