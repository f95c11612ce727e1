"""Map: the shipped flows, one at a time or the whole system, with deep links."""

from __future__ import annotations

import streamlit as st

from explorer.model.flowset import FlowSet
from explorer.ui.common import show_problems
from explorer.ui.data import flows_dir, shipped_flowset
from explorer.ui.explore import EXPLORE_SESSION, EXPLORE_URL, explore
from explorer.ui.state import PageState

TITLE = "Map"
#: Deep links: ``/map?flow=...&view=steps&step=...&route=a,b``.
STATE = PageState("map", url=EXPLORE_URL, session=EXPLORE_SESSION)


def render(fs: FlowSet) -> None:
    # The stage overview must fit a 1366x768 window with the sidebar open: less of
    # Streamlit's top padding on this page.
    st.html("<style>.stMainBlockContainer{padding-top:2.2rem}</style>")
    st.title("Map of the flows", anchor=False)
    st.markdown("Scotland's child care and protection and permanence processes, stage by "
                "stage: choose a stage to see its steps, coloured by who acts, with the time "
                "limits on the lines; ⚠ marks a step no time limit covers. A learning and "
                "planning aid, not legal advice.")
    show_problems(fs.problems, heading="Some shipped flow files have problems",
                  root=str(flows_dir()))
    if not fs.flows:
        st.info("No flow could be loaded yet. When the flow files are valid, their maps "
                "appear here; the Sources and Glossary pages still work.")
        return
    _, digest = shipped_flowset()
    explore(fs, digest, STATE)
