"""Export every table to an Excel workbook (one sheet per table) or to CSV files (one per table, in a folder).

Columns are fixed per table, in order, with headers in the interface language (Indonesian by default). Rupiah
are numbers with the Excel format ``"Rp" #,##0`` (Excel shows the grouping of the reader's locale: dots in
Indonesian), dates are dates and timestamps date-times; references to other records also give their code.
Personal data (the owner's NIK and NPWP) is left out unless asked for; password hashes never leave. Text that a
spreadsheet would take for a formula (``=``, ``+``, ``-``, ``@``, tab, CR first) is written as text.

Rows are streamed: openpyxl's write-only mode for Excel, the csv module for CSV; never through Rich. Files go
through :mod:`ikmtui.io.guard`: never onto the database or its parts, an existing file only with ``force``, and
created readable by their owner only (a new CSV folder enterable by its owner only), whatever the umask.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ikmtui.domain import credit, gallery, ikm, staff, training
from ikmtui.i18n import N_, _
from ikmtui.io import guard

Doc = Mapping[str, Any]
Tables = Mapping[str, Mapping[str, Doc]]

#: Tables exported by default, in this order; ``audit`` only when asked for; ``meta`` never.
TABLES = (
    "ikm",
    "clusters",
    "courses",
    "batches",
    "enrollments",
    "credit_applications",
    "repayments",
    "gallery_listings",
    "sales",
    "staff",
)
OPTIONAL_TABLES = ("audit",)
FORMATS = ("xlsx", "csv")
SHEET_TITLES = {
    "ikm": N_("IKM"),
    "clusters": N_("Clusters"),
    "courses": N_("Courses"),
    "batches": N_("Training batches"),
    "enrollments": N_("Participants"),
    "credit_applications": N_("Credit applications"),
    "repayments": N_("Repayments"),
    "gallery_listings": N_("Gallery products"),
    "sales": N_("Gallery sales"),
    "staff": N_("Staff"),
    "audit": N_("Audit log"),
}
RUPIAH_FORMAT = '"Rp" #,##0'
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
NUMBER_FORMATS = {
    "rp": RUPIAH_FORMAT,
    "date": DATE_FORMAT,
    "datetime": DATETIME_FORMAT,
    "int": "#,##0",
    "float": "0.0",
    "pct": "0.0",
}
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Field:
    """One exported column: ``key`` of the stored document (or ``value`` computed from it and the lookups),
    ``label`` an English msgid, ``kind`` one of text, int, id, year, rp, float, pct, date, datetime, list,
    bool, json; ``personal``: left out unless personal data is asked for."""

    key: str
    label: str
    kind: str = "text"
    value: Callable[[Doc, Lookups], Any] | None = None
    personal: bool = False
    width: int = 0


class Lookups:
    """Codes of referenced records (``ikm`` id -> ``IKM-000123``), built once per export."""

    def __init__(self, tables: Tables) -> None:
        self._tables = tables
        self._codes: dict[str, dict[str, str]] = {}

    def code(self, table: str, record_id: Any) -> str:
        if record_id in (None, ""):
            return ""
        codes = self._codes.get(table)
        if codes is None:
            docs = self._tables.get(table, {})
            key = "sku" if table == "gallery_listings" else "code"
            codes = self._codes[table] = {k: str(d.get(key) or d.get("code") or k) for k, d in docs.items()}
        return codes.get(str(record_id), str(record_id))


def _ref(table: str, key: str) -> Callable[[Doc, Lookups], Any]:
    return lambda doc, lookups: lookups.code(table, doc.get(key))


def _refs(table: str, key: str) -> Callable[[Doc, Lookups], Any]:
    return lambda doc, lookups: ", ".join(lookups.code(table, x) for x in doc.get(key) or [])


def _label(key: str, labels: Mapping[str, str] | None = None) -> Callable[[Doc, Lookups], Any]:
    """A state or category code as the reader says it (``disbursed`` -> ``dicairkan``, ``furniture`` ->
    ``furnitur``): through its domain's labels, or the code itself where it is its own message."""

    def value(doc: Doc, _lookups: Lookups) -> Any:
        raw = doc.get(key)
        if raw is None or raw == "":
            return raw
        return _(labels.get(raw, raw)) if labels is not None else _(str(raw))

    return value


