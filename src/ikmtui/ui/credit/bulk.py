"""A bank's monthly repayment list, pasted or typed (``code;date;amount`` per line) or read from a CSV file,
checked row by row and recorded all at once by ``ikmtui.services.credit.record_repayments_bulk``: if any row is
refused nothing is stored, and the table shows what each row did or why it was refused."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Header, Input, Label, Select, Static, TextArea

from ikmtui.domain.credit import BANKS
from ikmtui.domain.money import format_rupiah
from ikmtui.i18n import _
from ikmtui.io.repayments import parse_repayment_text, read_repayment_file
from ikmtui.services import credit as svc
from ikmtui.services.credit import bulk_totals
from ikmtui.tabular import Column, RowSet
from ikmtui.ui.credit import common as common
from ikmtui.ui.kit.dialogs import ConfirmScreen
from ikmtui.ui.kit.footer import AppFooter
from ikmtui.ui.kit.screen import BaseScreen
from ikmtui.ui.kit.vtable import VirtualTable


def _money(value: Any) -> str:
    return format_rupiah(value) if value else ""


def result_columns() -> list[Column]:
    return [
        Column("row", "Row", 4, "right"),
        Column("code", "Loan", 14),
        Column("date", "Date", 10, value=lambda r: common.typed_day(r["date"])),
        Column("amount", "Amount", 13, "right", fmt=_money),
        Column("principal", "Principal", 13, "right", fmt=_money),
        Column("interest", "Interest", 11, "right", fmt=_money),
        Column("result", "Result", 40),
    ]


def result_docs(results: list[svc.BulkRowResult]) -> list[tuple[int, dict[str, Any]]]:
    docs = []
    for r in results:
        outcome = svc.row_outcome(r)
        docs.append(
            (
                r.row,
                {
                    "row": r.row,
                    "code": r.code,
                    "date": r.date,
                    "amount": r.amount,
                    "principal": r.principal if r.ok else None,
                    "interest": r.interest if r.ok else None,
                    "result": outcome,
                },
            )
        )
    return docs


class BulkRepaymentScreen(BaseScreen):
    TITLE_MSG = "Bulk repayments"
    BINDINGS = [
        Binding("ctrl+t", "check", "Check list", id="credit.bulk.check", priority=True),
        Binding("ctrl+s", "record", "Record list", id="credit.bulk.record", priority=True),
        Binding("escape", "close", "Close", id="credit.bulk.close"),
    ]
    DEFAULT_CSS = """
    BulkRepaymentScreen #bulk-help { padding: 0 1; color: $text-muted; height: auto; }
    BulkRepaymentScreen .bulk-row { height: 3; }
    BulkRepaymentScreen .bulk-label { width: 14; padding: 1 1 0 1; }
    BulkRepaymentScreen #bulk-path { width: 1fr; }
    BulkRepaymentScreen #bulk-bank { width: 40; }
    BulkRepaymentScreen #bulk-text { height: 8; }
    BulkRepaymentScreen #bulk-summary { padding: 0 1; height: auto; }
    BulkRepaymentScreen #bulk-results { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.results: list[svc.BulkRowResult] = []
        self.rows: list[Any] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            _(
                "One repayment per line: loan code; date; amount — e.g. KRD-2026-0001;10/02/2026;1.030.000 "
                "(tab or | also separate). Or give the path of a CSV file with those three columns. "
                "ctrl+t checks every row, ctrl+s records them: all or nothing."
            ),
            id="bulk-help",
        )
        with Horizontal(classes="bulk-row"):
            yield Label(_("CSV file"), classes="bulk-label")
            yield Input(placeholder="/home/kredit/angsuran-bpr-2026-11.csv", id="bulk-path")
            yield Select([(b, b) for b in BANKS], prompt=_("(any bank)"), id="bulk-bank")
        yield TextArea(id="bulk-text")
        yield Static("", id="bulk-summary")
        yield VirtualTable(RowSet(result_columns(), []), id="bulk-results")
        yield AppFooter()

    def on_mount(self) -> None:
        self.query_one("#bulk-text", TextArea).focus()

    # ------------------------------------------------------------------ reading the list
    def _read(self) -> list[Any] | None:
        path = self.query_one("#bulk-path", Input).value.strip()
        try:
            rows = (
                read_repayment_file(path) if path else parse_repayment_text(self.query_one("#bulk-text", TextArea).text)
            )
        except ValueError as exc:
            self._summary(str(exc), error=True)
            return None
        if not rows:
            self._summary(_("The list is empty: paste or type code;date;amount lines, or give a CSV file"), error=True)
            return None
        return rows

    def _bank(self) -> str | None:
        select = self.query_one("#bulk-bank", Select)
        return None if select.is_blank() else str(select.value)

    def _summary(self, text: str, *, error: bool = False) -> None:
        widget = self.query_one("#bulk-summary", Static)
        widget.update(text)
        widget.styles.color = "red" if error else None

    def _show(self, results: list[svc.BulkRowResult], stored: bool) -> None:
        self.results = results
        self.query_one("#bulk-results", VirtualTable).set_rows(RowSet(result_columns(), result_docs(results)))
        text = svc.bulk_summary(results, stored=stored)
        failed = not all(r.ok for r in results)
        if not failed and not stored:
            text += "; " + _("ctrl+s records them")
        self._summary(text, error=failed)

    def _run(self, rows: list[Any], *, dry_run: bool) -> list[svc.BulkRowResult] | None:
        try:
            return svc.record_repayments_bulk(self.db, rows, bank=self._bank(), dry_run=dry_run)
        except common.REFUSALS as exc:
            self._summary(str(exc), error=True)
            self.notify(str(exc), severity="error", timeout=10)
            return None

    # ------------------------------------------------------------------ actions
    def action_check(self) -> None:
        rows = self._read()
        if rows is None:
            return
        results = self._run(rows, dry_run=True)
        if results is not None:
            self._show(results, stored=False)

    def action_record(self) -> None:
        rows = self._read()
        if rows is None:
            return
        checked = self._run(rows, dry_run=True)
        if checked is None:
            return
        if not all(r.ok for r in checked):
            self._show(checked, stored=False)
            self.notify(_("Some rows are refused: nothing was recorded"), severity="error", timeout=8)
            return
        totals = bulk_totals(checked)

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            results = self._run(rows, dry_run=False)
            if results is None:
                return
            stored = all(r.ok for r in results)
            self._show(results, stored=stored)
            if stored:
                self.context.data_saved()
                self.notify(_("Recorded {rows} repayments", rows=totals["rows"]), timeout=6)
            else:
                self.notify(_("Some rows are refused: nothing was recorded"), severity="error", timeout=8)

        self.app.push_screen(
            ConfirmScreen(
                _(
                    "Record {rows} repayments totalling {amount}?",
                    rows=totals["rows"],
                    amount=format_rupiah(totals["amount"]),
                )
            ),
            answered,
        )

    def action_close(self) -> None:
        self.dismiss()
