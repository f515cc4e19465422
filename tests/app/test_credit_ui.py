"""The Credit screen driven by keys: an application through every state, the refusal branches, repayments down to
payoff, arrears on screen as of an injected date, bulk entry, the simulator, the portfolio and the palette."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.widgets import Input, Select, SelectionList, Static, TextArea

from ikmtui.domain.credit import PRODUCTS
from ikmtui.domain.staff import hash_password
from ikmtui.services import credit as svc
from ikmtui.storage import Database
from ikmtui.ui import app as app_module
from ikmtui.ui.app import make_app
from ikmtui.ui.credit import common as credit_common
from ikmtui.ui.credit.applications import CreditScreen
from ikmtui.ui.credit.bulk import BulkRepaymentScreen
from ikmtui.ui.credit.detail import CreditDetailScreen
from ikmtui.ui.credit.forms import ApplicationForm, StepForm
from ikmtui.ui.credit.portfolio import PortfolioScreen
from ikmtui.ui.credit.simulator import SimulatorScreen
from ikmtui.ui.kit.dialogs import ConfirmScreen
from ikmtui.ui.kit.form import FormScreen
from ikmtui.ui.signin.forms import SignInScreen
from tests.support.credit_office import application

CREDIT_KEY = next(key for mode, key, _title in app_module.SCREENS if mode == "credit")
DISBURSED = date(2026, 1, 10)
FIRST_DUE = date(2026, 2, 10)
APPS = "credit_applications"


# ---------------------------------------------------------------------------------------------- helpers
@pytest.fixture
def office(tmp_path: Path) -> Database:
    """A small office database: three IKM, no application yet; the maker is ani."""
    db = Database(tmp_path / "ikmtui.json", "ani")
    # accounts without passwords, as in the demo: no sign-in and no first-run setup, but named officers act with
    # their roles; both may decide, so that what refuses the maker is the maker-checker rule
    for username, role in (("ani", "supervisor"), ("budi", "supervisor")):
        db.insert(
            "staff", {"username": username, "name": username.title(), "role": role, "active": True, "password_hash": ""}
        )
    for name, nib in (
        ("Batik Sekar Arum", "1234567890123"),
        ("Bandeng Presto Juwana", "2234567890123"),
        ("Batik Semarangan", "3234567890123"),
    ):
        db.insert("ikm", {"name": name, "nib": nib}, code_prefix="IKM")
    return db


@pytest.fixture
def day(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Set the Credit screens' "today" (the app's clock, through ``IKMTUI_TODAY``)."""

    def set_day(value: date) -> None:
        monkeypatch.setenv("IKMTUI_TODAY", value.isoformat())

    set_day(DISBURSED)
    return set_day


def text_of(widget: Static, width: int = 120) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None)
    console.print(widget.content)
    return console.file.getvalue()


def messages(app: Any) -> list[tuple[str, str]]:
    return [(str(n.message), n.severity) for n in app._notifications]


def errors(app: Any) -> str:
    return "\n".join(message for message, severity in messages(app) if severity == "error")


def new_app(db: Database, ikm_id: int = 1, **overrides: Any) -> dict[str, Any]:
    return application(db, ikm_id, **overrides)


def as_user(db: Database, user: str) -> Database:
    db.user = user
    return db


def disbursed(db: Database, ikm_id: int = 1, **overrides: Any) -> dict[str, Any]:
    """Rp 12.000.000 over 12 months at 3% flat: Rp 1.030.000 a month (1.000.000 principal + 30.000 interest)."""
    maker = db.user
    app = new_app(db, ikm_id, **overrides)
    svc.submit(db, app["id"], date=DISBURSED - timedelta(days=4))
    as_user(db, "budi")
    svc.verify(db, app["id"], date=DISBURSED - timedelta(days=3))
    as_user(db, "citra")  # maker-checker: whoever verified does not approve, whoever approved does not disburse
    svc.approve(db, app["id"], date=DISBURSED - timedelta(days=2))
    as_user(db, "budi")
    loan = svc.disburse(db, app["id"], date=DISBURSED)
    as_user(db, maker)
    return loan


async def open_credit(pilot: Any, select: int | None = None) -> CreditScreen:
    await pilot.press(CREDIT_KEY)
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, CreditScreen)
    if select is not None:
        screen.reload(keep_id=select)
        await pilot.pause()
        assert screen.table.current_id == select
    return screen


