"""The consignment and payout statement as a PDF, from the Gallery screen: of the IKM whose listing is under the
cursor, for the month the officer names (this month offered)."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding

from ikmtui.domain.gallery import parse_month
from ikmtui.i18n import _
from ikmtui.services import documents
from ikmtui.ui.kit.dialogs import PromptScreen
from ikmtui.ui.kit.documents import save_document

GALLERY_DOCUMENT_BINDINGS = [
    Binding("P", "consignment_pdf", "Consignment statement (PDF)", id="gallery.payout_pdf"),
]


class GalleryDocuments:
    """Mixed into the Gallery screen (a ``TableScreen`` of listings)."""

    db: Any
    app: Any
    today: Any
    current_doc: Any
    report_error: Any

    def action_consignment_pdf(self) -> None:
        listing = self.current_doc()
        if listing is None:
            return
        ikm = self.db.get("ikm", int(listing.get("ikm_id") or 0)) or {}
        code = str(ikm.get("code", ""))

        def chosen(text: str | None) -> None:
            if not text or not text.strip():
                return
            try:
                year, month = parse_month(text)
            except ValueError as exc:
                self.report_error(exc)
                return
            key = f"{year:04d}-{month:02d}"
            save_document(
                self,  # type: ignore[arg-type]
                documents.file_name("consignment", code, key),
                lambda: documents.make_consignment(self.db, code, key, on=self.today()),
            )

        question = _("Consignment statement of {name}: which month? (e.g. 11/2026)", name=ikm.get("name", ""))
        self.app.push_screen(PromptScreen(question, self.today().strftime("%m/%Y")), chosen)