def _history(doc: Doc, _lookups: Lookups) -> str:
    return "; ".join(
        f"{h.get('date', '')} {_(credit.STATE_LABELS.get(h.get('state', ''), h.get('state', '')))} ({h.get('by', '')})"
        + (f": {h['note']}" if h.get("note") else "")
        for h in doc.get("history") or []
    )


def _attendance(doc: Doc, _lookups: Lookups) -> str:
    return ", ".join(f"{day} {mark}" for day, mark in sorted((doc.get("attendance") or {}).items()))


def _links(doc: Doc, _lookups: Lookups) -> str:
    return ", ".join(
        f"{link.get('marketplace', '')} {link.get('url', '')}".strip() for link in doc.get("marketplace_links") or []
    )


def _gross(doc: Doc, _lookups: Lookups) -> int:
    return int(doc.get("quantity") or 0) * int(doc.get("unit_price") or 0)


HEAD = (Field("id", N_("ID"), "id", width=7), Field("code", N_("Code"), "text", width=14))
STAMPS = (
    Field("created_at", N_("Created at"), "datetime", width=17),
    Field("created_by", N_("Created by")),
    Field("updated_at", N_("Updated at"), "datetime", width=17),
    Field("updated_by", N_("Updated by")),
    Field("version", N_("Version"), "id", width=7),
)

