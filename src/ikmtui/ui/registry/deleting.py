"""Deleting a record of the registry (an IKM, a cluster): ask first; when other records point to it, say which
and offer to mark it inactive instead. Shared by the tables and the IKM profile."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ikmtui.domain.records import RecordInvalid
from ikmtui.i18n import _
from ikmtui.services import registry
from ikmtui.storage import RecordReferenced, StorageError
from ikmtui.ui.kit.dialogs import ConfirmScreen

if TYPE_CHECKING:
    from ikmtui.ui.kit.screen import BaseScreen

#: What the UI catches from a service and shows as a message (never a traceback).
USER_ERRORS = (StorageError, RecordInvalid, ValueError, PermissionError)


def delete_or_deactivate(
    screen: BaseScreen,
    table: str,
    record_id: int,
    *,
    referrers: Callable[[Any, int], dict[str, int]],
    delete: Callable[..., Any],
    set_status: Callable[..., Any],
    on_done: Callable[[], None] | None = None,
) -> None:
    """Ask before deleting; when other records point to the record, say which and offer to mark it inactive."""
    db = screen.db
    doc = db.get(table, record_id)
    if doc is None:
        screen.notify(_("That record no longer exists"), severity="warning")
        return
    label = f"{doc.get('code', '')} {doc.get('name', '')}".strip()
    version = doc.get("version")

    def run(action: Callable[[], Any], message: str) -> None:
        try:
            action()
        except USER_ERRORS as exc:
            screen.report_error(exc)
            return
        if on_done is not None:
            on_done()  # e.g. close the profile of what was just deleted, before the screens refresh
        screen.context.data_saved()
        screen.app.notify(message, timeout=4)

    refs = referrers(db, record_id)
    if refs:
        reason = str(RecordReferenced(doc.get("code", ""), refs))
        if doc.get("status") == "inactive":
            screen.notify(reason + ". " + _("It is already inactive."), severity="warning", timeout=8)
            return
        question = (
            reason
            + ".\n\n"
            + _("Mark {label} inactive instead? It keeps its history but leaves the active lists.", label=label)
        )

        def deactivate(yes: bool | None) -> None:
            if yes:
                run(
                    lambda: set_status(db, record_id, "inactive", expected_version=version),
                    _("{label} marked inactive", label=label),
                )

        screen.app.push_screen(ConfirmScreen(question, yes=_("Mark inactive"), no=_("Keep as is")), deactivate)
        return

    def remove(yes: bool | None) -> None:
        if yes:
            run(lambda: delete(db, record_id, expected_version=version), _("Deleted {label}", label=label))

    screen.app.push_screen(
        ConfirmScreen(
            _("Delete {label}? It goes to the recycle bin, from which a supervisor can restore it.", label=label),
            yes=_("Delete"),
            no=_("Keep"),
        ),
        remove,
    )


def delete_ikm_flow(screen: BaseScreen, record_id: int, on_done: Callable[[], None] | None = None) -> None:
    delete_or_deactivate(
        screen,
        "ikm",
        record_id,
        referrers=registry.ikm_referrers,
        delete=registry.delete_ikm,
        set_status=registry.set_ikm_status,
        on_done=on_done,
    )