async def fill(pilot: Any, **values: Any) -> None:
    """Fill the fields of the form on top (``field-<name>``) as if typed; lists are ticked, selects chosen."""
    form = pilot.app.screen
    for name, value in values.items():
        widget = form.query_one(f"#field-{name}")
        if isinstance(widget, Input):
            widget.focus()
            widget.value = str(value)
        elif isinstance(widget, Select):
            widget.value = value
        elif isinstance(widget, SelectionList):
            widget.deselect_all()
            for item in value:
                widget.select(item)
        await pilot.pause()


def field_error(app: Any, name: str) -> str:
    return str(app.screen.query_one(f"#error-{name}", Static).content)


async def step(pilot: Any, key: str, note: str = "", **values: Any) -> None:
    """Press a lifecycle key, fill the dialog, type the note and confirm with enter."""
    await pilot.press(key)
    await pilot.pause()
    assert isinstance(pilot.app.screen, StepForm), errors(pilot.app)
    await fill(pilot, **values)
    pilot.app.screen.query_one("#field-note", Input).focus()
    await pilot.press(*note, "enter")
    await pilot.pause()


def state(db: Database, app_id: int) -> str:
    return str(db.get(APPS, app_id)["state"])


# ---------------------------------------------------------------------------------------------- the whole lifecycle
async def test_application_through_every_state_with_keys(office: Database, day: Any) -> None:
    app = make_app(office, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_credit(pilot)

        # a: a new application; the amount as Indonesians write it
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ApplicationForm)
        await pilot.press(*"sekar")  # the applicant field has the focus: typed key by key
        await pilot.pause()
        assert "IKM-000001 · Batik Sekar Arum" in str(form.query_one("#ikm-match", Static).content)
        await fill(
            pilot,
            amount_requested="Rp 12.000.000",
            tenor_months="12",
            purpose="modal kerja",
            collateral="BPKB sepeda motor",
            documents=["KTP", "KK", "NIB/IUMK"],
        )
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, FormScreen), [field_error(app, n) for n in ("ikm_id", "amount_requested")]
        [doc] = office.all(APPS)
        assert (doc["state"], doc["ikm_id"], doc["amount_requested"], doc["tenor_months"]) == (
            "draft",
            1,
            12_000_000,
            12,
        )
        assert screen.table.current_id == doc["id"]
        app_id = doc["id"]

        # u: submit (the maker, ani)
        await step(pilot, "u", "berkas lengkap")
        assert state(office, app_id) == "submitted"
        assert office.get(APPS, app_id)["history"][-1] == {
            "state": "submitted",
            "date": "2026-01-10",
            "by": "ani",
            "note": "berkas lengkap",
        }

        # v by the maker: refused at once (maker-checker), no dialog, nothing changes
        version = office.get(APPS, app_id)["version"]
        await pilot.press("v")
        await pilot.pause()
        assert app.screen is screen
        assert "ani yang mengajukan" in errors(app) and "tidak boleh juga memverifikasi" in errors(app)
        assert office.get(APPS, app_id)["version"] == version

        # another officer verifies, approves a smaller amount and records the disbursement
        as_user(office, "budi")
        await step(pilot, "v", "dokumen asli dicek")
        assert state(office, app_id) == "verified"
        as_user(office, "citra")  # maker-checker: a third officer approves
        await step(pilot, "p", "survei usaha baik", amount_approved="10.000.000")
        assert state(office, app_id) == "approved"
        assert office.get(APPS, app_id)["amount_approved"] == 10_000_000
        as_user(office, "budi")
        day(date(2026, 1, 12))  # the bank disbursed on 12/01: recorded that day (never in advance)
        await step(pilot, "c", date="12/01/2026")
        loan = office.get(APPS, app_id)
        assert (loan["state"], loan["disbursed_on"]) == ("disbursed", "2026-01-12")
        assert len(loan["schedule"]) == 12 and sum(r["principal"] for r in loan["schedule"]) == 10_000_000
        assert [h["by"] for h in loan["history"]] == ["ani", "ani", "budi", "citra", "budi"]
        assert "KRD-" in " ".join(m for m, _s in messages(app))

        # r: the first installment (the form proposes the oldest unpaid one) reduces the balance
        day(date(2026, 2, 12))
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        first = loan["schedule"][0]
        assert (first["principal"], first["interest"]) == (833_333, 25_000)
        assert app.screen.query_one("#field-amount", Input).value == "858.333"
        await pilot.press("ctrl+s")
        await pilot.pause()
        status = svc.loan_status(office, app_id, date(2026, 2, 12))
        assert status is not None and status.outstanding_principal == 10_000_000 - 833_333
        assert status.days_past_due == 0

        # r again: the payoff as an early payoff; the loan closes itself
        payoff = svc.payoff_amount(office, app_id, "2026-02-20")
        day(date(2026, 2, 20))
        await pilot.press("r")
        await pilot.pause()
        await fill(pilot, amount=str(payoff))
        await pilot.click("#field-prepay")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert state(office, app_id) == "closed"
        assert "lunas dan ditutup" in " ".join(m for m, _s in messages(app))
        assert svc.loan_status(office, app_id, date(2026, 2, 20)).outstanding_principal == 0
        # the table shows the new state
        assert screen.table.rows.cells(screen.table.rows.position_of(app_id))[6] == "lunas"


