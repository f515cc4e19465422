"""One batch: its participants and their state; enrol, cancel, attendance, finish, the sheet."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Header, Input, Static

from ikmtui.domain.training import (
    CLOSED_STATUSES,
    SEATED_STATES,
    current_status,
    session_days,
    state_label,
    status_label,
)
from ikmtui.i18n import _
from ikmtui.reports.training import attendance_sheet, format_pct, sheet_renderable
from ikmtui.services import training as svc
from ikmtui.storage import StorageError
from ikmtui.tabular import Column
from ikmtui.ui.kit.dialogs import ConfirmScreen, ReasonScreen, ViewerScreen
from ikmtui.ui.kit.footer import AppFooter
from ikmtui.ui.kit.vtable import VirtualTable
from ikmtui.ui.training.documents import BATCH_DOCUMENT_BINDINGS, BatchDocuments
from ikmtui.ui.training.lists import TrainingTableScreen, show_day

ERRORS = (ValueError, StorageError)


class BatchScreen(TrainingTableScreen, BatchDocuments):
    """Participants of one batch: seated first, then the waiting list in order, then cancellations."""

    TITLE_MSG = "Training batch"
    TABLE = "enrollments"
    SEARCH_FIELDS = ("code", "state")
    BINDINGS = [
        Binding("a", "enrol", "Enrol IKM", id="training.enrol"),
        Binding("d", "cancel_enrollment", "Cancel enrollment", id="training.cancel_enrollment"),
        Binding("g", "attendance", "Attendance", id="training.attendance"),
        Binding("enter", "attendance", "Attendance", show=False),
        Binding("f", "finish", "Finish batch", id="training.finish"),
        Binding("p", "sheet", "Sheet", id="training.sheet"),
        Binding("e", "edit", "Edit batch", id="training.edit_this_batch"),
        Binding("x", "cancel_batch", "Cancel batch", id="training.cancel_batch"),
        Binding("o", "reopen", "Reopen batch", id="training.reopen"),
        Binding("v", "revoke", "Revoke certificate", id="training.revoke_certificate"),
        *BATCH_DOCUMENT_BINDINGS,
    ]
    #: Actions that change an open batch: not offered once it is finished or cancelled.
    OPEN_ACTIONS = frozenset({"enrol", "cancel_enrollment", "finish", "edit", "cancel_batch"})
    #: Corrections of a finished batch.
    FINISHED_ACTIONS = frozenset({"reopen", "revoke"})
    DEFAULT_CSS = """
    BatchScreen #batch-info { height: auto; padding: 0 1; background: $panel; }
    BatchScreen #batch-message { height: auto; padding: 0 1; color: $success; }
    """

    def __init__(self, batch_id: int) -> None:
        super().__init__()
        self.batch_id = batch_id

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="batch-info")
        yield Static("", id="batch-message")
        with Horizontal(id="search-row"):
            yield Input(placeholder=_("Type to filter ( / )"), id="search")
        yield VirtualTable(id="table")
        yield Static("", id="status")
        yield AppFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.OPEN_ACTIONS or action in self.FINISHED_ACTIONS:
            status = (self.db.get(svc.BATCHES, self.batch_id) or {}).get("status")
            if action in self.OPEN_ACTIONS:
                return status not in CLOSED_STATUSES
            return status == "finished"
        return super().check_action(action, parameters)

    # ------------------------------------------------------------------ data
    @property
    def batch_doc(self) -> dict[str, Any]:
        batch = self.db.get(svc.BATCHES, self.batch_id)
        if batch is None:
            raise StorageError(
                _(
                    "Record {id} no longer exists in {table}: someone may have deleted it",
                    id=self.batch_id,
                    table=_(svc.BATCHES),
                )
            )
        return batch

    def columns(self) -> list[Column]:
        def state_text(doc: Mapping[str, Any]) -> str:
            text = state_label(str(doc.get("state", "")))
            return f"{text} #{doc['_position']}" if doc.get("_position") else text

        return [
            Column("no", "No.", 3, "right", value=lambda d: d["_no"]),
            Column("participant", "Participant", 20),
            Column("ikm", "IKM", 24, value=lambda d: d["_ikm"]),
            Column("ikm_code", "IKM code", 10, value=lambda d: d["_ikm_code"]),
            Column("state", "State", 16, value=state_text),
            Column("attendance_pct", "Attendance", 9, "right", fmt=lambda v: "" if v is None else format_pct(v)),
            Column("certificate_no", "Certificate", 30),
        ]

    def records(self) -> Iterable[tuple[int, Mapping[str, Any]]]:
        for no, p in enumerate(svc.participants(self.db, self.batch_id), 1):
            yield p.id, {**p.doc, "_no": no, "_ikm": p.ikm_name, "_ikm_code": p.ikm_code, "_position": p.position}

    def data_changed(self) -> None:
        try:
            batch = self.batch_doc
        except StorageError as exc:
            self.report_error(exc)
            return
        self._show_info(batch)
        self.refresh_bindings()  # finished or reopened elsewhere: other keys apply
        super().data_changed()

    def screen_title(self) -> str:
        batch = self.db.get(svc.BATCHES, self.batch_id) or {}
        return _("Batch {code}", code=batch.get("code", ""))

    def _show_info(self, batch: Mapping[str, Any]) -> None:
        course = self.db.get(svc.COURSES, batch.get("course_id", 0)) or {}
        roster = svc.roster_of(self.db, self.batch_id)
        days = session_days(batch)
        lines = [
            f"[b]{course.get('name', '?')}[/b]  {batch.get('code', '')} · "
            f"{status_label(current_status(batch, self.today()))}",
            _(
                "{start} to {end} ({days} session days) · {venue} · trainer {trainer}",
                start=show_day(batch.get("start_date")),
                end=show_day(batch.get("end_date")),
                days=len(days),
                venue=batch.get("venue", ""),
                trainer=batch.get("trainer", ""),
            ),
            _(
                "Seats {taken}/{capacity} · waiting list {waiting} · completion at {threshold} attendance",
                taken=len(roster.seated),
                capacity=batch.get("capacity", 0),
                waiting=len(roster.waiting),
                threshold=format_pct(float(course.get("threshold_pct", 75.0))),
            ),
        ]
        self.query_one("#batch-info", Static).update("\n".join(lines))

    def _refuse_if_closed(self) -> bool:
        status = str(self.batch_doc.get("status"))
        if status in CLOSED_STATUSES:
            self.notify(
                _(
                    "{code} is {status}: it can no longer be changed",
                    code=self.batch_doc.get("code", ""),
                    status=status_label(status),
                ),
                severity="warning",
            )
            return True
        return False

    def _done(self, message: str, *, keep_id: int | None = None, timeout: float = 6) -> None:
        """After a save: say what happened (it stays under the heading until the next one) and show it."""
        self.notify(message, timeout=timeout)
        self.query_one("#batch-message", Static).update(message)
        self.context.data_saved()
        self.reload(keep_id=keep_id if keep_id is not None else self.table.current_id)

    # ------------------------------------------------------------------ actions
    def action_enrol(self) -> None:
        from ikmtui.ui.training.picker import IkmPickerScreen

        if self._refuse_if_closed():
            return
        inside = {
            int(d["ikm_id"])
            for d in self.db.find(svc.ENROLLMENTS, batch_id=self.batch_id)
            if d.get("ikm_id") is not None and d.get("state") not in ("cancelled",)
        }

        def picked(ikm_ids: list[int] | None) -> None:
            if not ikm_ids:
                return
            try:
                result = svc.enroll(self.db, self.batch_id, ikm_ids)
            except ERRORS as exc:
                self.report_error(exc)
                return
            first = (result.booked or [doc for doc, _place in result.waitlisted])[0]
            self._done(result.message(), keep_id=first["id"], timeout=10)

        title = _("Enrol IKM in {code}", code=self.batch_doc.get("code", ""))
        self.app.push_screen(IkmPickerScreen(title, already=inside), picked)

    def action_cancel_enrollment(self) -> None:
        doc = self.current_doc()
        if doc is None or self._refuse_if_closed():
            return
        if doc.get("state") == "cancelled":
            self.notify(
                _("{who} is already {state}", who=svc.participant_name(doc), state=state_label("cancelled")),
                severity="warning",
            )
            return
        question = _(
            "Cancel the enrollment of {who} ({state})?",
            who=svc.participant_name(doc),
            state=state_label(str(doc.get("state"))),
        )
        if doc.get("state") in SEATED_STATES:
            question += "\n" + _("The first on the waiting list, if any, takes the seat.")

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                result = svc.cancel_enrollment(self.db, doc["id"], expected_version=doc.get("version"))
            except ERRORS as exc:
                self.report_error(exc)
                return
            self._done(result.message(), timeout=12)

        self.app.push_screen(ConfirmScreen(question, yes=_("Cancel enrollment"), no=_("Keep")), answered)

    @on(VirtualTable.RowActivated)
    def _activated(self) -> None:
        self.action_attendance()

    def action_attendance(self) -> None:
        from ikmtui.ui.training.attendance import AttendanceScreen

        self.app.push_screen(AttendanceScreen(self.batch_id))

    def action_finish(self) -> None:
        if self._refuse_if_closed():
            return
        batch = self.batch_doc
        if current_status(batch, self.today()) != "overdue":  # refused before asking, not after
            self.report_error(
                ValueError(
                    _(
                        "{code} runs until {date}: finish it on or after its last session day",
                        code=batch.get("code", ""),
                        date=show_day(batch.get("end_date")),
                    )
                )
            )
            return
        days = session_days(batch)
        seated = svc.seated(self.db, self.batch_id)
        empty = sum(1 for p in seated for d in days if not (p.doc.get("attendance") or {}).get(d))
        waiting = len(svc.roster_of(self.db, self.batch_id).waiting)
        question = _(
            "Finish {code}? Attendance rates decide who completed; certificates are issued to them. "
            "A supervisor can reopen it to correct it.",
            code=batch.get("code", ""),
        )
        if empty:
            question += "\n" + _("{n} attendance cells are still empty and count as absent.", n=empty)
        if waiting:
            question += "\n" + _("{n} on the waiting list get no seat.", n=waiting)

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                result = svc.finish_batch(self.db, self.batch_id, expected_version=batch.get("version"))
            except ERRORS as exc:
                self.report_error(exc)
                return
            self._done(result.message(), timeout=12)
            self.action_sheet()

        self.app.push_screen(ConfirmScreen(question, yes=_("Finish batch"), no=_("Not yet")), answered)

    def action_reopen(self) -> None:
        batch = self.batch_doc

        def reason_given(reason: str | None) -> None:
            if not reason:
                return
            try:
                result = svc.reopen_batch(self.db, self.batch_id, reason, expected_version=batch.get("version"))
            except (*ERRORS, PermissionError) as exc:
                self.report_error(exc)
                return
            self._done(result.message(), timeout=12)

        question = _(
            "Reopen {code} to correct it? Its certificates are revoked; finishing it again issues new numbers.",
            code=batch.get("code", ""),
        )
        self.app.push_screen(ReasonScreen(question), reason_given)

    def action_revoke(self) -> None:
        doc = self.current_doc()
        if doc is None:
            return
        if not doc.get("certificate_no"):
            self.notify(_("{who} has no certificate to revoke", who=svc.participant_name(doc)), severity="warning")
            return

        def reason_given(reason: str | None) -> None:
            if not reason:
                return
            try:
                number = svc.revoke_certificate(self.db, doc["id"], reason)
            except (*ERRORS, PermissionError) as exc:
                self.report_error(exc)
                return
            self._done(_("Certificate {number} revoked", number=number), keep_id=doc["id"])

        question = _(
            "Revoke certificate {number} of {who}? The number is never issued again.",
            number=doc["certificate_no"],
            who=svc.participant_name(doc),
        )
        self.app.push_screen(ReasonScreen(question), reason_given)

    def action_sheet(self) -> None:
        batch = self.batch_doc
        course = self.db.get(svc.COURSES, batch.get("course_id", 0)) or {}
        sheet = attendance_sheet(
            course, batch, self.db.find(svc.ENROLLMENTS, batch_id=self.batch_id), self.db.docs("ikm")
        )
        self.app.push_screen(ViewerScreen(sheet_renderable(sheet)))

    def action_edit(self) -> None:
        from ikmtui.ui.training.forms import batch_form

        if self._refuse_if_closed():
            return

        def saved(result: Any) -> None:
            text = _("Saved {code}", code=result.batch.get("code", ""))
            if result.promoted:
                text += "; " + _(
                    "Promoted from the waiting list: {names}",
                    names=", ".join(svc.participant_name(p) for p in result.promoted),
                )
            self._done(text, timeout=10)

        self.app.push_screen(batch_form(self.db, self.batch_doc, saved))

    def action_cancel_batch(self) -> None:
        if self._refuse_if_closed():
            return
        batch = self.batch_doc

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                _doc, count = svc.cancel_batch(self.db, self.batch_id, expected_version=batch.get("version"))
            except ERRORS as exc:
                self.report_error(exc)
                return
            self._done(_("{code} cancelled; {n} enrollments cancelled", code=batch.get("code", ""), n=count))

        self.app.push_screen(
            ConfirmScreen(
                _("Call off {code}? Every booking and waiting request of it is cancelled.", code=batch.get("code", "")),
                yes=_("Cancel batch"),
                no=_("Keep"),
            ),
            answered,
        )
