"""Glossary: every term the flows use, searchable."""

from __future__ import annotations

import streamlit as st

from explorer.load import FlowSet
from explorer.ui.common import md

TITLE = "Glossary"


def render(fs: FlowSet) -> None:
    st.title("Glossary", anchor=False)
    terms = sorted(fs.glossary, key=lambda t: t.term.casefold())
    if not terms:
        st.info("No glossary could be loaded.")
        return
    query = st.text_input("Search terms and definitions", key="glossary_search",
                          placeholder="e.g. CSO, safeguarder").strip().casefold()
    hits = [t for t in terms if not query or query in t.term.casefold()
            or query in (t.abbreviation or "").casefold() or query in t.definition.casefold()]
    st.caption(f"{len(hits)} of {len(terms)} terms.")
    for t in hits:
        head = f"**{md(t.term)}**" + (f" ({md(t.abbreviation)})" if t.abbreviation else "")
        body = md(t.definition)
        if t.see_also:
            body += "  \nSee also: " + ", ".join(md(x) for x in t.see_also)
        if t.source:
            src = fs.sources.get(t.source)
            body += "  \nSource: " + md(src.short if src else t.source)
        st.markdown(f"{head}  \n{body}")
