"""The Results screen (key 9) driven by keys: every step of a facilitation's lifecycle, the refusals, the filter,
targets and budget, and an IKM's yearly figures."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from rich.console import Console
from textual.widgets import Input, Select, Static

from ikmtui.reports.common import tables_of
from ikmtui.reports.kinerja import progress
from ikmtui.services import results as service
from ikmtui.storage import Database
from ikmtui.ui.app import SCREENS, make_app
from ikmtui.ui.kit.dialogs import ViewerScreen
from ikmtui.ui.kit.form import FormScreen
from ikmtui.ui.registry.profile import IkmProfileScreen
from ikmtui.ui.reports.catalog import ReportsScreen
from ikmtui.ui.results.facilitations import ResultsScreen
from ikmtui.ui.results.progress import ResultsProgress
from ikmtui.ui.results.targets import TargetsScreen

TODAY = date(2026, 12, 4)
KEY = next(key for mode, key, _title in SCREENS if mode == "results")


@pytest.fixture(autouse=True)
def _fixed_day(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("IKMTUI_TODAY", TODAY.isoformat())
    yield


def messages(app: Any) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def fill(pilot: Any, **values: str) -> None:
    form = pilot.app.screen
    assert isinstance(form, FormScreen)
    for name, value in values.items():
        widget = form.query_one(f"#field-{name}")
        if isinstance(widget, Select):
            widget.value = value
        else:
            assert isinstance(widget, Input)
            widget.value = value
    await pilot.pause()
    await pilot.press("ctrl+s")
    await pilot.pause()


def current(app: Any) -> dict[str, Any]:
    screen = app.screen
    assert isinstance(screen, ResultsScreen)
    doc = screen.current_doc()
    assert doc is not None
    return doc


def ikm_without(db: Database, certification: str) -> dict[str, Any]:
    return next(d for d in db.all("ikm") if certification not in d["certifications"])


async def test_every_step_by_keys_and_the_refusals(db: Database) -> None:
    app = make_app(db, poll_seconds=0)
    ikm = ikm_without(db, "Halal")
    async with app.run_test(size=(150, 45)) as pilot:
        await pilot.pause()
        await pilot.press(KEY)
        await pilot.pause()
        assert isinstance(app.screen, ResultsScreen)
        assert app.screen.title == "Hasil program"

        # a: a new halal facilitation; the cursor lands on it
        await pilot.press("a")
        await fill(pilot, ikm_id=ikm["code"], kind="halal")
        fac = current(app)
        assert (fac["ikm_id"], fac["kind"], fac["state"], fac["pillar"]) == (ikm["id"], "halal", "requested", "R")

        # g on a request: refused with a clear message, no form, nothing changes
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, ResultsScreen)
        assert any("hanya dapat menjadi Diproses / Ditarik" in m for m in messages(app)), messages(app)
        assert current(app)["state"] == "requested"

        # p: in process
        await pilot.press("p")
        await fill(pilot, note="berkas lengkap")
        assert current(app)["state"] == "in_process"

        # g: granted needs the certificate number, then adds Halal to the IKM
        await pilot.press("g")
        await fill(pilot)
        assert isinstance(app.screen, FormScreen)  # refused beside the field: nothing saved
        await fill(pilot, permit_number="ID33110000123456")
        assert current(app)["state"] == "granted"
        assert current(app)["permit_number"] == "ID33110000123456"
        assert "Halal" in db.get("ikm", ikm["id"])["certifications"]  # type: ignore[index]

        # x and w on a granted one: final, said clearly
        for key in ("x", "w", "p"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, ResultsScreen)
        assert sum("status akhir" in m for m in messages(app)) == 3

        # an NIB facilitation: granted fills the IKM's NIB
        other = db.get("ikm", 9)
        assert other is not None
        await pilot.press("a")
        await fill(pilot, ikm_id=other["code"], kind="nib")
        await pilot.press("p")
        await fill(pilot)
        await pilot.press("g")
        await fill(pilot, permit_number="9120000000077")
        assert current(app)["state"] == "granted"
        assert db.get("ikm", 9)["nib"] == "9120000000077"  # type: ignore[index]

        # a request withdrawn, one in process refused
        await pilot.press("a")
        await fill(pilot, ikm_id=other["code"], kind="sni")
        await pilot.press("w")
        await fill(pilot, note="IKM membatalkan")
        assert current(app)["state"] == "withdrawn"
        await pilot.press("a")
        await fill(pilot, ikm_id=other["code"], kind="bpom")
        await pilot.press("p")
        await fill(pilot)
        await pilot.press("x")
        await fill(pilot, note="produk belum memenuhi syarat")
        refused = current(app)
        assert refused["state"] == "refused"
        assert [h["state"] for h in refused["history"]] == ["requested", "in_process", "refused"]
        assert all(h["by"] == db.user for h in refused["history"])

        # v: the steps of the one under the cursor
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, ViewerScreen)
        await pilot.press("escape")
        await pilot.pause()

        # f: filter by state, one state per press, then all again
        screen = app.screen
        assert isinstance(screen, ResultsScreen)
        await pilot.press("f")
        await pilot.pause()
        requested = [int(k) for k, d in db.docs("facilitations").items() if d["state"] == "requested"]
        assert sorted(screen.table.rows.ids) == sorted(requested)
        for _state in ("in process", "granted", "refused", "withdrawn", "all again"):
            await pilot.press("f")
        await pilot.pause()
        assert screen.state_filter is None and len(screen.table.rows.ids) == db.count("facilitations")


async def test_targets_and_yearly_figures_by_keys(db: Database) -> None:
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(150, 45)) as pilot:
        await pilot.pause()
        await pilot.press(KEY)
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TargetsScreen) and screen.year == 2026
        await pilot.press("a")
        await fill(pilot, indicator="facilitated.bpom", target="5", budget="Rp 25.000.000", spent="10.000.000")
        line = next(d for d in db.all("targets") if d["indicator"] == "facilitated.bpom")
        assert (line["year"], line["target"], line["budget"], line["spent"]) == (2026, 5, 25_000_000, 10_000_000)
        assert line["id"] in screen.table.rows.ids
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert screen.year == 2025 and line["id"] not in screen.table.rows.ids
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ResultsScreen)

        await pilot.press("u")
        await pilot.pause()
        await fill(
            pilot,
            ikm_id="IKM-000011",
            year="2026",
            workers_male="4",
            workers_female="6",
            turnover="Rp 300.000.000",
            production_value="200.000.000",
            investment="50.000.000",
        )
        saved = [d for d in db.all("yearly_figures") if d["ikm_id"] == 11 and d["year"] == 2026]
        assert len(saved) == 1 and saved[0]["workers_female"] == 6 and saved[0]["turnover"] == 300_000_000


async def test_the_profile_shows_facilitations_and_figures_by_year(db: Database) -> None:
    ikm_id = next(d for d in db.all("yearly_figures") if d["year"] == 2025)["ikm_id"]
    service.save_figures(db, {"ikm_id": ikm_id, "year": 2024, "workers_male": 1, "workers_female": 1})
    fac = service.create_facilitation(db, {"ikm_id": ikm_id, "kind": "marketplace", "requested_on": "2026-11-02"})
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(150, 50)) as pilot:
        await pilot.pause()
        app.push_screen(IkmProfileScreen(ikm_id))
        await pilot.pause()
        console = Console(width=150, file=io.StringIO(), color_system=None)
        console.print(app.screen.query_one("#profile", Static).content)
        text = console.file.getvalue()
    assert "Fasilitasi" in text and fac["code"] in text and "Diajukan" in text
    by_year = text[text.index("Data per tahun") :]
    assert by_year.index("2024") < by_year.index("2025") < by_year.index("2026 (terkini)")


async def test_the_dashboard_shows_the_years_progress(db: Database) -> None:
    expected = progress(tables_of(db), 2026)
    reached = sum(1 for r in expected["indicators"] if (r["achieved"] or 0) >= 1)
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(150, 50)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        console = Console(width=150, file=io.StringIO(), color_system=None)
        console.print(app.screen.query_one(ResultsProgress).content)
        text = " ".join(console.file.getvalue().split())
    assert "Kinerja 2026" in text
    assert f"{reached} dari {len(expected['indicators'])} target tercapai" in text, text


async def test_the_reports_screen_shows_the_kinerja_report_on_n(db: Database) -> None:

    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(150, 50)) as pilot:
        await pilot.pause()
        await pilot.press("7")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("n")
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.report is not None and screen.report.name == "kinerja"
        assert screen.report.data["year"] == 2026


async def test_the_list_names_the_officer_in_full(db: Database) -> None:
    from ikmtui.clock import officer_name

    staff = db.docs("staff")
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(200, 40)) as pilot:
        await pilot.press(KEY)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ResultsScreen)
        column = [c.key for c in screen.table.rows.columns].index("officer")
        shown = {screen.table.rows.cells(i)[column] for i in range(len(screen.table.rows))}
        usernames = {d.get("officer") for d in db.all("facilitations")}
        assert shown == {officer_name(staff, u) for u in usernames}
        assert not shown & {u for u in usernames if officer_name(staff, u) != u}  # no bare usernames
