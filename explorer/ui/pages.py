"""The app's pages, in menu order, grouped by who they are for; the first is the start page.

Every page is a module with ``render(fs)``; the list is explicit, so a page that fails to
import fails the app's tests, never silently drops out of the menu.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from explorer.ui import (
    glossary_page,
    home_page,
    learn_page,
    map_page,
    measures_page,
    pathways_page,
    routes_page,
    sources_page,
    track_page,
    upload_page,
)


@dataclass(frozen=True)
class PageSpec:
    title: str
    render: Callable[[Any], None]
    url_path: str
    #: An emoji: a Material icon would become the favicon, fetched from Google's servers.
    icon: str
    #: The menu section: who the page is for.
    section: str


PAGES: tuple[PageSpec, ...] = (
    PageSpec("Start", home_page.render, "home", "🏠", "Start"),
    PageSpec("Map", map_page.render, "map", "🗺️", "The system"),
    PageSpec("Learn", learn_page.render, "learn", "🎓", "Trainees"),
    PageSpec("Pathways", pathways_page.render, "pathways", "🔀", "Panel members"),
    PageSpec("Routes", routes_page.render, "routes", "🛣️", "Policy"),
    PageSpec("Track", track_page.render, "track", "📅", "Managers"),
    PageSpec("Measures", measures_page.render, "measures", "📈", "Managers"),
    PageSpec("Your own flow", upload_page.render, "your-flow", "📤", "Reference"),
    PageSpec("Sources", sources_page.render, "sources", "📚", "Reference"),
    PageSpec("Glossary", glossary_page.render, "glossary", "📖", "Reference"),
)


def sections() -> dict[str, list[PageSpec]]:
    """The pages by menu section, in menu order."""
    out: dict[str, list[PageSpec]] = {}
    for spec in PAGES:
        out.setdefault(spec.section, []).append(spec)
    return out
