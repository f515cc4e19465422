"""The dashboard (key 1) and the Laporan screen (key 7), driven by keys."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import Input, Static

from ikmtui.reports.figures import dashboard, headline
from ikmtui.reports.period import Period
from ikmtui.storage import Database
from ikmtui.ui.app import make_app
from ikmtui.ui.dashboard.charts import BarChart
from ikmtui.ui.dashboard.overview import DashboardScreen
from ikmtui.ui.kit.dialogs import PromptScreen
from ikmtui.ui.reports.catalog import ReportsScreen

TODAY = "2026-11-01"


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IKMTUI_TODAY", TODAY)


def screen_text(app) -> str:  # type: ignore[no-untyped-def]
    """What the screen's text widgets show, as plain text (Rich renderables printed 120 columns wide)."""
    console = Console(width=120, file=io.StringIO(), color_system=None)
    for static in app.screen.query(Static):
        console.print(static.content)
    return console.file.getvalue()


async def later_setup(app, pilot) -> None:  # type: ignore[no-untyped-def]
    """A database without accounts first offers to create the administrator; esc leaves it for later."""
    await pilot.pause()
    if not isinstance(app.screen, DashboardScreen | ReportsScreen):
        await pilot.press("escape")
        await pilot.pause()


async def settle(app, pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_dashboard_shows_the_headline_and_five_charts(db: Database) -> None:
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        figures = dashboard({t: db.docs(t) for t in db._data}, date(2026, 11, 1))
        assert screen.figures == figures
        text = screen_text(app)
        assert "Program SMART sekilas · per 1 November 2026" in text
        assert f"{figures['headline']['ikm']}" in text and "Rp " in text
        plots = list(screen.query(BarChart))
        assert len(plots) == 5
        assert all(plot.size.height >= 8 for plot in plots)


async def test_dashboard_follows_a_saved_change(db: Database) -> None:
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        before = app.screen.figures["headline"]["ikm_active"]
        doc = next(d for d in db.all("ikm") if d["status"] == "active")
        db.update("ikm", doc["id"], {"status": "inactive"}, expected_version=doc["version"])
        app.data_saved()
        await pilot.pause()
        assert app.screen.figures["headline"]["ikm_active"] == before - 1
        assert headline(db._data, date(2026, 11, 1))["ikm_active"] == before - 1


async def test_dashboard_on_an_empty_database_says_so(empty_db: Database) -> None:
    app = make_app(empty_db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await later_setup(app, pilot)
        assert "belum berisi IKM" in screen_text(app)


async def test_reports_screen_picks_report_and_period_with_keys(db: Database) -> None:
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("7")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        assert screen.report is not None and screen.report.name == "overview"
        assert screen.period == Period.year(2026)
        await pilot.press("c")
        await settle(app, pilot)
        assert screen.report.name == "credit" and "Laporan Kredit" in screen_text(app)
        await pilot.press("m")
        await settle(app, pilot)
        assert screen.report.period == Period.month(2026, 11)
        await pilot.press("left_square_bracket", "left_square_bracket")
        await settle(app, pilot)
        assert screen.report.period == Period.month(2026, 9)
        await pilot.press("u")
        await settle(app, pilot)
        assert screen.report.period == Period.quarter(2026, 4)
        await pilot.press("a", "g")
        await settle(app, pilot)
        assert screen.report.name == "gallery" and screen.report.period.key == "all"
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        app.screen.query_one(Input).value = "2025-Q3"
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.report.period == Period.quarter(2025, 3)
        assert "Triwulan III 2025" in screen_text(app)


async def test_a_bad_period_is_refused_with_a_message(db: Database) -> None:
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("7")
        await settle(app, pilot)
        screen = app.screen
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one(Input).value = "2026-13"
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is screen and screen.period == Period.year(2026)
        assert any("bukan periode" in str(n.message) for n in app._notifications)


async def test_profile_and_export_from_the_screen(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    ikm = db.all("ikm")[5]
    app = make_app(db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("7")
        await settle(app, pilot)
        screen = app.screen
        await pilot.press("p")
        await pilot.pause()
        app.screen.query_one(Input).value = ikm["code"]
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.report.name == "profile" and ikm["name"] in screen_text(app)
        await pilot.press("p")
        await pilot.pause()
        app.screen.query_one(Input).value = "IKM-999999"
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.report.name == "profile" and screen.ikm_code == ikm["code"]
        assert any("Tidak ada IKM dengan kode IKM-999999" in str(n.message) for n in app._notifications)
        await pilot.press("x")
        await pilot.pause()
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        assert prompt.query_one(Input).value == f"laporan-profil-{ikm['code']}-2026.html"
        prompt.query_one(Input).value = "profil.json"
        await pilot.press("enter")
        await pilot.pause()
        data = json.loads((tmp_path / "profil.json").read_text(encoding="utf-8"))
        assert data["ikm"]["code"] == ikm["code"] and ikm["owner_nik"] not in json.dumps(data)
        await pilot.press("o", "x")
        await pilot.pause()
        app.screen.query_one(Input).value = str(tmp_path / "ikhtisar.xlsx")
        await pilot.press("enter")
        await pilot.pause()
        assert (tmp_path / "ikhtisar.xlsx").stat().st_size > 0
        await pilot.press("x")
        await pilot.pause()
        app.screen.query_one(Input).value = "laporan.docx"
        await pilot.press("enter")
        await pilot.pause()
        assert not (tmp_path / "laporan.docx").exists()
        assert any("akhiri nama berkas" in str(n.message) for n in app._notifications)


async def test_reports_screen_on_an_empty_database(empty_db: Database) -> None:
    app = make_app(empty_db, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await later_setup(app, pilot)
        await pilot.press("7")
        await settle(app, pilot)
        for key in "oiktcg":
            await pilot.press(key)
            await settle(app, pilot)
            assert app.screen.report.data["empty"] is True
            assert "belum berisi data" in screen_text(app)