async def test_reject_withdraw_and_write_off_branches(office: Database, day: Any) -> None:
    rejected = new_app(office, 1)
    svc.submit(office, rejected["id"], date="2026-01-06")
    svc.verify(as_user(office, "budi"), rejected["id"], date="2026-01-07")
    withdrawn = new_app(as_user(office, "ani"), 2)
    loan = disbursed(office, 3)
    day(date(2026, 9, 1))
    app = make_app(office, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_credit(pilot, select=rejected["id"])
        as_user(office, "budi")
        # x with no reason: the service's message beside the reason, the dialog stays, nothing changes
        await step(pilot, "x")
        assert isinstance(app.screen, StepForm)
        assert "Tuliskan alasan" in field_error(app, "note")
        assert state(office, rejected["id"]) == "verified"
        await pilot.press(*"usaha belum berjalan", "enter")
        await pilot.pause()
        assert state(office, rejected["id"]) == "rejected"
        assert office.get(APPS, rejected["id"])["history"][-1]["note"] == "usaha belum berjalan"

        # w: the applicant withdraws a draft
        app.screen.reload(keep_id=withdrawn["id"])
        await step(pilot, "w", "pemohon mundur")
        assert state(office, withdrawn["id"]) == "withdrawn"

        # o: write off a disbursed loan, with a reason
        app.screen.reload(keep_id=loan["id"])
        await step(pilot, "o", "usaha tutup")
        assert state(office, loan["id"]) == "written_off"
        assert svc.portfolio(office, date(2026, 9, 1))["written_off_count"] == 1

        # a final state refuses every step, with the service's message
        await pilot.press("c")
        await pilot.pause()
        assert not isinstance(app.screen, StepForm)
        assert "status akhir" in errors(app)


async def test_forbidden_step_and_a_refusal_at_confirmation_change_nothing(office: Database, day: Any) -> None:
    draft = new_app(office, 1)
    app = make_app(office, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_credit(pilot, select=draft["id"])
        for key in ("p", "c", "o", "v", "x"):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is screen, key
        assert "tidak dapat diubah dari draf menjadi disetujui" in errors(app)
        assert "dari draf hanya dapat menjadi: diajukan, dibatalkan" in errors(app)
        assert office.get(APPS, draft["id"])["version"] == draft["version"]
        assert office.get(APPS, draft["id"])["history"] == draft["history"]

        # approving more than requested is refused by the service when confirmed: shown, nothing saved
        svc.submit(office, draft["id"], date="2026-01-06")
        svc.verify(as_user(office, "budi"), draft["id"], date="2026-01-07")
        as_user(office, "citra")  # maker-checker: whoever verified does not approve
        app.data_saved()
        await pilot.pause()
        await step(pilot, "p", amount_approved="13.000.000")
        assert isinstance(app.screen, StepForm)
        assert "tidak boleh melebihi" in str(app.screen.query_one("#form-summary", Static).content)
        assert state(office, draft["id"]) == "verified"
        await pilot.press("escape")
        await pilot.pause()
        if isinstance(app.screen, ConfirmScreen):
            await pilot.press("y")
            await pilot.pause()
        assert app.screen is screen


async def test_roles_refuse_with_the_permission_message(office: Database, day: Any) -> None:
    draft = new_app(office, 1)
    svc.submit(office, draft["id"], date="2026-01-06")
    # passwords, and ani an operator (written by another process, then picked up)
    admin = Database(office.path, "admin")
    with admin.transaction() as txn:
        for key, doc in admin.docs("staff").items():
            ani = doc["username"] == "ani"
            txn.update(
                "staff",
                int(key),
                {
                    "password_hash": hash_password("ani-rahasia") if ani else "x",
                    **({"role": "operator"} if ani else {}),
                },
            )
    office.refresh()
    app = make_app(office, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)  # nothing opens before signing in (issue 17): ani signs in
        await pilot.press(*"ani-rahasia", "enter")
        await pilot.pause()
        screen = await open_credit(pilot, select=draft["id"])
        await pilot.press("v")
        await pilot.pause()
        assert app.screen is screen
        assert "ani (operator) tidak boleh" in errors(app)
        assert state(office, draft["id"]) == "submitted"
        as_user(office, "budi")
        await step(pilot, "v")
        assert state(office, draft["id"]) == "verified"


# ---------------------------------------------------------------------------------------------- forms
async def test_new_application_errors_beside_fields_and_nothing_saved(office: Database, day: Any) -> None:
    disbursed(office, 1)
    before = office.count(APPS)
    app = make_app(office, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_credit(pilot)
        await pilot.press("a")
        await pilot.pause()
        await fill(pilot, ikm_id="batik", amount_requested="enam juta", purpose="bahan baku")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ApplicationForm)
        assert "2 IKM cocok" in field_error(app, "ikm_id")
        assert "bukan jumlah rupiah" in field_error(app, "amount_requested")
        assert "belum ada yang disimpan" in str(app.screen.query_one("#form-summary", Static).content)
        assert office.count(APPS) == before

        # once the applicant is known, the product's rules: the limit without collateral, the longest tenor
        await fill(pilot, ikm_id="semarangan", amount_requested="6.000.000", tenor_months="48")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert field_error(app, "ikm_id") == ""
        assert "paling banyak Rp 5.000.000 tanpa agunan" in field_error(app, "amount_requested")
        assert "antara 1 dan 36 bulan" in field_error(app, "tenor_months")
        assert office.count(APPS) == before

        # the IKM that still has an active Kredit Wibawa loan is refused by the service
        await fill(pilot, ikm_id="IKM-000001", amount_requested="5000000", tenor_months="12")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "masih mempunyai pinjaman Kredit Wibawa aktif" in field_error(app, "ikm_id")
        assert office.count(APPS) == before

        # by NIB, with a plain amount: saved
        await fill(pilot, ikm_id="2234567890123")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, FormScreen)
        assert office.count(APPS) == before + 1
        created = max(office.all(APPS), key=lambda d: d["id"])
        assert (created["ikm_id"], created["amount_requested"], created["bank"]) == (
            2,
            5_000_000,
            "PD BPR Bank Pasar Kota Semarang",
        )


async def test_edit_a_draft_then_only_documents_then_nothing(office: Database, day: Any) -> None:
    draft = new_app(office, 1, documents=["KTP"])
    app = make_app(office, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_credit(pilot, select=draft["id"])
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ApplicationForm)
        assert form.query_one("#field-ikm_id", Input).value == "IKM-000001 · Batik Sekar Arum"
        await fill(pilot, amount_requested="Rp 11.000.000", purpose="beli mesin jahit")
        await pilot.press("ctrl+s")
        await pilot.pause()
        saved = office.get(APPS, draft["id"])
        assert (saved["amount_requested"], saved["purpose"]) == (11_000_000, "beli mesin jahit")

        svc.submit(office, draft["id"], date="2026-01-06")
        app.data_saved()
        await pilot.press("e")
        await pilot.pause()
        assert [f.name for f in app.screen.fields] == ["documents"]
        await fill(pilot, documents=["KTP", "KK", "NIB/IUMK"])
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert office.get(APPS, draft["id"])["documents"] == ["KTP", "KK", "NIB/IUMK"]

        svc.verify(as_user(office, "budi"), draft["id"], date="2026-01-07")
        app.data_saved()
        await pilot.press("e")
        await pilot.pause()
        assert not isinstance(app.screen, FormScreen)
        assert "hanya draf yang dapat diubah" in errors(app)


# ---------------------------------------------------------------------------------------------- arrears on screen
async def test_overdue_loan_shows_days_past_due_and_collectability(office: Database, day: Any) -> None:
    loan = disbursed(office, 1)
    # installment 2 (due 10/03/2026) is the oldest unpaid: 95 days late on 13/06/2026
    day(date(2026, 6, 13))
    svc.record_repayment(office, loan["id"], "2026-02-10", 1_030_000)
    app = make_app(office, poll_seconds=0)
    async with app.run_test(size=(120, 50)) as pilot:
        screen = await open_credit(pilot, select=loan["id"])
        cells = dict(
            zip(
                [c.key for c in screen.table.rows.columns],
                screen.table.rows.cells(screen.table.rows.position_of(loan["id"])),
                strict=True,
            )
        )
        assert cells["dpd"] == "95"
        await pilot.press("enter")
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, CreditDetailScreen)
        assert detail.loan is not None and detail.loan.days_past_due == 95 and detail.loan.collectability == 3
        status = text_of(detail.query_one("#detail-status", Static))
        assert "Hari tunggakan" in status and " 95 " in status
        assert "3 · Kurang Lancar" in status and "91-180 hari" in status
        assert "Posisi per 13 Jun 2026" in status
        schedule = text_of(detail.query_one("#detail-schedule", Static), 140)
        assert "lunas 10/02/2026" in schedule and "menunggak 95 hari" in schedule
        assert "menunggak 64 hari" in schedule and "belum jatuh tempo" in schedule

        # a day earlier the same loan is 94 days late, still grade 3; 61 days earlier grade 2
        day(date(2026, 4, 13))
        app.data_saved()
        await pilot.pause()
        assert detail.loan.days_past_due == 34 and detail.loan.collectability == 2
        assert "2 · Dalam Perhatian Khusus (DPK)" in text_of(detail.query_one("#detail-status", Static))

        # repaying from the detail screen brings it back on schedule
        await pilot.press("r")
        await pilot.pause()
        await fill(pilot, amount="2.060.000")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is detail
        assert detail.loan.days_past_due == 0 and detail.loan.collectability == 1
        assert "Lancar" in text_of(detail.query_one("#detail-status", Static))
        assert len(svc.repayments_of(office, loan["id"])) == 2
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_overpayment_is_refused_with_the_service_message(office: Database, day: Any) -> None:
    loan = disbursed(office, 1)
    day(date(2026, 2, 10))
    app = make_app(office, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_credit(pilot, select=loan["id"])
        await pilot.press("r")
        await pilot.pause()
        await fill(pilot, amount="13.000.000")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        summary = str(app.screen.query_one("#form-summary", Static).content)
        assert "melebihi sisa utang Rp 12.360.000" in summary and "pelunasan dipercepat" in summary
        assert svc.repayments_of(office, loan["id"]) == []
        await fill(pilot, amount="abc")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "bukan jumlah rupiah" in field_error(app, "amount")


async def test_repayment_on_a_loan_not_disbursed_is_refused_at_once(office: Database, day: Any) -> None:
    draft = new_app(office, 1)
    app = make_app(office, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_credit(pilot, select=draft["id"])
        await pilot.press("r")
        await pilot.pause()
        assert app.screen is screen
        assert "hanya dapat dicatat untuk pinjaman yang sudah dicairkan" in errors(app)


# ---------------------------------------------------------------------------------------------- bulk
async def test_bulk_list_checked_then_recorded_all_or_nothing(office: Database, day: Any, tmp_path: Path) -> None:
    a = disbursed(office, 1)
    b = disbursed(office, 2, amount_requested=3_000_000, tenor_months=3, collateral="")
    day(date(2026, 4, 30))  # every row of the lists is paid by then: no repayment is dated after today
    app = make_app(office, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_credit(pilot)
        await pilot.press("b")
        await pilot.pause()
        bulk = app.screen
        assert isinstance(bulk, BulkRepaymentScreen)
        text = bulk.query_one("#bulk-text", TextArea)
        text.text = (
            f"kode;tanggal;jumlah\n{a['code']};10/02/2026;Rp 1.030.000\n"
            f"KRD-2026-9999;10/02/2026;1.030.000\n{b['code']}\t2026-02-10\t1.010.000\n"
        )
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert [r.ok for r in bulk.results] == [True, False, True]
        assert "Tidak ada permohonan kredit KRD-2026-9999" in bulk.results[1].error
        cells = bulk.query_one("#bulk-results").rows.cells(1)
        assert cells[-1].startswith("✗ Tidak ada permohonan")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert "Ada baris yang ditolak" in errors(app)
        assert office.count("repayments") == 0

        # the same list from a CSV file, corrected: checked, confirmed, stored in one go
        path = tmp_path / "bpr-2026-02.csv"
        path.write_text(
            f"{a['code']},10/02/2026,1030000\n"
            + "".join(f"{b['code']},{row['due']},{row['total']}\n" for row in b["schedule"]),
            encoding="utf-8",
        )
        bulk.query_one("#bulk-path", Input).value = str(path)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert app.screen is bulk
        assert all(r.ok and r.repayment_code.startswith("ANS-") for r in bulk.results)
        assert bulk.results[-1].closed
        assert office.count("repayments") == 4
        assert state(office, b["id"]) == "closed"
        summary = str(bulk.query_one("#bulk-summary", Static).content)
        assert "4 angsuran tercatat" in summary and "1 pinjaman lunas" in summary

        # a missing file is a message, not a traceback
        bulk.query_one("#bulk-path", Input).value = str(tmp_path / "none.csv")
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert "tidak ada" in str(bulk.query_one("#bulk-summary", Static).content)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CreditScreen)


# ---------------------------------------------------------------------------------------------- simulator, portfolio
async def test_simulator_matches_the_worked_example(office: Database, day: Any) -> None:
    app = make_app(office, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_credit(pilot)
        await pilot.press("m")
        await pilot.pause()
        sim = app.screen
        assert isinstance(sim, SimulatorScreen)

        async def put(name: str, value: str) -> None:
            sim.query_one(f"#sim-{name}", Input).value = value
            await pilot.pause()

        await put("amount", "Rp 50.000.000")
        await put("months", "36")
        await put("rate", "3")
        await put("rounding", "1")
        assert sim.result is not None
        assert sim.result["installments"][0]["total"] == 1_513_889
        assert sim.result["totals"]["interest"] == 4_500_000
        assert "Rp 1.513.889 per bulan" in str(sim.query_one("#sim-totals", Static).content)
        assert len(sim.query_one("#sim-table").rows) == 36
        sim.query_one("#sim-method", Select).value = "annuity"
        await pilot.pause()
        assert sim.result["installments"][0]["total"] == 1_454_060
        await put("months", "tiga")
        assert "bukan jumlah bulan" in str(sim.query_one("#sim-error", Static).content)
        assert sim.result is None
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CreditScreen)


async def test_portfolio_summary_as_of_the_injected_date(office: Database, day: Any) -> None:
    disbursed(office, 1)
    disbursed(office, 2, amount_requested=3_000_000, tenor_months=3, collateral="", bank="Bank Jateng")
    new_app(office, 3)
    day(FIRST_DUE + timedelta(days=31))
    app = make_app(office, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_credit(pilot)
        await pilot.press("g")
        await pilot.pause()
        portfolio = app.screen
        assert isinstance(portfolio, PortfolioScreen)
        text = text_of(portfolio.query_one("#portfolio-tables", Static))
        assert "Portofolio kredit per 13 Mar 2026" in text
        assert "Rp 15.000.000" in text  # outstanding: nothing repaid yet
        assert "100,0%" in text  # PAR30: both loans are 31 days late
        assert "2 · Dalam Perhatian Khusus (DPK)" in text and "Bank Jateng" in text
        portfolio.query_one("#portfolio-date", Input).value = "12/03/2026"
        portfolio.query_one("#portfolio-date", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "0,0%" in text_of(portfolio.query_one("#portfolio-tables", Static))
        portfolio.query_one("#portfolio-date", Input).value = "besok"
        await pilot.press("enter")
        await pilot.pause()
        assert "bukan tanggal" in str(portfolio.query_one("#portfolio-error", Static).content)


# ---------------------------------------------------------------------------------------------- table and palette
async def test_filter_as_you_type_and_sort(db: Database, day: Any) -> None:
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_credit(pilot)
        total = len(screen.table.rows)
        assert total == db.count(APPS)
        await pilot.press("slash", *"dicair")
        await pilot.pause()
        active = [d for d in db.all(APPS) if d["state"] == "disbursed"]
        assert len(screen.table.rows) == len(active) > 0
        first = db.all(APPS)[0]
        ikm_name = db.get("ikm", first["ikm_id"])["name"]
        screen.query_one("#search", Input).value = ikm_name.upper()
        await pilot.pause()
        assert screen.table.current_id == first["id"]
        assert ikm_name in screen.table.rows.cells(0)
        screen.query_one("#search", Input).value = "bank pasar draf"
        await pilot.pause()
        assert {screen.table.rows.row(i)[0] for i in range(len(screen.table.rows))} == {
            d["id"] for d in db.all(APPS) if d["state"] == "draft" and "Bank Pasar" in d["bank"]
        }
        screen.query_one("#search", Input).value = first["code"].lower()
        await pilot.pause()
        assert len(screen.table.rows) == 1
        screen.query_one("#search", Input).value = ""
        await pilot.press("enter")  # back to the table
        await pilot.press("right", "right", "right", "s")
        await pilot.pause()
        amounts = [screen.table.rows.row(i)[1][3] for i in range(len(screen.table.rows))]
        assert amounts == sorted(amounts)


def test_every_credit_binding_has_an_id_and_a_description() -> None:
    for screen in (CreditScreen, CreditDetailScreen, BulkRepaymentScreen, SimulatorScreen, PortfolioScreen):
        for binding in screen.BINDINGS:
            assert binding.id and binding.description, (screen.__name__, binding)
    keys = {b.key for b in CreditScreen.BINDINGS}
    assert not keys & {"s", "slash", "enter", "up", "down", "left", "right"}  # the table's own keys


async def test_palette_reaches_every_credit_action(office: Database, day: Any) -> None:
    app = make_app(office, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_credit(pilot)
        titles = {command.title for command in app.get_system_commands(screen)}
        for label in (
            "Permohonan baru",
            "Ajukan",
            "Verifikasi",
            "Setujui",
            "Tolak",
            "Batalkan",
            "Cairkan",
            "Hapus buku",
            "Angsuran",
            "Angsuran massal",
            "Simulasi pinjaman",
            "Portofolio",
            "Rincian",
        ):
            assert label in titles, label
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"simulasi")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, SimulatorScreen)


def test_product_terms_come_from_the_catalog() -> None:
    from ikmtui.ui.credit.forms import product_terms

    text = product_terms("WIBAWA")
    product = PRODUCTS["WIBAWA"]
    assert "Rp 5.000.000" in text and "Rp 50.000.000" in text and str(product.max_tenor_months) in text
    assert product_terms("NOPE") == ""


async def test_days_past_due_of_many_loans_arrive_from_a_worker(
    db: Database, day: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(CreditScreen, "BACKGROUND_LEDGERS", 0)  # as with thousands of loans
    day(date(2027, 6, 30))
    expected = {
        loan.application_id: loan.days_past_due for loan in svc.loans_in_arrears(db, date(2027, 6, 30), min_days=0)
    }
    assert any(expected.values())
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_credit(pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        column = [c.key for c in screen.table.rows.columns].index("dpd")
        shown = {
            screen.table.rows.row(i)[0]: screen.table.rows.row(i)[1][column] for i in range(len(screen.table.rows))
        }
        assert {k: v for k, v in shown.items() if v is not None} == expected


async def test_a_large_portfolio_is_summed_up_in_a_worker(
    db: Database, day: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(PortfolioScreen, "BACKGROUND_APPLICATIONS", 0)  # as with thousands of applications
    day(date(2026, 11, 1))
    expected = svc.portfolio(db, date(2026, 11, 1))
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_credit(pilot)
        await pilot.press("g")
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = text_of(app.screen.query_one("#portfolio-tables", Static))
        assert "Portofolio kredit per 1 Nov 2026" in text
        assert credit_common.rupiah(expected["outstanding"]) in text
        assert str(app.screen.query_one("#portfolio-error", Static).content) == ""
