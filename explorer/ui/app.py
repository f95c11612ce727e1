"""Navigation: one st.Page per page, in sections by audience, each given the loaded flows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from explorer.ui.common import guarded
from explorer.ui.data import shipped_flowset
from explorer.ui.pages import PageSpec, sections


def _page_runner(spec: PageSpec) -> Callable[[], None]:
    def run() -> None:
        try:
            fs, _ = shipped_flowset()
        except Exception as exc:  # an unreadable folder: say so, keep the menu
            st.error(f"The flows could not be loaded: {type(exc).__name__}")
            return
        guarded(spec.render, fs)

    run.__name__ = f"page_{spec.url_path.replace('-', '_')}"
    return run


def build_navigation() -> Any:
    first = True
    menu: dict[str, list[Any]] = {}
    for section, specs in sections().items():
        menu[section] = []
        for spec in specs:
            menu[section].append(st.Page(_page_runner(spec), title=spec.title, icon=spec.icon,
                                         url_path=spec.url_path, default=first))
            first = False
    nav = st.navigation(menu, position="hidden")
    # The menu is drawn here, not by st.navigation: Streamlit's own sidebar menu nests
    # <div>s between <ul> and <li>, which axe-core reports as a broken list (WCAG 1.3.1).
    for section, pages in menu.items():
        st.sidebar.markdown(f"**{section}**")
        for page in pages:
            st.sidebar.page_link(page)
    st.sidebar.caption("A learning and planning aid, not legal advice. Works offline; "
                       "nothing you upload is stored.")
    # WCAG 2.2 target size (2.5.8): the day, month and year parts of a date input are
    # 18 px wide by default; give each at least 24 x 24 px.
    st.html("<style>[data-testid='stDateInput'] [role='spinbutton']{display:inline-block;"
            "min-width:24px;min-height:24px;line-height:24px;text-align:center}</style>")
    return nav
