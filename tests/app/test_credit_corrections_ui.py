"""The Credit screens by keys: dates after today refused beside the date field and naming today; corrections
(reverse a repayment, undo a disbursement or an approval, withdraw or cancel an approved application) with a
reason; the approval dialog opens on the amount; the portfolio's date takes typed digits; inactive IKM are not
offered as applicants."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Select, Static, TextArea

from ikmtui import clock
from ikmtui.services import credit as svc
from ikmtui.storage import Database
from ikmtui.ui.app import make_app
from ikmtui.ui.credit.applications import CreditScreen
from ikmtui.ui.credit.bulk import BulkRepaymentScreen
from ikmtui.ui.credit.detail import CreditDetailScreen
from ikmtui.ui.credit.forms import ApplicationForm, StepForm
from ikmtui.ui.credit.portfolio import PortfolioScreen
from ikmtui.ui.kit.dialogs import ReasonScreen, ViewerScreen
from ikmtui.ui.kit.form import FormScreen
from tests.app.test_credit_ui import errors, field_error, open_credit, text_of
from tests.support.credit_office import APPS, REPAYMENTS, application, approved, disbursed, make_office, officer

TODAY = date(2026, 12, 4)


@pytest.fixture
def office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    monkeypatch.setenv(clock.ENV, TODAY.isoformat())  # the app's clock
    return make_office(tmp_path / "ikmtui.json")


def as_user(db: Database, user: str) -> Database:
    db.refresh()
    db.user = user
    return db


# ---------------------------------------------------------------------------------------------- dates
async def test_a_step_or_repayment_after_today_is_refused_beside_the_date(office: Database) -> None:
    app_doc = approved(office)
    loan = disbursed(office, 2)
    as_user(office, "budi")
    app = make_app(office, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_credit(pilot, select=app_doc["id"])
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, StepForm)
        app.screen.query_one("#field-date", Input).value = "20/12/2026"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, StepForm)
        assert "20 Des 2026 setelah hari ini (4 Des 2026)" in field_error(app, "date")
        assert office.get(APPS, app_doc["id"])["state"] == "approved"
        await pilot.press("escape")
        await pilot.pause()
        if not isinstance(app.screen, CreditScreen):
            await pilot.press("y")
            await pilot.pause()

        screen.reload(keep_id=loan["id"])
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        app.screen.query_one("#field-date", Input).value = "20/01/2027"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Tanggal angsuran 20 Jan 2027 setelah hari ini (4 Des 2026)" in field_error(app, "date")
        assert office.count(REPAYMENTS) == 0


def _one_step_before(db: Database, state: str) -> dict[str, Any]:
    if state in ("submitted", "verified", "approved"):
        app = application(db)
        if state != "submitted":
            svc.submit(db, app["id"], date="2026-01-06")
        if state == "approved":
            svc.verify(officer(db, "budi"), app["id"], date="2026-01-07")
        return app
    return approved(db) if state == "disbursed" else disbursed(db)


@pytest.mark.parametrize(
    ("key", "state", "who"),
    [
        ("u", "submitted", "ani"),
        ("v", "verified", "budi"),
        ("p", "approved", "citra"),
        ("c", "disbursed", "budi"),
        ("o", "written_off", "citra"),
    ],
)
async def test_each_step_dated_after_today_is_refused_on_screen(
    office: Database, key: str, state: str, who: str
) -> None:
    app_doc = _one_step_before(office, state)
    as_user(office, who)
    version = office.get(APPS, app_doc["id"])["version"]
    app = make_app(office, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_credit(pilot, select=app_doc["id"])
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, StepForm), errors(app)
        app.screen.query_one("#field-date", Input).value = "05/12/2026"
        app.screen.query_one("#field-note", Input).value = "alasan"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, StepForm)
        assert "5 Des 2026 setelah hari ini (4 Des 2026)" in field_error(app, "date")
        assert office.get(APPS, app_doc["id"])["version"] == version
        app.screen.query_one("#field-date", Input).value = "04/12/2026"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert office.get(APPS, app_doc["id"])["state"] == state


async def test_a_bank_list_row_after_today_is_refused_on_screen(office: Database) -> None:
    loan = disbursed(office)
    app = make_app(office, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_credit(pilot)
        await pilot.press("b")
        await pilot.pause()
        bulk = app.screen
        assert isinstance(bulk, BulkRepaymentScreen)
        bulk.query_one(
            "#bulk-text", TextArea
        ).text = f"{loan['code']};10/02/2026;1.030.000\n{loan['code']};10/01/2027;1.030.000\n"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert [r.ok for r in bulk.results] == [True, False]
        assert "10 Jan 2027 setelah hari ini (4 Des 2026)" in bulk.results[1].error
        assert office.count(REPAYMENTS) == 0


# ---------------------------------------------------------------------------------------------- focus
async def test_the_approval_dialog_opens_on_the_amount(office: Database) -> None:
    app_doc = svc.submit(
        office,
        svc.create_application(
            office,
            {
                "ikm_id": 1,
                "amount_requested": 12_000_000,
                "tenor_months": 12,
                "purpose": "modal kerja",
                "collateral": "BPKB",
                "documents": ["KTP", "KK", "NIB/IUMK"],
            },
            date="2026-11-02",
        )["id"],
        date="2026-11-03",
    )
    svc.verify(as_user(office, "budi"), app_doc["id"], date="2026-11-04")
    as_user(office, "citra")
    app = make_app(office, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_credit(pilot, select=app_doc["id"])
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, StepForm)
        assert app.focused is app.screen.query_one("#field-amount_approved", Input)
        await pilot.press(*"7.500.000")  # replaces the amount requested it opens with
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CreditScreen)
        stored = office.get(APPS, app_doc["id"])
        assert (stored["state"], stored["amount_approved"]) == ("approved", 7_500_000)
        assert stored["history"][-1]["note"] == ""


async def test_typing_a_date_in_the_portfolio_stays_on_the_portfolio(office: Database) -> None:
    disbursed(office)
    app = make_app(office, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_credit(pilot)
        await pilot.press("g")
        await pilot.pause()
        portfolio = app.screen
        assert isinstance(portfolio, PortfolioScreen)
        await pilot.press(*"12/03/2026", "enter")  # 1, 2 and 3 are screen keys elsewhere
        await pilot.pause()
        assert app.screen is portfolio
        assert portfolio.query_one("#portfolio-date", Input).value == "12/03/2026"
        assert str(portfolio.query_one("#portfolio-error", Static).content) == ""
        assert portfolio._wanted == date(2026, 3, 12)


# ---------------------------------------------------------------------------------------------- inactive IKM
async def test_an_inactive_ikm_is_not_offered_as_applicant(office: Database) -> None:
    app = make_app(office, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_credit(pilot)
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ApplicationForm)
        await pilot.press(*"batik")
        await pilot.pause()
        assert "IKM-000001 · Batik Sekar Arum" in str(form.query_one("#ikm-match", Static).content)
        form.query_one("#field-ikm_id", Input).value = "semarangan"  # IKM-000003, inactive
        await pilot.pause()
        assert "Tidak ada IKM yang cocok" in str(form.query_one("#ikm-match", Static).content)
        form.query_one("#field-ikm_id", Input).value = "IKM-000003"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ApplicationForm)
        assert office.count(APPS) == 0


# ---------------------------------------------------------------------------------------------- corrections
async def test_reverse_a_repayment_by_keys(office: Database) -> None:
    loan = disbursed(office)
    for day, amount in (("2026-02-10", 1_030_000), ("2026-03-10", 2_060_000), ("2026-04-10", 1_030_000)):
        svc.record_repayment(office, loan["id"], day, amount)
    wrong = svc.repayments_of(office, loan["id"])[1]
    app = make_app(office, poll_seconds=0)
    async with app.run_test(size=(120, 50)) as pilot:
        screen = await open_credit(pilot, select=loan["id"])
        await pilot.press("R")  # ani is an operator: refused at once, no dialog
        await pilot.pause()
        assert app.screen is screen and "ani (operator) tidak boleh" in errors(app)

        as_user(office, "dedi")
        await pilot.press("enter")
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, CreditDetailScreen)
        await pilot.press("R")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormScreen)
        select = form.query_one("#field-repayment", Select)
        assert select.value == svc.repayments_of(office, loan["id"])[-1]["id"]  # the latest, by default
        select.value = wrong["id"]
        await pilot.press("ctrl+s")  # no reason: refused beside the field
        await pilot.pause()
        assert isinstance(app.screen, FormScreen) and "Isi alasannya" in field_error(app, "reason")
        form.query_one("#field-reason", Input).value = "dobel input"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is detail
        assert office.get(REPAYMENTS, wrong["id"])["reversal"]["reason"] == "dobel input"
        shown = text_of(detail.query_one("#detail-repayments", Static), 160)
        assert "dibalik 4 Des 2026 oleh dedi: dobel input" in shown
        history = text_of(detail.query_one("#detail-history", Static), 160)
        assert "angsuran dibalik" in history and wrong["code"] in history
        status = svc.loan_status(office, loan["id"], TODAY)
        assert status is not None and status.principal_paid == 2_000_000


async def test_undo_disbursement_and_approval_by_keys(office: Database) -> None:
    loan = disbursed(office)
    as_user(office, "dedi")
    app = make_app(office, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_credit(pilot, select=loan["id"])
        await pilot.press("P")  # not while disbursed
        await pilot.pause()
        assert app.screen is screen and "hanya permohonan berstatus disetujui" in errors(app)
        await pilot.press("C")
        await pilot.pause()
        assert isinstance(app.screen, ReasonScreen)
        await pilot.press("enter")  # a reason is needed
        await pilot.pause()
        assert isinstance(app.screen, ReasonScreen)
        await pilot.press(*"bank belum cair", "enter")
        await pilot.pause()
        assert app.screen is screen
        doc = office.get(APPS, loan["id"])
        assert (doc["state"], doc["disbursed_on"]) == ("approved", None)
        await pilot.press("P")
        await pilot.pause()
        await pilot.press(*"jumlah salah", "enter")
        await pilot.pause()
        doc = office.get(APPS, loan["id"])
        assert (doc["state"], doc["amount_approved"]) == ("verified", None)
        assert [h.get("correction") for h in doc["history"] if h.get("correction")] == [
            "undo_disbursal",
            "undo_approval",
        ]


@pytest.mark.parametrize(("key", "state"), [("w", "withdrawn"), ("x", "rejected")])
async def test_withdraw_or_cancel_an_approved_application_with_a_reason(office: Database, key: str, state: str) -> None:
    app_doc = approved(office)
    as_user(office, "dedi")
    app = make_app(office, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_credit(pilot, select=app_doc["id"])
        await pilot.press(key)
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, StepForm)
        assert "yang sudah disetujui" in str(dialog.query_one("#form-title", Static).content)
        assert app.focused is dialog.query_one("#field-note", Input)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, StepForm) and "alasan" in field_error(app, "note")
        await pilot.press(*"usaha tutup", "enter")
        await pilot.pause()
        doc = office.get(APPS, app_doc["id"])
        assert doc["state"] == state and doc["history"][-1]["note"] == "usaha tutup"


async def test_corrections_are_in_the_footer_palette_and_help(office: Database) -> None:
    app = make_app(office, poll_seconds=0)
    async with app.run_test(size=(200, 40)) as pilot:
        screen = await open_credit(pilot)
        titles = {command.title for command in app.get_system_commands(screen)}
        labels = ("Balik angsuran", "Batalkan pencairan", "Batalkan persetujuan")
        assert set(labels) <= titles
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, ViewerScreen)
        help_text = str(app.screen.content)
        for label in labels:
            assert f"| {label} |" in help_text, label
