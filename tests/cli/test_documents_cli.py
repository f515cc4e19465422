"""``ikmtui document``, ``ikmtui settings`` and ``ikmtui report --format pdf``: every document from the command
line (their times: bench/bench_documents.py), certificate verification by exit code, settings by administrators
only."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from ikmtui.cli import main
from ikmtui.reports.areas import credit_report
from ikmtui.reports.common import tables_of
from ikmtui.reports.period import parse_period
from ikmtui.services import training
from ikmtui.storage import Database

pytestmark = pytest.mark.usefixtures("today")


def pdf_text(path: Path) -> str:
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


def run(db_path: Path, *args: str, user: str = "admin") -> int:
    return main([*args, "--db", str(db_path), "--user", user])


def demo_codes(db_path: Path) -> dict[str, str]:
    """A finished batch with completers, a late loan and an IKM with sales, from the test database."""
    db = Database(db_path, "tester")
    tables = tables_of(db)
    completed = [e for e in tables["enrollments"].values() if e.get("state") == "completed"]
    batch = tables["batches"][str(completed[0]["batch_id"])]
    sale = max(tables["sales"].values(), key=lambda s: s["date"])
    late = credit_report(tables, parse_period("all", date(2026, 12, 4)), date(2026, 12, 4)).data["arrears"]
    codes = {
        "batch": str(batch["code"]),
        "loan": str(late[0]["code"]),
        "ikm": str(tables["ikm"][str(sale["ikm_id"])]["code"]),
        "month": str(sale["date"][:7]),
        "number": str(completed[0]["certificate_no"]),
    }
    db.close()
    return codes


def test_every_document_from_the_command_line(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    c = demo_codes(db_path)
    out = tmp_path / "out"
    kinds = {
        "attendance": ["attendance", "--batch", c["batch"]],
        "blank": ["attendance", "--batch", c["batch"], "--blank"],
        "certificates": ["certificates", "--batch", c["batch"]],
        "consignment": ["consignment", "--ikm", c["ikm"], "--month", c["month"]],
        "loan-card": ["loan-card", "--loan", c["loan"]],
        "reminder": ["reminder", "--loan", c["loan"], "--level", "1"],
        "profile": ["profile", "--ikm", c["ikm"]],
    }
    for name, args in kinds.items():
        target = out / f"{name}.pdf"
        assert run(db_path, "document", *args, "--out", str(target)) == 0, name
        assert "DINAS PERINDUSTRIAN KOTA SEMARANG" in pdf_text(target)
        assert str(target) in capsys.readouterr().err.replace("\n", "")
    assert c["number"] in pdf_text(out / "certificates.pdf")


def test_certificates_into_a_folder_get_the_batch_name(db_path: Path, tmp_path: Path) -> None:
    c = demo_codes(db_path)
    folder = tmp_path / "sertifikat"
    assert run(db_path, "document", "certificates", "--batch", c["batch"], "--out", str(folder)) == 0
    (written,) = folder.iterdir()
    assert written.name == f"sertifikat-{c['batch']}.pdf"
    assert written.stat().st_mode & 0o077 == 0


def test_an_existing_file_and_the_database_are_refused(db_path: Path, tmp_path: Path) -> None:
    c = demo_codes(db_path)
    target = tmp_path / "kartu.pdf"
    target.write_bytes(b"keep")
    assert run(db_path, "document", "loan-card", "--loan", c["loan"], "--out", str(target)) == 2
    assert target.read_bytes() == b"keep"
    assert run(db_path, "document", "loan-card", "--loan", c["loan"], "--out", str(db_path), "--force") == 2
    assert run(db_path, "document", "loan-card", "--loan", "KRD-1999-0001", "--out", str(tmp_path / "x.pdf")) == 2


def test_verify_answers_issued_revoked_unknown_by_exit_code(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    c = demo_codes(db_path)
    assert run(db_path, "document", "verify", c["number"]) == 0
    assert "terbit" in capsys.readouterr().out
    assert run(db_path, "document", "verify", "999/PLT-XXX/DISPERIN/I/2020") == 1
    assert "tidak dikenal" in capsys.readouterr().out
    db = Database(db_path, "sri.wahyuni")  # a supervisor revokes it
    enrollment = next(int(k) for k, e in db.docs("enrollments").items() if e.get("certificate_no") == c["number"])
    training.revoke_certificate(db, enrollment, "nama salah ketik")
    db.close()
    assert run(db_path, "document", "verify", c["number"]) == 1
    assert "DICABUT" in capsys.readouterr().out


def test_a_reminder_is_numbered_and_recorded_on_the_loan(db_path: Path, tmp_path: Path) -> None:
    c = demo_codes(db_path)

    def letters() -> list[dict[str, object]]:
        db = Database(db_path, "tester")
        found = [d for d in db.all("loan_contacts") if d.get("kind") == "letter"]
        db.close()
        return found

    before = len(letters())
    for n, level in enumerate(("1", "2"), 1):
        target = tmp_path / f"sp{level}.pdf"
        args = ("reminder", "--loan", c["loan"], "--level", level, "--out", str(target))
        assert run(db_path, "document", *args, user="budi.santoso") == 0
        found = letters()
        assert len(found) == before + n
        last = found[-1]
        assert (last["level"], last["date"], last["officer"]) == (int(level), "2026-12-04", "budi.santoso")
        assert last["number"] == f"{before + n:03d}/SP{level}/DISPERIN/XII/2026"
        assert str(last["number"]) in pdf_text(target)


def test_settings_by_an_administrator_change_the_letterhead(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    c = demo_codes(db_path)
    assert run(db_path, "settings", "set", "office.name", "Dinas Koperasi Kota Salatiga", user="sri.wahyuni") == 2
    assert "administrator" in capsys.readouterr().err
    assert run(db_path, "settings", "set", "office.name", "Dinas Koperasi Kota Salatiga") == 0
    assert run(db_path, "settings", "set", "signatory.report.name", "Drs. Agus Salim") == 0
    assert run(db_path, "settings", "show") == 0
    assert "Dinas Koperasi Kota Salatiga" in capsys.readouterr().out
    target = tmp_path / "kartu.pdf"
    assert run(db_path, "document", "loan-card", "--loan", c["loan"], "--out", str(target)) == 0
    assert "DINAS KOPERASI KOTA SALATIGA" in pdf_text(target)
    recap = tmp_path / "rekap.pdf"
    assert main(["report", "overview", "--period", "2026-11", "--out", str(recap), "--db", str(db_path)]) == 0
    text = pdf_text(recap)
    assert "DINAS KOPERASI KOTA SALATIGA" in text and "Drs. Agus Salim" in text
    assert "Semarang, 4 Desember 2026" in text  # the city setting is unchanged
    assert run(db_path, "settings", "set", "office.nama", "x") == 2


@pytest.mark.parametrize("name", ["overview", "ikm", "clusters", "training", "credit", "gallery"])
def test_every_report_as_pdf_with_letterhead_and_signature(db_path: Path, tmp_path: Path, name: str) -> None:
    target = tmp_path / f"{name}.pdf"
    assert (
        main(["report", name, "--period", "2026", "--format", "pdf", "--out", str(target), "--db", str(db_path)]) == 0
    )
    text = pdf_text(target)
    assert "DINAS PERINDUSTRIAN KOTA SEMARANG" in text
    assert "Semarang, 4 Desember 2026" in text and "Kepala Dinas Perindustrian" in text
    assert "Halaman 1 dari" in text


def test_profile_reveals_the_nik_only_to_a_supervisor_and_logs_it(db_path: Path, tmp_path: Path) -> None:
    c = demo_codes(db_path)
    db = Database(db_path, "tester")
    nik = next(d["owner_nik"] for d in db.docs("ikm").values() if d["code"] == c["ikm"])
    db.close()
    target = tmp_path / "profil.pdf"
    assert (
        run(
            db_path, "document", "profile", "--ikm", c["ikm"], "--reveal-nik", "--out", str(target), user="budi.santoso"
        )
        == 2
    )
    assert not target.exists()
    assert run(db_path, "document", "profile", "--ikm", c["ikm"], "--out", str(target), user="budi.santoso") == 0
    assert nik not in pdf_text(target)
    assert (
        run(
            db_path,
            "document",
            "profile",
            "--ikm",
            c["ikm"],
            "--reveal-nik",
            "--out",
            str(target),
            "--force",
            user="sri.wahyuni",
        )
        == 0
    )
    assert nik in pdf_text(target)
    db = Database(db_path, "tester")
    assert any(a["action"] == "reveal" and a["user"] == "sri.wahyuni" for a in db.all("audit"))
    db.close()
