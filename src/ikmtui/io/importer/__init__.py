"""Import spreadsheets (.xlsx, .xls, .ods, .csv) of IKM, clusters, credit applications or gallery listings.

Offices keep their lists in Excel; this package brings them in without retyping and without importing garbage:

1. :func:`load` reads the file (a workbook with python-calamine after bounded checks, values as openpyxl gives
   them, a value merged over rows filled down; ``.csv`` separated by commas or semicolons, in UTF-8 or
   Windows-1252), finds the header row (title rows above it are skipped; a second header row of ``L | P`` under a
   merged ``Jumlah Tenaga Kerja`` is understood) and
   maps each column to a field with :mod:`ikmtui.io.columns` and the spellings offices use in ``headers.toml``
   (``Tgl Berdiri``, ``Jml Tenaga Kerja``, ``Sentra/Klaster``, ``No. HP/WA``, ``Omset per Bulan``, ``Tgl
   Pendataan`` ...; shortened words such as Jml, Th., Tgl are also read in full). A file that is not a
   spreadsheet, an empty sheet or a sheet without a recognised header raises ``ValueError`` with one translated
   message.
2. :func:`plan` checks every row with the same record models the forms use (``Ikm.parse`` etc.) after
   tolerating what real sheets contain (numbers for NIB/NIK, ``Rp 1.500.000,-``, ``+62`` phones, kecamatan in
   any case, ``dd/mm/yyyy``, ``17 Agustus 2015``, ``5 orang``, ``Aktif``, ``Kec. Tembalang``, ...). Every problem
   is reported with the row number as in the spreadsheet, the column header, the value and the reason. A NIK held
   as a number is taken as its digits; one ending in 0 (maybe typed into Excel, which keeps 15 digits) is named
   in the report's notes.
3. :func:`import_source` writes the planned rows in ONE transaction, or nothing at all: by default the import
   is all or nothing; ``skip_invalid`` writes the valid rows only.

Keys and duplicates: an IKM is identified by its NIB (a row without NIB by its name and owner), a
cluster by its name, a gallery listing by its SKU. A row whose key is already in the database is a *duplicate* (a
problem like an invalid row) unless ``update`` is given; then the existing record is updated with the row's
non-blank cells (blank cells keep the stored value) and validated whole. Of the rows of the file that share a
key the first is kept (imported with ``skip_invalid``) and each later copy is reported, naming the first. Credit
applications have no key: a row with the same IKM, product, amount and purpose as a pending application is
reported as a probable double import. Imported applications are drafts.

Workers: columns by gender (``Tenaga Kerja L`` / ``P``, or ``L | P`` under ``Jumlah Tenaga Kerja``) are used
as they are; when the sheet also has the total, it must equal their sum. When a sheet has only the total,
the total is split evenly (men = total // 2, women = the rest) and the report says how many rows were split
so; on an update a total equal to the stored one keeps the stored split. A missing scale is suggested from
investment and turnover (``suggest_scale``, PP 7/2021) when either is given. A monthly turnover (``Omzet per
Bulan``) is multiplied by 12 when there is no yearly one. A founding date (``Tgl Berdiri``) gives the year founded
when there is no year column; a registration date (``Tgl Pendataan``, ``Tanggal Terdaftar``) is kept as
``registered_on``, so a legacy list's businesses count as registered when the office registered them.

The package, by concern: :mod:`.reading` (files into rows of cells, within bounds), :mod:`.headers` (the header
row and the column map: :func:`load`), :mod:`.values` (tidying cells), :mod:`.kinds` (rows into records, one
class per kind), :mod:`.planning` (:func:`plan`, :func:`import_source`), :mod:`.report` (the report and its
output) and :mod:`.templates`; :mod:`.reading` opens a file and reads CSV, :mod:`.workbook` checks a workbook and
hands it to python-calamine. Everything used outside is re-exported here. The bounds (``MAX_ROWS`` ...) live in
:mod:`.bounds` and are read there when used: a test that changes one patches ``importer.bounds``.
"""

from __future__ import annotations

from ikmtui.io import columns as cols
from ikmtui.io.columns import KINDS
from ikmtui.io.importer import figures  # noqa: F401  (registers the yearly figures kind)
from ikmtui.io.importer.bounds import (
    EXCEL_SUFFIXES,
    HEADER_SEARCH_ROWS,
    MAX_AREA,
    MAX_CELL_CHARS,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_IMPORT_BYTES,
    MAX_ROWS,
    MAX_SHEETS,
    MAX_ZIP_ENTRIES,
    ImportTooLarge,
    Sheet,
    column_letters,
)
from ikmtui.io.importer.headers import Source, load
from ikmtui.io.importer.kinds import HANDLERS
from ikmtui.io.importer.planning import import_file, import_source, plan
from ikmtui.io.importer.reading import read_sheets
from ikmtui.io.importer.report import (
    ImportReport,
    Planned,
    Problem,
    RowInvalid,
    kind_label,
    problem_table,
    summary,
    write_problems,
)
from ikmtui.io.importer.templates import write_template
from ikmtui.io.importer.values import PREPARE, Doc, Progress, Tables, is_blank, prepare, show_value

__all__ = [
    "EXCEL_SUFFIXES",
    "HANDLERS",
    "HEADER_SEARCH_ROWS",
    "KINDS",
    "MAX_AREA",
    "MAX_CELLS",
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_IMPORT_BYTES",
    "MAX_ROWS",
    "MAX_SHEETS",
    "MAX_ZIP_ENTRIES",
    "PREPARE",
    "Doc",
    "ImportReport",
    "ImportTooLarge",
    "Planned",
    "Problem",
    "Progress",
    "RowInvalid",
    "Sheet",
    "Source",
    "Tables",
    "cols",
    "column_letters",
    "import_file",
    "import_source",
    "is_blank",
    "kind_label",
    "load",
    "plan",
    "prepare",
    "problem_table",
    "read_sheets",
    "show_value",
    "summary",
    "write_problems",
    "write_template",
]
