"""The map in a real browser at 1366x768: the overview fits, the step map's keys work,
and axe-core finds no serious or critical WCAG 2.2 AA violation on any page."""

from __future__ import annotations

from typing import Any

import pytest

from explorer.ui.pages import PAGES
from tests.browser.harness import App, map_frame

pytestmark = pytest.mark.browser

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture
def small_page(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.mark.parametrize("flow", ["all", "permanence", "care-and-protection"])
def test_every_stage_of_the_overview_is_in_the_window(small_page: Any, app: App,
                                                      flow: str) -> None:
    page = small_page
    page.goto(f"{app.url}/map?flow={flow}")
    cards = page.locator(".stages .stage")
    cards.first.wait_for(timeout=30_000)
    page.wait_for_timeout(500)
    assert cards.count() >= 2
    for i in range(cards.count()):
        box = cards.nth(i).bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["y"] >= 0
        assert box["x"] + box["width"] <= 1366 and box["y"] + box["height"] <= 768, i
    sizes = page.locator(".stages .stage span").evaluate_all(
        "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))")
    assert min(sizes) >= 12


def test_clicking_a_stage_opens_its_steps(small_page: Any, app: App) -> None:
    page = small_page
    page.goto(f"{app.url}/map?flow=permanence")
    page.locator(".stages .stage").nth(1).click()
    frame = map_frame(page)
    assert 0 < frame.evaluate("mapNodeCount()") < 40


def test_after_fit_no_two_boxes_overlap(guarded_page: tuple[Any, Any], app: App) -> None:
    page, _ = guarded_page
    page.goto(f"{app.url}/map?flow=all&view=steps")
    frame = map_frame(page)
    frame.click("#zoom-fit")
    boxes = frame.evaluate("""() => { const n = window.mapNetwork;
        return n.body.nodeIndices.map(id => n.getBoundingBox(id)); }""")
    assert len(boxes) > 100
    bad = sum(1 for i, a in enumerate(boxes) for b in boxes[i + 1:]
              if a["left"] < b["right"] and b["left"] < a["right"]
              and a["top"] < b["bottom"] and b["top"] < a["bottom"])
    assert bad == 0


def test_arrow_keys_move_the_selection_and_enter_opens_details(
        guarded_page: tuple[Any, Any], app: App) -> None:
    page, _ = guarded_page
    page.goto(f"{app.url}/map?flow=permanence&view=steps")
    frame = map_frame(page)
    frame.focus("#map")
    frame.press("#map", "ArrowDown")
    first = frame.inner_text("#map-status")
    assert first.startswith("Selected: ")
    frame.press("#map", "ArrowDown")
    second = frame.inner_text("#map-status")
    assert second.startswith("Selected: ") and second != first
    scale = frame.evaluate("mapNetwork.getScale()")
    frame.press("#map", "+")
    assert frame.evaluate("mapNetwork.getScale()") > scale
    frame.press("#map", "Enter")
    name = second.removeprefix("Selected: ").split(". ")[0].split("\n")[0]
    page.get_by_role("heading", name=name, exact=True).first.wait_for(timeout=15_000)


@pytest.mark.parametrize("path", [p.url_path for p in PAGES])
def test_axe_finds_no_serious_violation(guarded_page: tuple[Any, Any], app: App,
                                        path: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page, _ = guarded_page
    page.goto(f"{app.url}/{path}")
    page.locator("h1").first.wait_for(timeout=30_000)
    page.wait_for_timeout(1500)
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    bad = [(v["id"], v["impact"], len(v["nodes"]), v["nodes"][0]["target"])
           for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == []
