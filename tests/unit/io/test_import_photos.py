"""Gallery photos named in an imported sheet are taken exactly as the listing form takes them (``io.media``): each
must be a real picture and never the database; it is checked when the sheet is checked and copied into the media
folder beside the database only when the import is written. Issue 17 item 2, through a spreadsheet: a row whose
photo is the database file must not make the database a listing's (downloadable) photo."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest

from ikmtui import paths
from ikmtui.io import importer, media
from ikmtui.io.guard import FileRefused
from ikmtui.storage import Database
from tests.unit.io.test_import import files_of, run, write_csv, write_xlsx

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(17)
HEADERS = ["Kode IKM", "Nama Produk", "SKU", "Kategori", "Harga", "Stok", "Tanggal Titip", "Foto"]


def row(db: Database, sku: str, photos: str) -> list[Any]:
    code = db.get("ikm", 3)["code"]  # type: ignore[index]
    return [code, "Batik tulis", sku, "batik", "150000", 5, "01/10/2026", photos]


def media_files(db_path: Path) -> dict[str, bytes]:
    folder = paths.media_dir(db_path)
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


def listing(db_path: Path, sku: str) -> dict[str, Any]:
    [doc] = Database(db_path, "tester").find("gallery_listings", sku=sku)
    return doc


def test_a_picture_named_in_the_sheet_is_copied_into_the_media_folder_owner_only(
    tmp_path: Path, db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "foto").mkdir()
    (tmp_path / "foto" / "Batik Depan.png").write_bytes(PNG)
    other = tmp_path / "lain.gif"
    other.write_bytes(b"GIF89a" + bytes(10))
    sheet = write_xlsx(
        tmp_path / "galeri.xlsx",
        HEADERS,
        [
            row(db, "SKG-BAT-91001", "foto/Batik Depan.png"),  # relative: in the sheet's folder
            row(db, "SKG-BAT-91002", f"{tmp_path / 'foto' / 'Batik Depan.png'}; {other}"),
        ],
    )
    old = os.umask(0o022)
    try:
        code, out, err = run(capsys, sheet, "--db", db.path)
    finally:
        os.umask(old)
    assert code == 0, out + err
    [name] = listing(db.path, "SKG-BAT-91001")["photos"]
    assert "/" not in name and name.startswith("Batik-Depan-") and name.endswith(".png")
    second = listing(db.path, "SKG-BAT-91002")["photos"]
    assert second[0] == name and second[1].startswith("lain-") and len(second) == 2
    media_dir = paths.media_dir(db.path)
    assert media_files(db.path) == {name: PNG, second[1]: other.read_bytes()}  # the same picture kept once
    assert stat.S_IMODE(media_dir.stat().st_mode) == 0o700
    assert all(stat.S_IMODE((media_dir / n).stat().st_mode) == 0o600 for n in second)
    assert media.photo_file(db.path, name) == media_dir / name  # served from there, like a photo saved on the form

    # The sheet named again with update (or an export of the gallery, which names the media file): unchanged.
    again = write_xlsx(
        tmp_path / "lagi.xlsx",
        HEADERS,
        [row(db, "SKG-BAT-91001", "foto/Batik Depan.png"), row(db, "SKG-BAT-91002", "; ".join(second))],
    )
    report = importer.import_file(Database(db.path, "tester"), again, update=True)
    assert report.ok and report.unchanged == 2 and len(media_files(db.path)) == 2


def test_the_database_named_as_a_photo_is_refused_with_the_reason_and_nothing_is_copied(
    tmp_path: Path, db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    """The attack of issue 17 item 2 through a sheet: the database file (directly, as its journal, through a link
    named like a picture) as a listing's photo."""
    db.update("ikm", 3, {"phone": "024"}, expected_version=db.get("ikm", 3)["version"])  # type: ignore[index]
    journal = db.path.with_name(db.path.name + ".journal")
    link = tmp_path / "foto.jpg"
    link.symlink_to(db.path)
    good = tmp_path / "baik.png"
    good.write_bytes(PNG)
    sheet = write_xlsx(
        tmp_path / "galeri.xlsx",
        HEADERS,
        [
            row(db, "SKG-BAT-92001", str(db.path)),
            row(db, "SKG-BAT-92002", str(journal)),
            row(db, "SKG-BAT-92003", "foto.jpg"),
            row(db, "SKG-BAT-92004", f"baik.png; {db.path}"),
            row(db, "SKG-BAT-92005", "baik.png"),
        ],
    )
    before = files_of(db.path)

    code, _out, _err = run(capsys, sheet, "--db", db.path)  # all or nothing: nothing at all
    assert code == 1 and files_of(db.path) == before and not paths.media_dir(db.path).exists()
    report = importer.import_file(Database(db.path, "tester"), sheet, dry_run=True)
    assert report.bad_rows == [2, 3, 4, 5]
    for problem in report.problems:
        assert problem.column == "Foto" and "basis data dan berkasnya tidak dapat menjadi foto" in problem.reason

    code, _out, _err = run(capsys, sheet, "--db", db.path, "--skip-invalid")  # the good row only
    assert code == 0
    [name] = listing(db.path, "SKG-BAT-92005")["photos"]
    assert media_files(db.path) == {name: PNG}  # the database was never copied in
    assert not Database(db.path, "tester").find("gallery_listings", sku="SKG-BAT-92001")


def test_a_dry_run_checks_the_photos_and_copies_nothing(
    tmp_path: Path, db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.png").write_bytes(PNG)
    (tmp_path / "kunci.jpg").write_text("-----BEGIN OPENSSH PRIVATE KEY-----")
    sheet = write_csv(
        tmp_path / "galeri.csv", HEADERS, [row(db, "SKG-BAT-93001", "a.png"), row(db, "SKG-BAT-93002", "kunci.jpg")]
    )
    before = files_of(db.path)
    code, out, _err = run(capsys, sheet, "--db", db.path, "--dry-run")
    assert "bukan gambar" in out and "kunci.jpg" in out  # checked, the reason shown
    assert files_of(db.path) == before and not paths.media_dir(db.path).exists()
    good = write_csv(tmp_path / "baik.csv", HEADERS, [row(db, "SKG-BAT-93001", "a.png")])
    code, out, _err = run(capsys, good, "--db", db.path, "--dry-run")
    assert code == 0 and files_of(db.path) == before and not paths.media_dir(db.path).exists()
    # The Import screen's check (plan) copies nothing either
    report = importer.plan(db.docs, importer.load(good), db_path=db.path)
    assert report.ok and report.planned[0].doc["photos"][0].startswith("a-")
    assert not paths.media_dir(db.path).exists()


def test_refusals_are_the_forms_messages(tmp_path: Path, db: Database) -> None:
    big = tmp_path / "besar.png"
    with big.open("wb") as fh:
        fh.write(PNG)
        fh.truncate(10_000_001)
    os.mkfifo(tmp_path / "pipa.jpg")
    rows = [
        row(db, "SKG-BAT-94001", "/etc/passwd"),
        row(db, "SKG-BAT-94002", "besar.png"),
        row(db, "SKG-BAT-94003", "pipa.jpg"),
        row(db, "SKG-BAT-94004", "tidak-ada.jpg"),
    ]
    report = importer.import_file(db, write_xlsx(tmp_path / "g.xlsx", HEADERS, rows), dry_run=True)
    reasons = [p.reason for p in report.problems]
    assert ".jpg, .jpeg, .png, .webp atau .gif" in reasons[0]
    assert "paling besar 10 MB" in reasons[1]
    assert "bukan berkas biasa" in reasons[2]  # refused at once, not a hung read
    assert reasons[3] == f"Berkas foto tidak ditemukan: {tmp_path / 'tidak-ada.jpg'}"
    # Without a database to check against and copy beside, photos are not taken at all
    report = importer.plan(db.docs, importer.load(tmp_path / "g.xlsx"))
    assert report.bad_rows == [2, 3, 4, 5] and "basis data" in report.problems[0].reason


def test_a_picture_named_on_many_rows_is_read_once(
    tmp_path: Path, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "logo.png").write_bytes(PNG)
    reads: list[str] = []
    check = media.check_photo
    monkeypatch.setattr(media, "check_photo", lambda db_path, path: reads.append(str(path)) or check(db_path, path))
    rows = [row(db, f"SKG-BAT-95{i:03d}", "logo.png") for i in range(30)]
    report = importer.import_file(db, write_xlsx(tmp_path / "g.xlsx", HEADERS, rows))
    assert report.inserted == 30 and reads == [str(tmp_path / "logo.png")]
    assert len(media_files(db.path)) == 1


def test_a_picture_swapped_after_its_check_is_not_copied(tmp_path: Path, db: Database) -> None:
    source = tmp_path / "a.png"
    source.write_bytes(PNG)
    photo = media.check_photo(db.path, source)
    source.write_bytes(PNG + b"another picture")
    with pytest.raises(FileRefused):
        media.keep_photo(db.path, photo)
    assert media_files(db.path) == {}
    source.unlink()
    source.symlink_to(db.path)  # or the database put in its place
    with pytest.raises(FileRefused):
        media.keep_photo(db.path, photo)
    assert media_files(db.path) == {}