COLUMNS: dict[str, tuple[Field, ...]] = {
    "ikm": (
        *HEAD,
        Field("name", N_("Business name"), width=30),
        Field("owner_name", N_("Owner"), width=22),
        Field("owner_nik", N_("Owner NIK"), personal=True, width=18),
        Field("nib", N_("NIB"), width=15),
        Field("npwp", N_("NPWP"), personal=True, width=20),
        Field("address", N_("Address"), width=36),
        Field("kelurahan", N_("Kelurahan"), width=16),
        Field("kecamatan", N_("Kecamatan"), width=16),
        Field("phone", N_("Phone"), width=15),
        Field("email", N_("E-mail"), width=20),
        Field("kbli", N_("KBLI"), width=7),
        Field("product", N_("Product"), width=24),
        Field("scale", N_("Scale"), width=9),
        Field("workers_male", N_("Male workers"), "int"),
        Field("workers_female", N_("Female workers"), "int"),
        Field("investment", N_("Investment (Rp)"), "rp", width=18),
        Field("turnover", N_("Annual turnover (Rp)"), "rp", width=18),
        Field("year_founded", N_("Year founded"), "year"),
        Field("cluster_ids", N_("Clusters"), value=_refs("clusters", "cluster_ids"), width=14),
        Field("certifications", N_("Certifications"), "list", width=16),
        Field("status", N_("Status"), value=_label("status", ikm.STATUS_LABELS), width=9),
        *STAMPS,
    ),
    "clusters": (
        *HEAD,
        Field("name", N_("Name"), width=30),
        Field("sector", N_("Sector"), value=_label("sector"), width=16),
        Field("kecamatan", N_("Kecamatan"), width=16),
        Field("decree_number", N_("Decree"), width=36),
        Field("decree_date", N_("Decree date"), "date"),
        Field("coordinator", N_("Coordinator"), width=20),
        Field("status", N_("Status"), value=_label("status", ikm.STATUS_LABELS), width=9),
        *STAMPS,
    ),
    "courses": (
        *HEAD,
        Field("name", N_("Name"), width=36),
        Field("category", N_("Category"), value=_label("category", training.CATEGORY_LABELS), width=16),
        Field("pillar", N_("SMART pillar"), width=6),
        Field("description", N_("Description"), width=40),
        Field("session_days", N_("Session days"), "int"),
        Field("threshold_pct", N_("Completion threshold (%)"), "pct"),
        Field("cert_code", N_("Certificate code"), width=10),
        *STAMPS,
    ),
    "batches": (
        *HEAD,
        Field("course_id", N_("Course code"), value=_ref("courses", "course_id"), width=12),
        Field("start_date", N_("Start"), "date"),
        Field("end_date", N_("End"), "date"),
        Field("venue", N_("Venue"), width=26),
        Field("trainer", N_("Trainer"), width=22),
        Field("capacity", N_("Capacity"), "int"),
        Field("status", N_("Status"), value=_label("status", training.BATCH_STATUS_LABELS), width=10),
        Field("days", N_("Session dates"), "list", width=24),
        Field("finished_on", N_("Finished on"), "date"),
        *STAMPS,
    ),
    "enrollments": (
        *HEAD,
        Field("batch_id", N_("Batch code"), value=_ref("batches", "batch_id"), width=14),
        Field("ikm_id", N_("IKM code"), value=_ref("ikm", "ikm_id"), width=12),
        Field("participant", N_("Participant"), width=22),
        Field("state", N_("State"), value=_label("state", training.ENROLLMENT_STATE_LABELS), width=13),
        Field("requested_at", N_("Requested at"), "datetime", width=17),
        Field("attendance", N_("Attendance"), value=_attendance, width=30),
        Field("attendance_pct", N_("Attendance (%)"), "pct"),
        Field("certificate_no", N_("Certificate"), width=30),
        *STAMPS,
    ),
    "credit_applications": (
        *HEAD,
        Field("ikm_id", N_("IKM code"), value=_ref("ikm", "ikm_id"), width=12),
        Field("product", N_("Product"), width=10),
        Field("amount_requested", N_("Amount requested (Rp)"), "rp", width=16),
        Field("amount_approved", N_("Amount approved (Rp)"), "rp", width=16),
        Field("tenor_months", N_("Tenor (months)"), "int"),
        Field("annual_rate", N_("Annual rate (%)"), "float"),
        Field(
            "interest_method", N_("Interest method"), value=_label("interest_method", credit.METHOD_LABELS), width=14
        ),
        Field("purpose", N_("Purpose"), width=26),
        Field("collateral", N_("Collateral"), width=20),
        Field("documents", N_("Documents"), "list", width=18),
        Field("bank", N_("Bank"), width=30),
        Field("state", N_("State"), value=_label("state", credit.STATE_LABELS), width=11),
        Field("submitted_by", N_("Submitted by"), width=14),
        Field("disbursed_on", N_("Disbursed on"), "date"),
        Field("history", N_("History"), value=_history, width=50),
        *STAMPS,
    ),
    "repayments": (
        *HEAD,
        Field("application_id", N_("Application code"), value=_ref("credit_applications", "application_id"), width=15),
        Field("date", N_("Date"), "date"),
        Field("amount", N_("Amount (Rp)"), "rp", width=15),
        Field("principal", N_("Principal (Rp)"), "rp", width=15),
        Field("interest", N_("Interest (Rp)"), "rp", width=13),
        Field("waived_interest", N_("Interest waived (Rp)"), "rp", width=13),
        Field("prepayment", N_("Prepayment"), "bool"),
        Field("source", N_("Source"), width=8),
        Field("note", N_("Note"), width=20),
        *STAMPS,
    ),
    "gallery_listings": (
        *HEAD,
        Field("ikm_id", N_("IKM code"), value=_ref("ikm", "ikm_id"), width=12),
        Field("product_name", N_("Product"), width=28),
        Field("sku", N_("SKU"), width=15),
        Field("category", N_("Category"), value=_label("category", gallery.CATEGORY_LABELS), width=12),
        Field("price", N_("Price (Rp)"), "rp"),
        Field("stock", N_("Stock"), "int"),
        Field("sold", N_("Sold"), "int"),
        Field("returned", N_("Returned"), "int"),
        Field("consigned_on", N_("Consigned on"), "date"),
        Field("term_days", N_("Term (days)"), "int"),
        Field("commission_pct", N_("Commission (%)"), "pct"),
        Field("status", N_("Status"), value=_label("status", gallery.STATUS_LABELS), width=10),
        Field("badges", N_("Badges"), "list", width=14),
        Field("marketplace_links", N_("Marketplace links"), value=_links, width=40),
        Field("photos", N_("Photos"), "list", width=20),
        *STAMPS,
    ),
    "sales": (
        *HEAD,
        Field("listing_id", N_("SKU"), value=_ref("gallery_listings", "listing_id"), width=15),
        Field("ikm_id", N_("IKM code"), value=_ref("ikm", "ikm_id"), width=12),
        Field("date", N_("Date"), "date"),
        Field("quantity", N_("Quantity"), "int"),
        Field("unit_price", N_("Unit price (Rp)"), "rp"),
        Field("gross", N_("Amount (Rp)"), "rp", value=_gross),
        Field("commission_pct", N_("Commission (%)"), "pct"),
        Field("note", N_("Note"), width=20),
        *STAMPS,
    ),
    "staff": (
        *HEAD,
        Field("username", N_("User name"), width=16),
        Field("name", N_("Name"), width=24),
        Field("role", N_("Role"), value=_label("role", staff.ROLE_LABELS), width=13),
        Field("active", N_("Active"), "bool"),
        *STAMPS,
    ),
    "audit": (
        Field("id", N_("ID"), "id"),
        Field("ts", N_("Time"), "datetime", width=17),
        Field("user", N_("User"), width=16),
        Field("action", N_("Action"), width=10),
        Field("table", N_("Table"), width=18),
        Field("record_id", N_("Record ID"), "id"),
        Field("code", N_("Code"), width=15),
        Field("fields", N_("Fields"), "list", width=40),
        Field("detail", N_("Detail"), width=30),
    ),
}


