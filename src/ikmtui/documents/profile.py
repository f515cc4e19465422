"""The IKM profile sheet: the profile report (business, workers, training, credit, gallery) on the letterhead.
The owner's NIK stays masked unless the caller passes it in clear (``services.personal.reveal``: a supervisor
asked, and it is audited)."""

from __future__ import annotations

from datetime import date

from ikmtui.documents.pdf import Office
from ikmtui.documents.report import report_pdf
from ikmtui.i18n import _
from ikmtui.reports.common import Tables
from ikmtui.reports.document import TableBlock
from ikmtui.reports.period import parse_period
from ikmtui.reports.profile import profile


def profile_pdf(tables: Tables, code: str, office: Office, today: date, *, nik: str | None = None) -> bytes:
    """The profile of IKM ``code`` over all its records up to ``today``; ``nik``: the clear NIK to print."""
    report = profile(tables, code, parse_period("all", today), today)
    doc = report.document
    if nik is not None:
        masked = _("NIK (masked)")
        for section in doc.sections:
            for block in section.blocks:
                if isinstance(block, TableBlock):
                    block.rows = [[_("NIK"), nik] if row and row[0] == masked else row for row in block.rows]
    return report_pdf(doc, office, today, signatory="profile")
