"""The Track page in a real browser with an Excel upload: read, tracked, and forgotten."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.browser.harness import App, Guard

pytestmark = pytest.mark.browser

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def caseload_xlsx() -> bytes:
    """Three fictional children: dates as Excel date cells and as text, no lac_review_1
    column (so the first review is 'not in your sheet'), one bad cell."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Cases"
    ws.append(["Case ID", "Looked after", "Placement", "Place of safety", "Grounds hearing"])
    ws.append(["XL-001", dt.datetime(2025, 6, 2), dt.datetime(2025, 6, 2), None, None])
    ws.append(["XL-002", "02/06/2025", "2025-06-09", None, None])
    ws.append(["XL-003", None, None, dt.datetime(2026, 1, 30), "soon"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(page: Any) -> None:
    page.locator("input[type=file]").first.set_input_files(files=[{
        "name": "caseload.xlsx", "mimeType": XLSX_MIME, "buffer": caseload_xlsx()}])


def test_track_page_reads_an_xlsx_upload(guarded_page: tuple[Any, Guard], app: App,
                                         artifacts: Path) -> None:
    page, guard = guarded_page
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{app.url}/track")
    upload(page)
    page.get_by_text(re.compile(r"3 case\(s\) tracked at .* from 3 row\(s\)")).wait_for(
        timeout=30_000)
    assert not page.get_by_test_id("stException").count()
    # The bad cell is reported at its row and column, and loses only itself.
    page.get_by_text(re.compile(r"1 problem\(s\) in the input; 0 row\(s\) skipped")).wait_for(
        timeout=10_000)
    page.get_by_test_id("stMetricValue").first.wait_for(timeout=10_000)
    tiles = [t.split("\n") for t in page.get_by_test_id("stMetric").all_inner_texts()]
    values = {t[0].strip(): t[-1].strip() for t in tiles if t}
    assert "Not in your sheet" in values, values
    assert int(values["Not in your sheet"]) >= 2  # each child's first review, at least
    page.get_by_role("button", name="Download the report (Excel)").wait_for(timeout=10_000)
    page.get_by_test_id("stMetric").first.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "page-track-xlsx.png"))
    page.get_by_text("Not in your sheet: clocks running").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "page-track-xlsx-lists.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(800)
    page.get_by_test_id("stMetric").first.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "page-track-xlsx-390.png"))
    assert guard.outside == [], guard.outside


def test_leaving_the_track_page_forgets_the_upload(guarded_page: tuple[Any, Guard],
                                                   app: App) -> None:
    page, guard = guarded_page
    page.goto(f"{app.url}/track")
    upload(page)
    page.get_by_text(re.compile(r"3 case\(s\) tracked at")).wait_for(timeout=30_000)
    # Leave through the app's own navigation (same session), then come back.
    page.get_by_role("link", name=re.compile("Learn")).first.click()
    page.wait_for_timeout(1500)
    page.get_by_role("link", name=re.compile("Track")).first.click()
    page.get_by_text("Upload a caseload, load the example, or enter one case").wait_for(
        timeout=30_000)
    assert not page.get_by_text("XL-001").count()
    assert guard.outside == [], guard.outside
