"""Gallery photos can never point at a file of the server: a picture named on a listing is checked and copied into
the database's media folder when the listing is saved, and a photo is opened (or sent to a browser) only from
there. Reproduces issue 17 item 2: a listing whose photo is the database file, then Galeri, ``o``."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Static

from ikmtui import paths
from ikmtui.domain.records import RecordInvalid
from ikmtui.io.guard import FileRefused
from ikmtui.services import gallery as service
from ikmtui.storage import Database
from ikmtui.ui import app as app_module
from ikmtui.ui.app import make_app
from ikmtui.ui.gallery.listings import GalleryScreen
from ikmtui.ui.kit import delivery
from ikmtui.ui.kit.form import FormScreen

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(17)
GALLERY_KEY = next(key for mode, key, _title in app_module.SCREENS if mode == "gallery")


@pytest.fixture(autouse=True)
def _fixed_day(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("IKMTUI_TODAY", date(2026, 12, 15).isoformat())  # the app's clock
    yield


@pytest.fixture
def launched(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """What the system picture viewer was asked to open (it is never really started)."""
    calls: list[list[str]] = []
    monkeypatch.setattr(service.shutil, "which", lambda name: "/usr/bin/xdg-open" if name == "xdg-open" else None)
    monkeypatch.setattr(service.subprocess, "Popen", lambda args, **kwargs: calls.append(list(args)))
    return calls


def data(**extra: str) -> dict[str, Any]:
    return {
        "product_name": "Batik tulis",
        "ikm_id": "IKM-000005",
        "category": "batik",
        "sku": "SKG-BAT-77001",
        "price": "50.000",
        "stock": "10",
        "consigned_on": "01/12/2026",
        "term_days": "90",
        "commission_pct": "10",
        **extra,
    }


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def planted(db: Database, photos: list[str]) -> dict[str, Any]:
    """A listing whose photo paths were stored below the service (by an older version or a hand-edited file)."""
    doc = service.create_listing(db, data())
    return db.update("gallery_listings", doc["id"], {"photos": photos}, expected_version=doc["version"])


# ---------------------------------------------------------------------------------------------- saving
def refused(db: Database, photos: str) -> str:
    before = files_of(db.path.parent)
    count = db.count("gallery_listings")
    with pytest.raises(RecordInvalid) as caught:
        service.create_listing(db, data(photos=photos))
    assert db.count("gallery_listings") == count and files_of(db.path.parent) == before  # nothing written
    assert set(caught.value.errors) == {"photos"}
    return caught.value.errors["photos"]


def test_the_database_and_its_files_cannot_be_a_photo(db: Database, tmp_path: Path) -> None:
    db.update("ikm", 1, {"phone": "024"}, expected_version=db.get("ikm", 1)["version"])  # a journal exists
    journal = db.path.with_name(db.path.name + ".journal")
    link = tmp_path / "foto.jpg"
    link.symlink_to(db.path)
    (tmp_path / "x").mkdir()
    for path in (db.path, journal, link, tmp_path / "x" / ".." / db.path.name):
        assert "basis data dan berkasnya tidak dapat menjadi foto" in refused(db, str(path))


def test_only_pictures_of_a_bounded_size_are_taken(db: Database, tmp_path: Path) -> None:
    text = tmp_path / "catatan.txt"
    text.write_text("hello")
    fake = tmp_path / "kunci.jpg"
    fake.write_text("-----BEGIN OPENSSH PRIVATE KEY-----")
    big = tmp_path / "besar.png"
    with big.open("wb") as fh:
        fh.write(PNG)
        fh.truncate(10_000_001)
    fifo = tmp_path / "pipa.jpg"
    os.mkfifo(fifo)
    folder = tmp_path / "folder.jpg"
    folder.mkdir()
    assert ".jpg, .jpeg, .png, .webp atau .gif" in refused(db, str(text))
    assert ".jpg, .jpeg, .png, .webp atau .gif" in refused(db, "/etc/passwd")
    assert "bukan gambar" in refused(db, str(fake))
    assert "paling besar 10 MB" in refused(db, str(big))
    assert "bukan berkas biasa" in refused(db, str(fifo))  # refused at once, not a hung read
    assert "folder" in refused(db, str(folder))
    assert "Berkas foto tidak ditemukan" in refused(db, str(tmp_path / "tidak-ada.jpg"))
    assert not paths.media_dir(db.path).exists()


def test_a_picture_is_copied_into_the_media_folder_owner_only(db: Database, tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        source = tmp_path / "Foto Batik (1).PNG"
        source.write_bytes(PNG)
        doc = service.create_listing(db, data(photos=f"{source}; {source}"))
        again = service.create_listing(db, data(sku="SKG-BAT-77002", photos=str(source)))
    finally:
        os.umask(old)
    media = paths.media_dir(db.path)
    [name] = doc["photos"]
    assert again["photos"] == [name] and "/" not in name and name.startswith("Foto-Batik-1-") and name.endswith(".png")
    assert os.listdir(media) == [name]  # the same picture is kept once
    assert (media / name).read_bytes() == PNG
    assert stat.S_IMODE(media.stat().st_mode) == 0o700 and stat.S_IMODE((media / name).stat().st_mode) == 0o600
    source.unlink()  # the original may go: the listing has its own copy
    assert service.photo_file(db.path, name) == media / name
    # The edit form shows the name; saving it again keeps it (no copy of a copy)
    form = service.form_values(db, doc)
    assert form["photos"] == name
    saved = service.update_listing(db, doc["id"], {**form, "price": "60.000"})
    assert saved["photos"] == [name] and os.listdir(media) == [name]
    # A path into the media folder is the same photo
    saved = service.update_listing(db, doc["id"], {**form, "photos": str(media / name)})
    assert saved["photos"] == [name]


# ---------------------------------------------------------------------------------------------- opening
def test_photos_are_served_only_from_the_media_folder(db: Database, tmp_path: Path, launched: list[list[str]]) -> None:
    media = paths.media_dir(db.path)
    source = tmp_path / "a.webp"
    source.write_bytes(b"RIFF\x00\x00\x00\x00WEBPVP8 ")
    name = service.keep_photo(db.path, service.check_photo(db.path, source))
    assert service.open_photo(db.path, name)[0] is True and launched == [["/usr/bin/xdg-open", str(media / name)]]
    (media / "kabur.jpg").symlink_to(db.path)  # a link planted in the folder, leading out
    (media / "data.jpg").write_bytes(db.path.read_bytes())  # not a picture, whatever its name
    for bad in (
        str(db.path),
        db.path.name,
        f"../{db.path.name}",
        "kabur.jpg",
        "data.jpg",
        "/etc/passwd",
        "",
        ".",
        "..",
        str(media / ".." / db.path.name),
    ):
        with pytest.raises(FileRefused):
            service.photo_file(db.path, bad)
        opened, _message = service.open_photo(db.path, bad)
        assert not opened, bad
    assert len(launched) == 1


def test_a_listing_from_an_older_version_is_not_served_until_edited(
    db: Database, tmp_path: Path, launched: list[list[str]]
) -> None:
    old_photo = tmp_path / "lama.jpg"
    old_photo.write_bytes(b"\xff\xd8\xff\xe0")
    doc = planted(db, [str(old_photo), str(db.path)])
    for stored in doc["photos"]:
        opened, message = service.open_photo(db.path, stored)
        assert not opened and "tidak berada di folder media" in message
    assert launched == []
    # Saving it as it is: the database path is refused beside the field, nothing is written
    form = service.form_values(db, doc)
    with pytest.raises(RecordInvalid) as caught:
        service.update_listing(db, doc["id"], form)
    assert "basis data" in caught.value.errors["photos"]
    # Without it, the old picture is brought in and opens from the media folder
    saved = service.update_listing(db, doc["id"], {**form, "photos": str(old_photo)})
    [name] = saved["photos"]
    assert service.open_photo(db.path, name)[0] is True
    assert launched == [["/usr/bin/xdg-open", str(paths.media_dir(db.path) / name)]]


# ---------------------------------------------------------------------------------------------- the screen
async def open_gallery(pilot: Any, select: int) -> GalleryScreen:
    await pilot.press(GALLERY_KEY)
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, GalleryScreen)
    screen.reload(keep_id=select)
    await pilot.pause()
    return screen


@pytest.mark.parametrize("browser", [False, True])
async def test_o_refuses_a_photo_outside_the_media_folder(
    db: Database, monkeypatch: pytest.MonkeyPatch, launched: list[list[str]], browser: bool
) -> None:
    """Issue 17 item 2: the listing's photo is the database file; ``o`` neither opens nor downloads it."""
    doc = planted(db, [str(db.path)])
    sent: list[Any] = []
    monkeypatch.setattr(delivery, "in_browser", lambda app: browser)
    app = make_app(db, poll_seconds=0)
    monkeypatch.setattr(app, "deliver_binary", lambda *args, **kwargs: sent.append(args) or "key")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_gallery(pilot, doc["id"])
        await pilot.press("o")
        await pilot.pause()
        assert app.screen is screen
        messages = [str(n.message) for n in app._notifications]
        assert any("tidak berada di folder media" in m for m in messages), messages
    assert sent == [] and launched == []


async def test_the_form_says_beside_the_field_that_the_database_is_no_photo(db: Database) -> None:
    doc = service.create_listing(db, data())
    before = db.path.read_bytes()
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_gallery(pilot, doc["id"])
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormScreen)
        form.query_one("#field-photos", Input).value = str(db.path)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "basis data dan berkasnya tidak dapat menjadi foto" in str(
            form.query_one("#error-photos", Static).content
        )
        await pilot.press("escape")
        await pilot.pause()
        if app.screen is not screen:  # asked whether to drop the change
            await pilot.press("y")
            await pilot.pause()
    assert db.get("gallery_listings", doc["id"])["photos"] == []  # type: ignore[index]
    assert not paths.media_dir(db.path).exists() and db.path.read_bytes() == before
