"""Empty sheets with the expected headers of a kind, and a guide."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ikmtui.domain import reference
from ikmtui.i18n import _
from ikmtui.io import columns as cols
from ikmtui.io import guard
from ikmtui.io.columns import KINDS


def write_template(kind: str, out: str | Path, db_path: str | Path | None = None, *, force: bool = False) -> Path:
    """An empty sheet with the expected (Indonesian) headers of ``kind``, and a guide sheet; ``.csv`` or xlsx.

    Written through the file guard, as :func:`write_problems`.
    """
    if kind not in KINDS:
        raise ValueError(_("Unknown kind {kind}; choose one of: {kinds}", kind=kind, kinds=", ".join(KINDS)))
    target = guard.writable_target(out, db_path, force=force)
    columns = cols.template_columns(kind)
    if target.suffix.lower() == ".csv":
        text = io.StringIO()
        csv.writer(text, delimiter=";").writerow([c.header for c in columns])
        return guard.write_private(target, text.getvalue().encode("utf-8-sig"), db_path, force=force)
    import openpyxl
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = cols.SHEET_NAMES[kind]
    sheet.append([c.header for c in columns])
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    for index, col in enumerate(columns, 1):
        cell = sheet.cell(row=1, column=index)
        cell.font = bold
        if col.required:
            cell.fill = required_fill
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(col.header) + 4)
        if col.field in ("owner_nik", "nib", "npwp", "phone", "kbli", "ikm_ref", "sku"):
            # Text cells keep the leading 0 of a phone number and all 16 digits of a NIK.
            sheet.column_dimensions[get_column_letter(index)].number_format = "@"
        choices = _template_choices(kind, col.field)
        if choices and len(",".join(choices)) < 250:
            check = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
            check.add(f"{get_column_letter(index)}2:{get_column_letter(index)}5000")
            sheet.add_data_validation(check)
    sheet.freeze_panes = "A2"
    guide = book.create_sheet(_("Guide"))
    guide.append([_("Column"), _("Required"), _("How to fill it in")])
    for cell in guide[1]:
        cell.font = bold
    for col in columns:
        guide.append([col.header, _("yes") if col.required else "", _(col.hint) if col.hint else ""])
    guide.column_dimensions["A"].width = 26
    guide.column_dimensions["C"].width = 90
    with guard.private_output(target, db_path, force=force) as fh:
        book.save(fh)
    return target


def _template_choices(kind: str, field_name: str) -> list[str]:
    if field_name == "kecamatan":
        return reference.regions().names()
    if field_name == "scale":
        return ["mikro", "kecil", "menengah"]
    if field_name == "status" and kind in ("ikm", "clusters"):
        return ["Aktif", "Tidak Aktif"]
    return []
