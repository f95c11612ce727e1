"""Glossary: every term the flows use, searchable."""

from __future__ import annotations

import streamlit as st

from explorer.model import Term
from explorer.model.flowset import FlowSet
from explorer.ui.common import md

TITLE = "Glossary"


def search_terms(fs: FlowSet, query: str) -> list[Term]:
    """The glossary's terms, alphabetically, that mention ``query`` (all when it is blank)."""
    q = query.strip().casefold()
    terms = sorted(fs.glossary, key=lambda t: t.term.casefold())
    return [t for t in terms if not q or q in t.term.casefold()
            or q in (t.abbreviation or "").casefold() or q in t.definition.casefold()]


def show_terms(fs: FlowSet, terms: list[Term]) -> None:
    """Each term with its definition, see-also and source, escaped."""
    for t in terms:
        head = f"**{md(t.term)}**" + (f" ({md(t.abbreviation)})" if t.abbreviation else "")
        body = md(t.definition)
        if t.see_also:
            body += "  \nSee also: " + ", ".join(md(x) for x in t.see_also)
        if t.source:
            src = fs.sources.get(t.source)
            body += "  \nSource: " + md(src.short if src else t.source)
        st.markdown(f"{head}  \n{body}")


def glossary_search(fs: FlowSet, *, key: str) -> None:
    """A search box over the glossary and the matching terms (used here and on Learn)."""
    if not fs.glossary:
        st.info("No glossary could be loaded.")
        return
    query = st.text_input("Search terms and definitions", key=key,
                          placeholder="e.g. CSO, safeguarder")
    hits = search_terms(fs, query)
    st.caption(f"{len(hits)} of {len(fs.glossary)} terms.")
    show_terms(fs, hits)


def render(fs: FlowSet) -> None:
    st.title("Glossary", anchor=False)
    glossary_search(fs, key="glossary_search")
