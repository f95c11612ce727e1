"""The HTML export printed by a real Chromium: the whole map on one A3 landscape sheet."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from explorer.io.load import load_flows
from explorer.render.export import export_text

pytestmark = pytest.mark.browser

#: Every step's box, mapped from the network's canvas to the page, against the map's area
#: (CSS pixels; a half-pixel of rounding allowed).
_BOXES_OUTSIDE = """() => {
  const n = window.mapNetwork;
  const r = document.querySelector('#map canvas').getBoundingClientRect();
  const out = [];
  for (const id of n.body.nodeIndices) {
    const b = n.getBoundingBox(id);
    const a = n.canvasToDOM({x: b.left, y: b.top});
    const z = n.canvasToDOM({x: b.right, y: b.bottom});
    if (a.x < -0.5 || a.y < -0.5 || z.x > r.width + 0.5 || z.y > r.height + 0.5) {
      out.push(id);
    }
  }
  return {outside: out, count: n.body.nodeIndices.length,
          mapBottom: document.getElementById('map').getBoundingClientRect().bottom};
}"""


@pytest.mark.parametrize("flow", ["permanence", "care-and-protection", "all"])
def test_printing_the_exported_map_puts_every_step_on_one_a3_sheet(
        browser: Any, tmp_path: Path, flow: str) -> None:
    page_file = tmp_path / f"{flow}.html"
    page_file.write_text(export_text(load_flows(), flow, "html"), encoding="utf-8")
    # The session's Chromium (one Playwright per process); the page is a local file.
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    try:
        page = context.new_page()
        page.goto(page_file.as_uri())
        page.wait_for_function("window.mapNetwork && mapNetwork.body.nodeIndices.length > 0",
                               timeout=60_000)
        page.emulate_media(media="print")
        page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
        placed = page.evaluate(_BOXES_OUTSIDE)
        pdf = page.pdf(format="A3", landscape=True, print_background=True)
    finally:
        context.close()
    assert placed["count"] > 50
    assert placed["outside"] == []
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (width, height) == pytest.approx((1190.55, 841.89), abs=1.0)
