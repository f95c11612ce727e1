"""Start the app and drive Debian's Chromium: shared by the browser tests and benchmarks.

Never ``playwright install``: the browser is the system's ``/usr/bin/chromium``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.server import streamlit_server

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ARTIFACTS = ROOT / "test-artifacts"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


@dataclass
class App:
    url: str
    port: int
    flows_dir: Path
    process: subprocess.Popen[bytes]
    log: Path


@contextmanager
def run_app(flows_dir: Path, *, timeout: float = 60) -> Iterator[App]:
    """``streamlit run`` on a free localhost port; stopped (by its own pid) afterwards."""
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / f"streamlit-{os.getpid()}-{time.monotonic_ns()}.log"
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"),
           "--server.address", "localhost", "--server.headless", "true",
           "--browser.gatherUsageStats", "false"]
    with streamlit_server(cmd, env={"PERMANENCE_FLOWS_DIR": str(flows_dir)}, log=log,
                          timeout=timeout) as server:
        yield App(server.url, server.port, flows_dir, server.process, log)


@dataclass
class Guard:
    """Aborts and records every request that is not to the app on localhost."""

    port: int
    outside: list[str] = field(default_factory=list)

    def allowed(self, url: str) -> bool:
        return url.startswith((f"http://localhost:{self.port}/", f"ws://localhost:{self.port}/",
                               "blob:", "data:", "about:"))

    def attach(self, context: Any) -> None:
        def handle(route: Any) -> None:
            url = route.request.url
            if self.allowed(url):
                route.continue_()
            else:
                self.outside.append(url)
                route.abort()

        context.route("**/*", handle)
        context.on("request", lambda r: None if self.allowed(r.url) else
                   self.outside.append(r.url))


@contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                    headless=True)
        try:
            yield browser
        finally:
            browser.close()


def map_frame(page: Any, *, timeout: float = 60, not_count: int | None = None) -> Any:
    """The map's frame once vis-network has drawn (and, optionally, a different count)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        handle = page.query_selector("iframe.map-frame")
        frame = handle.content_frame() if handle else None
        if frame is not None:
            try:
                n = frame.evaluate("document.body && document.body.getAttribute("
                                   "'data-map-ready') ? mapNodeCount() : -1")
            except Exception:  # the frame is reloading
                n = -1
            if n >= 0 and (not_count is None or n != not_count):
                return frame
        time.sleep(0.01)
    raise TimeoutError("the map was not drawn in time")


def node_point(page: Any, frame: Any, node: str) -> tuple[float, float]:
    """Page coordinates of a step on the map (after bringing it into view).

    Waits for the app to be idle first: a rerun still under way can send the map its
    data again, and the map then moves to its opening view under the pointer.
    """
    wait_idle(page)
    frame.frame_element().scroll_into_view_if_needed()
    frame.evaluate("id => mapNetwork.focus(id, {scale: 1.2, animation: false})", node)
    pos = frame.evaluate("id => mapNetwork.canvasToDOM(mapNetwork.getPositions([id])[id])",
                         node)
    box = frame.evaluate("(() => { const r = document.getElementById('map')"
                         ".getBoundingClientRect(); return [r.x, r.y]; })()")
    fbox = frame.frame_element().bounding_box()
    return fbox["x"] + box[0] + pos["x"], fbox["y"] + box[1] + pos["y"]


def click_step(page: Any, frame: Any, node: str, *, attempts: int = 3) -> None:
    """Click a step on the map as a user would, and check that the map took the click.

    The pointer goes to the step's place on the page and clicks there. Under load a
    click can land while Chromium is still compositing the frame after the map moved
    to the step, and vis-network then sees no tap (the step is not selected and the
    app never hears of it). A lost click is clicked again, as a user would; a click
    the map took but the app ignored is the app's fault and is left to the caller's
    check of the page.
    """
    for _ in range(attempts):
        x, y = node_point(page, frame, node)
        page.mouse.move(x, y)
        page.wait_for_timeout(100)
        page.mouse.click(x, y)
        try:
            frame.wait_for_function(
                "id => mapNetwork.getSelectedNodes().indexOf(id) >= 0", arg=node,
                timeout=3_000)
            return
        except Exception:  # not selected: the map never saw the click
            continue
    raise TimeoutError(f"the map did not take a click on {node!r} in {attempts} tries")


def open_lane_menu(page: Any) -> Any:
    """Open the "Show only these lanes" filter's menu; its first lane (not "Select all")."""
    folded = page.get_by_text("Show only some lanes or tags")
    lanes = page.get_by_test_id("stMultiSelect").first
    folded.first.wait_for(timeout=30_000)
    option = page.get_by_role("option").filter(has_not_text="Select all").first
    last: Exception | None = None
    for _ in range(4):
        # A rerun still under way redraws the filter and closes its menu: wait for the
        # app to be idle, then open the fold and the menu.
        wait_idle(page)
        try:
            if not lanes.is_visible():
                folded.first.click()
                lanes.wait_for(state="visible", timeout=10_000)
            lanes.click()
            option.wait_for(timeout=10_000)
            return option
        except Exception as exc:  # the menu closed under us: try again
            last = exc
            page.keyboard.press("Escape")
    raise TimeoutError(f"could not open the lane filter: {last}")


def choose_first_lane(page: Any) -> None:
    """Pick the first lane in the "Show only these lanes" filter (not "Select all")."""
    last: Exception | None = None
    for _ in range(4):
        try:
            open_lane_menu(page).click(timeout=10_000)
            return
        except Exception as exc:  # the menu closed between opening and the click
            last = exc
            page.keyboard.press("Escape")
    raise TimeoutError(f"could not choose a lane: {last}")


def wait_idle(page: Any, timeout: float = 60_000) -> None:
    """Until Streamlit shows no "running" status (no rerun under way)."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=stStatusWidget]')", timeout=timeout)
    page.wait_for_timeout(200)
