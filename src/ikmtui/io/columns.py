"""Which spreadsheet columns mean which record field, per kind of import, and the value spellings offices use.

A header is recognised whatever its case, spacing, punctuation and position: ``Nama Usaha``, ``NAMA USAHA``,
``nama_usaha`` and ``Nama  Usaha*`` are one key, ``namausaha``. Each field has one Indonesian header (written in
templates) and the Indonesian and English spellings found in office lists. Where two columns of a sheet mean
the same field, the one whose header comes first in the list below wins; the other is ignored (and reported).

Workers: a sheet may give the workers split by gender (``Tenaga Kerja L`` / ``P``, or ``Jumlah Tenaga Kerja``
over a second header row ``L | P``), or one total (``Jumlah Tenaga Kerja``). The total is a *virtual* field
(``workers_total``) that the importer turns into ``workers_male`` / ``workers_female``: see
:mod:`ikmtui.io.importer`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ikmtui.i18n import N_

KINDS = ("ikm", "clusters", "credit_applications", "gallery_listings", "yearly_figures")
KIND_LABELS = {
    "ikm": N_("IKM"),
    "clusters": N_("Clusters"),
    "credit_applications": N_("Credit applications"),
    "gallery_listings": N_("Gallery listings"),
    "yearly_figures": N_("Yearly figures of IKM"),
}
#: Sheet name of the template of each kind.
SHEET_NAMES = {
    "ikm": "IKM",
    "clusters": "Klaster",
    "credit_applications": "Pengajuan Kredit",
    "gallery_listings": "Produk Galeri",
    "yearly_figures": "Data Tahunan",
}


def normalize(header: object) -> str:
    """``" Nama  Usaha* "`` -> ``namausaha``: case, spaces and punctuation do not matter."""
    text = unicodedata.normalize("NFKC", str(header or "")).casefold()
    return "".join(ch for ch in text if ch.isalnum())


def _without_brackets(header: object) -> str:
    return re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", str(header or ""))


@dataclass(frozen=True)
class Col:
    """One field a sheet may hold: ``header`` is written in templates, ``aliases`` are also recognised."""

    field: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    hint: str = ""  # English msgid: how to fill it in (template guide)

    def keys(self) -> list[str]:
        return [normalize(h) for h in (self.header, *self.aliases)]


# ------------------------------------------------------------------------------------------------ fields
_KECAMATAN = Col(
    "kecamatan",
    "Kecamatan",
    ("Kec", "Kec.", "Nama Kecamatan", "District", "Sub-district", "Subdistrict"),
    True,
    N_("A kecamatan of the city, in any case"),
)
_IKM_REF = Col(
    "ikm_ref",
    "NIB",
    (
        "NIB/Kode IKM",
        "Kode IKM",
        "NIB Pemohon",
        "NIB IKM",
        "IKM",
        "Nomor Induk Berusaha",
        "IKM code",
        "Applicant",
        "Business",
    ),
    True,
    N_("The NIB (13 digits) or the code (IKM-000123) of an IKM already registered"),
)
_STATUS = Col("status", "Status", ("Status Usaha", "Keaktifan"), False, N_("aktif or tidak aktif (blank: aktif)"))

IKM_COLUMNS = (
    Col(
        "name",
        "Nama Usaha",
        (
            "Nama Perusahaan",
            "Nama IKM",
            "Nama UMKM",
            "Nama Unit Usaha",
            "Nama Industri",
            "Nama Badan Usaha",
            "Business name",
            "Company name",
            "Company",
        ),
        True,
    ),
    Col(
        "owner_name",
        "Nama Pemilik",
        ("Pemilik", "Nama Pengusaha", "Nama Penanggung Jawab", "Penanggung Jawab", "Owner name", "Owner"),
        True,
    ),
    Col(
        "owner_nik",
        "NIK",
        (
            "NIK Pemilik",
            "No NIK",
            "Nomor NIK",
            "No KTP",
            "Nomor KTP",
            "NIK KTP",
            "Nomor Induk Kependudukan",
            "KTP",
            "Owner NIK",
            "ID number",
        ),
        False,
        N_("16 digits; format the column as Text in Excel, which keeps only 15 digits of a number"),
    ),
    Col(
        "nib",
        "NIB",
        ("Nomor Induk Berusaha", "No NIB", "Nomor NIB", "NIB OSS", "Business ID"),
        False,
        N_("13 digits, from OSS"),
    ),
    Col("npwp", "NPWP", ("No NPWP", "Nomor NPWP", "Tax ID", "Tax number")),
    Col(
        "address",
        "Alamat",
        (
            "Alamat Usaha",
            "Alamat Lengkap",
            "Alamat Perusahaan",
            "Alamat Tempat Usaha",
            "Alamat Produksi",
            "Address",
            "Business address",
        ),
        True,
    ),
    Col(
        "kelurahan",
        "Kelurahan",
        ("Kel", "Kel.", "Kelurahan/Desa", "Desa/Kelurahan", "Nama Kelurahan", "Desa", "Village"),
        True,
        N_("A kelurahan of the kecamatan"),
    ),
    _KECAMATAN,
    Col(
        "phone",
        "No. HP",
        (
            "No HP",
            "Nomor HP",
            "HP",
            "Handphone",
            "No Handphone",
            "Telepon/No HP",
            "Telepon/HP",
            "No Telp/HP",
            "Telepon",
            "Telp",
            "No Telp",
            "No Telepon",
            "Nomor Telepon",
            "No WA",
            "Nomor WA",
            "WhatsApp",
            "No WhatsApp",
            "Kontak",
            "No Kontak",
            "Phone",
            "Phone number",
            "Mobile",
            "Telephone",
        ),
        False,
        N_("08... or +62 8..."),
    ),
    Col("email", "Email", ("E-mail", "Surel", "Alamat Email", "Alamat E-mail", "Email address")),
    Col(
        "kbli",
        "KBLI",
        ("Kode KBLI", "No KBLI", "KBLI 2020", "KBLI code"),
        True,
        N_("5 digits, manufacturing (10 to 33), e.g. 10710"),
    ),
    Col(
        "product",
        "Produk",
        (
            "Produk Utama",
            "Jenis Produk",
            "Nama Produk",
            "Hasil Produksi",
            "Komoditas",
            "Komoditi",
            "Jenis Usaha",
            "Bidang Usaha",
            "Product",
            "Products",
            "Main product",
        ),
        True,
    ),
    Col(
        "scale",
        "Skala Usaha",
        ("Skala", "Skala IKM", "Kategori Usaha", "Klasifikasi Usaha", "Scale", "Business scale"),
        False,
        N_("mikro, kecil or menengah; blank: suggested from investment and turnover (PP 7/2021)"),
    ),
    Col(
        "workers_male",
        "Tenaga Kerja Laki-laki",
        (
            "Tenaga Kerja L",
            "TK L",
            "TK Laki-laki",
            "Tenaga Kerja Pria",
            "Pekerja Laki-laki",
            "Karyawan Laki-laki",
            "Laki-laki",
            "L",
            "Pria",
            "Male workers",
            "Workers male",
            "Male",
        ),
    ),
    Col(
        "workers_female",
        "Tenaga Kerja Perempuan",
        (
            "Tenaga Kerja P",
            "TK P",
            "TK Perempuan",
            "Tenaga Kerja Wanita",
            "Pekerja Perempuan",
            "Karyawan Perempuan",
            "Perempuan",
            "P",
            "Wanita",
            "Female workers",
            "Workers female",
            "Female",
        ),
    ),
    Col(
        "workers_total",
        "Jumlah Tenaga Kerja",
        (
            "Tenaga Kerja",
            "Jumlah TK",
            "TK",
            "Jumlah Pekerja",
            "Pekerja",
            "Jumlah Karyawan",
            "Karyawan",
            "Penyerapan Tenaga Kerja",
            "Total Tenaga Kerja",
            "Workers",
            "Number of workers",
            "Employees",
        ),
        False,
        N_("Used only when there are no columns for men and women: split evenly between them"),
    ),
    Col(
        "investment",
        "Nilai Investasi",
        (
            "Investasi",
            "Nilai Investasi (Rp)",
            "Modal",
            "Modal Usaha",
            "Nilai Modal",
            "Nilai Aset",
            "Aset",
            "Investment",
            "Investment value",
            "Capital",
        ),
        False,
        N_("Rupiah, without land and buildings: 150000000, 150.000.000 or Rp 150.000.000"),
    ),
    Col(
        "turnover",
        "Omzet per Tahun",
        (
            "Omzet",
            "Omset",
            "Omzet Tahunan",
            "Omset Tahunan",
            "Omset per Tahun",
            "Omzet/Tahun",
            "Omset/Tahun",
            "Penjualan per Tahun",
            "Nilai Penjualan",
            "Turnover",
            "Annual turnover",
            "Annual sales",
            "Sales",
        ),
        False,
        N_("Rupiah a year"),
    ),
    Col(
        "turnover_monthly",
        "Omzet per Bulan",
        (
            "Omset per Bulan",
            "Omzet Bulanan",
            "Omset Bulanan",
            "Omzet/Bulan",
            "Omset/Bulan",
            "Monthly turnover",
            "Monthly sales",
        ),
        False,
        N_("Used only when there is no yearly turnover: multiplied by 12"),
    ),
    Col(
        "year_founded",
        "Tahun Berdiri",
        (
            "Tahun Mulai Usaha",
            "Tahun Mulai",
            "Tahun Pendirian",
            "Tahun Usaha",
            "Berdiri Sejak",
            "Tahun Berdiri Usaha",
            "Year founded",
            "Founded",
            "Since",
        ),
    ),
    Col(
        "clusters",
        "Klaster",
        ("Klaster/Sentra", "Sentra", "Nama Klaster", "Nama Sentra", "Kluster", "Cluster", "Clusters"),
        False,
        N_("Names or codes of registered clusters, separated by ;"),
    ),
    Col(
        "certifications",
        "Sertifikasi",
        ("Sertifikat", "Sertifikat yang Dimiliki", "Certifications", "Certificates"),
        False,
        N_("Halal, SNI, P-IRT, HKI, BPOM, ISO 9001; separated by ,"),
    ),
    _STATUS,
)

CLUSTER_COLUMNS = (
    Col(
        "name",
        "Nama Klaster",
        ("Nama Sentra", "Nama Klaster/Sentra", "Klaster", "Sentra", "Nama", "Cluster", "Cluster name", "Name"),
        True,
    ),
    Col(
        "sector", "Sektor", ("Bidang", "Bidang Usaha", "Jenis Industri", "Sektor Industri", "Komoditas", "Sector"), True
    ),
    _KECAMATAN,
    Col(
        "decree_number",
        "Nomor SK",
        ("No SK", "Nomor Keputusan", "SK", "SK Walikota", "Dasar Hukum", "Decree number", "Decree", "Legal basis"),
        True,
    ),
    Col(
        "decree_date",
        "Tanggal SK",
        ("Tgl SK", "Tanggal Keputusan", "Decree date"),
        True,
        N_("A date: 27/11/2026 or 2026-11-27"),
    ),
    Col("coordinator", "Koordinator", ("Ketua", "Ketua Klaster", "Ketua Sentra", "Pengurus", "Coordinator")),
    _STATUS,
)

CREDIT_COLUMNS = (
    _IKM_REF,
    Col(
        "product",
        "Produk Kredit",
        ("Produk", "Jenis Kredit", "Skema Kredit", "Program", "Credit product", "Product"),
        False,
        N_("Kredit Wibawa or KUR Mikro (blank: Kredit Wibawa)"),
    ),
    Col(
        "amount_requested",
        "Jumlah Pengajuan",
        (
            "Nilai Pengajuan",
            "Plafon",
            "Plafon Pengajuan",
            "Jumlah Pinjaman",
            "Nilai Pinjaman",
            "Pinjaman",
            "Jumlah Kredit",
            "Nilai Kredit",
            "Amount requested",
            "Amount",
        ),
        True,
        N_("Rupiah"),
    ),
    Col(
        "tenor_months",
        "Tenor (bulan)",
        ("Tenor", "Jangka Waktu", "Jangka Waktu (bulan)", "Lama Pinjaman", "Term", "Tenor months"),
        True,
        N_("Months"),
    ),
    Col(
        "purpose",
        "Tujuan Penggunaan",
        ("Tujuan", "Penggunaan", "Penggunaan Dana", "Keperluan", "Tujuan Kredit", "Purpose"),
        True,
    ),
    Col("collateral", "Agunan", ("Jaminan", "Collateral"), False, N_("Blank: without collateral")),
    Col(
        "documents",
        "Dokumen",
        ("Kelengkapan Dokumen", "Dokumen Lengkap", "Berkas", "Documents"),
        False,
        N_("KTP, KK, NIB/IUMK (or lengkap)"),
    ),
    Col("bank", "Bank Penyalur", ("Bank", "Bank Pelaksana", "Channelling bank")),
    Col(
        "applied_on",
        "Tanggal Pengajuan",
        ("Tgl Pengajuan", "Tanggal", "Application date", "Date"),
        False,
        N_("A date: 27/11/2026 or 2026-11-27 (blank: today)"),
    ),
)

GALLERY_COLUMNS = (
    _IKM_REF,
    Col("product_name", "Nama Produk", ("Produk", "Nama Barang", "Barang", "Product name", "Product"), True),
    Col("sku", "SKU", ("Kode Produk", "Kode Barang", "Kode SKU"), True, N_("e.g. SKG-BAT-00012")),
    Col(
        "category",
        "Kategori",
        ("Kategori Produk", "Jenis Produk", "Category"),
        True,
        N_("batik, fashion, makanan, kerajinan, mebel, aksesoris or suvenir"),
    ),
    Col("price", "Harga", ("Harga Jual", "Harga Satuan", "Harga (Rp)", "Price"), True, N_("Rupiah")),
    Col("stock", "Stok", ("Jumlah Stok", "Jumlah Titipan", "Jumlah Barang", "Qty", "Jumlah", "Stock"), True),
    Col(
        "consigned_on",
        "Tanggal Titip",
        ("Tanggal Konsinyasi", "Tgl Titip", "Tanggal Masuk", "Tanggal", "Consigned on", "Consignment date", "Date"),
        True,
        N_("A date: 27/11/2026 or 2026-11-27"),
    ),
    Col(
        "term_days",
        "Masa Titip (hari)",
        ("Masa Titip", "Jangka Waktu (hari)", "Jangka Waktu", "Term days", "Term"),
        False,
        N_("Days (blank: 90)"),
    ),
    Col(
        "commission_pct",
        "Komisi (%)",
        ("Komisi", "Komisi Galeri", "Persen Komisi", "Commission"),
        False,
        N_("Percent (blank: 10)"),
    ),
    Col("status", "Status", ("Status Produk",), False, N_("dipajang, habis, dikembalikan or kedaluwarsa")),
    Col(
        "badges",
        "Label Sertifikasi",
        ("Sertifikasi", "Sertifikat", "Label", "Badges"),
        False,
        N_("Halal, SNI, P-IRT, HKI; separated by ,"),
    ),
    Col(
        "photos",
        "Foto",
        ("File Foto", "Photo", "Photos"),
        False,
        N_("Photo files separated by ; (relative to the spreadsheet's folder)"),
    ),
    Col(
        "marketplace_links",
        "Tautan Marketplace",
        ("Link Marketplace", "Marketplace", "Link", "Tautan", "Links"),
        False,
        N_("e.g. Shopee https://shopee.co.id/...; Tokopedia https://..."),
    ),
    # One column per marketplace holding its link is also understood.
    *(
        Col(f"link:{name}", name, ())
        for name in ("Tokopedia", "Shopee", "Bukalapak", "Lazada", "Blibli", "TikTok Shop")
    ),
)

#: An IKM's figures for a year (pemutakhiran data): workers, turnover and investment read as the registry's columns.
FIGURE_COLUMNS = (
    _IKM_REF,
    Col(
        "year",
        "Tahun",
        ("Tahun Data", "Tahun Pendataan", "Tahun Pemutakhiran", "Tahun Laporan", "Year", "Data year"),
        True,
        N_("The year the figures are for, e.g. 2026"),
    ),
    *(
        c
        for c in IKM_COLUMNS
        if c.field in ("workers_male", "workers_female", "workers_total", "turnover", "turnover_monthly", "investment")
    ),
    Col("production_value", "Nilai Produksi", ("Nilai Produksi per Tahun", "Nilai Output", "Production value")),
    Col("note", "Keterangan", ("Catatan", "Ket", "Note", "Notes")),
)

COLUMNS: dict[str, tuple[Col, ...]] = {
    "ikm": IKM_COLUMNS,
    "clusters": CLUSTER_COLUMNS,
    "credit_applications": CREDIT_COLUMNS,
    "gallery_listings": GALLERY_COLUMNS,
    "yearly_figures": FIGURE_COLUMNS,
}
#: Fields a template leaves out (understood when present, but not what a new sheet should use).
NOT_IN_TEMPLATE = {"workers_total", "turnover_monthly"} | {c.field for c in GALLERY_COLUMNS if ":" in c.field}

# Second header rows under a merged "Jumlah Tenaga Kerja": gender (or total) per column.
_MALE = ("l", "lk", "lakilaki", "laki", "pria", "male", "m")
_FEMALE = ("p", "pr", "perempuan", "wanita", "female", "f", "w")
_TOTAL = ("jumlah", "total", "jml")
SUBHEADERS = frozenset(_MALE + _FEMALE + _TOTAL)


def _index(kind: str) -> dict[str, tuple[str, int]]:
    """normalized header -> (field, priority); a lower priority number wins."""
    found: dict[str, tuple[str, int]] = {}
    for col in COLUMNS[kind]:
        for rank, key in enumerate(col.keys()):
            if key and key not in found:
                found[key] = (col.field, rank)
    return found


_INDEXES = {kind: _index(kind) for kind in KINDS}


def match(kind: str, header: object) -> tuple[str, int] | None:
    """The field a header means for ``kind`` and its priority (lower wins), or ``None``."""
    index = _INDEXES[kind]
    for key in (normalize(header), normalize(_without_brackets(header))):
        if not key:
            continue
        hit = index.get(key) or index.get(key.removesuffix("rp"))
        if hit:
            return hit
        # "Jumlah Tenaga Kerja L", "Tenaga Kerja (P)", "TK Jumlah": workers by gender
        if kind in ("ikm", "yearly_figures"):
            for suffixes, field in ((_MALE, "workers_male"), (_FEMALE, "workers_female"), (_TOTAL, "workers_total")):
                for suffix in suffixes:
                    if key.endswith(suffix) and index.get(key[: -len(suffix)], ("",))[0] == "workers_total":
                        return field, 50
    return None


def columns_of(kind: str) -> tuple[Col, ...]:
    return COLUMNS[kind]


def column(kind: str, field: str) -> Col | None:
    return next((c for c in COLUMNS[kind] if c.field == field), None)


def required_fields(kind: str) -> list[str]:
    return [c.field for c in COLUMNS[kind] if c.required]


def template_columns(kind: str) -> list[Col]:
    return [c for c in COLUMNS[kind] if c.field not in NOT_IN_TEMPLATE]


# ------------------------------------------------------------------------------------------------ values
#: How offices write choice values -> the stored value (keys normalized like headers).
VALUE_SYNONYMS: dict[str, dict[str, str]] = {
    "status": {
        "aktif": "active",
        "active": "active",
        "ya": "active",
        "tidakaktif": "inactive",
        "nonaktif": "inactive",
        "inactive": "inactive",
        "tutup": "inactive",
        "nonactive": "inactive",
    },
    "scale": {
        "mikro": "mikro",
        "usahamikro": "mikro",
        "industrimikro": "mikro",
        "micro": "mikro",
        "kecil": "kecil",
        "usahakecil": "kecil",
        "industrikecil": "kecil",
        "small": "kecil",
        "menengah": "menengah",
        "usahamenengah": "menengah",
        "industrimenengah": "menengah",
        "medium": "menengah",
    },
    "listing_status": {
        "dipajang": "displayed",
        "tampil": "displayed",
        "dipamerkan": "displayed",
        "displayed": "displayed",
        "display": "displayed",
        "habis": "sold_out",
        "terjualhabis": "sold_out",
        "soldout": "sold_out",
        "dikembalikan": "returned",
        "kembali": "returned",
        "retur": "returned",
        "returned": "returned",
        "kedaluwarsa": "expired",
        "kadaluarsa": "expired",
        "kadaluwarsa": "expired",
        "berakhir": "expired",
        "expired": "expired",
    },
    "category": {
        "batik": "batik",
        "fashion": "fashion",
        "fesyen": "fashion",
        "busana": "fashion",
        "pakaian": "fashion",
        "konveksi": "fashion",
        "food": "food",
        "makanan": "food",
        "kuliner": "food",
        "pangan": "food",
        "makananminuman": "food",
        "mamin": "food",
        "olahanpangan": "food",
        "handicraft": "handicraft",
        "kerajinan": "handicraft",
        "kriya": "handicraft",
        "kerajinantangan": "handicraft",
        "furniture": "furniture",
        "mebel": "furniture",
        "meubel": "furniture",
        "furnitur": "furniture",
        "accessories": "accessories",
        "aksesoris": "accessories",
        "aksesori": "accessories",
        "asesoris": "accessories",
        "souvenir": "souvenir",
        "suvenir": "souvenir",
        "cenderamata": "souvenir",
        "cinderamata": "souvenir",
        "oleholeh": "souvenir",
    },
    "certification": {
        "halal": "Halal",
        "halalmui": "Halal",
        "sertifikathalal": "Halal",
        "sni": "SNI",
        "pirt": "P-IRT",
        "spppirt": "P-IRT",
        "hki": "HKI",
        "haki": "HKI",
        "merek": "HKI",
        "bpom": "BPOM",
        "mdbpom": "BPOM",
        "iso9001": "ISO 9001",
        "iso": "ISO 9001",
    },
    "document": {
        "ktp": "KTP",
        "kk": "KK",
        "kartukeluarga": "KK",
        "nib": "NIB/IUMK",
        "iumk": "NIB/IUMK",
        "nibiumk": "NIB/IUMK",
    },
}
#: A document checklist written as one word.
ALL_DOCUMENTS_WORDS = frozenset({"lengkap", "semua", "complete", "all"})


def synonym(group: str, value: object) -> object:
    """The stored spelling of ``value`` in ``group`` if it is a known way of writing one; else ``value``."""
    return VALUE_SYNONYMS[group].get(normalize(value), value)
