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
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ikmtui.domain import permissions
from ikmtui.domain.arrears import loan_arrears
from ikmtui.domain.credit import ACTIVE_STATE, CreditApplication, check_transition, state_label, step_date
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

    @property
    def label(self) -> str:
        return f"{self.code} · {self.name}"


class IkmIndex:
    """The IKM registry as flat lists for finding an applicant as it is typed: by code (``IKM-000012``, or
    just ``12``), by NIB (13 digits) or by words of the name. Built once per form; each look-up is one pass
    over plain strings (see the figures in the credit screen's report: fast enough at 100,000 IKM)."""

    def __init__(self, docs: Mapping[str, Mapping[str, Any]]) -> None:
        values = list(docs.values())
        self.ids: list[int] = [int(key) for key in docs]
        self.codes: list[str] = [str(doc.get("code") or "") for doc in values]
        self.nibs: list[str] = [str(doc.get("nib") or "") for doc in values]
        self.names: list[str] = [str(doc.get("name") or "") for doc in values]
        self.by_code = dict(zip(map(str.upper, self.codes), range(len(values)), strict=True))
        self.by_nib = dict(zip(self.nibs, range(len(values)), strict=True))
        self.by_id = dict(zip(self.ids, range(len(values)), strict=True))
        self._keys: list[str] | None = None

    @property
    def keys(self) -> list[str]:
        """One lower-case "code nib name" per IKM, searched by substring (built on the first search)."""
        if self._keys is None:
            self._keys = [f"{c} {n} {m}".casefold() for c, n, m in zip(self.codes, self.nibs, self.names,
                                                                        strict=True)]
        return self._keys

    @classmethod
    def of(cls, db: Database) -> IkmIndex:
        return cls(db.docs("ikm"))

    def entry(self, i: int) -> IkmEntry:
        return IkmEntry(self.ids[i], self.codes[i], self.nibs[i], self.names[i])

    def exact(self, text: str) -> IkmEntry | None:
        """The IKM whose code, number or NIB is ``text`` (or whose label ``code · name`` is)."""
        value = text.strip()
        if not value:
            return None
        head = value.split("·", 1)[0].strip()
        found = self.by_code.get(head.upper()) if head else None
        if found is None and head:
            found = self.by_nib.get(head.replace(" ", ""))
        if found is None and head.isdigit() and len(head) <= 9:
            found = self.by_code.get(f"IKM-{int(head):06d}")
        return self.entry(found) if found is not None else None

    def matches(self, text: str, limit: int = 5) -> tuple[list[IkmEntry], int]:
        """Up to ``limit`` IKM matching every word of ``text``, and how many match in all."""
        exact = self.exact(text)
        if exact is not None:
            return [exact], 1
        words = text.casefold().split()
        if not words:
            return [], 0
        keys = self.keys
        if len(words) == 1:
            word = words[0]
            found = [i for i, key in enumerate(keys) if word in key]
        else:
            found = [i for i, key in enumerate(keys) if all(w in key for w in words)]
        if len(found) > 1:  # "Batik Sari" is one IKM even when "Batik Sari Ratna" exists too
            wanted = " ".join(words)
            same = [i for i in found if " ".join(self.names[i].casefold().split()) == wanted]
            if len(same) == 1:
                found = same
        return [self.entry(i) for i in found[:limit]], len(found)

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
        i = self.by_id.get(ikm_id) if ikm_id is not None else None
        return self.entry(i).label if i is not None else "?"


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
        svc.check_repayable(app, dt.date.max, None)  # the service's own message


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
Items = Iterable[tuple[str, Mapping[str, Any]]]


class DaysPastDue:
    """Days past due of every active loan on a date, for the applications table. A loan's figure comes from
    :func:`ikmtui.domain.arrears.loan_arrears` (the rule of the portfolio reports) and is kept until its
    application or one of its repayments changes, so a table reload after one repayment replays one ledger.

    It works on snapshots of the two tables (``list(db.docs(...).items())``), so it may run in a worker
    thread while the screen stays responsive."""

    def __init__(self) -> None:
        self._as_of: dt.date | None = None
        self._known: dict[int, tuple[Any, int | None]] = {}
        self._lock = threading.Lock()

    def missing(self, apps: Items, as_of: dt.date) -> int:
        """How many lent applications would need their ledger replayed (an estimate of the work)."""
        if as_of != self._as_of:
            return sum(1 for _key, doc in apps if doc.get("disbursed_on"))
        return sum(1 for key, doc in apps if doc.get("disbursed_on") and int(key) not in self._known)

    def __call__(self, apps: Items, repayments: Items, as_of: dt.date) -> dict[int, int]:
        with self._lock:
            if as_of != self._as_of:
                self._known, self._as_of = {}, as_of
            grouped: dict[int, list[tuple[str, Mapping[str, Any]]]] = {}
            for key, doc in repayments:
                grouped.setdefault(doc.get("application_id") or 0, []).append((key, doc))
            result: dict[int, int] = {}
            for key, doc in apps:
                if not doc.get("disbursed_on"):
                    continue
                state = doc.get("state")
                if state != ACTIVE_STATE and (step_date(doc, str(state)) or as_of) <= as_of:
                    continue  # closed or written off by then: not active, no ledger to replay
                app_id = int(key)
                paid = grouped.get(app_id, ())
                signature = (doc.get("version"), *[(k, r.get("version")) for k, r in paid])
                known = self._known.get(app_id)
                if known is None or known[0] != signature:
                    loan = loan_arrears({**doc, "id": app_id}, [{**r, "id": int(k)} for k, r in paid], as_of)
                    known = (signature, loan.days_past_due if loan is not None and loan.active else None)
                    self._known[app_id] = known
                if known[1] is not None:
                    result[app_id] = known[1]
            return result


def days_past_due(db: Database, as_of: dt.date) -> dict[int, int]:
    """Days past due of every active loan on ``as_of``, by application id."""
    return DaysPastDue()(list(db.docs(svc.APPS).items()), list(db.docs(svc.REPAYMENTS).items()), as_of)
