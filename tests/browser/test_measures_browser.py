"""The Measures page in a real browser with the fictional example event log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.harness import App, Guard

pytestmark = pytest.mark.browser


def _load_example(page: Any, app: App, query: str = "") -> None:
    page.goto(f"{app.url}/measures{query}")
    page.get_by_role("button", name="Load the example").click()
    page.get_by_text("The PACE intervals").wait_for(timeout=30_000)
    page.locator(".vega-embed").first.wait_for(timeout=20_000)


def test_the_example_log_gives_intervals_run_charts_and_no_outside_request(
        guarded_page: tuple[Any, Guard], app: App, artifacts: Path) -> None:
    page, guard = guarded_page
    _load_example(page, app, "?aim=permanence_recommendation:permanence_panel:84:0.9")
    page.get_by_text("Anhøj's rules on").first.wait_for(timeout=10_000)
    assert not page.get_by_test_id("stException").count()
    assert page.get_by_text("Disclosure control").count()
    page.screenshot(path=str(artifacts / "page-measures-example.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 900})
    page.wait_for_timeout(800)
    page.screenshot(path=str(artifacts / "page-measures-example-390.png"), full_page=True)
    assert guard.outside == [], guard.outside


def test_the_observed_process_and_a_childs_forecast_draw(
        guarded_page: tuple[Any, Guard], app: App, artifacts: Path) -> None:
    page, guard = guarded_page
    _load_example(page, app)
    page.get_by_role("tab", name="Observed process").click()
    page.get_by_text("The transitions children took, on the legal map").wait_for(
        timeout=30_000)
    page.get_by_text("The clocks most often missed, by stage").wait_for(timeout=30_000)
    page.screenshot(path=str(artifacts / "page-measures-process.png"), full_page=True)
    page.get_by_role("tab", name="A child's forecast").click()
    page.get_by_text("Now at", exact=True).wait_for(timeout=30_000)
    page.get_by_text("On the calendar", exact=True).wait_for(timeout=30_000)
    assert not page.get_by_test_id("stException").count()
    page.screenshot(path=str(artifacts / "page-measures-forecast.png"), full_page=True)
    assert guard.outside == [], guard.outside
