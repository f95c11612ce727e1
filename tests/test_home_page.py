"""The start page: what the tool is for, a way in for each user, every page name a URL."""

from __future__ import annotations

from pathlib import Path

import pytest

from explorer.ui.app import HOME_ALIASES, aliases, slug
from explorer.ui.data import FLOWS_DIR_ENV
from explorer.ui.home_page import WAYS_IN
from explorer.ui.pages import PAGES, sections
from tests.apptest import ok, page
from tests.conftest import FIXTURES


@pytest.fixture(autouse=True)
def flows_dir(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(FLOWS_DIR_ENV, str(FIXTURES / "explorer"))
    return FIXTURES / "explorer"


def test_the_start_page_is_first_in_the_menu() -> None:
    assert PAGES[0].url_path == "home"
    assert next(iter(sections())) == "Start"


def test_the_start_page_offers_a_way_in_for_each_audience() -> None:
    at = ok(page("explorer.ui.home_page").run())
    # A way in is a page link inside the app's navigation, and plain text when the page
    # runs alone: read both, so the test holds whichever ran first in this process.
    shown = [m.value for m in at.markdown] + [str(e.proto.label) for e in at.get("page_link")]
    text = "\n".join(t.replace("\\", "") for t in shown)
    for who, question, links in WAYS_IN:
        assert who in text and question.split(",")[0] in text
        for _, label in links:
            assert label in text
    assert "See the whole system on the map" in text


def test_every_way_in_links_to_a_page_in_the_menu() -> None:
    paths = {p.url_path for p in PAGES}
    assert {path for _, _, links in WAYS_IN for path, _ in links} <= paths


def test_the_start_page_answers_to_home_and_start() -> None:
    assert set(HOME_ALIASES) <= set(aliases(PAGES[0], default=True))


def test_a_page_answers_to_its_title_as_a_url() -> None:
    upload = next(p for p in PAGES if p.title == "Your own flow")
    assert slug(upload.title) == "your-own-flow"
    assert aliases(upload, default=False) == ["your-own-flow"]


def test_no_alias_clashes_with_another_pages_path() -> None:
    own = [p.url_path for p in PAGES]
    extra = [a for i, p in enumerate(PAGES) for a in aliases(p, default=i == 0)]
    assert len(set(extra)) == len(extra)
    assert not (set(extra) - {PAGES[0].url_path}) & set(own)
