"""Browser fixtures: the app on a free localhost port and Debian's Chromium.

Outside CI a missing Chromium or Playwright skips these tests; with ``CI=true`` it
fails them, so a broken CI image cannot pass silently.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from explorer.io.load import DEFAULT_FLOWS_DIR, load_flows
from tests.browser.harness import ARTIFACTS, CHROMIUM, App, Guard, chromium, in_ci, run_app
from tests.conftest import FIXTURES

pytestmark = pytest.mark.browser


def _require_browser() -> None:
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    if importlib.util.find_spec("playwright") is None:
        missing.append("the playwright package")
    if missing:
        msg = "browser tests need " + " and ".join(missing)
        if in_ci():
            pytest.fail(msg + " (CI=true: not skipping)")
        pytest.skip(msg)


def app_flows_dir() -> Path:
    """The shipped flows when any loads; else the explorer fixture (flows in progress)."""
    return DEFAULT_FLOWS_DIR if load_flows(DEFAULT_FLOWS_DIR).flows else FIXTURES / "explorer"


@pytest.fixture(scope="session")
def app() -> Iterator[App]:
    _require_browser()
    with run_app(app_flows_dir()) as running:
        yield running


@pytest.fixture(scope="session")
def browser(app: App) -> Iterator[Any]:
    with chromium() as b:
        yield b


@pytest.fixture
def guarded_page(browser: Any, app: App) -> Iterator[tuple[Any, Guard]]:
    context = browser.new_context(viewport={"width": 1440, "height": 1100})
    guard = Guard(app.port)
    guard.attach(context)
    page = context.new_page()
    try:
        yield page, guard
    finally:
        context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
