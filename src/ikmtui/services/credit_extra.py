"""Credit helpers the screens need on top of :mod:`ikmtui.services.credit` (which stays the one place of the
credit rules): finding the applicant IKM from what an officer types, asking whether a lifecycle step or a
repayment would be refused before a dialog asks for its note, each installment's status on a date, and
reading a bank's repayment list from pasted text or a CSV file.

Nothing here writes to the database; every change still goes through ``ikmtui.services.credit``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ikmtui.domain import permissions
from ikmtui.domain.credit import ACTIVE_STATE, CreditApplication, check_transition, state_label
from ikmtui.domain.money import parse_rupiah
from ikmtui.i18n import _
from ikmtui.services import credit as svc
from ikmtui.storage import Database, RecordMissing

Doc = dict[str, Any]


# ---------------------------------------------------------------------------------------------- applicant IKM
@dataclass(frozen=True)
class IkmEntry:
    id: int
    code: str
    nib: str
    name: str
    key: str  # lower-case "code nib name" searched by substring

    @property
    def label(self) -> str:
        return f"{self.code} · {self.name}"


class IkmIndex:
    """The IKM registry as a flat list for finding an applicant as it is typed: by code (``IKM-000012``, or
    just ``12``), by NIB (13 digits) or by any part of the name. Built once per form (about 0.1 s at 100,000
    IKM); each look-up is one pass over plain strings."""

    def __init__(self, docs: Mapping[str, Mapping[str, Any]]) -> None:
        self.entries: list[IkmEntry] = []
        self.by_code: dict[str, IkmEntry] = {}
        self.by_nib: dict[str, IkmEntry] = {}
        self.by_id: dict[int, IkmEntry] = {}
        for key, doc in docs.items():
            code = str(doc.get("code") or "")
            nib = str(doc.get("nib") or "")
            name = str(doc.get("name") or "")
            entry = IkmEntry(int(key), code, nib, name, f"{code} {nib} {name}".casefold())
            self.entries.append(entry)
            self.by_id[entry.id] = entry
            if code:
                self.by_code[code.upper()] = entry
            if nib:
                self.by_nib[nib] = entry

    @classmethod
    def of(cls, db: Database) -> IkmIndex:
        return cls(db.docs("ikm"))

    def exact(self, text: str) -> IkmEntry | None:
        """The IKM whose code, number, NIB or whole name is ``text`` (or whose label ``code · name`` is)."""
        value = text.strip()
        if not value:
            return None
        head = value.split("·", 1)[0].strip()
        found = self.by_code.get(head.upper()) or self.by_nib.get(head.replace(" ", ""))
        if found is None and head.isdigit() and len(head) <= 9:
            found = self.by_code.get(f"IKM-{int(head):06d}")
        if found is None:
            wanted = value.casefold()
            names = [e for e in self.entries if e.name.casefold() == wanted]
            found = names[0] if len(names) == 1 else None
        return found

    def matches(self, text: str, limit: int = 5) -> tuple[list[IkmEntry], int]:
        """Up to ``limit`` IKM matching every word of ``text``, and how many match in all."""
        exact = self.exact(text)
        if exact is not None:
            return [exact], 1
        words = text.casefold().split()
        if not words:
            return [], 0
        found = [e for e in self.entries if all(w in e.key for w in words)]
        return found[:limit], len(found)

    def resolve(self, text: object) -> int:
        """The id of the one IKM ``text`` names; ``ValueError`` (translated) when none or several match."""
        if isinstance(text, int):
            if text not in self.by_id:
                raise ValueError(_("There is no IKM with id {id}", id=text))
            return text
        value = str(text or "").strip()
        if not value:
            raise ValueError(_("Type the applicant's IKM code, NIB or part of its name"))
        found, total = self.matches(value, limit=3)
        if total == 1:
            return found[0].id
        if total == 0:
            raise ValueError(_("No IKM matches '{text}'", text=value))
        raise ValueError(_("{n} IKM match '{text}' (e.g. {examples}): type more of the name, or the code",
                           n=total, text=value, examples="; ".join(e.label for e in found)))

    def label(self, ikm_id: int | None) -> str:
        entry = self.by_id.get(ikm_id) if ikm_id is not None else None
        return entry.label if entry else "?"


# ---------------------------------------------------------------------------------------------- before a dialog
def check_step(db: Database, app_id: int, to_state: str) -> None:
    """Raise what :func:`ikmtui.services.credit.transition` would refuse about ``to_state`` whatever the note,
    date and amount: the role's permission (``PermissionDenied``), the lifecycle and maker-checker
    (``ValueError``). Lets a screen refuse at once instead of after asking for a note. Rules of the step
    itself (documents, reason, limits, the date) are left to the service when the step is confirmed."""
    doc = db.get(svc.APPS, app_id)
    if doc is None:
        raise RecordMissing(svc.APPS, app_id)
    if to_state in svc.STEP_PERMISSIONS:
        permissions.require(db.docs("staff"), db.user, svc.STEP_PERMISSIONS[to_state])
    # The date rule needs the step's own date: checked by the service when the dialog is confirmed.
    check_transition(CreditApplication.parse(doc), to_state, db.user, dt.date.max)


def check_repayable(db: Database, app_id: int) -> None:
    """Raise the service's ``ValueError`` when ``app_id`` takes no repayments (not disbursed, or closed)."""
    app = svc.get_application(db, app_id)
    if app.state != ACTIVE_STATE:
        svc._check_repayable(app, dt.date.max, None)  # the service's own message


