"""The IKM profile sheet as a PDF, from the IKM's profile screen: the NIK masked, or in clear for a supervisor
(the reveal is refused to other roles and written to the audit log, as on screen)."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding

from ikmtui.services import documents
from ikmtui.ui.kit.documents import save_document

PROFILE_DOCUMENT_BINDINGS = [
    Binding("p", "profile_pdf(False)", "Profile sheet (PDF)", id="profile.pdf"),
    Binding("P", "profile_pdf(True)", "Profile sheet with NIK (PDF)", id="profile.pdf_nik"),
]


class ProfileDocuments:
    """Mixed into the profile screen (``BaseScreen`` with ``ikm_id``)."""

    ikm_id: int
    db: Any
    today: Any

    def action_profile_pdf(self, reveal: bool) -> None:
        code = str((self.db.get("ikm", self.ikm_id) or {}).get("code", ""))
        save_document(
            self,  # type: ignore[arg-type]
            documents.file_name("profile", code, "NIK" if reveal else ""),
            lambda: documents.make_profile(self.db, code, reveal=reveal, on=self.today()),
        )