def sheet_title(table: str) -> str:
    """The sheet (or CSV file) name of a table, in the interface language, valid for Excel."""
    return _BAD_SHEET.sub(" ", _(SHEET_TITLES.get(table, table)))[:31]


def columns(table: str, *, personal: bool = False) -> list[Field]:
    return [f for f in COLUMNS[table] if personal or not f.personal]


def parse_tables(values: Iterable[str] | None) -> list[str]:
    """``--tables ikm clusters`` or ``--tables ikm,clusters``; empty means every default table."""
    wanted: list[str] = []
    for value in values or []:
        for name in re.split(r"[,\s]+", str(value).strip()):
            if not name:
                continue
            key = name.casefold()
            if key not in TABLES and key not in OPTIONAL_TABLES:
                raise ValueError(
                    _(
                        "Unknown table '{name}'; choose from: {options}",
                        name=name,
                        options=", ".join(TABLES + OPTIONAL_TABLES),
                    )
                )
            if key not in wanted:
                wanted.append(key)
    return wanted or list(TABLES)


def _date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _datetime(value: Any) -> datetime | None:
    """A stored timestamp as the local time it was written in (Excel has no time zones)."""
    if value in (None, ""):
        return None
    try:
        return datetime.fromisoformat(str(value)).replace(tzinfo=None)
    except ValueError:
        day = _date(value)
        return datetime(day.year, day.month, day.day) if day else None


def _to_int(raw: Any) -> Any:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return str(raw)


def _to_float(raw: Any) -> Any:
    try:
        return float(raw)
    except (TypeError, ValueError):
        return str(raw)


def _to_date(raw: Any) -> Any:
    day = _date(raw)
    return day if day else str(raw)


def _to_iso_date(raw: Any) -> Any:
    if isinstance(raw, str) and len(raw) >= 10 and raw[4] == "-" and raw[7] == "-":
        return raw[:10]  # stored ISO text: already what CSV wants
    day = _date(raw)
    return day.isoformat() if day else str(raw)


def _to_datetime(raw: Any) -> Any:
    moment = _datetime(raw)
    return moment if moment else str(raw)


def _to_iso_datetime(raw: Any) -> Any:
    moment = _datetime(raw)
    return moment.isoformat(sep=" ") if moment else str(raw)


def _to_list(raw: Any) -> Any:
    return ", ".join(str(x) for x in raw) if isinstance(raw, list | tuple) else str(raw)


def _to_bool(raw: Any) -> Any:
    return _("Yes") if raw else _("No")


def _to_text(raw: Any) -> Any:
    if type(raw) is str or isinstance(raw, int | float):
        return raw
    if isinstance(raw, dict | list):
        import json

        return json.dumps(raw, ensure_ascii=False)
    return str(raw)


def converter(kind: str, *, for_csv: bool = False) -> Callable[[Any], Any]:
    """How a stored value of ``kind`` becomes a cell: numbers stay numbers, dates become dates (ISO text in
    CSV), lists are joined; chosen once per column, not once per cell."""
    if kind in ("rp", "int", "id", "year"):
        return _to_int
    if kind in ("float", "pct"):
        return _to_float
    if kind == "date":
        return _to_iso_date if for_csv else _to_date
    if kind == "datetime":
        return _to_iso_datetime if for_csv else _to_datetime
    if kind == "list":
        return _to_list
    if kind == "bool":
        return _to_bool
    return _to_text


