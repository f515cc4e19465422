"""Credit dates are checked against the one clock: no step, repayment or listed repayment dated after today, with
a message naming today; steps not before the previous step (as before)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from ikmtui import clock
from ikmtui.i18n import format_date
from ikmtui.services import credit as svc
from ikmtui.storage import Database
from tests.support.credit_office import (
    APPS,
    DISBURSED,
    TODAY,
    application,
    approved,
    disbursed,
    office_on_today,
    officer,
)


@pytest.fixture
def office(tmp_path: Path) -> Iterator[Database]:
    yield from office_on_today(tmp_path)


TOMORROW = TODAY + timedelta(days=1)


def _pending(db: Database, state: str) -> dict[str, Any]:
    """An application one step before ``state`` (the step itself left to the test), and who may take it."""
    if state == "submitted":
        return application(db)
    if state == "verified":
        app = application(db)
        return svc.submit(db, app["id"], date="2026-01-06")
    if state == "approved":
        app = svc.submit(db, application(db)["id"], date="2026-01-06")
        return svc.verify(officer(db, "budi"), app["id"], date="2026-01-07")
    if state == "disbursed":
        return approved(db)
    return disbursed(db)


STEPPERS = {"submitted": "ani", "verified": "budi", "approved": "citra", "disbursed": "budi", "written_off": "citra"}


@pytest.mark.parametrize("state", list(STEPPERS))
@pytest.mark.parametrize("when", [TOMORROW, date(2031, 1, 1)])
def test_no_step_is_dated_after_today(office: Database, state: str, when: date) -> None:
    app = _pending(office, state)
    actor = officer(office, STEPPERS[state])
    with pytest.raises(ValueError) as refused:
        svc.transition(actor, app["id"], state, note="alasan", date=when)
    message = str(refused.value)
    assert f"setelah hari ini ({format_date(TODAY)})" in message and format_date(when) in message
    actor.refresh()
    assert actor.get(APPS, app["id"])["version"] == app["version"]  # nothing changed
    # today itself is fine
    assert svc.transition(actor, app["id"], state, note="alasan", date=TODAY)["state"] == state


def test_a_draft_is_not_dated_after_today(office: Database) -> None:
    with pytest.raises(ValueError, match=r"setelah hari ini \(4 Des 2026\)"):
        application(office, on=TOMORROW)
    assert office.count(APPS) == 0


def test_a_step_still_cannot_come_before_the_previous_one(office: Database) -> None:
    app = svc.submit(office, application(office)["id"], date="2026-01-06")
    with pytest.raises(ValueError, match="lebih awal dari langkah sebelumnya"):
        svc.verify(officer(office, "budi"), app["id"], date="2026-01-05")


@pytest.mark.parametrize("when", [TOMORROW, date(2027, 1, 20), date(2031, 1, 1)])
def test_no_repayment_is_dated_after_today(office: Database, when: date) -> None:
    loan = disbursed(office)
    with pytest.raises(ValueError) as refused:
        svc.record_repayment(office, loan["id"], when, 1_030_000)
    assert f"Tanggal angsuran {format_date(when)} setelah hari ini (4 Des 2026)" in str(refused.value)
    assert office.count("repayments") == 0
    assert svc.record_repayment(office, loan["id"], TODAY, 1_030_000).repayment["date"] == TODAY.isoformat()


def test_one_future_row_of_a_bank_list_stores_nothing_and_is_named(office: Database) -> None:
    loan = disbursed(office)
    rows = [(loan["code"], "10/02/2026", "1.030.000"), (loan["code"], "10/01/2027", "1.030.000")]
    results = svc.record_repayments_bulk(office, rows)
    assert [r.ok for r in results] == [True, False]
    assert "10 Jan 2027 setelah hari ini (4 Des 2026)" in results[1].error
    assert office.count("repayments") == 0
    assert all(r.ok for r in svc.record_repayments_bulk(office, rows[:1]))
    assert office.count("repayments") == 1


def test_dates_follow_the_clock_not_the_system(office: Database) -> None:
    loan = disbursed(office)
    with clock.fixed(DISBURSED + timedelta(days=31)):
        with pytest.raises(ValueError, match="setelah hari ini"):
            svc.record_repayment(office, loan["id"], "2026-03-10", 1_030_000)
        svc.record_repayment(office, loan["id"], "2026-02-10", 1_030_000)
