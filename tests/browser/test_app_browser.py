"""The app in a real browser: the map draws, clicks open details, nothing leaves localhost."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from explorer.graph import flow_graph
from explorer.io.load import load_flows
from explorer.ui.pages import PAGES
from tests.browser.harness import App, Guard, choose_first_lane, click_step, map_frame, node_point
from tests.payloads import xss_flow_yaml

pytestmark = pytest.mark.browser


def _expected(app: App) -> tuple[str, int, Any]:
    fs = load_flows(app.flows_dir)
    fid = "all" if len(fs.flows) > 1 else sorted(fs.flows)[0]
    G = flow_graph(fs, fid)
    return fid, G.number_of_nodes(), G


def _details_heading(page: Any, name: str, timeout: float = 15_000) -> None:
    page.get_by_role("heading", name=name, exact=True).first.wait_for(timeout=timeout)


def test_map_draws_every_step(guarded_page: tuple[Any, Guard], app: App,
                              artifacts: Path) -> None:
    page, guard = guarded_page
    fid, count, _ = _expected(app)
    page.goto(f"{app.url}/map?flow={fid}&view=steps")
    frame = map_frame(page)
    assert frame.evaluate("mapNodeCount()") == count
    assert frame.frame_element().get_attribute("title").startswith("Map of ")
    assert frame.frame_element().get_attribute("sandbox") == "allow-scripts"
    page.screenshot(path=str(artifacts / "page-map.png"), full_page=True)
    assert guard.outside == []


def test_clicking_a_step_shows_its_details(guarded_page: tuple[Any, Guard], app: App,
                                           artifacts: Path) -> None:
    page, guard = guarded_page
    fid, _, G = _expected(app)
    page.goto(f"{app.url}/map?flow={fid}&view=steps")
    frame = map_frame(page)
    node = sorted(n for n in G if G.nodes[n]["kind"] == "meeting" and
                  not G.nodes[n].get("external"))[0]
    click_step(page, frame, node)
    _details_heading(page, str(G.nodes[node]["name"]))
    page.wait_for_function("s => new URLSearchParams(location.search).get('step') === s", arg=node)
    page.screenshot(path=str(artifacts / "page-map-details.png"), full_page=True)
    assert guard.outside == []


def test_filter_changes_the_drawn_map(guarded_page: tuple[Any, Guard], app: App) -> None:
    page, _ = guarded_page
    fid, count, _ = _expected(app)
    page.goto(f"{app.url}/map?flow={fid}&view=steps")
    map_frame(page)
    choose_first_lane(page)
    frame = map_frame(page, not_count=count)
    assert 0 < frame.evaluate("mapNodeCount()") < count


@pytest.mark.parametrize("path", [p.url_path for p in PAGES if p.url_path != "map"])
def test_each_page_offline_with_screenshot(guarded_page: tuple[Any, Guard], app: App,
                                           artifacts: Path, path: str) -> None:
    page, guard = guarded_page
    page.goto(f"{app.url}/{path}")
    page.get_by_test_id("stMainBlockContainer").wait_for()
    page.locator("h1").first.wait_for(timeout=20_000)
    page.wait_for_timeout(500)
    assert not page.get_by_test_id("stException").count()
    page.screenshot(path=str(artifacts / f"page-{path}.png"), full_page=True)
    assert guard.outside == [], guard.outside


def test_uploaded_script_payloads_run_nothing(guarded_page: tuple[Any, Guard], app: App,
                                              artifacts: Path, tmp_path: Path) -> None:
    page, guard = guarded_page
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    source = sorted(load_flows(app.flows_dir).sources)[0]
    upload = tmp_path / "xss.yaml"
    upload.write_bytes(xss_flow_yaml(source))
    page.goto(f"{app.url}/your-flow")
    page.locator("input[type=file]").set_input_files(str(upload))
    page.get_by_text(re.compile("is a valid flow")).wait_for(timeout=20_000)
    # The uploaded flow is chosen after a valid upload: wait for its (payload) map.
    frame = map_frame(page)
    for _ in range(50):
        if frame.evaluate("mapNodeCount()") == 4:
            break
        page.wait_for_timeout(100)
        frame = map_frame(page)
    for node in ("start_here", "choose", "end_one", "end_two"):
        x, y = node_point(page, frame, node)
        page.mouse.move(x, y)
        page.wait_for_timeout(300)
    click_step(page, frame, "start_here")
    page.get_by_text("The child and family").wait_for(timeout=15_000)
    page.wait_for_timeout(800)
    page.screenshot(path=str(artifacts / "page-your-flow-xss.png"), full_page=True)
    assert dialogs == []
    assert page.evaluate("() => document.querySelectorAll('img[src=x]').length") == 0
    assert frame.evaluate("() => document.querySelectorAll('img').length") == 0
    assert guard.outside == []


def test_track_page_loads_the_example_caseload(guarded_page: tuple[Any, Guard], app: App,
                                               artifacts: Path) -> None:
    page, guard = guarded_page
    page.goto(f"{app.url}/track")
    page.get_by_role("button", name="Load the example").click()
    page.get_by_text("Overdue, most overdue first").wait_for(timeout=30_000)
    page.get_by_text(re.compile(r"case\(s\) tracked at")).wait_for(timeout=10_000)
    page.wait_for_timeout(800)
    assert not page.get_by_test_id("stException").count()
    metrics = page.get_by_test_id("stMetricValue")
    assert metrics.count() >= 5
    page.screenshot(path=str(artifacts / "page-track-example.png"), full_page=True)
    assert guard.outside == [], guard.outside


def test_pathways_deep_link_with_screenshot(guarded_page: tuple[Any, Guard], app: App,
                                            artifacts: Path) -> None:
    fs = load_flows(app.flows_dir)
    if "advice_hearing" not in flow_graph(fs, "all"):
        pytest.skip("the flows in use have no advice hearing")
    page, guard = guarded_page
    flow = next(f for f, fl in fs.flows.items() if any(s.id == "advice_hearing"
                                                       for s in fl.steps))
    page.goto(f"{app.url}/pathways?flow={flow}&step=advice_hearing")
    page.get_by_role("heading", name="What the advice to the court means").wait_for(
        timeout=20_000)
    assert not page.get_by_test_id("stException").count()
    page.screenshot(path=str(artifacts / "page-pathways-advice.png"), full_page=True)
    assert guard.outside == [], guard.outside


def test_learn_journey_moves_with_screenshot(guarded_page: tuple[Any, Guard], app: App,
                                             artifacts: Path) -> None:
    page, guard = guarded_page
    page.goto(f"{app.url}/learn")
    day = page.get_by_text(re.compile(r"of the journey · 0 move"))
    day.wait_for(timeout=20_000)
    page.get_by_role("button", name=re.compile("^→")).first.click()
    page.get_by_text(re.compile(r"of the journey · 1 move")).wait_for(timeout=20_000)
    page.get_by_role("button", name=re.compile("^→")).first.click()
    page.get_by_text(re.compile(r"of the journey · 2 move")).wait_for(timeout=20_000)
    page.wait_for_timeout(800)  # let the timeline chart draw
    assert not page.get_by_test_id("stException").count()
    page.screenshot(path=str(artifacts / "page-learn-journey.png"), full_page=True)
    assert guard.outside == [], guard.outside


def test_routes_page_draws_table_and_charts(guarded_page: tuple[Any, Guard], app: App,
                                            artifacts: Path) -> None:
    page, guard = guarded_page
    page.goto(f"{app.url}/routes")
    page.get_by_role("heading", name="Routes to permanence compared").wait_for(timeout=30_000)
    # The route table, then the timeline and the distribution (Vega draws SVG or canvas).
    page.get_by_test_id("stDataFrame").first.wait_for(timeout=30_000)
    charts = page.get_by_test_id("stVegaLiteChart")
    charts.nth(1).wait_for(timeout=30_000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=stVegaLiteChart]')]"
        ".filter(c => c.querySelector('canvas, svg')).length >= 2", timeout=30_000)
    page.wait_for_timeout(500)
    assert not page.get_by_test_id("stException").count()
    page.wait_for_function("() => new URLSearchParams(location.search).get('to') !== null")
    # A ready-made what-if, so the screenshot shows its change from the baseline.
    presets = page.get_by_test_id("stCheckbox").filter(has_text="within 12 weeks")
    if presets.count():
        presets.first.click()
        page.get_by_test_id("stMetricDelta").first.wait_for(timeout=30_000)
    # Streamlit scrolls inside its own container: a tall window shows the whole page.
    page.set_viewport_size({"width": 1440, "height": 7600})
    page.wait_for_timeout(1000)
    page.screenshot(path=str(artifacts / "page-routes-charts.png"), full_page=True)
    assert guard.outside == [], guard.outside
