"""A realistic Kota Semarang dataset of any size, the same for the same seed.

Documents are built as plain dicts (valid for the record models, which a test checks on a sample) and written
in one snapshot, so that 100,000 IKM with every other table in proportion take seconds, not minutes.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ikmtui import i18n, paths
from ikmtui.domain import reference
from ikmtui.domain.gallery import legacy_movements
from ikmtui.domain.money import format_number
from ikmtui.domain.schedule import schedule
from ikmtui.domain.training import attendance_rate, certificate_counter_key, certificate_number, meets_threshold
from ikmtui.storage.database import Database, create_database
from ikmtui.storage.schema import META_ID, TABLES

#: Demo data are dated relative to this day, not to today, so a seed always gives the same file.
AS_OF = date(2026, 11, 1)
#: The most IKM a demo holds: twice the largest office the app is measured at. The whole database is built in
#: memory, so an unbounded count (``--businesses 100000000``) would only fill the memory and the disk.
MAX_BUSINESSES = 200_000
USERS = ("sri.wahyuni", "budi.santoso", "dewi.lestari", "agus.prasetyo", "rina.kurnia", "admin")

SECTORS: dict[str, dict[str, Any]] = {
    "batik": {
        "kbli": ["13134"],
        "names": ["Batik"],
        "products": ["batik tulis motif Semarangan", "batik cap warna alam", "kain batik Asem Arang"],
        "gallery": "batik",
    },
    "food processing": {
        "kbli": ["10213", "10219", "10710", "10794", "10750", "10799"],
        "names": ["Bandeng Presto", "Lumpia", "Wingko", "Roti", "Keripik", "Moci", "Tahu Bakso"],
        "products": [
            "bandeng presto duri lunak",
            "lumpia rebung",
            "wingko babat",
            "roti ganjel rel",
            "keripik tempe",
            "moci kacang",
            "tahu bakso",
        ],
        "gallery": "food",
    },
    "furniture": {
        "kbli": ["31001", "31002", "16293"],
        "names": ["Mebel", "Ukir", "Furnitur"],
        "products": ["kursi jati", "meja rotan", "lemari ukir", "rak bambu"],
        "gallery": "furniture",
    },
    "handicraft": {
        "kbli": ["16299", "32120", "23939", "32909"],
        "names": ["Kerajinan", "Craft", "Anyaman"],
        "products": ["tas enceng gondok", "gerabah hias", "aksesoris manik", "miniatur Lawang Sewu"],
        "gallery": "handicraft",
    },
    "fashion": {
        "kbli": ["14111", "14120", "15121", "15201"],
        "names": ["Konveksi", "Butik", "Sepatu", "Tas"],
        "products": ["kemeja batik", "gamis", "sepatu kulit", "tas kulit", "seragam sekolah"],
        "gallery": "fashion",
    },
}
CLUSTERS = [
    ("Sentra Batik Semarangan", "batik", "Semarang Timur"),
    ("Sentra Bandeng Presto Krobokan", "food processing", "Semarang Barat"),
    ("Sentra Lumpia Semarang", "food processing", "Semarang Tengah"),
    ("Sentra Mebel Tugu", "furniture", "Tugu"),
    ("Sentra Kerajinan Enceng Gondok", "handicraft", "Genuk"),
    ("Sentra Tahu Jomblang", "food processing", "Candisari"),
    ("Sentra Konveksi Ngaliyan", "fashion", "Ngaliyan"),
    ("Sentra Wingko Babat", "food processing", "Semarang Utara"),
]
COURSES = [
    ("Desain Motif Batik Semarangan", "desain", "A", "DSN-BTK", 3),
    ("Desain Kemasan Produk Pangan", "kemasan", "M", "KMS", 3),
    ("Pendampingan Sertifikasi Halal", "sertifikasi", "R", "SRT-HLL", 2),
    ("Keamanan Pangan dan P-IRT", "sertifikasi", "R", "PIRT", 2),
    ("Penerapan SNI Produk", "standardisasi", "R", "SNI", 3),
    ("Pendaftaran Merek dan HKI", "standardisasi", "S", "HKI", 1),
    ("Manajemen Keuangan Usaha Kecil", "manajemen usaha", "T", "MNJ-KEU", 4),
    ("Kewirausahaan dan Rencana Bisnis", "manajemen usaha", "S", "KWU", 3),
    ("Pemasaran Digital di Marketplace", "pemasaran digital", "M", "DIG-MKT", 3),
    ("Fotografi Produk untuk Toko Daring", "pemasaran digital", "M", "FOTO", 2),
    ("Desain Furnitur Kontemporer", "desain", "A", "DSN-FRN", 4),
    ("Label, Barcode dan Kemasan Ramah Lingkungan", "kemasan", "A", "LBL", 2),
]
VENUES = (
    "Aula Dinas Perindustrian",
    "Semarang Kreatif Galeri",
    "Balai Kota Semarang",
    "Gedung PKK Kota Semarang",
    "Hotel Pandanaran",
)
TRAINERS = (
    "Dr. Hartono",
    "Ir. Siti Aminah",
    "Bambang Wijaya, S.T.",
    "Lina Marlina, M.M.",
    "Yusuf Hidayat",
    "Retno Palupi, S.Sn.",
)
FIRST = (
    "Sri",
    "Budi",
    "Siti",
    "Agus",
    "Dewi",
    "Joko",
    "Endang",
    "Slamet",
    "Rina",
    "Bambang",
    "Wahyu",
    "Lestari",
    "Tri",
    "Eko",
    "Yuli",
    "Hadi",
    "Nur",
    "Sutrisno",
    "Ratna",
    "Puji",
    "Ani",
    "Heru",
    "Suharti",
    "Teguh",
)
LAST = (
    "Wahyuni",
    "Santoso",
    "Rahayu",
    "Prasetyo",
    "Lestari",
    "Susanto",
    "Handayani",
    "Kurniawan",
    "Setiawan",
    "Purnomo",
    "Astuti",
    "Hidayat",
    "Saputra",
    "Wulandari",
    "Nugroho",
    "Utami",
)
WORDS = (
    "Sari",
    "Jaya",
    "Makmur",
    "Sentosa",
    "Lestari",
    "Mandiri",
    "Barokah",
    "Berkah",
    "Abadi",
    "Rejeki",
    "Indah",
    "Semarangan",
    "Kenari",
    "Melati",
    "Srikandi",
    "Cahaya",
    "Sejahtera",
    "Mulia",
    "Kencana",
)
STREETS = (
    "Jl. Pandanaran",
    "Jl. Pemuda",
    "Jl. Gajahmada",
    "Jl. Majapahit",
    "Jl. Setiabudi",
    "Jl. Kaligawe",
    "Jl. Siliwangi",
    "Jl. Ngesrep Timur",
    "Jl. Fatmawati",
    "Jl. Soekarno-Hatta",
    "Jl. Wolter Monginsidi",
)
ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def _stamp(day: date, user: str) -> dict[str, Any]:
    ts = f"{day.isoformat()}T09:00:00+07:00"
    return {"version": 1, "created_at": ts, "created_by": user, "updated_at": ts, "updated_by": user}


def _nik(rng: random.Random, kec_index: int, female: bool, serial: int) -> str:
    born = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 40 * 365))
    day = born.day + (40 if female else 0)
    return f"3374{kec_index:02d}{day:02d}{born.month:02d}{born.year % 100:02d}{serial % 9999 + 1:04d}"


class _Builder:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.tables: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in TABLES}
        self.codes: Counter[str] = Counter()

    def add(
        self, table: str, doc: dict[str, Any], day: date, prefix: str, per_year: bool = False, user: str | None = None
    ) -> int:
        record_id = len(self.tables[table]) + 1
        key = f"{prefix}-{day.year}" if per_year else prefix
        self.codes[key] += 1
        code = f"{key}-{self.codes[key]:04d}" if per_year else f"{key}-{self.codes[key]:06d}"
        self.tables[table][str(record_id)] = {**doc, "code": code, **_stamp(day, user or self.rng.choice(USERS[:5]))}
        return record_id

    def day_between(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randrange(0, max(1, (end - start).days)))


def build(businesses: int = 300, seed: int = 1) -> dict[str, dict[str, dict[str, Any]]]:
    """All tables of a demo database with ``businesses`` IKM and the other tables in proportion."""
    if not 1 <= businesses <= MAX_BUSINESSES:
        raise ValueError(i18n._("A demo database holds 1 to {limit} IKM", limit=format_number(MAX_BUSINESSES)))
    b = _Builder(seed)
    rng = b.rng
    regions = reference.regions()
    kecamatan = regions.kecamatan

    for username, name, role in [
        ("admin", "Administrator Sistem", "administrator"),
        ("sri.wahyuni", "Sri Wahyuni", "supervisor"),
        ("budi.santoso", "Budi Santoso", "operator"),
        ("dewi.lestari", "Dewi Lestari", "operator"),
        ("agus.prasetyo", "Agus Prasetyo", "supervisor"),
        ("rina.kurnia", "Rina Kurnia", "viewer"),
    ]:
        b.add(
            "staff",
            {"username": username, "name": name, "role": role, "active": True, "password_hash": ""},
            date(2024, 1, 2),
            "PGW",
            user="admin",
        )

    cluster_ids: dict[str, list[int]] = {}
    for i, (name, sector, district) in enumerate(CLUSTERS, 1):
        decided = date(2018 + i % 5, 1 + (i * 3) % 12, 10 + i)
        cid = b.add(
            "clusters",
            {
                "name": name,
                "sector": sector,
                "kecamatan": district,
                "decree_number": f"SK Walikota Semarang No. 530/{100 + i * 17}/{decided.year}",
                "decree_date": decided.isoformat(),
                "coordinator": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                "status": "active",
            },
            decided,
            "KLS",
        )
        cluster_ids.setdefault(sector, []).append(cid)

    ikm_sector: list[str] = []
    for i in range(1, businesses + 1):
        sector = rng.choices(list(SECTORS), weights=(3, 6, 2, 2, 3))[0]
        spec = SECTORS[sector]
        kec_index = rng.randrange(len(kecamatan))
        kec = kecamatan[kec_index]
        female = rng.random() < 0.55
        owner = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        scale_roll = rng.random()
        investment = (rng.randrange(5, 900) if scale_roll < 0.9 else rng.randrange(1_000, 4_900)) * 1_000_000
        turnover = investment * rng.randrange(1, 3) // 2 + rng.randrange(10, 500) * 1_000_000
        scale = "mikro" if investment <= 1_000_000_000 and turnover <= 2_000_000_000 else "kecil"
        clusters = [c for c in cluster_ids.get(sector, []) if rng.random() < 0.35]
        founded = rng.randrange(1985, 2026)
        created = b.day_between(date(2019, 1, 1), AS_OF)
        b.add(
            "ikm",
            {
                "name": f"{rng.choice(spec['names'])} {rng.choice(WORDS)} {owner.split()[0]}",
                "owner_name": owner,
                "owner_nik": _nik(rng, kec_index + 1, female, i),
                "nib": f"91{(i * 7_919_111 + 12_345) % 10**11:011d}",
                "npwp": None,
                "address": f"{rng.choice(STREETS)} No. {rng.randrange(1, 250)}, RT {rng.randrange(1, 12):02d}"
                f"/RW {rng.randrange(1, 9):02d}",
                "kecamatan": kec.name,
                "kelurahan": rng.choice(kec.kelurahan),
                "phone": f"08{rng.choice((12, 13, 21, 22, 52, 56, 57, 77, 78, 81, 95))}{rng.randrange(10**7, 10**8)}",
                "email": None,
                "kbli": rng.choice(spec["kbli"]),
                "product": rng.choice(spec["products"]),
                "scale": scale,
                "workers_male": rng.randrange(0, 8),
                "workers_female": rng.randrange(1, 10),
                "investment": investment,
                "turnover": turnover,
                "year_founded": founded,
                "cluster_ids": clusters,
                "certifications": sorted({c for c in ("Halal", "P-IRT", "SNI", "HKI") if rng.random() < 0.2}),
                "status": "active" if rng.random() < 0.96 else "inactive",
            },
            created,
            "IKM",
        )
        ikm_sector.append(sector)

    ikm_ids = list(range(1, businesses + 1))
    _training(b, ikm_ids, max(6, businesses // 50))
    _credit(b, ikm_ids, max(12, businesses // 10))
    _gallery(b, ikm_ids, ikm_sector, max(6, businesses // 5))
    _results(b, ikm_ids, max(10, businesses // 6))
    _gallery_movements(b)
    _collections(b)

    b.tables["audit"]["1"] = {
        "ts": f"{AS_OF.isoformat()}T08:00:00+07:00",
        "user": "admin",
        "action": "import",
        "table": "ikm",
        "record_id": None,
        "code": "",
        "fields": [],
        "detail": f"demo data, seed {seed}",
    }
    b.tables["meta"][META_ID] = {
        "counters": dict(b.codes),
        "last_ids": {t: len(docs) for t, docs in b.tables.items() if t not in ("meta",)},
    }
    return b.tables


def _training(b: _Builder, ikm_ids: list[int], batches: int) -> None:
    rng = b.rng
    for name, category, pillar, cert_code, session_days in COURSES:
        b.add(
            "courses",
            {
                "name": name,
                "category": category,
                "pillar": pillar,
                "description": f"Pelatihan {name.lower()} bagi pelaku IKM Kota Semarang.",
                "session_days": session_days,
                "threshold_pct": 75.0,
                "cert_code": cert_code,
            },
            date(2024, 1, 15),
            "PLT",
        )
    completed: list[tuple[date, int, int, str]] = []  # (issued, batch, enrollment, cert code)
    for n in range(batches):
        course_id = n % len(COURSES) + 1
        course = b.tables["courses"][str(course_id)]
        start = b.day_between(date(2025, 1, 6), AS_OF + timedelta(days=60))
        end = start + timedelta(days=course["session_days"] - 1)
        status = "finished" if end < AS_OF else "running" if start <= AS_OF else rng.choice(("planned", "open"))
        capacity = rng.choice((15, 20, 25, 30))
        batch_id = b.add(
            "batches",
            {
                "course_id": course_id,
                "start_date": start.isoformat(),
                "end_date": end.isoformat(),
                "venue": rng.choice(VENUES),
                "trainer": rng.choice(TRAINERS),
                "capacity": capacity,
                "status": status,
                "days": [],
                "finished_on": end.isoformat() if status == "finished" else None,
            },
            start - timedelta(days=30),
            "ANG",
            per_year=True,
        )
        days = [(start + timedelta(days=d)).isoformat() for d in range(course["session_days"])]
        marker = random.Random(batch_id)  # attendance so far of running batches, without disturbing ``rng``
        takers = rng.sample(ikm_ids, min(len(ikm_ids), capacity + rng.randrange(0, 4)))
        for seat, ikm_id in enumerate(takers):
            requested = start - timedelta(days=30 - seat // 6)  # first come, first served: in seat order
            doc: dict[str, Any] = {
                "batch_id": batch_id,
                "ikm_id": ikm_id,
                "participant": b.tables["ikm"][str(ikm_id)]["owner_name"],
                "requested_at": f"{requested.isoformat()}T{9 + seat % 6:02d}:00:00+07:00",
                "attendance": {},
                "attendance_pct": None,
                "certificate_no": None,
            }
            if seat >= capacity:
                doc["state"] = "waitlisted" if status != "finished" else "no_seat"
            elif status == "finished":
                marks = {d: rng.choices("hia", weights=(85, 8, 7))[0] for d in days}
                done = meets_threshold(marks, days, course["threshold_pct"])
                doc.update(
                    attendance=marks,
                    attendance_pct=attendance_rate(marks, days),
                    state="completed" if done else "not_completed",
                )
            else:
                doc["state"] = "booked"
                if status == "running":
                    marks = {d: marker.choices("hia", weights=(85, 8, 7))[0] for d in days if d < AS_OF.isoformat()}
                    doc.update(attendance=marks, attendance_pct=attendance_rate(marks, days))
            enrollment_id = b.add("enrollments", doc, requested, "PST")
            if doc["state"] == "completed":
                completed.append((end, batch_id, enrollment_id, course["cert_code"]))
    # Certificates are numbered per year in the order they were issued (the last day of each batch).
    # Each number also has its record, as the training service keeps them (verification, revocation).
    for issued, batch_id, enrollment_id, cert_code in sorted(completed):
        key = certificate_counter_key(issued.year)
        b.codes[key] += 1
        enrollment = b.tables["enrollments"][str(enrollment_id)]
        enrollment["certificate_no"] = number = certificate_number(b.codes[key], cert_code, issued)
        b.tables["certificates"][str(len(b.tables["certificates"]) + 1)] = {
            "number": number,
            "enrollment_id": enrollment_id,
            "batch_id": batch_id,
            "ikm_id": enrollment["ikm_id"],
            "participant": enrollment["participant"],
            "issued_on": issued.isoformat(),
            "revoked_at": None,
            "revoked_reason": "",
            **_stamp(issued, "sri.wahyuni"),
        }


def _credit(b: _Builder, ikm_ids: list[int], count: int) -> None:
    rng = b.rng
    states = (
        "draft",
        "submitted",
        "verified",
        "approved",
        "rejected",
        "withdrawn",
        "disbursed",
        "disbursed",
        "disbursed",
        "disbursed",
        "closed",
        "written_off",
    )
    borrowers = rng.sample(ikm_ids, min(count, len(ikm_ids)))
    for n, ikm_id in enumerate(borrowers):
        state = states[n % len(states)]
        with_collateral = rng.random() < 0.4
        amount = rng.randrange(5, 51 if with_collateral else 6) * 1_000_000
        tenor = rng.choice((12, 18, 24, 36))
        applied = b.day_between(date(2024, 1, 1), AS_OF - timedelta(days=20))
        maker, checker = rng.sample(USERS[:5], 2)
        path = {
            "draft": ["draft"],
            "submitted": ["draft", "submitted"],
            "verified": ["draft", "submitted", "verified"],
            "approved": ["draft", "submitted", "verified", "approved"],
            "rejected": ["draft", "submitted", "verified", "rejected"],
            "withdrawn": ["draft", "submitted", "withdrawn"],
            "disbursed": ["draft", "submitted", "verified", "approved", "disbursed"],
            "closed": ["draft", "submitted", "verified", "approved", "disbursed", "closed"],
            "written_off": ["draft", "submitted", "verified", "approved", "disbursed", "written_off"],
        }[state]
        history = [
            {
                "state": s,
                "date": (applied + timedelta(days=4 * i)).isoformat(),
                "by": maker if s in ("draft", "submitted") else checker,
                "note": "",
            }
            for i, s in enumerate(path)
        ]
        disbursed_on = applied + timedelta(days=16) if "disbursed" in path else None
        if disbursed_on and state == "disbursed":  # most active loans started within their tenor
            disbursed_on = b.day_between(max(applied, AS_OF - timedelta(days=30 * tenor)), AS_OF - timedelta(days=5))
            history[-1]["date"] = disbursed_on.isoformat()
        rows = schedule(amount, tenor, 3.0, "flat", start=disbursed_on) if disbursed_on else []
        app_id = b.add(
            "credit_applications",
            {
                "ikm_id": ikm_id,
                "product": "WIBAWA",
                "amount_requested": amount,
                "amount_approved": amount if "approved" in path else None,
                "tenor_months": tenor,
                "annual_rate": 3.0,
                "interest_method": "flat",
                "purpose": rng.choice(
                    (
                        "modal kerja",
                        "pembelian mesin jahit",
                        "bahan baku",
                        "renovasi tempat produksi",
                        "peralatan dapur produksi",
                    )
                ),
                "collateral": "BPKB sepeda motor" if with_collateral else "",
                "documents": ["KTP", "KK", "NIB/IUMK"],
                "bank": "PD BPR Bank Pasar Kota Semarang",
                "state": state,
                "history": history,
                "submitted_by": maker,
                "disbursed_on": disbursed_on.isoformat() if disbursed_on else None,
                "schedule": [r.as_dict() for r in rows],
            },
            applied,
            "KRD",
            per_year=True,
            user=maker,
        )
        if not rows:
            continue
        # Repayments as the bank reports them; some borrowers fall behind.
        late_from = len(rows) + 1 if state == "closed" or rng.random() < 0.8 else rng.randrange(1, len(rows))
        for row in rows:
            if row.due > AS_OF or row.no >= late_from:
                break
            paid_on = row.due + timedelta(days=rng.randrange(-3, 6))
            b.add(
                "repayments",
                {
                    "application_id": app_id,
                    "date": paid_on.isoformat(),
                    "amount": row.total,
                    "principal": row.principal,
                    "interest": row.interest,
                    "note": "",
                },
                paid_on,
                "ANS",
            )
        if state == "closed":
            for row in rows:
                if row.due > AS_OF:
                    b.add(
                        "repayments",
                        {
                            "application_id": app_id,
                            "date": AS_OF.isoformat(),
                            "amount": row.total,
                            "principal": row.principal,
                            "interest": row.interest,
                            "note": "pelunasan",
                        },
                        AS_OF,
                        "ANS",
                    )


def _gallery(b: _Builder, ikm_ids: list[int], sectors: list[str], count: int) -> None:
    rng = b.rng
    for n in range(count):
        ikm_id = rng.choice(ikm_ids)
        sector = sectors[ikm_id - 1]
        ikm = b.tables["ikm"][str(ikm_id)]
        consigned = b.day_between(date(2025, 6, 1), AS_OF)
        price = rng.randrange(15, 1_500) * 1_000
        stock = rng.randrange(5, 60)
        sold = 0
        listing_id = len(b.tables["gallery_listings"]) + 1
        term = rng.choice((90, 180))
        ends = min(consigned + timedelta(days=term), AS_OF)  # sold only while on consignment
        for _ in range(rng.randrange(0, 4)):
            qty = rng.randrange(1, 4)
            if sold + qty > stock:
                break
            sold_on = b.day_between(consigned, ends)
            b.add(
                "sales",
                {
                    "listing_id": listing_id,
                    "ikm_id": ikm_id,
                    "date": sold_on.isoformat(),
                    "quantity": qty,
                    "unit_price": price,
                    "commission_pct": 10.0,
                    "note": "",
                },
                sold_on,
                "JUL",
            )
            sold += qty
        status = (
            "sold_out" if sold >= stock else ("expired" if consigned + timedelta(days=term) < AS_OF else "displayed")
        )
        slug = ikm["product"].lower().replace(" ", "-")
        b.add(
            "gallery_listings",
            {
                "ikm_id": ikm_id,
                "product_name": ikm["product"].capitalize(),
                "sku": f"SKG-{SECTORS[sector]['gallery'][:3].upper()}-{n + 1:05d}",
                "category": SECTORS[sector]["gallery"],
                "price": price,
                "stock": stock - sold,
                "photos": [],
                "consigned_on": consigned.isoformat(),
                "term_days": term,
                "commission_pct": 10.0,
                "status": status,
                "marketplace_links": [{"marketplace": "Shopee", "url": f"https://shopee.co.id/{slug}-{n + 1}"}]
                if rng.random() < 0.5
                else [],
                "badges": [c for c in ikm["certifications"] if c in ("Halal", "SNI", "P-IRT")],
                "sold": sold,
                "returned": 0,
            },
            consigned,
            "GAL",
        )


def _gallery_movements(b: _Builder) -> None:
    """The stock movements of the demo's listings: each consignment received, each sale sold (no randomness
    drawn, so the rest of the demo is the same as without them)."""
    sales: dict[int, list[dict[str, Any]]] = {}
    for key, sale in b.tables["sales"].items():
        sales.setdefault(sale["listing_id"], []).append({**sale, "id": int(key)})
    for key, listing in b.tables["gallery_listings"].items():
        for movement in legacy_movements(listing, sales.get(int(key), [])):
            b.add(
                "stock_movements",
                {"listing_id": int(key), "ikm_id": listing["ikm_id"], "sale_id": None, "reason": "", **movement},
                date.fromisoformat(movement["date"]),
                "MUT",
                user=listing["created_by"],
            )


def _collections(b: _Builder) -> None:
    """What the office did about the loans late on :data:`AS_OF`: a call a few days after the installment was
    missed (the borrower promised to pay within a week) and, for those more than 20 days late, the first warning
    letter; and the signatories of the certificates and the consignment statements. No randomness drawn, so the
    rest of the demo is the same as without them."""
    from ikmtui.domain.arrears import portfolio_loans

    apps = [{**doc, "id": int(key)} for key, doc in b.tables["credit_applications"].items()]
    late = [loan for loan in portfolio_loans(apps, b.tables["repayments"].values(), AS_OF) if loan.days_past_due]
    letters: Counter[int] = Counter()  # numbered per year, as services.collections does
    for loan in sorted(late, key=lambda loan: loan.code):
        due = loan.oldest_unpaid_due or AS_OF
        called = min(due + timedelta(days=3), AS_OF)
        officer = str(b.tables["credit_applications"][str(loan.application_id)].get("submitted_by") or "dewi.lestari")
        contact = {"application_id": loan.application_id, "ikm_id": loan.ikm_id, "officer": officer, "note": ""}
        b.add(
            "loan_contacts",
            {
                **contact,
                "kind": "call",
                "date": called.isoformat(),
                "outcome": "berjanji membayar minggu depan",
                "promise_date": (called + timedelta(days=7)).isoformat(),
            },
            called,
            "KNT",
            user=officer,
        )
        if loan.days_past_due > 20:
            sent = min(due + timedelta(days=21), AS_OF)
            letters[sent.year] += 1
            b.add(
                "loan_contacts",
                {
                    **contact,
                    "kind": "letter",
                    "date": sent.isoformat(),
                    "level": 1,
                    "number": f"{letters[sent.year]:03d}/SP1/DISPERIN/{ROMAN_MONTHS[sent.month - 1]}/{sent.year}",
                    "outcome": "surat peringatan SP1 diterbitkan",
                    "promise_date": None,
                    "days_past_due": (sent - due).days,
                    "overdue": loan.overdue,
                },
                sent,
                "KNT",
                user=officer,
            )
    for key, value in (
        ("signatory.certificates.name", "Ir. Bambang Suryanto, M.M."),
        ("signatory.certificates.nip", "196805121994031007"),
        ("signatory.consignment.name", "Dewi Lestari"),
    ):
        b.add("settings", {"key": key, "value": value}, date(2024, 1, 2), "SET", user="admin")


def _results(b: _Builder, ikm_ids: list[int], count: int) -> None:
    """Facilitations, yearly figures for 2025 and 2026, and the office's targets and budget for both years.

    Granted certifications go to IKM that hold that certification already (the registry's certifications came
    partly through the office's help), so the IKM records stay as they were generated."""
    from ikmtui.domain.results import kinds
    from ikmtui.reports.kinerja import realisations

    rng = b.rng
    ikm = b.tables["ikm"]
    catalogue = list(kinds().values())
    weights = [{"nib": 3, "halal": 6, "hki": 4, "pirt": 5, "marketplace": 4}.get(k.code, 1) for k in catalogue]
    for n in range(count):
        kind = rng.choices(catalogue, weights=weights)[0]
        ikm_id = rng.choice(ikm_ids)
        doc = ikm[str(ikm_id)]
        requested = b.day_between(max(date(2025, 1, 2), date.fromisoformat(doc["created_at"][:10])), AS_OF)
        state = rng.choices(("requested", "in_process", "granted", "refused", "withdrawn"), (2, 3, 8, 1, 1))[0]
        if kind.certification and state == "granted" and kind.certification not in doc["certifications"]:
            state = "in_process"
        by = rng.choice(USERS[:5])
        history = [{"state": "requested", "date": requested.isoformat(), "by": by, "note": ""}]
        started = decided = None
        if state != "requested":
            started = min(requested + timedelta(days=rng.randrange(1, 20)), AS_OF)
            if state == "withdrawn" and rng.random() < 0.5:
                started = None
            else:
                history.append({"state": "in_process", "date": started.isoformat(), "by": by, "note": ""})
        if state in ("granted", "refused", "withdrawn"):
            decided = min((started or requested) + timedelta(days=rng.randrange(7, 90)), AS_OF)
            history.append({"state": state, "date": decided.isoformat(), "by": by, "note": ""})
        permit = ""
        if state == "granted" and kind.permit:
            permit = doc["nib"] if kind.fills_nib else f"{kind.code.upper()}-{requested.year}-{n + 1:05d}"
        b.add(
            "facilitations",
            {
                "ikm_id": ikm_id,
                "kind": kind.code,
                "pillar": kind.pillar,
                "state": state,
                "requested_on": requested.isoformat(),
                "started_on": started.isoformat() if started else None,
                "decided_on": decided.isoformat() if decided else None,
                "officer": by,
                "permit_number": permit,
                "note": "",
                "history": history,
            },
            requested,
            "FAS",
            per_year=True,
        )
    # Yearly figures (pemutakhiran data): most IKM report both years; 2026's updated in October.
    for ikm_id in ikm_ids:
        doc = ikm[str(ikm_id)]
        if rng.random() < 0.2:
            continue
        men, women = int(doc["workers_male"]), int(doc["workers_female"])
        turnover, investment = int(doc["turnover"]), int(doc["investment"])
        for year in (2025, 2026):
            if int(doc["created_at"][:4]) > year:
                continue
            if year == 2025:
                m, w = max(0, men - rng.randrange(0, 2)), max(0, women - rng.randrange(0, 2))
                sales = turnover * rng.randrange(80, 100) // 100
            else:
                m, w, sales = men, women, turnover
            b.add(
                "yearly_figures",
                {
                    "ikm_id": ikm_id,
                    "year": year,
                    "workers_male": m,
                    "workers_female": w,
                    "turnover": sales,
                    "production_value": sales * rng.randrange(60, 85) // 100,
                    "investment": investment,
                    "note": "",
                },
                min(date(year, 10, 15), AS_OF),
                "DTA",
            )
    # The office's plan: a target near what was done, and the budget of the activity behind it.
    activities = {
        "credit_disbursed": "Fasilitasi pembiayaan Kredit Wibawa",
        "ikm_financed": "Pendampingan pengajuan kredit",
        "gallery_products": "Pengelolaan Semarang Kreatif Galeri",
        "new_ikm": "Pendataan dan pembinaan IKM baru",
        "workers_absorbed": "Pemutakhiran data IKM",
        "ikm_trained": "Pelatihan teknis dan manajemen IKM",
        "facilitated.halal": "Fasilitasi sertifikasi halal",
        "facilitated.hki": "Fasilitasi pendaftaran merek",
        "facilitated.pirt": "Fasilitasi P-IRT",
        "facilitated.nib": "Pendampingan NIB melalui OSS",
        "facilitated.marketplace": "Semarang Digital Kreatif (marketplace)",
    }
    for year in (2025, 2026):
        done = realisations(b.tables, year)
        for indicator, activity in activities.items():
            target = max(1, done.get(indicator, 0) * rng.randrange(85, 125) // 100)
            budget = rng.randrange(50, 400) * 1_000_000
            spent = budget if year == 2025 else budget * rng.randrange(55, 95) // 100
            b.add(
                "targets",
                {
                    "year": year,
                    "indicator": indicator,
                    "activity": activity,
                    "target": target,
                    "budget": budget,
                    "spent": spent,
                },
                date(year, 1, 15),
                "TGT",
                user="sri.wahyuni",
            )


def write_demo(
    path: Path, businesses: int = 300, seed: int = 1, *, force: bool = False, as_of: date | None = None
) -> Path:
    """Generate and write a demo database; refuses to overwrite an existing file unless ``force``.

    With ``as_of`` its dates are moved so that its last day is that day (:func:`live`): the same seed and day
    give the same records. Without it the demo is dated as generated (around :data:`AS_OF`)."""
    tables = build(businesses, seed)
    return create_database(path, live(tables, as_of) if as_of else tables, user="demo", force=force)


# ---------------------------------------------------------------------------------------------- a live office
#: A stored date, alone or at the start of a moment: ``2026-11-04`` or ``2026-11-04T09:00:00+07:00``.
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?=$|T)")


#: Tables whose records carry a year as a whole number (``year``).
YEAR_TABLES = ("targets", "yearly_figures")


def last_day(tables: dict[str, dict[str, dict[str, Any]]]) -> date:
    """The demo's last day: when its last record was entered or changed (planned batches may lie beyond it)."""
    stamps = (
        str(doc.get(key) or "")[:10]
        for name, docs in tables.items()
        if name != "meta"
        for doc in docs.values()
        for key in ("created_at", "updated_at")
    )
    return date.fromisoformat(max((s for s in stamps if _DATE.match(s)), default=AS_OF.isoformat()))


def _shifted(value: Any, days: timedelta) -> Any:
    if isinstance(value, str):
        found = _DATE.match(value)
        return value if found is None else (date.fromisoformat(found.group()) + days).isoformat() + value[10:]
    if isinstance(value, dict):
        return {key: _shifted(item, days) for key, item in value.items()}
    if isinstance(value, list):
        return [_shifted(item, days) for item in value]
    return value


def live(tables: dict[str, dict[str, dict[str, Any]]], today: date) -> dict[str, dict[str, dict[str, Any]]]:
    """The demo with every stored date (records, schedules, histories) moved by the same number of days, so
    that its last day is ``today``: loans as late, listings as fresh, registrations as recent as when it was
    made. Codes keep the year they were issued in (they are numbers, not dates)."""
    last = last_day(tables)
    days = timedelta(days=(today - last).days)
    moved = {name: (docs if name == "meta" else _shifted(docs, days)) for name, docs in tables.items()}
    # The whole-number year of a target or a year's figures moves with the dates: this year's targets stay this
    # year's, whenever the demo is opened.
    years = today.year - last.year
    for name in YEAR_TABLES:
        for doc in moved.get(name, {}).values():
            if isinstance(doc.get("year"), int):
                doc["year"] += years
    return moved


def write_live_demo(path: Path, today: date) -> Path:
    """The bundled demo (``ikmtui --demo``) as a new database at ``path``, its last day moved to ``today``."""
    tables = Database.read_snapshot(paths.DEMO_DB)
    return create_database(path, live(tables, today), user="demo", force=True)
