"""Navigation: one st.Page per page module, each given the loaded flows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from explorer.ui.common import guarded
from explorer.ui.data import shipped_flowset
from explorer.ui.pages import LoadedPage, load_pages


def _page_runner(page: LoadedPage) -> Callable[[], None]:
    def run() -> None:
        if page.render is None:
            st.error(f"The {page.spec.title} page could not be loaded. The other pages "
                     "still work.")
            st.caption(page.error or "")
            return
        try:
            fs, _ = shipped_flowset()
        except Exception as exc:  # an unreadable folder: say so, keep the menu
            st.error(f"The flows could not be loaded: {type(exc).__name__}")
            return
        guarded(page.render, fs)

    run.__name__ = f"page_{page.spec.url_path.replace('-', '_')}"
    return run


def build_navigation() -> Any:
    pages = [st.Page(_page_runner(p), title=p.spec.title, icon=p.spec.icon,
                     url_path=p.spec.url_path, default=(i == 0))
             for i, p in enumerate(load_pages())]
    st.sidebar.caption("A learning and planning aid, not legal advice. Works offline; "
                       "nothing you upload is stored.")
    return st.navigation(pages)