def cell_value(field: Field, doc: Doc, lookups: Lookups, *, for_csv: bool = False) -> Any:
    """The value of one cell (``None`` for an empty one)."""
    raw = field.value(doc, lookups) if field.value else doc.get(field.key)
    return None if raw is None or raw == "" else converter(field.kind, for_csv=for_csv)(raw)


def _ordered(docs: Mapping[str, Doc]) -> Iterable[tuple[int, Doc]]:
    for key in sorted(docs, key=lambda k: int(k) if k.isdigit() else 0):
        yield int(key) if key.isdigit() else 0, docs[key]


Progress = Callable[[str, int], None]


def _rows(
    table: str, docs: Mapping[str, Doc], fields: Sequence[Field], lookups: Lookups, for_csv: bool
) -> Iterable[list[Any]]:
    plan = [(f.value, f.key, converter(f.kind, for_csv=for_csv)) for f in fields]
    for record_id, doc in _ordered(docs):
        row: list[Any] = []
        for compute, key, convert in plan:
            raw = compute(doc, lookups) if compute is not None else record_id if key == "id" else doc.get(key)
            row.append(None if raw is None or raw == "" else convert(raw))
        yield row


@dataclass
class ExportResult:
    path: Path
    rows: dict[str, int]
    personal: bool


PathLike = str | os.PathLike[str]


def check_target(
    fmt: str, path: PathLike, db_path: PathLike | None, *, force: bool = False, names: Sequence[str] | None = None
) -> None:
    """Refuse an export target before anything is counted or logged: the database or one of its parts, an
    existing file without ``force`` (for CSV: a file of the folder it would replace, of the tables ``names``)."""
    if fmt != "csv":
        guard.writable_target(path, db_path, force=force)
        return
    folder = Path(path)
    if db_path is not None and guard.belongs_to_database(folder, db_path):
        raise guard.FileRefused(folder, _("this is the database or one of its files; choose another file name"))
    if folder.exists() and not folder.is_dir():
        raise guard.FileRefused(folder, _("a CSV export goes into a folder, and this is a file"))
    for table in names or TABLES:
        guard.writable_target(folder / f"{table}.csv", db_path, force=force)


