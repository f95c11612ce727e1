"""A council's own version of the permanence flow, uploaded in a real browser: its map marks
what differs from the national flow, the legend outside the frame explains each mark, and
axe-core finds no serious WCAG 2.2 AA violation on the page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from explorer.model.kinds import CHANGE_BADGES
from tests.browser.harness import App, Guard, map_frame, wait_idle
from tests.browser.test_map_browser import AXE_TAGS
from tests.test_variant_map import council_text

pytestmark = pytest.mark.browser


@pytest.fixture
def laptop(browser: Any, app: App) -> Iterator[tuple[Any, Guard]]:
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    guard = Guard(app.port)
    guard.attach(context)
    try:
        yield context.new_page(), guard
    finally:
        context.close()


def _upload_variant(page: Any, app: App, tmp_path: Path) -> Any:
    upload = tmp_path / "ours.yaml"
    upload.write_text(council_text(), encoding="utf-8")
    page.goto(f"{app.url}/your-flow")
    page.locator("input[type=file]").set_input_files(str(upload))
    page.get_by_text(re.compile("is a valid flow")).wait_for(timeout=30_000)
    # Below the table of changes: the frame loads once it is scrolled into view.
    switch = page.get_by_text("Show what differs from").first
    switch.wait_for(timeout=30_000)
    switch.scroll_into_view_if_needed()
    frame = map_frame(page)
    for _ in range(100):
        marked = frame.evaluate("mapNetwork.body.data.nodes.get()"
                                ".filter(n => n.diff).length")
        if marked:
            return frame
        page.wait_for_timeout(100)
        frame = map_frame(page)
    raise AssertionError("the variant's map was not drawn with its marks")


def test_an_uploaded_variant_s_map_marks_its_differences(
        laptop: tuple[Any, Guard], app: App, artifacts: Path, tmp_path: Path) -> None:
    page, guard = laptop
    frame = _upload_variant(page, app, tmp_path)
    marks = dict(frame.evaluate("mapNetwork.body.data.nodes.get().filter(n => n.diff)"
                                ".map(n => [n.id, n.diff])"))
    assert marks["local_pre_panel_meeting"] == "added"
    assert marks["matching_panel"] == "changed"
    assert page.get_by_label(re.compile("Show what differs from")).first.is_checked()
    legend = page.locator(".pe-legend").first
    legend.scroll_into_view_if_needed()
    text = legend.inner_text()
    assert CHANGE_BADGES["added"] in text and CHANGE_BADGES["changed"] in text
    assert "Permanence report and referral to the panel" in text
    frame.evaluate("mapNetwork.focus('local_pre_panel_meeting', {scale: 1, animation: false})")
    page.wait_for_timeout(300)
    frame.frame_element().screenshot(path=str(artifacts / "map-variant-marks.png"))
    assert guard.outside == []


def test_axe_finds_no_serious_violation_on_a_variant_s_map(
        laptop: tuple[Any, Guard], app: App, tmp_path: Path) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page, _ = laptop
    _upload_variant(page, app, tmp_path)
    wait_idle(page)
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    bad = [(v["id"], v["impact"], len(v["nodes"]), v["nodes"][0]["target"])
           for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == []
