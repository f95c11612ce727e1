"""The app's pages, in menu order. Each page is a module with ``render(fs)``.

Hooks: the Routes, Pathways and Learn pages need the analysis engine
(:mod:`explorer.routes`, :mod:`explorer.simulate`, ...). Write them as
``explorer/ui/routes_page.py``, ``pathways_page.py`` and ``learn_page.py`` with
``render(fs)``; they join the menu as soon as the module exists. The same holds for
``track_page.py`` (case tracking). No page is listed that does not work.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any


@dataclass(frozen=True)
class PageSpec:
    title: str
    module: str
    url_path: str
    #: An emoji: a Material icon would become the favicon, fetched from Google's servers.
    icon: str
    #: Optional pages are shown only when their module is present.
    optional: bool = False


PAGES: tuple[PageSpec, ...] = (
    PageSpec("Map", "explorer.ui.map_page", "map", "🗺️"),
    PageSpec("Routes", "explorer.ui.routes_page", "routes", "🛣️", True),
    PageSpec("Pathways", "explorer.ui.pathways_page", "pathways", "🔀",
             True),
    PageSpec("Learn", "explorer.ui.learn_page", "learn", "🎓", True),
    PageSpec("Track", "explorer.ui.track_page", "track", "📅", True),
    PageSpec("Your own flow", "explorer.ui.upload_page", "your-flow", "📤"),
    PageSpec("Sources", "explorer.ui.sources_page", "sources", "📚"),
    PageSpec("Glossary", "explorer.ui.glossary_page", "glossary", "📖"),
)


def available(spec: PageSpec) -> bool:
    try:
        return importlib.util.find_spec(spec.module) is not None
    except (ImportError, ValueError):
        return False


@dataclass(frozen=True)
class LoadedPage:
    spec: PageSpec
    render: Callable[[Any], None] | None
    error: str | None = None


def load_pages() -> list[LoadedPage]:
    """Every required page, and each optional page whose module exists.

    A page module that fails to import is kept with its error, so the menu can show
    it as broken without taking the other pages down.
    """
    out = []
    for spec in PAGES:
        if spec.optional and not available(spec):
            continue
        try:
            mod: ModuleType = importlib.import_module(spec.module)
            out.append(LoadedPage(spec, mod.render))
        except Exception as exc:  # one broken page must not break the app
            out.append(LoadedPage(spec, None, f"{type(exc).__name__}: {exc}"))
    return out
