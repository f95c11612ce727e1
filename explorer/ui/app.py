"""Navigation: one st.Page per page, in sections by audience, each given the loaded flows.

The start page is the default (served at the app's root). Streamlit gives the default page
no URL path of its own, so ``/home`` and ``/start`` are hidden pages that open it, and
every page answers to its title as well as to its path (``/your-own-flow`` opens
``/your-flow``): whatever page name is typed in the address bar opens that page, never
"Page not found".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import streamlit as st

from explorer.ui import state
from explorer.ui.common import guarded, register_pages
from explorer.ui.data import shipped_flowset
from explorer.ui.pages import PAGES, PageSpec, sections

#: Extra URL paths of the start page (the default page itself is served at the root).
HOME_ALIASES: tuple[str, ...] = ("home", "start")


def _page_runner(spec: PageSpec) -> Callable[[], None]:
    def run() -> None:
        # Case data is dropped as soon as it is not shown: going to another page
        # forgets what the page left held, and the page's deep link is read afresh.
        state.enter(spec.url_path)
        try:
            fs, _ = shipped_flowset()
        except Exception as exc:  # an unreadable folder: say so, keep the menu
            st.error(f"The flows could not be loaded: {type(exc).__name__}")
            return
        guarded(spec.render, fs)

    # Streamlit tells pages apart by their function's name when no path is given.
    run.__name__ = f"page_{spec.url_path.replace('-', '_')}"
    return run


def _alias_runner(alias: str, target: Any) -> Callable[[], None]:
    """A hidden page that opens its page under the page's own address (so the menu
    shows where the user is, and the address can be shared)."""
    def run() -> None:
        st.switch_page(target)

    run.__name__ = f"alias_{alias.replace('-', '_')}"
    return run


def slug(title: str) -> str:
    """A page title as a URL path.

    >>> slug("Your own flow")
    'your-own-flow'
    """
    return re.sub(r"[^a-z0-9]+", "-", title.casefold()).strip("-")


def aliases(spec: PageSpec, *, default: bool) -> list[str]:
    """The hidden extra URL paths a page answers to (its title's slug, home's names)."""
    if default:  # served at the root; its own path and the home names are aliases
        return list(dict.fromkeys((spec.url_path, *HOME_ALIASES, slug(spec.title))))
    title = slug(spec.title)
    return [title] if title and title != spec.url_path else []


def build_navigation() -> Any:
    menu: dict[str, list[Any]] = {}
    by_path: dict[str, Any] = {}
    hidden: list[Any] = []
    default_spec = PAGES[0]
    for section, specs in sections().items():
        menu[section] = []
        for spec in specs:
            default = spec is default_spec
            # The default page's own path is left to Streamlit (it is served at the
            # root), so that path can be one of its hidden aliases.
            page = st.Page(_page_runner(spec), title=spec.title, icon=spec.icon,
                           url_path=None if default else spec.url_path, default=default)
            menu[section].append(page)
            by_path[spec.url_path] = page
            for alias in aliases(spec, default=default):
                hidden.append(st.Page(_alias_runner(alias, page),
                                      title=spec.title, icon=spec.icon, url_path=alias,
                                      visibility="hidden"))
    if hidden:
        # Hidden pages are in the menu's last section but never shown in it.
        last = list(menu)[-1]
        menu[last].extend(hidden)
    register_pages(by_path)
    nav = st.navigation(menu, position="hidden")
    # The menu is drawn here, not by st.navigation: Streamlit's own sidebar menu nests
    # <div>s between <ul> and <li>, which axe-core reports as a broken list (WCAG 1.3.1).
    hidden_ids = {id(pg) for pg in hidden}
    for section, pages in menu.items():
        shown = [pg for pg in pages if id(pg) not in hidden_ids]
        if shown:
            st.sidebar.markdown(f"**{section}**")
        for pg in shown:
            st.sidebar.page_link(pg)
    st.sidebar.caption("A learning and planning aid, not legal advice. Works offline; "
                       "nothing you upload is stored.")
    # WCAG 2.2 target size (2.5.8): the day, month and year parts of a date input are
    # 18 px wide by default; give each at least 24 x 24 px.
    st.html("<style>[data-testid='stDateInput'] [role='spinbutton']{display:inline-block;"
            "min-width:24px;min-height:24px;line-height:24px;text-align:center}</style>")
    return nav
