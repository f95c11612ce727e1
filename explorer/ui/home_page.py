"""Start: what the tool is for, and a way in for each kind of user.

The app opens here. Each audience gets the question it usually comes with and a link to
the page that answers it; the map is one click away. Links are ``st.page_link`` to the
pages registered by :mod:`explorer.ui.app` (outside the navigation, as in a page test,
the same links are plain text naming the page).
"""

from __future__ import annotations

import streamlit as st

from explorer.model.flowset import FlowSet
from explorer.ui.common import md, page_link

TITLE = "Start"

#: (audience, the question they come with, [(url path, link label), ...]).
WAYS_IN: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("Trainee", "What happens to a child, step by step, and which clocks run?",
     (("learn", "Walk a child's journey"), ("glossary", "Look a term up"))),
    ("Children's panel member", "What can this hearing decide, and what can the family do "
     "next?", (("pathways", "What a hearing can decide"),)),
    ("Policy staff", "Adoption, a permanence order or going home: how long by law, how "
     "long in practice, where does drift happen?", (("routes", "Compare routes to "
                                                      "permanence"),)),
    ("Manager", "Which of our children's deadlines are due, met or missed?",
     (("track", "Track cases against the time limits"),)),
)


def render(fs: FlowSet) -> None:
    st.title("Permanence Explorer", anchor=False)
    st.markdown(
        "Scotland's child care and protection and permanence processes, drawn as maps of "
        "steps, decisions and time limits. Every step and time limit carries its legal "
        "basis; practice estimates are shown apart from the law. A learning and planning "
        "aid, not legal advice. It works offline, and nothing you upload is stored.")
    if fs.flows:
        steps = sum(len(f.steps) for f in fs.flows.values())
        limits = sum(1 for f in fs.flows.values() for t in f.timescales
                     if t.status == "current")
        titles = " and ".join(md(f.title) for _, f in sorted(fs.flows.items()))
        st.caption(f"{len(fs.flows)} process(es): {titles}; {steps:,} steps and "
                   f"{limits:,} time limits in force.")
    page_link("map", "See the whole system on the map", icon="🗺️")
    st.subheader("Where to start", anchor=False)
    cols = st.columns(2)
    for i, (who, question, links) in enumerate(WAYS_IN):
        with cols[i % 2].container(border=True):
            st.markdown(f"**{who}**")
            st.markdown(question)
            for path, label in links:
                page_link(path, label)
    st.caption("Your own flow, Sources and Glossary are under Reference in the menu.")
