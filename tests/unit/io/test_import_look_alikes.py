"""An import warns of rows that may be a business already registered (domain.duplicates, as the form does):
the same owner NIK, the same phone, or a very similar name with the same owner or address. They still import."""

from __future__ import annotations

from pathlib import Path

import pytest

from ikmtui.io import importer
from ikmtui.io.importer import planning
from ikmtui.storage import Database

HEADERS = "Nama Usaha;Nama Pemilik;NIK;No. HP;Alamat;Kecamatan;Kelurahan;KBLI;Produk"


def _sheet(path: Path, *rows: str) -> Path:
    path.write_text("\n".join((HEADERS, *rows)) + "\n", encoding="utf-8")
    return path


def test_rows_like_a_registered_ikm_or_a_row_above_are_imported_with_a_warning(tmp_path: Path, db_path: Path) -> None:
    db = Database(db_path, "tester")
    known = db.get("ikm", 1)
    assert known is not None
    path = _sheet(
        tmp_path / "mirip.csv",
        f"Kerupuk Baru;Ani;{known['owner_nik']};;Jl. Lain 1;Tugu;Jrakah;10794;kerupuk",  # 2: same NIK
        f"Tempe Jaya;Budi;;{known['phone']};Jl. Lain 2;Tugu;Jrakah;10391;tempe",  # 3: same phone
        f"UD {known['name']};{known['owner_name']};;;Jl. Lain 3;Tugu;Jrakah;13134;batik",  # 4: same name, owner
        "Roti Sari Rasa;Dewi;;081377700001;Jl. Lain 4;Tugu;Jrakah;10710;roti",  # 5: nothing alike
        "Roti Lain;Eko;;0813 7770 0001;Jl. Lain 5;Tugu;Jrakah;10710;roti",  # 6: the phone of row 5
    )
    report = importer.import_file(db, path)
    assert report.ok and report.inserted == 5  # warnings do not stop an import
    warned = {w.row: w.reason for w in report.warnings}
    assert set(warned) == {2, 3, 4, 6}
    assert known["code"] in warned[2] and "NIK" in warned[2]
    assert known["code"] in warned[3] and "telepon" in warned[3]
    assert known["code"] in warned[4] and "pemilik" in warned[4]
    assert "baris 5" in warned[6]
    assert any("2, 3, 4, 6" in note for note in report.notes)
    assert all(w.column == "Nama Usaha" for w in report.warnings)


def test_past_the_budget_only_nik_and_phone_are_compared(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = Database(db_path, "tester")
    known = db.get("ikm", 1)
    assert known is not None
    path = _sheet(
        tmp_path / "besar.csv",
        f"{known['name']};{known['owner_name']};;;Jl. Lain 3;Tugu;Jrakah;13134;batik",
        f"Tempe Jaya;Budi;;{known['phone']};Jl. Lain 2;Tugu;Jrakah;10391;tempe",
    )
    monkeypatch.setattr(planning, "LOOK_ALIKE_BUDGET", 1)
    report = importer.import_file(db, path, dry_run=True)
    assert [w.row for w in report.warnings] == [3]  # the phone still; the name no longer


def test_the_audit_keeps_that_look_alikes_were_imported(tmp_path: Path, db_path: Path) -> None:
    db = Database(db_path, "tester")
    known = db.get("ikm", 1)
    assert known is not None
    path = _sheet(tmp_path / "audit.csv", f"Tempe Jaya;Budi;;{known['phone']};Jl. Lain 2;Tugu;Jrakah;10391;tempe")
    importer.import_file(db, path)
    entry = next(e for e in reversed(list(db.docs("audit").values())) if e.get("action") == "import")
    assert "1 look-alike rows imported (2)" in str(entry)