def editable_fields(doc: Mapping[str, Any]) -> tuple[str, ...]:
    """The fields :func:`ikmtui.services.credit.update_application` lets staff change in ``doc``'s state."""
    state = doc.get("state")
    if state == "draft":
        return svc.EDITABLE_FIELDS
    if state == "submitted":
        return svc.EDITABLE_WHEN_SUBMITTED
    return ()


def not_editable_message(doc: Mapping[str, Any]) -> str:
    return _("{code} is {state}: only drafts can be edited (and the documents of submitted applications)",
             code=doc.get("code", ""), state=state_label(str(doc.get("state", ""))))


# ---------------------------------------------------------------------------------------------- installments
@dataclass(frozen=True)
class InstallmentRow:
    """One installment as a screen shows it on ``as_of``."""

    no: int
    due: dt.date
    principal: int
    interest: int
    total: int
    balance: int
    paid: int
    unpaid: int
    waived: int
    #: ``preview`` (not disbursed), ``paid``, ``overdue``, ``due`` (today), ``partly paid``, ``upcoming``
    status: str
    paid_on: dt.date | None
    days_late: int


def installment_rows(db: Database, app_id: int, as_of: dt.date) -> list[InstallmentRow]:
    """The schedule of an application with what is paid of each installment on ``as_of``: the stored schedule
    of a disbursed loan (repayments up to ``as_of``), else the preview if it were disbursed on ``as_of``."""
    ledger = svc.loan_ledger(db, app_id, as_of)
    if ledger is None:
        return [InstallmentRow(r.no, r.due, r.principal, r.interest, r.total, r.balance, 0, r.total, 0, "preview",
                               None, 0) for r in svc.schedule_preview(db, app_id, start=as_of)]
    rows: list[InstallmentRow] = []
    balance = ledger.amount
    for inst in ledger.installments:
        balance -= inst.principal
        paid = inst.principal_paid + inst.interest_paid
        if inst.settled:
            status = "paid"
        elif inst.due < as_of:
            status = "overdue"
        elif inst.due == as_of:
            status = "due"
        elif paid:
            status = "partly paid"
        else:
            status = "upcoming"
        days = (as_of - inst.due).days if status == "overdue" else 0
        rows.append(InstallmentRow(inst.no, inst.due, inst.principal, inst.interest, inst.total, balance,
                                   paid, inst.unpaid, inst.interest_waived, status,
                                   inst.paid_on if inst.settled else None, days))
    return rows


# ---------------------------------------------------------------------------------------------- bulk lists
_SPLIT = re.compile(r"\s*[;\t|]\s*")


def _looks_like_header(fields: list[str]) -> bool:
    if len(fields) != 3:
        return False
    try:
        parse_rupiah(fields[2])
    except ValueError:
        return any(ch.isalpha() for ch in fields[2])
    return False


def parse_repayment_text(text: str) -> list[list[str]]:
    """A bank's list as typed or pasted: one ``code;date;amount`` per line (``;``, tab or ``|`` between the
    three; a comma only when the line has no other separator). Blank lines and lines starting with ``#`` are
    skipped, and so is a first line of column titles. Rows are returned as typed: the service checks them."""
    rows: list[list[str]] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        fields = _SPLIT.split(stripped) if _SPLIT.search(stripped) else \
            [part.strip() for part in next(csv.reader([stripped]))]
        if not rows and _looks_like_header(fields):
            continue
        rows.append(fields)
    return rows


def read_repayment_file(path: str | Path) -> list[list[str]]:
    """The rows of a CSV file (``;``, ``,`` or tab separated, UTF-8 or a spreadsheet's Windows encoding);
    ``ValueError`` (translated) when it cannot be read."""
    target = Path(str(path).strip()).expanduser()
    try:
        raw = target.read_bytes()
    except FileNotFoundError:
        raise ValueError(_("There is no file {path}", path=str(target))) from None
    except OSError as exc:
        raise ValueError(_("{path} cannot be read: {reason}", path=str(target), reason=exc.strerror or exc)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    first = next((line for line in text.splitlines() if line.strip()), "")
    if any(sep in first for sep in ";\t|"):
        return parse_repayment_text(text)
    rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text)) if any(c.strip() for c in row)]
    if rows and _looks_like_header(rows[0]):
        rows = rows[1:]
    return rows


def bulk_totals(results: Iterable[svc.BulkRowResult]) -> dict[str, int]:
    """Rows, valid rows, and the rupiah of the valid rows of a bulk result."""
    items = list(results)
    ok = [r for r in items if r.ok]
    return {"rows": len(items), "ok": len(ok), "failed": len(items) - len(ok),
            "amount": sum(r.amount or 0 for r in ok), "principal": sum(r.principal for r in ok),
            "interest": sum(r.interest for r in ok), "closed": sum(1 for r in ok if r.closed)}


# ---------------------------------------------------------------------------------------------- table figures
def days_past_due(db: Database, as_of: dt.date) -> dict[int, int]:
    """Days past due of every active loan on ``as_of``, by application id."""
    return {int(loan.application_id): loan.days_past_due
            for loan in svc.loans_in_arrears(db, as_of, min_days=0) if loan.application_id is not None}
