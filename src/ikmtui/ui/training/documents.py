"""The documents of a training batch, from its screen: the attendance sheet (filled with the marks, or blank to
sign each day) and the certificates of its completers, as PDF."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding

from ikmtui.services import documents
from ikmtui.ui.kit.documents import save_document

BATCH_DOCUMENT_BINDINGS = [
    Binding("h", "attendance_pdf(False)", "Attendance record (PDF)", id="training.attendance_pdf"),
    Binding("H", "attendance_pdf(True)", "Blank attendance sheet (PDF)", id="training.blank_attendance_pdf"),
    Binding("c", "certificates_pdf", "Certificates (PDF)", id="training.certificates_pdf"),
]


class BatchDocuments:
    """Mixed into the batch screen (``BaseScreen`` with ``batch_id``)."""

    batch_id: int
    db: Any
    today: Any

    def _batch_code(self) -> str:
        return str((self.db.get("batches", self.batch_id) or {}).get("code", ""))

    def action_attendance_pdf(self, blank: bool) -> None:
        code = self._batch_code()
        save_document(
            self,  # type: ignore[arg-type]
            documents.file_name("attendance", code, "kosong" if blank else ""),
            lambda: documents.make_attendance(self.db, code, blank=blank, on=self.today()),
        )

    def action_certificates_pdf(self) -> None:
        code = self._batch_code()
        save_document(
            self,  # type: ignore[arg-type]
            documents.file_name("certificates", code),
            lambda: documents.make_certificates(self.db, code, on=self.today()),
        )