def export_xlsx(
    tables: Tables,
    path: PathLike,
    names: Sequence[str] | None = None,
    *,
    personal: bool = False,
    progress: Progress | None = None,
    db_path: PathLike | None = None,
    force: bool = False,
) -> ExportResult:
    """One sheet per table with a bold, frozen header row and an auto-filter; written all or nothing, owner-only,
    never onto ``db_path`` or its parts, over an existing file only with ``force``."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    target = guard.writable_target(path, db_path, force=force)  # refused before the rows are built
    chosen = list(names or TABLES)
    lookups = Lookups(tables)
    workbook = Workbook(write_only=True)
    counts: dict[str, int] = {}
    bold, fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="1F4E8C")
    for table in chosen:
        docs = tables.get(table, {})
        fields = columns(table, personal=personal)
        sheet = workbook.create_sheet(sheet_title(table))
        for i, field in enumerate(fields, 1):
            width = field.width or max(10, min(24, len(_(field.label)) + 2))
            sheet.column_dimensions[get_column_letter(i)].width = width
        sheet.freeze_panes = "A2"
        last = get_column_letter(len(fields))
        sheet.auto_filter.ref = f"A1:{last}{len(docs) + 1}"
        header = []
        for field in fields:
            cell = WriteOnlyCell(sheet, value=_(field.label))
            cell.font, cell.fill = bold, fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            header.append(cell)
        sheet.append(header)
        # One styled cell per formatted column, reused row after row: write-only rows are written at once.
        styled: dict[int, Any] = {}
        for i, field in enumerate(fields):
            fmt = NUMBER_FORMATS.get(field.kind)
            if fmt:
                cell = WriteOnlyCell(sheet)
                cell.number_format = fmt
                styled[i] = cell
        written = 0
        safe = guard.spreadsheet_value
        for row in _rows(table, docs, fields, lookups, for_csv=False):
            for i, cell in styled.items():
                value = row[i]
                if value is not None and not isinstance(value, str):
                    cell.value = value
                    row[i] = cell
            for i, value in enumerate(row):  # a name typed as =HYPERLINK(...) stays a name
                if value.__class__ is str:
                    row[i] = safe(value, sheet)
            sheet.append(row)
            written += 1
            if progress and written % 1000 == 0:
                progress(table, 1000)
        if progress:
            progress(table, written % 1000)
        counts[table] = written
    with guard.private_output(target, db_path, force=force) as fh:
        workbook.save(fh)
    return ExportResult(target, counts, personal)


def export_csv(
    tables: Tables,
    folder: PathLike,
    names: Sequence[str] | None = None,
    *,
    personal: bool = False,
    progress: Progress | None = None,
    db_path: PathLike | None = None,
    force: bool = False,
) -> ExportResult:
    """One ``<table>.csv`` per table in ``folder`` (UTF-8 with a byte-order mark, so Excel reads it right);
    the header row is the translated column names; dates are ISO, rupiah plain integers. A new folder is made
    owner-only; a folder that exists keeps its permissions (it may be the officer's own), its files are 0600."""
    target = Path(folder)
    chosen = list(names or TABLES)
    check_target("csv", target, db_path, force=force, names=chosen)
    if not target.exists():
        guard.private_folder(target)
    lookups = Lookups(tables)
    counts: dict[str, int] = {}
    for table in chosen:
        docs = tables.get(table, {})
        fields = columns(table, personal=personal)
        written = 0
        with guard.private_output(target / f"{table}.csv", db_path, force=force) as raw:
            fh = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            safe = guard.spreadsheet_value
            writer = csv.writer(fh)
            writer.writerow([_(f.label) for f in fields])
            for row in _rows(table, docs, fields, lookups, for_csv=True):
                writer.writerow(["" if v is None else safe(v) for v in row])
                written += 1
                if progress and written % 1000 == 0:
                    progress(table, 1000)
            fh.flush()
            fh.detach()  # the guard flushes, syncs and closes the file itself
        if progress:
            progress(table, written % 1000)
        counts[table] = written
    return ExportResult(target, counts, personal)


def export(
    tables: Tables,
    fmt: str,
    path: PathLike,
    names: Sequence[str] | None = None,
    *,
    personal: bool = False,
    progress: Progress | None = None,
    db_path: PathLike | None = None,
    force: bool = False,
) -> ExportResult:
    fmt = str(fmt).casefold().lstrip(".")
    if fmt == "xlsx":
        return export_xlsx(tables, path, names, personal=personal, progress=progress, db_path=db_path, force=force)
    if fmt == "csv":
        return export_csv(tables, path, names, personal=personal, progress=progress, db_path=db_path, force=force)
    raise ValueError(
        _("Unknown export format '{format}'; choose one of: {options}", format=fmt, options=", ".join(FORMATS))
    )


def export_rows(
    titles: Sequence[str],
    rows: Iterable[Sequence[Any]],
    path: PathLike,
    *,
    sheet: str = "",
    db_path: PathLike | None = None,
    force: bool = False,
) -> int:
    """The rows a table shows, as they are shown (filtered, sorted, its chosen columns), into one ``.xlsx`` sheet or
    one ``.csv`` file picked by ``path``'s extension: numbers stay numbers, text is written as data only
    (:func:`guard.spreadsheet_value`), the file owner-only, never onto the database or its parts, over an existing
    file only with ``force``. Returns how many rows were written."""
    target = guard.writable_target(path, db_path, force=force)
    fmt = target.suffix.casefold().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(
            _("Unknown export format '{format}'; choose one of: {options}", format=fmt, options=", ".join(FORMATS))
        )
    safe = guard.spreadsheet_value
    written = 0
    if fmt == "csv":
        with guard.private_output(target, db_path, force=force) as raw:
            fh = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            writer = csv.writer(fh)
            writer.writerow([safe(title) for title in titles])
            for row in rows:
                writer.writerow(["" if v is None else safe(v) for v in row])
                written += 1
            fh.flush()
            fh.detach()  # the guard flushes, syncs and closes the file itself
        return written
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(_BAD_SHEET.sub("-", sheet)[:31] or "Sheet1")
    ws.freeze_panes = "A2"
    header = []
    for title in titles:
        cell = WriteOnlyCell(ws, value=safe(title))
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    for row in rows:
        ws.append([safe(v, ws) if v.__class__ is str else v for v in row])
        written += 1
    with guard.private_output(target, db_path, force=force) as out:
        workbook.save(out)
    return written
