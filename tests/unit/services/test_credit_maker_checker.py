"""Maker-checker across two and three officers: whoever created, submitted or verified an application may not
approve it; whoever approved it may not disburse it (the office's setting, on by default)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from ikmtui import clock
from ikmtui.services import credit as svc
from ikmtui.services import settings
from ikmtui.storage import Database
from tests.support.credit_office import APPS, application, make_office, officer


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with clock.fixed(date(2026, 12, 4)):
        yield


@pytest.fixture
def office(tmp_path: Path) -> Database:
    """Everyone a supervisor: what refuses is maker-checker, not a role."""
    return make_office(tmp_path / "ikmtui.json", dict.fromkeys(("ani", "budi", "citra", "dedi"), "supervisor"))


def test_two_officers_cannot_take_an_application_through_alone(office: Database) -> None:
    """ani makes and submits, budi verifies: neither may approve; budi cannot verify, approve and disburse."""
    app = application(office)
    svc.submit(office, app["id"], date="2026-01-06")
    budi = officer(office, "budi")
    svc.verify(budi, app["id"], date="2026-01-07")
    with pytest.raises(ValueError, match=r"budi memverifikasi .* sehingga tidak boleh juga menyetujuinya"):
        svc.approve(budi, app["id"], date="2026-01-08")
    office.refresh()  # reads come from memory: see what budi saved
    with pytest.raises(ValueError, match="ani yang mengajukan"):
        svc.check_step(office, app["id"], "approved")  # refused before any dialog too
    with pytest.raises(ValueError, match="budi memverifikasi"):
        svc.check_step(budi, app["id"], "approved")
    budi.refresh()
    assert budi.get(APPS, app["id"])["state"] == "verified"


def test_creator_submitter_and_verifier_are_each_refused_approval(office: Database) -> None:
    """Three officers each took a step: none of them may approve; a fourth does, and may not disburse."""
    app = application(officer(office, "ani"))  # ani creates
    svc.submit(officer(office, "budi"), app["id"], date="2026-01-06")  # budi submits
    svc.verify(officer(office, "citra"), app["id"], date="2026-01-07")  # citra verifies
    refusals = {
        "ani": "ani membuat",
        "budi": "budi yang mengajukan",
        "citra": "citra memverifikasi",
    }
    for name, words in refusals.items():
        with pytest.raises(ValueError, match=words):
            svc.approve(officer(office, name), app["id"], date="2026-01-08")
    dedi = officer(office, "dedi")
    assert svc.approve(dedi, app["id"], date="2026-01-08")["state"] == "approved"
    with pytest.raises(ValueError, match=r"dedi menyetujui .* sehingga tidak boleh juga mencairkannya"):
        svc.disburse(dedi, app["id"], date="2026-01-10")
    with pytest.raises(ValueError, match="dedi menyetujui"):
        svc.check_step(dedi, app["id"], "disbursed")
    loan = svc.disburse(officer(office, "citra"), app["id"], date="2026-01-10")
    assert [h["by"] for h in loan["history"]] == ["ani", "budi", "citra", "dedi", "citra"]


def test_the_office_can_turn_the_wider_rule_off(office: Database) -> None:
    """With maker-checker off only the submitter stays excluded (the rule of earlier versions)."""
    settings.put(officer(office, "kepala"), "credit.maker_checker", False)  # no account: set-up rights
    app = application(office)
    svc.submit(office, app["id"], date="2026-01-06")
    budi = officer(office, "budi")
    svc.verify(budi, app["id"], date="2026-01-07")
    svc.approve(budi, app["id"], date="2026-01-08")
    assert svc.disburse(budi, app["id"], date="2026-01-10")["state"] == "disbursed"
    with pytest.raises(ValueError, match="ani yang mengajukan"):
        other = svc.submit(office, application(office, 2)["id"], date="2026-01-06")
        svc.verify(office, other["id"], date="2026-01-07")
