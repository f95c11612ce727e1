"""Helpers every page uses: safe Markdown, problems, error boundaries, links (the pages'
state, and their query parameters, are kept by :mod:`explorer.ui.state`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import RerunException, StopException

from explorer.graph import ALL
from explorer.model.flowset import FlowSet
from explorer.model.problems import Problem

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&\"'=^%@])")


def md(text: object) -> str:
    """Text from a flow made inert for ``st.markdown``: every punctuation mark escaped.

    Escaping ``:`` stops Streamlit's ``:color[...]`` and ``:material/...:`` directives,
    ``$`` stops LaTeX, ``[`` and ``(`` stop links, ``<`` stops HTML.

    >>> md("<b>[x](javascript:alert(1))</b>")
    '\\\\<b\\\\>\\\\[x\\\\]\\\\(javascript\\\\:alert\\\\(1\\\\)\\\\)\\\\</b\\\\>'
    """
    s = " ".join(str(text).split()) if "\n" not in str(text) else str(text)
    return _MD_SPECIAL.sub(r"\\\1", s).replace("\n", "  \n")


def problem_text(p: Problem, root: str | None = None) -> str:
    path = p.path
    if root and path.startswith(root):
        path = path[len(root):].lstrip("/\\")
    else:
        path = Path(path).name if Path(path).is_absolute() else path
    return str(Problem(path, p.line, p.column, p.message, p.hint, p.code))


def show_problems(problems: Iterable[Problem], *, heading: str, expanded: bool = False,
                  root: str | None = None, limit: int = 200) -> None:
    """Problems as a warning with each ``file:line:column: message`` listed as plain text."""
    items = list(problems)
    if not items:
        return
    st.warning(f"{heading}: {len(items)} problem(s). The rest of the app still works.",
               icon="⚠️")
    with st.expander("Show the problems, with line numbers", expanded=expanded):
        st.code("\n".join(problem_text(p, root) for p in items[:limit]), language=None,
                wrap_lines=True)
        if len(items) > limit:
            st.caption(f"... and {len(items) - limit} more")


def guarded(fn: Callable[..., None], *args: Any) -> None:
    """Run a page; an unexpected error becomes a message, never a stack trace."""
    try:
        fn(*args)
    except (StopException, RerunException):
        raise  # Streamlit's own control flow (st.stop, st.rerun)
    except Exception as exc:  # the boundary of a page
        st.error("Something went wrong while drawing this page. The other pages still work. "
                 f"Details: {type(exc).__name__}: {md(str(exc))[:500]}")


def download_csv(frame: Any, file_name: str, *, key: str,
                 label: str = "Download this table (CSV)") -> None:
    """A CSV download of a table, every text cell neutralised against formula injection.

    ``on_click="ignore"``: downloading must not rerun the page (and recompute).
    """
    from explorer.io.tabular import csv_bytes as table_csv

    st.download_button(label, table_csv(frame), file_name=file_name, mime="text/csv",
                       key=key, on_click="ignore")


def flow_label(fs: FlowSet, flow_id: str) -> str:
    """The name a user reads for a flow in every picker and title: its title, never its id."""
    if flow_id == ALL:
        return "The whole system (all flows)"
    flow = fs.flows.get(flow_id)
    return flow.title if flow is not None else flow_id


#: The app's pages by URL path, registered by :func:`explorer.ui.app.build_navigation`.
_PAGES: dict[str, Any] = {}


def register_pages(pages: dict[str, Any]) -> None:
    """Remember the navigation's ``st.Page`` objects so pages can link to each other."""
    _PAGES.clear()
    _PAGES.update(pages)


def page_link(url_path: str, label: str, *, icon: str | None = None) -> None:
    """A link to another page of the app; plain text outside the navigation (page tests)."""
    target = _PAGES.get(url_path)
    if target is not None:
        try:
            st.page_link(target, label=label, icon=icon)
            return
        except Exception:  # not this run's navigation (a test runs one page alone)
            pass
    st.markdown(f"{icon + ' ' if icon else '→ '}{md(label)}")

