"""The start page, every page's address, phone-width layout and printing, in a real browser."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from explorer.ui.app import aliases
from explorer.ui.pages import PAGES
from tests.browser.harness import App, Guard

pytestmark = pytest.mark.browser

#: Every address a page answers to, with the page's own address ("" for the start page,
#: served at the root).
ADDRESSES = [(p.url_path, "" if i == 0 else p.url_path) for i, p in enumerate(PAGES)] + [
    (a, "" if i == 0 else p.url_path) for i, p in enumerate(PAGES)
    for a in aliases(p, default=i == 0)]

#: Everything that could stick out of a narrow screen: charts, frames, tables, blocks.
WIDE_ELEMENTS_JS = """() => {
  const out = [];
  const sel = '[data-testid="stVegaLiteChart"], iframe, [data-testid="stDataFrame"], ' +
              '[data-testid="stElementContainer"], [data-testid="stHorizontalBlock"]';
  for (const el of document.querySelectorAll(sel)) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > window.innerWidth + 1)
      out.push((el.dataset.testid || el.tagName) + ' ends at ' + Math.round(r.right));
  }
  return {doc: document.documentElement.scrollWidth, wide: out};
}"""


@pytest.fixture
def phone(browser: Any, app: App) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    guard = Guard(app.port)
    guard.attach(context)
    try:
        yield context.new_page()
    finally:
        context.close()


def _opened(page: Any) -> None:
    page.get_by_test_id("stMainBlockContainer").wait_for()
    page.locator("h1").first.wait_for(timeout=30_000)
    page.wait_for_timeout(800)


def _heading(page: Any) -> str:
    return str(page.locator("h1").first.inner_text())


@pytest.mark.parametrize(("path", "own"), ADDRESSES)
def test_every_page_name_typed_in_the_address_bar_opens_that_page(
        guarded_page: tuple[Any, Guard], app: App, path: str, own: str) -> None:
    page, _ = guarded_page
    page.goto(f"{app.url}/{own}")
    _opened(page)
    expected = _heading(page)
    page.goto(f"{app.url}/{path}")
    _opened(page)
    assert not page.get_by_text("Page not found").count()
    assert _heading(page) == expected
    if own:  # not the start page: its own page, not the start page's heading
        assert expected != "Permanence Explorer"
        page.wait_for_url(f"**/{own}*", timeout=10_000)


def test_the_start_page_opens_at_the_root_and_links_to_the_map(
        guarded_page: tuple[Any, Guard], app: App, artifacts: Path) -> None:
    page, guard = guarded_page
    page.goto(app.url)
    _opened(page)
    assert page.locator("h1").first.inner_text() == "Permanence Explorer"
    page.screenshot(path=str(artifacts / "page-start.png"), full_page=True)
    page.get_by_role("link", name="See the whole system on the map").click()
    page.wait_for_url("**/map**", timeout=20_000)
    page.get_by_role("heading", name="Map of the flows").wait_for(timeout=20_000)
    assert guard.outside == []


@pytest.mark.parametrize("path", [p.url_path for p in PAGES])
def test_at_phone_width_no_page_scrolls_sideways_and_every_chart_fits(
        phone: Any, app: App, artifacts: Path, path: str) -> None:
    phone.goto(f"{app.url}/{path}")
    _opened(phone)
    phone.wait_for_timeout(2500)  # charts draw after the text
    found = phone.evaluate(WIDE_ELEMENTS_JS)
    phone.screenshot(path=str(artifacts / f"phone-{path}.png"))
    assert found["doc"] <= 390, found
    assert found["wide"] == [], found["wide"]


@pytest.mark.parametrize(("flow", "step"), [("care-and-protection", "grounds_hearing"),
                                            ("care-and-protection", "cso_review_hearing"),
                                            ("permanence", "advice_hearing")])
def test_a_hearings_summary_prints_on_one_page_without_the_menu(
        guarded_page: tuple[Any, Guard], app: App, artifacts: Path, flow: str,
        step: str) -> None:
    page, _ = guarded_page
    page.goto(f"{app.url}/pathways?flow={flow}&step={step}")
    _opened(page)
    page.get_by_text("One-page summary (to print)").click()
    # The summary is drawn when its own caption shows (and the folded options are gone).
    page.get_by_text("One-page summary. A learning and planning aid").wait_for(timeout=30_000)
    page.wait_for_function("() => !document.querySelector('[data-testid=stExpander]')",
                           timeout=30_000)
    page.wait_for_timeout(1000)
    page.emulate_media(media="print")
    sidebar = page.get_by_test_id("stSidebar")
    assert not sidebar.count() or not sidebar.is_visible()
    pdf = page.pdf(format="A4", print_background=False)
    (artifacts / f"pathways-summary-{step}.pdf").write_bytes(pdf)
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert pages == 1, f"the summary prints on {pages} pages"
