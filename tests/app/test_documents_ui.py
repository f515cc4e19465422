"""Documents from the screens: the key is in the footer and the palette, the officer is asked for the file (the
document's own name offered), and the PDF is there afterwards; the office settings screen (F9) changes the
letterhead for an administrator only; the collections worklist logs contacts and issues warning letters."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from textual.widgets import Input

from ikmtui.services import collections as svc_collections
from ikmtui.services import settings
from ikmtui.storage import Database
from ikmtui.ui.app import IkmApp, make_app
from ikmtui.ui.credit.collections import CollectionsScreen
from ikmtui.ui.credit.detail import CreditDetailScreen
from ikmtui.ui.gallery.listings import GalleryScreen
from ikmtui.ui.kit.dialogs import ConfirmScreen, PromptScreen
from ikmtui.ui.kit.form import FormScreen
from ikmtui.ui.registry.profile import IkmProfileScreen
from ikmtui.ui.settings.office import SettingsScreen
from ikmtui.ui.training.batch import BatchScreen

pytestmark = pytest.mark.usefixtures("today")


def pdf_text(path: Path) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(path.read_bytes())).pages)


def notes(app: IkmApp) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


def footer_keys(app: IkmApp) -> set[str]:
    return {b.binding.description for b in app.screen.active_bindings.values() if b.binding.show}


async def accept_prompt(app: IkmApp, pilot: Any, name: str | None = None) -> None:
    """The save prompt offers the document's file name; enter keeps it (or ``name`` is typed instead)."""
    await pilot.pause()
    assert isinstance(app.screen, PromptScreen)
    if name is not None:
        app.screen.query_one(Input).value = name
    await pilot.press("enter")
    await pilot.pause()


async def test_settings_screen_changes_the_letterhead_for_an_administrator(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    db.user = "admin"
    app = make_app(db, user="admin", poll_seconds=0)
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        assert {"Ubah kop surat", "Ubah penanda tangan"} <= footer_keys(app)
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormScreen)
        form.query_one("#field-office__name", Input).value = "Dinas Koperasi Kota Salatiga"
        form.query_one("#field-certificate__unit", Input).value = "DIS/KOP"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form  # a bad unit code: said beside the field, nothing saved
        assert settings.value(db, "office.name") == "Dinas Perindustrian Kota Semarang"
        form.query_one("#field-certificate__unit", Input).value = "DISKOP"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
    assert settings.value(db, "office.name") == "Dinas Koperasi Kota Salatiga"
    assert settings.value(db, "certificate.unit") == "DISKOP"
    from ikmtui.services.documents import make_report

    made = make_report(db, "overview", "2026-11")
    (tmp_path / "r.pdf").write_bytes(made.data)
    assert "DINAS KOPERASI KOTA SALATIGA" in pdf_text(tmp_path / "r.pdf")


@pytest.mark.parametrize("username", ["sri.wahyuni", "budi.santoso"])
async def test_only_an_administrator_edits_the_settings(db: Database, username: str) -> None:
    db.user = username
    app = make_app(db, user=username, poll_seconds=0)
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        for key in ("e", "t", "l"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, SettingsScreen)
        assert "administrator" in notes(app)
    assert settings.value(db, "office.name") == "Dinas Perindustrian Kota Semarang"


# ---------------------------------------------------------------------------------------------- the documents
def codes(db: Database) -> dict[str, Any]:
    completed = next(e for e in db.all("enrollments") if e.get("state") == "completed")
    late = svc_collections.worklist(db)
    sale = max(db.all("sales"), key=lambda s: s["date"])
    listing = next(k for k, d in db.docs("gallery_listings").items() if d.get("ikm_id") == sale["ikm_id"])
    return {
        "batch_id": int(completed["batch_id"]),
        "loan": late[0].loan,
        "listing_id": int(listing),
        "month": sale["date"][:7],
        "ikm_id": int(sale["ikm_id"]),
    }


async def press_for_file(app: IkmApp, pilot: Any, key: str, tmp_path: Path, expected: str) -> str:
    """Press the document's key, keep the offered file name, and read the file back."""
    assert key in {b.binding.key for b in app.screen.active_bindings.values()}
    await pilot.press(key)
    await accept_prompt(app, pilot)
    path = tmp_path / expected
    assert path.is_file(), notes(app)
    assert str(path) in notes(app)  # in a terminal the saved path is shown
    return pdf_text(path)


async def test_every_document_from_its_screen(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    c = codes(db)
    batch = db.get("batches", c["batch_id"]) or {}
    loan = c["loan"]
    ikm = db.get("ikm", c["ikm_id"]) or {}
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(160, 45)) as pilot:
        app.push_screen(BatchScreen(c["batch_id"]))
        await pilot.pause()
        assert {"Rekap kehadiran (PDF)", "Sertifikat (PDF)"} <= footer_keys(app)
        text = await press_for_file(app, pilot, "h", tmp_path, f"daftar-hadir-{batch['code']}.pdf")
        assert "REKAP KEHADIRAN" in text
        text = await press_for_file(app, pilot, "H", tmp_path, f"daftar-hadir-{batch['code']}-kosong.pdf")
        assert "DAFTAR HADIR" in text
        text = await press_for_file(app, pilot, "c", tmp_path, f"sertifikat-{batch['code']}.pdf")
        assert "SERTIFIKAT" in text

        await pilot.press("escape")
        await pilot.press("5")
        await pilot.pause()
        app.push_screen(CreditDetailScreen(int(loan.application_id)))
        await pilot.pause()
        text = await press_for_file(app, pilot, "k", tmp_path, f"kartu-angsuran-{loan.code}.pdf")
        assert loan.code in text and "KARTU ANGSURAN" in text

        await pilot.press("escape", "6")
        await pilot.pause()
        assert isinstance(app.screen, GalleryScreen)
        gallery = app.screen
        gallery.table.cursor_row = gallery.table.rows.position_of(c["listing_id"]) or 0
        await pilot.press("P")
        await accept_prompt(app, pilot, c["month"])
        await accept_prompt(app, pilot)
        path = tmp_path / f"titipan-{ikm['code']}-{c['month']}.pdf"
        assert path.is_file(), notes(app)
        assert "LAPORAN TITIPAN DAN PEMBAYARAN" in pdf_text(path)

        app.push_screen(IkmProfileScreen(c["ikm_id"]))
        await pilot.pause()
        text = await press_for_file(app, pilot, "p", tmp_path, f"profil-{ikm['code']}.pdf")
        assert ikm["owner_nik"] not in text and str(ikm["name"]) in text


async def test_an_existing_file_is_overwritten_only_after_yes(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    loan = codes(db)["loan"]
    target = tmp_path / f"kartu-angsuran-{loan.code}.pdf"
    target.write_bytes(b"keep")
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(160, 45)) as pilot:
        app.push_screen(CreditDetailScreen(int(loan.application_id)))
        await pilot.pause()
        await pilot.press("k")
        await accept_prompt(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert target.read_bytes() == b"keep"
        await pilot.press("k")
        await accept_prompt(app, pilot)
        await pilot.press("y")
        await pilot.pause()
    assert target.read_bytes().startswith(b"%PDF")


async def test_collections_worklist_logs_contacts_and_issues_letters(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    db.user = "budi.santoso"
    rows = svc_collections.worklist(db)
    app = make_app(db, user="budi.santoso", poll_seconds=0)
    async with app.run_test(size=(180, 45)) as pilot:
        await pilot.press("5")
        await pilot.pause()
        assert "Daftar penagihan" in footer_keys(app)
        await pilot.press("l")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CollectionsScreen)
        shown = [screen.table.rows.row(i)[0] for i in range(len(screen.table.rows))]
        assert shown == [int(r.loan.application_id or 0) for r in rows]  # most days past due first
        first = rows[0].loan
        before = svc_collections.contacts_of(db, int(first.application_id or 0))
        assert [r.loan.days_past_due for r in rows] == sorted((r.loan.days_past_due for r in rows), reverse=True)

        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormScreen)
        form.query_one("#field-outcome", Input).value = "berjanji membayar"
        form.query_one("#field-promise_date", Input).value = "01/12/2026"  # before the contact: refused
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form and svc_collections.contacts_of(db, int(first.application_id or 0)) == before
        form.query_one("#field-promise_date", Input).value = "11/12/2026"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen

        text = await press_for_file(app, pilot, "1", tmp_path, f"SP1-{first.code}.pdf")
        assert f"{first.days_past_due} hari" in text
    contacts = svc_collections.contacts_of(db, int(first.application_id or 0))
    letter, call = contacts[0], contacts[1]
    assert (letter["kind"], letter["level"], letter["officer"]) == ("letter", 1, "budi.santoso")
    assert letter["number"] in text
    assert (call["kind"], call["outcome"], call["promise_date"]) == ("call", "berjanji membayar", "2026-12-11")


async def test_in_a_browser_the_document_is_downloaded_without_asking_for_a_path(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ikmtui.ui.kit import documents as kit_documents

    sent: list[tuple[Path, str | None]] = []
    monkeypatch.setattr(kit_documents, "in_browser", lambda app: True)
    monkeypatch.setattr(
        kit_documents, "deliver_file", lambda app, path, mime_type=None: sent.append((Path(path), mime_type))
    )
    loan = codes(db)["loan"]
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(160, 45)) as pilot:
        app.push_screen(CreditDetailScreen(int(loan.application_id)))
        await pilot.pause()
        await pilot.press("k")
        await pilot.pause()
        assert not isinstance(app.screen, PromptScreen)
    ((path, mime),) = sent
    assert path.name == f"kartu-angsuran-{loan.code}.pdf" and mime == "application/pdf"
    assert loan.code in pdf_text(path)


async def test_a_report_exported_as_pdf_from_the_reports_screen_has_the_office_letterhead(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    db.user = "admin"
    settings.put_many(db, {"office.name": "Dinas Koperasi Kota Salatiga", "signatory.report.name": "Drs. Agus Salim"})
    app = make_app(db, user="admin", poll_seconds=0)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("7")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("x")
        await accept_prompt(app, pilot, "rekap.pdf")
        await app.workers.wait_for_complete()
        await pilot.pause()
    text = pdf_text(tmp_path / "rekap.pdf")
    assert "DINAS KOPERASI KOTA SALATIGA" in text and "Drs. Agus Salim" in text
