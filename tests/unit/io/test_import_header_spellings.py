"""Column headers as offices write them are recognised; the spellings are data (io/importer/headers.toml)."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest

from ikmtui.domain.ikm import IKM_REQUIRED
from ikmtui.io import columns as cols
from ikmtui.io.importer.headers import match_header


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Tahun Berdiri", "year_founded"),
        ("Th. Berdiri", "year_founded"),
        ("Thn Berdiri", "year_founded"),
        ("TH BERDIRI", "year_founded"),
        ("Tanggal Berdiri", "founded_on"),
        ("Tgl Berdiri", "founded_on"),
        ("Tgl. Berdiri", "founded_on"),
        ("Jumlah Tenaga Kerja", "workers_total"),
        ("Jml Tenaga Kerja", "workers_total"),
        ("Jml. Tenaga Kerja", "workers_total"),
        ("Jml TK", "workers_total"),
        ("Jumlah Naker", "workers_total"),
        ("Jml Tenaga Kerja L", "workers_male"),
        ("Jml Tenaga Kerja (P)", "workers_female"),
        ("Sentra/Klaster", "clusters"),
        ("Klaster/Sentra", "clusters"),
        ("Sentra", "clusters"),
        ("No. HP", "phone"),
        ("No. Telp", "phone"),
        ("No. Telp.", "phone"),
        ("No. WA", "phone"),
        ("No HP/WA", "phone"),
        ("Telp/HP", "phone"),
        ("Alamat Usaha", "address"),
        ("Omset per Bulan", "turnover_monthly"),
        ("Omzet per Bulan", "turnover_monthly"),
        ("Omset/Bln", "turnover_monthly"),
        ("Omset Perbulan", "turnover_monthly"),
        ("Omset per Tahun", "turnover"),
        ("Omzet Pertahun", "turnover"),
        ("Omset/Thn", "turnover"),
        ("Omzet per Tahun (Rp)", "turnover"),
        ("Tanggal Terdaftar", "registered_on"),
        ("Tgl Terdaftar", "registered_on"),
        ("Tgl Pendataan", "registered_on"),
        ("Tanggal Pendataan", "registered_on"),
    ],
)
def test_headers_as_offices_write_them(header: str, field: str) -> None:
    found = match_header("ikm", header)
    assert found is not None and found[0] == field, (header, found)


def test_unknown_headers_stay_unknown() -> None:
    assert match_header("ikm", "No") is None
    assert match_header("ikm", "Keterangan Lain") is None


def test_every_spelling_in_the_data_file_means_its_field() -> None:
    raw = tomllib.loads(resources.files("ikmtui.io.importer").joinpath("headers.toml").read_text(encoding="utf-8"))
    raw.pop("abbreviations")
    assert raw["ikm"]["founded_on"] and raw["ikm"]["registered_on"]
    for kind, fields in raw.items():
        for field, headers in fields.items():
            for header in headers:
                found = match_header(kind, header)
                assert found is not None and found[0] == field, (kind, field, header, found)


def test_a_sheet_needs_the_columns_the_record_needs() -> None:
    """The import refuses a sheet only for a column the IKM record cannot do without (NIB, NIK, phone and the
    year founded may be missing)."""
    assert set(cols.required_fields("ikm")) == set(IKM_REQUIRED)
