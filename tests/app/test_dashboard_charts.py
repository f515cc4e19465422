"""The dashboard's charts tell the truth: each bar as long as its value on the scale (to an eighth of a
character), so bars are ordered as the data are; counts get whole-number ticks, money round ones; at 80x24 the
figures keep their values and the charts stack in one column."""

from __future__ import annotations

import math

import pytest
from textual.widgets import Static

from ikmtui.storage import Database
from ikmtui.ui import app as app_module
from ikmtui.ui.dashboard.charts import BarChart, nice_step, scale_for

CHARTS = ("chart-kecamatan", "chart-credit", "chart-gallery", "chart-training", "chart-new")


def test_scales_are_round_and_whole_for_counts() -> None:
    assert scale_for([2, 1, 0], 4, whole=True).ticks() == [0, 1, 2]  # never 0.67 or 1.33
    assert scale_for([50, 30, 15], 5, whole=True).ticks() == [0, 10, 20, 30, 40, 50]
    money = scale_for([5.0, 5.6, 8.4], 4, whole=False)
    assert money.ticks() == [0, 2.5, 5.0, 7.5, 10.0]
    for top in (0.3, 3, 7, 13, 96, 2478):
        step = nice_step(top, 4, whole=False)
        mantissa = step / 10 ** math.floor(math.log10(step))
        assert round(mantissa, 6) in (1, 2, 2.5, 5)


@pytest.mark.parametrize("size", [(200, 50), (80, 24)])
async def test_bar_lengths_are_ordered_as_the_data_are(db: Database, size: tuple[int, int]) -> None:
    app = app_module.make_app(db, poll_seconds=0)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for chart_id in CHARTS:
            chart = app.screen.query_one(f"#{chart_id}", BarChart)
            values, lengths = chart.values, chart.bar_lengths()
            assert any(values), chart_id
            scale, cells = chart.scale(), chart.bar_cells()
            assert max(values) <= scale.top
            for value, length in zip(values, lengths, strict=True):  # true to an eighth of a character
                assert abs(length - value / scale.top * cells * 8) <= 0.5, (chart_id, value, length)
            for a, la in zip(values, lengths, strict=True):
                for b, lb in zip(values, lengths, strict=True):
                    if a < b:
                        assert la <= lb, (chart_id, a, b, la, lb)
                    if a == b:
                        assert la == lb
            if chart.whole:
                assert all(tick == int(tick) for tick in scale.ticks()), chart_id


async def test_the_figures_keep_their_values_at_80_columns(db: Database) -> None:
    app = app_module.make_app(db, poll_seconds=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        lines = ["".join(segment.text for segment in strip) for strip in app.screen._compositor.render_strips()]
        headline = app.screen.query_one("#headline", Static)
        figures = app.screen.figures["headline"]  # type: ignore[attr-defined]
        shown = "\n".join(lines[1 : 1 + headline.size.height])
        for key in ("ikm", "ikm_active", "workers", "clusters", "certificates"):
            assert f"{figures[key]:,}".replace(",", ".") in shown, key
        assert app.screen.query_one("#charts").has_class("narrow")


def test_english_figures_have_comma_separators() -> None:
    import io

    from rich.console import Console

    from ikmtui import i18n
    from ikmtui.ui.dashboard.overview import headline_table

    figures = dict.fromkeys(
        ("ikm", "ikm_active", "workers", "investment", "clusters", "certificates", "loans_active", "outstanding"), 0
    )
    figures.update(listings=0, workers=2478)
    try:
        i18n.set_language("en")
        console = Console(width=160, record=True, file=io.StringIO())
        console.print(headline_table(figures))
        text = console.export_text()
        assert "Workers" in text and "2,478" in text
    finally:
        i18n.set_language("id")
